"""Catalogue of 03_classification and 04_worked_example: references pass, rewrites pass, mistakes are named."""
import math

import numpy as np
import pytest

import solutions as S
import solutions.classification
from exercises import checks
from grader import catalogue, samples
from grader.seeds import PUBLIC_SEED
from grader.check import GRADING_SEED, check

a04 = checks("04_worked_example")

CLASSIFICATION = catalogue.ASSIGNMENTS["03_classification"]
WORKED = catalogue.ASSIGNMENTS["04_worked_example"]
NAMES = CLASSIFICATION + WORKED
VARIANTS = [(name, code) for name in NAMES for code in catalogue.EXERCISES[name].variants]


def sigma(z):
    return 1 / (1 + math.exp(-z))


def verdict(name, function, seed=GRADING_SEED):
    result = check(name, function, seed)
    return result.diagnosis, result.score


# --- the catalogue itself ------------------------------------------------------------------------------

def test_points_follow_the_kind_of_exercise():
    points = {name: catalogue.EXERCISES[name].info.points for name in NAMES}
    threes = {"train_classification", "train_single_hidden", "train_2_2_2"}
    twos = {"forward_classification", "gradients_classification", "forward_single_hidden", "gradients_single_hidden",
            "forward_2_2_2", "output_layer_gradients", "hidden_layer_gradients"}
    assert {n for n in NAMES if points[n] == 3} == threes and {n for n in NAMES if points[n] == 2} == twos
    assert all(points[n] == 1 for n in set(NAMES) - threes - twos)
    assert sum(points[n] for n in CLASSIFICATION) == 28 and sum(points[n] for n in WORKED) == 14


@pytest.mark.parametrize("name", NAMES)
def test_info_has_formula_source_and_uses_from_its_own_assignment(name):
    info = catalogue.EXERCISES[name].info
    assert info.formula and info.source[:3] in ("000", "001", "002", "004")
    own = CLASSIFICATION if info.assignment == "03_classification" else WORKED
    assert set(info.uses) <= set(own) - {name}


@pytest.mark.parametrize("name, code", VARIANTS)
def test_every_variant_code_has_its_own_hint(name, code):
    assert catalogue.EXERCISES[name].info.hints[code]


def test_training_and_sigmoid_cases_are_the_asked_ones():
    sigmoid_labels = [label for label, _ in catalogue.EXERCISES["sigmoid"].worked]
    assert {"z = 1000", "z = −1000", "z = 30", "z = −30", "z = 0"} <= set(sigmoid_labels)
    for name in ("train_classification", "train_single_hidden", "train_2_2_2"):
        assert catalogue.EXERCISES[name].n_random == 3
    X, Y, _, _, epochs, _ = catalogue.EXERCISES["train_classification"].cases(GRADING_SEED)[0].inputs
    assert 4 <= len(X) <= 8 and set(np.unique(Y)) <= {0.0, 1.0} and 1 <= epochs <= 3


# --- references and known mistakes --------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_reference_earns_full_marks(name):
    assert verdict(name, getattr(S, name)) == ("ok", catalogue.EXERCISES[name].info.points)


@pytest.mark.parametrize("seed", [PUBLIC_SEED, GRADING_SEED])
@pytest.mark.parametrize("name, code", VARIANTS)
def test_each_known_mistake_gets_its_own_diagnosis(name, code, seed):
    assert verdict(name, catalogue.EXERCISES[name].variants[code], seed) == (code.partition("/")[0], 0.0)


def test_document_004_error_after_one_round_comes_from_the_updated_weights_variant():
    variant = catalogue.EXERCISES["train_2_2_2"].variants["used_updated_weights"]
    _, errors = variant(a04.X_004, a04.T_004, dict(a04.W_004), a04.B_004, 0.5, 2)
    assert f"{errors[0]:.9f}" == "0.298371109" and f"{errors[1]:.9f}" == "0.291027924"
    _, errors = S.train_2_2_2(a04.X_004, a04.T_004, dict(a04.W_004), a04.B_004, 0.5, 2)
    assert f"{errors[1]:.9f}" == "0.291027774"


# --- hand-written learner functions: 03 ---------------------------------------------------------------

def forward_clf(x, params, w1=lambda W1, i, j: W1[i][j], output=sigma):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    O11 = sigma(w1(W1, 0, 0) * x[0] + w1(W1, 1, 0) * x[1] + b1[0])
    O12 = sigma(w1(W1, 0, 1) * x[0] + w1(W1, 1, 1) * x[1] + b1[1])
    return [O11, O12, output(W2[0] * O11 + W2[1] * O12 + b2)]


def gradients_clf(x, y, params, slope=lambda O: O * (1 - O)):
    O11, O12, y_hat = forward_clf(x, params)
    d = y_hat - y
    h1, h2 = d * params["W2"][0] * slope(O11), d * params["W2"][1] * slope(O12)
    return {"b2": np.array(d), "W2": [d * O11, d * O12], "b1": [h1, h2],
            "W1": [[h1 * x[0], h2 * x[0]], [h1 * x[1], h2 * x[1]]]}


def train_clf(X, Y, params, lr, epochs, seed, output_layer_first=False):
    rng = np.random.default_rng(seed)
    p = {k: np.array(v, dtype=float) for k, v in params.items()}
    losses = []
    for _ in range(epochs):
        step_losses = []
        for _ in range(len(X)):
            i = rng.integers(len(X))
            y_hat = forward_clf(X[i], p)[2]
            step_losses.append(-Y[i] * math.log(y_hat) - (1 - Y[i]) * math.log(1 - y_hat))
            g = gradients_clf(X[i], Y[i], p)
            if output_layer_first:
                p["W2"], p["b2"] = p["W2"] - lr * np.array(g["W2"]), p["b2"] - lr * g["b2"]
                g = gradients_clf(X[i], Y[i], p)
            for k in ("W1", "b1") if output_layer_first else p:
                p[k] = p[k] - lr * np.array(g[k])
        losses.append(sum(step_losses) / len(step_losses))
    return [p, losses]


def single_hidden(x, y, p, slope=lambda h: h * (1 - h)):
    h = sigma(p["w"][0] * x[0] + p["w"][1] * x[1] + p["b1"])
    y_hat = sigma(p["v"] * h + p["b2"])
    dz1 = (y_hat - y) * p["v"] * slope(h)
    return {"v": (y_hat - y) * h, "b2": y_hat - y, "b1": dz1, "w": [dz1 * x[0], dz1 * x[1]]}


def forward_one_hidden(x, p, output=sigma):
    h = sigma(p["w"][0] * x[0] + p["w"][1] * x[1] + p["b1"])
    return h, output(p["v"] * h + p["b2"])


def train_one_hidden(X, Y, params, lr, epochs, seed, order=lambda rng, n: range(n), sign=1.0,
                     slope=lambda h: h * (1 - h)):
    """Document 001's loop written another way: 0-d arrays, math.log, a list of losses."""
    rng = np.random.default_rng(seed)
    p = {k: np.array(v, dtype=float) for k, v in params.items()}
    losses = []
    for _ in range(epochs):
        step_losses = []
        for i in order(rng, len(X)):
            y_hat = forward_one_hidden(X[i], p)[1]
            step_losses.append(-Y[i] * math.log(y_hat) - (1 - Y[i]) * math.log(1 - y_hat))
            g = single_hidden(X[i], Y[i], p, slope=slope)
            for k in p:
                p[k] = p[k] - sign * lr * np.array(g[k])
        losses.append(sum(step_losses) / len(step_losses))
    return [p, losses]


def sigma_slope_of(value):
    return np.exp(-value) / (1 + np.exp(-value)) ** 2


EQUIVALENT_03 = [
    ("sigmoid", lambda z: 1 / (1 + np.exp(-z)), "naive numpy"),
    ("sigmoid", lambda z: 0.5 * (1 + np.tanh(np.asarray(z) / 2)), "tanh form"),
    ("sigmoid_derivative", lambda a: a - a ** 2, "expanded"),
    ("bce_loss", lambda y, y_hat: -(y * math.log(y_hat) + (1 - y) * math.log(1 - y_hat)), "math module"),
    ("dL_dyhat_bce", lambda y, y_hat: -y / y_hat + (1 - y) / (1 - y_hat), "unsimplified"),
    ("dL_dz_output", lambda y, y_hat: np.array(y_hat - y), "0-d array"),
    ("dL_dz_output", lambda y, y_hat: (-y / y_hat + (1 - y) / (1 - y_hat)) * y_hat * (1 - y_hat), "product"),
    ("dL_dW2_11_clf", lambda y, y_hat, O11: (y_hat - y) * O11, "reordered"),
    ("dL_dW2_21_clf", lambda y, y_hat, O12: np.float32(1) * (y_hat - y) * O12, "numpy scalar"),
    ("dL_db21_clf", lambda y, y_hat: float(y_hat) - float(y), "floats"),
    ("dL_dW1_11_clf", lambda y, y_hat, W2_11, O11, x1: (y_hat - y) * W2_11 * (O11 - O11 ** 2) * x1, "expanded"),
    ("dL_dW1_21_clf", lambda y, y_hat, W2_11, O11, x2: np.array((y_hat - y) * W2_11 * O11 * (1 - O11) * x2),
     "0-d array"),
    ("dL_db11_clf", lambda y, y_hat, W2_11, O11: W2_11 * O11 * (1 - O11) * (y_hat - y), "reordered"),
    ("dL_dW1_12_clf", lambda y, y_hat, W2_21, O12, x1: -(y - y_hat) * W2_21 * O12 * (1 - O12) * x1, "as printed"),
    ("dL_dW1_22_clf", lambda y, y_hat, W2_21, O12, x2: x2 * O12 * (1 - O12) * W2_21 * (y_hat - y), "reordered"),
    ("dL_db12_clf", lambda y, y_hat, W2_21, O12: (y_hat - y) * W2_21 * O12 * (1 - O12), "reordered"),
    ("forward_classification", forward_clf, "list and math module"),
    ("forward_classification", lambda x, p: np.array(forward_clf(x, p)), "array"),
    ("gradients_classification", gradients_clf, "lists, 0-d array, keys in another order"),
    ("train_classification", train_clf, "own loop, list of losses"),
    ("gradients_single_hidden", single_hidden, "math module, list for w"),
    ("forward_single_hidden", forward_one_hidden, "math module"),
    ("forward_single_hidden", lambda x, p: np.array(forward_one_hidden(x, p)), "array"),
    ("train_single_hidden", train_one_hidden, "own loop, 0-d arrays, list of losses"),
]

WRONG_03 = [
    ("sigmoid", lambda z: 1 / (1 + np.exp(z)), "wrong_value", "exponent without the minus"),
    ("sigmoid", lambda z: 1 / 1 + np.exp(-z), "non_finite", "002's printed formula"),
    ("sigmoid", lambda z: 1 / (1 + math.exp(-z)), "error", "math.exp overflows at z = −1000"),
    ("sigmoid_derivative", sigma_slope_of, "activation_derivative_on_preactivation", "σ′ of a, not of z"),
    ("sigmoid_derivative", lambda a: -a * (1 - a), "sign_flipped", "minus"),
    ("bce_loss", lambda y, y_hat: -y * np.log10(y_hat) - (1 - y) * np.log10(1 - y_hat), "constant_factor",
     "log10"),
    ("bce_loss", lambda y, y_hat: y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat), "sign_flipped",
     "no leading minus"),
    ("bce_loss", lambda y, y_hat: -(1 - y) * math.log(y_hat) - y * math.log(1 - y_hat), "wrong_input",
     "labels on the wrong logs"),
    ("dL_dyhat_bce", lambda y, y_hat: (y - y_hat) / (y_hat * (1 - y_hat)), "sign_flipped", "y − ŷ"),
    ("dL_dyhat_bce", lambda y, y_hat: -y / y_hat - (1 - y) / (1 - y_hat), "wrong_value", "second sign"),
    ("dL_dz_output", lambda y, y_hat: y - y_hat, "sign_flipped", "y − ŷ"),
    ("dL_dz_output", lambda y, y_hat: -y / y_hat + (1 - y) / (1 - y_hat), "missing_activation_derivative",
     "∂L/∂ŷ alone"),
    ("dL_dW2_11_clf", lambda y, y_hat, O11: -2 * (y - y_hat) * O11, "constant_factor", "regression's 2"),
    ("dL_dW2_21_clf", lambda y, y_hat, O12: (y - y_hat) * O12, "sign_flipped", "y − ŷ"),
    ("dL_db21_clf", lambda y, y_hat: (y_hat - y) / (y_hat * (1 - y_hat)), "missing_activation_derivative",
     "no σ′ of the output"),
    ("dL_dW1_11_clf", lambda y, y_hat, W2_11, O11, x1: (y_hat - y) * W2_11 * x1, "missing_activation_derivative",
     "regression's path"),
    ("dL_dW1_21_clf", lambda y, y_hat, W2_11, O11, x2: (y - y_hat) * W2_11 * O11 * (1 - O11) * x2,
     "sign_flipped", "y − ŷ"),
    ("dL_db11_clf", lambda y, y_hat, W2_11, O11: (y_hat - y) * W2_11 * y_hat * (1 - y_hat), "wrong_input",
     "output's σ′"),
    ("dL_dW1_12_clf", lambda y, y_hat, W2_21, O12, x1: 2 * (y_hat - y) * W2_21 * O12 * (1 - O12) * x1,
     "constant_factor", "factor 2"),
    ("dL_dW1_22_clf", lambda y, y_hat, W2_21, O12, x2: (y_hat - y) * W2_21 * sigma_slope_of(O12) * x2,
     "activation_derivative_on_preactivation", "σ′ of O12"),
    ("dL_db12_clf", lambda y, y_hat, W2_21, O12: (y_hat - y) * W2_21, "missing_activation_derivative",
     "no O12(1 − O12)"),
    ("forward_classification", lambda x, p: forward_clf(x, p, w1=lambda W1, i, j: W1[j][i]), "wrong_input",
     "W1 read as W1[j-1, i-1]"),
    ("forward_classification", lambda x, p: forward_clf(x, p, output=lambda z: z), "wrong_value",
     "no sigmoid on the output"),
    ("gradients_classification", lambda x, y, p: gradients_clf(x, y, p, slope=lambda O: 1.0),
     "missing_activation_derivative", "no hidden σ′"),
    ("gradients_classification", lambda x, y, p: {**gradients_clf(x, y, p), "W1": np.array(
        gradients_clf(x, y, p)["W1"]).T}, "wrong_input", "W1 transposed"),
    ("train_classification", lambda *a: train_clf(*a, output_layer_first=True), "used_updated_weights",
     "output layer updated first"),
    ("gradients_single_hidden", lambda x, y, p: single_hidden(x, y, p, slope=lambda h: 1.0),
     "missing_activation_derivative", "no h(1 − h)"),
    ("gradients_single_hidden", lambda x, y, p: single_hidden(x, y, p, slope=sigma_slope_of),
     "activation_derivative_on_preactivation", "σ′ of h"),
    ("forward_single_hidden", lambda x, p: forward_one_hidden(x, p, output=lambda z: z), "wrong_activation",
     "no σ on the output"),
    ("forward_single_hidden", lambda x, p: forward_one_hidden(x, p)[::-1], "wrong_value", "(ŷ, h)"),
    ("train_single_hidden", lambda *a: train_one_hidden(*a, order=lambda rng, n: rng.permutation(n)),
     "wrong_row_order", "shuffled every epoch"),
    ("train_single_hidden", lambda *a: train_one_hidden(*a, sign=-1.0), "sign_flipped", "uphill"),
    ("train_single_hidden", lambda *a: train_one_hidden(*a, slope=lambda h: 1.0), "missing_activation_derivative",
     "no h(1 − h)"),
]

# The diagnoses of the sample mistakes in exercises/03_classification/mistakes.py, in the file's order.
SAMPLE_DIAGNOSES_001 = {"forward_single_hidden": ["wrong_activation"],
                        "train_single_hidden": ["wrong_row_order", "missing_activation_derivative", "sign_flipped",
                                                "used_updated_weights"]}


def test_sample_mistakes_on_document_001s_network_are_named():
    """Each sample mistake, typed into a notebook whose other functions are right, gets its own code."""
    got = {}
    for attempt in samples.attempts("03_classification"):
        if attempt.function in SAMPLE_DIAGNOSES_001 and not attempt.learners:
            namespace = dict(vars(solutions.classification))
            exec(compile(attempt.code, attempt.function, "exec"), namespace)
            got.setdefault(attempt.function, []).append(verdict(attempt.function, namespace[attempt.function]))
    assert got == {name: [(code, 0.0) for code in codes] for name, codes in SAMPLE_DIAGNOSES_001.items()}


# --- hand-written learner functions: 04 ---------------------------------------------------------------

def forward_222(x, w, b, w_x2_to_h1="w2"):
    H1 = x[0] * w["w1"] + x[1] * w[w_x2_to_h1] + b[0]
    H2 = x[0] * w["w3"] + x[1] * w["w4"] + b[0]
    h1, h2 = sigma(H1), sigma(H2)
    y1, y2 = h1 * w["w5"] + h2 * w["w6"] + b[1], h1 * w["w7"] + h2 * w["w8"] + b[1]
    return {"y2_final": sigma(y2), "y1_final": sigma(y1), "y2": y2, "y1": y1,
            "H2_final": h2, "H1_final": h1, "H2": np.float64(H2), "H1": H1}


def output_deltas(x, t, w, b):
    f = forward_222(x, w, b)
    o1, o2 = f["y1_final"], f["y2_final"]
    return (o1 - t[0]) * o1 * (1 - o1), (o2 - t[1]) * o2 * (1 - o2), f


def output_gradients(x, t, w, b, dy1_dw5="H1_final"):
    d1, d2, f = output_deltas(x, t, w, b)
    return {"w8": d2 * f["H2_final"], "w7": d2 * f["H1_final"], "w6": d1 * f["H2_final"], "w5": d1 * f[dy1_dw5]}


def hidden_gradients(x, t, w, b, through_o2=1.0, slope=lambda h: h * (1 - h)):
    d1, d2, f = output_deltas(x, t, w, b)
    g1 = (d1 * w["w5"] + through_o2 * d2 * w["w7"]) * slope(f["H1_final"])
    g2 = (d1 * w["w6"] + through_o2 * d2 * w["w8"]) * slope(f["H2_final"])
    return {"w4": g2 * x[1], "w3": g2 * x[0], "w2": g1 * x[1], "w1": g1 * x[0]}


def rule_round(x, t, w, b, lr):
    grads = {**output_gradients(x, t, w, b), **hidden_gradients(x, t, w, b)}
    return {k: v - lr * grads[k] for k, v in w.items()}


def document_round(x, t, w, b, lr):
    """004's round: w5…w8 updated, then the hidden sums taken through the new w5…w8."""
    d1, d2, f = output_deltas(x, t, w, b)
    new = {**w, **{k: w[k] - lr * g for k, g in output_gradients(x, t, w, b).items()}}
    g1 = (d1 * new["w5"] + d2 * new["w7"]) * f["H1_final"] * (1 - f["H1_final"])
    g2 = (d1 * new["w6"] + d2 * new["w8"]) * f["H2_final"] * (1 - f["H2_final"])
    return {**new, "w1": w["w1"] - lr * g1 * x[0], "w2": w["w2"] - lr * g1 * x[1],
            "w3": w["w3"] - lr * g2 * x[0], "w4": w["w4"] - lr * g2 * x[1]}


def error_of(x, t, w, b):
    f = forward_222(x, w, b)
    return 0.5 * (t[0] - f["y1_final"]) ** 2 + 0.5 * (t[1] - f["y2_final"]) ** 2


def train_222(x, t, w, b, lr, steps, step=rule_round, error_after=False):
    errors = []
    for _ in range(steps):
        before = error_of(x, t, w, b)
        w = step(x, t, w, b, lr)
        errors.append(error_of(x, t, w, b) if error_after else before)
    return w, errors


def apply_in_place(w, grads, lr, sign=-1):
    new = dict(w)
    for k, g in grads.items():
        new[k] += sign * lr * g
    return new


EQUIVALENT_04 = [
    ("neuron_output", lambda inputs, weights, bias: sigma(sum(i * w for i, w in zip(inputs, weights)) + bias),
     "math module"),
    ("neuron_output", lambda inputs, weights, bias: S.sigmoid(np.asarray(inputs) @ np.asarray(weights) + bias),
     "matrix product"),
    ("forward_2_2_2", forward_222, "keys in another order"),
    ("total_error", lambda t, o: sum(0.5 * (ti - oi) ** 2 for ti, oi in zip(t, o)), "loop"),
    ("dE_dout", lambda target, out: out - target, "out − t"),
    ("dout_dnet", lambda out: out - out ** 2, "expanded"),
    ("output_layer_gradients", output_gradients, "own forward pass"),
    ("hidden_layer_gradients", hidden_gradients, "own forward pass"),
    ("apply_updates", apply_in_place, "copy, then update in place"),
    ("train_2_2_2", train_222, "own loop, list of errors"),
]

WRONG_04 = [
    ("neuron_output", lambda inputs, weights, bias: sigma(sum(i * w for i, w in zip(inputs, weights))),
     "wrong_value", "bias forgotten"),
    ("forward_2_2_2", lambda x, w, b: forward_222(x, w, b, w_x2_to_h1="w3"), "wrong_input", "004's x2·w3"),
    ("total_error", lambda t, o: float(np.sum((np.asarray(t) - o) ** 2)), "constant_factor", "no ½"),
    ("total_error", lambda t, o: float(np.mean(0.5 * (np.asarray(t) - o) ** 2)), "constant_factor", "mean"),
    ("dE_dout", lambda target, out: target - out, "sign_flipped", "t − out"),
    ("dout_dnet", sigma_slope_of, "activation_derivative_on_preactivation", "σ′ of out"),
    ("output_layer_gradients", lambda x, t, w, b: output_gradients(x, t, w, b, dy1_dw5="H2_final"),
     "wrong_input", "004 eq. (10)"),
    ("output_layer_gradients", lambda x, t, w, b: {k: -g for k, g in output_gradients(x, t, w, b).items()},
     "sign_flipped", "t − out"),
    ("hidden_layer_gradients", lambda x, t, w, b: hidden_gradients(x, t, w, b, through_o2=0.0), "wrong_input",
     "only the path through o1"),
    ("hidden_layer_gradients", lambda x, t, w, b: hidden_gradients(x, t, w, b, slope=lambda h: 1.0),
     "missing_activation_derivative", "no H_final(1 − H_final)"),
    ("apply_updates", lambda w, grads, lr: apply_in_place(w, grads, lr, sign=1), "sign_flipped", "w + η·g"),
    ("apply_updates", lambda w, grads, lr: {k: w[k] - lr * g for k, g in grads.items()}, "wrong_type_or_shape",
     "only the updated weights"),
    ("train_2_2_2", lambda *a: train_222(*a, step=document_round), "used_updated_weights", "004's round"),
    ("train_2_2_2", lambda *a: train_222(*a, error_after=True), "wrong_value", "error after the step"),
]


@pytest.mark.parametrize("name, function", [pytest.param(n, f, id=f"{n}: {why}")
                                            for n, f, why in EQUIVALENT_03 + EQUIVALENT_04])
def test_equivalent_rewrite_earns_full_marks(name, function):
    assert verdict(name, function) == ("ok", catalogue.EXERCISES[name].info.points)


@pytest.mark.parametrize("name, function, code", [pytest.param(n, f, c, id=f"{n}: {why}")
                                                  for n, f, c, why in WRONG_03 + WRONG_04])
def test_plausible_mistake_is_named(name, function, code):
    assert verdict(name, function) == (code, 0.0)


def test_every_exercise_has_a_hand_written_rewrite_and_mistake():
    assert {n for n, *_ in EQUIVALENT_03 + EQUIVALENT_04} == set(NAMES)
    assert {n for n, *_ in WRONG_03 + WRONG_04} == set(NAMES)


def test_constant_factor_messages_name_the_factor():
    log10 = WRONG_03[5][1]
    assert "0.4343 times" in check("bce_loss", log10).message
    assert "2 times" in check("total_error", WRONG_04[2][1]).message
    assert "1/2 times" in check("total_error", WRONG_04[3][1]).message
