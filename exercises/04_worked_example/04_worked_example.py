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
# # 04 · The 2-2-2 network, worked by hand — and then by your code
#
# Two of the course documents compute one training step of a small sigmoid network with pen and paper:
#
# * **004** (javatpoint, *Backpropagation Process in Deep Neural Network*) takes two inputs, two hidden
#   units and two outputs — eight weights `w1 … w8`, two biases `b1, b2` — through a forward pass, the
#   total error, the backward pass at the output layer, the backward pass at the hidden layer and the
#   weight update, printing every intermediate number; then it reports what 10,000 repetitions give.
# * **002** (bharatideology, *Backpropagation in Neural Networks*) works one neuron (0.541 → 0.632) and
#   one total error (0.0286) of a network of the same shape.
#
# You will turn every step into a function, check each against the document's numbers, and finally
# train the network for 10,000 steps. Along the way the notebook points out where the documents misprint
# a number or a formula, and one place where 004's published results do not follow 004's own rule.
#
# **How to check yourself.** Write each function in its cell, run it, then run the locked test cell below
# it: it prints ✔ or tells you what looks wrong. The cells after a test print your numbers next to the
# document's. At the end, `check_all(globals())` prints a table of every exercise.
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
    print(f"{label:<28} yours {yours:{fmt}}   document {document}")


# Document 004's example: inputs, targets, initial weights, biases, learning rate
x_004 = np.array([0.05, 0.10])
t_004 = np.array([0.01, 0.99])
w_004 = {"w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30,
         "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55}
b_004 = (0.35, 0.60)
eta_004 = 0.5


# %% [markdown] nbgrader={"grade_id": "network_text", "grade": false, "solution": false, "locked": true, "schema_version": 3}
# ## The network of document 004
#
# Inputs $x_1 = 0.05,\ x_2 = 0.10$; targets $T_1 = 0.01,\ T_2 = 0.99$; learning rate $\eta = 0.5$.
# The hidden units are called $h_1, h_2$ and the outputs $o_1, o_2$. Each unit first forms a weighted sum
# of what comes in — the document writes it $H1$, $H2$ for the hidden units and $y1$, $y2$ for the
# outputs — and then squashes it with the sigmoid, giving $H1_{final}$, $H2_{final}$, $y1_{final}$,
# $y2_{final}$. There is one bias per layer, $b_1$ shared by both hidden units and $b_2$ by both
# outputs, and 004 never changes them. The locked cell below draws the network with its initial
# weights; `x_004`, `t_004`, `w_004`, `b_004` and `eta_004` (defined in the setup cell) hold these numbers.
#
# 004 rounds its intermediate results to nine or ten digits and keeps computing with the rounded values,
# so its later digits can differ from yours in the last place or two (it even prints some products to 16
# digits that only carry nine). That is rounding, not a mistake; the real discrepancies are pointed out
# where you meet them.

# %% nbgrader={"grade_id": "network_picture", "grade": false, "solution": false, "locked": true, "schema_version": 3}
def draw_network_004(w, b, x=None, t=None):
    """Draw 004's 2-2-2 network with every weight labelled by its name and value."""
    at = {"x1": (0.0, 2.0), "x2": (0.0, 0.0), "h1": (3.0, 2.0), "h2": (3.0, 0.0),
          "o1": (6.0, 2.0), "o2": (6.0, 0.0), "b1": (1.6, -1.3), "b2": (4.6, -1.3)}
    wiring = [("x1", "h1", "w1"), ("x2", "h1", "w2"), ("x1", "h2", "w3"), ("x2", "h2", "w4"),
              ("h1", "o1", "w5"), ("h2", "o1", "w6"), ("h1", "o2", "w7"), ("h2", "o2", "w8")]
    fig, ax = plt.subplots(figsize=(9, 5))
    for start, end, name in wiring:
        (x0, y0), (x1, y1) = at[start], at[end]
        ax.plot([x0, x1], [y0, y1], color="0.5", zorder=1)
        where = 0.5 if y0 == y1 else 0.27              # crossing edges: label near the start
        ax.text(x0 + where * (x1 - x0), y0 + where * (y1 - y0), f"{name} = {w[name]:g}",
                ha="center", va="center", fontsize=9,
                bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="0.75"), zorder=3)
    for bias, targets, value in (("b1", ("h1", "h2"), b[0]), ("b2", ("o1", "o2"), b[1])):
        for end in targets:
            ax.plot(*zip(at[bias], at[end]), ls=":", color="0.6", zorder=1)
        ax.text(*at[bias], f"{bias} = {value:g}", ha="center", va="center", fontsize=9,
                bbox=dict(boxstyle="round", fc="lightyellow", ec="0.5"), zorder=3)
    colours = {"x": "lightblue", "h": "lightgreen", "o": "salmon"}
    for node in ("x1", "x2", "h1", "h2", "o1", "o2"):
        ax.add_patch(plt.Circle(at[node], 0.35, fc=colours[node[0]], ec="k", zorder=2))
        ax.text(*at[node], node, ha="center", va="center", fontsize=11, zorder=4)
    if x is not None:
        for node, value in zip(("x1", "x2"), x):
            ax.text(at[node][0] - 0.5, at[node][1], f"{node} = {value:g}", ha="right", va="center")
    if t is not None:
        for node, name, value in zip(("o1", "o2"), ("T1", "T2"), t):
            ax.text(at[node][0] + 0.5, at[node][1], f"target {name} = {value:g}", ha="left", va="center")
    ax.text(3.0, -2.0, "each unit: net input (H1, H2, y1, y2) -> sigmoid -> output "
            "(H1_final, H2_final, y1_final, y2_final);  one bias per layer", ha="center", fontsize=9)
    ax.set_xlim(-2.0, 8.6)
    ax.set_ylim(-2.3, 2.7)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Document 004's network with its initial weights")
    plt.show()


draw_network_004(w_004, b_004, x_004, t_004)


# %% [markdown]
# ## 1. One neuron (document 002)
#
# Document 002 starts with a single unit. Two inputs $i_1 = 0.1$, $i_2 = 0.2$ arrive with weights
# $0.27$ and $0.57$, the bias is $b_1 = 0.4$, and the unit outputs the sigmoid of the weighted sum:
#
# $$\text{net}_{h1} = i_1 w_1 + i_2 w_2 + b_1 = 0.1\cdot 0.27 + 0.2\cdot 0.57 + 0.4 = 0.541,
# \qquad \text{out}_{h1} = f(0.541) = \frac{1}{1 + e^{-0.541}} = 0.632 .$$
#
# Two things to read carefully in 002:
#
# * Its sigmoid is printed as `f(x) = 1 / 1 + exp(-x)`. Read literally, that is $1 + e^{-x}$, which is
#   never below 1 — the parentheses around the denominator were lost. The sigmoid is
#   $f(x) = 1/(1 + e^{-x})$, as 002 itself then uses for $f(0.541)$. The free cell after the test shows
#   what the misprinted formula would give.
# * Its sentence calls the weight of $i_2$ "w3", its formula calls it $w_2$. In 004's naming, which
#   this notebook uses, the weight from the second input into the first hidden unit is $w_2$.
#
# **Exercise.** `neuron_output(inputs, weights, bias)` returns $f\left(\sum_k w_k x_k + b\right)$ for
# arrays `inputs` and `weights` of the same length. The setup cell gives you `sigmoid(z)`.

# %% nbgrader={"grade_id": "neuron_output_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def neuron_output(inputs, weights, bias):
    """Output of one sigmoid unit: f(w·x + b) with f(z) = 1 / (1 + e^(-z))."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_neuron_output", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("neuron_output", neuron_output)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("neuron_output", neuron_output)
### END HIDDEN TESTS

# %%
print("002's formula as printed, 1 / 1 + exp(-0.541) =", round(1 / 1 + np.exp(-0.541), 6), "(not a sigmoid value)")
out = neuron_output(np.array([0.1, 0.2]), np.array([0.27, 0.57]), 0.4)
versus("002: out_h1", out, "0.632", ".6f")


# %% [markdown]
# ## 2. The forward pass (document 004)
#
# 004 computes, unit by unit,
#
# $$
# \begin{aligned}
# H1 &= x_1 w_1 + x_2 w_2 + b_1, & H1_{final} &= \frac{1}{1 + e^{-H1}},\\
# H2 &= x_1 w_3 + x_2 w_4 + b_1, & H2_{final} &= \frac{1}{1 + e^{-H2}},\\
# y1 &= H1_{final}\, w_5 + H2_{final}\, w_6 + b_2, & y1_{final} &= \frac{1}{1 + e^{-y1}},\\
# y2 &= H1_{final}\, w_7 + H2_{final}\, w_8 + b_2, & y2_{final} &= \frac{1}{1 + e^{-y2}}.
# \end{aligned}
# $$
#
# 004 writes the sigmoid as $1 / (1 + 1/e^{H1})$ — the same function, since $1/e^{H1} = e^{-H1}$.
# Its numbers: $H1 = 0.3775$, $H1_{final} = 0.593269992$, $H2 = 0.3925$, $H2_{final} = 0.596884378$,
# $y1 = 1.10590597$, $y1_{final} = 0.75136507$, $y2 = 1.2249214$, $y2_{final} = 0.772928465$.
#
# Two slips to step around:
#
# * 004 states the output sums as "$y1 = H1 \times w_5 + H2 \times w_6 + b_2$" but substitutes
#   $0.593269992$ and $0.596884378$: the output units receive the hidden **outputs**
#   $H1_{final}, H2_{final}$, not the net inputs $H1, H2$.
# * Later, at its equation (32), 004 writes the hidden net input as $H1_{final} w_5 + H2_{final} w_6 + b_2$
#   and differentiates "$x_1 w_1 + x_2 w_3 + b_1$". Both are mix-ups: the hidden net input is
#   $H1 = x_1 w_1 + x_2 w_2 + b_1$, as in the forward pass above.
#
# **Exercise.** `forward_2_2_2(x, w, b)` takes `x` = $[x_1, x_2]$, the dict `w` with keys `"w1"` …
# `"w8"` and `b` = $(b_1, b_2)$, and returns a dict with the eight numbers `H1, H2, H1_final, H2_final,
# y1, y2, y1_final, y2_final`.

# %% nbgrader={"grade_id": "forward_2_2_2_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def forward_2_2_2(x, w, b):
    """Forward pass of 004's network: net input and sigmoid output of h1, h2, o1, o2 (a dict)."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_forward_2_2_2", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("forward_2_2_2", forward_2_2_2)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("forward_2_2_2", forward_2_2_2)
### END HIDDEN TESTS

# %%
f = forward_2_2_2(x_004, w_004, b_004)
for key, printed in [("H1", "0.3775"), ("H1_final", "0.593269992"), ("H2", "0.3925"),
                     ("H2_final", "0.596884378"), ("y1", "1.10590597"), ("y1_final", "0.75136507"),
                     ("y2", "1.2249214"), ("y2_final", "0.772928465")]:
    versus(key, f[key], "004: " + printed)


# %% [markdown]
# ## 3. The total error (004 and 002)
#
# Both documents measure the miss with half the squared difference, summed over the outputs:
#
# $$E_{total} = \sum \tfrac12(\text{target} - \text{output})^2
# = \tfrac12(T_1 - y1_{final})^2 + \tfrac12(T_2 - y2_{final})^2 .$$
#
# * **004:** $\tfrac12(0.01 - 0.75136507)^2 + \tfrac12(0.99 - 0.772928465)^2 = 0.274811084 + 0.0235600257$,
#   printed as $E_{total} = 0.29837111$ in the display and $0.298371109$ in the closing paragraph
#   (the same number, rounded differently).
# * **002:** outputs $0.735$ and $0.455$ against targets $0.5$ and $0.5$:
#   $\tfrac12(0.5 - 0.735)^2$ is printed $0.0276$ and $\tfrac12(0.045)^2$ is printed $0.001$, total $0.0286$.
#   The two terms are rounded; the total is right to the four digits shown (your cell below prints the
#   unrounded terms). 002 calls this the "Mean Squared Error", but nothing is averaged: it is the
#   sum of half squares, exactly 004's $E_{total}$.
#
# **Exercise.** `total_error(targets, outputs)` for two equally long sequences.

# %% nbgrader={"grade_id": "total_error_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def total_error(targets, outputs):
    """E_total: the sum over outputs of (1/2)(target - output)^2."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_total_error", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("total_error", total_error)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("total_error", total_error)
### END HIDDEN TESTS

# %%
f = forward_2_2_2(x_004, w_004, b_004)
versus("004: 1/2 (T1 - y1_final)^2", total_error([t_004[0]], [f["y1_final"]]), "0.274811084")
versus("004: 1/2 (T2 - y2_final)^2", total_error([t_004[1]], [f["y2_final"]]), "0.0235600257")
versus("004: E_total", total_error(t_004, [f["y1_final"], f["y2_final"]]), "0.298371109")
versus("002: 1/2 (0.5 - 0.735)^2", total_error([0.5], [0.735]), "0.0276 (rounded)", ".7f")
versus("002: 1/2 (0.045)^2", total_error([0.5], [0.455]), "0.001 (rounded)", ".7f")
versus("002: total error", total_error([0.5, 0.5], [0.735, 0.455]), "0.0286", ".7f")


# %% [markdown]
# ## 4. The backward pass starts at the error (004, equation 4)
#
# $E_{total}$ does not contain $w_5$ directly, so 004 reaches it through a chain of three factors:
#
# $$\frac{\partial E_{total}}{\partial w_5} = \frac{\partial E_{total}}{\partial y1_{final}}\cdot
# \frac{\partial y1_{final}}{\partial y1}\cdot\frac{\partial y1}{\partial w_5}.$$
#
# The first factor: of the two half-squares only the first, $\tfrac12(T_1 - y1_{final})^2$, contains
# $y1_{final}$; the second is a constant for it.
#
# **Your turn.** Differentiate $\tfrac12(T_1 - y1_{final})^2$ by $y1_{final}$ with the chain rule:
# what comes down from the square, what does the ½ do to it, and how does the bracket
# $(T_1 - y1_{final})$ move when $y1_{final}$ grows? 004's equation (4) gets $0.74136507$ for this
# factor with $T_1 = 0.01$ and $y1_{final} = 0.75136507$: your expression should give the same.
#
# **Exercise.** `dE_dout(target, out)` returns $\partial E/\partial\,\text{out}$ for one output's error
# $E = \tfrac12(\text{target} - \text{out})^2$ (it should work for numbers and for arrays alike).

# %% nbgrader={"grade_id": "dE_dout_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dE_dout(target, out):
    """∂E/∂out of one output's error E = ½(target − out)², for numbers and arrays alike."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dE_dout", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dE_dout", dE_dout)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dE_dout", dE_dout)
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Through the sigmoid (004, equations 5–8)
#
# The second factor is the slope of the sigmoid. 004 differentiates $y1_{final} = 1/(1 + e^{-y1})$,
#
# $$\frac{\partial y1_{final}}{\partial y1} = \frac{e^{-y1}}{(1 + e^{-y1})^2} = e^{-y1}\,(y1_{final})^2 ,$$
#
# and then removes the exponential. **Your turn.** Solve $y1_{final} = 1/(1 + e^{-y1})$ for
# $e^{-y1}$, put that into the slope and simplify: what is left depends on $y1_{final}$ alone. 004's
# equation (8) gets $0.186815602$ at the first forward pass. (Notebook 03 met this slope too.)
#
# The slope needs only the unit's **output**, never its net input — the same holds at every sigmoid
# unit. 004 uses it again for $o_2$ (equation 25: $0.175510053$) and for $h_1$
# ($\partial H1_{final}/\partial H1 = 0.2413007085923199$).
#
# **Exercise.** `dout_dnet(out)` returns $\partial\,\text{out}/\partial\,\text{net}$ written with `out`,
# which is already a sigmoid output.

# %% nbgrader={"grade_id": "dout_dnet_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def dout_dnet(out):
    """Slope ∂out/∂net of a sigmoid unit, written with its output out = σ(net), not with net."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_dout_dnet", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("dout_dnet", dout_dnet)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("dout_dnet", dout_dnet)
### END HIDDEN TESTS

# %%
f = forward_2_2_2(x_004, w_004, b_004)
versus("dE/dy1_final   (eq. 4)", dE_dout(t_004[0], f["y1_final"]), "004: 0.74136507")
versus("dy1_final/dy1  (eq. 8)", dout_dnet(f["y1_final"]), "004: 0.186815602")
versus("dy2_final/dy2  (eq. 25)", dout_dnet(f["y2_final"]), "004: 0.175510053")
versus("dH1_final/dH1", dout_dnet(f["H1_final"]), "004: 0.2413007085923199", ".10f")


# %% [markdown]
# ## 6. The output-layer weights (004, equations 9–11)
#
# The third factor comes from $y1 = H1_{final}\,w_5 + H2_{final}\,w_6 + b_2$, which is linear in $w_5$.
# **Your turn.** What is $\partial y1/\partial w_5$?
#
# **Erratum.** 004's equation (10) prints $0.596884378$ for this factor — the output of the other
# hidden unit, $H2_{final}$, which $w_5$ does not leave. 004 then multiplies with the right value in
# its equation (11):
#
# $$\frac{\partial E_{total}}{\partial w_5} = 0.74136507 \times 0.186815602 \times 0.593269992 = 0.0821670407 .$$
#
# The first two factors together are often called the *delta* of the output unit,
# $\delta_{o1} = \frac{\partial E_{total}}{\partial y1_{final}}\frac{\partial y1_{final}}{\partial y1}$
# (004 computes the same product as $\partial E_1/\partial y_1 = 0.138498562$ in its equation 20), and
# $\delta_{o2}$ is the same product for $o_2$. **Your turn.** Write each of the four output weights'
# derivatives as a delta times one more factor: which delta belongs to $w_6$, $w_7$ and $w_8$, and
# what flows along each of them? Read it off the formulas of $y1$ and $y2$ in section 2.
#
# **Exercise.** `output_layer_gradients(x, t, w, b)` runs the forward pass and returns the dict
# `{"w5": …, "w6": …, "w7": …, "w8": …}` of $\partial E_{total}/\partial w_5 \dots \partial E_{total}/\partial w_8$.
# Use your `forward_2_2_2`, `dE_dout` and `dout_dnet`.

# %% nbgrader={"grade_id": "output_layer_gradients_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def output_layer_gradients(x, t, w, b):
    """∂E_total/∂w5 … ∂E_total/∂w8 of 004's network at inputs x, targets t, weights w, biases b: a dict."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_output_layer_gradients", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("output_layer_gradients", output_layer_gradients)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("output_layer_gradients", output_layer_gradients)
### END HIDDEN TESTS

# %%
g_out = output_layer_gradients(x_004, t_004, w_004, b_004)
versus("dE_total/dw5  (eq. 11)", g_out["w5"], "004: 0.0821670407", ".10f")
for name in ("w6", "w7", "w8"):
    print(f"dE_total/d{name:<11} yours {g_out[name]:.10f}   (004 does not print it)")


# %% [markdown]
# ## 7. The hidden-layer weights (004, equations 13–35)
#
# Now $w_1$. Again a chain of three factors, this time through the hidden unit:
#
# $$\frac{\partial E_{total}}{\partial w_1} = \frac{\partial E_{total}}{\partial H1_{final}}\cdot
# \frac{\partial H1_{final}}{\partial H1}\cdot\frac{\partial H1}{\partial w_1}.$$
#
# The new feature is the first factor: $H1_{final}$ feeds **both** outputs, so its influence on the
# error arrives along two paths, and 004 adds them (equations 15–17):
#
# $$\frac{\partial E_{total}}{\partial H1_{final}} = \frac{\partial E_1}{\partial H1_{final}} + \frac{\partial E_2}{\partial H1_{final}}
# = \frac{\partial E_1}{\partial y1}\cdot\frac{\partial y1}{\partial H1_{final}}
# + \frac{\partial E_2}{\partial y2}\cdot\frac{\partial y2}{\partial H1_{final}}.$$
#
# **Your turn.** Name the four factors: two are the output deltas of section 6; the other two come
# from the formulas of $y1$ and $y2$ — which weights carry $H1_{final}$ into them?
#
# 004's numbers, to check your answer against: $\delta_{o1} = 0.138498562$ (eq. 20) and
# $\delta_{o2} = -0.0380982366126414$ (eq. 26, where it is mislabelled $\partial E_1/\partial y_1$; it
# belongs to $E_2$ and $y_2$), so
# $\partial E_1/\partial H1_{final} = 0.138498562 \times 0.40 = 0.0553994248$ (eq. 27) and
# $\partial E_2/\partial H1_{final} = -0.0380982366126414 \times 0.50 = -0.0190491183063207$ (eq. 28).
#
# **Erratum.** Equation (29) prints their sum as $0.0364908241736793$. The sum is
# $0.0553994248 - 0.0190491183 = 0.036350306$. The slip does not spread: 004's next result,
# $\partial E_{total}/\partial w_1 = 0.000438568$ (eq. 34), is what the correct $0.036350306$ gives.
#
# The other two factors: $\partial H1_{final}/\partial H1$ is the hidden sigmoid's slope (section 5's
# question again, now at $H1_{final}$), and $\partial H1/\partial w_1$ comes from
# $H1 = x_1 w_1 + x_2 w_2 + b_1$ (004's equation 33 gets $0.05$ for it). **Your turn.** Multiply the
# three factors for $w_1$; then do $w_2$, which leaves the same unit, and $w_3$, $w_4$, which lead into
# $h_2$: its error arrives through the two weights that leave $h_2$.
#
# **Which $w_5 \dots w_8$?** 004 multiplies by $0.40$ and $0.50$ in equations (27)–(28): the weights
# *before* the update, the ones that produced this forward pass. That is the rule: every derivative of a
# step is taken at the same point, the current weights, and only then are all weights changed.
#
# **Exercise.** `hidden_layer_gradients(x, t, w, b)` returns `{"w1": …, "w2": …, "w3": …, "w4": …}`,
# using the weights in `w` as they are.

# %% nbgrader={"grade_id": "hidden_layer_gradients_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def hidden_layer_gradients(x, t, w, b):
    """∂E_total/∂w1 … ∂E_total/∂w4 of 004's network at x, t, w, b, through w5 … w8 as they are in w:
    a dict keyed "w1" … "w4"."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_hidden_layer_gradients", "grade": true, "solution": false, "locked": true, "points": 2, "schema_version": 3}
check("hidden_layer_gradients", hidden_layer_gradients)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("hidden_layer_gradients", hidden_layer_gradients)
### END HIDDEN TESTS

# %%
f = forward_2_2_2(x_004, w_004, b_004)
d_o1 = dE_dout(t_004[0], f["y1_final"]) * dout_dnet(f["y1_final"])
d_o2 = dE_dout(t_004[1], f["y2_final"]) * dout_dnet(f["y2_final"])
versus("dE1/dy1        (eq. 20)", d_o1, "004: 0.138498562")
versus("dE2/dy2        (eq. 26)", d_o2, "004: -0.0380982366126414", ".10f")
versus("dE/dH1_final   (eq. 29)", d_o1 * w_004["w5"] + d_o2 * w_004["w7"], "004: 0.0364908241736793 (misprint)")
g_hid = hidden_layer_gradients(x_004, t_004, w_004, b_004)
versus("dE_total/dw1   (eq. 34)", g_hid["w1"], "004: 0.000438568")


# %% [markdown]
# ## 8. The update (004, equations 12 and 35)
#
# With every derivative in hand, each weight takes one step downhill, scaled by the learning rate
# $\eta = 0.5$:
#
# $$w_{new} = w - \eta\,\frac{\partial E_{total}}{\partial w},\qquad\text{e.g.}\quad
# w5_{new} = 0.4 - 0.5 \times 0.0821670407 = 0.35891648 .$$
#
# 004 lists $w5_{new}\dots w8_{new} = 0.35891648,\ 408666186,\ 0.511301270,\ 0.561370121$ and
# $w1_{new}\dots w4_{new} = 0.149780716,\ 0.19956143,\ 0.24975114,\ 0.29950229$.
# **Erratum:** "408666186" has lost its "0." — $w6_{new} = 0.408666186$.
#
# **Exercise.** `apply_updates(w, grads, lr)` returns a **new** dict: each weight named in `grads`
# becomes $w - \eta\,\partial E/\partial w$, computed from its old value; weights without a gradient are
# copied unchanged. Do not modify `w`.

# %% nbgrader={"grade_id": "apply_updates_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def apply_updates(w, grads, lr):
    """A new weight dict: w - lr * dE/dw for every weight that has a gradient, the rest copied."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_apply_updates", "grade": true, "solution": false, "locked": true, "points": 1, "schema_version": 3}
check("apply_updates", apply_updates)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("apply_updates", apply_updates)
### END HIDDEN TESTS

# %%
grads = {**output_layer_gradients(x_004, t_004, w_004, b_004),
         **hidden_layer_gradients(x_004, t_004, w_004, b_004)}
w_new = apply_updates(w_004, grads, eta_004)
printed = {"w1": "0.149780716", "w2": "0.19956143", "w3": "0.24975114", "w4": "0.29950229",
           "w5": "0.35891648", "w6": "408666186 (sic: 0.408666186)", "w7": "0.511301270",
           "w8": "0.561370121"}
for name in sorted(w_new):
    versus(name + "_new", w_new[name], "004: " + printed[name])
f1 = forward_2_2_2(x_004, w_new, b_004)
versus("E_total after one step", total_error(t_004, [f1["y1_final"], f1["y2_final"]]), "004: 0.291027924 (see section 9)")


# %% [markdown]
# ## 9. Repeat: training the network (004's last paragraph)
#
# One training step is: forward pass, all eight derivatives **at the current weights**, one update of
# all eight weights (biases stay as they are, as in 004). 004 closes by reporting that the error, $0.298371109$
# at the start, is $0.291027924$ after the first round, $0.0000351085$ after 10,000 rounds, and that the
# outputs are then "$0.159121960$" and $0.984065734$.
#
# Those published numbers do **not** all follow 004's own rule:
#
# * Your previous cell computed the error after one step by the rule as written: **0.291027774**, not
#   $0.291027924$. The published value is what you get if the hidden gradients are computed with $w_5 \dots w_8$
#   *after* their update — exactly what equations (27)–(28), which use the old $0.40$ and $0.50$, rule out.
#   (004's own $w1_{new}\dots w4_{new}$ above do follow the rule.)
# * After 10,000 steps the rule as written gives $E = 3.5101878\times10^{-5}$ with outputs
#   $0.015913620$ and $0.984064274$. The published outputs, $0.015912196$ (printed "0.159121960", a
#   digit slip) and $0.984065734$, are again those of the updated-weights variant.
# * The published error $0.0000351085$ matches neither run after 10,000 steps; it equals, to the
#   digits shown, the rule-as-written error after 9,999 steps — the last entry of `errors` below,
#   measured just before the final update.
#
# This notebook teaches the rule as written. The locked cell after the exercise recomputes the
# document's variant, so that both runs can be compared with numbers, not words.
#
# **Exercise.** `train_2_2_2(x, t, w, b, lr, steps)` returns `(w, errors)`: the weights after `steps`
# steps, and an array of length `steps` where `errors[k]` is $E_{total}$ **before** step $k$ (so
# `errors[0]` is the error of the initial weights). Do not modify the `w` you are given.

# %% nbgrader={"grade_id": "train_2_2_2_solution", "grade": false, "solution": true, "locked": false, "schema_version": 3}
def train_2_2_2(x, t, w, b, lr, steps):
    """Gradient descent on 004's network: forward, all eight gradients at the current weights,
    one simultaneous update; errors[k] = E_total before step k."""
    ### BEGIN SOLUTION
    ### END SOLUTION


# %% nbgrader={"grade_id": "test_train_2_2_2", "grade": true, "solution": false, "locked": true, "points": 3, "schema_version": 3}
check("train_2_2_2", train_2_2_2)
### BEGIN HIDDEN TESTS
from grader.notebook import full_check
full_check("train_2_2_2", train_2_2_2)
### END HIDDEN TESTS

# %% nbgrader={"grade_id": "document_variant", "grade": false, "solution": false, "locked": true, "schema_version": 3}
def document_variant_run(x, t, w, b, lr, steps):
    """004's published numbers, reproduced: like train_2_2_2, except that the hidden-layer
    gradients are computed with w5…w8 AFTER their update. 004's own rule forbids this; it is here
    only so that you can compare. Returns (E before each step, E after the last step, outputs)."""
    V = np.array([[w["w1"], w["w3"]], [w["w2"], w["w4"]]], dtype=float)   # V[i, j]: input i -> hidden j
    U = np.array([[w["w5"], w["w7"]], [w["w6"], w["w8"]]], dtype=float)   # U[j, k]: hidden j -> output k
    xs, ts = np.asarray(x, dtype=float), np.asarray(t, dtype=float)

    def outputs(V, U):
        hid = sigmoid(xs @ V + b[0])
        return hid, sigmoid(hid @ U + b[1])

    E = np.empty(steps)
    for step in range(steps):
        hid, out = outputs(V, U)
        E[step] = 0.5 * np.sum((ts - out) ** 2)
        d_out = (out - ts) * out * (1 - out)
        U = U - lr * np.outer(hid, d_out)
        d_hid = (U @ d_out) * hid * (1 - hid)          # <- the updated U: the document's slip
        V = V - lr * np.outer(xs, d_hid)
    hid, out = outputs(V, U)
    return E, 0.5 * np.sum((ts - out) ** 2), out


variant_E, variant_E_final, variant_out = document_variant_run(x_004, t_004, w_004, b_004, eta_004, 10_000)
print(f"document's variant: E after 1 step       {variant_E[1]:.9f}   (004 prints 0.291027924)")
print(f"document's variant: E after 10,000 steps {variant_E_final:.7e}")
print(f"document's variant: outputs              {variant_out[0]:.9f}, {variant_out[1]:.9f}"
      f"   (004 prints 0.159121960 [sic] and 0.984065734)")

# %%
w_trained, errors = train_2_2_2(x_004, t_004, w_004, b_004, eta_004, 10_000)
f_end = forward_2_2_2(x_004, w_trained, b_004)
E_end = total_error(t_004, [f_end["y1_final"], f_end["y2_final"]])
versus("E before step 0", errors[0], "004: 0.298371109")
versus("E after 1 step", errors[1], "004: 0.291027924 (variant; yours is the rule)")
versus("E after 10,000 steps", E_end, "004: 0.0000351085", ".7e")
versus("E after 9,999 = errors[-1]", errors[-1], "004: 0.0000351085", ".7e")
versus("y1_final after 10,000", f_end["y1_final"], "004: 0.159121960 (sic; variant 0.015912196)")
versus("y2_final after 10,000", f_end["y2_final"], "004: 0.984065734 (variant)")
print(f"variant from the locked cell: E after 1 step {variant_E[1]:.9f}, after 10,000 {variant_E_final:.7e}")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4))
steps = np.arange(len(errors))
ax1.semilogy(steps, errors, lw=2.5, label="rule as written (your train_2_2_2)")
ax1.semilogy(steps, variant_E, "--", lw=1.5, label="document's variant (hidden gradients with updated w5..w8)")
ax1.set_xlabel("step k")
ax1.set_ylabel("E_total before step k")
ax1.set_title("004's network, learning rate 0.5")
ax1.legend()
ax2.plot(steps, (variant_E - errors) / errors)
ax2.set_xlabel("step k")
ax2.set_ylabel("(E_variant - E_rule) / E_rule")
ax2.set_title("How far the document's variant drifts from the rule")
plt.tight_layout()
plt.show()

# %% [markdown]
# The two curves lie on top of each other at this scale: the variant is not a different algorithm so
# much as a slightly different step, which is why the mix-up is easy to miss by looking at a curve and
# easy to catch by comparing a printed number. The right panel shows the gap itself.
#
# Try it: change `eta_004` in a copy of the cell above (say 0.1 or 2.0) and see how the number of
# steps needed changes.
#
# ## Summary
#
# Run the cell below for a table of every exercise of this notebook on its public cases.

# %%
check_all(globals())
