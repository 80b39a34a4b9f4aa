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
# # 03 · Backpropagation for classification: sigmoid units and binary cross-entropy
#
# Notebook 02 trained the 2-2-1 network of documents 000 and 003 to predict a number. Here the same
# network answers a yes/no question — is the student placed? — from the same two inputs,
# $x_1$ = IQ and $x_2$ = CGPA. Two documents describe the changes:
#
# * **document 000**, the fresherbell tutorial, section *Classification Example*: every unit passes
#   its weighted sum through a sigmoid, the loss becomes binary cross-entropy, and everything else
#   stays as in the regression case;
# * **document 001**, the Debug School post *"Explain backpropagation in neural network"*: the same
#   recipe on an even smaller network, two inputs, **one** sigmoid hidden unit, one sigmoid output.
#
# You will write the sigmoid and its slope, the loss and its derivative, see a factor cancel, derive
# the nine derivatives again (six of them gain one factor), assemble forward pass, gradients and
# training loop, and finish with document 001's network: its forward pass, its gradients and its
# training loop.
#
# The parameter dict is the one of notebook 02: `"W1"` (2, 2) with `W1[i-1, j-1]` $= W^1_{ij}$,
# `"b1"` $= [b_{11}, b_{12}]$, `"W2"` $= [W^2_{11}, W^2_{21}]$, `"b2"` $= b_{21}$.
#
# **How to check yourself.** Replace each `raise NotImplementedError()` with your code, run the cell,
# then the test cell below it: it prints ✔ or says what looks wrong. `check_all(globals())` at the
# end prints a table of all the exercises. The grader runs the same checks on hidden inputs.
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

# include: draw_graph.py


def draw_2_2_1(hidden, output, title):
    """The network of documents 000 and 003: x1 = IQ, x2 = CGPA -> O11, O12 -> y_hat."""
    units = {"x1": ((0.0, 1.0), "x1\nIQ"), "x2": ((0.0, -1.0), "x2\nCGPA"),
             "O11": ((2.0, 1.0), "O11\n" + hidden), "O12": ((2.0, -1.0), "O12\n" + hidden),
             "y": ((4.0, 0.0), "$\\hat{y}$\n" + output)}
    edges = [("x1", "O11", "W1_11", 0.5), ("x2", "O11", "W1_21", 0.3), ("x1", "O12", "W1_12", 0.3),
             ("x2", "O12", "W1_22", 0.5), ("O11", "y", "W2_11", 0.5), ("O12", "y", "W2_21", 0.5)]
    biases = {"O11": ("+ b11", "above"), "O12": ("+ b12", "below"), "y": ("+ b21", "above")}
    fig, ax = plt.subplots(figsize=(8, 4.5))
    draw_graph(ax, units, edges, biases, title)
    plt.show()

# include: finite_differences.py

# A small synthetic placement data set (fixed seed): IQ and CGPA -> placed (1) or not (0).
data_rng = np.random.default_rng(11)
n_students = 60
iq = data_rng.normal(100, 12, n_students)
cgpa = np.clip(data_rng.normal(7.0, 1.2, n_students), 4.0, 10.0)
merit = 0.08 * (iq - 100) + 1.0 * (cgpa - 7.0) + data_rng.normal(0, 0.25, n_students)
Y = (merit > 0).astype(float)
X_raw = np.column_stack([iq, cgpa])
X_mean, X_std = X_raw.mean(axis=0), X_raw.std(axis=0)
X = (X_raw - X_mean) / X_std          # scaled inputs, zero mean and unit spread

# Starting weights for training: fixed, and different per hidden unit so that the two units can
# learn different things (equal starting weights would keep them equal, as notebook 02 showed).
start_params = {"W1": np.array([[0.5, -0.4], [0.3, 0.8]]), "b1": np.array([0.0, 0.1]),
                "W2": np.array([0.6, -0.7]), "b2": 0.0}


def draw_single_hidden(title):
    """Document 001's network: x1, x2 -> one sigmoid hidden unit h -> one sigmoid output."""
    units = {"x1": ((0.0, 1.0), "x1"), "x2": ((0.0, -1.0), "x2"), "h": ((2.0, 0.0), "h\nσ"),
             "y": ((4.0, 0.0), "$\\hat{y}$\nσ")}
    edges = [("x1", "h", "w[0]", 0.5), ("x2", "h", "w[1]", 0.5), ("h", "y", "v", 0.5)]
    biases = {"h": ("+ b1", "above"), "y": ("+ b2", "above")}
    fig, ax = plt.subplots(figsize=(7, 3.5))
    draw_graph(ax, units, edges, biases, title)
    plt.show()


# %% [markdown]
# The network of document 000's classification example: the same nine parameters as before, but every
# unit now applies $\sigma$ to its weighted sum.

# %% nbgrader={"grade_id": "draw_network", "grade": false, "solution": false, "locked": true, "schema_version": 3}
draw_2_2_1("σ", "σ", "Document 000, classification: the 2-2-1 network with sigmoid units")


# %% [markdown]
# ## 1. The sigmoid
#
# The sigmoid squashes any number into $(0, 1)$, so the output can be read as a probability:
#
# $$\sigma(z) = \frac{1}{1 + e^{-z}} .$$
#
# (Document 002, used in notebook 05, prints it as "1 / 1 + exp(−x)": the parentheses around the
# denominator were lost. Read literally that is $1 + e^{-x}$, which is not a probability.)
#
# **A numerical trap.** For a large negative $z$, say $-1000$, $e^{-z} = e^{1000}$ overflows and
# numpy warns. Rewrite the formula for negative $z$ by multiplying top and bottom by $e^{z}$:
#
# $$\sigma(z) = \frac{e^{z}}{1 + e^{z}} \quad (z < 0), \qquad \sigma(z) = \frac{1}{1 + e^{-z}} \quad (z \ge 0).$$
#
# Now the exponential only ever sees a non-positive number and cannot overflow.
#
# **Exercise.** Write `sigmoid(z)` for a number or a numpy array (of any shape), without any
# overflow warning for $|z|$ up to 1000. For a number, return a number.

# %% nbgrader={"grade_id": "sigmoid_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def sigmoid(z):
    """σ(z) = 1 / (1 + exp(−z)), computed as exp(z) / (1 + exp(z)) where z < 0 (no overflow)."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_sigmoid", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("sigmoid", sigmoid)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("sigmoid", sigmoid)
### END HIDDEN TESTS

# %% [markdown]
# ## 2. The sigmoid's slope
#
# Write the sigmoid as an outer function of an inner one, $\sigma(z) = u^{-1}$ with $u = 1 + e^{-z}$,
# and notebook 01's chain rule gives
#
# $$\frac{d\sigma}{dz} = \frac{d(u^{-1})}{du}\cdot\frac{du}{dz} .$$
#
# **Your turn.** Find both factors and multiply them. Then rewrite the result with $\sigma(z)$
# itself: split it into $\frac{1}{1 + e^{-z}}$ times a second fraction, and compare that second
# fraction with $1 - \sigma(z)$ brought over one denominator. Document 000 uses the slope written
# this way, with the unit's output $Y'$ (its name for $\hat y$). Writing the slope with the unit's
# **output** $a = \sigma(z)$, which the forward pass has already computed, is why backpropagation
# never needs $z$ again.
#
# **Exercise.** Write `sigmoid_derivative(a)` returning $d\sigma/dz$ written with $a$. Its argument
# is the *activation* $a = \sigma(z)$, not $z$: do not apply the sigmoid inside.

# %% nbgrader={"grade_id": "sigmoid_derivative_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def sigmoid_derivative(a):
    """Slope dσ/dz of the sigmoid, written with its output a = σ(z) (a number or an array), not with z."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_sigmoid_derivative", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("sigmoid_derivative", sigmoid_derivative)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("sigmoid_derivative", sigmoid_derivative)
### END HIDDEN TESTS

# %% [markdown]
# Your two functions drawn together. The slope is largest where the sigmoid is steepest; the cell
# reports where that is and how large, computed from your code. It also evaluates the sigmoid at
# $\pm 1000$ to show that nothing overflows.

# %%
z = np.linspace(-8, 8, 401)
a = sigmoid(z)
slope = sigmoid_derivative(a)
print(f"largest slope {slope.max():.4f} at z = {z[slope.argmax()]:g}")
print("sigmoid([-1000, 0, 1000]) =", sigmoid(np.array([-1000.0, 0.0, 1000.0])))
fig, ax = plt.subplots(figsize=(6.5, 3.8))
ax.plot(z, a, label="σ(z)  (sigmoid)")
ax.plot(z, slope, label="dσ/dz  (sigmoid_derivative)")
ax.axhline(0.5, color="grey", linewidth=0.5); ax.axvline(0, color="grey", linewidth=0.5)
ax.set_xlabel("z"); ax.legend(); ax.set_title("Your sigmoid and its slope")
plt.show()


# %% [markdown]
# ## 3. Binary cross-entropy
#
# With a label $y \in \{0, 1\}$ and a predicted probability $\hat y$, both documents use
#
# $$L = -y\log\hat y - (1 - y)\log(1 - \hat y).$$
#
# Only one term survives for a given label: for $y = 1$ the loss is $-\log\hat y$ (small when
# $\hat y$ is near 1, huge when it is near 0), for $y = 0$ it is $-\log(1 - \hat y)$. Both logs are of
# numbers below 1, hence negative, so the leading minus signs make $L \ge 0$. (`np.log` is the
# natural logarithm.)
#
# **Exercise.** Write `bce_loss(y, y_hat)`.

# %% nbgrader={"grade_id": "bce_loss_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def bce_loss(y, y_hat):
    """Binary cross-entropy of one prediction: −y·ln(ŷ) − (1 − y)·ln(1 − ŷ)."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_bce_loss", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("bce_loss", bce_loss)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("bce_loss", bce_loss)
### END HIDDEN TESTS

# %%
p = np.linspace(0.01, 0.99, 99)
print(f"bce_loss(1, 0.5) = {bce_loss(1.0, 0.5):.6f}  (ln 2 = {np.log(2):.6f}: a coin-flip guess)")
print(f"bce_loss(1, 0.9) = {bce_loss(1.0, 0.9):.6f}   bce_loss(1, 0.1) = {bce_loss(1.0, 0.1):.6f}")
fig, ax = plt.subplots(figsize=(6.5, 3.8))
ax.plot(p, bce_loss(1.0, p), label="label y = 1")
ax.plot(p, bce_loss(0.0, p), label="label y = 0")
ax.set_xlabel("predicted probability ŷ"); ax.set_ylabel("loss"); ax.legend()
ax.set_title("Binary cross-entropy: confident mistakes cost most")
plt.show()


# %% [markdown]
# ## 4. $\partial L/\partial \hat y$
#
# The label $y$ is data, a constant; differentiate the loss one term at a time. The first term needs
# $\frac{d}{d\hat y}\log\hat y = 1/\hat y$; the second is a logarithm of an inner function,
# $\log u$ with $u = 1 - \hat y$, so the chain rule applies.
#
# **Your turn.** Write both terms' derivatives, minding every minus sign. Then, as document 000
# does, bring them over the common denominator $\hat y(1 - \hat y)$ and multiply out the numerator:
# two of its terms cancel, and what is left is short.
#
# **Erratum.** Where document 000 starts this derivation it writes the loss being differentiated as
# "$-y\log(y') - (1 - y)\log(1 - y)$". The second logarithm is $\log(1 - y')$, of the prediction; its
# next line differentiates the correct expression.
#
# **Exercise.** Write `dL_dyhat_bce(y, y_hat)`.

# %% nbgrader={"grade_id": "dL_dyhat_bce_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_dyhat_bce(y, y_hat):
    """∂L/∂ŷ of the binary cross-entropy L = −y·ln ŷ − (1 − y)·ln(1 − ŷ); y the label, 0 or 1, and
    y_hat the predicted probability, in (0, 1)."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_dyhat_bce", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_dyhat_bce", dL_dyhat_bce)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_dyhat_bce", dL_dyhat_bce)
### END HIDDEN TESTS

# %% [markdown]
# ## 5. The cancellation
#
# The output is $\hat y = \sigma(Z_f)$ with $Z_f = W^2_{11}O_{11} + W^2_{21}O_{12} + b_{21}$ (document 000's
# name for the output's weighted sum). One more link of the chain:
#
# $$\frac{\partial L}{\partial Z_f} = \frac{\partial L}{\partial \hat y}\cdot\frac{\partial \hat y}{\partial Z_f} ,$$
#
# where the second factor is the output sigmoid's slope from section 2, written with $\hat y$.
#
# **Your turn.** Multiply your $\partial L/\partial \hat y$ by that slope and simplify. Something
# cancels: what is left? This is why sigmoid and cross-entropy are used together: the error signal
# at the output needs no division by the sigmoid's slope, which is tiny wherever the output is
# confident. Once you have it, put it beside notebook 02's $\partial L/\partial \hat y$ for the
# squared error and compare.
#
# **Exercise.** Write `dL_dz_output(y, y_hat)` returning the simplified $\partial L/\partial Z_f$, with
# nothing left to divide by.

# %% nbgrader={"grade_id": "dL_dz_output_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_dz_output(y, y_hat):
    """∂L/∂Z_f, the BCE loss's slope at the output's weighted sum Z_f (ŷ = σ(Z_f)), simplified."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_dz_output", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_dz_output", dL_dz_output)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_dz_output", dL_dz_output)
### END HIDDEN TESTS

# %% [markdown]
# The cancellation checked with your own functions: the long product and the short formula agree.

# %%
print(f"{'y':>3} {'y_hat':>6} {'dL/dy_hat · y_hat(1 − y_hat)':>30} {'dL_dz_output':>14}")
for y, y_hat in [(1.0, 0.9), (1.0, 0.2), (0.0, 0.7), (0.0, 0.05)]:
    product = dL_dyhat_bce(y, y_hat) * sigmoid_derivative(y_hat)
    print(f"{y:>3g} {y_hat:>6g} {product:>30.10f} {dL_dz_output(y, y_hat):>14.10f}")


# %% [markdown]
# ## 6. The output layer
#
# Past $Z_f$ nothing changes from notebook 02: $Z_f$ is linear in $W^2_{11}$, $W^2_{21}$ and $b_{21}$,
# and document 000 chains
#
# $$\frac{\partial L}{\partial W^2_{11}} = \frac{\partial L}{\partial \hat y}\cdot\frac{\partial \hat y}{\partial Z_f}\cdot\frac{\partial Z_f}{\partial W^2_{11}} ,$$
#
# whose first two factors are section 5's $\partial L/\partial Z_f$. **Your turn.** What is the last
# factor? It is notebook 02's question, asked of $Z_f$. Here $O_{11}$ is the hidden unit's
# **output**, after its sigmoid.
#
# **Exercise.** Write `dL_dW2_11_clf(y, y_hat, O11)`; use your `dL_dz_output`.

# %% nbgrader={"grade_id": "dL_dW2_11_clf_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_dW2_11_clf(y, y_hat, O11):
    """∂L/∂W2_11 with sigmoid units and the BCE loss; O11 is the first hidden unit's output (after its sigmoid)."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_dW2_11_clf", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_dW2_11_clf", dL_dW2_11_clf)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_dW2_11_clf", dL_dW2_11_clf)
### END HIDDEN TESTS

# %% [markdown]
# **Your turn.** The same for $W^2_{21}$: what does it multiply in $Z_f$?
#
# **Exercise.** Write `dL_dW2_21_clf(y, y_hat, O12)`.

# %% nbgrader={"grade_id": "dL_dW2_21_clf_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_dW2_21_clf(y, y_hat, O12):
    """∂L/∂W2_21 with sigmoid units and the BCE loss; O12 is the second hidden unit's output."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_dW2_21_clf", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_dW2_21_clf", dL_dW2_21_clf)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_dW2_21_clf", dL_dW2_21_clf)
### END HIDDEN TESTS

# %% [markdown]
# **Your turn.** And the output bias: what is $\partial Z_f/\partial b_{21}$?
#
# **Exercise.** Write `dL_db21_clf(y, y_hat)`.

# %% nbgrader={"grade_id": "dL_db21_clf_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_db21_clf(y, y_hat):
    """∂L/∂b21, the BCE loss's slope along the output bias b21."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_db21_clf", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_db21_clf", dL_db21_clf)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_db21_clf", dL_db21_clf)
### END HIDDEN TESTS

# %% [markdown]
# ## 7. The first hidden unit: one more factor
#
# Inside the hidden unit there is now a sigmoid too. Document 000 calls the unit's weighted sum
# $Z_\text{prev}$, so $O_{11} = \sigma(Z_\text{prev})$ with $Z_\text{prev} = W^1_{11}x_1 + W^1_{21}x_2 + b_{11}$.
# Walking back from $Z_f$ to $W^1_{11}$ passes three links:
#
# $$\frac{\partial Z_f}{\partial W^1_{11}} = \frac{\partial Z_f}{\partial O_{11}}\cdot\frac{\partial O_{11}}{\partial Z_\text{prev}}\cdot\frac{\partial Z_\text{prev}}{\partial W^1_{11}} ,$$
#
# and $\partial L/\partial W^1_{11}$ is section 5's $\partial L/\partial Z_f$ times this product.
#
# **Your turn.** Find the three links. The first and the last are notebook 02's questions: what
# carries $O_{11}$ into $Z_f$, and what does $W^1_{11}$ multiply? The middle one is new: the hidden
# sigmoid's slope, written with the unit's output as in section 2 (so `sigmoid_derivative` gets
# `O11`, not the weighted sum). Does the output sigmoid's slope appear a second time? Look at what
# section 5 did with it.
#
# **A change of input order.** Document 000 writes the classification unit as
# "$Z = W^1_{11}\times\text{CGPA} + W^1_{21}\times\text{IQ} + b_{11}$", with the two inputs swapped relative
# to its own regression part. This notebook keeps the regression order, $x_1$ = IQ, $x_2$ = CGPA, so
# that `W1` means the same thing in notebooks 02 and 03.
#
# **Exercise.** Write `dL_dW1_11_clf(y, y_hat, W2_11, O11, x1)`; your `dL_dz_output` and
# `sigmoid_derivative` help.

# %% nbgrader={"grade_id": "dL_dW1_11_clf_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_dW1_11_clf(y, y_hat, W2_11, O11, x1):
    """∂L/∂W1_11 (x1, IQ, into the sigmoid unit O11) with the BCE loss; W2_11 carries O11 to the output."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_dW1_11_clf", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_dW1_11_clf", dL_dW1_11_clf)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_dW1_11_clf", dL_dW1_11_clf)
### END HIDDEN TESTS

# %% [markdown]
# **Your turn.** $W^1_{21}$ carries $x_2$ into the same unit: which link changes?
#
# **Exercise.** Write `dL_dW1_21_clf(y, y_hat, W2_11, O11, x2)`.

# %% nbgrader={"grade_id": "dL_dW1_21_clf_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_dW1_21_clf(y, y_hat, W2_11, O11, x2):
    """∂L/∂W1_21 (x2, CGPA, into the sigmoid unit O11) with the BCE loss; W2_11 carries O11 to the output."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_dW1_21_clf", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_dW1_21_clf", dL_dW1_21_clf)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_dW1_21_clf", dL_dW1_21_clf)
### END HIDDEN TESTS

# %% [markdown]
# **Your turn.** And the hidden bias $b_{11}$: what is $\partial Z_\text{prev}/\partial b_{11}$?
#
# **Exercise.** Write `dL_db11_clf(y, y_hat, W2_11, O11)`.

# %% nbgrader={"grade_id": "dL_db11_clf_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_db11_clf(y, y_hat, W2_11, O11):
    """∂L/∂b11 for the bias of the sigmoid unit O11, with the BCE loss; W2_11 carries O11 to the output."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_db11_clf", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_db11_clf", dL_db11_clf)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_db11_clf", dL_db11_clf)
### END HIDDEN TESTS

# %% [markdown]
# ## 8. The second hidden unit
#
# The same three links through $O_{12} = \sigma(W^1_{12}x_1 + W^1_{22}x_2 + b_{12})$. **Your turn.**
# Which weight now carries the hidden unit to the output, and whose output goes into the sigmoid's
# slope?
#
# **Erratum.** Document 000 labels this result "$\partial L/\partial W^1_{11}$" (the line after
# "therefore" in its second block), although the chain on the same line ends in
# $\partial Z_f/\partial W^1_{12}$. It is the derivative for $W^1_{12}$.
#
# **Exercise.** Write `dL_dW1_12_clf(y, y_hat, W2_21, O12, x1)`.

# %% nbgrader={"grade_id": "dL_dW1_12_clf_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_dW1_12_clf(y, y_hat, W2_21, O12, x1):
    """∂L/∂W1_12 (x1, IQ, into the sigmoid unit O12) with the BCE loss; W2_21 carries O12 to the output."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_dW1_12_clf", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_dW1_12_clf", dL_dW1_12_clf)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_dW1_12_clf", dL_dW1_12_clf)
### END HIDDEN TESTS

# %% [markdown]
# **Your turn.** $W^1_{22}$ carries $x_2$ into $O_{12}$: write its three links.
#
# **Exercise.** Write `dL_dW1_22_clf(y, y_hat, W2_21, O12, x2)`.

# %% nbgrader={"grade_id": "dL_dW1_22_clf_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_dW1_22_clf(y, y_hat, W2_21, O12, x2):
    """∂L/∂W1_22 (x2, CGPA, into the sigmoid unit O12) with the BCE loss; W2_21 carries O12 to the output."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_dW1_22_clf", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_dW1_22_clf", dL_dW1_22_clf)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_dW1_22_clf", dL_dW1_22_clf)
### END HIDDEN TESTS

# %% [markdown]
# **Your turn.** And the bias of $O_{12}$.
#
# **Exercise.** Write `dL_db12_clf(y, y_hat, W2_21, O12)`.

# %% nbgrader={"grade_id": "dL_db12_clf_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_db12_clf(y, y_hat, W2_21, O12):
    """∂L/∂b12 for the bias of the sigmoid unit O12, with the BCE loss; W2_21 carries O12 to the output."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_db12_clf", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_db12_clf", dL_db12_clf)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_db12_clf", dL_db12_clf)
### END HIDDEN TESTS

# %% [markdown]
# ## 9. Forward pass with sigmoids
#
# As in notebook 02, with a sigmoid around every weighted sum:
#
# $$O_{11} = \sigma(W^1_{11}x_1 + W^1_{21}x_2 + b_{11}), \qquad O_{12} = \sigma(W^1_{12}x_1 + W^1_{22}x_2 + b_{12}),$$
# $$\hat y = \sigma(Z_f), \qquad Z_f = W^2_{11}O_{11} + W^2_{21}O_{12} + b_{21}.$$
#
# **Exercise.** Write `forward_classification(x, params)` returning `(O11, O12, y_hat)`, using your
# `sigmoid`.

# %% nbgrader={"grade_id": "forward_classification_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def forward_classification(x, params):
    """One row through the sigmoid 2-2-1 network; returns (O11, O12, y_hat), all in (0, 1)."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_forward_classification", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("forward_classification", forward_classification)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("forward_classification", forward_classification)
### END HIDDEN TESTS

# %% [markdown]
# ## 10. All nine derivatives
#
# Same layout as `gradients_regression`: a dict shaped like `params`, with entry `[i-1, j-1]` of the
# `"W1"` gradient holding $\partial L/\partial W^1_{ij}$.
#
# **Exercise.** Write `gradients_classification(x, y, params)` from your forward pass and your nine
# `_clf` functions.

# %% nbgrader={"grade_id": "gradients_classification_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def gradients_classification(x, y, params):
    """The nine derivatives of the BCE loss for one row, in a dict laid out like params."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_gradients_classification", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("gradients_classification", gradients_classification)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("gradients_classification", gradients_classification)
### END HIDDEN TESTS

# %% [markdown]
# Measured against centred differences of your loss, as in notebook 02 (one student of the data set
# below, the starting weights of the training run):

# %%
x_row, y_row = X[0], Y[0]
measured = finite_difference_gradients(lambda p: bce_loss(y_row, forward_classification(x_row, p)[2]), start_params)
show_gradient_table(gradients_classification(x_row, y_row, start_params), measured)


# %% [markdown]
# ## 11. Training
#
# Document 000 keeps the rest of the procedure from the regression case, so the loop is the one of
# notebook 02 —
# `rng = np.random.default_rng(seed)` once, each epoch `n` steps on rows `rng.integers(n)`, all nine
# gradients from the old parameters before any update, the epoch's loss the mean of its step losses —
# with the forward pass, loss and gradients of this notebook. The update is still
# $W_\text{new} = W_\text{old} - \eta\,\partial L/\partial W_\text{old}$.
#
# **Exercise.** Write `train_classification(X, Y, params, lr, epochs, seed)` returning
# `(params, epoch_losses)`, without changing the caller's `params`.

# %% nbgrader={"grade_id": "train_classification_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def train_classification(X, Y, params, lr, epochs, seed):
    """Stochastic gradient descent on the BCE loss, one random row (rng.integers(n)) per step.

    Returns (new params, array of the mean step loss of each epoch).
    """
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_train_classification", "grade": true, "solution": false, "locked": true, "points": 3, "schema_version": 3}
check("train_classification", train_classification)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("train_classification", train_classification)
### END HIDDEN TESTS

# %% [markdown]
# Your training loop on this notebook's data set: 60 synthetic students, placed or not, generated in
# the setup cell with a fixed seed and scaled. On the left the epoch losses for three learning rates;
# on the right the probability of placement the network trained with $\eta = 0.5$ assigns across
# the (IQ, CGPA) plane, with the line $\hat y = 0.5$ and the students on top.
#
# The loss curves jitter from epoch to epoch: each epoch's loss is the mean over rows drawn at random
# (some twice, some not at all) while the weights keep moving. Notebook 05 measures the loss on the
# whole data set instead.

# %%
epochs = 40
fig, (ax_loss, ax_map) = plt.subplots(1, 2, figsize=(12.5, 4.3))
for lr, colour in [(0.05, "tab:orange"), (0.5, "tab:blue"), (2.0, "tab:green")]:
    result, losses = train_classification(X, Y, start_params, lr, epochs, seed=0)
    if lr == 0.5:
        trained = result
    ax_loss.plot(np.arange(1, epochs + 1), losses, color=colour, label=f"η = {lr:g}")
    print(f"η = {lr:<5g} mean loss epoch 1: {losses[0]:.4f}   epoch {epochs}: {losses[-1]:.4f}")
ax_loss.set_xlabel("epoch"); ax_loss.set_ylabel("mean binary cross-entropy")
ax_loss.set_title("Epoch losses of train_classification"); ax_loss.legend()

g_iq = np.linspace(X_raw[:, 0].min() - 3, X_raw[:, 0].max() + 3, 40)
g_cgpa = np.linspace(X_raw[:, 1].min() - 0.3, X_raw[:, 1].max() + 0.3, 40)
prob = np.array([[forward_classification((np.array([a, b]) - X_mean) / X_std, trained)[2]
                  for a in g_iq] for b in g_cgpa])
shade = ax_map.contourf(g_iq, g_cgpa, prob, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.7)
ax_map.contour(g_iq, g_cgpa, prob, levels=[0.5], colors="black")
for label, marker in [(1.0, "o"), (0.0, "x")]:
    rows = Y == label
    ax_map.scatter(X_raw[rows, 0], X_raw[rows, 1], marker=marker, color="black",
                   label="placed" if label else "not placed")
fig.colorbar(shade, ax=ax_map, label="ŷ = P(placed)")
ax_map.set_xlabel("IQ"); ax_map.set_ylabel("CGPA"); ax_map.legend(loc="upper left")
ax_map.set_title("Trained with η = 0.5")
plt.show()
predictions = np.array([forward_classification(row, trained)[2] for row in X]) >= 0.5
print(f"training accuracy with η = 0.5: {np.mean(predictions == (Y == 1)):.1%}")

# %% [markdown]
# ## 12. Document 001: a single hidden unit
#
# Document 001 explains the same algorithm on a smaller network: two inputs, **one** hidden unit and
# one output unit, both sigmoids, with binary cross-entropy as the loss. Its formulas are images; its
# text says what each unit does: form the weighted sum of its inputs, apply the sigmoid, pass the
# result on.
#
# The names this notebook (and the grader) uses: the hidden unit's weights from $x_1$ and $x_2$ are
# $w_1$ and $w_2$ and its bias is $b_1$; the weight from the hidden unit to the output is $v$ and the
# output's bias is $b_2$. The hidden unit's weighted sum is $z_1$ and its output $h$; the output unit's
# weighted sum is $z_2$ and its output $\hat y$. In code the parameters are a dict,
# `{"w": array([w1, w2]), "b1": b1, "v": v, "b2": b2}`.

# %% nbgrader={"grade_id": "draw_single_hidden", "grade": false, "solution": false, "locked": true, "schema_version": 3}
draw_single_hidden("Document 001: two inputs, one sigmoid hidden unit, one sigmoid output")


# %% [markdown]
# ### The forward pass
#
# Write $z_1$, $h$, $z_2$ and $\hat y$ in these names before you code them: one line each, the same
# pattern twice, and the output unit has only one input, $h$. Section 9 did the same for two hidden
# units.
#
# **Exercise.** Write `forward_single_hidden(x, params)` for one row `x` $= [x_1, x_2]$, returning the
# pair `(h, y_hat)` as two numbers; your `sigmoid` does the squashing.

# %% nbgrader={"grade_id": "forward_single_hidden_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def forward_single_hidden(x, params):
    """Document 001's network on one row: (h, ŷ), the hidden unit's output and the output unit's
    predicted probability, both between 0 and 1."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_forward_single_hidden", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("forward_single_hidden", forward_single_hidden)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("forward_single_hidden", forward_single_hidden)
### END HIDDEN TESTS

# %% [markdown]
# ### The backward pass
#
# Document 001 lists the backward pass as steps in words; each step is one link of the chain, and
# each asks you a question:
#
# 1. *gradient of the loss with respect to the output, then through the output's sigmoid to its
#    weighted sum*: that is section 5's $\partial L/\partial z_2$, which your `dL_dz_output` gives;
# 2. *to the weight and bias of the output neuron*: $\partial L/\partial v$ and
#    $\partial L/\partial b_2$ are $\partial L/\partial z_2$ times $\partial z_2/\partial v$ and
#    $\partial z_2/\partial b_2$: what are those two?
# 3. *back to the hidden neuron*, through the weight $v$ and the hidden sigmoid:
#    $\dfrac{\partial L}{\partial z_1} = \dfrac{\partial L}{\partial z_2}\cdot\dfrac{\partial z_2}{\partial h}\cdot\dfrac{\partial h}{\partial z_1}$:
#    find the two new links;
# 4. *to the hidden neuron's weights and bias*: $\partial L/\partial w$ has one entry per input,
#    $\partial L/\partial z_1$ times $\partial z_1/\partial w_1$ and $\partial z_1/\partial w_2$; and
#    $\partial L/\partial b_1$.
#
# Compare with section 7: it is the 2-2-1 network with one hidden unit removed.
#
# **Exercise.** Write `gradients_single_hidden(x, y, params)` returning a dict with the same keys:
# `"w"` an array of shape (2,), `"b1"`, `"v"` and `"b2"` numbers. Your `forward_single_hidden`,
# `dL_dz_output` and `sigmoid_derivative` do most of the work.

# %% nbgrader={"grade_id": "gradients_single_hidden_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def gradients_single_hidden(x, y, params):
    """Document 001's 2-1-1 sigmoid network with the BCE loss: the gradients of w, b1, v and b2 for
    one row x (shape (2,)) and label y, in a dict with the keys of params."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_gradients_single_hidden", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("gradients_single_hidden", gradients_single_hidden)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("gradients_single_hidden", gradients_single_hidden)
### END HIDDEN TESTS

# %% [markdown]
# And measured once more, with the same locked finite-difference helper, on one student and some
# fixed parameters:

# %%
params_001 = {"w": np.array([0.8, -0.5]), "b1": 0.1, "v": 1.3, "b2": -0.2}

def loss_001(p):
    return bce_loss(Y[0], forward_single_hidden(X[0], p)[1])

backprop = gradients_single_hidden(X[0], Y[0], params_001)
measured = finite_difference_gradients(loss_001, params_001)
for key in ("w", "b1", "v", "b2"):
    print(f"{key:<3} backprop {np.round(backprop[key], 8)}   measured {np.round(measured[key], 8)}")

# %% [markdown]
# ### Training document 001's network
#
# Document 001 describes training as a loop: start from small random weights; take an example, run it
# forward, measure its loss, run the backward pass and update the parameters; do that for every
# example of the data set and average their losses; repeat the whole for a number of epochs. Two of
# its details need deciding before you write it.
#
# * **Which row comes next.** Document 001 goes through the data set one example after the other:
#   row 0, row 1, …, in the order they are stored, every row once per epoch. Nothing is drawn at
#   random, unlike `train_classification` above, which follows document 000's random pick. Your
#   function takes a `seed` so that it is called like `train_classification`, but document 001 has
#   no use for one: whatever the seed, the result must be the same.
# * **When to update, and from which values.** Document 001 updates inside the backward pass of each
#   example, and later names "update parameters" once more as a step of its own. We read it as one
#   update per example, as its backward pass says (one update per pass over the data would be the
#   full batch of notebook 05). Read literally, it also updates the output neuron's weight before
#   going on to the hidden neuron, whose gradient would then flow back through a $v$ that has
#   already moved. That is not the derivative of the loss just measured: as in section 11, take all
#   four gradients from the same parameters first, then update every parameter with
#   $p_\text{new} = p_\text{old} - \eta\,\partial L/\partial p_\text{old}$.
#
# The epoch's loss is the mean of the losses of its steps, each measured before that step's update.
#
# **Exercise.** Write `train_single_hidden(X, Y, params, lr, epochs, seed)` returning
# `(params, epoch_losses)`: the trained parameters (a new dict with the keys and shapes of `params`;
# leave the caller's alone) and a numpy array of `epochs` mean losses.

# %% nbgrader={"grade_id": "train_single_hidden_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def train_single_hidden(X, Y, params, lr, epochs, seed):
    """Document 001's training loop: the rows in their stored order, one update per row.

    Returns (new params, array of the mean step loss of each epoch); seed is not used.
    """
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_train_single_hidden", "grade": true, "solution": false, "locked": true, "points": 3, "schema_version": 3}
check("train_single_hidden", train_single_hidden)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("train_single_hidden", train_single_hidden)
### END HIDDEN TESTS

# %% [markdown]
# Your loop on the 60 students of this notebook, from fixed starting weights, for three learning
# rates. The last lines compare the trained network with the 2-2-1 network of section 11 and run
# your loop twice with different seeds.

# %%
start_001 = {"w": np.array([0.5, -0.4]), "b1": 0.0, "v": 0.6, "b2": 0.0}
fig, ax = plt.subplots(figsize=(6.5, 3.8))
for lr, colour in [(0.05, "tab:orange"), (0.5, "tab:blue"), (2.0, "tab:green")]:
    result, losses = train_single_hidden(X, Y, start_001, lr, epochs, seed=0)
    if lr == 0.5:
        trained_001, losses_001 = result, losses
    ax.plot(np.arange(1, epochs + 1), losses, color=colour, label=f"η = {lr:g}")
    print(f"η = {lr:<5g} mean loss epoch 1: {losses[0]:.4f}   epoch {epochs}: {losses[-1]:.4f}")
ax.set_xlabel("epoch"); ax.set_ylabel("mean binary cross-entropy")
ax.set_title("Epoch losses of train_single_hidden"); ax.legend()
plt.show()
predictions_001 = np.array([forward_single_hidden(row, trained_001)[1] for row in X]) >= 0.5
print(f"training accuracy with η = 0.5: one hidden unit {np.mean(predictions_001 == (Y == 1)):.1%}, "
      f"the 2-2-1 network of section 11 {np.mean(predictions == (Y == 1)):.1%}")
_, other_seed = train_single_hidden(X, Y, start_001, 0.5, epochs, seed=1)
print("same epoch losses with seed 1 as with seed 0:", np.array_equal(other_seed, losses_001))

# %% [markdown]
# Every epoch here sees every student once, in the same order, so the curves for the two smaller
# learning rates fall without the epoch-to-epoch jitter of section 11; the largest one wobbles
# because its steps overshoot. One hidden unit is enough for these students: the setup cell places a
# student by a weighted sum of IQ and CGPA plus a little noise, so apart from the noise a straight
# line splits the two groups, and one sigmoid unit already grows along the direction across that
# line.

# %% [markdown]
# ## Summary
#
# Run the cell below for a table of all the exercises on their public cases.

# %%
check_all(globals())
