"""Check learner functions in this process: the API behind the notebooks' hidden tests and the
grader's own tests. Batch grading runs the same three steps, with the call in a sandbox."""
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

from . import catalogue
from .judge import wire
from .judge.diagnose import Result, judge, unavailable
from .judge.run import call
from .seeds import NOTEBOOK_SEED, PUBLIC_SEED

# The in-process check's random cases; `grade` draws its hidden cases from each course's secret.
GRADING_SEED = NOTEBOOK_SEED


def check(name: str, function: Callable[..., object], seed: int = GRADING_SEED,
          cat: catalogue.Catalogue = catalogue.PACKAGE) -> Result:
    """Result of one learner function on every case of exercise `name` (worked and random) of
    the catalogue cat (default: the package's)."""
    exercise = cat.exercises[name]
    cases = exercise.cases(seed)
    return judge(exercise.info, cases, [call(function, case.inputs) for case in cases])


def check_all(functions: Mapping[str, Any], names: list[str] | None = None,
              seed: int = GRADING_SEED) -> list[Result]:
    """Results for a mapping name → function (a notebook's namespace will do), in catalogue order.

    A name missing from the mapping gets the diagnosis `missing`.
    """
    if not isinstance(functions, Mapping):
        raise TypeError("check_all takes a mapping of names to functions, such as globals()")
    names = names or list(catalogue.EXERCISES)
    return [check(n, functions[n], seed) if callable(functions.get(n))
            else unavailable(catalogue.EXERCISES[n].info, "missing") for n in names]


def public_cases(assignment: str, cat: catalogue.Catalogue = catalogue.PACKAGE) -> dict[str, dict[str, Any]]:
    """The public self-check data of an assignment, as JSON-ready plain data.

    Only the documents' worked cases and the public seed's random states, with their expected
    outputs and the outputs of the known mistakes: data, never reference code.
    """
    bundle = {}
    for name in cat.names(assignment):
        exercise = cat.exercises[name]
        bundle[name] = {
            "info": asdict(exercise.info),
            # vars, not asdict: asdict would turn the Callable markers among the inputs into dicts
            "cases": [wire.encode(vars(c)) for c in exercise.cases(PUBLIC_SEED)[:len(exercise.worked) + 2]],
        }
    return bundle
