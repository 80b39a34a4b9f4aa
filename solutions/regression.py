"""02_regression: the 2-2-1 linear network with squared error, trained one row at a time.

Documents 000 (fresherbell, "Let's try to find out the derivative of L ...") and 003 (the nine
boxed derivatives). x = [x1, x2] = [IQ, CGPA];
    O11   = W1_11·x1 + W1_21·x2 + b11
    O12   = W1_12·x1 + W1_22·x2 + b12
    y_hat = W2_11·O11 + W2_21·O12 + b21
    L     = (y − y_hat)²
params: W1 (2, 2) with W1[i-1, j-1] = W1_ij, b1 = [b11, b12], W2 = [W2_11, W2_21], b2 = b21.
"""
import numpy as np


def forward_regression(x, params):
    """(O11, O12, y_hat) of the 2-2-1 linear network."""
    x1, x2 = x
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    O11 = W1[0, 0] * x1 + W1[1, 0] * x2 + b1[0]
    O12 = W1[0, 1] * x1 + W1[1, 1] * x2 + b1[1]
    y_hat = W2[0] * O11 + W2[1] * O12 + b2
    return float(O11), float(O12), float(y_hat)


def mse_loss(y, y_hat):
    """L = (y − y_hat)²  (the document's "L = (Y − Y′)" lost its square)."""
    return (y - y_hat) ** 2


def dL_dyhat(y, y_hat):
    """∂L/∂y_hat = −2(y − y_hat)."""
    return -2 * (y - y_hat)


def dL_dW2_11(y, y_hat, O11):
    """∂L/∂W2_11 = ∂L/∂y_hat · ∂y_hat/∂W2_11 = −2(y − y_hat)·O11."""
    return dL_dyhat(y, y_hat) * O11


def dL_dW2_21(y, y_hat, O12):
    """∂L/∂W2_21 = −2(y − y_hat)·O12."""
    return dL_dyhat(y, y_hat) * O12


def dL_db21(y, y_hat):
    """∂L/∂b21 = −2(y − y_hat)·1  (003 boxes it as ∂y_hat/∂b21, which is 1)."""
    return dL_dyhat(y, y_hat)


def dL_dW1_11(y, y_hat, W2_11, x1):
    """∂L/∂W1_11 = ∂L/∂y_hat · ∂y_hat/∂O11 · ∂O11/∂W1_11 = −2(y − y_hat)·W2_11·x1."""
    return dL_dyhat(y, y_hat) * W2_11 * x1


def dL_dW1_21(y, y_hat, W2_11, x2):
    """∂L/∂W1_21 = −2(y − y_hat)·W2_11·x2."""
    return dL_dyhat(y, y_hat) * W2_11 * x2


def dL_db11(y, y_hat, W2_11):
    """∂L/∂b11 = −2(y − y_hat)·W2_11  (000 writes ∂O11/∂b21; it is ∂O11/∂b11 = 1)."""
    return dL_dyhat(y, y_hat) * W2_11


def dL_dW1_12(y, y_hat, W2_21, x1):
    """∂L/∂W1_12 = ∂L/∂y_hat · ∂y_hat/∂O12 · ∂O12/∂W1_12 = −2(y − y_hat)·W2_21·x1."""
    return dL_dyhat(y, y_hat) * W2_21 * x1


def dL_dW1_22(y, y_hat, W2_21, x2):
    """∂L/∂W1_22 = −2(y − y_hat)·W2_21·x2."""
    return dL_dyhat(y, y_hat) * W2_21 * x2


def dL_db12(y, y_hat, W2_21):
    """∂L/∂b12 = −2(y − y_hat)·W2_21."""
    return dL_dyhat(y, y_hat) * W2_21


def gradients_regression(x, y, params):
    """All nine derivatives for one row, as a dict shaped like params."""
    x1, x2 = x
    O11, O12, y_hat = forward_regression(x, params)
    W2_11, W2_21 = params["W2"]
    return {
        "W1": np.array([[dL_dW1_11(y, y_hat, W2_11, x1), dL_dW1_12(y, y_hat, W2_21, x1)],
                        [dL_dW1_21(y, y_hat, W2_11, x2), dL_dW1_22(y, y_hat, W2_21, x2)]]),
        "b1": np.array([dL_db11(y, y_hat, W2_11), dL_db12(y, y_hat, W2_21)]),
        "W2": np.array([dL_dW2_11(y, y_hat, O11), dL_dW2_21(y, y_hat, O12)]),
        "b2": float(dL_db21(y, y_hat)),
    }


def update_parameter(param, grad, lr):
    """W_new = W_old − η·∂L/∂W_old  (works for scalars and arrays)."""
    return param - lr * grad


def update_all(params, grads, lr):
    """A new params dict, every entry updated from its old value."""
    return {key: update_parameter(value, grads[key], lr) for key, value in params.items()}


def train_regression(X, Y, params, lr, epochs, seed):
    """Stochastic gradient descent as document 000 summarises it (a random row at each step;
    document 003 takes the rows in order instead).

    rng = default_rng(seed) once; each epoch makes n steps, each on row rng.integers(n):
    forward, loss, update all nine parameters. epoch_losses[e] = mean of that epoch's step losses.
    """
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    params = {key: np.array(value, dtype=float) if np.ndim(value) else float(value)
              for key, value in params.items()}
    rng = np.random.default_rng(seed)
    n = len(X)
    epoch_losses = []
    for _ in range(epochs):
        step_losses = []
        for _ in range(n):
            i = rng.integers(n)
            step_losses.append(mse_loss(Y[i], forward_regression(X[i], params)[2]))
            grads = gradients_regression(X[i], Y[i], params)  # all nine from the old values
            params = {key: update_parameter(value, grads[key], lr) for key, value in params.items()}
        epoch_losses.append(np.mean(step_losses))
    return params, np.array(epoch_losses)
