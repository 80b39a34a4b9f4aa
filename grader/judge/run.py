"""Call a learner's function on one case and keep only plain data of what happened."""
import numpy as np

from . import wire
from .diagnose import Outcome

MAX_MESSAGE = 300


def call(function, arguments):
    """Outcome of function(*arguments): its value as decoded wire data, or the exception it raised."""
    try:
        with np.errstate(all="ignore"):
            value = function(*wire.as_arguments(arguments))
        return Outcome(value=wire.decode(wire.encode(value)))
    except Exception as exc:  # the learner's exception is the outcome, whatever it is
        return Outcome(error=type(exc).__name__, error_message=str(exc)[:MAX_MESSAGE])
