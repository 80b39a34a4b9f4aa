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
# # 02 · Backpropagation for regression: the 2-2-1 network of documents 000 and 003
#
# Two documents derive backpropagation on the same small network:
#
# * **document 000**, the fresherbell tutorial *"Backward Propagation"* (a student with IQ 100 and
#   CGPA 6.3, the nine derivatives, the training loop *Summarizing Back Propagation Algorithm*);
# * **document 003**, the handwritten notes *"Backpropagation in ANN (MLP)"* (the same network with
#   the nine derivatives boxed one by one).
#
# The task is regression: predict a student's salary package (LPA) from two inputs,
# $x_1$ = IQ and $x_2$ = CGPA. The network has one hidden layer of two **linear** units and one
# linear output, and the loss is the squared error. You will build, one function at a time: the
# forward pass, the loss, each of the nine derivatives, the gradient of all nine parameters at once,
# the update rule, and finally the training loop, which you then run on a small data set.
#
# Notation (as in the documents; in code the superscript becomes the first digit):
# $W^k_{ij}$, written `Wk_ij`, is the weight of layer $k$ from unit $i$ to unit $j$; $b_{11}, b_{12}$
# are the hidden biases and $b_{21}$ the output bias. Parameters travel as a dict:
#
# | key | shape | holds |
# |---|---|---|
# | `"W1"` | (2, 2) | `W1[i-1, j-1]` $= W^1_{ij}$, so column 0 feeds $O_{11}$, column 1 feeds $O_{12}$ |
# | `"b1"` | (2,) | $[b_{11}, b_{12}]$ |
# | `"W2"` | (2,) | $[W^2_{11}, W^2_{21}]$ |
# | `"b2"` | number | $b_{21}$ |
#
# **How to check yourself.** Replace each `raise NotImplementedError()` with your code, run the cell,
# then run the test cell below it: it prints ✔ or says what looks wrong. `check_all(globals())` at the
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

# A small synthetic placement data set (fixed seed): IQ and CGPA -> salary in LPA.
data_rng = np.random.default_rng(7)
n_students = 40
iq = data_rng.normal(100, 12, n_students)
cgpa = np.clip(data_rng.normal(7.5, 1.0, n_students), 4.0, 10.0)
lpa = 0.05 * iq + 1.2 * cgpa - 7.0 + data_rng.normal(0, 0.6, n_students)
X_raw = np.column_stack([iq, cgpa])
Y_raw = lpa
# Scaled copies (zero mean, unit spread) are what we train on.
X_mean, X_std, Y_mean, Y_std = X_raw.mean(axis=0), X_raw.std(axis=0), Y_raw.mean(), Y_raw.std()
X = (X_raw - X_mean) / X_std
Y = (Y_raw - Y_mean) / Y_std

# Document 000's student (IQ 100, CGPA 6.3, actual package 7 LPA) and its step 0 (w = 1, b = 0).
doc_x, doc_y = np.array([100.0, 6.3]), 7.0
doc_params = {"W1": np.ones((2, 2)), "b1": np.zeros(2), "W2": np.ones(2), "b2": 0.0}

# %% [markdown]
# The network. Each arrow carries one weight, each unit adds its bias; that makes the nine trainable
# parameters counted in notebook 01 (document 003: $6 + 3 = 9$).

# %% nbgrader={"grade_id": "draw_network", "grade": false, "solution": false, "locked": true, "schema_version": 3}
draw_2_2_1("linear", "linear", "Documents 000 and 003: the 2-2-1 regression network")


# %% [markdown]
# ## 1. Forward pass
#
# Reading the picture from left to right (document 000, step 3):
#
# $$O_{11} = W^1_{11}x_1 + W^1_{21}x_2 + b_{11}, \qquad O_{12} = W^1_{12}x_1 + W^1_{22}x_2 + b_{12},$$
# $$\hat y = W^2_{11}O_{11} + W^2_{21}O_{12} + b_{21}.$$
#
# Document 000 calls the output $Y'$ (also $O_{21}$); document 003 calls it $\hat y$. Substituting the
# hidden units shows that $\hat y$, and with it the loss, depends on all nine parameters:
#
# $$\hat y = W^2_{11}\,[W^1_{11}x_1 + W^1_{21}x_2 + b_{11}] + W^2_{21}\,[W^1_{12}x_1 + W^1_{22}x_2 + b_{12}] + b_{21}.$$
#
# **Erratum.** Document 000 (*Why BackPropagation?*) prints this expansion ending in "$+\,b_{12}$".
# The last term is the output bias $b_{21}$; $b_{12}$ already sits inside the second bracket.
#
# **Exercise.** Write `forward_regression(x, params)` returning the tuple `(O11, O12, y_hat)` for one
# input row `x = [x1, x2]`.

# %% nbgrader={"grade_id": "forward_regression_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def forward_regression(x, params):
    """One row through the 2-2-1 linear network; returns (O11, O12, y_hat).

    O11 = W1_11·x1 + W1_21·x2 + b11,  O12 = W1_12·x1 + W1_22·x2 + b12,
    y_hat = W2_11·O11 + W2_21·O12 + b21.
    """
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_forward_regression", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("forward_regression", forward_regression)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("forward_regression", forward_regression)
### END HIDDEN TESTS

# %% [markdown]
# Document 000's student has IQ 100 and CGPA 6.3, and its step 0 starts from $w = 1$, $b = 0$. The
# document then says *"Let's say the predicted value is 18"*: 18 is an assumed number for the
# illustration, not what these weights compute. Your forward pass gives the actual value:

# %%
O11, O12, y_hat = forward_regression(doc_x, doc_params)
print(f"O11 = {O11:g}, O12 = {O12:g}, y_hat = {y_hat:g}   (document 000 assumes y_hat = 18 for its example)")


# %% [markdown]
# ## 2. The loss
#
# For regression both documents use the squared error of one row (document 000 calls it MSE; over a
# single row the mean is the row's own error):
#
# $$L = (y - \hat y)^2 .$$
#
# Document 000's example: actual package $y = 7$, predicted $\hat y = 18$, so
# $L = (7 - 18)^2 = 121$.
#
# **Erratum.** In *Why BackPropagation?* document 000 writes "$L = (Y - Y')$" and later "loss
# function $= Y - Y'$". The square is missing: without it the loss could be made as negative as we
# like by over-predicting, and it would have no minimum to descend to.
#
# **Exercise.** Write `mse_loss(y, y_hat)`.

# %% nbgrader={"grade_id": "mse_loss_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def mse_loss(y, y_hat):
    """Squared error of one prediction: L = (y − y_hat)²."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_mse_loss", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("mse_loss", mse_loss)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("mse_loss", mse_loss)
### END HIDDEN TESTS

# %%
print("mse_loss(7, 18) =", mse_loss(7.0, 18.0), "   document 000: 121 (right)")
print("and with the real prediction of the weights-1 network:", mse_loss(7.0, forward_regression(doc_x, doc_params)[2]))


# %% [markdown]
# ## 3. The first link of every chain: $\partial L/\partial \hat y$
#
# All nine derivatives start where the loss meets the prediction. The target $y$ is data, a
# constant; only $\hat y$ varies. Read the loss as an outer function of an inner one, $L = u^2$
# with $u = y - \hat y$, and notebook 01's chain rule splits the derivative in two:
#
# $$\frac{\partial L}{\partial \hat y} = \frac{dL}{du}\cdot\frac{\partial u}{\partial \hat y} .$$
#
# **Your turn.** Find both factors: the power rule gives the first; for the second, ask how
# $u = y - \hat y$ moves when $\hat y$ grows a little. Then check the sign of the product: when the
# prediction is too large ($\hat y > y$), raising it further makes the loss larger, so
# $\partial L/\partial \hat y$ must come out positive there.
#
# This derivative is equation ② of document 003 and the first factor in each of document 000's
# derivations. Mind the order inside the bracket: $(y - \hat y)$ and $(\hat y - y)$ differ by a
# sign, and mixing them up flips the sign of every gradient.
#
# **Exercise.** Write `dL_dyhat(y, y_hat)`.

# %% nbgrader={"grade_id": "dL_dyhat_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_dyhat(y, y_hat):
    """∂L/∂ŷ of the squared error L = (y − ŷ)²: y the target, y_hat the prediction (numbers)."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_dyhat", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_dyhat", dL_dyhat)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_dyhat", dL_dyhat)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. The output layer: $W^2_{11}$, $W^2_{21}$, $b_{21}$
#
# One application of the chain rule each. The output is
# $\hat y = W^2_{11}O_{11} + W^2_{21}O_{12} + b_{21}$, and the loss reaches $W^2_{11}$ only through
# $\hat y$:
#
# $$\frac{\partial L}{\partial W^2_{11}} = \frac{\partial L}{\partial \hat y}\cdot\frac{\partial \hat y}{\partial W^2_{11}} .$$
#
# The first factor is section 3's. **Your turn.** For the second, hold everything in the formula
# of $\hat y$ fixed except $W^2_{11}$: which term changes with it, and at what rate?
#
# **Erratum.** Document 000's closing summary (under *Summarizing Back Propagation Algorithm*) gives
# its expression for this derivative the label $\partial L/\partial W^2_{21}$, and then labels the
# next line $\partial L/\partial W^2_{21}$ as well. The first of the two is
# $\partial L/\partial W^2_{11}$, as the document's own derivation earlier on the page shows.
#
# **Exercise.** Write `dL_dW2_11(y, y_hat, O11)`. You may call your `dL_dyhat`.

# %% nbgrader={"grade_id": "dL_dW2_11_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_dW2_11(y, y_hat, O11):
    """∂L/∂W2_11, the loss's slope along the output weight W2_11; O11 is the first hidden unit's output."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_dW2_11", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_dW2_11", dL_dW2_11)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_dW2_11", dL_dW2_11)
### END HIDDEN TESTS

# %% [markdown]
# The second output weight asks the same question:
#
# $$\frac{\partial L}{\partial W^2_{21}} = \frac{\partial L}{\partial \hat y}\cdot\frac{\partial \hat y}{\partial W^2_{21}} .$$
#
# **Your turn.** Which quantity does $W^2_{21}$ multiply in $\hat y$?
#
# **Exercise.** Write `dL_dW2_21(y, y_hat, O12)`.

# %% nbgrader={"grade_id": "dL_dW2_21_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_dW2_21(y, y_hat, O12):
    """∂L/∂W2_21, the loss's slope along the output weight W2_21; O12 is the second hidden unit's output."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_dW2_21", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_dW2_21", dL_dW2_21)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_dW2_21", dL_dW2_21)
### END HIDDEN TESTS

# %% [markdown]
# The output bias is added to $\hat y$, not multiplied by anything:
#
# $$\frac{\partial L}{\partial b_{21}} = \frac{\partial L}{\partial \hat y}\cdot\frac{\partial \hat y}{\partial b_{21}} .$$
#
# **Your turn.** How fast does $\hat y$ move when $b_{21}$ moves?
#
# **Erratum.** Document 003 boxes its result for this derivative under the left-hand side
# "$\partial \hat y/\partial b_{21}$". It should read $\partial L/\partial b_{21}$:
# $\partial \hat y/\partial b_{21}$ alone is the much simpler factor of its own equation ⑦.
#
# **Exercise.** Write `dL_db21(y, y_hat)`.

# %% nbgrader={"grade_id": "dL_db21_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_db21(y, y_hat):
    """∂L/∂b21, the loss's slope along the output bias b21."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_db21", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_db21", dL_db21)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_db21", dL_db21)
### END HIDDEN TESTS

# %% [markdown]
# ## 5. The first hidden unit: $W^1_{11}$, $W^1_{21}$, $b_{11}$
#
# A first-layer weight reaches the loss through two links: it changes $O_{11}$, which changes
# $\hat y$. The chain gets a third factor:
#
# $$\frac{\partial L}{\partial W^1_{11}} = \frac{\partial L}{\partial \hat y}\cdot\frac{\partial \hat y}{\partial O_{11}}\cdot\frac{\partial O_{11}}{\partial W^1_{11}} .$$
#
# **Your turn.** The first factor is section 3's. Find the middle one from the formula of $\hat y$:
# how does the output move when $O_{11}$ does? Find the last one from the formula of $O_{11}$: how
# does $O_{11}$ move when $W^1_{11}$ does? (The input involved is IQ; document 000 writes it
# $X_{i1}$, document 003 $x_{11}$.) Then multiply the three.
#
# **Erratum.** When documents 000 and 003 differentiate $\hat y$ by $O_{11}$ they write the bracket as
# "$W^2_{11}O_{11} + W^2_{21}O_{21} + b_{21}$". The second product is $W^2_{21}O_{12}$: $O_{21}$ would be
# the output itself. The slip does not change the derivative by $O_{11}$.
#
# **Exercise.** Write `dL_dW1_11(y, y_hat, W2_11, x1)`.

# %% nbgrader={"grade_id": "dL_dW1_11_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_dW1_11(y, y_hat, W2_11, x1):
    """∂L/∂W1_11 for the weight from x1 (IQ) into the hidden unit O11; W2_11 carries O11 to the output."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_dW1_11", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_dW1_11", dL_dW1_11)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_dW1_11", dL_dW1_11)
### END HIDDEN TESTS

# %% [markdown]
# $W^1_{21}$ carries $x_2$ (CGPA) into the same unit. **Your turn.** Write its chain of three
# factors: which of them are the same as for $W^1_{11}$, and which one changes?
#
# **Exercise.** Write `dL_dW1_21(y, y_hat, W2_11, x2)`.

# %% nbgrader={"grade_id": "dL_dW1_21_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_dW1_21(y, y_hat, W2_11, x2):
    """∂L/∂W1_21 for the weight from x2 (CGPA) into the hidden unit O11; W2_11 carries O11 to the output."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_dW1_21", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_dW1_21", dL_dW1_21)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_dW1_21", dL_dW1_21)
### END HIDDEN TESTS

# %% [markdown]
# The bias $b_{11}$ is added inside $O_{11}$:
#
# $$\frac{\partial L}{\partial b_{11}} = \frac{\partial L}{\partial \hat y}\cdot\frac{\partial \hat y}{\partial O_{11}}\cdot\frac{\partial O_{11}}{\partial b_{11}} .$$
#
# **Your turn.** Two factors you have met already; what is the last one?
#
# **Erratum.** Document 000 writes this last factor with $b_{21}$ in place of $b_{11}$, as
# "$\partial O_{11}/\partial b_{21}$". It is $\partial O_{11}/\partial b_{11}$: $b_{21}$ is the output bias
# and does not enter $O_{11}$ at all.
#
# **Exercise.** Write `dL_db11(y, y_hat, W2_11)`.

# %% nbgrader={"grade_id": "dL_db11_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_db11(y, y_hat, W2_11):
    """∂L/∂b11 for the bias of the hidden unit O11; W2_11 carries O11 to the output."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_db11", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_db11", dL_db11)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_db11", dL_db11)
### END HIDDEN TESTS

# %% [markdown]
# ## 6. The second hidden unit: $W^1_{12}$, $W^1_{22}$, $b_{12}$
#
# The same three-link chain, now through $O_{12} = W^1_{12}x_1 + W^1_{22}x_2 + b_{12}$:
#
# $$\frac{\partial L}{\partial W^1_{12}} = \frac{\partial L}{\partial \hat y}\cdot\frac{\partial \hat y}{\partial O_{12}}\cdot\frac{\partial O_{12}}{\partial W^1_{12}} .$$
#
# **Your turn.** Compared with $W^1_{11}$, which weight now carries the hidden unit to the output,
# and which input does $W^1_{12}$ multiply?
#
# (Document 000 writes the last factor's numerator as $O_{11}$ while differentiating the bracket of
# $O_{12}$; the numerator is $O_{12}$, the unit whose bracket it differentiates.)
#
# **Exercise.** Write `dL_dW1_12(y, y_hat, W2_21, x1)`.

# %% nbgrader={"grade_id": "dL_dW1_12_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_dW1_12(y, y_hat, W2_21, x1):
    """∂L/∂W1_12 for the weight from x1 (IQ) into the hidden unit O12; W2_21 carries O12 to the output."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_dW1_12", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_dW1_12", dL_dW1_12)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_dW1_12", dL_dW1_12)
### END HIDDEN TESTS

# %% [markdown]
# **Your turn.** $W^1_{22}$ carries $x_2$ (CGPA) into $O_{12}$: write its chain and its three factors.
#
# **Exercise.** Write `dL_dW1_22(y, y_hat, W2_21, x2)`.

# %% nbgrader={"grade_id": "dL_dW1_22_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_dW1_22(y, y_hat, W2_21, x2):
    """∂L/∂W1_22 for the weight from x2 (CGPA) into the hidden unit O12; W2_21 carries O12 to the output."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_dW1_22", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_dW1_22", dL_dW1_22)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_dW1_22", dL_dW1_22)
### END HIDDEN TESTS

# %% [markdown]
# **Your turn.** And the bias of $O_{12}$: write $\partial L/\partial b_{12}$ the same way.
#
# **Exercise.** Write `dL_db12(y, y_hat, W2_21)`.

# %% nbgrader={"grade_id": "dL_db12_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dL_db12(y, y_hat, W2_21):
    """∂L/∂b12 for the bias of the hidden unit O12; W2_21 carries O12 to the output."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dL_db12", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dL_db12", dL_db12)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dL_db12", dL_db12)
### END HIDDEN TESTS

# %% [markdown]
# ## 7. All nine at once
#
# For one row $(x, y)$: run the forward pass to get $O_{11}$, $O_{12}$ and $\hat y$, then evaluate the
# nine derivatives and arrange them **exactly like `params`**, so that the update can treat every
# key the same way:
#
# | key | entries |
# |---|---|
# | `"W1"` (2, 2) | `[[∂L/∂W1_11, ∂L/∂W1_12], [∂L/∂W1_21, ∂L/∂W1_22]]`, i.e. entry `[i-1, j-1]` is $\partial L/\partial W^1_{ij}$ |
# | `"b1"` (2,) | $[\partial L/\partial b_{11}, \partial L/\partial b_{12}]$ |
# | `"W2"` (2,) | $[\partial L/\partial W^2_{11}, \partial L/\partial W^2_{21}]$ |
# | `"b2"` | $\partial L/\partial b_{21}$ |
#
# **Exercise.** Write `gradients_regression(x, y, params)` from your forward pass and your nine
# functions.

# %% nbgrader={"grade_id": "gradients_regression_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def gradients_regression(x, y, params):
    """The nine derivatives of L = (y − y_hat)² for one row, in a dict laid out like params."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_gradients_regression", "grade": true, "solution": false, "locked": true, "points": 3, "schema_version": 3}
check("gradients_regression", gradients_regression)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("gradients_regression", gradients_regression)
### END HIDDEN TESTS

# %% [markdown]
# **Are the nine formulas right?** Measure them. The locked helper `finite_difference_gradients`
# nudges each parameter by $\pm h$ and recomputes the loss with your forward pass (the centred
# difference of notebook 01); the table puts its numbers next to your backpropagated ones for one
# scaled student of the data set below.

# %%
check_params = {"W1": np.array([[0.3, -0.6], [0.8, 0.2]]), "b1": np.array([0.1, -0.2]),
                "W2": np.array([0.7, -0.4]), "b2": 0.05}
x_row, y_row = X[0], Y[0]
measured = finite_difference_gradients(lambda p: mse_loss(y_row, forward_regression(x_row, p)[2]), check_params)
show_gradient_table(gradients_regression(x_row, y_row, check_params), measured)


# %% [markdown]
# ## 8. The update rule
#
# Each of the nine parameters moves against its own derivative (document 000, step 4; document 003):
#
# $$W_\text{new} = W_\text{old} - \eta\,\frac{\partial L}{\partial W_\text{old}}, \qquad
# b_\text{new} = b_\text{old} - \eta\,\frac{\partial L}{\partial b_\text{old}} .$$
#
# Document 000 picks $\eta = 0.01$ in step 4 and $\eta = 1$ in *BackPropagation Intuition*; notebook 01
# showed what such choices do on a simple function.
#
# **Exercise.** Write `update_parameter(param, grad, lr)`; it must work for numbers and for numpy
# arrays (a whole `"W1"` at once). Return a new value; do not change `param` in place.

# %% nbgrader={"grade_id": "update_parameter_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def update_parameter(param, grad, lr):
    """One gradient-descent step: param − lr·grad (numbers or arrays, never in place)."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_update_parameter", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("update_parameter", update_parameter)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("update_parameter", update_parameter)
### END HIDDEN TESTS

# %% [markdown]
# One step on document 000's student, first with the raw inputs (IQ 100, CGPA 6.3, target 7,
# all weights 1, $\eta = 0.01$ as in step 4), then with the same student on a scaled version of the
# inputs and target. The raw step **increases** the loss enormously: the gradients are
# multiplied by the inputs (IQ is about 100) and by the hidden outputs, so a single step
# overshoots. This is why the training data below is scaled to zero mean and unit spread first.

# %%
def one_step(x, y, params, lr):
    grads = gradients_regression(x, y, params)
    return {key: update_parameter(params[key], grads[key], lr) for key in params}

def loss_at(x, y, params):
    return mse_loss(y, forward_regression(x, params)[2])

after = one_step(doc_x, doc_y, doc_params, 0.01)
print(f"raw inputs:    loss {loss_at(doc_x, doc_y, doc_params):.4g} -> {loss_at(doc_x, doc_y, after):.4g} after one step")
scaled_x, scaled_y = (doc_x - X_mean) / X_std, (doc_y - Y_mean) / Y_std
after = one_step(scaled_x, scaled_y, doc_params, 0.01)
print(f"scaled inputs: loss {loss_at(scaled_x, scaled_y, doc_params):.4g} -> {loss_at(scaled_x, scaled_y, after):.4g} after one step")


# %% [markdown]
# ## 9. Training: the documents' loop
#
# Document 000 (*Summarizing Back Propagation Algorithm*) and document 003 (*Steps in
# Backpropagation*) both train one row at a time, updating after every row; this is stochastic
# gradient descent. They differ in which row comes next. Document 000 draws it at random,
# $n$ times per epoch (so a row may come twice and another not at all); document 003 goes through
# the rows in the order they are stored, each once per epoch. This notebook follows document 000:
#
# ```
# for each epoch:
#     repeat n times (n = number of rows):
#         pick one row at random
#         forward pass -> prediction
#         loss of that row
#         update all nine parameters with W_new = W_old - lr * dL/dW_old
#     the epoch's loss = mean of its n row losses
# ```
#
# (Notebook 03 trains document 001's network with the in-order loop, and notebook 05 compares the
# ways of choosing rows.) To make runs reproducible, and comparable with the grader, use exactly this
# randomness: create `rng = np.random.default_rng(seed)` **once** before the first epoch, and pick
# each row with `i = rng.integers(n)`.
#
# Two details matter:
#
# * compute **all nine** gradients from the current (old) parameters first, then update. If you
#   updated $W^2$ first and then computed the hidden-layer gradients, they would use the new $W^2$,
#   which is not the derivative of the loss you just measured;
# * do not change the caller's `params` dict or its arrays: work on copies.
#
# **Exercise.** Write `train_regression(X, Y, params, lr, epochs, seed)` returning
# `(params, epoch_losses)`: the trained parameters (a new dict, same keys and shapes) and a numpy
# array of `epochs` mean losses.

# %% nbgrader={"grade_id": "train_regression_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def train_regression(X, Y, params, lr, epochs, seed):
    """Stochastic gradient descent with document 000's random choice of rows.

    Each epoch: n steps, each on row rng.integers(n) — forward, loss, all nine gradients from the
    old values, then every parameter updated. Returns (new params, mean loss of each epoch).
    """
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_train_regression", "grade": true, "solution": false, "locked": true, "points": 3, "schema_version": 3}
check("train_regression", train_regression)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("train_regression", train_regression)
### END HIDDEN TESTS

# %% [markdown]
# Your training loop on the scaled data set of this notebook (40 synthetic students, made in the
# setup cell with a fixed seed). It starts from document 000's step 0, all weights 1 and all biases 0,
# and compares three learning rates for 30 epochs. The right-hand picture shows the trained
# network's predictions with $\eta = 0.01$, converted back to LPA.
#
# The curves jitter rather than fall smoothly: each epoch's loss is the mean over rows drawn at
# random (some twice, some not at all) while the weights keep moving, and the data carry noise that
# no straight-line model removes. Notebook 05 measures the loss on the whole data set instead.

# %%
fig, (ax_loss, ax_fit) = plt.subplots(1, 2, figsize=(12, 4))
for lr, colour in [(0.001, "tab:orange"), (0.01, "tab:blue"), (0.05, "tab:green")]:
    trained, losses = train_regression(X, Y, doc_params, lr, 30, seed=0)
    ax_loss.semilogy(np.arange(1, 31), losses, "o-", markersize=3, color=colour, label=f"η = {lr:g}")
    print(f"η = {lr:<6g} mean loss epoch 1: {losses[0]:.4f}   epoch 30: {losses[-1]:.4f}")
ax_loss.set_xlabel("epoch"); ax_loss.set_ylabel("mean squared error (scaled units)")
ax_loss.set_title("Epoch losses of train_regression"); ax_loss.legend()

trained, _ = train_regression(X, Y, doc_params, 0.01, 30, seed=0)
predicted = np.array([forward_regression(row, trained)[2] for row in X]) * Y_std + Y_mean
ax_fit.plot(Y_raw, predicted, "o", color="tab:blue")
line = [Y_raw.min(), Y_raw.max()]
ax_fit.plot(line, line, "k--", linewidth=1, label="perfect prediction")
ax_fit.set_xlabel("actual LPA"); ax_fit.set_ylabel("predicted LPA"); ax_fit.legend()
ax_fit.set_title("Trained with η = 0.01, 30 epochs")
plt.show()
print("the two hidden units started equal; are they still equal?",
      bool(np.allclose(trained["W1"][:, 0], trained["W1"][:, 1]) and np.isclose(trained["b1"][0], trained["b1"][1])))

# %% [markdown]
# The last line is worth a thought: both hidden units started with identical weights, so they always
# received identical gradients and stayed copies of each other. Starting every weight at the same
# value wastes hidden units; real networks start from small random weights.
#
# ## Summary
#
# Run the cell below for a table of all the exercises on their public cases. Notebook 03 keeps this
# network and this loop but puts a sigmoid on every unit and changes the loss to binary
# cross-entropy.

# %%
check_all(globals())
