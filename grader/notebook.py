"""What the source notebooks' hidden tests call: the full check against the reference."""
from collections.abc import Callable

from .check import check


def full_check(name: str, function: Callable[..., object]) -> None:
    """Run every case of exercise `name`; raise AssertionError with the diagnosis unless it passes.

    Returns None: nbgrader would read a number shown by a test cell as its score.
    """
    outcome = check(name, function)
    if outcome.diagnosis != "ok":
        raise AssertionError(f"{name} [{outcome.diagnosis}]: {outcome.message}")
