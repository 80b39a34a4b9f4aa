"""The catalogue of 05_training and 06_vectorized: references pass, known mistakes are named,
plausible wrong answers fail with the right code and equivalent rewrites pass."""
import json

import numpy as np
import pytest

import solutions as S
from exercises import checks
from grader import catalogue
from grader.seeds import PUBLIC_SEED
from grader.check import check, public_cases
from grader.judge import wire
from grader.judge.diagnose import CaseRecord, judge
from grader.judge.run import call

a05_training, a06_vectorized = checks("05_training"), checks("06_vectorized")

MODULES = (a05_training, a06_vectorized)
EXERCISES = [exercise for module in MODULES for exercise in module.EXERCISES]
SEEDS = (2026, PUBLIC_SEED)


def verdict(name, function, seed=2026):
    result = check(name, function, seed)
    return result.diagnosis, result.score


# ---------------------------------------------------------------- learner-style code, 05_training

def regression_forward(X, params):
    O = np.asarray(X) @ params["W1"] + params["b1"]
    return O, O @ params["W2"] + params["b2"]


def batch_gradients_vectorized(X, Y, params, sign=1.0):
    """All rows at once; sign=-1 writes 2(y − ŷ) for ∂L/∂ŷ."""
    X, Y = np.asarray(X), np.asarray(Y)
    O, y_hat = regression_forward(X, params)
    d = sign * -2 * (Y - y_hat) / len(X)
    return {"W1": X.T @ np.outer(d, params["W2"]), "b1": d.sum() * params["W2"],
            "W2": O.T @ d, "b2": float(d.sum())}


def dataset_loss_vectorized(X, Y, params):
    return np.array(np.mean((np.asarray(Y) - regression_forward(X, params)[1]) ** 2))  # a 0-d array


def step(params, grads, lr):
    return {key: params[key] - lr * grads[key] for key in params}


def train_full_batch_loop(X, Y, params, lr, epochs):
    losses = []
    for _ in range(epochs):
        params = step(params, batch_gradients_vectorized(X, Y, params), lr)
        losses.append(float(dataset_loss_vectorized(X, Y, params)))
    return params, losses  # a list of losses


def train_full_batch_row_by_row(X, Y, params, lr, epochs):
    """Updates after every row: stochastic, not full batch."""
    losses = []
    for _ in range(epochs):
        for x, y in zip(X, Y):
            params = step(params, S.gradients_regression(x, y, params), lr)
        losses.append(S.dataset_loss(X, Y, params))
    return params, np.array(losses)


def minibatch_loop(X, Y, params, lr, epochs, batch_size, seed, keep_last=True):
    rng = np.random.default_rng(seed)
    n, losses = len(X), []
    for _ in range(epochs):
        order = rng.permutation(n)
        stop = n if keep_last else n - n % batch_size
        for start in range(0, stop, batch_size):
            rows = order[start:start + batch_size]
            params = step(params, batch_gradients_vectorized(X[rows], Y[rows], params), lr)
        losses.append(S.dataset_loss(X, Y, params))
    return params, np.array(losses)


def stochastic_loop(X, Y, params, lr, epochs, seed):
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        for i in rng.permutation(len(X)):
            params = step(params, S.gradients_regression(X[i], Y[i], params), lr)
        losses.append(S.dataset_loss(X, Y, params))
    return params, np.array(losses)


def stochastic_mean_step_losses(X, Y, params, lr, epochs, seed):
    """02's epoch loss, the mean of the step losses, on a permutation."""
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        step_losses = []
        for i in rng.permutation(len(X)):
            step_losses.append(S.mse_loss(Y[i], S.forward_regression(X[i], params)[2]))
            params = step(params, S.gradients_regression(X[i], Y[i], params), lr)
        losses.append(np.mean(step_losses))
    return params, np.array(losses)


XOR_ROWS = [((0.0, 0.0), 0.0), ((1.0, 1.0), 0.0), ((1.0, 0.0), 1.0), ((0.0, 1.0), 1.0)]


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def train_xor_row_sums(params, lr=1.0, steps=500, hidden_derivative=True):
    """Sums each row's gradient in a loop; hidden_derivative=False drops H(1 − H)."""
    params = {key: np.array(value, dtype=float) for key, value in params.items()}
    losses = []
    for _ in range(steps):
        grads = {key: np.zeros_like(value) for key, value in params.items()}
        loss = 0.0
        for x, y in XOR_ROWS:
            x = np.array(x)
            h = sigmoid(x @ params["W1"] + params["b1"])
            out = sigmoid(h @ params["W2"] + params["b2"])
            loss += float(((y - out) ** 2).sum())
            delta2 = 2 * (out - y) * out * (1 - out)
            delta1 = (params["W2"] @ delta2) * (h * (1 - h) if hidden_derivative else 1)
            grads["W2"] += np.outer(h, delta2)
            grads["b2"] += delta2
            grads["W1"] += np.outer(x, delta1)
            grads["b1"] += delta1
        losses.append(loss)
        params = step(params, grads, lr)
    return params, losses


# ---------------------------------------------------------------- learner-style code, 06_vectorized

def dense_backward_loops(dZ, X, W):
    """Entry by entry, returned as a list."""
    dX = np.array([[sum(dZ[r, k] * W[i, k] for k in range(W.shape[1])) for i in range(W.shape[0])]
                   for r in range(len(dZ))])
    dW = np.einsum("ri,rk->ik", X, dZ)
    return [dX.reshape(X.shape), dW, np.add.reduce(dZ, axis=0)]


def activation_forward_rewritten(Z, kind):
    return {"linear": lambda: Z + 0.0, "sigmoid": lambda: 0.5 * (1 + np.tanh(Z / 2)),
            "tanh": lambda: (np.exp(2 * Z) - 1) / (np.exp(2 * Z) + 1),
            "relu": lambda: Z * (Z > 0)}[kind]()


def activation_forward_002_sigmoid(Z, kind):
    """002 prints σ as "1 / 1 + exp(−x)": without the parentheses."""
    return 1 / 1 + np.exp(-Z) if kind == "sigmoid" else S.activation_forward(Z, kind)


def activation_backward_rewritten(dA, Z, kind):
    """Another algebra for every kind, and relu′(0) = 1, which no case can tell apart."""
    derivative = {"linear": np.ones_like(Z), "sigmoid": np.exp(-Z) / (1 + np.exp(-Z)) ** 2,
                  "tanh": 1 / np.cosh(Z) ** 2, "relu": np.where(Z >= 0, 1.0, 0.0)}[kind]
    return dA * derivative


def activation_backward_relu_wrong_side(dA, Z, kind):
    return dA * (Z < 0) if kind == "relu" else S.activation_backward(dA, Z, kind)


def mlp_forward_lists(X, params, activations):
    A, cache = X, []
    for (W, b), kind in zip(params, activations):
        Z = np.einsum("nd,de->ne", A, W) + b
        cache.append([A, Z])
        A = activation_forward_rewritten(Z, kind)
    return [A, cache]


def mlp_forward_caching_outputs(X, params, activations):
    """Caches (A, Z) with A the layer's output."""
    A, cache = X, []
    for (W, b), kind in zip(params, activations):
        Z = A @ W + b
        A = S.activation_forward(Z, kind)
        cache.append((A, Z))
    return A, cache


def mlp_backward_loop(dY_hat, cache, params, activations):
    grads, dA = [None] * len(params), dY_hat
    for layer in range(len(params) - 1, -1, -1):
        (A_prev, Z), (W, _) = cache[layer], params[layer]
        dZ = activation_backward_rewritten(dA, Z, activations[layer])
        grads[layer] = [A_prev.T @ dZ, dZ.sum(axis=0)]
        dA = dZ @ W.T
    return grads


def mlp_backward_last_layer_first(dY_hat, cache, params, activations):
    return S.mlp_backward(dY_hat, cache, params, activations)[::-1]


def relative_error_loop(a, b):
    pairs = zip(np.ravel(a), np.ravel(b))
    return max(abs(x - y) / max(1e-8, abs(x) + abs(y)) for x, y in pairs)


def relative_error_unguarded(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))


def numeric_gradient_flat(f, x, h=1e-5):
    """Walks x.flat, shifting in place by +h, −2h, +h."""
    grad = np.empty(np.size(x))
    for i in range(np.size(x)):
        x.flat[i] += h
        f_plus = f()
        x.flat[i] -= 2 * h
        f_minus = f()
        x.flat[i] += h
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad.reshape(np.shape(x))


def numeric_gradient_unrestored(f, x, h=1e-5):
    """Leaves each entry at x_i − h."""
    grad = np.zeros(np.shape(x))
    for i in np.ndindex(np.shape(x)):
        x[i] += h
        f_plus = f()
        x[i] -= 2 * h
        grad[i] = (f_plus - f()) / (2 * h)
    return grad


def gradient_check_own(X, Y, params, activations):
    """Own loss closure and flattened loop, h passed explicitly, a 0-d array returned."""
    def loss():
        return S.mse_batch(Y, S.mlp_forward(X, params, activations)[0])

    Y_hat, cache = S.mlp_forward(X, params, activations)
    analytic = S.mlp_backward(S.dmse_batch(Y, Y_hat), cache, params, activations)
    worst = 0.0
    for layer_grads, layer_params in zip(analytic, params):
        for grad, param in zip(layer_grads, layer_params):
            worst = max(worst, relative_error_loop(grad, numeric_gradient_flat(loss, param, 1e-5)))
    return np.array(worst)


# ---------------------------------------------------------------- the tables

PLAUSIBLE_MISTAKES = [
    ("batch_gradients_regression", lambda X, Y, p: batch_gradients_vectorized(X, Y, p, sign=-1.0),
     "sign_flipped"),
    ("batch_gradients_regression", lambda X, Y, p: S.gradients_regression(np.mean(X, 0), np.mean(Y), p),
     "wrong_value"),
    ("dataset_loss", lambda X, Y, p: float(np.mean(Y - regression_forward(X, p)[1]) ** 2), "wrong_value"),
    ("dataset_loss", lambda X, Y, p: 0.5 * S.dataset_loss(X, Y, p), "constant_factor"),
    ("train_full_batch", train_full_batch_row_by_row, "wrong_value"),
    ("train_minibatch", lambda *args: minibatch_loop(*args, keep_last=False), "wrong_value"),
    ("train_stochastic", stochastic_mean_step_losses, "wrong_value"),
    ("train_xor", lambda p, lr=1.0, steps=500: train_xor_row_sums(p, lr, steps, hidden_derivative=False),
     "wrong_value"),
    ("dense_forward", lambda X, W, b: X @ W, "wrong_value"),
    ("dense_backward", lambda dZ, X, W: (dZ @ W, X.T @ dZ, dZ.sum(axis=0)), "error"),
    ("dense_backward", lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ.sum(axis=1)), "wrong_type_or_shape"),
    ("activation_forward", activation_forward_002_sigmoid, "wrong_value"),
    ("activation_backward", activation_backward_relu_wrong_side, "wrong_value"),
    ("mlp_forward", mlp_forward_caching_outputs, "wrong_type_or_shape"),
    ("mlp_backward", mlp_backward_last_layer_first, "wrong_type_or_shape"),
    ("mse_batch", lambda Y, Y_hat: 0.5 * S.mse_batch(Y, Y_hat), "constant_factor"),
    ("mse_batch", lambda Y, Y_hat: float(np.sqrt(np.mean((Y - Y_hat) ** 2))), "wrong_value"),
    ("dmse_batch", lambda Y, Y_hat: 2 * (Y - Y_hat) / np.size(Y), "sign_flipped"),
    ("dmse_batch", lambda Y, Y_hat: -2 * (Y - Y_hat) / len(Y), "wrong_value"),
    ("relative_error", relative_error_unguarded, "non_finite"),
    ("numeric_gradient", numeric_gradient_unrestored, "mutated_input"),
    ("gradient_check", lambda X, Y, params, activations: 0.0, "wrong_value"),
]

EQUIVALENT_REWRITES = [
    ("batch_gradients_regression", batch_gradients_vectorized),
    ("dataset_loss", dataset_loss_vectorized),
    ("train_full_batch", train_full_batch_loop),
    ("train_minibatch", minibatch_loop),
    ("train_stochastic", stochastic_loop),
    ("train_stochastic", lambda X, Y, p, lr, epochs, seed: minibatch_loop(X, Y, p, lr, epochs, 1, seed)),
    ("train_xor", train_xor_row_sums),
    ("dense_forward", lambda X, W, b: (np.einsum("nd,de->ne", X, W) + b).tolist()),
    ("dense_backward", dense_backward_loops),
    ("activation_forward", activation_forward_rewritten),
    ("activation_backward", activation_backward_rewritten),
    ("mlp_forward", mlp_forward_lists),
    ("mlp_backward", mlp_backward_loop),
    ("mse_batch", lambda Y, Y_hat: np.sum((Y_hat - Y) ** 2) / np.size(Y)),
    ("dmse_batch", lambda Y, Y_hat: 2 * (Y_hat - Y) / Y.size),
    ("relative_error", relative_error_loop),
    ("numeric_gradient", numeric_gradient_flat),
    ("gradient_check", gradient_check_own),
]


def variant_cases():
    return [pytest.param(e.name, code, id=f"{e.name}-{code}") for e in EXERCISES for code in e.variants]


# ---------------------------------------------------------------- the tests

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", [e.name for e in EXERCISES])
def test_reference_earns_full_marks(name, seed):
    result = check(name, catalogue.EXERCISES[name].reference, seed)
    assert (result.diagnosis, result.score) == ("ok", result.max_score)
    assert result.max_score == catalogue.EXERCISES[name].info.points > 0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name, code", variant_cases())
def test_each_variant_gets_its_own_code(name, code, seed):
    variant = catalogue.EXERCISES[name].variants[code]
    assert verdict(name, variant, seed) == (code.partition("/")[0], 0.0)


@pytest.mark.parametrize("name, function, code", PLAUSIBLE_MISTAKES,
                         ids=[f"{n}-{c}-{i}" for i, (n, _, c) in enumerate(PLAUSIBLE_MISTAKES)])
def test_plausible_mistake_fails_with_its_code(name, function, code):
    assert verdict(name, function) == (code, 0.0)


@pytest.mark.parametrize("name, function", EQUIVALENT_REWRITES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(EQUIVALENT_REWRITES)])
def test_equivalent_rewrite_passes(name, function):
    assert verdict(name, function) == ("ok", catalogue.EXERCISES[name].info.points)


def test_every_exercise_has_a_plausible_mistake_and_a_rewrite():
    names = {e.name for e in EXERCISES}
    assert {name for name, _, _ in PLAUSIBLE_MISTAKES} == names
    assert {name for name, _ in EQUIVALENT_REWRITES} == names


def test_points():
    points = {e.name: e.info.points for e in EXERCISES}
    assert sum(points[n] for n in catalogue.ASSIGNMENTS["05_training"]) == 2 + 2 + 3 * 4
    assert all(points[n] == 3 for n in ("train_full_batch", "train_minibatch", "train_stochastic", "train_xor"))
    assert all(1 <= p <= 3 for p in points.values())
    assert all(points[n] >= 2 for n in ("dense_backward", "activation_backward", "mlp_backward",
                                        "dmse_batch", "numeric_gradient", "gradient_check"))


def test_messages_name_what_to_look_at():
    transposes = check("dense_backward", lambda dZ, X, W: (dZ @ W, X.T @ dZ, dZ.sum(axis=0)))
    assert "Check the transposes" in transposes.message and "raised ValueError (at line" in transposes.message
    assert "shapes of the two factors" in transposes.message and "dZ·Wᵀ" not in transposes.message
    wrong_axis = check("dense_backward", lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ.sum(axis=1)))
    assert "which axis of dZ" in wrong_axis.message and "[2]" in wrong_axis.message
    minibatch = check("train_minibatch", a05_training.EXERCISES[3].variants["wrong_value"])
    assert "rng = default_rng(seed) once" in minibatch.message and "rng.permutation(n)" in minibatch.message
    summed = check("batch_gradients_regression", a05_training.EXERCISES[0].variants["constant_factor"])
    assert "not their sum" in summed.message


def cases_of(name, seed=2026):
    return catalogue.EXERCISES[name].cases(seed)


def test_activation_cases_cover_every_kind_and_avoid_relu_at_zero():
    for name in ("activation_forward", "activation_backward"):
        assert {case.inputs[-1] for case in cases_of(name)} == {"linear", "sigmoid", "tanh", "relu"}
    assert all(np.all(case.inputs[1] != 0) for case in cases_of("activation_backward"))


def test_mlp_cases_use_several_depths_and_the_reference_cache():
    cases = cases_of("mlp_backward")
    assert {len(case.inputs[2]) for case in cases} >= {1, 2, 3}
    for dY_hat, cache, params, activations in (case.inputs for case in cases):
        A_prev = cache[0][0]
        for (W, b), (cached_input, Z), kind in zip(params, cache, activations):
            np.testing.assert_array_equal(cached_input, A_prev)
            np.testing.assert_array_equal(Z, A_prev @ W + b)
            A_prev = S.activation_forward(Z, kind)
        assert dY_hat.shape == A_prev.shape


def test_004_worked_numbers_in_the_mlp_cases():
    forward, backward = cases_of("mlp_forward")[0], cases_of("mlp_backward")[0]
    np.testing.assert_allclose(forward.want[0], [[0.75136507, 0.772928465]], rtol=1e-8)
    np.testing.assert_allclose(backward.want[1][0][0, 0], 0.082167041, rtol=1e-8)


def test_gradient_check_cases_are_robust():
    """The random states are smooth nets (check below 1e-7) or relu kinks (check large); at every kink
    any h from 1e-4 to 1e-6 gives the same check within the tolerance (the worked one within 1e-5)."""
    info = catalogue.EXERCISES["gradient_check"].info
    cases = cases_of("gradient_check")
    kink, smooth = cases[0], [case for case in cases[1:] if case.want < 1e-7]
    kinks = [kink] + [case for case in cases[1:] if case.want >= 1e-7]
    assert kink.want > 0.3
    assert smooth and len(kinks) > 1 and all(case.want > 1e-3 for case in kinks)
    for case in kinks:
        X, Y, params, activations = case.inputs

        def loss():
            return S.mse_batch(Y, S.mlp_forward(X, params, activations)[0])

        for h in (1e-4, 1e-6):
            Y_hat, cache = S.mlp_forward(X, params, activations)
            analytic = S.mlp_backward(S.dmse_batch(Y, Y_hat), cache, params, activations)
            worst = max(S.relative_error(g, S.numeric_gradient(loss, p, h))
                        for grads, layer in zip(analytic, params) for g, p in zip(grads, layer))
            assert abs(worst - case.want) < (1e-5 if case is kink else info.atol + info.rtol * case.want)


def test_training_cases_shuffle_over_several_epochs_with_every_kind_of_batch():
    kinds = set()
    for X, Y, params, lr, epochs, batch_size, seed in (case.inputs for case in cases_of("train_minibatch")):
        n = len(X)
        assert 5 <= n <= 10 and 2 <= epochs <= 4
        kinds.add("1" if batch_size == 1 else "n" if batch_size == n else "more than n" if batch_size > n
                  else "divisor" if n % batch_size == 0 else "smaller last batch")
    assert kinds == {"1", "n", "more than n", "divisor", "smaller last batch"}
    xor = [case.inputs for case in cases_of("train_xor")]
    assert xor[0][2] == 500 and all(5 <= inputs[2] <= 50 for inputs in xor[1:] if len(inputs) == 3)
    assert [len(inputs) for inputs in xor[-2:]] == [2, 1]  # the default steps, then lr and steps too


@pytest.mark.parametrize("assignment", ["05_training", "06_vectorized"])
def test_public_cases_give_the_same_verdicts_after_json(assignment):
    """What a learner's self-check sees: the reference passes, every variant gets its code."""
    bundle = json.loads(json.dumps(public_cases(assignment)))
    assert list(bundle) == catalogue.ASSIGNMENTS[assignment]
    for name, entry in bundle.items():
        exercise = catalogue.EXERCISES[name]
        cases = [CaseRecord(**wire.decode(case)) for case in entry["cases"]]
        for code, function in [("ok", exercise.reference), *exercise.variants.items()]:
            assert judge(exercise.info, cases, [call(function, case.inputs) for case in cases]).diagnosis == \
                code.partition("/")[0]
