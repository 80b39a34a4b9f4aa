"""Compare a learner's output with the expected one.

Type and shape first, then NaN/inf, then |got − want| ≤ atol + rtol·|want| entry by entry, the
tolerance scaled by the expected value, never by the learner's. Both sides are decoded wire data.
A float and a 0-d array are the same; a list or tuple of numbers may stand for an array.
"""
from dataclasses import dataclass

import numpy as np

from .wire import Unsupported

RTOL, ATOL = 1e-6, 1e-9


@dataclass(frozen=True)
class Mismatch:
    kind: str  # "type_or_shape", "non_finite" or "value"
    where: str  # a path such as "['W1'][1, 0]" or "" for the whole value
    detail: str


def compare(got: object, want: object, rtol: float = RTOL, atol: float = ATOL,
            where: str = "") -> Mismatch | None:
    """None when got matches want, else the first Mismatch found."""
    if isinstance(got, Unsupported):
        return Mismatch("type_or_shape", where, f"returned a {got.type_name}, which cannot be graded")
    if isinstance(want, dict):
        return _compare_dict(got, want, rtol, atol, where)
    if isinstance(want, (tuple, list)) and not _is_numeric_sequence(want):
        return _compare_sequence(got, want, rtol, atol, where)
    if isinstance(want, (bool, np.bool_)):
        if isinstance(got, (bool, np.bool_)) or (isinstance(got, np.ndarray) and got.shape == () and got.dtype == bool):
            return None if bool(got) == bool(want) else Mismatch("value", where, "True and False swapped")
        return Mismatch("type_or_shape", where, f"expected True or False, got {describe(got)}")
    return _compare_numbers(got, want, rtol, atol, where)


def _compare_dict(got, want, rtol, atol, where):
    if not isinstance(got, dict):
        return Mismatch("type_or_shape", where, f"expected a dict with keys {_keys(want)}, got {describe(got)}")
    if set(got) != set(want):
        return Mismatch("type_or_shape", where, f"expected the keys {_keys(want)}, got {_keys(got)}")
    for key in want:
        mismatch = compare(got[key], want[key], rtol, atol, f"{where}[{key!r}]")
        if mismatch:
            return mismatch
    return None


def _compare_sequence(got, want, rtol, atol, where):
    if not isinstance(got, (tuple, list)) or len(got) != len(want):
        kind = "tuple" if isinstance(want, tuple) else "list"
        return Mismatch("type_or_shape", where, f"expected a {kind} of {len(want)} items, got {describe(got)}")
    for i, (g, w) in enumerate(zip(got, want)):
        mismatch = compare(g, w, rtol, atol, f"{where}[{i}]")
        if mismatch:
            return mismatch
    return None


def _compare_numbers(got, want, rtol, atol, where):
    want_arr = np.asarray(want, dtype=float)
    got_arr = as_number_array(got)
    if got_arr is None:
        shape = "a number" if want_arr.ndim == 0 else f"an array of shape {want_arr.shape}"
        return Mismatch("type_or_shape", where, f"expected {shape}, got {describe(got)}")
    if got_arr.shape != want_arr.shape:
        expected = "a single number" if want_arr.ndim == 0 else f"shape {want_arr.shape}"
        return Mismatch("type_or_shape", where, f"expected {expected}, got shape {got_arr.shape}")
    bad_finite = ~np.isfinite(got_arr) & np.isfinite(want_arr)
    if bad_finite.any():
        return Mismatch("non_finite", where + _index(bad_finite, want_arr.ndim), "NaN or infinity where a finite number is due")
    with np.errstate(invalid="ignore"):
        close = np.abs(got_arr - want_arr) <= atol + rtol * np.abs(want_arr)
        # where the expected entry is itself NaN or ±inf only the same value will do (an infinite
        # tolerance would otherwise accept anything)
        same = (got_arr == want_arr) | (np.isnan(got_arr) & np.isnan(want_arr))
        wrong = ~np.where(np.isfinite(want_arr), close | same, same)
    if wrong.any():
        return Mismatch("value", where + _index(wrong, want_arr.ndim), "wrong value")
    return None


def as_number_array(value: object) -> np.ndarray | None:
    """A float array for a number, a numeric array, or a (nested) list or tuple of numbers; else None."""
    if isinstance(value, (bool, np.bool_)) or value is None:
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return np.asarray(float(value))
    if isinstance(value, np.ndarray):
        return value.astype(float) if value.dtype.kind in "iuf" else None
    if isinstance(value, (list, tuple)) and _is_numeric_sequence(value):
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return None
        return arr
    return None


def _is_numeric_sequence(value):
    return all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
               or isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind in "iuf"  # 0-d = a number
               or isinstance(v, (list, tuple)) and _is_numeric_sequence(v) for v in value) and len(value) > 0


def _index(mask, ndim):
    if ndim == 0:
        return ""
    first = tuple(int(i) for i in np.argwhere(mask)[0])
    return "[" + ", ".join(map(str, first)) + "]"


def _keys(d):
    return ", ".join(sorted(map(str, d))) or "(none)"


def describe(value: object) -> str:
    """A short, value-free description of what the learner returned."""
    if isinstance(value, Unsupported):
        return f"a {value.type_name}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}" if value.ndim else "a 0-d array"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, dict):
        return f"a dict with keys {_keys(value)}"
    if value is None:
        return "None (did the function forget to return?)"
    if isinstance(value, (bool, np.bool_)):
        return "a bool"
    return "a number" if isinstance(value, (int, float, np.number)) else f"a {type(value).__name__}"


def describe_kind(value: object) -> str:
    """What kind of value the learner returned, and nothing it could have chosen to carry data:
    no length, shape, key or class name."""
    if isinstance(value, np.ndarray):
        return "an array"
    if isinstance(value, (tuple, list, dict)):
        return f"a {type(value).__name__}"
    if value is None:
        return "None (did the function forget to return?)"
    if isinstance(value, (bool, np.bool_)):
        return "a bool"
    if isinstance(value, (int, float, np.number)):
        return "a number"
    return "a str" if isinstance(value, str) else "a value of another type"
