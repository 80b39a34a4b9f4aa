# %% [markdown]
# Sample learner code for 06_vectorized. Each cell is one attempt: its title names the function and
# it holds everything the learner typed into that function's solution cell. An untagged cell is a
# plausible mistake, wrong on the grader's cases (the sample class's "wrong" submissions draw from
# them); a cell tagged with a sample learner of the demo ("struggling", "hostile") is that
# learner's code and need not be wrong by itself.


# %% dense_forward
def dense_forward(X, W, b):
    """Net inputs of a dense layer for a batch: Z = X W + b (b added to every row)."""
    return X @ W


# %% dense_backward
def dense_backward(dZ, X, W):
    """Given dL/dZ of Z = X W + b: (dL/dX, dL/dW, dL/db)."""
    dX = dZ @ W.T
    dW = X.T @ dZ
    db = dZ.mean(axis=0)
    return dX, dW, db


# %% activation_backward
def activation_backward(dA, Z, kind):
    """dL/dZ = dL/dA * f'(Z) entry by entry."""
    if kind == "sigmoid":
        return dA * sigmoid(Z) * (1 - sigmoid(Z))
    if kind == "tanh":
        return dA * (1 - Z ** 2)
    if kind == "relu":
        return dA * (Z > 0)
    return dA


# %% mlp_backward
def mlp_backward(dY_hat, cache, params, activations):
    """Backward through every layer, last to first; returns [(dW, db), ...] in layer order."""
    grads = []
    dA = dY_hat
    for layer in reversed(range(len(params))):
        A_prev, Z = cache[layer]
        dX, dW, db = dense_backward(dA, A_prev, params[layer][0])
        grads.insert(0, (dW, db))
        dA = dX
    return grads


# %% mse_batch
def mse_batch(Y, Y_hat):
    """Mean of (Y - Y_hat)^2 over every entry."""
    return float(np.sum((Y - Y_hat) ** 2))


# %% dmse_batch
def dmse_batch(Y, Y_hat):
    """dL/dY_hat of the mean squared error."""
    return -2 * (Y - Y_hat) / len(Y)


# %% numeric_gradient
def numeric_gradient(f, x, h=1e-5):
    """Differences of the no-argument f, nudging x in place one entry at a time (restored)."""
    grad = np.zeros_like(x, dtype=float)
    base = f()
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f() - base) / h
        x[i] = old
    return grad


# %% activation_backward tags=["struggling"]
def activation_backward(dA, Z, kind):
    if kind == "sigmoid":
        return dA * Z * (1 - Z)
    if kind == "tanh":
        return dA * (1 - np.tanh(Z) ** 2)
    if kind == "relu":
        return dA * (Z > 0)
    return dA
