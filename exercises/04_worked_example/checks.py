"""Checks for 04_worked_example (documents 004 and 002): the 2-2-2 sigmoid network, E = Σ ½(t − out)²."""
import numpy as np

import solutions as S
from solutions.worked_example import output_deltas

from grader.judge.diagnose import ExerciseInfo
from grader.exercise import Exercise

A = "04_worked_example"
FORWARD = "004, Forward Pass"
OUTPUT_LAYER = "004, Backward pass at the output layer"
HIDDEN_LAYER = "004, Backward pass at Hidden layer"

X_004, T_004, B_004 = np.array([0.05, 0.10]), np.array([0.01, 0.99]), (0.35, 0.60)
W_004 = {"w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30, "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55}
NETWORK_004 = ("004: x = (0.05, 0.10), t = (0.01, 0.99), w1…w8 = 0.15 … 0.55, b = (0.35, 0.60)",
               [X_004, T_004, W_004, B_004])
OUTPUT_STEP_004 = ("004 eq. (12): the output layer's step with η = 0.5",
                   [W_004, S.output_layer_gradients(X_004, T_004, W_004, B_004), 0.5])
TRAINING_004 = ("004: three rounds with η = 0.5", [X_004, T_004, W_004, B_004, 0.5, 3])

PRE_ACTIVATION_HINT = ("dout_dnet receives out = σ(net), not net: write the slope with out itself, without "
                       "applying σ to out again.")
DELTA_SIGN_HINT = ("The sign is flipped: check the output unit's delta δo = ∂E/∂out · ∂out/∂net, the order "
                   "of t and out and the sign differentiating the bracket brings (your dE_dout).")
DELTA = "δo = −(t − out)·out(1 − out)"
TRAINING_RULE = ("each step: forward pass, errors[k] = E_total before the update, all eight gradients from "
                 "the old weights, then w ← w − η·∂E/∂w; biases stay fixed")


def _info(name, points, formula, source, **kw):
    return ExerciseInfo(name, A, points, formula, source, **kw)


def random_weights(rng):
    return {f"w{i}": float(v) for i, v in enumerate(rng.uniform(-1, 1, size=8), start=1)}


def random_network(rng):
    """[x, t, w, b] with x from U(0, 1), t from U(0.01, 0.99), weights from U(−1, 1), b from U(0, 1)."""
    return [rng.uniform(0, 1, size=2), rng.uniform(0.01, 0.99, size=2), random_weights(rng),
            tuple(float(v) for v in rng.uniform(0, 1, size=2))]


def _forward_inputs(rng):
    x, _, w, b = random_network(rng)
    return [x, w, b]


def _neuron_inputs(rng):
    n = int(rng.integers(2, 5))
    return [rng.uniform(0, 1, size=n), rng.uniform(-1, 1, size=n), float(rng.uniform(0, 1))]


def _update_inputs(rng):
    keys = [("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"), ("w5", "w6", "w7", "w8"),
            ("w1", "w2", "w3", "w4")][int(rng.integers(3))]
    return [random_weights(rng), {k: float(rng.normal(0, 0.1)) for k in keys},
            float(rng.choice([0.1, 0.5, 1.0]))]


def _training_inputs(rng):
    return random_network(rng) + [float(rng.choice([0.1, 0.5, 1.0])), int(rng.integers(1, 6))]


def _forward_with_004_typo(x, w, b):
    """H1 = x1·w1 + x2·w3 + b1, as 004 once prints it."""
    return S.forward_2_2_2(x, {**w, "w2": w["w3"]}, b)


def _output_gradients_with_H2_for_w5(x, t, w, b):
    """004 eq. (10): ∂y1/∂w5 taken as H2_final."""
    delta_o1, _, f = output_deltas(x, t, w, b)
    return {**S.output_layer_gradients(x, t, w, b), "w5": delta_o1 * f["H2_final"]}


def _output_gradients_without_sigma_prime(x, t, w, b):
    f = S.forward_2_2_2(x, w, b)
    e1, e2 = S.dE_dout(t[0], f["y1_final"]), S.dE_dout(t[1], f["y2_final"])
    return {"w5": e1 * f["H1_final"], "w6": e1 * f["H2_final"], "w7": e2 * f["H1_final"], "w8": e2 * f["H2_final"]}


def _hidden_gradients(x, f, dE_dH1, dE_dH2, slope=S.dout_dnet):
    """∂E/∂w1…w4 from ∂E/∂H1_final and ∂E/∂H2_final, slope standing for the hidden units' σ′."""
    delta_h1, delta_h2 = dE_dH1 * slope(f["H1_final"]), dE_dH2 * slope(f["H2_final"])
    return {"w1": delta_h1 * x[0], "w2": delta_h1 * x[1], "w3": delta_h2 * x[0], "w4": delta_h2 * x[1]}


def _hidden_gradients_through_o1_only(x, t, w, b):
    delta_o1, _, f = output_deltas(x, t, w, b)
    return _hidden_gradients(x, f, delta_o1 * w["w5"], delta_o1 * w["w6"])


def _hidden_gradients_without_sigma_prime(x, t, w, b):
    delta_o1, delta_o2, f = output_deltas(x, t, w, b)
    return _hidden_gradients(x, f, delta_o1 * w["w5"] + delta_o2 * w["w7"],
                             delta_o1 * w["w6"] + delta_o2 * w["w8"], slope=lambda out: 1.0)


def _step_with_updated_output_weights(x, t, w, b, lr):
    """004's round: w5…w8 updated first, the hidden gradients then taken through the new w5…w8."""
    delta_o1, delta_o2, f = output_deltas(x, t, w, b)
    new = S.apply_updates(w, S.output_layer_gradients(x, t, w, b), lr)
    hidden = _hidden_gradients(x, f, delta_o1 * new["w5"] + delta_o2 * new["w7"],
                               delta_o1 * new["w6"] + delta_o2 * new["w8"])
    return S.apply_updates(new, hidden, lr)


def _train_with_updated_output_weights(x, t, w, b, lr, steps):
    errors = []
    for _ in range(steps):
        f = S.forward_2_2_2(x, w, b)
        errors.append(S.total_error(t, [f["y1_final"], f["y2_final"]]))
        w = _step_with_updated_output_weights(x, t, w, b, lr)
    return w, np.array(errors)


def _train_recording_error_after_step(x, t, w, b, lr, steps):
    trained, _ = S.train_2_2_2(x, t, w, b, lr, steps)
    _, errors = S.train_2_2_2(x, t, w, b, lr, steps + 1)
    return trained, errors[1:]


EXERCISES = [
    Exercise(
        _info("neuron_output", 1, "out = σ(Σ w·x + b)", "002, The forward pass",
              hints={"wrong_value": "A neuron sums w·x over its inputs, adds the bias once, then applies "
                                    "σ(s) = 1 / (1 + e^(−s)) to the sum."}),
        S.neuron_output,
        _neuron_inputs,
        worked=(("002: σ(0.1·0.27 + 0.2·0.57 + 0.4)", [np.array([0.1, 0.2]), np.array([0.27, 0.57]), 0.4]),
                ("004: H1_final", [X_004, np.array([0.15, 0.20]), 0.35])),
    ),
    Exercise(
        _info("forward_2_2_2", 2, "H1 = x1·w1 + x2·w2 + b1, H2 = x1·w3 + x2·w4 + b1, "
              "y1 = H1_final·w5 + H2_final·w6 + b2, y2 = H1_final·w7 + H2_final·w8 + b2, every _final = σ(net)",
              FORWARD,
              hints={"wrong_input": "H1 = x1·w1 + x2·w2 + b1: w2 carries x2 into h1 (004 once prints x2·w3); "
                                    "w3 and w4 feed h2."}),
        S.forward_2_2_2,
        _forward_inputs,
        worked=((NETWORK_004[0], [X_004, W_004, B_004]),),
        variants={"wrong_input": _forward_with_004_typo},
    ),
    Exercise(
        _info("total_error", 1, "E_total = Σ ½(t − out)²", "004, Forward Pass; 002, The error function"),
        S.total_error,
        lambda rng: [rng.uniform(0.01, 0.99, size=2), rng.uniform(0.01, 0.99, size=2)],
        worked=(("002: targets 0.5, 0.5 and outputs 0.735, 0.455", [np.array([0.5, 0.5]), np.array([0.735, 0.455])]),
                ("004: targets 0.01, 0.99 and the first forward pass",
                 [T_004, np.array([0.75136507, 0.772928465])])),
    ),
    Exercise(
        _info("dE_dout", 1, "∂E/∂out for E = ½(target − out)²", OUTPUT_LAYER + " (4)",
              final_formula="∂E/∂out = −(target − out)",
              hints={"sign_flipped": "The sign is flipped: differentiating the bracket (target − out) by out "
                                     "brings a sign of its own."}),
        S.dE_dout,
        lambda rng: [float(rng.uniform(0.01, 0.99)), float(rng.uniform(0.02, 0.98))],
        worked=(("004 eq. (4)", [0.01, 0.75136507]),),
    ),
    Exercise(
        _info("dout_dnet", 1, "∂out/∂net for out = σ(net), written with out", OUTPUT_LAYER + " (8)",
              final_formula="∂out/∂net = out(1 − out)",
              hints={"activation_derivative_on_preactivation": PRE_ACTIVATION_HINT}),
        S.dout_dnet,
        lambda rng: [float(rng.uniform(0.02, 0.98))],
        worked=(("004 eq. (8)", [0.75136507]),),
        variants={"activation_derivative_on_preactivation": lambda out: S.dout_dnet(S.sigmoid(out))},
    ),
    Exercise(
        _info("output_layer_gradients", 2, "∂E_total/∂w5 … ∂E_total/∂w8 of 004's output layer, in a dict",
              OUTPUT_LAYER,
              final_formula="∂E/∂w5 = −(t1 − y1_final)·y1_final(1 − y1_final)·H1_final, "
                            "∂E/∂w6 = δo1·H2_final, ∂E/∂w7 = δo2·H1_final, ∂E/∂w8 = δo2·H2_final, with " + DELTA,
              hints={"sign_flipped": DELTA_SIGN_HINT,
                     "wrong_input": "∂y1/∂w5 comes from the hidden unit that w5 leaves, not from the other one "
                                    "(004 eq. (10) prints the other unit's value); check w6 and w8 likewise.",
                     "missing_activation_derivative": "The chain passes through the output sigmoid: the link "
                                                      "∂out/∂net (your dout_dnet) is missing."},
              uses=("forward_2_2_2", "dE_dout", "dout_dnet")),
        S.output_layer_gradients,
        random_network,
        worked=(NETWORK_004,),
        variants={"wrong_input": _output_gradients_with_H2_for_w5,
                  "missing_activation_derivative": _output_gradients_without_sigma_prime},
    ),
    Exercise(
        _info("hidden_layer_gradients", 2, "∂E_total/∂w1 … ∂E_total/∂w4 of 004's hidden layer, in a dict, "
              "through the weights w5 … w8 as they are", HIDDEN_LAYER,
              final_formula="∂E/∂w1 = (δo1·w5 + δo2·w7)·H1_final(1 − H1_final)·x1, "
                            "∂E/∂w2 = (δo1·w5 + δo2·w7)·H1_final(1 − H1_final)·x2, "
                            "∂E/∂w3 = (δo1·w6 + δo2·w8)·H2_final(1 − H2_final)·x1, "
                            "∂E/∂w4 = (δo1·w6 + δo2·w8)·H2_final(1 − H2_final)·x2, with " + DELTA,
              hints={"sign_flipped": DELTA_SIGN_HINT,
                     "wrong_input": "Each hidden unit feeds both outputs: ∂E/∂H1_final collects one term from "
                                    "E1 and one from E2 (004 eq. (15)), and your result has only the one "
                                    "through o1; likewise for H2_final.",
                     "missing_activation_derivative": "The path into w1…w4 passes through the hidden sigmoid: "
                                                      "the link ∂H1_final/∂H1 (∂H2_final/∂H2 for w3 and w4) "
                                                      "is missing."},
              uses=("forward_2_2_2", "dE_dout", "dout_dnet")),
        S.hidden_layer_gradients,
        random_network,
        worked=(NETWORK_004,),
        variants={"wrong_input": _hidden_gradients_through_o1_only,
                  "missing_activation_derivative": _hidden_gradients_without_sigma_prime},
    ),
    Exercise(
        _info("apply_updates", 1, "w_new = w − η·∂E/∂w for every weight in grads, the others unchanged",
              OUTPUT_LAYER + " (12)",
              hints={"sign_flipped": "The step goes uphill: subtract η·gradient, w_new = w − η·∂E/∂w."}),
        S.apply_updates,
        _update_inputs,
        worked=(OUTPUT_STEP_004,),
        variants={"sign_flipped": lambda w, grads, lr: {k: v + lr * grads.get(k, 0.0) for k, v in w.items()}},
    ),
    Exercise(
        _info("train_2_2_2", 3, TRAINING_RULE, HIDDEN_LAYER + " (the rounds of backpropagation)",
              hints={"used_updated_weights": "The hidden gradients went through the already-updated w5…w8 "
                                             "(that is how 004 reaches 0.291027924): compute all eight "
                                             "gradients from the old weights, then update.",
                     "wrong_value": f"Check the loop against the rule: {TRAINING_RULE}."},
              uses=("forward_2_2_2", "total_error", "output_layer_gradients", "hidden_layer_gradients",
                    "apply_updates")),
        S.train_2_2_2,
        _training_inputs,
        worked=(TRAINING_004,),
        n_random=3,
        variants={"used_updated_weights": _train_with_updated_output_weights,
                  "wrong_value": _train_recording_error_after_step},
    ),
]
