"""Learner code with one plausible mistake, per exercise: the "wrong" submissions of sample_class.

MISTAKES[exercise] is the whole source of that exercise's solution cell as a learner who made
the mistake would have typed it (the stub's signature kept, the body written). Each one is the
kind of slip the documents invite — a flipped sign, a lost factor 2, a missing σ′, the derivative
taken at the net input, weights updated too early — and each is wrong on the grader's cases
(tests/grader/test_autograde_agreement.py checks that). No entry calls anything the notebook does
not define, and none writes to stderr on the grader's cases.
"""

MISTAKES = {
    # --- 01_derivatives -------------------------------------------------------------------
    "d_square_plus_x": '''\
def d_square_plus_x(x):
    """Slope of y = x² + x at x:  dy/dx = 2x + 1."""
    return x + 1  # d(x²)/dx = x ?
''',
    "grad_sum_of_squares": '''\
def grad_sum_of_squares(x, y):
    """Gradient of z = x² + y²: the array [∂z/∂x, ∂z/∂y] = [2x, 2y]."""
    return np.array([2 * y, 2 * x])
''',
    "chain_rule": '''\
def chain_rule(dy_du, du_dx):
    """dy/dx for y = f(u), u = g(x): the product dy/du · du/dx."""
    return dy_du + du_dx
''',
    "numeric_derivative": '''\
def numeric_derivative(f, x, h=1e-5):
    """Centred finite difference: f'(x) ≈ (f(x + h) − f(x − h)) / (2h)."""
    return (f(x + h) - f(x)) / h
''',
    "count_trainable_params": '''\
def count_trainable_params(layer_sizes):
    """Weights plus biases of a dense network: sum over layers of n_in·n_out + n_out."""
    total = 0
    for i in range(len(layer_sizes) - 1):
        total += layer_sizes[i] * layer_sizes[i + 1]
    return total
''',
    "gradient_descent_1d": '''\
def gradient_descent_1d(x0, lr, steps):
    """Positions x_0 … x_steps of x_{k+1} = x_k − lr·f'(x_k) on f(x) = x² + x."""
    xs = [x0]
    x = x0
    for step in range(steps):
        x = x + lr * d_square_plus_x(x)
        xs.append(x)
    return np.array(xs)
''',

    # --- 02_regression --------------------------------------------------------------------
    "forward_regression": '''\
def forward_regression(x, params):
    """One row through the 2-2-1 linear network; returns (O11, O12, y_hat)."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    O11 = W1[0][0] * x[0] + W1[0][1] * x[1] + b1[0]
    O12 = W1[1][0] * x[0] + W1[1][1] * x[1] + b1[1]
    y_hat = W2[0] * O11 + W2[1] * O12 + b2
    return O11, O12, y_hat
''',
    "mse_loss": '''\
def mse_loss(y, y_hat):
    """Squared error of one prediction: L = (y − y_hat)²."""
    return 0.5 * (y - y_hat) ** 2
''',
    "dL_dyhat": '''\
def dL_dyhat(y, y_hat):
    """∂L/∂y_hat for L = (y − y_hat)²: −2(y − y_hat)."""
    return 2 * (y - y_hat)
''',
    "dL_dW2_11": '''\
def dL_dW2_11(y, y_hat, O11):
    """Output weight W2_11: ∂L/∂ŷ · ∂ŷ/∂W2_11 = −2(y − ŷ)·O11."""
    return -(y - y_hat) * O11
''',
    "dL_dW1_11": '''\
def dL_dW1_11(y, y_hat, W2_11, x1):
    """Hidden weight W1_11 (IQ into O11): ∂L/∂ŷ · ∂ŷ/∂O11 · ∂O11/∂W1_11 = −2(y − ŷ)·W2_11·x1."""
    return dL_dyhat(y, y_hat) * x1
''',
    "dL_db12": '''\
def dL_db12(y, y_hat, W2_21):
    """∂L/∂b12 = −2(y − y_hat)·W2_21, since ∂O12/∂b12 = 1."""
    return dL_dyhat(y, y_hat)
''',
    "update_parameter": '''\
def update_parameter(param, grad, lr):
    """One gradient-descent step: param − lr·grad (numbers or arrays, never in place)."""
    return param + lr * grad
''',

    # --- 03_classification ----------------------------------------------------------------
    "sigmoid_derivative": '''\
def sigmoid_derivative(a):
    """Slope of the sigmoid from its output a = σ(z): dσ/dz = a·(1 − a)."""
    s = sigmoid(a)
    return s * (1 - s)
''',
    "bce_loss": '''\
def bce_loss(y, y_hat):
    """Binary cross-entropy of one prediction: −y·ln(ŷ) − (1 − y)·ln(1 − ŷ)."""
    return -y * np.log(1 - y_hat) - (1 - y) * np.log(y_hat)
''',
    "dL_dyhat_bce": '''\
def dL_dyhat_bce(y, y_hat):
    """∂L/∂ŷ of binary cross-entropy."""
    return -(y - y_hat)
''',
    "dL_dW1_11_clf": '''\
def dL_dW1_11_clf(y, y_hat, W2_11, O11, x1):
    """Hidden weight W1_11 with sigmoid units."""
    return dL_dz_output(y, y_hat) * W2_11 * x1
''',
    "dL_db11_clf": '''\
def dL_db11_clf(y, y_hat, W2_11, O11):
    """Hidden bias b11: −(y − ŷ)·W2_11·O11(1 − O11), since ∂Z_prev/∂b11 = 1."""
    return (y - y_hat) * W2_11 * sigmoid_derivative(O11)
''',
    "gradients_single_hidden": '''\
def gradients_single_hidden(x, y, params):
    """Document 001's 2-1-1 sigmoid network with BCE: the gradients of w, b1, v and b2."""
    x = np.asarray(x, dtype=float)
    w, b1, v, b2 = np.asarray(params["w"], dtype=float), params["b1"], params["v"], params["b2"]
    h = sigmoid(np.dot(w, x) + b1)
    y_hat = sigmoid(v * h + b2)
    d_z2 = y_hat - y
    d_z1 = d_z2 * v  # back through v into the hidden unit
    return {"w": d_z1 * x, "b1": d_z1, "v": d_z2 * h, "b2": d_z2}
''',

    # --- 04_worked_example ----------------------------------------------------------------
    "forward_2_2_2": '''\
def forward_2_2_2(x, w, b):
    """Forward pass of 004's network: net input and sigmoid output of h1, h2, o1, o2 (a dict)."""
    H1 = x[0] * w["w1"] + x[1] * w["w3"] + b[0]  # as printed in 004
    H2 = x[0] * w["w3"] + x[1] * w["w4"] + b[0]
    H1_final, H2_final = sigmoid(H1), sigmoid(H2)
    y1 = H1_final * w["w5"] + H2_final * w["w6"] + b[1]
    y2 = H1_final * w["w7"] + H2_final * w["w8"] + b[1]
    return {"H1": H1, "H2": H2, "H1_final": H1_final, "H2_final": H2_final,
            "y1": y1, "y2": y2, "y1_final": sigmoid(y1), "y2_final": sigmoid(y2)}
''',
    "total_error": '''\
def total_error(targets, outputs):
    """E_total: the sum over outputs of (1/2)(target - output)^2."""
    total = 0.0
    for t, o in zip(targets, outputs):
        total += (t - o) ** 2
    return total
''',
    "dE_dout": '''\
def dE_dout(target, out):
    """Derivative of (1/2)(target - out)^2 with respect to out: -(target - out)."""
    return target - out
''',
    "dout_dnet": '''\
def dout_dnet(out):
    """Slope of the sigmoid written with its output: out * (1 - out)."""
    return sigmoid(out) * (1 - sigmoid(out))
''',
    "hidden_layer_gradients": '''\
def hidden_layer_gradients(x, t, w, b):
    """dE_total/dw1 ... dw4."""
    f = forward_2_2_2(x, w, b)
    delta_1 = dE_dout(t[0], f["y1_final"]) * dout_dnet(f["y1_final"])
    # h1 feeds o1 through w5 and h2 feeds o1 through w6
    delta_h1 = delta_1 * w["w5"] * dout_dnet(f["H1_final"])
    delta_h2 = delta_1 * w["w6"] * dout_dnet(f["H2_final"])
    return {"w1": delta_h1 * x[0], "w2": delta_h1 * x[1],
            "w3": delta_h2 * x[0], "w4": delta_h2 * x[1]}
''',
    "apply_updates": '''\
def apply_updates(w, grads, lr):
    """A new weight dict: w - lr * dE/dw for every weight that has a gradient, the rest copied."""
    new = dict(w)
    for name in grads:
        new[name] = w[name] + lr * grads[name]
    return new
''',

    # --- 05_training ----------------------------------------------------------------------
    "batch_gradients_regression": '''\
def batch_gradients_regression(X, Y, params):
    """Gradient of the mean loss: the average of the rows' gradients."""
    total = {name: 0.0 for name in params}
    for i in range(len(X)):
        g = gradients_regression(X[i], Y[i], params)
        for name in total:
            total[name] = total[name] + g[name]
    return total
''',
    "dataset_loss": '''\
def dataset_loss(X, Y, params):
    """Mean over all rows of (y - y_hat)^2 with the given parameters."""
    loss = 0.0
    for x, y in zip(X, Y):
        y_hat = forward_regression(x, params)[2]
        loss += (y - y_hat) ** 2
    return float(loss)
''',
    "train_full_batch": '''\
def train_full_batch(X, Y, params, lr, epochs):
    """One update per epoch with the mean gradient of all rows; losses[e] = dataset_loss after epoch e."""
    p = fresh_copy(params)
    losses = []
    for epoch in range(epochs):
        losses.append(dataset_loss(X, Y, p))
        grads = batch_gradients_regression(X, Y, p)
        p = {name: p[name] - lr * grads[name] for name in p}
    return p, np.array(losses)
''',
    "train_minibatch": '''\
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
''',
    "train_xor": '''\
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
''',

    # --- 06_vectorized --------------------------------------------------------------------
    "dense_forward": '''\
def dense_forward(X, W, b):
    """Net inputs of a dense layer for a batch: Z = X W + b (b added to every row)."""
    return X @ W
''',
    "dense_backward": '''\
def dense_backward(dZ, X, W):
    """Given dL/dZ of Z = X W + b: (dL/dX, dL/dW, dL/db)."""
    dX = dZ @ W.T
    dW = X.T @ dZ
    db = dZ.mean(axis=0)
    return dX, dW, db
''',
    "activation_backward": '''\
def activation_backward(dA, Z, kind):
    """dL/dZ = dL/dA * f'(Z) entry by entry."""
    if kind == "sigmoid":
        return dA * sigmoid(Z) * (1 - sigmoid(Z))
    if kind == "tanh":
        return dA * (1 - Z ** 2)
    if kind == "relu":
        return dA * (Z > 0)
    return dA
''',
    "mlp_backward": '''\
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
''',
    "mse_batch": '''\
def mse_batch(Y, Y_hat):
    """Mean of (Y - Y_hat)^2 over every entry."""
    return float(np.sum((Y - Y_hat) ** 2))
''',
    "dmse_batch": '''\
def dmse_batch(Y, Y_hat):
    """dL/dY_hat of the mean squared error."""
    return -2 * (Y - Y_hat) / len(Y)
''',
    "numeric_gradient": '''\
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
''',
}
