"""06_vectorized: backpropagation in matrix form, for any number of dense layers.

Documents 002 (the TensorFlow network, X·W + b per layer) and 004 (the same chain rule, one weight
at a time). Rows of X are examples. For a layer Z = X·W + b, A = f(Z):
    ∂L/∂W = Xᵀ·∂L/∂Z,  ∂L/∂b = Σ_rows ∂L/∂Z,  ∂L/∂X = ∂L/∂Z·Wᵀ,  ∂L/∂Z = ∂L/∂A ⊙ f′(Z).
"""
import numpy as np

from .classification import sigmoid


def dense_forward(X, W, b):
    """Z = X·W + b, with X (n, d_in), W (d_in, d_out), b (d_out,)."""
    return X @ W + b


def dense_backward(dZ, X, W):
    """(∂L/∂X, ∂L/∂W, ∂L/∂b) = (dZ·Wᵀ, Xᵀ·dZ, Σ_rows dZ)."""
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def activation_forward(Z, kind):
    """A = f(Z) for kind "linear" (Z), "sigmoid" (σ(Z)), "tanh" (tanh Z), "relu" (max(0, Z))."""
    if kind == "linear":
        return Z
    if kind == "sigmoid":
        return sigmoid(Z)
    if kind == "tanh":
        return np.tanh(Z)
    if kind == "relu":
        return np.maximum(0.0, Z)
    raise ValueError(f"unknown activation {kind!r}")


def activation_backward(dA, Z, kind):
    """∂L/∂Z = ∂L/∂A ⊙ f′(Z): f′ = 1, σ(Z)(1 − σ(Z)), 1 − tanh²Z, [Z > 0] respectively."""
    if kind == "linear":
        return dA
    if kind == "sigmoid":
        s = sigmoid(Z)
        return dA * s * (1 - s)
    if kind == "tanh":
        return dA * (1 - np.tanh(Z) ** 2)
    if kind == "relu":
        return dA * (Z > 0)
    raise ValueError(f"unknown activation {kind!r}")


def mlp_forward(X, params, activations):
    """Run the layers in order. cache[l] = (A_prev, Z): the layer's input and pre-activation."""
    A, cache = X, []
    for (W, b), kind in zip(params, activations):
        Z = dense_forward(A, W, b)
        cache.append((A, Z))
        A = activation_forward(Z, kind)
    return A, cache


def mlp_backward(dY_hat, cache, params, activations):
    """Run the layers backwards from ∂L/∂Y_hat; returns [(∂L/∂W, ∂L/∂b)] in layer order."""
    dA, grads = dY_hat, []
    for (A_prev, Z), (W, _), kind in reversed(list(zip(cache, params, activations))):
        dZ = activation_backward(dA, Z, kind)
        dA, dW, db = dense_backward(dZ, A_prev, W)
        grads.append((dW, db))
    return grads[::-1]


def mse_batch(Y, Y_hat):
    """L = mean((Y − Y_hat)²) over every entry."""
    return float(np.mean((Y - Y_hat) ** 2))


def dmse_batch(Y, Y_hat):
    """∂L/∂Y_hat = −2(Y − Y_hat) / N, N the number of entries of Y."""
    return -2 * (Y - Y_hat) / np.size(Y)


def relative_error(a, b):
    """max over entries of |a − b| / max(1e-8, |a| + |b|)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def numeric_gradient(f, x, h=1e-5):
    """∂f/∂x_i ≈ (f() with x_i + h − f() with x_i − h) / 2h; f reads x, which is changed in
    place one entry at a time and restored."""
    grad = np.zeros(np.shape(x), dtype=float)
    for i in np.ndindex(np.shape(x)):
        original = x[i]
        x[i] = original + h
        f_plus = f()
        x[i] = original - h
        f_minus = f()
        x[i] = original
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def gradient_check(X, Y, params, activations):
    """Largest relative_error between mlp_backward and numeric_gradient over every W and b,
    the loss being mse_batch(Y, mlp_forward(X, params, activations)[0])."""
    def loss():
        return mse_batch(Y, mlp_forward(X, params, activations)[0])

    Y_hat, cache = mlp_forward(X, params, activations)
    analytic = mlp_backward(dmse_batch(Y, Y_hat), cache, params, activations)
    errors = [relative_error(g, numeric_gradient(loss, p))
              for (dW, db), (W, b) in zip(analytic, params) for g, p in ((dW, W), (db, b))]
    return max(errors)
