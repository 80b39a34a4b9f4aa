"""Test functions that both sides of the trust boundary can build by name.

numeric_derivative and numeric_gradient take a function as input; only its name crosses.
"""
from collections.abc import Callable

import numpy as np

NAMED = {
    "cubic": lambda x: x ** 3 - 2 * x,
    "sin_plus_square": lambda x: np.sin(x) + x ** 2,
    "exp_half": lambda x: np.exp(0.5 * x),
    "square_plus_x": lambda x: x ** 2 + x,
    "sum_of_squares": lambda v: float(np.sum(v ** 2)),
    "weighted_sin": lambda v: float(np.sum(np.sin(v) * np.arange(1, np.size(v) + 1).reshape(np.shape(v)))),
    "log_cosh": lambda v: float(np.sum(np.log(np.cosh(v)))),
    # every partial derivative depends on all of v: only such an f shows an x left unrestored
    "square_of_sum_plus_sin": lambda v: float(np.sum(v) ** 2 + np.sum(np.sin(v))),
}


def closure(f: Callable[[object], object], args: list, index: int) -> Callable[[], object]:
    """A no-argument function reading args[index] at call time (the array is shared, not copied)."""
    return lambda: f(args[index])
