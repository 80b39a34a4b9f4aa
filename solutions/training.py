"""05_training: when to update and how far: full batch, mini-batch, stochastic; XOR.

Documents 002 ("How Often Are the Weights Updated?" and its TensorFlow XOR network), 000 and 003
(the update rule W_new = W_old − η·∂L/∂W). The network is 02's 2-2-1 linear network; the loss of
a batch is the mean of its rows' squared errors, so its gradient is the mean of their gradients.
"""
import numpy as np

from .classification import sigmoid, sigmoid_derivative
from .regression import copy_params, forward_regression, gradients_regression, mse_loss, update_all


def batch_gradients_regression(X, Y, params):
    """∂L̄/∂θ for L̄ = (1/n) Σ_i (y_i − y_hat_i)²: the mean of the per-row gradients."""
    per_row = [gradients_regression(x, y, params) for x, y in zip(X, Y)]
    return {key: np.mean([g[key] for g in per_row], axis=0) if np.ndim(params[key])
            else float(np.mean([g[key] for g in per_row])) for key in params}


def dataset_loss(X, Y, params):
    """L̄ = (1/n) Σ_i (y_i − y_hat_i)² over all rows."""
    return float(np.mean([mse_loss(y, forward_regression(x, params)[2]) for x, y in zip(X, Y)]))


def train_full_batch(X, Y, params, lr, epochs):
    """One update per epoch with the gradient of the whole data set; losses[e] after epoch e."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    return train_on_batches(X, Y, params, lr, epochs, lambda: [np.arange(len(X))])


def train_minibatch(X, Y, params, lr, epochs, batch_size, seed):
    """Each epoch: order = rng.permutation(n), cut into consecutive batches of batch_size (the
    last may be smaller), one update per batch. rng = default_rng(seed) once."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    rng = np.random.default_rng(seed)
    n = len(X)

    def batches():
        order = rng.permutation(n)
        return [order[start:start + batch_size] for start in range(0, n, batch_size)]

    return train_on_batches(X, Y, params, lr, epochs, batches)


def train_stochastic(X, Y, params, lr, epochs, seed):
    """Each epoch visits the rows of rng.permutation(n) one at a time: mini-batches of one."""
    return train_minibatch(X, Y, params, lr, epochs, 1, seed)


def train_on_batches(X, Y, params, lr, epochs, make_batches):
    """Update once per batch of row indices; losses[e] = dataset_loss after epoch e."""
    params = copy_params(params)
    losses = []
    for _ in range(epochs):
        for rows in make_batches():
            params = update_all(params, batch_gradients_regression(X[rows], Y[rows], params), lr)
        losses.append(dataset_loss(X, Y, params))
    return params, np.array(losses)


XOR_X = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
XOR_Y = np.array([[0.0], [0.0], [1.0], [1.0]])


def train_xor(params, lr=1.0, steps=500):
    """Document 002's 2-3-1 sigmoid network on XOR, full-batch gradient descent.

    H = σ(X·W1 + b1), Y_hat = σ(H·W2 + b2), L = Σ (Y − Y_hat)² over the four rows (002's order);
    δ2 = −2(Y − Y_hat)·Y_hat(1 − Y_hat), ∂L/∂W2 = Hᵀδ2, ∂L/∂b2 = Σ_rows δ2;
    δ1 = δ2·W2ᵀ·H(1 − H),             ∂L/∂W1 = Xᵀδ1, ∂L/∂b1 = Σ_rows δ1.
    losses[k] is L before step k.
    """
    params = copy_params(params)
    losses = []
    for _ in range(steps):
        H = sigmoid(XOR_X @ params["W1"] + params["b1"])
        Y_hat = sigmoid(H @ params["W2"] + params["b2"])
        losses.append(float(np.sum((XOR_Y - Y_hat) ** 2)))
        delta2 = -2 * (XOR_Y - Y_hat) * sigmoid_derivative(Y_hat)
        delta1 = delta2 @ params["W2"].T * sigmoid_derivative(H)
        grads = {"W1": XOR_X.T @ delta1, "b1": delta1.sum(axis=0),
                 "W2": H.T @ delta2, "b2": delta2.sum(axis=0)}
        params = update_all(params, grads, lr)
    return params, np.array(losses)
