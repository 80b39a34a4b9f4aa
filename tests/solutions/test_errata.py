"""Each erratum of the documents: what the document printed, and what the rule gives."""
import numpy as np
import pytest

import solutions as S
from reference_forward import (B_004, LR_004, T_004, W_004, X_004, assert_prints_as,
                               forward_2_2_2_ref, forward_regression_ref, printed_tolerance)


def forward_004():
    return S.forward_2_2_2(X_004, dict(W_004), B_004)


def error_004(w):
    f = S.forward_2_2_2(X_004, w, B_004)
    return S.total_error(T_004, [f["y1_final"], f["y2_final"]])


def assert_not_printed_as(what, got, printed):
    assert abs(float(got) - float(printed)) > printed_tolerance(printed), (
        f"{what}: got {float(got)!r}, which the document's wrong {printed} should not match")


def step_with_updated_output_weights(x, t, w, b, lr):
    """The document's slip: the hidden gradients back-propagate through the already-updated
    w5...w8 (forward values are still those of the old weights)."""
    f = forward_2_2_2_ref(x, w, b)
    h1, h2, o1, o2 = f["H1_final"], f["H2_final"], f["y1_final"], f["y2_final"]
    d1 = -(t[0] - o1) * o1 * (1 - o1)
    d2 = -(t[1] - o2) * o2 * (1 - o2)
    new = {"w5": w["w5"] - lr * d1 * h1, "w6": w["w6"] - lr * d1 * h2,
           "w7": w["w7"] - lr * d2 * h1, "w8": w["w8"] - lr * d2 * h2}
    dh1 = (d1 * new["w5"] + d2 * new["w7"]) * h1 * (1 - h1)
    dh2 = (d1 * new["w6"] + d2 * new["w8"]) * h2 * (1 - h2)
    new.update(w1=w["w1"] - lr * dh1 * x[0], w2=w["w2"] - lr * dh1 * x[1],
               w3=w["w3"] - lr * dh2 * x[0], w4=w["w4"] - lr * dh2 * x[1])
    return new


@pytest.fixture(scope="module")
def trained_004():
    return S.train_2_2_2(X_004, T_004, dict(W_004), B_004, LR_004, 10_000)


@pytest.fixture(scope="module")
def variant_after_10000():
    w = dict(W_004)
    for _ in range(10_000):
        w = step_with_updated_output_weights(X_004, T_004, w, B_004, LR_004)
    return w


# 004: the backward pass -------------------------------------------------------------------------

def test_004_dy1_dw5_is_H1_final_0_593269992_not_H2_final_0_596884378():
    f = forward_004()
    o1 = f["y1_final"]
    g = S.output_layer_gradients(X_004, T_004, dict(W_004), B_004)
    dy1_dw5 = g["w5"] / (S.dE_dout(T_004[0], o1) * S.dout_dnet(o1))
    assert_prints_as("dE/dw5 / (dE/do1 * do1/dnet1)", dy1_dw5, "0.593269992")
    assert_not_printed_as("dE/dw5 / (dE/do1 * do1/dnet1)", dy1_dw5, "0.596884378")
    assert dy1_dw5 == pytest.approx(f["H1_final"], rel=1e-12)


def test_004_dE_dw5_printed_0_0821670407_is_the_product_of_rounded_factors_exact_0_0821670406():
    g = S.output_layer_gradients(X_004, T_004, dict(W_004), B_004)
    assert_prints_as("doc's product 0.74136507*0.186815602*0.593269992",
                     0.74136507 * 0.186815602 * 0.593269992, "0.0821670407")
    assert_prints_as("output_layer_gradients['w5']", g["w5"], "0.0821670406")
    assert_not_printed_as("output_layer_gradients['w5']", g["w5"], "0.0821670407")


def test_004_w6_printed_408666186_is_0_408666186():
    w = dict(W_004)
    new_w = S.apply_updates(w, S.output_layer_gradients(X_004, T_004, w, B_004), LR_004)
    assert_prints_as("new w6", new_w["w6"], "0.408666186")
    assert_not_printed_as("new w6", new_w["w6"], "408666186")


def test_004_dE_dH1_final_is_0_036350306_not_0_0364908241736793():
    f = forward_004()
    g = S.hidden_layer_gradients(X_004, T_004, dict(W_004), B_004)
    dE_dH1_final = g["w1"] / (S.dout_dnet(f["H1_final"]) * X_004[0])
    assert_prints_as("dE/dH1_final from hidden_layer_gradients['w1']", dE_dH1_final,
                     "0.036350306")
    assert_not_printed_as("dE/dH1_final", dE_dH1_final, "0.0364908241736793")
    # the document's own two parts add up to the right value
    assert_prints_as("0.0553994248 + (-0.0190491183063207)",
                     0.0553994248 + (-0.0190491183063207), "0.036350306")


def test_004_printed_w1_new_0_149780716_follows_from_0_036350306_not_from_0_0364908():
    h1_slope = S.dout_dnet(forward_004()["H1_final"])
    assert_prints_as("w1 from 0.036350306", 0.15 - LR_004 * 0.036350306 * h1_slope * 0.05,
                     "0.149780716")
    assert_not_printed_as("w1 from 0.0364908241736793",
                          0.15 - LR_004 * 0.0364908241736793 * h1_slope * 0.05, "0.149780716")


def test_004_hidden_net_input_is_x1_w1_plus_x2_w2_plus_b1():
    base = forward_004()["H1"]
    for name, slope in (("w1", X_004[0]), ("w2", X_004[1]), ("w3", 0.0), ("w5", 0.0)):
        w = dict(W_004)
        w[name] += 0.1
        shift = S.forward_2_2_2(X_004, w, B_004)["H1"] - base
        assert shift == pytest.approx(0.1 * slope, rel=0, abs=1e-12), (
            f"changing {name} by 0.1 moved H1 by {shift}, want {0.1 * slope}")


@pytest.mark.parametrize("what,printed,doc_arithmetic,exact", [
    ("1/2 (t1 - y1_final)^2", "0.274811084", 0.5 * (0.01 - 0.75136507) ** 2,
     lambda f: S.total_error([0.01], [f["y1_final"]])),
    ("1/2 (t2 - y2_final)^2", "0.0235600257", 0.5 * (0.99 - 0.772928465) ** 2,
     lambda f: S.total_error([0.99], [f["y2_final"]])),
    ("dE2/dy2", "-0.0380982366126414", -(0.99 - 0.772928465) * 0.175510053,
     lambda f: S.dE_dout(0.99, f["y2_final"]) * S.dout_dnet(f["y2_final"])),
    ("dE1/dH1_final", "0.0553994248", 0.138498562 * 0.40,
     lambda f: S.dE_dout(0.01, f["y1_final"]) * S.dout_dnet(f["y1_final"]) * 0.40),
    ("dE2/dH1_final", "-0.0190491183063207", -0.0380982366126414 * 0.50,
     lambda f: S.dE_dout(0.99, f["y2_final"]) * S.dout_dnet(f["y2_final"]) * 0.50),
    ("dH1_final/dH1", "0.2413007085923199", 0.593269992 * (1 - 0.593269992),
     lambda f: S.dout_dnet(f["H1_final"])),
])
def test_004_intermediate_printed_from_rounded_numbers_differs_from_exact_in_last_digits(
        what, printed, doc_arithmetic, exact):
    value = exact(forward_004())
    assert_prints_as(f"{what}, the document's arithmetic", doc_arithmetic, printed)
    assert_not_printed_as(f"{what}, exact", value, printed)
    assert value == pytest.approx(float(printed), rel=0, abs=1e-9), (
        f"{what}: exact {value!r} should differ from printed {printed} only past 9 decimals")


# 004: the first round and 10,000 rounds ---------------------------------------------------------

def test_004_error_after_first_round_0_291027924_needs_already_updated_output_weights(
        trained_004):
    _, errors = trained_004
    wrong = error_004(step_with_updated_output_weights(X_004, T_004, dict(W_004), B_004, LR_004))
    assert_prints_as("error after one step with updated w5..w8 in the hidden gradients", wrong,
                     "0.291027924")
    assert_prints_as("train_2_2_2 errors[1] (the rule as written)", errors[1], "0.291027774")
    assert_not_printed_as("train_2_2_2 errors[1]", errors[1], "0.291027924")


def test_004_outputs_after_10000_rounds_0_015912196_and_0_984065734_come_from_the_variant(
        variant_after_10000, trained_004):
    v = forward_2_2_2_ref(X_004, variant_after_10000, B_004)
    assert_prints_as("variant y1_final after 10,000", v["y1_final"], "0.015912196")
    assert_prints_as("variant y2_final after 10,000", v["y2_final"], "0.984065734")
    assert_prints_as("variant error after 10,000", error_004(variant_after_10000),
                     "3.5084786e-05")
    f = S.forward_2_2_2(X_004, trained_004[0], B_004)
    assert_prints_as("train_2_2_2 y1_final after 10,000", f["y1_final"], "0.015913620")
    assert_prints_as("train_2_2_2 y2_final after 10,000", f["y2_final"], "0.984064274")
    assert_not_printed_as("train_2_2_2 y1_final after 10,000", f["y1_final"], "0.015912196")
    assert_not_printed_as("train_2_2_2 y2_final after 10,000", f["y2_final"], "0.984065734")


def test_004_first_output_printed_0_159121960_is_0_015912196_with_its_zero_misplaced(
        variant_after_10000):
    y1 = forward_2_2_2_ref(X_004, variant_after_10000, B_004)["y1_final"]
    assert_prints_as("variant y1_final", y1, "0.015912196")
    assert_not_printed_as("variant y1_final", y1, "0.159121960")
    assert float("0.159121960") == pytest.approx(10 * float("0.015912196"), rel=1e-15)


def test_004_printed_error_0_0000351085_is_the_rule_error_before_the_10000th_step(
        trained_004, variant_after_10000):
    w, errors = trained_004
    assert_prints_as("train_2_2_2 errors[9999]", errors[9999], "0.0000351085")
    assert_not_printed_as("train_2_2_2 error after 10,000 steps", error_004(w), "0.0000351085")
    assert_not_printed_as("variant error after 10,000 steps", error_004(variant_after_10000),
                          "0.0000351085")


# 002 --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("output,printed,exact", [(0.735, "0.0276", "0.0276125"),
                                                  (0.455, "0.001", "0.0010125")])
def test_002_half_squared_error_is_printed_rounded(output, printed, exact):
    got = S.total_error(np.array([0.5]), np.array([output]))
    assert_prints_as(f"total_error([0.5], [{output}])", got, exact)
    assert_prints_as(f"total_error([0.5], [{output}])", got, printed)


def test_002_sigmoid_printed_without_parentheses_would_not_give_0_632():
    literal = 1 / 1 + np.exp(-0.541)
    assert_not_printed_as("1 / 1 + exp(-0.541)", literal, "0.632")
    assert_prints_as("neuron_output", S.neuron_output(np.array([0.1, 0.2]),
                                                      np.array([0.27, 0.57]), 0.4), "0.632")


# 000 / 003 --------------------------------------------------------------------------------------

def params_221():
    return {"W1": np.array([[0.7, -0.4], [0.3, 1.1]]), "b1": np.array([0.2, -0.5]),
            "W2": np.array([1.3, -0.8]), "b2": 0.6}


def shifted(params, key, idx, delta):
    p = {k: np.array(v, dtype=float) if np.ndim(v) else float(v) for k, v in params.items()}
    if idx is None:
        p[key] += delta
    else:
        p[key][idx] += delta
    return p


X_221 = np.array([1.5, -0.7])


@pytest.mark.parametrize("key,idx,output,slope", [
    ("b2", None, 2, lambda p: 1.0),
    ("b1", 1, 2, lambda p: p["W2"][1]),
    ("b1", 0, 0, lambda p: 1.0),
    ("b2", None, 0, lambda p: 0.0),
])
def test_000_y_hat_expansion_ends_in_b21_and_O11_depends_on_b11(key, idx, output, slope):
    params = params_221()
    names = ("O11", "O12", "y_hat")
    before = S.forward_regression(X_221, params)[output]
    after = S.forward_regression(X_221, shifted(params, key, idx, 0.25))[output]
    want = 0.25 * slope(params)
    assert after - before == pytest.approx(want, rel=0, abs=1e-12), (
        f"shifting {key}{'' if idx is None else [idx]} by 0.25 moved {names[output]} by "
        f"{after - before}, want {want}")


def test_000_y_hat_is_W2_11_O11_plus_W2_21_O12_plus_b21():
    params = params_221()
    O11, O12, y_hat = S.forward_regression(X_221, params)
    assert (O11, O12, y_hat) == pytest.approx(forward_regression_ref(X_221, params), rel=1e-12)
    assert y_hat == pytest.approx(params["W2"][0] * O11 + params["W2"][1] * O12 + params["b2"],
                                  rel=1e-12)


def test_000_minus_2_residual_times_O11_is_dL_dW2_11_and_times_O12_is_dL_dW2_21():
    params = params_221()
    y = 2.0
    O11, O12, y_hat = S.forward_regression(X_221, params)
    grads = S.gradients_regression(X_221, y, params)
    assert grads["W2"][0] == pytest.approx(-2 * (y - y_hat) * O11, rel=1e-12)
    assert grads["W2"][1] == pytest.approx(-2 * (y - y_hat) * O12, rel=1e-12)
    assert S.dL_dW2_11(y, y_hat, O11) == pytest.approx(-2 * (y - y_hat) * O11, rel=1e-12)
    assert grads["W2"][0] != pytest.approx(grads["W2"][1], rel=1e-3)


def test_003_minus_2_residual_is_dL_db21_while_dyhat_db21_is_1():
    params = params_221()
    y = 2.0
    y_hat = S.forward_regression(X_221, params)[2]
    assert S.dL_db21(y, y_hat) == pytest.approx(-2 * (y - y_hat), rel=1e-12)
    dyhat_db21 = (S.forward_regression(X_221, shifted(params, "b2", None, 1e-5))[2]
                  - S.forward_regression(X_221, shifted(params, "b2", None, -1e-5))[2]) / 2e-5
    assert dyhat_db21 == pytest.approx(1.0, rel=1e-9)


def test_003_loss_is_squared_not_the_plain_residual():
    assert S.mse_loss(7.0, 18.0) == pytest.approx(121.0, rel=0, abs=1e-12), "(7 - 18)^2 = 121"
    assert S.mse_loss(18.0, 7.0) == pytest.approx(121.0, rel=0, abs=1e-12), "never -11 or 11"


def test_000_learning_rate_0_01_converges_slowly_though_the_document_says_it_will_not():
    xs = np.asarray(S.gradient_descent_1d(2.0, 0.01, 2000))
    assert abs(xs[100] + 0.5) > 0.1, f"lr 0.01 is slow: after 100 steps at {xs[100]}"
    assert abs(xs[-1] + 0.5) < 1e-9, f"lr 0.01 converges: after 2000 steps at {xs[-1]}"
    assert S.has_converged(xs[-2], xs[-1], 1e-9)
