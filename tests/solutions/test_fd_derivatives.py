"""Every derivative in `solutions` against a centred finite difference (h = 1e-5) of the loss,
the loss computed by the independent forward passes of reference_forward.py.

Relative error: elementwise max of |a - b| / max(1e-8, |a| + |b|), required < 1e-6.
"""
import numpy as np
import pytest

import solutions as S
from reference_forward import (FD_RTOL, KINDS, activation_ref, bce, batch_regression_loss_ref,
                               classification_loss_ref, error_2_2_2_ref, fd_array, fd_param_dict,
                               fd_scalar, forward_classification_ref, forward_regression_ref,
                               forward_single_hidden_ref, mlp_forward_ref, mse_batch_ref, regression_loss_ref,
                               rel_err, sigma, single_hidden_loss_ref)

SEEDS = range(25)
RELU_KINK_MARGIN = 1e-3
MIN_RESOLVABLE_GRAD = 1e-4


def assert_matches_fd(what, analytic, numeric):
    analytic = np.asarray(analytic, dtype=float)
    numeric = np.asarray(numeric, dtype=float)
    assert analytic.shape == numeric.shape, (
        f"{what}: analytic shape {analytic.shape} != finite-difference shape {numeric.shape}")
    err = rel_err(analytic, numeric)
    assert err < FD_RTOL, (
        f"{what}: relative error {err:.3e} >= {FD_RTOL:g}\n"
        f"  analytic          = {analytic!r}\n  finite difference = {numeric!r}")


def away_from_zero(rng, lo, hi, size=None):
    """Uniform magnitude in [lo, hi] with a random sign, so that no factor of a product is ~0."""
    return rng.choice([-1.0, 1.0], size=size) * rng.uniform(lo, hi, size=size)


def random_221_params(rng):
    return {"W1": away_from_zero(rng, 0.3, 1.5, (2, 2)), "b1": rng.uniform(-1, 1, 2),
            "W2": away_from_zero(rng, 0.3, 1.5, 2), "b2": float(rng.uniform(-1, 1))}


def regression_state(seed):
    rng = np.random.default_rng(seed)
    x = away_from_zero(rng, 0.5, 2.0, 2)
    params = random_221_params(rng)
    O11, O12, y_hat = forward_regression_ref(x, params)
    y = float(y_hat + away_from_zero(rng, 0.5, 2.0))
    return x, y, params, {"y": y, "y_hat": y_hat, "O11": O11, "O12": O12, "x1": x[0],
                          "x2": x[1], "W2_11": params["W2"][0], "W2_21": params["W2"][1]}


def classification_state(seed):
    rng = np.random.default_rng(1000 + seed)
    x = away_from_zero(rng, 0.5, 2.0, 2)
    params = random_221_params(rng)
    y = float(rng.integers(2))
    O11, O12, y_hat = forward_classification_ref(x, params)
    return x, y, params, {"y": y, "y_hat": y_hat, "O11": O11, "O12": O12, "x1": x[0],
                          "x2": x[1], "W2_11": params["W2"][0], "W2_21": params["W2"][1]}


# name, parameter key, index in that parameter, argument names in the reference's order
REGRESSION_SINGLE = [
    ("dL_dW2_11", "W2", (0,), ("y", "y_hat", "O11")),
    ("dL_dW2_21", "W2", (1,), ("y", "y_hat", "O12")),
    ("dL_db21", "b2", (), ("y", "y_hat")),
    ("dL_dW1_11", "W1", (0, 0), ("y", "y_hat", "W2_11", "x1")),
    ("dL_dW1_21", "W1", (1, 0), ("y", "y_hat", "W2_11", "x2")),
    ("dL_db11", "b1", (0,), ("y", "y_hat", "W2_11")),
    ("dL_dW1_12", "W1", (0, 1), ("y", "y_hat", "W2_21", "x1")),
    ("dL_dW1_22", "W1", (1, 1), ("y", "y_hat", "W2_21", "x2")),
    ("dL_db12", "b1", (1,), ("y", "y_hat", "W2_21")),
]
CLASSIFICATION_SINGLE = [
    ("dL_dW2_11_clf", "W2", (0,), ("y", "y_hat", "O11")),
    ("dL_dW2_21_clf", "W2", (1,), ("y", "y_hat", "O12")),
    ("dL_db21_clf", "b2", (), ("y", "y_hat")),
    ("dL_dW1_11_clf", "W1", (0, 0), ("y", "y_hat", "W2_11", "O11", "x1")),
    ("dL_dW1_21_clf", "W1", (1, 0), ("y", "y_hat", "W2_11", "O11", "x2")),
    ("dL_db11_clf", "b1", (0,), ("y", "y_hat", "W2_11", "O11")),
    ("dL_dW1_12_clf", "W1", (0, 1), ("y", "y_hat", "W2_21", "O12", "x1")),
    ("dL_dW1_22_clf", "W1", (1, 1), ("y", "y_hat", "W2_21", "O12", "x2")),
    ("dL_db12_clf", "b1", (1,), ("y", "y_hat", "W2_21", "O12")),
]


# 01_derivatives ---------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_d_square_plus_x_matches_fd_of_x_squared_plus_x(seed):
    x = np.random.default_rng(seed).uniform(-5, 5)
    assert_matches_fd(f"d_square_plus_x({x})", S.d_square_plus_x(x),
                      fd_scalar(lambda u: u ** 2 + u, x))


@pytest.mark.parametrize("seed", SEEDS)
def test_grad_sum_of_squares_matches_fd_of_x2_plus_y2(seed):
    x, y = np.random.default_rng(seed).uniform(-5, 5, 2)
    numeric = [fd_scalar(lambda u: u ** 2 + y ** 2, x), fd_scalar(lambda v: x ** 2 + v ** 2, y)]
    assert_matches_fd(f"grad_sum_of_squares({x}, {y})", S.grad_sum_of_squares(x, y), numeric)


# 02_regression ----------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_dL_dyhat_matches_fd_of_squared_error(seed):
    _, y, _, s = regression_state(seed)
    assert_matches_fd("dL_dyhat", S.dL_dyhat(y, s["y_hat"]),
                      fd_scalar(lambda yh: (y - yh) ** 2, s["y_hat"]))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name,key,idx,args", REGRESSION_SINGLE,
                         ids=[r[0] for r in REGRESSION_SINGLE])
def test_regression_single_derivative_matches_fd(name, key, idx, args, seed):
    x, y, params, s = regression_state(seed)
    numeric = fd_param_dict(lambda p: regression_loss_ref(x, y, p), params)[key]
    analytic = getattr(S, name)(*(s[a] for a in args))
    assert_matches_fd(f"{name}{tuple(args)} seed {seed}", analytic, np.asarray(numeric)[idx])


@pytest.mark.parametrize("seed", SEEDS)
def test_gradients_regression_matches_fd_for_all_nine_parameters(seed):
    x, y, params, _ = regression_state(seed)
    grads = S.gradients_regression(x, y, params)
    numeric = fd_param_dict(lambda p: regression_loss_ref(x, y, p), params)
    assert set(grads) == set(params), f"gradients_regression keys {sorted(grads)}"
    for key in params:
        assert np.shape(grads[key]) == np.shape(params[key]), (
            f"gradients_regression[{key!r}] shape {np.shape(grads[key])}, "
            f"params shape {np.shape(params[key])}")
        assert_matches_fd(f"gradients_regression[{key!r}] seed {seed}", grads[key], numeric[key])


# 03_classification ------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_dL_dyhat_bce_matches_fd_of_bce(seed):
    rng = np.random.default_rng(seed)
    y, y_hat = float(rng.integers(2)), rng.uniform(0.05, 0.95)
    assert_matches_fd(f"dL_dyhat_bce({y}, {y_hat})", S.dL_dyhat_bce(y, y_hat),
                      fd_scalar(lambda yh: bce(y, yh), y_hat))


@pytest.mark.parametrize("seed", SEEDS)
def test_dL_dz_output_matches_fd_of_bce_of_sigmoid(seed):
    rng = np.random.default_rng(seed)
    y, z = float(rng.integers(2)), rng.uniform(-3, 3)
    y_hat = float(sigma(z))
    assert_matches_fd(f"dL_dz_output({y}, {y_hat})", S.dL_dz_output(y, y_hat),
                      fd_scalar(lambda u: bce(y, sigma(u)), z))


@pytest.mark.parametrize("name", ["sigmoid_derivative", "dout_dnet"])
@pytest.mark.parametrize("seed", SEEDS)
def test_sigmoid_slope_of_output_matches_fd_of_sigmoid_at_its_net_input(name, seed):
    net = np.random.default_rng(seed).uniform(-4, 4)
    out = float(sigma(net))
    assert_matches_fd(f"{name}({out}) (net {net})", getattr(S, name)(out),
                      fd_scalar(sigma, net))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name,key,idx,args", CLASSIFICATION_SINGLE,
                         ids=[r[0] for r in CLASSIFICATION_SINGLE])
def test_classification_single_derivative_matches_fd(name, key, idx, args, seed):
    x, y, params, s = classification_state(seed)
    numeric = fd_param_dict(lambda p: classification_loss_ref(x, y, p), params)[key]
    analytic = getattr(S, name)(*(s[a] for a in args))
    assert_matches_fd(f"{name}{tuple(args)} seed {seed}", analytic, np.asarray(numeric)[idx])


@pytest.mark.parametrize("seed", SEEDS)
def test_gradients_classification_matches_fd_for_all_nine_parameters(seed):
    x, y, params, _ = classification_state(seed)
    grads = S.gradients_classification(x, y, params)
    numeric = fd_param_dict(lambda p: classification_loss_ref(x, y, p), params)
    assert set(grads) == set(params), f"gradients_classification keys {sorted(grads)}"
    for key in params:
        assert np.shape(grads[key]) == np.shape(params[key]), (
            f"gradients_classification[{key!r}] shape {np.shape(grads[key])}")
        assert_matches_fd(f"gradients_classification[{key!r}] seed {seed}", grads[key],
                          numeric[key])


def single_hidden_state(seed):
    rng = np.random.default_rng(2000 + seed)
    x = away_from_zero(rng, 0.5, 2.0, 2)
    params = {"w": away_from_zero(rng, 0.3, 1.5, 2), "b1": float(rng.uniform(-1, 1)),
              "v": float(away_from_zero(rng, 0.3, 2.0)), "b2": float(rng.uniform(-1, 1))}
    return x, float(rng.integers(2)), params


@pytest.mark.parametrize("seed", SEEDS)
def test_forward_single_hidden_is_the_forward_pass_the_fd_oracle_differentiates(seed):
    """The gradients below are checked against the loss of forward_single_hidden_ref: the solution's
    forward pass, which gradients_single_hidden and train_single_hidden use, must be that one."""
    x, _, params = single_hidden_state(seed)
    got, want = S.forward_single_hidden(x, params), forward_single_hidden_ref(x, params)
    assert isinstance(got, tuple) and len(got) == 2, f"forward_single_hidden returned {got!r}"
    assert rel_err(got, want) < 1e-12, f"forward_single_hidden {got} != {want}"


@pytest.mark.parametrize("seed", SEEDS)
def test_gradients_single_hidden_matches_fd_of_document_001_network(seed):
    x, y, params = single_hidden_state(seed)
    grads = S.gradients_single_hidden(x, y, params)
    numeric = fd_param_dict(lambda p: single_hidden_loss_ref(x, y, p), params)
    assert set(grads) == set(params), f"gradients_single_hidden keys {sorted(grads)}"
    for key in params:
        assert np.shape(grads[key]) == np.shape(params[key]), (
            f"gradients_single_hidden[{key!r}] shape {np.shape(grads[key])}")
        assert_matches_fd(f"gradients_single_hidden[{key!r}] seed {seed}", grads[key],
                          numeric[key])


# 04_worked_example ------------------------------------------------------------------------------

def network_2_2_2_state(seed):
    rng = np.random.default_rng(3000 + seed)
    x = away_from_zero(rng, 0.2, 1.0, 2)
    t = rng.uniform(0.05, 0.95, 2)
    w = {f"w{i}": float(away_from_zero(rng, 0.1, 1.0)) for i in range(1, 9)}
    b = (float(rng.uniform(-1, 1)), float(rng.uniform(-1, 1)))
    return x, t, w, b


@pytest.mark.parametrize("seed", SEEDS)
def test_dE_dout_matches_fd_of_half_squared_error(seed):
    t, o = np.random.default_rng(seed).uniform(0.01, 0.99, 2)
    assert_matches_fd(f"dE_dout({t}, {o})", S.dE_dout(t, o),
                      fd_scalar(lambda u: 0.5 * (t - u) ** 2, o))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name,keys", [("output_layer_gradients", ("w5", "w6", "w7", "w8")),
                                       ("hidden_layer_gradients", ("w1", "w2", "w3", "w4"))])
def test_2_2_2_layer_gradients_match_fd_of_total_error(name, keys, seed):
    x, t, w, b = network_2_2_2_state(seed)
    grads = getattr(S, name)(x, t, w, b)
    assert set(grads) == set(keys), f"{name} returned keys {sorted(grads)}, want {keys}"
    numeric = fd_param_dict(lambda p: error_2_2_2_ref(x, t, p, b), w)
    for key in keys:
        assert_matches_fd(f"{name}[{key!r}] seed {seed}", grads[key], numeric[key])


# 05_training ------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_batch_gradients_regression_matches_fd_of_mean_mse(seed):
    rng = np.random.default_rng(4000 + seed)
    n = int(rng.integers(1, 8))
    X = rng.uniform(-2, 2, (n, 2))
    Y = rng.uniform(-3, 3, n)
    params = random_221_params(rng)
    grads = S.batch_gradients_regression(X, Y, params)
    numeric = fd_param_dict(lambda p: batch_regression_loss_ref(X, Y, p), params)
    assert set(grads) == set(params), f"batch_gradients_regression keys {sorted(grads)}"
    for key in params:
        assert np.shape(grads[key]) == np.shape(params[key]), (
            f"batch_gradients_regression[{key!r}] shape {np.shape(grads[key])}")
        assert_matches_fd(f"batch_gradients_regression[{key!r}] seed {seed} n {n}", grads[key],
                          numeric[key])


# 06_vectorized ----------------------------------------------------------------------------------

def fd_mlp_gradients(X, Y, params, activations):
    work = [(W.copy(), b.copy()) for W, b in params]

    def loss():
        return mse_batch_ref(Y, mlp_forward_ref(X, work, activations)[0])

    return [(fd_array(loss, W), fd_array(loss, b)) for W, b in work]


def fd_resolvable(fd_grads):
    """Every entry is exactly 0 (a dead ReLU path) or large enough for float64 centred
    differences to resolve it to 1e-6 (their round-off is ~1e-11 here)."""
    g = np.abs(np.concatenate([np.ravel(a) for pair in fd_grads for a in pair]))
    return bool(np.all((g == 0) | (g >= MIN_RESOLVABLE_GRAD)))


def random_mlp_case(seed, kinds):
    """X, Y, params, activations and finite-difference gradients for depth 1-4, widths 1-5.
    States with a ReLU pre-activation within RELU_KINK_MARGIN of 0, or with a gradient entry
    too small to resolve, are redrawn."""
    rng = np.random.default_rng(5000 + seed)
    while True:
        depth = int(rng.integers(1, 5))
        sizes = [int(s) for s in rng.integers(1, 6, depth + 1)]
        n = int(rng.integers(1, 7))
        activations = [kinds[int(rng.integers(len(kinds)))] for _ in range(depth)]
        params = [(rng.normal(0, 1, (d_in, d_out)), rng.normal(0, 0.5, d_out))
                  for d_in, d_out in zip(sizes, sizes[1:])]
        X = away_from_zero(rng, 0.3, 2.0, (n, sizes[0]))
        Y = rng.normal(0, 1, (n, sizes[-1]))
        _, Zs = mlp_forward_ref(X, params, activations)
        if any(kind == "relu" and np.any(np.abs(Z) < RELU_KINK_MARGIN)
               for Z, kind in zip(Zs, activations)):
            continue
        fd_grads = fd_mlp_gradients(X, Y, params, activations)
        if fd_resolvable(fd_grads):
            return X, Y, params, activations, fd_grads


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kinds", [(k,) for k in KINDS] + [KINDS],
                         ids=list(KINDS) + ["mixed"])
def test_mlp_backward_matches_fd_of_mse_batch(kinds, seed):
    X, Y, params, activations, fd_grads = random_mlp_case(seed, kinds)
    shape = f"sizes {[W.shape for W, _ in params]}, activations {activations}, n {len(X)}"
    Y_hat, cache = S.mlp_forward(X, params, activations)
    Y_ref, _ = mlp_forward_ref(X, params, activations)
    np.testing.assert_allclose(
        Y_hat, Y_ref, rtol=1e-12, atol=1e-12,
        err_msg=f"mlp_forward disagrees with the independent forward ({shape})")
    grads = S.mlp_backward(S.dmse_batch(Y, Y_hat), cache, params, activations)
    assert len(grads) == len(params), f"mlp_backward gave {len(grads)} layers, want {len(params)}"
    for layer, ((dW, db), (fd_W, fd_b)) in enumerate(zip(grads, fd_grads)):
        assert_matches_fd(f"mlp_backward dW[{layer}] ({shape})", dW, fd_W)
        assert_matches_fd(f"mlp_backward db[{layer}] ({shape})", db, fd_b)


@pytest.mark.parametrize("seed", SEEDS)
def test_dense_backward_matches_fd_of_half_squared_error_of_affine_map(seed):
    rng = np.random.default_rng(6000 + seed)
    n, d_in, d_out = (int(v) for v in rng.integers(1, 6, 3))
    X, W, b = rng.normal(0, 1, (n, d_in)), rng.normal(0, 1, (d_in, d_out)), rng.normal(0, 1, d_out)
    T = rng.normal(0, 1, (n, d_out))

    def loss():
        return 0.5 * float(np.sum((X @ W + b - T) ** 2))

    dX, dW, db = S.dense_backward(X @ W + b - T, X, W)
    for what, analytic, arr in (("dX", dX, X), ("dW", dW, W), ("db", db, b)):
        assert_matches_fd(f"dense_backward {what} seed {seed}", analytic, fd_array(loss, arr))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", KINDS)
def test_activation_backward_matches_fd_of_weighted_activation_sum(kind, seed):
    rng = np.random.default_rng(7000 + seed)
    shape = tuple(int(v) for v in rng.integers(1, 6, 2))
    Z = away_from_zero(rng, RELU_KINK_MARGIN, 3.0, shape)
    C = rng.normal(0, 1, shape)
    analytic = S.activation_backward(C, Z.copy(), kind)
    numeric = fd_array(lambda: float(np.sum(C * activation_ref(Z, kind))), Z)
    assert_matches_fd(f"activation_backward kind {kind!r} seed {seed}", analytic, numeric)


@pytest.mark.parametrize("seed", SEEDS)
def test_dmse_batch_matches_fd_of_mse_batch(seed):
    rng = np.random.default_rng(8000 + seed)
    shape = tuple(int(v) for v in rng.integers(1, 6, 2))
    Y, Y_hat = rng.normal(0, 1, shape), rng.normal(0, 1, shape)
    assert_matches_fd(f"dmse_batch shape {shape}", S.dmse_batch(Y, Y_hat.copy()),
                      fd_array(lambda: mse_batch_ref(Y, Y_hat), Y_hat))
