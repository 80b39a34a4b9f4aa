# %% [markdown]
# Sample learner code for 04_worked_example. Each cell is one attempt: its title names the function and
# it holds everything the learner typed into that function's solution cell. An untagged cell is a
# plausible mistake, wrong on the grader's cases (the sample class's "wrong" submissions draw from
# them); a cell tagged with a sample learner of the demo ("struggling", "hostile") is that
# learner's code and need not be wrong by itself.


# %% forward_2_2_2
def forward_2_2_2(x, w, b):
    """Forward pass of 004's network: net input and sigmoid output of h1, h2, o1, o2 (a dict)."""
    H1 = x[0] * w["w1"] + x[1] * w["w3"] + b[0]  # as printed in 004
    H2 = x[0] * w["w3"] + x[1] * w["w4"] + b[0]
    H1_final, H2_final = sigmoid(H1), sigmoid(H2)
    y1 = H1_final * w["w5"] + H2_final * w["w6"] + b[1]
    y2 = H1_final * w["w7"] + H2_final * w["w8"] + b[1]
    return {"H1": H1, "H2": H2, "H1_final": H1_final, "H2_final": H2_final,
            "y1": y1, "y2": y2, "y1_final": sigmoid(y1), "y2_final": sigmoid(y2)}


# %% total_error
def total_error(targets, outputs):
    """E_total: the sum over outputs of (1/2)(target - output)^2."""
    total = 0.0
    for t, o in zip(targets, outputs):
        total += (t - o) ** 2
    return total


# %% dE_dout
def dE_dout(target, out):
    """Derivative of (1/2)(target - out)^2 with respect to out: -(target - out)."""
    return target - out


# %% dout_dnet
def dout_dnet(out):
    """Slope of the sigmoid written with its output: out * (1 - out)."""
    return sigmoid(out) * (1 - sigmoid(out))


# %% hidden_layer_gradients
def hidden_layer_gradients(x, t, w, b):
    """dE_total/dw1 ... dw4."""
    f = forward_2_2_2(x, w, b)
    delta_1 = dE_dout(t[0], f["y1_final"]) * dout_dnet(f["y1_final"])
    # h1 feeds o1 through w5 and h2 feeds o1 through w6
    delta_h1 = delta_1 * w["w5"] * dout_dnet(f["H1_final"])
    delta_h2 = delta_1 * w["w6"] * dout_dnet(f["H2_final"])
    return {"w1": delta_h1 * x[0], "w2": delta_h1 * x[1],
            "w3": delta_h2 * x[0], "w4": delta_h2 * x[1]}


# %% apply_updates
def apply_updates(w, grads, lr):
    """A new weight dict: w - lr * dE/dw for every weight that has a gradient, the rest copied."""
    new = dict(w)
    for name in grads:
        new[name] = w[name] + lr * grads[name]
    return new


# %% output_layer_gradients tags=["struggling"]
def output_layer_gradients(x, t, w, b):
    f = forward_2_2_2(x, w, b)
    d1 = -(t[0] - f["y1_final"]) * f["y1_final"] * (1 - f["y1_final"])
    d2 = -(t[1] - f["y2_final"]) * f["y2_final"] * (1 - f["y2_final"])
    # document 004, eq. (10), as printed
    return {"w5": d1 * f["H2_final"], "w6": d1 * f["H2_final"],
            "w7": d2 * f["H1_final"], "w8": d2 * f["H2_final"]}
