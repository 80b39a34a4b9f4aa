"""Call a learner's function on one case and keep only plain data of what happened."""
import linecache
import os
from collections.abc import Callable

import numpy as np

from . import wire
from .compare import compare
from .diagnose import Outcome

MAX_MESSAGE = 300


def call(function: Callable[..., object], arguments: list, fresh: bool = False) -> Outcome:
    """Outcome of function(*arguments): its value as decoded wire data, or the exception it raised,
    and the first argument it changed in place.

    fresh: small blocks numpy hands out afresh hold NaN, whatever ran before in this process (a
    check beside the reference, which has just freed the right values): a result that reads a slot
    it never wrote is then wrong every time, not by chance. A sandbox needs no such care: only the
    learner's code ever ran there, always in the same order."""
    args = wire.as_arguments(arguments)
    before = [wire.encode(a) for a in args]
    try:
        if fresh:
            _poison_fresh_memory()
        with np.errstate(all="ignore"):
            value = function(*args)
        changed = next((i for i, (a, b) in enumerate(zip(args, before)) if _changed(wire.encode(a), b)), None)
        return Outcome(value=wire.decode(wire.encode(value)), changed=changed)
    except Exception as exc:  # the learner's exception is the outcome, whatever it is
        return Outcome(error=type(exc).__name__, error_message=str(exc)[:MAX_MESSAGE], error_line=learner_line(exc))


def _changed(after, before):
    """Whether an argument's wire data changed by more than rounding (an entry changed in place
    and put back by arithmetic, x + h − h, may differ in its last bits)."""
    return after != before and compare(wire.decode(after), wire.decode(before), RESTORED_RTOL, 0.0) is not None


RESTORED_RTOL = 1e-9
POISONED_BYTES = 1024  # numpy keeps freed data blocks smaller than this for reuse, by exact size


def _poison_fresh_memory():
    """Fill the blocks numpy would reuse next with NaN: np.empty of up to 128 floats then gets NaN,
    not a value some earlier array (the reference's, in this process) happened to leave there."""
    blocks = [np.full(size // 8, np.nan) for size in range(8, POISONED_BYTES, 8)]
    del blocks


_OURS = (os.path.dirname(os.path.abspath(__file__)), os.path.dirname(os.path.abspath(np.__file__)))


def learner_line(exc: BaseException) -> str:
    """'line N: <source>' of the innermost frame of exc's traceback in the learner's own code
    (neither numpy nor this package), or "" when there is none."""
    found = ""
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if not os.path.abspath(code.co_filename).startswith(_OURS):
            text = linecache.getline(code.co_filename, tb.tb_lineno).strip()
            found = f"line {tb.tb_lineno}: {text}"[:200] if text else f"line {tb.tb_lineno}"
        tb = tb.tb_next
    return found
