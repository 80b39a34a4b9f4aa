"""A sealed final formula opens with the right outputs, whatever their last bits, and with nothing else."""
import numpy as np
import pytest

from grader.judge import sealed

FORMULA = "∂L/∂ŷ = −2(y − ŷ)"
RIGHT = [1.2345678, np.array([0.5, -0.25, 3.75]), {"w": np.array([0.123, -4.5]), "b": 0.0625}]


def test_the_right_outputs_open_it_to_their_last_bits():
    lock = sealed.seal(FORMULA, RIGHT)
    assert FORMULA.encode("utf-8").hex() not in lock["sealed"] and "2(y" not in str(lock)
    assert sealed.unseal(lock, RIGHT) == FORMULA
    nudged = [RIGHT[0] * (1 + 1e-9), list(RIGHT[1] + 1e-12), {"b": 0.0625 + 1e-13, "w": RIGHT[2]["w"]}]
    assert sealed.unseal(lock, nudged) == FORMULA  # a list for an array, keys in another order


@pytest.mark.parametrize("wrong", [
    [-1.2345678, RIGHT[1], RIGHT[2]],                      # a sign
    [2 * 1.2345678, RIGHT[1], RIGHT[2]],                   # a factor
    [1.2345678, RIGHT[1], {"w": RIGHT[2]["w"], "b": 0.07}],  # one entry
    [1.2345678, RIGHT[1], {"v": RIGHT[2]["w"], "b": 0.0625}],  # a key
    RIGHT[:2],                                             # a missing output
    [1.2345678, RIGHT[1], "text"],                         # not a number
])
def test_anything_else_leaves_it_shut(wrong):
    assert sealed.unseal(sealed.seal(FORMULA, RIGHT), wrong) is None


@pytest.mark.parametrize("value, clear", [
    (1.2345678, True), (np.array([0.0, 2.5]), True),
    (1.23449999, False),  # a hair from the boundary between 1.234 and 1.235: the last bits decide
    (9.995e-8, False),    # a hair below where a leaf stops counting as 0
    (2.0, False), (np.array([1.0, 0.0]), False),  # whole numbers only: a key that is guessed
    (True, False), ("1.5", False), (np.nan, False),
])
def test_only_outputs_clear_of_a_rounding_boundary_may_seal(value, clear):
    assert sealed.clear(value) is clear


def test_a_seal_needs_clear_outputs():
    with pytest.raises(ValueError):
        sealed.seal(FORMULA, [2.0])
