"""Call a learner's function on one case and keep only plain data of what happened."""
import linecache
import os
from collections.abc import Callable

import numpy as np

from . import wire
from .diagnose import Outcome

MAX_MESSAGE = 300


def call(function: Callable[..., object], arguments: list) -> Outcome:
    """Outcome of function(*arguments): its value as decoded wire data, or the exception it raised."""
    try:
        with np.errstate(all="ignore"):
            value = function(*wire.as_arguments(arguments))
        return Outcome(value=wire.decode(wire.encode(value)))
    except Exception as exc:  # the learner's exception is the outcome, whatever it is
        return Outcome(error=type(exc).__name__, error_message=str(exc)[:MAX_MESSAGE], error_line=learner_line(exc))


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
