# ---
# jupyter:
#   jupytext:
#     notebook_metadata_filter: kernelspec,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 06 · Backpropagation in matrix form, for any number of layers
#
# In 04 you differentiated document **004**'s network one weight at a time: eight weights, eight chains of
# factors. Document **002**'s TensorFlow program writes a layer in one line instead —
# `tf.sigmoid(tf.matmul(x0, m1) + b1)`: a matrix product, a bias, an activation — and lets TensorFlow
# find the gradients. In this notebook you write those gradients yourself, in matrix form, once for a
# single layer, and then chain layers into a network of any depth:
#
# * a dense layer forward and backward, four activations forward and backward;
# * a whole multi-layer network (MLP) forward and backward;
# * a loss for a batch, and a **gradient check** that compares your backward pass with finite differences —
#   the way to trust a backward pass that nobody has worked by hand.
#
# Along the way you will see that your general code reproduces 004's hand computation number for number.
#
# **How to check yourself.** After each function run the locked test cell below it: it prints ✔ or
# tells you what looks wrong. `check_all(globals())` at the end prints a table of every exercise.
#
# **Cells of your own.** Add them wherever you like. The grader runs the whole notebook from the
# top, as *Restart Kernel and Run All Cells* does: a helper you define above the function that
# uses it counts, and a cell of yours that fails costs nothing by itself. Give each function new
# values to return and leave its arguments as they came: the caller may still need them. A
# function that is wrong only because another exercise it calls is wrong loses nothing for it,
# unless your course grades strictly; its check names the one to fix first.

# %% nbgrader={"grade_id": "setup", "grade": false, "solution": false, "locked": true, "schema_version": 3}
import numpy as np
import matplotlib.pyplot as plt
# include: selfcheck_import.py


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)) from 03, written as exp(−log(1 + e^(−z))) so it never overflows."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))


def versus(label, yours, document, fmt=".9f"):
    """One line: your number next to the one a document prints."""
    print(f"{label:<26} yours {yours:{fmt}}   document {document}")


# Document 004's network in matrix form. Rows of X are examples; W[i, j] is the weight from
# unit i of the layer below to unit j of the layer above; each layer's one bias is repeated.
X_004 = np.array([[0.05, 0.10]])
T_004 = np.array([[0.01, 0.99]])
params_004 = [(np.array([[0.15, 0.25],      # [[w1, w3],
                         [0.20, 0.30]]),    #  [w2, w4]]
               np.array([0.35, 0.35])),     # [b1, b1]
              (np.array([[0.40, 0.50],      # [[w5, w7],
                         [0.45, 0.55]]),    #  [w6, w8]]
               np.array([0.60, 0.60]))]     # [b2, b2]


# %% [markdown]
# ## 1. A dense layer, forward (002)
#
# Stack the examples as the rows of $X$ (shape $(n, d_{in})$). A layer with weights $W$ (shape
# $(d_{in}, d_{out})$, $W_{ij}$ from input $i$ to unit $j$) and biases $b$ (shape $(d_{out},)$) computes
# every unit's net input for every example at once:
#
# $$Z = XW + b,\qquad Z_{nj} = \sum_i X_{ni}W_{ij} + b_j ,$$
#
# $b$ being added to every row. This is 002's `tf.matmul(x0, m1) + b1`. For 004's hidden layer,
# $W_1 = \begin{bmatrix} w_1 & w_3\\ w_2 & w_4\end{bmatrix}$ and $b = [b_1, b_1]$, so the single row
# $[x_1, x_2]$ gives $[\,x_1w_1 + x_2w_2 + b_1,\ x_1w_3 + x_2w_4 + b_1\,] = [H1, H2]$ — 004's $0.3775$ and
# $0.3925$. The setup cell holds 004's network in this form as `X_004`, `T_004`, `params_004`.
#
# **Exercise.** `dense_forward(X, W, b)` returns $Z = XW + b$.

# %% nbgrader={"grade_id": "dense_forward_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dense_forward(X, W, b):
    """Net inputs of a dense layer for a batch: Z = X W + b (b added to every row)."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dense_forward", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dense_forward", dense_forward)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dense_forward", dense_forward)
### END HIDDEN TESTS

# %%
Z = dense_forward(X_004, *params_004[0])
versus("004: H1", Z[0, 0], "0.3775")
versus("004: H2", Z[0, 1], "0.3925")
z = dense_forward(np.array([[0.1, 0.2]]), np.array([[0.27], [0.57]]), np.array([0.4]))
versus("002: net input of h1", z[0, 0], "0.541", ".3f")


# %% [markdown]
# ## 2. A dense layer, backward
#
# Suppose the backward pass has already delivered $dZ = \partial L/\partial Z$ (same shape as $Z$). Each
# $Z_{nj} = \sum_i X_{ni}W_{ij} + b_j$ depends on $W_{ij}$, on $b_j$ and on $X_{ni}$, and a quantity used
# in several places collects the slope from each of them, added up (as 004 added the two paths into
# $H1_{final}$):
#
# $$\frac{\partial L}{\partial W_{ij}} = \sum_n dZ_{nj}\,\frac{\partial Z_{nj}}{\partial W_{ij}},\qquad
# \frac{\partial L}{\partial b_j} = \sum_n dZ_{nj}\,\frac{\partial Z_{nj}}{\partial b_j},\qquad
# \frac{\partial L}{\partial X_{ni}} = \sum_j dZ_{nj}\,\frac{\partial Z_{nj}}{\partial X_{ni}} .$$
#
# **Your turn.** Find the three local slopes from the formula of $Z_{nj}$. Then read each sum as a
# matrix product or a sum over rows: which matrix must be transposed so that the summed index lines
# up? The shapes check you: $dW$ has the shape of $W$, $db$ that of $b$, $dX$ that of $X$. And 004
# checks you too: for its output layer with one example, $dZ = [\delta_{o1}, \delta_{o2}]$ and
# $X = [H1_{final}, H2_{final}]$, so $dW$ must hold notebook 04's four output-layer derivatives,
# laid out like $W = \begin{bmatrix} w_5 & w_7\\ w_6 & w_8\end{bmatrix}$, and $dX$ must be 004's
# $\partial E_{total}/\partial H1_{final}$ and $\partial E_{total}/\partial H2_{final}$.
#
# **Exercise.** `dense_backward(dZ, X, W)` returns the tuple `(dX, dW, db)`.

# %% nbgrader={"grade_id": "dense_backward_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dense_backward(dZ, X, W):
    """Backward through Z = X W + b: from dZ = ∂L/∂Z (n, d_out), X (n, d_in) and W (d_in, d_out),
    the tuple (∂L/∂X, ∂L/∂W, ∂L/∂b)."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dense_backward", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("dense_backward", dense_backward)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dense_backward", dense_backward)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Activations, forward
#
# After the net input comes the activation, applied entry by entry: $A = f(Z)$. 002 lists the common
# choices — sigmoid, tanh and ReLU — and a layer without activation ("linear", as in 000/003's regression
# network) is useful too:
#
# | `kind` | $f(z)$ |
# |---|---|
# | `"linear"` | $z$ |
# | `"sigmoid"` | $\sigma(z) = 1/(1 + e^{-z})$ (002 prints it without the parentheses; see 04) |
# | `"tanh"` | $\tanh z$ |
# | `"relu"` | $\max(0, z)$ |
#
# **Exercise.** `activation_forward(Z, kind)` returns $f(Z)$ for these four kinds (use the setup cell's
# `sigmoid`, which does not overflow), and raises `ValueError` for any other `kind`.

# %% nbgrader={"grade_id": "activation_forward_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def activation_forward(Z, kind):
    """A = f(Z) entry by entry, f one of linear, sigmoid, tanh, relu."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_activation_forward", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("activation_forward", activation_forward)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("activation_forward", activation_forward)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Activations, backward
#
# Because $A_{nj}$ depends only on $Z_{nj}$, the chain rule is one product per entry:
#
# $$dZ = \frac{\partial L}{\partial Z} = dA \odot f'(Z).$$
#
# **Your turn.** Find $f'$ for each kind. The linear one is immediate. The sigmoid's you derived in
# notebooks 03 and 04, written there with the unit's output. For tanh, write
# $\tanh z = \sinh z / \cosh z$, use the quotient rule, and then express the result with $\tanh z$
# itself, as you did for the sigmoid. For ReLU, look at the two pieces of $\max(0, z)$ one at a time
# (at exactly $z = 0$ there is no slope; take 0 there). Note that this function receives $Z$, the
# **net input**: a slope written with the output needs the output $f(Z)$ first. Applying it to $Z$
# itself is a common slip.
#
# **Exercise.** `activation_backward(dA, Z, kind)` returns $dA \odot f'(Z)$, and raises `ValueError`
# for an unknown `kind`.

# %% nbgrader={"grade_id": "activation_backward_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def activation_backward(dA, Z, kind):
    """∂L/∂Z = ∂L/∂A ⊙ f′(Z) entry by entry, f the activation kind (linear, sigmoid, tanh or relu)
    and f′ taken at the net input Z."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_activation_backward", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("activation_backward", activation_backward)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("activation_backward", activation_backward)
### END HIDDEN TESTS

# %% [markdown]
# ## 5. A whole network, forward
#
# A network is a list of layers `params = [(W_1, b_1), (W_2, b_2), …]` with one activation each,
# `activations = ["tanh", "sigmoid", …]`. Starting from $A_0 = X$:
#
# $$Z_l = A_{l-1}W_l + b_l,\qquad A_l = f_l(Z_l),\qquad \hat Y = A_L .$$
#
# The backward pass will need, for each layer, its input $A_{l-1}$ (for $dW_l$) and its net input $Z_l$
# (for $f_l'$) — 004 likewise kept $H1_{final}$, $y1_{final}$ … from its forward pass. Keep them in a list
# `cache` with `cache[l] = (A_prev, Z)` for layer `l` (counting from 0).
#
# **Exercise.** `mlp_forward(X, params, activations)` returns `(Y_hat, cache)`.

# %% nbgrader={"grade_id": "mlp_forward_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def mlp_forward(X, params, activations):
    """Run every layer in turn; cache[l] = (input of layer l, net input Z of layer l)."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_mlp_forward", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("mlp_forward", mlp_forward)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("mlp_forward", mlp_forward)
### END HIDDEN TESTS

# %% [markdown]
# ## 6. A whole network, backward
#
# Start from $dA_L = \partial L/\partial \hat Y$ and walk the layers from the last to the first, each time
# through the activation and then through the dense layer, with the two functions you wrote:
#
# ```
# dZ = activation_backward(dA, Z, kind)          # layer l's Z and kind
# dA_prev, dW, db = dense_backward(dZ, A_prev, W)  # layer l's input A_prev and weights W
# ```
#
# and `dA_prev` is the next (lower) layer's `dA`.
#
# $dA_{l-1}$ is computed with $W_l$ as it was in the forward pass — in this function nothing is updated at
# all; updating is the job of whoever calls it.
#
# **Exercise.** `mlp_backward(dY_hat, cache, params, activations)` returns the list
# `[(dW_1, db_1), (dW_2, db_2), …]` in the **same order** as `params`.

# %% nbgrader={"grade_id": "mlp_backward_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def mlp_backward(dY_hat, cache, params, activations):
    """Backward through every layer, last to first; returns [(dW, db), ...] in layer order."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_mlp_backward", "grade": true, "solution": false, "locked": true, "points": 3, "schema_version": 3}
check("mlp_backward", mlp_backward)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("mlp_backward", mlp_backward)
### END HIDDEN TESTS

# %% [markdown]
# ### 004 again, in four lines
#
# 004's loss is $E_{total} = \sum\tfrac12(T - \hat Y)^2$, so $\partial E_{total}/\partial \hat Y = -(T - \hat Y)$
# (section 4 of notebook 04). Feed that to your `mlp_backward` and the gradient matrices hold 004's
# numbers: $dW_2[0, 0] = \partial E/\partial w_5$ and $dW_1[0, 0] = \partial E/\partial w_1$. (004 does not
# train its biases; if it did, a bias shared by a layer would get the **sum** of that layer's `db` entries.)

# %%
Y_hat, cache = mlp_forward(X_004, params_004, ["sigmoid", "sigmoid"])
(dW1, db1), (dW2, db2) = mlp_backward(-(T_004 - Y_hat), cache, params_004, ["sigmoid", "sigmoid"])
versus("004: y1_final", Y_hat[0, 0], "0.75136507")
versus("004: y2_final", Y_hat[0, 1], "0.772928465")
versus("004: dE/dw5 = dW2[0, 0]", dW2[0, 0], "0.0821670407", ".10f")
versus("004: dE/dw1 = dW1[0, 0]", dW1[0, 0], "0.000438568")
print("all eight, as [[w5, w7], [w6, w8]] and [[w1, w3], [w2, w4]]:")
print(dW2)
print(dW1)


# %% [markdown]
# ## 7. A loss for a batch
#
# The documents use three versions of the squared error: 000/003 square one row's miss, 004 takes
# $\sum\tfrac12(t - o)^2$ over the outputs, and 002's TensorFlow program the plain sum of squares over all
# rows. They differ by constant factors only, which move into the learning rate. From here on, as in 05,
# the loss of a batch is the **mean** over all $N$ entries of $Y$ (rows × outputs):
#
# $$L = \frac1N\sum_{n,j}\left(Y_{nj} - \hat Y_{nj}\right)^2 .$$
#
# **Exercise.** `mse_batch(Y, Y_hat)` returns $L$ as a number.

# %% nbgrader={"grade_id": "mse_batch_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def mse_batch(Y, Y_hat):
    """Mean of (Y - Y_hat)^2 over every entry."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_mse_batch", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("mse_batch", mse_batch)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("mse_batch", mse_batch)
### END HIDDEN TESTS

# %% [markdown]
# ## 8. Its gradient — where the backward pass starts
#
# Each entry $\hat Y_{nj}$ appears in exactly one term of the mean, so $\partial L/\partial \hat Y_{nj}$
# comes from that term alone.
#
# **Your turn.** Differentiate $\frac1N\left(Y_{nj} - \hat Y_{nj}\right)^2$ by $\hat Y_{nj}$: notebook 02
# did the same for one row, without the $\frac1N$. Keep the $1/N$: without it the gradient is $N$ times
# too large, which the gradient check below would catch at once.
#
# **Exercise.** `dmse_batch(Y, Y_hat)` returns the array of these derivatives, shaped like `Y_hat`.

# %% nbgrader={"grade_id": "dmse_batch_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dmse_batch(Y, Y_hat):
    """∂L/∂Ŷ of the mean squared error L = (1/N)·Σ (Y − Ŷ)² over all N entries, shaped like Y_hat."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dmse_batch", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("dmse_batch", dmse_batch)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dmse_batch", dmse_batch)
### END HIDDEN TESTS

# %% [markdown]
# ## 9. Gradient checking: how close is close?
#
# Nobody works a 3-layer network by hand the way 004 did. The check instead is numerical: the centred
# difference of 01, $\big(L(\theta + h) - L(\theta - h)\big)/2h$, approximates $\partial L/\partial\theta$
# to within about $h^2$. To compare two gradient arrays $a$ (yours) and $b$ (numerical) independently of
# their scale, use the relative error of each entry and report the worst:
#
# $$\mathrm{relative\_error}(a, b) = \max_{k}\ \frac{|a_k - b_k|}{\max\left(10^{-8},\ |a_k| + |b_k|\right)} .$$
#
# The floor $10^{-8}$ keeps entries where both are (nearly) zero from dividing by zero. With
# $h = 10^{-5}$ a correct backward pass typically gives $10^{-7}$ or less; a wrong one gives something
# near 1.
#
# **Exercise.** `relative_error(a, b)` returns that number (arrays or plain numbers).

# %% nbgrader={"grade_id": "relative_error_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def relative_error(a, b):
    """Worst entry of |a - b| / max(1e-8, |a| + |b|)."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_relative_error", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("relative_error", relative_error)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("relative_error", relative_error)
### END HIDDEN TESTS

# %% [markdown]
# ## 10. The numerical gradient
#
# `numeric_gradient(f, x, h)` estimates $\partial f/\partial x_k$ for every entry of an array `x`. Here `f`
# takes **no argument**: it reads `x` (for example, the loss of a network whose weight matrix is `x`). So
# change `x` **in place**, one entry at a time:
#
# $$\frac{\partial f}{\partial x_k} \approx \frac{f\big|_{x_k + h} - f\big|_{x_k - h}}{2h},$$
#
# and put every entry back to its original value before moving on, so that `x` is unchanged at the end.
#
# **Exercise.** `numeric_gradient(f, x, h=1e-5)` returns an array shaped like `x`. (`np.ndindex(x.shape)`
# walks every index of an array of any shape.)

# %% nbgrader={"grade_id": "numeric_gradient_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def numeric_gradient(f, x, h=1e-5):
    """Centred differences of the no-argument f, nudging x in place one entry at a time (restored)."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_numeric_gradient", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("numeric_gradient", numeric_gradient)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("numeric_gradient", numeric_gradient)
### END HIDDEN TESTS

# %% [markdown]
# ## 11. The gradient check
#
# Put it together. For a network `params`, `activations` and a batch `X`, `Y`, with the loss
# $L = $ `mse_batch(Y, mlp_forward(X, params, activations)[0])`:
#
# 1. compute every $dW_l$, $db_l$ with your `mlp_forward`, `dmse_batch` and `mlp_backward`;
# 2. compute the same gradients with `numeric_gradient`, the function `f` recomputing the loss from
#    `params` (whose arrays `numeric_gradient` nudges in place);
# 3. return the largest `relative_error` over all weight matrices and bias vectors.
#
# **Exercise.** `gradient_check(X, Y, params, activations)` returns that number.

# %% nbgrader={"grade_id": "gradient_check_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def gradient_check(X, Y, params, activations):
    """Largest relative error between mlp_backward's gradients and numeric ones, loss mse_batch."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_gradient_check", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("gradient_check", gradient_check)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("gradient_check", gradient_check)
### END HIDDEN TESTS

# %% [markdown]
# ### The check, layer by layer
#
# The cell below builds a 3-5-4-2 network with a different activation in each layer and shows the
# relative error of every weight matrix and bias vector separately. Everything far below the dashed
# line at $10^{-6}$ means your backward pass agrees with the numbers. Make a deliberate mistake in a
# copy of `activation_backward` (drop the $1 - \tanh^2$, say) and watch which bars jump.

# %%
rng = np.random.default_rng(0)
sizes, kinds = [3, 5, 4, 2], ["tanh", "relu", "sigmoid"]
net = [(rng.normal(size=(m, k)) / np.sqrt(m), 0.5 * rng.normal(size=k)) for m, k in zip(sizes[:-1], sizes[1:])]
X_chk, Y_chk = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))

Y_hat, cache = mlp_forward(X_chk, net, kinds)
grads = mlp_backward(dmse_batch(Y_chk, Y_hat), cache, net, kinds)
loss = lambda: mse_batch(Y_chk, mlp_forward(X_chk, net, kinds)[0])
labels, errors = [], []
for layer, ((W, b), (dW, db)) in enumerate(zip(net, grads), start=1):
    for name, array, grad in (("W", W, dW), ("b", b, db)):
        labels.append(f"{name}{layer} ({kinds[layer - 1]})")
        errors.append(relative_error(grad, numeric_gradient(loss, array)))
print("gradient_check:", gradient_check(X_chk, Y_chk, net, kinds))

plt.figure(figsize=(8, 3.5))
plt.bar(labels, np.maximum(errors, 1e-16))
plt.yscale("log")
plt.axhline(1e-6, ls="--", color="k", lw=1)
plt.ylabel("relative error")
plt.title("Your mlp_backward against numeric_gradient, per layer")
plt.tight_layout()
plt.show()

# %% [markdown]
# ### Training with your backward pass
#
# With forward, backward and a checked gradient, training any depth is the documents' update rule in a
# loop: $W_l \leftarrow W_l - \eta\, dW_l$, $b_l \leftarrow b_l - \eta\, db_l$, full batch. The cell below
# fits $y = \sin x$ on $[-3, 3]$ with a 1-8-8-1 network (tanh, tanh, linear), $\eta = 0.05$, 2000 steps.

# %%
rng = np.random.default_rng(2)
X_sin = np.linspace(-3, 3, 64)[:, None]
Y_sin = np.sin(X_sin)
sizes, kinds = [1, 8, 8, 1], ["tanh", "tanh", "linear"]
net = [(rng.normal(size=(m, k)) / np.sqrt(m), np.zeros(k)) for m, k in zip(sizes[:-1], sizes[1:])]
history = []
for step in range(2000):
    Y_hat, cache = mlp_forward(X_sin, net, kinds)
    history.append(mse_batch(Y_sin, Y_hat))
    grads = mlp_backward(dmse_batch(Y_sin, Y_hat), cache, net, kinds)
    net = [(W - 0.05 * dW, b - 0.05 * db) for (W, b), (dW, db) in zip(net, grads)]
print(f"loss before the first step {history[0]:.4f}, before the last {history[-1]:.5f}")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4))
ax1.semilogy(history)
ax1.set_xlabel("step")
ax1.set_ylabel("mse_batch")
ax1.set_title("1-8-8-1 network trained with your mlp_backward")
ax2.plot(X_sin, Y_sin, "k.", label="data: sin x")
ax2.plot(X_sin, mlp_forward(X_sin, net, kinds)[0], label="network after 2000 steps")
ax2.legend()
ax2.set_title("The fit")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Summary
#
# Run the cell below for a table of every exercise of this notebook on its public cases.

# %%
check_all(globals())
