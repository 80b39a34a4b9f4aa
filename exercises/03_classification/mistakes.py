# %% [markdown]
# Sample learner code for 03_classification. Each cell is one attempt: its title names the function and
# it holds everything the learner typed into that function's solution cell. An untagged cell is a
# plausible mistake, wrong on the grader's cases (the sample class's "wrong" submissions draw from
# them); a cell tagged with a sample learner of the demo ("struggling", "hostile") is that
# learner's code and need not be wrong by itself.


# %% sigmoid_derivative
def sigmoid_derivative(a):
    """Slope of the sigmoid from its output a = σ(z): dσ/dz = a·(1 − a)."""
    s = sigmoid(a)
    return s * (1 - s)


# %% bce_loss
def bce_loss(y, y_hat):
    """Binary cross-entropy of one prediction: −y·ln(ŷ) − (1 − y)·ln(1 − ŷ)."""
    return -y * np.log(1 - y_hat) - (1 - y) * np.log(y_hat)


# %% dL_dyhat_bce
def dL_dyhat_bce(y, y_hat):
    """∂L/∂ŷ of binary cross-entropy."""
    return -(y - y_hat)


# %% dL_dW1_11_clf
def dL_dW1_11_clf(y, y_hat, W2_11, O11, x1):
    """Hidden weight W1_11 with sigmoid units."""
    return dL_dz_output(y, y_hat) * W2_11 * x1


# %% dL_db11_clf
def dL_db11_clf(y, y_hat, W2_11, O11):
    """Hidden bias b11: −(y − ŷ)·W2_11·O11(1 − O11), since ∂Z_prev/∂b11 = 1."""
    return (y - y_hat) * W2_11 * sigmoid_derivative(O11)


# %% gradients_single_hidden
def gradients_single_hidden(x, y, params):
    """Document 001's 2-1-1 sigmoid network with BCE: the gradients of w, b1, v and b2."""
    x = np.asarray(x, dtype=float)
    w, b1, v, b2 = np.asarray(params["w"], dtype=float), params["b1"], params["v"], params["b2"]
    h = sigmoid(np.dot(w, x) + b1)
    y_hat = sigmoid(v * h + b2)
    d_z2 = y_hat - y
    d_z1 = d_z2 * v  # back through v into the hidden unit
    return {"w": d_z1 * x, "b1": d_z1, "v": d_z2 * h, "b2": d_z2}


# %% forward_single_hidden
def forward_single_hidden(x, params):
    """Document 001's network on one row: (h, ŷ)."""
    h = np.dot(params["w"], x) + params["b1"]  # the hidden unit's weighted sum
    y_hat = sigmoid(params["v"] * h + params["b2"])
    return h, y_hat


# %% train_single_hidden
def train_single_hidden(X, Y, params, lr, epochs, seed):
    """Document 001's training loop, written from train_classification."""
    rng = np.random.default_rng(seed)
    p = {key: np.array(value, dtype=float) for key, value in params.items()}
    epoch_losses = []
    for _ in range(epochs):
        step_losses = []
        for i in rng.integers(len(X), size=len(X)):
            step_losses.append(bce_loss(Y[i], forward_single_hidden(X[i], p)[1]))
            grads = gradients_single_hidden(X[i], Y[i], p)
            p = {key: p[key] - lr * grads[key] for key in p}
        epoch_losses.append(np.mean(step_losses))
    return p, np.array(epoch_losses)


# %% train_single_hidden
def train_single_hidden(X, Y, params, lr, epochs, seed):
    """Document 001's training loop, its backward pass written out."""
    p = dict(params)
    epoch_losses = []
    for _ in range(epochs):
        losses = []
        for x, y in zip(X, Y):
            h, y_hat = forward_single_hidden(x, p)
            losses.append(bce_loss(y, y_hat))
            d_z2 = y_hat - y
            d_z1 = d_z2 * p["v"]  # back through v into the hidden unit
            grads = {"w": d_z1 * np.asarray(x), "b1": d_z1, "v": d_z2 * h, "b2": d_z2}
            p = {key: p[key] - lr * grads[key] for key in p}
        epoch_losses.append(np.mean(losses))
    return p, np.array(epoch_losses)


# %% train_single_hidden
def train_single_hidden(X, Y, params, lr, epochs, seed):
    """Document 001's training loop."""
    p = dict(params)
    epoch_losses = []
    for _ in range(epochs):
        losses = []
        for x, y in zip(X, Y):
            losses.append(bce_loss(y, forward_single_hidden(x, p)[1]))
            grads = gradients_single_hidden(x, y, p)
            p = {key: p[key] + lr * grads[key] for key in p}
        epoch_losses.append(np.mean(losses))
    return p, np.array(epoch_losses)


# %% train_single_hidden
def train_single_hidden(X, Y, params, lr, epochs, seed):
    """Document 001's steps in its order: the output neuron is updated, then the hidden one."""
    p = dict(params)
    epoch_losses = []
    for _ in range(epochs):
        losses = []
        for x, y in zip(X, Y):
            h, y_hat = forward_single_hidden(x, p)
            losses.append(bce_loss(y, y_hat))
            d_z2 = y_hat - y
            p["v"], p["b2"] = p["v"] - lr * d_z2 * h, p["b2"] - lr * d_z2
            d_z1 = d_z2 * p["v"] * h * (1 - h)
            p["w"], p["b1"] = p["w"] - lr * d_z1 * np.asarray(x), p["b1"] - lr * d_z1
        epoch_losses.append(np.mean(losses))
    return p, np.array(epoch_losses)


# %% dL_dW1_11_clf tags=["struggling"]
def dL_dW1_11_clf(y, y_hat, W2_11, O11, x1):
    return -(y - y_hat) * W2_11 * x1
