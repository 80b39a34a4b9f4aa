"""Checks for 01_derivatives (documents 000 and 003)."""
import numpy as np

import solutions as S

from grader.judge.diagnose import ExerciseInfo
from grader.judge.wire import Callable
from grader.exercise import Exercise

A = "01_derivatives"


def _info(name, points, formula, source, **kw):
    return ExerciseInfo(name, A, points, formula, source, **kw)


def _ascent(x0, lr, steps):
    xs = [x0]
    for _ in range(steps):
        xs.append(xs[-1] + lr * (2 * xs[-1] + 1))
    return np.array(xs)


def _convergence_state(rng, i):
    """Not converged and converged in turn: the largest change is 1.6 … 10 times above tol, or as many
    times below it (the other changes smaller), so that True, or False, on every call fails half the
    random states. Every fourth state changes by more than tol only downwards, the other entries
    rising by less than tol: the size of a change counts, not its sign."""
    w_old = rng.normal(size=3)
    tol = float(rng.choice([1e-6, 1e-2]))
    factor = 10 ** rng.uniform(0.2, 1.0)
    largest = tol / factor if i % 2 else tol * factor
    if i % 4 == 0:
        change = rng.uniform(0, 0.9 * tol, size=3)
        change[rng.integers(3)] = -largest
        return [w_old, w_old + change, tol]
    step = rng.normal(size=3)
    return [w_old, w_old + step * (largest / np.max(np.abs(step))), tol]


EXERCISES = [
    Exercise(
        _info("d_square_plus_x", 1, "dy/dx for y = x² + x", "000, Concept Of Gradient",
              final_formula="dy/dx = 2x + 1",
              hints={"wrong_value": "Wrong value. Differentiate x² + x one term at a time: what does each "
                                    "term add to the slope?"}),
        S.d_square_plus_x,
        lambda rng: [float(rng.uniform(-5, 5))],
        worked=(("000: y = x² + x at x = 3", [3.0]),),
        variants={"wrong_value": lambda x: 2 * x},
    ),
    Exercise(
        _info("grad_sum_of_squares", 1, "∇z = [∂z/∂x, ∂z/∂y] for z = x² + y²", "000, Concept Of Gradient",
              final_formula="∂z/∂x = 2x, ∂z/∂y = 2y",
              hints={"wrong_input": "The entries are swapped: the first is ∂z/∂x, the second ∂z/∂y."}),
        S.grad_sum_of_squares,
        lambda rng: [float(rng.uniform(-5, 5)), float(rng.uniform(-5, 5))],
        variants={"wrong_input": lambda x, y: np.array([2 * y, 2 * x])},
    ),
    Exercise(
        _info("chain_rule", 1, "dy/dx = dy/du · du/dx", "003, Chain Rule of Derivatives",
              hints={"wrong_value": "The chain rule multiplies the two derivatives: dy/dx = dy/du · du/dx."}),
        S.chain_rule,
        lambda rng: [float(rng.normal()), float(rng.normal())],
        variants={"wrong_value": lambda a, b: a + b},
    ),
    Exercise(
        _info("numeric_derivative", 1, "f′(x) ≈ (f(x + h) − f(x − h)) / 2h", "the centred difference the grader itself uses",
              hints={"wrong_value": "Use the centred difference (f(x + h) − f(x − h)) / 2h, "
                                    "not the one-sided (f(x + h) − f(x)) / h."}),
        S.numeric_derivative,
        lambda rng: [Callable(str(rng.choice(["cubic", "sin_plus_square", "exp_half"]))),
                     float(rng.uniform(-2, 2)), float(rng.choice([1e-3, 1e-4, 1e-5]))],
        worked=(("f(x) = x² + x at x = 3 (000)", [Callable("square_plus_x"), 3.0, 1e-5]),),
    ),
    Exercise(
        _info("count_trainable_params", 1, "Σ layers (n_in·n_out + n_out)",
              "003, No. of trainable parameters",
              hints={"wrong_value": "Count one bias per unit of every layer after the input: "
                                    "(n_in·n_out) weights plus n_out biases, summed over layers."}),
        S.count_trainable_params,
        lambda rng: [[int(n) for n in rng.integers(1, 9, size=rng.integers(2, 6))]],
        worked=(("003: [2, 2, 1] has 9", [[2, 2, 1]]),),
        variants={"wrong_value": lambda sizes: sum(a * b for a, b in zip(sizes, sizes[1:]))},
    ),
    Exercise(
        _info("gradient_descent_1d", 2, "x_{k+1} = x_k − η·f′(x_k) on f(x) = x² + x, positions x_0 … x_steps",
              "000, Effect Of Learning Rate",
              hints={"sign_flipped": "The update climbs instead of descending: x_new = x_old − η·f′(x_old)."}),
        S.gradient_descent_1d,
        lambda rng: [float(rng.uniform(-4, 4)), float(rng.choice([0.01, 0.1, 0.3, 1.0])),
                     int(rng.integers(5, 40))],
        worked=(("000: η = 0.1 from x0 = 2", [2.0, 0.1, 20]),
                ("000: η = 1 oscillates between x0 and −1 − x0", [2.0, 1.0, 6])),
        variants={"sign_flipped": _ascent},
    ),
    Exercise(
        _info("has_converged", 1, "max |W_new − W_old| < tol", "003, What is convergence"),
        S.has_converged,
        _convergence_state,
        worked=(("003: W_new ≈ W_old", [[0.5, -0.2], [0.5000001, -0.2], 1e-6]),),
    ),
]
