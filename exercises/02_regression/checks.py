"""Checks for 02_regression (documents 000 and 003): the 2-2-1 linear network, L = (y − ŷ)²."""
import numpy as np

import solutions as S

from grader.judge.diagnose import ExerciseInfo
from grader.exercise import Exercise

A = "02_regression"
SOURCE = "000 and 003, the nine derivatives"
ORDER_HINT = ("Check the order of y and ŷ inside your bracket, and the sign that differentiating the "
              "bracket by ŷ brings.")
LOSS = "L = (y − ŷ)²"


def random_params(rng):
    return {"W1": rng.normal(size=(2, 2)), "b1": rng.normal(size=2), "W2": rng.normal(size=2),
            "b2": float(rng.normal())}


def random_row(rng):
    return rng.normal(size=2)


def _y_yhat(rng):
    return [float(rng.normal(1, 2)), float(rng.normal(0, 2))]


def _info(name, points, formula, source=SOURCE, **kw):
    kw.setdefault("hints", {"sign_flipped": f"The sign is flipped: your result is minus {formula}. {ORDER_HINT}"})
    return ExerciseInfo(name, A, points, formula, source, **kw)


def _single(name, of, final, reference, extra, variants=None, hints=None):
    """A one-number derivative ∂L/∂<of> = final, taking (y, y_hat, *extra) with extra drawn from N(0, 1)."""
    info = _info(name, 1, f"∂L/∂{of} for {LOSS}", final_formula=f"∂L/∂{of} = {final}")
    if hints:
        info.hints.update(hints)
    return Exercise(info, reference, lambda rng: _y_yhat(rng) + [float(v) for v in rng.normal(size=extra)],
                    variants=variants or {})


def _transposed_forward(x, params):
    return S.forward_regression(x, {**params, "W1": np.asarray(params["W1"]).T})


def _gradients_with_transposed_W1(x, y, params):
    grads = S.gradients_regression(x, y, params)
    return {**grads, "W1": grads["W1"].T}


def _sgd_updating_W2_first(hidden_gradients):
    """The training loop with W2 and b21 updated first, then W1 and b1 from
    hidden_gradients(x, y, ŷ of the forward pass, params with the new W2) -> (∂L/∂W1, ∂L/∂b1)."""
    def train(X, Y, params, lr, epochs, seed):
        X, Y = np.asarray(X, float), np.asarray(Y, float)
        rng = np.random.default_rng(seed)
        params = {k: np.array(v, float) if np.ndim(v) else float(v) for k, v in params.items()}
        losses = []
        for _ in range(epochs):
            step = []
            for _ in range(len(X)):
                i = rng.integers(len(X))
                x, y = X[i], Y[i]
                y_hat = S.forward_regression(x, params)[2]
                step.append(S.mse_loss(y, y_hat))
                g = S.gradients_regression(x, y, params)
                params["W2"] = params["W2"] - lr * g["W2"]
                params["b2"] = params["b2"] - lr * g["b2"]
                W1, b1 = hidden_gradients(x, y, y_hat, params)
                params["W1"] = params["W1"] - lr * W1
                params["b1"] = params["b1"] - lr * b1
            losses.append(np.mean(step))
        return params, np.array(losses)
    return train


def _recomputed(x, y, y_hat, params):
    """All gradients again with the new W2 (a new forward pass too)."""
    g = S.gradients_regression(x, y, params)
    return g["W1"], g["b1"]


def _through_new_W2(x, y, y_hat, params):
    """The old ∂L/∂ŷ times the new W2 (the mistake as the notebook warns of it)."""
    W2_11, W2_21 = params["W2"]
    W1 = np.array([[S.dL_dW1_11(y, y_hat, W2_11, x[0]), S.dL_dW1_12(y, y_hat, W2_21, x[0])],
                   [S.dL_dW1_21(y, y_hat, W2_11, x[1]), S.dL_dW1_22(y, y_hat, W2_21, x[1])]])
    return W1, np.array([S.dL_db11(y, y_hat, W2_11), S.dL_db12(y, y_hat, W2_21)])


def _update_inputs(rng, i):
    """A number and a (2, 2) array in turn: an update in place shows on the arrays."""
    shape = () if i % 2 else (2, 2)
    param, grad = rng.normal(size=shape), rng.normal(size=shape)
    lr = float(rng.choice([0.01, 0.1, 0.5]))
    return [float(param), float(grad), lr] if shape == () else [param, grad, lr]


def _training_inputs(rng):
    n = int(rng.integers(4, 9))
    X = rng.normal(size=(n, 2))
    Y = X @ np.array([1.5, -0.7]) + 0.3 + 0.1 * rng.normal(size=n)
    params = {k: v * 0.5 for k, v in random_params(rng).items()}
    return [X, Y, params, float(rng.choice([0.01, 0.05])), int(rng.integers(1, 4)), int(rng.integers(0, 1000))]


STUDENT_ROW = ("000: IQ 100, CGPA 6.3, LPA 7, all weights 1, biases 0",
               [np.array([100.0, 6.3]), {"W1": np.ones((2, 2)), "b1": np.zeros(2), "W2": np.ones(2), "b2": 0.0}])

EXERCISES = [
    Exercise(
        _info("forward_regression", 2, "O11 = W1_11·x1 + W1_21·x2 + b11, O12 = W1_12·x1 + W1_22·x2 + b12, "
              "ŷ = W2_11·O11 + W2_21·O12 + b21",
              hints={"wrong_input": "W1[i-1, j-1] is W1_ij, the weight from input i to hidden unit j: "
                                    "O11 uses the first column, W1[0, 0] and W1[1, 0]."}),
        S.forward_regression,
        lambda rng: [random_row(rng), random_params(rng)],
        worked=(STUDENT_ROW,),
        variants={"wrong_input": _transposed_forward},
    ),
    Exercise(
        _info("mse_loss", 1, "L = (y − ŷ)²",
              hints={"wrong_value": "The loss is squared: L = (y − ŷ)² (the document's “L = (Y − Y′)” "
                                    "lost the square)."}),
        S.mse_loss,
        _y_yhat,
        worked=(("000: y = 7, ŷ = 18 gives 121", [7.0, 18.0]),),
        variants={"wrong_value": lambda y, y_hat: y - y_hat},
    ),
    _single("dL_dyhat", "ŷ", "−2(y − ŷ) = 2(ŷ − y)", S.dL_dyhat, 0),
    _single("dL_dW2_11", "W2_11", "−2(y − ŷ)·O11", S.dL_dW2_11, 1),
    _single("dL_dW2_21", "W2_21", "−2(y − ŷ)·O12", S.dL_dW2_21, 1),
    _single("dL_db21", "b21", "−2(y − ŷ)", S.dL_db21, 0),
    _single("dL_dW1_11", "W1_11", "−2(y − ŷ)·W2_11·x1", S.dL_dW1_11, 2,
            {"wrong_input": lambda y, y_hat, W2_11, x1: -2 * (y - y_hat) * x1},
            {"wrong_input": "The chain ∂L/∂ŷ · ∂ŷ/∂O11 · ∂O11/∂W1_11 has three links and your result "
                            "lacks the middle one: how does ŷ change when O11 does?"}),
    _single("dL_dW1_21", "W1_21", "−2(y − ŷ)·W2_11·x2", S.dL_dW1_21, 2),
    _single("dL_db11", "b11", "−2(y − ŷ)·W2_11", S.dL_db11, 1),
    _single("dL_dW1_12", "W1_12", "−2(y − ŷ)·W2_21·x1", S.dL_dW1_12, 2),
    _single("dL_dW1_22", "W1_22", "−2(y − ŷ)·W2_21·x2", S.dL_dW1_22, 2),
    _single("dL_db12", "b12", "−2(y − ŷ)·W2_21", S.dL_db12, 1),
    Exercise(
        _info("gradients_regression", 3, f"the nine derivatives of {LOSS} in a dict shaped like params, "
              "gradient W1[i-1, j-1] = ∂L/∂W1_ij",
              hints={"wrong_input": "The W1 gradient is transposed: entry [i-1, j-1] is ∂L/∂W1_ij, "
                                    "from input i to hidden unit j."},
              uses=("forward_regression", "dL_dW2_11", "dL_dW2_21", "dL_db21", "dL_dW1_11", "dL_dW1_21",
                    "dL_db11", "dL_dW1_12", "dL_dW1_22", "dL_db12")),
        S.gradients_regression,
        lambda rng: [random_row(rng), float(rng.normal()), random_params(rng)],
        variants={"wrong_input": _gradients_with_transposed_W1},
    ),
    Exercise(
        _info("update_parameter", 1, "W_new = W_old − η·∂L/∂W_old",
              hints={"sign_flipped": "The step goes uphill: subtract η·gradient, W_new = W_old − η·∂L/∂W."}),
        S.update_parameter,
        _update_inputs,
        variants={"sign_flipped": lambda p, g, lr: p + lr * g},
    ),
    Exercise(
        _info("train_regression", 3, "each epoch n steps on rows rng.integers(n), all nine parameters "
              "updated from their old values, epoch loss = mean of the step losses",
              "000, Summarizing Back Propagation Algorithm",
              hints={"used_updated_weights": "The hidden-layer gradients used the already-updated W2: "
                                             "compute all nine gradients first, then update.",
                     "used_updated_weights/old_y_hat": "The hidden-layer gradients multiplied the old "
                                                       "∂L/∂ŷ by the already-updated W2_11 and W2_21: take "
                                                       "all nine gradients from the old parameters, then "
                                                       "update."},
              uses=("forward_regression", "mse_loss", "gradients_regression", "update_parameter")),
        S.train_regression,
        _training_inputs,
        n_random=3,
        variants={"used_updated_weights": _sgd_updating_W2_first(_recomputed),
                  "used_updated_weights/old_y_hat": _sgd_updating_W2_first(_through_new_W2)},
    ),
]
