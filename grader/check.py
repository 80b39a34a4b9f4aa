"""Check learner functions in this process: the API behind the notebooks' hidden tests and the
grader's own tests. Batch grading runs the same three steps, with the call in a sandbox."""
from collections.abc import Callable, Mapping
from dataclasses import asdict, replace
from typing import Any

from . import catalogue
from .course_config import CARRY_FORWARD, STRICT
from .errors import CommandError
from .judge import given, sealed, wire
from .judge.diagnose import PASSED, Result, judge, unavailable
from .judge.errors import UnknownExercise
from .judge.run import call
from .seeds import FORMULA_SEED, NOTEBOOK_SEED, PUBLIC_SEED

# The in-process check's random cases; `grade` draws its hidden cases from each course's secret.
GRADING_SEED = NOTEBOOK_SEED
UNLOCKING_CASES, UNLOCKING_SEEDS = 3, 20  # a final formula's unlocking inputs, and the seeds to look in


def check(name: str, function: Callable[..., object], seed: int = GRADING_SEED,
          cat: catalogue.Catalogue = catalogue.PACKAGE, policy: str = CARRY_FORWARD) -> Result:
    """Result of one learner function on every case of exercise `name` (worked and random) of
    the catalogue cat (default: the package's). Under CARRY_FORWARD, a function that fails while
    functions of its notebook that it calls fail their own checks is judged again with right
    values in their place (judge.given), as `grade` does."""
    if name not in cat.exercises:
        raise UnknownExercise(name, list(cat.exercises))
    exercise = cat.exercises[name]
    cases = cat.cases(name, seed)
    result = judge(exercise.info, cases, [call(function, case.inputs, fresh=True) for case in cases])
    if result.diagnosis in PASSED + given.UNSEEN:
        return result
    points = {n: cat.exercises[n].info.points for n in cat.names(exercise.info.assignment)}

    def verdict(callee, learners, policy):
        return check(callee, learners, seed, cat, policy) if callable(learners) else unavailable(
            cat.exercises[callee].info, "missing")

    strict, carried = (lambda n, f: verdict(n, f, STRICT)), (lambda n, f: verdict(n, f, CARRY_FORWARD))
    if policy == CARRY_FORWARD:
        return given.in_namespace(exercise.info, cases, function, points, strict, carried) or result
    return given.with_culprits(result, given.wrong_callees(exercise.info, function, points, strict))


def check_all(functions: Mapping[str, Any], names: list[str] | None = None,
              seed: int = GRADING_SEED) -> list[Result]:
    """Results for a mapping name → function (a notebook's namespace will do), in catalogue order.

    A name missing from the mapping gets the diagnosis `missing`.
    """
    if not isinstance(functions, Mapping):
        raise TypeError("check_all takes a mapping of names to functions, such as globals()")
    names = names or list(catalogue.EXERCISES)
    unknown = [n for n in names if n not in catalogue.EXERCISES]
    if unknown:
        raise UnknownExercise(unknown[0], list(catalogue.EXERCISES))
    return [check(n, functions[n], seed) if callable(functions.get(n))
            else unavailable(catalogue.EXERCISES[n].info, "missing") for n in names]


def public_cases(assignment: str, cat: catalogue.Catalogue = catalogue.PACKAGE) -> dict[str, dict[str, Any]]:
    """The public self-check data of an assignment, as JSON-ready plain data.

    Only the documents' worked cases and the public seed's random states, with their expected
    outputs and the outputs of the known mistakes: data, never reference code. An exercise's final
    formula is not in the clear: it is sealed (judge.sealed) for the learner's right function to open.
    """
    bundle = {}
    for name in cat.names(assignment):
        exercise = cat.exercises[name]
        cases = cat.cases(name, PUBLIC_SEED)[:len(exercise.worked) + 2]
        bundle[name] = {
            "info": asdict(replace(exercise.info, final_formula="")),
            # vars, not asdict: asdict would turn the Callable markers among the inputs into dicts
            "cases": [wire.encode(vars(c)) for c in cases],
        }
        if exercise.info.final_formula:
            bundle[name]["formula_lock"] = formula_lock(name, cat)
    return bundle


def formula_lock(name: str, cat: catalogue.Catalogue = catalogue.PACKAGE) -> dict[str, Any]:
    """The final formula of exercise `name` sealed with the right outputs on UNLOCKING_CASES random
    states of the formula seeds whose outputs are clear (judge.sealed.clear); their inputs go
    with it, their outputs do not. CommandError when there are not enough such states."""
    exercise = cat.exercises[name]
    chosen = []
    for seed in range(FORMULA_SEED, FORMULA_SEED + UNLOCKING_SEEDS):
        chosen += [c for c in cat.cases(name, seed)[len(exercise.worked):] if sealed.clear(c.want)]
        if len(chosen) >= UNLOCKING_CASES:
            chosen = chosen[:UNLOCKING_CASES]
            return {"inputs": [wire.encode(list(c.inputs)) for c in chosen],
                    **sealed.seal(exercise.info.final_formula, [c.want for c in chosen])}
    raise CommandError(f"{name}: its final_formula cannot be sealed for the self-check: fewer than "
                       f"{UNLOCKING_CASES} of its random states in {UNLOCKING_SEEDS} seeds return numbers clear of a "
                       "rounding boundary (a final formula belongs to an exercise that returns numbers)")
