"""05_training: when to update and how far: full batch, mini-batch, stochastic; XOR.

Documents 002 ("How Often Are the Weights Updated?" and its TensorFlow XOR network), 000 and 003
(the update rule W_new = W_old − η·∂L/∂W). The network is 02's 2-2-1 linear network; the loss of
a batch is the mean of its rows' squared errors, so its gradient is the mean of their gradients.
"""
import numpy as np

from .classification import sigmoid
from .regression import forward_regression, gradients_regression, update_all


def fresh_copy(params):
    """A float copy of a params dict, so that training never touches the caller's arrays."""
    return {key: np.array(value, dtype=float) if np.ndim(value) else float(value)
            for key, value in params.items()}


def batch_gradients_regression(X, Y, params):
    """∂L̄/∂θ for L̄ = (1/n) Σ_i (y_i − y_hat_i)²: the mean of the per-row gradients."""
    per_row = [gradients_regression(x, y, params) for x, y in zip(X, Y)]
    return {key: np.mean([g[key] for g in per_row], axis=0) if np.ndim(params[key])
            else float(np.mean([g[key] for g in per_row])) for key in params}


def dataset_loss(X, Y, params):
    """L̄ = (1/n) Σ_i (y_i − y_hat_i)² over all rows."""
    return float(np.mean([(y - forward_regression(x, params)[2]) ** 2 for x, y in zip(X, Y)]))


def train_full_batch(X, Y, params, lr, epochs):
    """One update per epoch with the gradient of the whole data set; losses[e] after epoch e."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    params, losses = fresh_copy(params), []
    for _ in range(epochs):
        grads = batch_gradients_regression(X, Y, params)
        params = {key: value - lr * grads[key] for key, value in params.items()}
        losses.append(dataset_loss(X, Y, params))
    return params, np.array(losses)


def train_minibatch(X, Y, params, lr, epochs, batch_size, seed):
    """Each epoch: order = rng.permutation(n), cut into consecutive batches of batch_size (the
    last may be smaller), one update per batch. rng = default_rng(seed) once."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    rng = np.random.default_rng(seed)
    params, losses = fresh_copy(params), []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            grads = batch_gradients_regression(X[rows], Y[rows], params)
            params = {key: value - lr * grads[key] for key, value in params.items()}
        losses.append(dataset_loss(X, Y, params))
    return params, np.array(losses)


def train_stochastic(X, Y, params, lr, epochs, seed):
    """Each epoch visits the rows of rng.permutation(n) one at a time: mini-batches of one."""
    return train_minibatch(X, Y, params, lr, epochs, 1, seed)


def train_on_batches(X, Y, params, lr, epochs, make_batches):
    """Update once per batch of row indices; losses[e] = dataset_loss after epoch e (for the
    checks' known mistakes, which batch the rows differently)."""
    params = fresh_copy(params)
    losses = []
    for _ in range(epochs):
        for rows in make_batches():
            params = update_all(params, batch_gradients_regression(X[rows], Y[rows], params), lr)
        losses.append(dataset_loss(X, Y, params))
    return params, np.array(losses)


X_xor = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
Y_xor = np.array([[0.0], [0.0], [1.0], [1.0]])


def train_xor(params, lr=1.0, steps=500):
    """Document 002's 2-3-1 sigmoid network on XOR, full-batch gradient descent.

    H = σ(X·W1 + b1), Y_hat = σ(H·W2 + b2), L = Σ (Y − Y_hat)² over the four rows (002's order);
    δ2 = −2(Y − Y_hat)·Y_hat(1 − Y_hat), ∂L/∂W2 = Hᵀδ2, ∂L/∂b2 = Σ_rows δ2;
    δ1 = δ2·W2ᵀ·H(1 − H),             ∂L/∂W1 = Xᵀδ1, ∂L/∂b1 = Σ_rows δ1.
    losses[k] is L before step k.
    """
    W1, b1 = np.array(params["W1"], dtype=float), np.array(params["b1"], dtype=float)
    W2, b2 = np.array(params["W2"], dtype=float), np.array(params["b2"], dtype=float)
    losses = []
    for _ in range(steps):
        H = sigmoid(X_xor @ W1 + b1)
        Y_hat = sigmoid(H @ W2 + b2)
        losses.append(float(np.sum((Y_xor - Y_hat) ** 2)))
        delta2 = -2 * (Y_xor - Y_hat) * Y_hat * (1 - Y_hat)  # σ′ at the output, from its value
        delta1 = delta2 @ W2.T * H * (1 - H)  # through the old W2: update only after both deltas
        W2, b2 = W2 - lr * (H.T @ delta2), b2 - lr * delta2.sum(axis=0)
        W1, b1 = W1 - lr * (X_xor.T @ delta1), b1 - lr * delta1.sum(axis=0)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, np.array(losses)
