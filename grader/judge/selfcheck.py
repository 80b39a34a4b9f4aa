"""The learner's self-check: run a function on the public cases and say what is wrong.

Shipped next to each student notebook as the package `backprop_selfcheck`, with the file
public_cases.json beside this module (the course's grading policy, and for each exercise the
documents' worked cases and a few random states, with their expected outputs and the reference's
calls of other exercises; an exercise's final formula sealed, for a right function to open). It
holds no reference implementation, no hidden case and no final formula in the clear.
"""
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import numpy as np

from . import given, messages, sealed, wire
from .diagnose import PASSED, CaseRecord, ExerciseInfo, Result, judge, unavailable
from .errors import UnknownExercise
from .run import call

DATA = Path(__file__).with_name("public_cases.json")


@cache
def _bundle():
    return json.loads(DATA.read_text(encoding="utf-8"))


def _exercises():
    return _bundle()["exercises"]


def _exercise(name):
    if name not in _exercises():
        raise UnknownExercise(name, list(_exercises()))
    info = _exercises()[name]["info"]
    tuples = {key: tuple(info[key]) for key in ("uses", "arguments", "may_change")}
    info = ExerciseInfo(**{**info, **tuples})
    cases = [CaseRecord(**wire.decode(case)) for case in _exercises()[name]["cases"]]
    return info, cases


def result(name: str, function: object, carry_forward: bool | None = None) -> Result:
    """The Result of function on the public cases of exercise `name`. carry_forward (default: the
    course's policy): when it fails while functions of the notebook it calls fail their own
    public cases, judge it again with right values in their place, as the grader does."""
    info, cases = _exercise(name)
    if not callable(function):
        return unavailable(info, "missing")
    outcome = judge(info, cases, [call(function, case.inputs, fresh=True) for case in cases])
    if carry_forward is None:
        carry_forward = _bundle()["policy"] == "carry_forward"
    if outcome.diagnosis in PASSED + given.UNSEEN:
        return outcome
    points = {n: entry["info"]["points"] for n, entry in _exercises().items()}

    def strict(callee, learners):
        return result(callee, learners, carry_forward=False)

    if carry_forward:
        return given.in_namespace(info, cases, function, points, strict,
                                  lambda callee, learners: result(callee, learners, carry_forward=True)) or outcome
    return given.with_culprits(outcome, given.wrong_callees(info, function, points, strict))


def check(name: str, function: object) -> None:
    """Print a verdict for one exercise; raise AssertionError with the diagnosis when it fails.

    The documents' worked cases are shown with the learner's own answer beside them and, once the
    function is right, the exercise's final formula.
    Returns None: nbgrader would read a number shown by a test cell as its score.
    """
    outcome = result(name, function)
    info, cases = _exercise(name)
    if outcome.diagnosis in PASSED:
        print(f"✔ {name}: {outcome.message} ({messages.points(outcome.max_score)} when graded; "
              f"the grader also tries hidden cases)")
    formula = unlocked_formula(name, function) if outcome.diagnosis == "ok" else None
    if formula:
        print(f"  the formula: {formula}")
    for case in cases if callable(function) else ():
        if case.worked:
            answer = call(function, case.inputs, fresh=True)
            shown = f"{answer.error}" if answer.error else short(answer.value)
            print(f"  {case.label}\n    yours: {shown}")
    if outcome.diagnosis not in PASSED:
        raise AssertionError(f"✘ {name} [{outcome.diagnosis}]: {outcome.message}  (source: {info.source})")


def unlocked_formula(name: str, function: object) -> str | None:
    """The exercise's final formula, opened with function's own outputs on the unlocking inputs
    (judge.sealed); None when it has none or they are not the right ones."""
    lock = _exercises()[name].get("formula_lock")
    if lock is None:
        return None
    outcomes = [call(function, wire.decode(inputs), fresh=True) for inputs in lock["inputs"]]
    if any(o.error or o.timed_out for o in outcomes):
        return None
    return sealed.unseal(lock, [o.value for o in outcomes])


def short(value: object, width: int = 160) -> str:
    """A one-line rendering of an output, numbers to 9 significant digits."""
    if isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: {short(v, width)}" for k, v in value.items()) + "}"
    elif isinstance(value, (tuple, list)):
        text = "(" + ", ".join(short(v, width) for v in value) + ")"
    elif isinstance(value, np.ndarray):
        text = np.array2string(value, precision=9, separator=", ", max_line_width=10 ** 6, threshold=20)
    elif isinstance(value, float):
        text = f"{value:.9g}"
    else:
        text = repr(value)
    return text if len(text) <= width else text[:width - 1] + "…"


def check_all(namespace: Mapping[str, object]) -> None:
    """Print a table of every exercise in this notebook: pass namespace=globals().

    Returns None, so the notebook shows the table only; result(name, f) gives one Result.
    """
    rows = [result(name, namespace.get(name)) for name in _exercises()]
    width = max(len(r.exercise) for r in rows)
    code_width = max(len(r.diagnosis) for r in rows)
    for r in rows:
        mark = "✔" if r.diagnosis in PASSED else "✘"
        print(f"{mark} {r.exercise:<{width}}  {r.diagnosis:<{code_width}}  {r.message if r.diagnosis != 'ok' else ''}".rstrip())
    passed = sum(r.diagnosis in PASSED for r in rows)
    print(f"{passed} of {len(rows)} exercises pass their public cases.")
