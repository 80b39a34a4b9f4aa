"""The checks of 01_derivatives and 02_regression, as a learner meets them: right, wrong, rewritten."""
import math

import numpy as np
import pytest

import solutions as S
from grader import catalogue
from grader.check import check

NAMES = catalogue.ASSIGNMENTS["01_derivatives"] + catalogue.ASSIGNMENTS["02_regression"]
VARIANTS = [(name, code) for name in NAMES for code in catalogue.EXERCISES[name].variants]


def diagnosis(name, fn):
    return check(name, fn).diagnosis


@pytest.mark.parametrize("name", NAMES)
def test_reference_gets_full_marks(name):
    result = check(name, getattr(S, name))
    assert result.diagnosis == "ok"
    assert result.score == result.max_score == catalogue.EXERCISES[name].info.points > 0


def test_every_01_02_function_is_checked():
    assert len(NAMES) == 7 + 15
    assert len(VARIANTS) >= 8


@pytest.mark.parametrize("name, code", VARIANTS)
def test_each_catalogue_variant_gets_its_own_code(name, code):
    result = check(name, catalogue.EXERCISES[name].variants[code])
    assert result.diagnosis == code.partition("/")[0] and result.score == 0.0
    hint = catalogue.EXERCISES[name].info.hints.get(code)
    if hint:
        assert result.message == hint


# --- 01_derivatives: plausible mistakes ----------------------------------------------------------

def test_numeric_derivative_one_sided_is_wrong_with_the_centred_hint():
    result = check("numeric_derivative", lambda f, x, h=1e-5: (f(x + h) - f(x)) / h)
    assert result.diagnosis == "wrong_value" and "centred" in result.message


def test_numeric_derivative_divided_by_h_not_2h_is_a_factor_2():
    result = check("numeric_derivative", lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h)
    assert result.diagnosis == "constant_factor" and "your result is 2 times" in result.message


def test_gradient_descent_without_the_start_point_has_the_wrong_shape():
    result = check("gradient_descent_1d", lambda x0, lr, steps: S.gradient_descent_1d(x0, lr, steps)[1:])
    assert result.diagnosis == "wrong_type_or_shape" and "got shape (20,)" in result.message


def test_gradient_descent_ascending_is_diagnosed_with_its_hint():
    def ascend(x0, lr, steps):
        xs = [x0]
        for _ in range(steps):
            xs.append(xs[-1] + lr * (2 * xs[-1] + 1))
        return np.array(xs)
    result = check("gradient_descent_1d", ascend)
    assert result.diagnosis == "sign_flipped" and "x_new = x_old − η·f′(x_old)" in result.message


def test_has_converged_returning_the_distance_is_a_wrong_type():
    result = check("has_converged", lambda w_old, w_new, tol: float(np.max(np.abs(np.subtract(w_new, w_old)))))
    assert result.diagnosis == "wrong_type_or_shape" and "True or False" in result.message


def test_has_converged_inverted_is_wrong_value():
    result = check("has_converged", lambda w_old, w_new, tol: bool(np.max(np.abs(np.subtract(w_new, w_old))) >= tol))
    assert result.diagnosis == "wrong_value"


def test_count_params_with_a_bias_per_input_unit_is_wrong_value():
    def wrong(sizes):
        return sum(a * b + a for a, b in zip(sizes, sizes[1:]))
    result = check("count_trainable_params", wrong)
    assert result.diagnosis == "wrong_value" and "one bias per unit" in result.message


def test_d_square_plus_x_returning_the_function_is_wrong_value_without_the_answer():
    result = check("d_square_plus_x", lambda x: x ** 2 + x)
    assert result.diagnosis == "wrong_value" and "one term at a time" in result.message
    assert "2x + 1" not in result.message


def test_chain_rule_dividing_is_wrong_value_with_the_hint():
    result = check("chain_rule", lambda a, b: a / b)
    assert result.diagnosis == "wrong_value" and "multiplies" in result.message


# --- 02_regression: the single derivatives -----------------------------------------------------------

SINGLES = ["dL_dyhat", "dL_dW2_11", "dL_dW2_21", "dL_db21", "dL_dW1_11", "dL_dW1_21", "dL_db11",
           "dL_dW1_12", "dL_dW1_22", "dL_db12"]


def test_dL_dyhat_sign_flipped():
    result = check("dL_dyhat", lambda y, y_hat: 2 * (y - y_hat))
    assert (result.diagnosis, result.score) == ("sign_flipped", 0.0)
    assert "sign" in result.message and "order of y and ŷ" in result.message
    assert "2(ŷ − y)" not in result.message and "−2(y − ŷ)" not in result.message


def test_dL_dyhat_lost_factor_2():
    result = check("dL_dyhat", lambda y, y_hat: -(y - y_hat))
    assert result.diagnosis == "constant_factor" and "1/2" in result.message


@pytest.mark.parametrize("name", SINGLES)
def test_each_single_derivative_sign_flipped(name):
    reference = getattr(S, name)
    result = check(name, lambda *args: -reference(*args))
    assert result.diagnosis == "sign_flipped" and "sign" in result.message.lower()


@pytest.mark.parametrize("name", SINGLES)
@pytest.mark.parametrize("factor, text", [(0.5, "1/2"), (2, "2")])
def test_each_single_derivative_constant_factor(name, factor, text):
    reference = getattr(S, name)
    result = check(name, lambda *args: factor * reference(*args))
    assert result.diagnosis == "constant_factor"
    assert f"your result is {text} times the right one" in result.message


def test_dL_dW1_11_without_W2_11_is_wrong_input_with_the_path_hint():
    result = check("dL_dW1_11", lambda y, y_hat, W2_11, x1: -2 * (y - y_hat) * x1)
    assert result.diagnosis == "wrong_input" and "lacks the middle one" in result.message
    assert "∂ŷ/∂O11" in result.message and "W2_11" not in result.message


@pytest.mark.parametrize("wrong", [
    lambda y, y_hat, W2_11, x1: -2 * (y - y_hat) * W2_11,            # forgot ∂O11/∂W1_11 = x1
    lambda y, y_hat, W2_11, x1: -2 * (y - y_hat) * W2_11 * W2_11,    # W2_11 twice
    lambda y, y_hat, W2_11, x1: -2 * (y - y_hat) * (W2_11 + x1),     # added instead of chained
    lambda y, y_hat, W2_11, x1: -2 * (y - y_hat) * W2_11 * x1 + 1,
])
def test_dL_dW1_11_other_mistakes_are_wrong_value_naming_what_it_computes(wrong):
    result = check("dL_dW1_11", wrong)
    assert result.diagnosis == "wrong_value"
    assert "It should compute ∂L/∂W1_11 for L = (y − ŷ)²." in result.message
    assert "−2(y − ŷ)·W2_11·x1" not in result.message


def test_dL_dW1_11_with_the_arguments_used_out_of_order_is_still_right():
    # multiplication commutes: a learner may write the factors in any order
    assert diagnosis("dL_dW1_11", lambda y, y_hat, W2_11, x1: x1 * W2_11 * 2 * (y_hat - y)) == "ok"


# --- 02_regression: forward, loss, gradients, update, training ------------------------------------------

def forward_transposed(x, params):
    x1, x2 = x
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    O11 = W1[0, 0] * x1 + W1[0, 1] * x2 + b1[0]      # row instead of column
    O12 = W1[1, 0] * x1 + W1[1, 1] * x2 + b1[1]
    return O11, O12, W2[0] * O11 + W2[1] * O12 + b2


def test_forward_with_transposed_W1_is_wrong_input():
    result = check("forward_regression", forward_transposed)
    assert result.diagnosis == "wrong_input" and "first column" in result.message


def test_forward_without_output_bias_is_wrong_value_at_y_hat():
    def no_b2(x, params):
        O11, O12, y_hat = S.forward_regression(x, params)
        return O11, O12, y_hat - params["b2"]
    result = check("forward_regression", no_b2)
    assert result.diagnosis == "wrong_value" and " at [2]" in result.message


def test_forward_returning_only_y_hat_is_wrong_shape():
    assert diagnosis("forward_regression", lambda x, p: S.forward_regression(x, p)[2]) == "wrong_type_or_shape"


def test_mse_loss_without_square_and_with_abs():
    assert diagnosis("mse_loss", lambda y, y_hat: y - y_hat) == "wrong_value"
    assert diagnosis("mse_loss", lambda y, y_hat: abs(y - y_hat)) == "wrong_value"
    assert diagnosis("mse_loss", lambda y, y_hat: 0.5 * (y - y_hat) ** 2) == "constant_factor"


def test_gradients_as_a_tuple_is_wrong_type():
    result = check("gradients_regression", lambda x, y, p: tuple(S.gradients_regression(x, y, p).values()))
    assert result.diagnosis == "wrong_type_or_shape"
    assert "expected a dict with keys W1, W2, b1, b2, got a tuple" in result.message


def test_gradients_missing_a_key_is_wrong_type():
    def no_b2(x, y, p):
        grads = S.gradients_regression(x, y, p)
        del grads["b2"]
        return grads
    result = check("gradients_regression", no_b2)
    assert result.diagnosis == "wrong_type_or_shape" and "got W1, W2, b1" in result.message


def test_gradients_with_W1_transposed_by_hand_is_wrong_input():
    def transposed(x, y, params):
        x1, x2 = x
        O11, O12, y_hat = S.forward_regression(x, params)
        W2_11, W2_21 = params["W2"]
        d = -2 * (y - y_hat)
        return {"W1": np.array([[d * W2_11 * x1, d * W2_11 * x2], [d * W2_21 * x1, d * W2_21 * x2]]),
                "b1": np.array([d * W2_11, d * W2_21]), "W2": np.array([d * O11, d * O12]), "b2": d}
    result = check("gradients_regression", transposed)
    assert result.diagnosis == "wrong_input" and "transposed" in result.message


def test_gradients_sign_flipped_everywhere():
    flipped = lambda x, y, p: {k: -v for k, v in S.gradients_regression(x, y, p).items()}
    assert diagnosis("gradients_regression", flipped) == "sign_flipped"


def test_update_parameter_without_learning_rate_is_wrong_value():
    assert diagnosis("update_parameter", lambda p, g, lr: p - g) == "wrong_value"


def learner_train(reseed_each_epoch=False, epoch_loss_last_step=False):
    """A learner's own train_regression, correct unless one of the flags is set."""
    def train_regression(X, Y, params, lr, epochs, seed):
        X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
        params = {k: np.array(v, dtype=float) for k, v in params.items()}
        rng = np.random.default_rng(seed)
        losses = []
        for _ in range(epochs):
            if reseed_each_epoch:
                rng = np.random.default_rng(seed)
            step = []
            for _ in range(len(X)):
                i = rng.integers(len(X))
                O11, O12, y_hat = S.forward_regression(X[i], params)
                step.append((Y[i] - y_hat) ** 2)
                grads = S.gradients_regression(X[i], Y[i], params)
                params = {k: params[k] - lr * grads[k] for k in params}
            losses.append(step[-1] if epoch_loss_last_step else np.mean(step))
        return {k: float(v) if k == "b2" else v for k, v in params.items()}, losses
    return train_regression


def test_learner_training_loop_is_right():
    assert diagnosis("train_regression", learner_train()) == "ok"


def test_training_reseeding_the_rng_every_epoch_is_wrong_value():
    result = check("train_regression", learner_train(reseed_each_epoch=True))
    assert result.diagnosis == "wrong_value" and result.score == 0.0


def test_training_reporting_the_last_step_loss_is_wrong_value():
    result = check("train_regression", learner_train(epoch_loss_last_step=True))
    assert result.diagnosis == "wrong_value" and "[1]" in result.message


def test_training_returning_only_params_is_wrong_type():
    result = check("train_regression", lambda *args: S.train_regression(*args)[0])
    assert result.diagnosis == "wrong_type_or_shape" and "tuple of 2 items" in result.message


# --- equivalent rewrites pass ------------------------------------------------------------------------

@pytest.mark.parametrize("name, fn", [
    ("mse_loss", lambda y, y_hat: math.pow(y - y_hat, 2)),
    ("mse_loss", lambda y, y_hat: np.square(y_hat - y)),
    ("mse_loss", lambda y, y_hat: np.array((y - y_hat) ** 2)),              # 0-d array
    ("d_square_plus_x", lambda x: np.float64(2 * x + 1)),
    ("d_square_plus_x", lambda x: np.array(2 * x + 1)),
    ("chain_rule", lambda a, b: np.multiply(a, b)),
    ("grad_sum_of_squares", lambda x, y: [2 * x, 2 * y]),                  # list for array
    ("grad_sum_of_squares", lambda x, y: (2 * x, 2 * y)),                  # tuple for array
    ("grad_sum_of_squares", lambda x, y: 2 * np.array([x, y])),
    ("count_trainable_params", lambda s: float(sum(a * b + b for a, b in zip(s, s[1:])))),
    ("gradient_descent_1d", lambda x0, lr, steps: list(S.gradient_descent_1d(x0, lr, steps))),
    ("has_converged", lambda w_old, w_new, tol: np.all(np.abs(np.subtract(w_new, w_old)) < tol)),  # np.bool_
    ("forward_regression", lambda x, p: list(S.forward_regression(x, p))),
    ("forward_regression", lambda x, p: tuple(np.array(v) for v in S.forward_regression(x, p))),
    ("forward_regression", lambda x, p: (lambda h: (h[0], h[1], p["W2"] @ h + p["b2"]))(
        np.asarray(x) @ p["W1"] + p["b1"])),                                # matrix form
    ("dL_dyhat", lambda y, y_hat: 2 * y_hat - 2 * y),
    ("dL_db21", lambda y, y_hat: np.array(-2.0 * (y - y_hat))),
    ("gradients_regression", lambda x, y, p: dict(reversed(list(S.gradients_regression(x, y, p).items())))),
    ("gradients_regression", lambda x, y, p: {k: (v.tolist() if isinstance(v, np.ndarray) else v)
                                              for k, v in S.gradients_regression(x, y, p).items()}),
    ("update_parameter", lambda p, g, lr: np.subtract(p, np.multiply(lr, g))),
])
def test_equivalent_rewrites_pass(name, fn):
    result = check(name, fn)
    assert result.diagnosis == "ok", result.message
    assert result.score == result.max_score


def test_float32_results_pass():
    # a correct float64 result rounded to float32 is off by at most 2**-24 ≈ 6e-8 relative, well
    # inside rtol = 1e-6: the learner who casts at the end is not punished
    assert diagnosis("d_square_plus_x", lambda x: np.float32(2 * x + 1)) == "ok"
    assert diagnosis("grad_sum_of_squares", lambda x, y: np.array([2 * x, 2 * y], dtype=np.float32)) == "ok"
    assert diagnosis("forward_regression", lambda x, p: tuple(np.float32(v) for v in S.forward_regression(x, p))) == "ok"


def test_a_real_float32_error_is_still_caught():
    # but a value that float32 cannot hold to 1e-6 is: 2x + 1 + 1e-4·|x| is a different function
    assert diagnosis("d_square_plus_x", lambda x: np.float32(2 * x + 1 + 1e-4 * abs(x))) == "wrong_value"


# --- contracts: arguments left alone, default arguments, fresh memory ------------------------------------

def test_update_parameter_in_place_is_mutated_input_naming_the_argument():
    def in_place(param, grad, lr):
        param -= lr * grad
        return param
    result = check("update_parameter", in_place)
    assert (result.diagnosis, result.score) == ("mutated_input", 0.0)
    assert "`param`" in result.message and "in place" in result.message


def test_a_wrong_default_step_is_seen():
    assert diagnosis("numeric_derivative", lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / (2 * h)) == "ok"
    assert diagnosis("numeric_derivative", lambda f, x, h=0.5: (f(x + h) - f(x - h)) / (2 * h)) != "ok"
    assert diagnosis("numeric_derivative", lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h)) == "error"


def _never_writes_the_start(x0, lr, steps):
    xs = np.empty(steps + 1)  # xs[0] is never written: it holds whatever the memory held
    x = x0
    for i in range(steps):
        x = x - lr * (2 * x + 1)
        xs[i + 1] = x
    return xs


def test_an_entry_never_written_fails_whatever_ran_before():
    """The reference has just freed an array of the same size, holding the right x0: the check gives
    the slot NaN all the same, every time."""
    for _ in range(3):
        S.gradient_descent_1d(0.5, 0.1, 10)
        assert diagnosis("gradient_descent_1d", _never_writes_the_start) == "non_finite"
