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
# # 01 · Derivatives, gradients, the chain rule and the learning rate
#
# Backpropagation is built from a handful of calculus ideas. Two documents of this course use them
# before they train any network:
#
# * **document 000**, the fresherbell tutorial *"Backward Propagation"* (sections *Concept Of
#   Derivative*, *Concept Of Gradient*, *Concept Of Minima*, *Effect Of Learning Rate*);
# * **document 003**, the handwritten notes *"Backpropagation in ANN (MLP)"* (the chain rule, the
#   count of trainable parameters, *What is convergence*).
#
# In this notebook you write seven small functions, one idea each: the derivative of
# $f(x) = x^2 + x$, the gradient of $z = x^2 + y^2$, the chain rule, a numerical derivative to test
# any derivative you write, the number of trainable parameters of a network, gradient descent with
# the three learning rates of document 000, and a convergence test.
#
# **How to check yourself.** Replace each `raise NotImplementedError()` with your code, run the cell,
# then run the test cell right below it: it prints ✔ or tells you what looks wrong. The last cell,
# `check_all(globals())`, prints a table of all the exercises. The grader runs the same checks on
# more (hidden) inputs.
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

def f_square_plus_x(x):
    """Document 000's example function y = x² + x."""
    return x ** 2 + x


# %% [markdown]
# ## 1. The derivative of one variable
#
# A derivative tells how fast, and in which direction, an output moves when you nudge its input.
# Document 000 gives the picture "$dy/dx = 4$": near that point, moving $x$ by a small amount moves
# $y$ by four times that amount, and the sign says whether $y$ goes up or down.
#
# Document 000's example is $y = f(x) = x^2 + x$. Two rules are all it takes: a sum is
# differentiated one term at a time,
#
# $$\frac{dy}{dx} = \frac{d(x^2)}{dx} + \frac{d(x)}{dx},$$
#
# and the power rule gives the slope of a power, $\frac{d(x^n)}{dx} = n\,x^{n-1}$ (the second term
# is $x^1$).
#
# **Your turn.** What does each term add to the slope? Work $dy/dx$ out on paper before you code
# it; the test cell compares your function with document 000's example at $x = 3$.
#
# **Exercise.** Write `d_square_plus_x(x)`, the slope of $x^2 + x$ at `x`. It should work for a
# number and for a numpy array of points.

# %% nbgrader={"grade_id": "d_square_plus_x_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def d_square_plus_x(x):
    """Slope dy/dx of y = x² + x at x (a number or a numpy array of points)."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_d_square_plus_x", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("d_square_plus_x", d_square_plus_x)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("d_square_plus_x", d_square_plus_x)
### END HIDDEN TESTS

# %% [markdown]
# **Minima (document 000, *Concept Of Minima*).** At a minimum the slope is zero, so we look for the
# $x$ where your $dy/dx$ vanishes. The next cell finds that point from *your* function
# (the slope is a straight line, so two evaluations fix it), finds where the slope equals the
# document's example value 4, and draws tangent lines whose slopes come from `d_square_plus_x`.

# %%
s0, s1 = d_square_plus_x(0.0), d_square_plus_x(1.0)      # slope is s0 + (s1 - s0)·x
x_min = -s0 / (s1 - s0)
x_four = (4 - s0) / (s1 - s0)
print(f"slope is zero at x = {x_min:g}; f there = {f_square_plus_x(x_min):g}")
print(f"slope equals 4 (document 000's example value) at x = {x_four:g}")

xs = np.linspace(-3, 2, 200)
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(xs, f_square_plus_x(xs), color="black", label="$f(x) = x^2 + x$")
for x0, colour in [(-2.0, "tab:red"), (x_min, "tab:green"), (x_four, "tab:blue")]:
    slope = d_square_plus_x(x0)
    near = np.linspace(x0 - 0.8, x0 + 0.8, 2)
    ax.plot(near, f_square_plus_x(x0) + slope * (near - x0), color=colour,
            label=f"tangent at x = {x0:g}, slope {slope:g}")
    ax.plot([x0], [f_square_plus_x(x0)], "o", color=colour)
ax.set_xlabel("x"); ax.set_ylabel("y"); ax.legend(fontsize=8); ax.set_title("Slope from d_square_plus_x")
plt.show()


# %% [markdown]
# ## 2. Several variables: the gradient
#
# When a function depends on more than one variable, we take one partial derivative per variable,
# holding the others fixed as if they were numbers; together they form the **gradient**. Document
# 000's example is the bowl
#
# $$z = f(x, y) = x^2 + y^2, \qquad \nabla z = \begin{bmatrix} \partial z/\partial x \\ \partial z/\partial y \end{bmatrix}.$$
#
# **Your turn.** While you differentiate by $x$, what becomes of the term $y^2$? And by $y$, of
# $x^2$? Then check your answer against the picture: where do both partials vanish, and is that the
# bottom of the bowl (document 000, *Concept Of Minima*, second example)? A network's loss is the
# same idea with nine variables instead of two: document 000 makes this point for the nine
# trainable parameters of its network.
#
# **Exercise.** Write `grad_sum_of_squares(x, y)` returning the numpy array
# $[\partial z/\partial x, \partial z/\partial y]$.

# %% nbgrader={"grade_id": "grad_sum_of_squares_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def grad_sum_of_squares(x, y):
    """Gradient of z = x² + y² at the point (x, y): the numpy array [∂z/∂x, ∂z/∂y]."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_grad_sum_of_squares", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("grad_sum_of_squares", grad_sum_of_squares)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("grad_sum_of_squares", grad_sum_of_squares)
### END HIDDEN TESTS

# %% [markdown]
# The arrows below are your gradients on a grid, drawn over the contour lines of $z$. Each arrow
# points uphill; gradient descent walks against it, towards the minimum at $(0, 0)$.

# %%
grid = np.linspace(-2, 2, 9)
fig, ax = plt.subplots(figsize=(5, 5))
xx, yy = np.meshgrid(np.linspace(-2.2, 2.2, 100), np.linspace(-2.2, 2.2, 100))
ax.contour(xx, yy, xx ** 2 + yy ** 2, levels=8, colors="grey", linewidths=0.8)
for gx in grid:
    for gy in grid:
        g = grad_sum_of_squares(gx, gy)
        ax.arrow(gx, gy, 0.08 * g[0], 0.08 * g[1], head_width=0.06, color="tab:red")
ax.plot([0], [0], "k*", markersize=12, label="minimum (0, 0)")
ax.set_aspect("equal"); ax.set_xlabel("x"); ax.set_ylabel("y"); ax.legend(loc="upper right")
ax.set_title("grad_sum_of_squares on a grid (arrows scaled by 0.08)")
plt.show()


# %% [markdown]
# ## 3. The chain rule
#
# Document 003 opens with the rule that makes backpropagation possible. If $y = f(u)$ and
# $u = g(x)$, then $y$ depends on $x$ through $u$, and the rates of change multiply:
#
# $$\boxed{\frac{dy}{dx} = \frac{dy}{du}\cdot\frac{du}{dx}}$$
#
# In a network the loss depends on a weight through a chain of intermediate values. Documents 000
# and 003 write, for the output weight $W^2_{11}$ (in code `W2_11`),
#
# $$\frac{\partial L}{\partial W^2_{11}} = \frac{\partial L}{\partial \hat y}\cdot\frac{\partial \hat y}{\partial W^2_{11}},$$
#
# and for a first-layer weight one more link: $\frac{\partial L}{\partial \hat y}\cdot
# \frac{\partial \hat y}{\partial O_{11}}\cdot\frac{\partial O_{11}}{\partial W^1_{11}}$. You will use
# exactly these products in notebook 02.
#
# **Exercise.** Write `chain_rule(dy_du, du_dx)` returning $dy/dx$. It must work for numbers and,
# entry by entry, for numpy arrays.

# %% nbgrader={"grade_id": "chain_rule_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def chain_rule(dy_du, du_dx):
    """dy/dx for y = f(u), u = g(x): the product dy/du · du/dx."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_chain_rule", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("chain_rule", chain_rule)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("chain_rule", chain_rule)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Checking a derivative with numbers
#
# Neither document does this, but every careful implementer does: compare a derivative you derived
# with one you *measure*. Evaluate $f$ a little to the right and a little to the left of $x$ and
# divide the rise by the run (the centred difference):
#
# $$f'(x) \approx \frac{f(x + h) - f(x - h)}{2h}.$$
#
# The one-sided version $\big(f(x+h) - f(x)\big)/h$ is off by a term proportional to $h$; the centred
# one by a term proportional to $h^2$, which is why it is the one to use (the grader of this course
# checks every derivative of the reference solutions this way, with $h = 10^{-5}$).
#
# **Exercise.** Write `numeric_derivative(f, x, h=1e-5)`; `f` is any function of one number.

# %% nbgrader={"grade_id": "numeric_derivative_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def numeric_derivative(f, x, h=1e-5):
    """Centred finite difference: f'(x) ≈ (f(x + h) − f(x − h)) / (2h)."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_numeric_derivative", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("numeric_derivative", numeric_derivative)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("numeric_derivative", numeric_derivative)
### END HIDDEN TESTS

# %% [markdown]
# Now put sections 1, 3 and 4 side by side. The first line measures the slope of $x^2 + x$ at
# $x = 3$ and compares it with your formula. The second uses the chain rule on
# $y = u^2$, $u = 3x + 1$ at $x = 1$ (so $dy/du = 2u$ and $du/dx = 3$) and measures the composite
# function directly.

# %%
print(f"d/dx (x² + x) at 3:  formula {d_square_plus_x(3.0):.8f}   measured {numeric_derivative(f_square_plus_x, 3.0):.8f}")
u = 3 * 1.0 + 1
by_chain = chain_rule(2 * u, 3.0)
measured = numeric_derivative(lambda x: (3 * x + 1) ** 2, 1.0)
print(f"d/dx (3x + 1)² at 1: chain rule {by_chain:.8f}   measured {measured:.8f}")


# %% [markdown]
# ## 5. How many derivatives? Counting trainable parameters
#
# Every weight and every bias is a knob the loss depends on, and backpropagation needs one
# derivative per knob. Document 003 counts them for the network of this course (two inputs IQ and
# CGPA, one hidden layer of two units, one output):
#
# $$\text{layer 1} = (2 \times 2) + 2 = 6, \qquad \text{layer 2} = (2 \times 1) + 1 = 3, \qquad \text{total} = 9,$$
#
# and document 000 agrees: nine weights and biases, hence nine derivatives. In general a layer with
# $n_\text{in}$ inputs and $n_\text{out}$ units has $n_\text{in} n_\text{out}$ weights and
# $n_\text{out}$ biases; the input layer has none.
#
# **Exercise.** Write `count_trainable_params(layer_sizes)`, where `layer_sizes` lists the units of
# each layer from the inputs to the output (so `[2, 2, 1]` is the course's network). Return an `int`.

# %% nbgrader={"grade_id": "count_trainable_params_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def count_trainable_params(layer_sizes):
    """Weights plus biases of a dense network: sum over layers of n_in·n_out + n_out."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_count_trainable_params", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("count_trainable_params", count_trainable_params)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("count_trainable_params", count_trainable_params)
### END HIDDEN TESTS

# %%
print("count_trainable_params([2, 2, 1]) =", count_trainable_params([2, 2, 1]), "   document 003: 9 (right)")
print("layer 1 alone:", count_trainable_params([2, 2]), "   document 003: 6 (right)")
print("layer 2 alone:", count_trainable_params([2, 1]), "   document 003: 3 (right)")


# %% [markdown]
# ## 6. Gradient descent and the learning rate
#
# Both documents update every parameter with the same rule (document 000, step 4; document 003,
# *weight updation formula*):
#
# $$W_\text{new} = W_\text{old} - \eta\,\frac{\partial L}{\partial W_\text{old}} .$$
#
# The minus sign sends the parameter downhill: a positive slope makes it smaller, a negative slope
# larger (document 000, *BackPropagation Intuition*). The learning rate $\eta$ sets the step size.
# On document 000's function $f(x) = x^2 + x$ the rule reads
#
# $$x_{k+1} = x_k - \eta\,(2x_k + 1).$$
#
# Writing $e_k = x_k + \tfrac12$ for the distance from the minimum at $-\tfrac12$, this becomes
# $e_{k+1} = (1 - 2\eta)\,e_k$: every step multiplies the distance by the same factor
# $1 - 2\eta$.
#
# Document 000 (*Effect Of Learning Rate*) compares three learning rates:
#
# * $\eta = 0.1$ — the recommended one, reaches the minimum in few steps;
# * $\eta = 0.01$ — the document first says it *"will not converge to a minima"*. **That sentence is
#   wrong**: with $\eta = 0.01$ the factor $1 - 2\eta$ lies strictly between $-1$ and $1$, so it
#   does converge, only slowly — as the same page says a few lines later (*"It will take too long to
#   reach the minimum loss"*);
# * $\eta = 1$ — the document says it *"will shoot out from a minima"* and *"will never reach the
#   minimum loss"*. On $x^2 + x$ the second is true and the first is not. The factor is exactly
#   $-1$, so $x_{k+1} = -1 - x_k$: the iterate hops between $x_0$ and $-1 - x_0$ for ever, coming no
#   closer and going no further. $\eta = 1$ sits exactly on the edge: for any $\eta$ a little below it the factor
#   $1 - 2\eta$ lies inside $(-1, 1)$ and the zig-zag shrinks; for any $\eta$ above it the factor is
#   below $-1$, every step lands further away on the other side, and the iterate runs off to
#   infinity. That runaway is what "shooting out" means, and on $x^2 + x$ it takes an $\eta$ above 1.
#   The edge is not always at 1: for a parabola of second derivative $f''$ the factor is
#   $1 - \eta f''$, so the edge is at $\eta = 2/f''$, and here $f'' = 2$.
#
# **Exercise.** Write `gradient_descent_1d(x0, lr, steps)` returning a numpy array of the
# `steps + 1` positions $x_0, x_1, \dots, x_\text{steps}$. Use your `d_square_plus_x` for the slope.

# %% nbgrader={"grade_id": "gradient_descent_1d_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def gradient_descent_1d(x0, lr, steps):
    """Positions x_0 … x_steps of x_{k+1} = x_k − lr·f'(x_k) on f(x) = x² + x."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_gradient_descent_1d", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("gradient_descent_1d", gradient_descent_1d)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("gradient_descent_1d", gradient_descent_1d)
### END HIDDEN TESTS

# %% [markdown]
# Document 000's three learning rates side by side, and a fourth just past the edge, $\eta = 1.1$,
# to show what shooting out looks like. Each path starts at $x_0 = 2$ and takes 20 steps (mind the
# wider axes of the last picture). The table under the pictures is computed from your paths: the
# distance to the minimum after 20 steps, that distance divided by the starting one, and
# $|1 - 2\eta|^{20}$, the ratio the formula above predicts. The lines after it put $\eta = 1$ between
# two neighbours, one just below the edge and one just above.

# %%
x0, n_steps = 2.0, 20
rates = [(0.01, "slow"), (0.1, "fast"), (1.0, "on the edge: hops for ever"), (1.1, "past the edge: runs away")]
fig, axes = plt.subplots(1, len(rates), figsize=(16, 3.8))
distances = {}
for ax, (lr, word) in zip(axes, rates):
    path = gradient_descent_1d(x0, lr, n_steps)
    distances[lr] = abs(path[-1] + 0.5)
    xs = np.linspace(min(path.min(), -3.5), max(path.max(), 2.5), 400)
    ax.plot(xs, f_square_plus_x(xs), color="lightgrey")
    ax.plot(path, f_square_plus_x(path), "o-", color="tab:blue", markersize=4, linewidth=0.8)
    ax.plot([path[0]], [f_square_plus_x(path[0])], "s", color="tab:red", label="x0")
    ax.axvline(-0.5, color="tab:green", linestyle=":", label="minimum x = -0.5")
    ax.set_title(f"η = {lr:g}: {word}", fontsize=10); ax.set_xlabel("x")
axes[0].set_ylabel("f(x) = x² + x"); axes[0].legend(fontsize=8)
plt.tight_layout()
plt.show()

start = abs(x0 + 0.5)
for lr, _ in rates:
    print(f"η = {lr:<5g} distance to -0.5 after {n_steps} steps: {distances[lr]:12.6f}   "
          f"ratio to the start {distances[lr] / start:12.6f}   |1 - 2η|^{n_steps} = {abs(1 - 2 * lr) ** n_steps:12.6f}")
print(f"η = 0.1 ends {distances[0.01] / distances[0.1]:.1f} times closer to the minimum than η = 0.01")
path_one = gradient_descent_1d(x0, 1.0, 6)
print("η = 1 path:", path_one, " (x0 and -1 - x0 =", -1 - x0, "in turn)")
for lr in (0.9, 1.1):
    print(f"η = {lr:g}: factor 1 - 2η = {1 - 2 * lr:+.1f}, distance after {n_steps} steps "
          f"{abs(gradient_descent_1d(x0, lr, n_steps)[-1] + 0.5):.6f} (it started at {start:g})")


# %% [markdown]
# ## 7. When to stop: convergence
#
# Document 003 (*What is convergence*) says we have converged when $W_\text{new} \approx W_\text{old}$:
# near a minimum the slope goes to zero, so the update $\eta\,\partial L/\partial W$ becomes
# negligible. It also notes that in practice one usually trains for a fixed number of epochs instead
# of waiting for exact convergence. To turn "$\approx$" into a test we pick a tolerance and require
# every parameter to have moved by less than it:
#
# $$\max_i \left| W_{\text{new},i} - W_{\text{old},i} \right| < \text{tol}.$$
#
# **Exercise.** Write `has_converged(w_old, w_new, tol)` returning a Python `bool`. `w_old` and
# `w_new` may be numbers, lists or numpy arrays of the same shape.

# %% nbgrader={"grade_id": "has_converged_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def has_converged(w_old, w_new, tol):
    """True when no entry moved by tol or more: max |w_new − w_old| < tol."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_has_converged", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("has_converged", has_converged)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("has_converged", has_converged)
### END HIDDEN TESTS

# %% [markdown]
# How many steps does each of document 000's learning rates need before a step moves $x$ by less
# than $10^{-6}$? The cell below runs your gradient descent one step at a time and asks your
# `has_converged` (giving up after 5000 steps, or once $|x|$ passes $10^6$), then plots the distance
# to the minimum on a logarithmic axis, where a constant factor per step shows as a straight line.
# It settles the erratum above by computation: $\eta = 0.01$ does converge, it just takes many more
# steps than $\eta = 0.1$; $\eta = 1$ keeps hopping and never passes the test; $\eta = 1.1$ runs away.

# %%
for lr in (0.01, 0.1, 1.0, 1.1):
    x, steps = 2.0, 0
    while steps < 5000 and abs(x) < 1e6:
        x_next = gradient_descent_1d(x, lr, 1)[-1]
        steps += 1
        if has_converged(x, x_next, 1e-6):
            break
        x = x_next
    if abs(x) >= 1e6:
        verdict = f"ran away: |x| = {abs(x):.3g} after {steps} steps"
    elif steps < 5000:
        verdict = f"converged after {steps} steps, x = {x_next:.6f}"
    else:
        verdict = "not converged after 5000 steps"
    print(f"η = {lr:<5g} {verdict}")

fig, ax = plt.subplots(figsize=(7, 3.8))
for lr, colour in [(0.01, "tab:orange"), (0.1, "tab:blue"), (1.0, "tab:red"), (1.1, "tab:purple")]:
    path = gradient_descent_1d(2.0, lr, 600)
    ax.semilogy(np.abs(path + 0.5), color=colour, label=f"η = {lr:g}")
ax.set_xlabel("step k"); ax.set_ylabel("|x_k + 0.5|, distance to the minimum")
ax.set_title("Distance to the minimum, from your gradient_descent_1d"); ax.legend()
plt.show()

# %% [markdown]
# The blue line ($\eta = 0.1$) stops falling near $10^{-16}$ and stays flat. The formula
# says the distance keeps shrinking by $0.8$ per step, so why does it stop? Floating-point numbers
# are spaced out, and just above $-0.5$ the gap from one to the next is a fixed small number. Once
# the step $\eta\,|2x + 1|$ is less than half that gap, $x - \text{step}$ rounds back to $x$ itself:
# the iterate is stuck. The cell below reads the gap off with `np.spacing`.

# %%
stuck = gradient_descent_1d(2.0, 0.1, 600)[-1]
gap = abs(np.spacing(stuck))                  # from stuck to the next float on the way to -0.5
last_step = 0.1 * abs(d_square_plus_x(stuck))
print(f"η = 0.1 stops at x = {float(stuck)!r}, {abs(stuck + 0.5):.2e} from the minimum "
      f"({abs(stuck + 0.5) / gap:g} gaps)")
print(f"gap between floats there: {gap:.2e}; half of it: {gap / 2:.2e}; the step: {last_step:.2e}")
print("one more step changes x:", gradient_descent_1d(stuck, 0.1, 1)[-1] != stuck)

# %% [markdown]
# ## Summary
#
# Run the cell below for a table of all the exercises on their public cases. Notebook 02 uses
# these ideas on the 2-2-1 regression network of documents 000 and 003: the chain rule gives its
# nine derivatives and the update rule trains it.

# %%
check_all(globals())
