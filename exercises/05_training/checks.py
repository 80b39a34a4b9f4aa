"""Checks for 05_training (documents 002, 000 and 003): full batch, mini-batch, stochastic; XOR."""
import numpy as np

import solutions as S
from solutions.regression import update_all
from solutions.training import X_xor, Y_xor, fresh_copy, train_on_batches

from exercises import checks
from grader.exercise import Exercise
from grader.judge.diagnose import ExerciseInfo

random_params = checks("02_regression").random_params

A = "05_training"
SCHEDULES = "002, How Often Are the Weights Updated?"
XOR_SOURCE = "002, TensorFlow: Creating a simple neural network"
USES_LOOP = ("batch_gradients_regression", "dataset_loss")
LOSSES_AFTER = "losses[e] is dataset_loss(X, Y, params) after epoch e's updates"
WRONG = "Wrong value{where_text}{failed_text}. "
XOR_SUM_HINT = (WRONG + "The loss is 002's tf.reduce_sum(tf.square(y0 − y_out)): the sum over the four rows, "
                "not the mean, so no 1/4 enters its gradient. Check also both σ′ factors and that "
                "losses[k] is L before step k.")
XOR_OUTPUT_DERIVATIVE_HINT = ("The output's σ′ is missing from δ2. 03's cancellation belongs to cross-entropy; "
                              "with a sum of squares nothing cancels the output sigmoid's slope.")
MEAN_HINT = ("Off by a constant factor: {what} is the mean over the n rows, (1/n)·Σ_i, not their sum; "
             "check the 1/n and the constants of L = (y − ŷ)².")


def _info(name, points, formula, source=SCHEDULES, **kw):
    return ExerciseInfo(name, A, points, formula, source, **kw)


def _data(rng):
    """n = 5 … 10 rows of a noisy linear target and 02's parameters, scaled down."""
    n = int(rng.integers(5, 11))
    X = rng.normal(size=(n, 2))
    Y = X @ np.array([1.5, -0.7]) + 0.3 + 0.1 * rng.normal(size=n)
    params = {k: v * 0.5 for k, v in random_params(rng).items()}
    return X, Y, params


def _lr(rng):
    return float(rng.choice([0.01, 0.02, 0.05]))


def _batch_inputs(rng):
    return list(_data(rng))


def _full_batch_inputs(rng):
    return [*_data(rng), _lr(rng), int(rng.integers(1, 5))]


def _shuffled_epochs(rng):
    """At least two epochs: with one, an order drawn once and an order drawn each epoch agree."""
    return int(rng.integers(2, 5))


# The batch sizes of train_minibatch's random states, in turn: each cuts the shuffled rows differently.
BATCH_SIZES = (
    lambda n: [b for b in range(2, n) if n % b],  # the last batch is smaller (and must be kept)
    lambda n: [b for b in range(2, n) if n % b == 0],  # batches fill the rows exactly: no empty batch after
    lambda n: [1],  # one row per batch, stochastic
    lambda n: [n],  # one batch of all the rows, full batch with a new order each epoch
    lambda n: list(range(n + 1, 2 * n + 1)),  # more than n: still one batch of all the rows
)


def _minibatch_inputs(rng, i):
    """Random state i takes its batch size from BATCH_SIZES[i % 5] (n is drawn again until that kind
    exists: a proper divisor needs n = 6, 8, 9 or 10)."""
    sizes = []
    while not sizes:
        X, Y, params = _data(rng)
        sizes = BATCH_SIZES[i % len(BATCH_SIZES)](len(X))
    batch_size = int(rng.choice(sizes))
    return [X, Y, params, _lr(rng), _shuffled_epochs(rng), batch_size, int(rng.integers(0, 1000))]


def _stochastic_inputs(rng):
    return [*_data(rng), _lr(rng), _shuffled_epochs(rng), int(rng.integers(0, 1000))]


def _summed_gradients(X, Y, params):
    grads = S.batch_gradients_regression(X, Y, params)
    return {key: value * len(X) for key, value in grads.items()}


def _summed_loss(X, Y, params):
    return S.dataset_loss(X, Y, params) * len(X)


def _full_batch_losses_before(X, Y, params, lr, epochs):
    """Records the loss at the start of each epoch, before its update."""
    X, Y = np.asarray(X, float), np.asarray(Y, float)
    params, losses = fresh_copy(params), []
    for _ in range(epochs):
        losses.append(S.dataset_loss(X, Y, params))
        params = update_all(params, S.batch_gradients_regression(X, Y, params), lr)
    return params, np.array(losses)


def _minibatch_same_order(X, Y, params, lr, epochs, batch_size, seed):
    """Shuffles once (or re-seeds every epoch, which is the same): every epoch sees one order."""
    X, Y = np.asarray(X, float), np.asarray(Y, float)
    order = np.random.default_rng(seed).permutation(len(X))
    batches = [order[start:start + batch_size] for start in range(0, len(X), batch_size)]
    return train_on_batches(X, Y, params, lr, epochs, lambda: batches)


def _stochastic_with_replacement(X, Y, params, lr, epochs, seed):
    """02's sampling, n draws of rng.integers(n), instead of a permutation."""
    X, Y = np.asarray(X, float), np.asarray(Y, float)
    rng = np.random.default_rng(seed)
    n = len(X)
    return train_on_batches(X, Y, params, lr, epochs, lambda: [[rng.integers(n)] for _ in range(n)])


def _xor_descent(loss_weight, output_derivative):
    """train_xor with L scaled by loss_weight and σ′ at the output replaced by output_derivative."""
    def train(params, lr=1.0, steps=500):
        params, losses = fresh_copy(params), []
        for _ in range(steps):
            H = S.sigmoid(X_xor @ params["W1"] + params["b1"])
            Y_hat = S.sigmoid(H @ params["W2"] + params["b2"])
            losses.append(loss_weight * float(np.sum((Y_xor - Y_hat) ** 2)))
            delta2 = -2 * loss_weight * (Y_xor - Y_hat) * output_derivative(Y_hat)
            delta1 = delta2 @ params["W2"].T * S.sigmoid_derivative(H)
            grads = {"W1": X_xor.T @ delta1, "b1": delta1.sum(axis=0),
                     "W2": H.T @ delta2, "b2": delta2.sum(axis=0)}
            params = update_all(params, grads, lr)
        return params, np.array(losses)
    return train


def _xor_params(rng, low, high):
    shapes = {"W1": (2, 3), "b1": (3,), "W2": (3, 1), "b2": (1,)}
    return {key: rng.uniform(low, high, size=shape) for key, shape in shapes.items()}


def _xor_inputs(rng):
    return [_xor_params(rng, -1.0, 1.0), float(rng.choice([0.5, 1.0, 2.0])), int(rng.integers(5, 51))]


# 002 draws every weight and bias from tf.random_uniform(minval=0.1, maxval=0.9); this is one such draw.
XOR_002 = ("002: lr 1.0, 500 steps, weights and biases drawn from U(0.1, 0.9)",
           [_xor_params(np.random.default_rng(2), 0.1, 0.9), 1.0, 500])

EXERCISES = [
    Exercise(
        _info("batch_gradients_regression", 2, "∂L̄/∂θ = (1/n)·Σ_i ∂L_i/∂θ, the mean of the rows' "
              "gradients_regression, as a dict shaped like params",
              hints={"constant_factor": MEAN_HINT.format(what="the batch gradient")},
              uses=("gradients_regression",)),
        S.batch_gradients_regression,
        _batch_inputs,
        variants={"constant_factor": _summed_gradients},
    ),
    Exercise(
        _info("dataset_loss", 2, "L̄ = (1/n)·Σ_i (y_i − ŷ_i)²",
              hints={"constant_factor": MEAN_HINT.format(what="the data set's loss")},
              uses=("forward_regression", "mse_loss")),
        S.dataset_loss,
        _batch_inputs,
        variants={"constant_factor": _summed_loss},
    ),
    Exercise(
        _info("train_full_batch", 3, "each epoch one update θ ← θ − η·batch_gradients_regression(X, Y, θ) "
              "on all rows; losses[e] = dataset_loss after epoch e",
              "002, How Often Are the Weights Updated? (option 2 with a single batch of all rows)",
              hints={"wrong_value": WRONG + "Each epoch makes one update with the mean gradient of all rows, "
                                    "and " + LOSSES_AFTER + ", not before them."},
              uses=USES_LOOP),
        S.train_full_batch,
        _full_batch_inputs,
        n_random=3,
        variants={"wrong_value": _full_batch_losses_before},
    ),
    Exercise(
        _info("train_minibatch", 3, "rng = default_rng(seed) once; each epoch order = rng.permutation(n) "
              "cut into consecutive batches of batch_size (the last may be smaller), one update per batch; "
              "losses[e] = dataset_loss after epoch e",
              hints={"wrong_value": WRONG + "Check the shuffling: rng = default_rng(seed) once, before the "
                                    "epochs; order = rng.permutation(n) at the start of each epoch, so every epoch "
                                    "has a new order. Keep the last, smaller batch, and " + LOSSES_AFTER + "."},
              uses=USES_LOOP),
        S.train_minibatch,
        _minibatch_inputs,
        n_random=5,  # one state of each kind of BATCH_SIZES
        variants={"wrong_value": _minibatch_same_order},
    ),
    Exercise(
        _info("train_stochastic", 3, "rng = default_rng(seed) once; each epoch one update per row, in the "
              "order rng.permutation(n); losses[e] = dataset_loss after epoch e",
              hints={"wrong_value": WRONG + "Each epoch visits every row exactly once, in the order "
                                    "rng.permutation(n) (not 02's rng.integers(n), which may repeat rows), "
                                    "and " + LOSSES_AFTER + ", not the mean of the step losses."},
              uses=USES_LOOP),
        S.train_stochastic,
        _stochastic_inputs,
        n_random=3,
        variants={"wrong_value": _stochastic_with_replacement},
    ),
    Exercise(
        _info("train_xor", 3, "full-batch gradient descent on L = Σ (Y − Ŷ)² over the four rows of "
              "H = σ(X·W1 + b1), Ŷ = σ(H·W2 + b2): with δ2 = ∂L/∂(H·W2 + b2) and "
              "δ1 = ∂L/∂(X·W1 + b1), ∂L/∂W2 = Hᵀδ2, ∂L/∂b2 = Σ_rows δ2, ∂L/∂W1 = Xᵀδ1, "
              "∂L/∂b1 = Σ_rows δ1; losses[k] = L before step k", XOR_SOURCE,
              final_formula="δ2 = −2(Y − Ŷ)·Ŷ(1 − Ŷ), δ1 = (δ2·W2ᵀ)·H(1 − H)",
              hints={"wrong_value": XOR_SUM_HINT, "missing_activation_derivative": XOR_OUTPUT_DERIVATIVE_HINT}),
        S.train_xor,
        _xor_inputs,
        worked=(XOR_002,),
        n_random=3,
        variants={"wrong_value": _xor_descent(0.25, S.sigmoid_derivative),
                  "missing_activation_derivative": _xor_descent(1.0, np.ones_like)},
    ),
]
