"""04_worked_example: the 2-2-2 sigmoid network that document 004 works through by hand.

Document 004 (javatpoint), with 002 for a single neuron and the total error. Weights: w1: x1→h1,
w2: x2→h1, w3: x1→h2, w4: x2→h2, w5: h1→o1, w6: h2→o1, w7: h1→o2, w8: h2→o2; one bias per layer,
b = (b1, b2), not trained. E_total = Σ ½(target − output)².
"""
import numpy as np

from .classification import sigmoid


def neuron_output(inputs, weights, bias):
    """σ(Σ w·x + b).  002: σ(0.1·0.27 + 0.2·0.57 + 0.4) = σ(0.541) = 0.632."""
    return sigmoid(np.dot(inputs, weights) + bias)


def forward_2_2_2(x, w, b):
    """Net inputs and sigmoid outputs of both layers.

    H1 = x1·w1 + x2·w2 + b1 (004 once writes x2·w3; w2 is right), H2 = x1·w3 + x2·w4 + b1,
    y1 = H1_final·w5 + H2_final·w6 + b2,  y2 = H1_final·w7 + H2_final·w8 + b2.
    """
    x1, x2 = x
    b1, b2 = b
    H1 = x1 * w["w1"] + x2 * w["w2"] + b1
    H2 = x1 * w["w3"] + x2 * w["w4"] + b1
    H1_final, H2_final = sigmoid(H1), sigmoid(H2)
    y1 = H1_final * w["w5"] + H2_final * w["w6"] + b2
    y2 = H1_final * w["w7"] + H2_final * w["w8"] + b2
    values = dict(H1=H1, H2=H2, H1_final=H1_final, H2_final=H2_final,
                  y1=y1, y2=y2, y1_final=sigmoid(y1), y2_final=sigmoid(y2))
    return {name: float(value) for name, value in values.items()}


def total_error(targets, outputs):
    """E_total = Σ ½(t − o)².  004: 0.298371109;  002: 0.0276 + 0.001 = 0.0286 (rounded)."""
    t, o = np.asarray(targets, dtype=float), np.asarray(outputs, dtype=float)
    return float(np.sum(0.5 * (t - o) ** 2))


def dE_dout(target, out):
    """∂E/∂out = ∂(½(t − o)²)/∂o = −(t − o).  004 eq. (4): 0.74136507."""
    return -(target - out)


def dout_dnet(out):
    """∂out/∂net = out(1 − out) for out = σ(net).  004 eq. (8): 0.186815602."""
    return out * (1 - out)


def output_deltas(x, t, w, b):
    """δo1, δo2 = ∂E/∂y1, ∂E/∂y2 = −(t − out)·out(1 − out), and the forward values (for the
    checks' known mistakes)."""
    f = forward_2_2_2(x, w, b)
    delta_o1 = dE_dout(t[0], f["y1_final"]) * dout_dnet(f["y1_final"])
    delta_o2 = dE_dout(t[1], f["y2_final"]) * dout_dnet(f["y2_final"])
    return delta_o1, delta_o2, f


def output_layer_gradients(x, t, w, b):
    """∂E/∂w5 = ∂E/∂y1_final · ∂y1_final/∂y1 · ∂y1/∂w5 = δo1·H1_final, and likewise:
    w6: δo1·H2_final, w7: δo2·H1_final, w8: δo2·H2_final.

    004 eq. (10) prints ∂y1/∂w5 = 0.596884378 (that is H2_final); it is H1_final = 0.593269992,
    which eq. (11) then uses: 0.0821670407.
    """
    f = forward_2_2_2(x, w, b)
    delta_o1 = dE_dout(t[0], f["y1_final"]) * dout_dnet(f["y1_final"])  # ∂E/∂y1 = δo1
    delta_o2 = dE_dout(t[1], f["y2_final"]) * dout_dnet(f["y2_final"])
    return {"w5": delta_o1 * f["H1_final"], "w6": delta_o1 * f["H2_final"],
            "w7": delta_o2 * f["H1_final"], "w8": delta_o2 * f["H2_final"]}


def hidden_layer_gradients(x, t, w, b):
    """∂E/∂w1 = (∂E1/∂H1_final + ∂E2/∂H1_final) · H1_final(1 − H1_final) · x1, where
    ∂E/∂H1_final = δo1·w5 + δo2·w7 (both output paths) and ∂E/∂H2_final = δo1·w6 + δo2·w8;
    w2 takes x2, and w3, w4 do the same through h2. The old w5…w8 are used.

    004 eq. (29) prints ∂E/∂H1_final = 0.0364908…; δo1·w5 + δo2·w7 = 0.036350306.
    """
    x1, x2 = x
    f = forward_2_2_2(x, w, b)
    delta_o1 = dE_dout(t[0], f["y1_final"]) * dout_dnet(f["y1_final"])
    delta_o2 = dE_dout(t[1], f["y2_final"]) * dout_dnet(f["y2_final"])
    delta_h1 = (delta_o1 * w["w5"] + delta_o2 * w["w7"]) * dout_dnet(f["H1_final"])
    delta_h2 = (delta_o1 * w["w6"] + delta_o2 * w["w8"]) * dout_dnet(f["H2_final"])
    return {"w1": delta_h1 * x1, "w2": delta_h1 * x2, "w3": delta_h2 * x1, "w4": delta_h2 * x2}


def apply_updates(w, grads, lr):
    """w_new = w − η·∂E/∂w for every weight in grads, each from its old value; a new dict."""
    return {name: value - lr * grads[name] if name in grads else value for name, value in w.items()}


def train_2_2_2(x, t, w, b, lr, steps):
    """Repeat forward, both backward passes and one simultaneous update; biases stay fixed.

    errors[k] is E_total before step k. 004 with lr 0.5: 0.298371109 before the first step and
    0.291027774 after it by this rule (004 prints 0.291027924, which needs the already-updated
    w5…w8 in the hidden gradients).
    """
    errors = []
    for _ in range(steps):
        f = forward_2_2_2(x, w, b)
        errors.append(total_error(t, [f["y1_final"], f["y2_final"]]))
        grads = {**output_layer_gradients(x, t, w, b), **hidden_layer_gradients(x, t, w, b)}
        w = apply_updates(w, grads, lr)
    return dict(w), np.array(errors)
