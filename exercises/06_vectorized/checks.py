"""Checks for 06_vectorized (documents 002 and 004): backpropagation in matrix form, any depth."""
import numpy as np

import solutions as S

from exercises import checks
from grader.judge.diagnose import ExerciseInfo
from grader.judge.wire import Callable
from grader.exercise import Exercise


A = "06_vectorized"
SOURCE = "002 (X·W + b per layer) and 004 (the chain rule), in matrix form"
FINITE_DIFFERENCE = "the centred finite difference the grader itself uses"
KINDS = ("linear", "sigmoid", "tanh", "relu")
IN_TURN = ("relu", "sigmoid", "tanh", "linear")  # the kind random state i takes: IN_TURN[i % 4]
DERIVATIVES = "f′ = 1 (linear), σ(Z)(1 − σ(Z)) (sigmoid), 1 − tanh²Z (tanh), 1 where Z > 0 else 0 (relu)"
ACTIVATION_CHAIN = "∂L/∂Z = ∂L/∂A ⊙ f′(Z), f′ taken at the net input Z"
SHAPES = "dX has the shape of X (n, d_in), dW that of W (d_in, d_out), db that of b (d_out,)"
CACHE = ("Return (Y_hat, cache) with one (A_prev, Z) per layer, in order: A_prev is the layer's input "
         "(X for the first layer, not the layer's own output) and Z = A_prev·W + b.")
MEAN_HINT = ("Off by a constant factor: {what}; N = Y.size counts every entry of Y, rows × columns. "
             "Check the 1/N and the other constants (it should compute {formula}).")


def _info(name, points, formula, source=SOURCE, **kw):
    return ExerciseInfo(name, A, points, formula, source, **kw)


def _layer(rng, d_in, d_out):
    return rng.normal(size=(d_in, d_out)), rng.normal(size=d_out)


def _random_net(rng, kinds=KINDS, kind=None):
    """(X, params, activations): n 2 … 5 rows, depth 1 … 3, widths 1 … 4. With kind, a layer drawn at
    random has that activation; if relu, one of its units gets a bias that puts its Z on both sides of
    the kink (at least 0.1 from it), so relu′ is 0 on some rows and 1 on others."""
    while True:
        sizes = [int(d) for d in rng.integers(1, 5, size=int(rng.integers(2, 5)))]
        params = [_layer(rng, d_in, d_out) for d_in, d_out in zip(sizes, sizes[1:])]
        activations = [str(rng.choice(kinds)) for _ in params]
        X = rng.normal(size=(int(rng.integers(2, 6)), sizes[0]))
        if kind is None:
            return X, params, activations
        layer = int(rng.integers(len(params)))
        activations[layer] = kind
        if kind != "relu":
            return X, params, activations
        W, b = params[layer]
        unit = int(rng.integers(W.shape[1]))
        z = np.sort(S.mlp_forward(X, params[:layer], activations[:layer])[0] @ W[:, unit])
        split = int(np.argmax(np.diff(z)))
        if z[split + 1] - z[split] > 0.2:  # else the rows meet the unit all alike: draw again
            b[unit] = -(z[split] + z[split + 1]) / 2
            return X, params, activations


def _dense_forward_inputs(rng):
    n, d_in, d_out = (int(d) for d in rng.integers(1, 5, size=3))
    return [rng.normal(size=(n, d_in)), *_layer(rng, d_in, d_out)]


def _dense_backward_inputs(rng):
    X, W, _ = _dense_forward_inputs(rng)
    return [rng.normal(size=(len(X), W.shape[1])), X, W]


def _activation_state(rng, i):
    """[Z, kind] with the kinds in turn; relu's Z has an entry on each side of the kink."""
    kind = IN_TURN[i % len(IN_TURN)]
    shape = tuple(int(d) for d in rng.integers(1, 5, size=2))
    if kind == "relu" and shape == (1, 1):
        shape = (1, 2)
    Z = 2 * rng.normal(size=shape)
    if kind == "relu":
        below, above = rng.choice(Z.size, size=2, replace=False)
        flat = Z.reshape(-1)  # a view of Z
        flat[below], flat[above] = -abs(flat[below]), abs(flat[above])
    return [Z, kind]


_activation_forward_inputs = _activation_state


def _activation_backward_inputs(rng, i):
    Z, kind = _activation_state(rng, i)
    return [rng.normal(size=Z.shape), Z, kind]


def _mlp_forward_inputs(rng, i):
    """A random net with the kinds in turn at one of its layers (relu on both sides of its kink)."""
    return list(_random_net(rng, kind=IN_TURN[i % len(IN_TURN)]))


def _mlp_backward_inputs(rng, i):
    X, params, activations = _random_net(rng, kind=IN_TURN[i % len(IN_TURN)])
    Y_hat, cache = S.mlp_forward(X, params, activations)
    return [rng.normal(size=Y_hat.shape), cache, params, activations]


def _pair(rng):
    shape = tuple(int(d) for d in rng.integers(1, 5, size=int(rng.integers(1, 3))))
    return rng.normal(size=shape), rng.normal(size=shape)


def _targets_and_predictions(rng):
    """Y and Y_hat of shape (n, d): with d > 1, N = Y.size differs from len(Y)."""
    n, d = int(rng.integers(2, 6)), int(rng.integers(1, 4))
    return [rng.normal(size=(n, d)), rng.normal(size=(n, d))]


def _relative_error_inputs(rng, i):
    """Entries of b close to a, or not. In three states of four every b_i has the sign of a_i, so that
    the result is below 1 and varies from state to state: one pair of opposite signs makes it exactly 1.
    Every other state has at least one entry where a and b are both 0, and only the 1e-8 floor of the
    denominator keeps the ratio finite; the others at least one entry where they are not."""
    a, b = _pair(rng)
    if i % 4 != 3:
        b = np.where(a < 0, -np.abs(b), np.abs(b))
    b = np.where(rng.random(a.shape) < 0.5, a + 1e-4 * rng.normal(size=a.shape), b)
    both_zero = rng.random(a.shape) < 0.3  # where the 1e-8 floor of the denominator matters
    both_zero.flat[int(rng.integers(a.size))] = bool(i % 2)
    return [np.where(both_zero, 0.0, a), np.where(both_zero, 0.0, b)]


def _numeric_gradient_inputs(rng):
    name = str(rng.choice(["sum_of_squares", "weighted_sin", "log_cosh", "square_of_sum_plus_sin"]))
    x = rng.normal(size=tuple(int(d) for d in rng.integers(1, 4, size=int(rng.integers(1, 3)))))
    return [Callable(name, reads=1), x, float(rng.choice([1e-3, 1e-4, 1e-5]))]


# gradient_check's tolerance: atol for the smooth cases (rounding noise, 1e-11 … 1e-7), rtol for the
# relu-kink cases, whose value a finite difference reproduces only to O(h) (see the exercise below).
CHECK_RTOL, CHECK_ATOL = 1e-3, 1e-5
OTHER_STEPS = (1e-4, 1e-6, 1e-7)  # h a learner's gradient_check may give numeric_gradient, besides 1e-5


def _check_with_step(X, Y, params, activations, h):
    """gradient_check with numeric_gradient's h set to h."""
    def loss():
        return S.mse_batch(Y, S.mlp_forward(X, params, activations)[0])

    Y_hat, cache = S.mlp_forward(X, params, activations)
    analytic = S.mlp_backward(S.dmse_batch(Y, Y_hat), cache, params, activations)
    return max(S.relative_error(g, S.numeric_gradient(loss, p, h))
               for grads, layer in zip(analytic, params) for g, p in zip(grads, layer))


def _smooth_check_inputs(rng, kind=None):
    """A net with no unit near a relu kink (relu units may be there, away from 0), with kind at one of
    its layers: its check is below 1e-7, and below 1e-6 for every h from 1e-7 to 1e-4, far inside the
    tolerance."""
    while True:
        X, params, activations = _random_net(rng, kind=kind)
        Y = rng.normal(size=S.mlp_forward(X, params, activations)[0].shape)
        if S.gradient_check(X, Y, params, activations) < 1e-7 and all(
                _check_with_step(X, Y, params, activations, h) < 1e-6 for h in OTHER_STEPS):
            return [X, Y, params, activations]


def _kinked_check_inputs(rng):
    """A relu unit planted 1e-12 above its kink on one row, as in the worked case, at a random layer,
    unit and row of a random net: every h from 1e-7 to 1e-4 straddles the kink, so the check is large,
    and the same for all those h within a quarter of the tolerance.

    Values near 1 (the two gradients of opposite signs) and near 1/3 (only the planted row's share,
    halved) are drawn again: the value differs from case to case, so no constant can stand for it."""
    while True:
        X, params, activations = _random_net(rng)
        layer = int(rng.integers(len(params)))
        activations[layer] = "relu"
        A_prev = S.mlp_forward(X, params[:layer], activations[:layer])[0]
        W, b = params[layer]
        unit, row = int(rng.integers(W.shape[1])), int(rng.integers(len(X)))
        b[unit] = 1e-12 - A_prev[row] @ W[:, unit]
        Y = rng.normal(size=S.mlp_forward(X, params, activations)[0].shape)
        value = S.gradient_check(X, Y, params, activations)
        if not 1e-3 < value < 0.99 or abs(value - 1 / 3) < 1e-2:
            continue
        spread = 0.25 * (CHECK_ATOL + CHECK_RTOL * value)
        if all(abs(_check_with_step(X, Y, params, activations, h) - value) < spread for h in OTHER_STEPS):
            return [X, Y, params, activations]


def _gradient_check_inputs(rng, i):
    """A net with a relu kink (check large) and a smooth net (check ≈ 0) in turn, the smooth ones with
    the kinds in turn at one layer: neither 0, nor the public cases' answers, nor any other constant
    passes every random state."""
    return _smooth_check_inputs(rng, IN_TURN[i // 2 % len(IN_TURN)]) if i % 2 else _kinked_check_inputs(rng)


def _sign_slip(reference, kind):
    """reference with its result negated for one activation kind only."""
    return lambda *args: -reference(*args) if args[-1] == kind else reference(*args)


def _sign_slip_hints(formula):
    return {f"sign_flipped/{kind}": f"The sign is flipped for kind \"{kind}\" only; the other kinds are "
                                   f"right: {formula}." for kind in KINDS}


def _every_kind(Z, *before):
    """One case per activation kind on the same Z (a grid that avoids 0, where relu′ is undefined)."""
    return tuple((f"every kind: {kind}", [*before, Z, kind]) for kind in KINDS)


GRID = np.linspace(-3.0, 3.0, 12).reshape(3, 4)
GRID_dA = np.random.default_rng(6).normal(size=GRID.shape)

# 004's 2-2-2 network: W1[i, j] from input i to hidden j (w1, w3 / w2, w4), W2 likewise (w5, w7 / w6, w8).
NET_004 = [(np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([0.35, 0.35])),
           (np.array([[0.40, 0.50], [0.45, 0.55]]), np.array([0.60, 0.60]))]
X_004, T_004 = np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])
Y_004, CACHE_004 = S.mlp_forward(X_004, NET_004, ["sigmoid", "sigmoid"])


def _relu_kink():
    """A relu unit sitting 1e-12 above 0 on one row: any h from 1e-7 to 1e-4 straddles the kink and
    counts half of that row's share, so the check is ≈ 0.356 (within 1e-5) whatever h is."""
    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(4, 2)), rng.normal(size=(4, 1))
    (W1, b1), (W2, b2) = _layer(rng, 2, 3), _layer(rng, 3, 1)
    b1[0] = 1e-12 - X[0] @ W1[:, 0]
    return [X, Y, [(W1, b1), (W2, b2)], ["relu", "linear"]]


def _backward_without_derivative(dY_hat, cache, params, activations):
    return S.mlp_backward(dY_hat, cache, params, ["linear"] * len(params))


def _derivative_of_z_as_activation(dA, Z, kind):
    """Uses the a-form of σ′ on Z: Z(1 − Z) for sigmoid, 1 − Z² for tanh."""
    derivative = {"sigmoid": Z * (1 - Z), "tanh": 1 - Z ** 2}.get(kind)
    return S.activation_backward(dA, Z, kind) if derivative is None else dA * derivative


def _forward_difference(f, x, h=1e-5):
    grad = np.zeros(np.shape(x))
    f_x = f()
    for i in np.ndindex(np.shape(x)):
        original = x[i]
        x[i] = original + h
        grad[i] = (f() - f_x) / h
        x[i] = original
    return grad


EXERCISES = [
    Exercise(
        _info("dense_forward", 1, "Z = X·W + b, b added to every row"),
        S.dense_forward,
        _dense_forward_inputs,
        worked=(("004: hidden net inputs of the 2-2-2 network", [X_004, *NET_004[0]]),),
    ),
    Exercise(
        _info("dense_backward", 2, "(∂L/∂X, ∂L/∂W, ∂L/∂b) of Z = X·W + b, given dZ = ∂L/∂Z",
              final_formula="(∂L/∂X, ∂L/∂W, ∂L/∂b) = (dZ·Wᵀ, Xᵀ·dZ, Σ_rows dZ)",
              hints={"error": "`{name}` raised {error}{error_detail}. Check the transposes: " + SHAPES
                              + "; write down the shapes of the two factors of each product.",
                     "wrong_type_or_shape": "`{name}`: {detail}{where_text}. " + SHAPES
                                            + ": which axis of dZ does db leave out?",
                     "mean_instead_of_sum": "db averaged dZ over the rows: every row adds its own share to "
                                            "∂L/∂b, as it does to ∂L/∂W (any mean belongs in the loss, "
                                            "not here)."}),
        S.dense_backward,
        _dense_backward_inputs,
        variants={"mean_instead_of_sum": lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ.mean(axis=0))},
    ),
    Exercise(
        _info("activation_forward", 1, "A = f(Z): Z (linear), σ(Z) (sigmoid), tanh Z (tanh), max(0, Z) (relu)",
              hints=_sign_slip_hints("Z (linear), σ(Z) (sigmoid), tanh Z (tanh), max(0, Z) (relu)")),
        S.activation_forward,
        _activation_forward_inputs,
        worked=_every_kind(GRID),
        n_random=8,  # every kind twice; relu's states have Z < 0 too, so only the linear ones return Z
        variants={f"sign_flipped/{kind}": _sign_slip(S.activation_forward, kind) for kind in KINDS},
    ),
    Exercise(
        _info("activation_backward", 2, ACTIVATION_CHAIN + ", for linear, sigmoid, tanh and relu",
              final_formula=DERIVATIVES,
              hints={"activation_derivative_on_preactivation":
                     "The a-form of the derivative was applied to Z: this function receives the "
                     "pre-activation Z, not A = f(Z). Compute the activation from Z first, then its slope.",
                     "missing_activation_derivative": "∂L/∂A came back unchanged: multiply it entry by entry "
                                                      "by the activation's slope f′(Z).",
                     "wrong_value": "Wrong value{where_text}{failed_text}. " + ACTIVATION_CHAIN + ": compare "
                                    "your f′ of each kind with a finite difference of activation_forward.",
                     **_sign_slip_hints(ACTIVATION_CHAIN)}),
        S.activation_backward,
        _activation_backward_inputs,
        worked=_every_kind(GRID, GRID_dA),
        n_random=8,  # every kind twice; relu's states have Z < 0 too, so only the linear ones return dA
        variants={"activation_derivative_on_preactivation": _derivative_of_z_as_activation,
                  "missing_activation_derivative": lambda dA, Z, kind: dA,
                  **{f"sign_flipped/{kind}": _sign_slip(S.activation_backward, kind) for kind in KINDS}},
    ),
    Exercise(
        _info("mlp_forward", 2, "for each layer Z = A_prev·W + b, A = f(Z); returns (A of the last layer, "
              "cache) with cache[l] = (A_prev, Z), the layer's input (X for the first) and pre-activation",
              hints={"wrong_type_or_shape": "`{name}`: {detail}{where_text}. " + CACHE,
                     "wrong_value": "Wrong value{where_text}{failed_text}. " + CACHE},
              uses=("dense_forward", "activation_forward")),
        S.mlp_forward,
        _mlp_forward_inputs,
        worked=(("004: the 2-2-2 sigmoid network (y1 = 0.75136507, y2 = 0.772928465)",
                 [X_004, NET_004, ["sigmoid", "sigmoid"]]),),
    ),
    Exercise(
        _info("mlp_backward", 3, "from the last layer back: dZ = activation_backward(dA, Z, kind), "
              "(dA, dW, db) = dense_backward(dZ, A_prev, W); returns [(dW, db)] first layer first",
              hints={"missing_activation_derivative": "The activation's derivative is missing: before "
                                                      "dense_backward, dZ = dA ⊙ f′(Z) with the layer's Z "
                                                      "from the cache (activation_backward).",
                     "wrong_type_or_shape": "`{name}`: {detail}{where_text}. Return one (dW, db) per layer, "
                                            "in layer order (first layer first), each shaped like its (W, b)."},
              uses=("activation_backward", "dense_backward")),
        S.mlp_backward,
        _mlp_backward_inputs,
        worked=(("004: E = Σ ½(t − o)², so dY_hat = o − t; ∂E/∂w5 = 0.082167041 is dW[0, 0] of layer 2",
                 [Y_004 - T_004, CACHE_004, NET_004, ["sigmoid", "sigmoid"]]),),
        variants={"missing_activation_derivative": _backward_without_derivative},
    ),
    Exercise(
        _info("mse_batch", 1, "L = (1/N)·Σ (Y − Ŷ)² over all N entries",
              hints={"constant_factor": MEAN_HINT.format(what="L is the mean of the squared errors, "
                                                              "not their sum", formula="{formula}")}),
        S.mse_batch,
        _targets_and_predictions,
        variants={"constant_factor": lambda Y, Y_hat: float(np.sum((Y - Y_hat) ** 2))},
    ),
    Exercise(
        _info("dmse_batch", 2, "∂L/∂Ŷ for L = (1/N)·Σ (Y − Ŷ)², N the number of entries of Y",
              final_formula="∂L/∂Ŷ = −2(Y − Ŷ)/N",
              hints={"constant_factor": MEAN_HINT.format(what="L is a mean over the N entries: does its 1/N "
                                                              "survive differentiation?", formula="{formula}")}),
        S.dmse_batch,
        _targets_and_predictions,
        variants={"constant_factor": lambda Y, Y_hat: -2 * (Y - Y_hat)},
    ),
    Exercise(
        _info("relative_error", 1, "max over entries of |a − b| / max(1e-8, |a| + |b|)",
              hints={"non_finite": "`{name}` returned NaN or infinity{where_text}: where a and b are both 0 "
                                   "the denominator |a| + |b| is 0; use max(1e-8, |a| + |b|)."}),
        S.relative_error,
        _relative_error_inputs,
        n_random=10,  # returning 1 passes a state with a pair of opposite signs, at most ¼ of them
    ),
    Exercise(
        _info("numeric_gradient", 2, "for each entry x_i: (f() with x_i + h − f() with x_i − h) / 2h, "
              "x_i restored before the next entry",
              FINITE_DIFFERENCE,
              hints={"wrong_value": "Wrong value{where_text}{failed_text}. Use the centred difference "
                                    "(f() with x_i + h − f() with x_i − h) / 2h, not the one-sided one, and put "
                                    "x_i back to its original value before the next entry: f reads all of x."}),
        S.numeric_gradient,
        _numeric_gradient_inputs,
        worked=(("f reads every entry: (Σ x)² + Σ sin x on a 2 × 3 x",
                 [Callable("square_of_sum_plus_sin", reads=1),
                  np.array([[0.3, -1.2, 0.8], [1.5, -0.4, 0.1]]), 1e-4]),),
        variants={"wrong_value": _forward_difference},
    ),
    Exercise(
        # On a smooth net the result is a relative error made of rounding noise (1e-11 … 1e-7), which
        # another correct implementation reproduces only to its order of magnitude: atol = 1e-5 accepts
        # any value below 1e-5 there (the reference is below 1e-7 on every smooth random state). At a
        # relu kink the result is large (the worked case ≈ 0.356, the kinked random states 1e-3 … 0.99)
        # and moves with h by O(h): rtol = 1e-3 covers any h from 1e-7 to 1e-4 (each kinked state is
        # drawn so). Half the random states are kinked, so a check that reports 0 fails.
        _info("gradient_check", 2, "max relative_error between mlp_backward and numeric_gradient over every "
              "W and b, the loss being mse_batch(Y, mlp_forward(X, params, activations)[0])",
              FINITE_DIFFERENCE, rtol=CHECK_RTOL, atol=CHECK_ATOL,
              hints={"wrong_value": "Wrong value{failed_text}, first on {case}. Return the largest "
                                    "relative_error over every W and b of every layer, between mlp_backward's "
                                    "gradient and numeric_gradient of mse_batch(Y, mlp_forward(X, params, "
                                    "activations)[0]): where the two disagree (at a relu kink, say) the check "
                                    "must report it."},
              uses=("mlp_forward", "mlp_backward", "mse_batch", "dmse_batch", "relative_error",
                    "numeric_gradient")),
        S.gradient_check,
        _gradient_check_inputs,
        n_random=8,  # kinked and smooth in turn; the smooth ones take every kind
        worked=(("relu kink: one hidden unit at z ≈ 0, where no finite difference can follow", _relu_kink()),),
    ),
]
