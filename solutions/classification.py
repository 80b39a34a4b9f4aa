"""03_classification: the 2-2-1 network with sigmoid units and binary cross-entropy.

Document 000 ("Classification Example"): every unit is a sigmoid, O11 = σ(W1_11·x1 + W1_21·x2 + b11),
O12 = σ(W1_12·x1 + W1_22·x2 + b12), y_hat = σ(Z_f) with Z_f = W2_11·O11 + W2_21·O12 + b21, and
    L = −y·log(y_hat) − (1 − y)·log(1 − y_hat).
Document 001: two inputs, one sigmoid hidden unit, one sigmoid output, the same loss.
"""
import numpy as np


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), evaluated so that e^(...) never overflows.

    (002 prints it as "1 / 1 + exp(−x)": the parentheses around the denominator were lost.)
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # in (0, 1], never overflows
    out = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return out[()] if out.ndim == 0 else out


def sigmoid_derivative(a):
    """σ′(z) = σ(z)(1 − σ(z)) = a(1 − a), given the activation a = σ(z)."""
    return a * (1 - a)


def bce_loss(y, y_hat):
    """L = −y·log(y_hat) − (1 − y)·log(1 − y_hat)."""
    return -y * np.log(y_hat) - (1 - y) * np.log(1 - y_hat)


def dL_dyhat_bce(y, y_hat):
    """∂L/∂y_hat = −y/y_hat + (1 − y)/(1 − y_hat) = −(y − y_hat) / (y_hat(1 − y_hat))."""
    return -(y - y_hat) / (y_hat * (1 - y_hat))


def dL_dz_output(y, y_hat):
    """∂L/∂Z_f = ∂L/∂y_hat · σ′(Z_f) = −(y − y_hat)/(y_hat(1 − y_hat)) · y_hat(1 − y_hat) = −(y − y_hat)."""
    return -(y - y_hat)


def dL_dW2_11_clf(y, y_hat, O11):
    """∂L/∂W2_11 = ∂L/∂Z_f · ∂Z_f/∂W2_11 = −(y − y_hat)·O11."""
    return dL_dz_output(y, y_hat) * O11


def dL_dW2_21_clf(y, y_hat, O12):
    """∂L/∂W2_21 = −(y − y_hat)·O12."""
    return dL_dz_output(y, y_hat) * O12


def dL_db21_clf(y, y_hat):
    """∂L/∂b21 = −(y − y_hat)."""
    return dL_dz_output(y, y_hat)


def dL_dW1_11_clf(y, y_hat, W2_11, O11, x1):
    """∂L/∂W1_11 = ∂L/∂Z_f · W2_11 · O11(1 − O11) · x1 = −(y − y_hat)·W2_11·O11(1 − O11)·x1."""
    return dL_dz_output(y, y_hat) * W2_11 * sigmoid_derivative(O11) * x1


def dL_dW1_21_clf(y, y_hat, W2_11, O11, x2):
    """∂L/∂W1_21 = −(y − y_hat)·W2_11·O11(1 − O11)·x2."""
    return dL_dz_output(y, y_hat) * W2_11 * sigmoid_derivative(O11) * x2


def dL_db11_clf(y, y_hat, W2_11, O11):
    """∂L/∂b11 = −(y − y_hat)·W2_11·O11(1 − O11)."""
    return dL_dz_output(y, y_hat) * W2_11 * sigmoid_derivative(O11)


def dL_dW1_12_clf(y, y_hat, W2_21, O12, x1):
    """∂L/∂W1_12 = −(y − y_hat)·W2_21·O12(1 − O12)·x1."""
    return dL_dz_output(y, y_hat) * W2_21 * sigmoid_derivative(O12) * x1


def dL_dW1_22_clf(y, y_hat, W2_21, O12, x2):
    """∂L/∂W1_22 = −(y − y_hat)·W2_21·O12(1 − O12)·x2."""
    return dL_dz_output(y, y_hat) * W2_21 * sigmoid_derivative(O12) * x2


def dL_db12_clf(y, y_hat, W2_21, O12):
    """∂L/∂b12 = −(y − y_hat)·W2_21·O12(1 − O12)."""
    return dL_dz_output(y, y_hat) * W2_21 * sigmoid_derivative(O12)


def forward_classification(x, params):
    """(O11, O12, y_hat) with a sigmoid on every unit."""
    x1, x2 = x
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    O11 = sigmoid(W1[0, 0] * x1 + W1[1, 0] * x2 + b1[0])
    O12 = sigmoid(W1[0, 1] * x1 + W1[1, 1] * x2 + b1[1])
    y_hat = sigmoid(W2[0] * O11 + W2[1] * O12 + b2)
    return float(O11), float(O12), float(y_hat)


def gradients_classification(x, y, params):
    """All nine derivatives of the BCE loss for one row, as a dict shaped like params."""
    x1, x2 = x
    O11, O12, y_hat = forward_classification(x, params)
    W2_11, W2_21 = params["W2"]
    return {
        "W1": np.array([[dL_dW1_11_clf(y, y_hat, W2_11, O11, x1), dL_dW1_12_clf(y, y_hat, W2_21, O12, x1)],
                        [dL_dW1_21_clf(y, y_hat, W2_11, O11, x2), dL_dW1_22_clf(y, y_hat, W2_21, O12, x2)]]),
        "b1": np.array([dL_db11_clf(y, y_hat, W2_11, O11), dL_db12_clf(y, y_hat, W2_21, O12)]),
        "W2": np.array([dL_dW2_11_clf(y, y_hat, O11), dL_dW2_21_clf(y, y_hat, O12)]),
        "b2": float(dL_db21_clf(y, y_hat)),
    }


def train_classification(X, Y, params, lr, epochs, seed):
    """Stochastic gradient descent on the BCE loss, with the conventions of train_regression:
    n steps per epoch on rows rng.integers(n), each step updating every parameter from its old
    value by η·∂L/∂p; epoch_losses[e] = mean of that epoch's step losses."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    params = {key: np.array(value, dtype=float) if np.ndim(value) else float(value)
              for key, value in params.items()}
    rng = np.random.default_rng(seed)
    epoch_losses = []
    for _ in range(epochs):
        step_losses = []
        for i in rng.integers(len(X), size=len(X)):
            step_losses.append(bce_loss(Y[i], forward_classification(X[i], params)[2]))
            grads = gradients_classification(X[i], Y[i], params)
            params = {key: value - lr * grads[key] for key, value in params.items()}
        epoch_losses.append(np.mean(step_losses))
    return params, np.array(epoch_losses)


def forward_single_hidden(x, params):
    """Document 001's forward pass for one row: (h, y_hat).

    z1 = w·x + b1, h = σ(z1)  (∂h/∂z1 = h(1 − h));  z2 = v·h + b2, y_hat = σ(z2)  (∂y_hat/∂z2 = y_hat(1 − y_hat)).
    """
    h = sigmoid(np.dot(np.asarray(params["w"], dtype=float), np.asarray(x, dtype=float)) + params["b1"])
    y_hat = sigmoid(params["v"] * h + params["b2"])
    return float(h), float(y_hat)


def gradients_single_hidden(x, y, params):
    """Document 001's network: h = σ(w·x + b1), y_hat = σ(v·h + b2), BCE loss.

    ∂L/∂z2 = y_hat − y;  ∂L/∂v = (y_hat − y)·h;  ∂L/∂b2 = y_hat − y;
    ∂L/∂z1 = (y_hat − y)·v·h(1 − h);  ∂L/∂w = ∂L/∂z1 · x;  ∂L/∂b1 = ∂L/∂z1.
    """
    h, y_hat = forward_single_hidden(x, params)
    dz2 = dL_dz_output(y, y_hat)
    dz1 = dz2 * params["v"] * sigmoid_derivative(h)
    return {"w": dz1 * np.asarray(x, dtype=float), "b1": float(dz1), "v": float(dz2 * h), "b2": float(dz2)}


def train_single_hidden(X, Y, params, lr, epochs, seed):
    """Document 001's loop ("repeat for each example in your dataset", then the average loss, for a
    number of epochs): each epoch takes the rows in their stored order, one step per row — the loss
    with the current parameters, then all four gradients from those same parameters, then
    p_new = p_old − lr·∂L/∂p_old for every parameter; epoch_losses[e] = mean of that epoch's step losses.

    001 draws no random numbers: seed is taken only so that the call reads like train_classification's,
    and the result does not depend on it.
    """
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    params = {key: np.array(value, dtype=float) if np.ndim(value) else float(value)
              for key, value in params.items()}
    epoch_losses = []
    for _ in range(epochs):
        step_losses = []
        for x, y in zip(X, Y):
            step_losses.append(bce_loss(y, forward_single_hidden(x, params)[1]))
            grads = gradients_single_hidden(x, y, params)
            params = {key: value - lr * grads[key] for key, value in params.items()}
        epoch_losses.append(np.mean(step_losses))
    return params, np.array(epoch_losses)
