# %% [markdown]
# Sample learner code for 05_training. Each cell is one attempt: its title names the function and
# it holds everything the learner typed into that function's solution cell. An untagged cell is a
# plausible mistake, wrong on the grader's cases (the sample class's "wrong" submissions draw from
# them); a cell tagged with a sample learner of the demo ("struggling", "hostile") is that
# learner's code and need not be wrong by itself.


# %% batch_gradients_regression
def batch_gradients_regression(X, Y, params):
    """Gradient of the mean loss: the average of the rows' gradients."""
    total = {name: 0.0 for name in params}
    for i in range(len(X)):
        g = gradients_regression(X[i], Y[i], params)
        for name in total:
            total[name] = total[name] + g[name]
    return total


# %% dataset_loss
def dataset_loss(X, Y, params):
    """Mean over all rows of (y - y_hat)^2 with the given parameters."""
    loss = 0.0
    for x, y in zip(X, Y):
        y_hat = forward_regression(x, params)[2]
        loss += (y - y_hat) ** 2
    return float(loss)


# %% train_full_batch
def train_full_batch(X, Y, params, lr, epochs):
    """One update per epoch with the mean gradient of all rows; losses[e] = dataset_loss after epoch e."""
    p = fresh_copy(params)
    losses = []
    for epoch in range(epochs):
        losses.append(dataset_loss(X, Y, p))
        grads = batch_gradients_regression(X, Y, p)
        p = {name: p[name] - lr * grads[name] for name in p}
    return p, np.array(losses)


# %% train_minibatch
def train_minibatch(X, Y, params, lr, epochs, batch_size, seed):
    """Each epoch: shuffle with rng.permutation(n), one update per consecutive batch of rows."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(X))  # shuffle the data once
    p = fresh_copy(params)
    losses = np.zeros(epochs)
    for epoch in range(epochs):
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            grads = batch_gradients_regression(X[rows], Y[rows], p)
            p = {name: p[name] - lr * grads[name] for name in p}
        losses[epoch] = dataset_loss(X, Y, p)
    return p, losses


# %% train_xor
def train_xor(params, lr=1.0, steps=500):
    """002's 2-3-1 sigmoid net on XOR, full-batch gradient descent; losses[k] is L before step k."""
    W1, b1 = np.array(params["W1"], dtype=float), np.array(params["b1"], dtype=float)
    W2, b2 = np.array(params["W2"], dtype=float), np.array(params["b2"], dtype=float)
    losses = np.zeros(steps)
    for k in range(steps):
        H = sigmoid(X_xor @ W1 + b1)
        out = sigmoid(H @ W2 + b2)
        losses[k] = np.sum((Y_xor - out) ** 2)
        delta_2 = -2 * (Y_xor - out) * out * (1 - out)
        delta_1 = delta_2 @ W2.T
        W2 = W2 - lr * H.T @ delta_2
        b2 = b2 - lr * delta_2.sum(axis=0)
        W1 = W1 - lr * X_xor.T @ delta_1
        b1 = b1 - lr * delta_1.sum(axis=0)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, losses
