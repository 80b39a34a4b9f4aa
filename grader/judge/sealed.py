"""A final formula that the self-check shows once a learner's function is right, sealed in its data.

The learner's package must not hold an exercise's final formula in the clear: it is encrypted with a
key made from the right outputs on a few inputs whose outputs the package does not hold (the
unlocking inputs). A right function reproduces those outputs, rounded to DIGITS significant digits,
and so opens the seal. The trusted side picks unlocking inputs whose right outputs lie well inside
their rounding interval (clear), so that any value within the judge's tolerance rounds alike.
"""
import hashlib

import numpy as np

DIGITS = 4  # significant digits of an output leaf that enter the key
LEAVES = 6  # leaves of each output that enter the key, in order
ZERO = 1e-7  # a leaf smaller than this counts as 0 (a right 0 may come out as ±1e-17)
MARGIN_RTOL, MARGIN_ATOL = 1e-5, 1e-8  # ten times the judge's tolerance: a clear leaf rounds alike
DOMAIN = b"backprop-course final formula\0"


def _leaves(value):
    """The numbers of a nested output in a fixed order (dict keys sorted, named), or None when it
    holds anything else."""
    if isinstance(value, dict):
        out = []
        for key in sorted(value, key=str):
            inner = _leaves(value[key])
            if inner is None:
                return None
            out += [str(key)] + inner
        return out
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            inner = _leaves(item)
            if inner is None:
                return None
            out += inner
        return out
    if isinstance(value, (bool, np.bool_, str)):
        return None  # a bool has too few values to make a key of; a str is no number
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return [float(x) for x in array.ravel()]


def _rounded(leaf):
    if isinstance(leaf, str):
        return leaf
    if not np.isfinite(leaf):
        return repr(leaf)
    return "0" if abs(leaf) < ZERO else f"{leaf:.{DIGITS - 1}e}"


def _kept(value):
    """The leaves that enter the key: the first LEAVES numbers with the key names before them."""
    leaves = _leaves(value)
    if leaves is None:
        return None
    numbers = [i for i, leaf in enumerate(leaves) if not isinstance(leaf, str)]
    return leaves if len(numbers) <= LEAVES else leaves[:numbers[LEAVES]]


def clear(value: object) -> bool:
    """Whether every leaf of value that enters the key rounds as its neighbours within ten times the
    judge's tolerance do (a right answer then unlocks whatever its last bits are), and one at least
    is no whole number (a key made of a few small integers would be guessed)."""
    kept = _kept(value)
    numbers = [x for x in kept or () if not isinstance(x, str)]
    if not numbers or not all(np.isfinite(numbers)) or all(float(x).is_integer() for x in numbers):
        return False
    for x in numbers:
        margin = MARGIN_RTOL * abs(x) + MARGIN_ATOL
        if not _rounded(x - margin) == _rounded(x) == _rounded(x + margin):
            return False
    return True


def _key(outputs):
    kept = [_kept(value) for value in outputs]
    if any(k is None for k in kept):
        return None
    text = "|".join(",".join(map(_rounded, k)) for k in kept)
    return hashlib.sha256(DOMAIN + text.encode("utf-8")).digest()


def _stream(key, size):
    blocks = (hashlib.sha256(key + i.to_bytes(4, "big")).digest() for i in range(size // 32 + 1))
    return b"".join(blocks)[:size]


def _tag(key):
    return hashlib.sha256(b"tag\0" + key).hexdigest()[:16]


def seal(text: str, outputs: list) -> dict[str, str]:
    """The formula text, encrypted with the key of the right outputs on the unlocking inputs."""
    if not text or not outputs or not all(clear(v) for v in outputs):
        raise ValueError("a formula is sealed with a text and right outputs that are all clear")
    key = _key(outputs)
    data = text.encode("utf-8")
    return {"sealed": bytes(a ^ b for a, b in zip(data, _stream(key, len(data)))).hex(), "tag": _tag(key)}


def unseal(lock: dict, outputs: list) -> str | None:
    """The formula when outputs (a learner's, on the unlocking inputs) round as the right ones do,
    else None."""
    key = _key(outputs)
    if key is None or _tag(key) != lock.get("tag"):
        return None
    data = bytes.fromhex(lock["sealed"])
    return bytes(a ^ b for a, b in zip(data, _stream(key, len(data)))).decode("utf-8")
