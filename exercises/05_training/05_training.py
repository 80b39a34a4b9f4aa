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
# # 05 · When to update, and how far
#
# In 02 you trained the 2-2-1 regression network the way documents **000** (fresherbell) and **003**
# describe it: pick a row, run it forward, update all nine parameters with
# $W_{new} = W_{old} - \eta\,\partial L/\partial W_{old}$, repeat. Document **002** (bharatideology,
# *How Often Are the Weights Updated?*) names three ways of scheduling those updates:
#
# 1. after every sample — one row, one update (what 000 and 003 do);
# 2. in batch — the rows are split into a few large batches, and the batches are trained one after
#    another: all rows of a batch forward, backpropagated together, one update per batch;
# 3. randomized mini-batches — small groups of rows drawn at random, one update per group, "a
#    compromise between the first two".
#
# You will implement, on the same network, the full batch (option 2 pushed to a single batch that
# holds every row: one update per epoch), randomized mini-batches and per-sample updates, compare them
# on one plot beside option 2 as 002 states it, and then train the network of 002's TensorFlow
# program — a 2-3-1 sigmoid network learning XOR — with plain numpy.
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


# ---- Given: the 2-2-1 linear network of 02 (documents 000 and 003), one row at a time ----------
# params: W1 (2, 2) with W1[i-1, j-1] = W1_ij (input i -> hidden j), b1 = [b11, b12],
#         W2 = [W2_11, W2_21], b2 = b21 (a float).

def forward_regression(x, params):
    """02's forward pass for one row x = [x1, x2]: returns (O11, O12, y_hat)."""
    hidden = np.asarray(x, dtype=float) @ np.asarray(params["W1"], dtype=float) + params["b1"]
    y_hat = hidden @ np.asarray(params["W2"], dtype=float) + params["b2"]
    return float(hidden[0]), float(hidden[1]), float(y_hat)


def gradients_regression(x, y, params):
    """02's nine derivatives of L = (y - y_hat)^2 for one row, in a dict shaped like params."""
    row = np.asarray(x, dtype=float)
    O11, O12, y_hat = forward_regression(row, params)
    slope = -2.0 * (y - y_hat)                       # dL/dy_hat
    W2 = np.asarray(params["W2"], dtype=float)
    return {"W1": slope * np.outer(row, W2),        # [i-1, j-1]: -2(y - y_hat) W2_j1 x_i
            "b1": slope * W2,                       # -2(y - y_hat) W2_j1
            "W2": slope * np.array([O11, O12]),     # -2(y - y_hat) O1j
            "b2": float(slope)}


def fresh_copy(params):
    """A copy of a params dict (arrays copied, scalars as floats): training must not touch the input."""
    return {name: np.array(value, dtype=float) if np.ndim(value) else float(value)
            for name, value in params.items()}


# ---- Given: document 002's XOR data, in 002's row order --------------------------------------
X_xor = np.array([[0., 0.], [1., 1.], [1., 0.], [0., 1.]])
Y_xor = np.array([[0.], [0.], [1.], [1.]])


# %% [markdown] nbgrader={"grade_id": "given_text", "grade": false, "solution": false, "locked": true, "schema_version": 3}
# ## The network, given
#
# The setup cell gives you 02's network, so this notebook does not depend on your 02 solutions.
# In 000/003's notation, for one row $x = [x_1, x_2]$:
#
# $$O_{11} = W^1_{11}x_1 + W^1_{21}x_2 + b_{11},\quad O_{12} = W^1_{12}x_1 + W^1_{22}x_2 + b_{12},\quad
# \hat y = W^2_{11}O_{11} + W^2_{21}O_{12} + b_{21},\qquad L = (y - \hat y)^2 .$$
#
# `forward_regression(x, params)` returns $(O_{11}, O_{12}, \hat y)$ and `gradients_regression(x, y, params)`
# the nine derivatives of that one row's loss — for example
# $\partial L/\partial W^2_{11} = -2(y - \hat y)\,O_{11}$ and $\partial L/\partial W^1_{11} = -2(y - \hat y)\,W^2_{11}\,x_1$ —
# as a dict shaped like `params`. `fresh_copy(params)` copies a params dict, so that training never
# changes the dict it was given.

# %% [markdown]
# ## 1. The gradient of a batch
#
# To update once for many rows we need one loss for all of them. Take the mean of the rows' losses:
#
# $$\bar L = \frac1n\sum_{i=1}^{n} L_i = \frac1n\sum_{i=1}^{n}\left(y_i - \hat y_i\right)^2 .$$
#
# Differentiation is linear, so the derivative of a mean is the mean of the derivatives — for every one
# of the nine parameters $\theta$:
#
# $$\frac{\partial \bar L}{\partial \theta} = \frac1n\sum_{i=1}^{n}\frac{\partial L_i}{\partial \theta}.$$
#
# Nothing new has to be derived: the chain rule of 000/003 gives each $\partial L_i/\partial\theta$, and the batch
# just averages them. (With the sum instead of the mean the gradient would be $n$ times larger, and so,
# in effect, would the learning rate.)
#
# **Exercise.** `batch_gradients_regression(X, Y, params)` — `X` has shape $(n, 2)$, `Y` shape $(n,)$ —
# returns the mean of `gradients_regression(X[i], Y[i], params)` over the rows: a dict with the keys
# and shapes of `params` (`"b2"` a single number).

# %% nbgrader={"grade_id": "batch_gradients_regression_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def batch_gradients_regression(X, Y, params):
    """Gradient of the mean loss (1/n) sum_i (y_i - y_hat_i)^2: the average of the rows' gradients."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_batch_gradients_regression", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("batch_gradients_regression", batch_gradients_regression)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("batch_gradients_regression", batch_gradients_regression)
### END HIDDEN TESTS

# %% [markdown]
# ## 2. The loss of a data set
#
# To compare schedules fairly we measure them all the same way: after each epoch, the mean loss over
# **all** rows with the current parameters,
#
# $$\bar L(X, Y) = \frac1n\sum_{i=1}^{n}\left(y_i - \hat y_i\right)^2 .$$
#
# (In 02, `train_regression` reported the mean of the losses met *during* an epoch, each measured with
# different parameters. That is cheap, but it describes no single set of parameters.)
#
# **Exercise.** `dataset_loss(X, Y, params)` returns $\bar L$ as a number.

# %% nbgrader={"grade_id": "dataset_loss_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dataset_loss(X, Y, params):
    """Mean over all rows of (y - y_hat)^2 with the given parameters."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dataset_loss", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("dataset_loss", dataset_loss)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dataset_loss", dataset_loss)
### END HIDDEN TESTS

# %% [markdown]
# The two functions must agree: nudge one parameter by $\pm h$, and the change of `dataset_loss`
# divided by $2h$ should be the matching entry of `batch_gradients_regression`. The cell below tries it
# for every one of the nine parameters on a few random rows.

# %%
rng = np.random.default_rng(1)
X_try, Y_try = rng.normal(size=(5, 2)), rng.normal(size=5)
p = {"W1": rng.normal(size=(2, 2)), "b1": rng.normal(size=2), "W2": rng.normal(size=2), "b2": 0.3}
g = batch_gradients_regression(X_try, Y_try, p)
h = 1e-5
for name in ("W1", "b1", "W2", "b2"):
    for index in np.ndindex(np.shape(p[name])):
        up, down = fresh_copy(p), fresh_copy(p)
        if index:
            up[name][index] += h
            down[name][index] -= h
        else:
            up[name] += h
            down[name] -= h
        numeric = (dataset_loss(X_try, Y_try, up) - dataset_loss(X_try, Y_try, down)) / (2 * h)
        analytic = np.asarray(g[name])[index]
        print(f"{name}{list(index) if index else ''}:  batch gradient {analytic:+.8f}   finite difference {numeric:+.8f}")


# %% [markdown]
# ## 3. The full batch: one update per epoch
#
# 002's option 2 splits the rows into several large batches and trains on each in turn. Push that
# to its limit, a single batch holding every row, and each epoch is one forward pass over all rows,
# one backpropagation of all of them together and one update. That limit is the *full batch*; it is
# also how 002's TensorFlow program in section 6 trains, every step on all four rows. With the mean
# loss, one epoch is one step of the documents' update rule on the whole data set:
#
# $$\theta_{new} = \theta_{old} - \eta\,\frac{\partial \bar L}{\partial \theta}\Big|_{\theta_{old}}
# \quad\text{for all nine }\theta\text{ at once, once per epoch.}$$
#
# **Exercise.** `train_full_batch(X, Y, params, lr, epochs)` returns `(params, losses)`: the parameters
# after `epochs` updates, and an array with `losses[e]` = `dataset_loss` **after** epoch `e`.
# Do not modify the `params` you are given (`fresh_copy` helps).

# %% nbgrader={"grade_id": "train_full_batch_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def train_full_batch(X, Y, params, lr, epochs):
    """One update per epoch with the mean gradient of all rows; losses[e] = dataset_loss after epoch e."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_train_full_batch", "grade": true, "solution": false, "locked": true, "points": 3, "schema_version": 3}
check("train_full_batch", train_full_batch)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("train_full_batch", train_full_batch)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Randomized mini-batches (002, option 3)
#
# Each epoch, shuffle the row indices and cut them into consecutive groups of `batch_size`; the last
# group takes what is left and may be smaller. Each group $B$ gives one update with its own mean gradient:
#
# $$\theta_{new} = \theta_{old} - \eta\,\frac{1}{|B|}\sum_{i\in B}\frac{\partial L_i}{\partial \theta}\Big|_{\theta_{old}} .$$
#
# For the grader to reproduce your shuffles, draw them exactly like this: create
# `rng = np.random.default_rng(seed)` **once**, before the first epoch, and at the start of every epoch
# let `rng.permutation(n)` give the order of the rows; the batches are its first `batch_size` entries,
# the next `batch_size`, and so on.
#
# **Exercise.** `train_minibatch(X, Y, params, lr, epochs, batch_size, seed)` returns `(params, losses)`,
# `losses[e]` = `dataset_loss` after epoch `e`.

# %% nbgrader={"grade_id": "train_minibatch_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def train_minibatch(X, Y, params, lr, epochs, batch_size, seed):
    """Each epoch: shuffle with rng.permutation(n), one update per consecutive batch of rows."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_train_minibatch", "grade": true, "solution": false, "locked": true, "points": 3, "schema_version": 3}
check("train_minibatch", train_minibatch)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("train_minibatch", train_minibatch)
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Updating after every sample (002, option 1; 000 and 003)
#
# This is the per-row loop of 000 and 003 — *for each epoch, for each row: forward, loss, update* — with
# the rows in an order of its own. 000 draws a random row $n$ times per epoch (some rows twice, some not
# at all; that is 02's loop), 003 takes the rows in their stored order; here each epoch visits every row
# once, in the shuffled order of `rng.permutation(n)`. That is exactly a mini-batch run with
# `batch_size = 1`:
#
# $$\theta_{new} = \theta_{old} - \eta\,\frac{\partial L_i}{\partial \theta}\Big|_{\theta_{old}}
# \quad\text{for } i = \text{order}[0], \text{order}[1], \dots$$
#
# **Exercise.** `train_stochastic(X, Y, params, lr, epochs, seed)` returns `(params, losses)` with the
# same conventions (same `rng` use, `losses[e]` after epoch `e`).

# %% nbgrader={"grade_id": "train_stochastic_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def train_stochastic(X, Y, params, lr, epochs, seed):
    """One update per row, rows visited in the order rng.permutation(n) each epoch."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_train_stochastic", "grade": true, "solution": false, "locked": true, "points": 3, "schema_version": 3}
check("train_stochastic", train_stochastic)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("train_stochastic", train_stochastic)
### END HIDDEN TESTS

# %% [markdown]
# ### The schedules side by side
#
# 002 gives each option a sentence of judgement: updating after every sample is slow on a large
# training set, and an outlier can throw the model off; large batches make the model more resistant to
# outliers and to variance in the training set; random mini-batches are the compromise, and drawing
# them at random keeps a batch from being a biased selection of rows. Put another way, the schedules
# trade the number of updates an epoch buys against how well each update follows the whole data set:
# a step averaged over many rows points downhill for all of them, but the more rows one step averages,
# the fewer steps an epoch makes. Here it is in numbers, on a small synthetic data set (locked cell)
# with the same learning rate $\eta = 0.05$ and 40 epochs for each schedule. Besides your three
# schedules the cell runs option 2 as 002 states it: the rows cut once into two large batches, trained
# in turn, in the same order every epoch.

# %% nbgrader={"grade_id": "demo_data", "grade": false, "solution": false, "locked": true, "schema_version": 3}
# A small synthetic regression problem, fixed seed: y = 1.5 x1 - 0.7 x2 + 0.3 + noise (sd 0.1)
demo_rng = np.random.default_rng(7)
X_demo = demo_rng.normal(size=(48, 2))
Y_demo = X_demo @ np.array([1.5, -0.7]) + 0.3 + 0.1 * demo_rng.normal(size=48)
params_demo = {"W1": 0.5 * demo_rng.normal(size=(2, 2)), "b1": 0.5 * demo_rng.normal(size=2),
               "W2": 0.5 * demo_rng.normal(size=2), "b2": 0.0}
print(f"{len(X_demo)} rows; every schedule starts from the same params_demo")

# %%
def train_large_batches(X, Y, params, lr, epochs, n_batches):
    """002's option 2: the rows cut once into n_batches consecutive batches, trained in turn each epoch."""
    p, losses = fresh_copy(params), []
    for _ in range(epochs):
        for rows in np.array_split(np.arange(len(X)), n_batches):
            grads = batch_gradients_regression(X[rows], Y[rows], p)
            p = {name: p[name] - lr * grads[name] for name in p}
        losses.append(dataset_loss(X, Y, p))
    return p, np.array(losses)


lr, epochs, mini, large = 0.05, 40, 8, 2
n = len(X_demo)
_, loss_full = train_full_batch(X_demo, Y_demo, params_demo, lr, epochs)
_, loss_large = train_large_batches(X_demo, Y_demo, params_demo, lr, epochs, large)
_, loss_mini = train_minibatch(X_demo, Y_demo, params_demo, lr, epochs, mini, 1)
_, loss_sgd = train_stochastic(X_demo, Y_demo, params_demo, lr, epochs, 1)
runs = [("full batch (1 update per epoch)", loss_full, 1),
        (f"002's option 2, {large} batches of {n // large} ({large} updates per epoch)", loss_large, large),
        (f"mini-batch of {mini} ({-(-n // mini)} updates per epoch)", loss_mini, -(-n // mini)),
        (f"stochastic ({n} updates per epoch)", loss_sgd, n)]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4))
for label, losses, per_epoch in runs:
    epochs_axis = np.arange(1, epochs + 1)
    ax1.semilogy(epochs_axis, losses, marker=".", label=label)
    ax2.semilogy(epochs_axis * per_epoch, losses, marker=".", label=label)
    print(f"{label:<50} loss after epoch 1: {losses[0]:.4f}   after epoch {epochs}: {losses[-1]:.5f}")
ax1.set_xlabel("epoch")
ax1.set_ylabel("dataset_loss after the epoch")
ax1.set_title(f"Four schedules, lr = {lr:g}")
ax1.legend()
ax2.set_xscale("log")
ax2.set_xlabel("number of updates so far")
ax2.set_title("The same runs against the number of updates")
plt.tight_layout()
plt.show()


# %% [markdown]
# Read the two panels together. Per **epoch** (left: the same amount of data read), the stochastic
# schedule gets furthest fastest, because it makes one update per row where the full batch makes one
# in all; 002's two large batches land between the full batch and the mini-batches. Per **update**
# (right), the full batch, the large batches and the mini-batches make about the same progress and the
# per-sample steps the least: a step that follows the gradient of many rows is worth more than one
# that follows a single row. Note also where the runs level off: the noise in the data sets a floor,
# and the per-sample run jitters above it instead of settling, because every step chases one row.
#
# Try it: raise the learning rate to 0.2 or 0.5 in the cell above and see which schedule copes.

# %% [markdown]
# ## 6. Document 002's XOR network
#
# 002 closes with a TensorFlow 1 program. Transcribed into this notebook's notation (002 calls the
# weights `m1`, `m2` and the hidden output `h1`):
#
# * data: the four XOR rows in 002's order, $X = [[0,0],[1,1],[1,0],[0,1]]$, targets $Y = [0, 0, 1, 1]$;
# * a hidden layer of 3 sigmoid units and 1 sigmoid output, every weight and bias initially drawn from $[0.1, 0.9]$:
#   $$H = \sigma(X W_1 + b_1),\qquad \hat Y = \sigma(H W_2 + b_2),$$
#   with $W_1$ of shape $(2, 3)$, $b_1$ $(3,)$, $W_2$ $(3, 1)$, $b_2$ $(1,)$, each row of $X$ one example;
# * the loss `reduce_sum(square(y0 - y_out))`: the **sum** of squares over the four rows,
#   $L = \sum_{rows}(Y - \hat Y)^2$ — no ½ and no mean this time;
# * `GradientDescentOptimizer(1.0)` run 500 times on all four rows: full-batch gradient descent with $\eta = 1$.
#
# TensorFlow finds the gradients by automatic differentiation; you write them by hand, with the same
# chain rule as 004, one layer at a time and all rows at once. Call the loss's slopes at the two
# layers' weighted sums $\delta_2 = \partial L/\partial (HW_2 + b_2)$, shape $(4, 1)$, and
# $\delta_1 = \partial L/\partial (XW_1 + b_1)$, shape $(4, 3)$: one row per example. Given them, the
# parameters' gradients follow 004's pattern (a delta times what flows along the weight), added up over
# the rows:
#
# $$
# \frac{\partial L}{\partial W_2} = H^{\mathsf T}\delta_2,\quad \frac{\partial L}{\partial b_2} = \textstyle\sum_{rows}\delta_2,\qquad
# \frac{\partial L}{\partial W_1} = X^{\mathsf T}\delta_1,\quad \frac{\partial L}{\partial b_1} = \textstyle\sum_{rows}\delta_1 .
# $$
#
# **Your turn: the two deltas.** For $\delta_2$, differentiate $L = \sum_{rows}(Y - \hat Y)^2$ by
# $\hat Y$ (which constant comes down from the square, with no ½ to cancel it?), then go through the
# output sigmoid: unlike notebook 03 there is no cross-entropy here to cancel that sigmoid's slope.
# For $\delta_1$, carry $\delta_2$ back through $W_2$ (which way round must $W_2$ stand to turn a
# $(4, 1)$ array into a $(4, 3)$ one?) and then through the hidden sigmoid, entry by entry.
#
# $\delta_1$ uses $W_2$ from **before** the update, for the reason 004 taught: every gradient of a step
# belongs to the same weights. The sums over rows come from the fact that each bias is used by every row,
# just as 004's hidden-layer gradient summed over the two outputs.
#
# 002 prints no results (and its Python 2 / TensorFlow 1 code no longer runs as printed), so there is no
# document number to match here — the plot below is the check: the loss must fall, and the four
# predictions must approach 0, 0, 1, 1.
#
# **Exercise.** `train_xor(params, lr=1.0, steps=500)` trains on `X_xor`, `Y_xor` (setup cell) and returns
# `(params, losses)`: a new dict with the keys and shapes of `params`, and an array with `losses[k]` = $L$
# **before** step `k`.

# %% nbgrader={"grade_id": "train_xor_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def train_xor(params, lr=1.0, steps=500):
    """002's 2-3-1 sigmoid net on XOR: full-batch gradient descent on L = sum of (Y - Y_hat)^2.
    losses[k] is L before step k."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_train_xor", "grade": true, "solution": false, "locked": true, "points": 3, "schema_version": 3}
check("train_xor", train_xor)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("train_xor", train_xor)
### END HIDDEN TESTS

# %% nbgrader={"grade_id": "xor_init", "grade": false, "solution": false, "locked": true, "schema_version": 3}
# 002 draws every initial weight and bias uniformly from [0.1, 0.9]; here with a fixed seed
xor_rng = np.random.default_rng(0)
params_xor = {"W1": xor_rng.uniform(0.1, 0.9, size=(2, 3)), "b1": xor_rng.uniform(0.1, 0.9, size=3),
              "W2": xor_rng.uniform(0.1, 0.9, size=(3, 1)), "b2": xor_rng.uniform(0.1, 0.9, size=1)}

# %%
trained, xor_losses = train_xor(params_xor)              # 002's settings: lr 1.0, 500 steps
predictions = sigmoid(sigmoid(X_xor @ trained["W1"] + trained["b1"]) @ trained["W2"] + trained["b2"])
print(f"loss before the first step {xor_losses[0]:.4f}, before the last {xor_losses[-1]:.4f}")
for row, target, guess in zip(X_xor, Y_xor[:, 0], predictions[:, 0]):
    print(f"x = {row}   target {target:.0f}   network {guess:.4f}")

plt.figure(figsize=(6, 3.5))
plt.plot(xor_losses)
plt.xlabel("step k")
plt.ylabel("L = sum of (Y - Y_hat)^2 before step k")
plt.title("002's 2-3-1 sigmoid network learning XOR, lr = 1.0")
plt.tight_layout()
plt.show()

# %% [markdown]
# Two phases show in the curve. First the loss drops quickly to about 1: the four predictions all move
# towards 0.5, which is the best a network can do while it ignores its inputs (four misses of 0.5 give
# $4 \times 0.25 = 1$). Then comes a plateau while the three hidden units, started with similar
# all-positive weights, drift apart — XOR cannot be represented by a single unit — and only then does
# the loss fall towards 0. Try other seeds in a copy of the locked cell, a smaller learning rate, or more steps.
#
# ## Summary
#
# Run the cell below for a table of every exercise of this notebook on its public cases.

# %%
check_all(globals())
