"""Every seed of the cases, in one place.

PUBLIC_SEED: the random cases of the learners' self-check, published with the notebooks.
NOTEBOOK_SEED: the random cases of the in-process check (the source notebooks' own tests and the
release gate), in the instructor's hands.
FORMULA_SEED: the first seed of the inputs that unlock an exercise's final formula in the
self-check; the inputs are published with the notebooks, their outputs are not.
grading_seed(root): the hidden cases that `grade` uses, drawn from the course's secret.

`release` makes the secret once per course, DIR/.backprop-course/secret (readable by the instructor only,
never under release/ or source/), and `grade` derives the grading seed from it. Two courses, or two
terms released afresh, grade with different hidden cases, so what leaks from one says nothing of
another. A course released before there was a secret gets one at its next release or grade.
"""
import hashlib
import os
import secrets
from pathlib import Path

PUBLIC_SEED = 0
NOTEBOOK_SEED = 2026
FORMULA_SEED = 7000
SECRET = Path(".backprop-course") / "secret"


def ensure(root) -> tuple[bytes, bool]:
    """The course's secret (bytes), made now if it has none. Returns (secret, made_now)."""
    path = Path(root) / SECRET
    try:
        return path.read_bytes().strip(), False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made meanwhile by another run: theirs holds
        return path.read_bytes().strip(), False
    with os.fdopen(fd, "wb") as f:
        f.write(value + b"\n")
    return value, True


def grading_seed(root) -> int:
    """The seed of the course's hidden cases (an int), from its secret."""
    secret, _ = ensure(root)
    return int.from_bytes(hashlib.sha256(b"backprop-course hidden cases\0" + secret).digest()[:8], "big")
