"""Training functions: deterministic, never mutate their inputs, and follow the algorithms of
the documents, step by step."""
import copy

import numpy as np
import pytest

import solutions as S
from reference_forward import (B_004, T_004, W_004, X_004, batch_regression_loss_ref,
                               classification_loss_ref, error_2_2_2_ref, fd_param_dict,
                               regression_loss_ref, single_hidden_loss_ref, xor_loss_ref)


def assert_tree(check, got, want, path="result"):
    """Walk dicts, lists and tuples; compare leaves with check(got_leaf, want_leaf)."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and set(got) == set(want), (
            f"{path}: keys {sorted(got) if isinstance(got, dict) else type(got)} != {sorted(want)}")
        for key in want:
            assert_tree(check, got[key], want[key], f"{path}[{key!r}]")
    elif isinstance(want, (list, tuple)):
        assert isinstance(got, (list, tuple)) and len(got) == len(want), (
            f"{path}: {type(got).__name__} of length {len(got)}, want {len(want)}")
        for i, (g, w) in enumerate(zip(got, want)):
            assert_tree(check, g, w, f"{path}[{i}]")
    else:
        assert np.shape(got) == np.shape(want), (
            f"{path}: shape {np.shape(got)} != {np.shape(want)}")
        assert check(np.asarray(got, dtype=float), np.asarray(want, dtype=float)), (
            f"{path}:\n  got  {got!r}\n  want {want!r}")


def assert_identical(got, want, path="result"):
    assert_tree(np.array_equal, got, want, path)


def assert_close(got, want, path="result", rtol=1e-12, atol=1e-14):
    assert_tree(lambda g, w: np.allclose(g, w, rtol=rtol, atol=atol), got, want, path)


def regression_data(n=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    Y = rng.uniform(-1, 1, n)
    params = {"W1": rng.uniform(-1, 1, (2, 2)), "b1": rng.uniform(-0.5, 0.5, 2),
              "W2": rng.uniform(-1, 1, 2), "b2": float(rng.uniform(-0.5, 0.5))}
    return X, Y, params


def classification_data(n=6, seed=1):
    X, _, params = regression_data(n, seed)
    Y = (np.arange(n) % 2).astype(float)
    return X, Y, params


def single_hidden_data(n=6, seed=2):
    """Document 001's network: rows with both labels, and {w, b1, v, b2}."""
    X, Y, _ = classification_data(n, seed)
    rng = np.random.default_rng(seed)
    params = {"w": rng.uniform(-1, 1, 2), "b1": float(rng.uniform(-0.5, 0.5)),
              "v": float(rng.uniform(-1.5, 1.5)), "b2": float(rng.uniform(-0.5, 0.5))}
    return X, Y, params


def xor_params(seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.uniform(0.1, 0.9, (2, 3)), "b1": rng.uniform(0.1, 0.9, 3),
            "W2": rng.uniform(0.1, 0.9, (3, 1)), "b2": rng.uniform(0.1, 0.9, 1)}


def updated(params, grads, lr):
    return {k: params[k] - lr * grads[k] for k in params}


TRAINERS = {
    "train_regression": lambda: (S.train_regression, (*regression_data(), 0.05, 3, 7)),
    "train_classification": lambda: (S.train_classification,
                                     (*classification_data(), 0.5, 3, 7)),
    "train_single_hidden": lambda: (S.train_single_hidden, (*single_hidden_data(), 0.5, 3, 7)),
    "train_2_2_2": lambda: (S.train_2_2_2, (X_004.copy(), T_004.copy(), dict(W_004), B_004,
                                            0.5, 20)),
    "train_full_batch": lambda: (S.train_full_batch, (*regression_data(), 0.05, 5)),
    "train_minibatch": lambda: (S.train_minibatch, (*regression_data(7), 0.05, 3, 3, 7)),
    "train_stochastic": lambda: (S.train_stochastic, (*regression_data(), 0.05, 3, 7)),
    "train_xor": lambda: (S.train_xor, (xor_params(), 1.0, 50)),
    "gradient_descent_1d": lambda: (S.gradient_descent_1d, (2.0, 0.1, 30)),
}
# position of the seed argument
SEEDED = {"train_regression": 5, "train_classification": 5, "train_minibatch": 6,
          "train_stochastic": 5}


@pytest.mark.parametrize("name", TRAINERS)
def test_training_is_deterministic(name):
    fn, args = TRAINERS[name]()
    first = fn(*copy.deepcopy(args))
    second = fn(*copy.deepcopy(args))
    assert_identical(second, first, f"{name} second run")


@pytest.mark.parametrize("name", SEEDED)
def test_seed_changes_the_row_order(name):
    fn, args = TRAINERS[name]()
    seed_at = SEEDED[name]
    other = (*args[:seed_at], args[seed_at] + 1, *args[seed_at + 1:])
    a, b = fn(*args)[0], fn(*other)[0]
    assert not all(np.array_equal(a[k], b[k]) for k in a), f"{name} ignores its seed"


@pytest.mark.parametrize("name", TRAINERS)
def test_training_does_not_mutate_its_inputs(name):
    fn, args = TRAINERS[name]()
    before = copy.deepcopy(args)
    fn(*args)
    assert_identical(args, before, f"{name} arguments after the call")


# 02 / 03: the documents' row-by-row loop ---------------------------------------------------------

def manual_row_by_row(X, Y, params, lr, epochs, seed, loss, gradients):
    rng = np.random.default_rng(seed)
    n = len(X)
    epoch_losses = []
    for _ in range(epochs):
        step_losses = []
        for _ in range(n):
            i = rng.integers(n)
            step_losses.append(loss(X[i], Y[i], params))
            params = updated(params, gradients(X[i], Y[i], params), lr)
        epoch_losses.append(np.mean(step_losses))
    return params, np.array(epoch_losses)


@pytest.mark.parametrize("epochs", [1, 3])
def test_train_regression_is_n_random_row_steps_per_epoch_from_one_rng(epochs):
    X, Y, params = regression_data()
    got = S.train_regression(X, Y, params, 0.05, epochs, 11)
    want = manual_row_by_row(X, Y, params, 0.05, epochs, 11, regression_loss_ref,
                             S.gradients_regression)
    assert_close(got, want, "train_regression (params, epoch_losses)")


@pytest.mark.parametrize("epochs", [1, 3])
def test_train_classification_is_n_random_row_steps_per_epoch_from_one_rng(epochs):
    X, Y, params = classification_data()
    got = S.train_classification(X, Y, params, 0.5, epochs, 11)
    want = manual_row_by_row(X, Y, params, 0.5, epochs, 11, classification_loss_ref,
                             S.gradients_classification)
    assert_close(got, want, "train_classification (params, epoch_losses)")


@pytest.mark.parametrize("epochs", [1, 3])
def test_train_single_hidden_takes_the_rows_in_order_with_the_fd_gradient_of_each(epochs):
    """Document 001: each epoch row 0, 1, …, n − 1, one step each, the step's loss measured before it;
    the gradients here are centred differences of the independent loss, not the solution's."""
    X, Y, params = single_hidden_data()
    got = S.train_single_hidden(X, Y, params, 0.5, epochs, 11)
    p, epoch_losses = params, []
    for _ in range(epochs):
        step_losses = []
        for x, y in zip(X, Y):
            step_losses.append(single_hidden_loss_ref(x, y, p))
            p = updated(p, fd_param_dict(lambda q: single_hidden_loss_ref(x, y, q), p), 0.5)
        epoch_losses.append(np.mean(step_losses))
    assert_close(got, (p, np.array(epoch_losses)), "train_single_hidden (params, epoch_losses)",
                 rtol=1e-7, atol=1e-9)


def test_train_single_hidden_does_not_depend_on_its_seed():
    """Document 001 draws nothing at random: the seed is there only for a call like
    train_classification's."""
    X, Y, params = single_hidden_data()
    assert_identical(S.train_single_hidden(X, Y, params, 0.5, 3, 0),
                     S.train_single_hidden(X, Y, params, 0.5, 3, 12345), "train_single_hidden with another seed")


def test_train_regression_one_step_uses_the_fd_gradient_of_the_picked_row():
    X, Y, params = regression_data(n=1)
    got, _ = S.train_regression(X, Y, params, 0.05, 1, 3)
    fd = fd_param_dict(lambda p: regression_loss_ref(X[0], Y[0], p), params)
    assert_close(got, updated(params, fd, 0.05), "train_regression after one step",
                 rtol=1e-8, atol=1e-10)


# 05: full batch, mini-batch, stochastic ----------------------------------------------------------

def manual_batches(X, Y, params, lr, epochs, batches_of_epoch):
    losses = []
    for _ in range(epochs):
        for rows in batches_of_epoch():
            params = updated(params, S.batch_gradients_regression(X[rows], Y[rows], params), lr)
        losses.append(batch_regression_loss_ref(X, Y, params))
    return params, np.array(losses)


def test_train_full_batch_is_one_mean_gradient_update_per_epoch():
    X, Y, params = regression_data()
    got = S.train_full_batch(X, Y, params, 0.05, 4)
    want = manual_batches(X, Y, params, 0.05, 4, lambda: [np.arange(len(X))])
    assert_close(got, want, "train_full_batch (params, losses)")


def test_train_full_batch_one_epoch_uses_the_fd_gradient_of_the_mean_loss():
    X, Y, params = regression_data()
    got, losses = S.train_full_batch(X, Y, params, 0.05, 1)
    fd = fd_param_dict(lambda p: batch_regression_loss_ref(X, Y, p), params)
    assert_close(got, updated(params, fd, 0.05), "train_full_batch after one epoch",
                 rtol=1e-8, atol=1e-10)
    assert losses[0] == pytest.approx(batch_regression_loss_ref(X, Y, got), rel=1e-12)


@pytest.mark.parametrize("n,batch_size", [(7, 3), (6, 3), (5, 10), (4, 1)])
def test_train_minibatch_splits_a_fresh_permutation_into_consecutive_batches(n, batch_size):
    X, Y, params = regression_data(n)
    got = S.train_minibatch(X, Y, params, 0.05, 3, batch_size, 13)
    rng = np.random.default_rng(13)

    def batches():
        order = rng.permutation(n)
        return [order[s:s + batch_size] for s in range(0, n, batch_size)]

    want = manual_batches(X, Y, params, 0.05, 3, batches)
    assert_close(got, want, f"train_minibatch n={n} batch_size={batch_size} (params, losses)")


def test_train_stochastic_visits_a_fresh_permutation_one_row_at_a_time():
    X, Y, params = regression_data()
    got = S.train_stochastic(X, Y, params, 0.05, 3, 17)
    rng = np.random.default_rng(17)
    params_m, losses = params, []
    for _ in range(3):
        for i in rng.permutation(len(X)):
            params_m = updated(params_m, S.gradients_regression(X[i], Y[i], params_m), 0.05)
        losses.append(batch_regression_loss_ref(X, Y, params_m))
    assert_close(got, (params_m, np.array(losses)), "train_stochastic (params, losses)")


# 04: the worked example's loop ------------------------------------------------------------------

def test_train_2_2_2_one_step_is_the_fd_gradient_step_with_biases_fixed():
    w0 = dict(W_004)
    w1, errors = S.train_2_2_2(X_004, T_004, w0, B_004, 0.5, 1)
    fd = fd_param_dict(lambda w: error_2_2_2_ref(X_004, T_004, w, B_004), w0)
    assert_close(w1, updated(w0, fd, 0.5), "train_2_2_2 after one step", rtol=1e-8, atol=1e-10)
    assert_close(errors, np.array([error_2_2_2_ref(X_004, T_004, w0, B_004)]),
                 "errors (E before step 0)")


def test_train_2_2_2_errors_k_is_the_error_before_step_k():
    w, errors = S.train_2_2_2(X_004, T_004, dict(W_004), B_004, 0.5, 5)
    assert len(errors) == 5, f"{len(errors)} errors for 5 steps"
    w_k = dict(W_004)
    for k in range(5):
        assert errors[k] == pytest.approx(error_2_2_2_ref(X_004, T_004, w_k, B_004), rel=1e-12), (
            f"errors[{k}] is not E before step {k}")
        w_k = S.train_2_2_2(X_004, T_004, w_k, B_004, 0.5, 1)[0]
    assert_close(w, w_k, "train_2_2_2 after 5 steps vs 5 single steps")


# 05: document 002's XOR network -----------------------------------------------------------------

def test_train_xor_is_full_batch_descent_on_the_sum_of_squares():
    p0 = xor_params(3)
    got, losses = S.train_xor(copy.deepcopy(p0), lr=1.0, steps=3)
    sequence = [p0]
    for _ in range(3):
        sequence.append(updated(sequence[-1], fd_param_dict(xor_loss_ref, sequence[-1]), 1.0))
    assert_close(got, sequence[-1], "train_xor params after 3 steps", rtol=1e-7, atol=1e-9)
    before = [xor_loss_ref(p) for p in sequence[:-1]]
    after = [xor_loss_ref(p) for p in sequence[1:]]
    assert len(losses) == 3, f"train_xor gave {len(losses)} losses for 3 steps"
    assert (np.allclose(losses, before, rtol=1e-9) or np.allclose(losses, after, rtol=1e-9)), (
        f"train_xor losses {losses} are neither the sum of squares before each step {before} "
        f"nor after it {after}")


@pytest.mark.parametrize("seed", range(3))
def test_train_xor_loss_decreases_over_500_steps(seed):
    p0 = xor_params(seed)
    params, losses = S.train_xor(copy.deepcopy(p0), lr=1.0, steps=500)
    assert len(losses) == 500, f"train_xor gave {len(losses)} losses for 500 steps"
    assert set(params) == {"W1", "b1", "W2", "b2"}
    for key in p0:
        assert np.shape(params[key]) == np.shape(p0[key]), f"{key} shape {np.shape(params[key])}"
    start, end = xor_loss_ref(p0), xor_loss_ref(params)
    assert losses[-1] < losses[0] and end < 0.5 * start, (
        f"XOR sum of squares went {start} -> {end} "
        f"(losses[0] {losses[0]}, losses[-1] {losses[-1]})")
