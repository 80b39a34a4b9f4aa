"""The course's assignments: the one registry everything reads, and where each one's files live.

Everything about one assignment sits in its folder exercises/<assignment>/:

    <assignment>.py  the notebook as text (jupytext's percent format): teaching text, the stubs
                     whose solution regions the build fills from solutions/, the graded test cells
    checks.py        what the grader checks: EXERCISES, one Exercise per graded function (case
                     generator, the documents' worked cases, points, known mistakes)
    mistakes.py      sample learner code for the demo, the benchmark and the tests

The folders are not Python packages (their names start with a digit); `checks(a)` imports a
checks module by its path inside this package.
"""
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    documents: str  # the source documents it follows, by number


REGISTRY = (
    Assignment("01_derivatives", "Derivatives, gradients, the chain rule and the learning rate", "000, 003"),
    Assignment("02_regression", "Backpropagation for regression: the 2-2-1 network", "000, 003"),
    Assignment("03_classification", "Backpropagation for classification: sigmoid and cross-entropy", "000, 001"),
    Assignment("04_worked_example", "The 2-2-2 sigmoid network worked by hand", "004, 002"),
    Assignment("05_training", "Update schedules, learning rates and XOR", "002, 000, 003"),
    Assignment("06_vectorized", "Backpropagation in matrix form", "002, 004"),
)
ASSIGNMENTS = tuple(a.id for a in REGISTRY)
HOME = Path(__file__).resolve().parent


def _known(assignment: str) -> str:
    if assignment not in ASSIGNMENTS:
        raise KeyError(f"unknown assignment {assignment!r}; the assignments are {', '.join(ASSIGNMENTS)}")
    return assignment


def folder(assignment: str) -> Path:
    """exercises/<assignment>/, where the source files are (a checkout's own folder when the
    package is installed with `pip install -e .`)."""
    return HOME / _known(assignment)


def text_notebook(assignment: str) -> Path:
    """The notebook's text source, exercises/<assignment>/<assignment>.py."""
    return folder(assignment) / f"{assignment}.py"


def checks(assignment: str) -> ModuleType:
    """The module exercises/<assignment>/checks.py."""
    return import_module(f"{__name__}.{_known(assignment)}.checks")
