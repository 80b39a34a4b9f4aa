"""Turn a learner's outcomes on an exercise's cases into a score and a named mistake.

Order: did it run (missing, not_implemented, error, timeout), did it leave its arguments alone
(mutated_input), is the output well formed (wrong_type_or_shape, non_finite), is it right (ok); if
not, which known mistake reproduces it (the exercise's variants first, then a flipped sign, then a
constant factor), else wrong_value.
"""
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from . import messages
from .compare import ATOL, RTOL, compare, describe, describe_kind


PASSED = ("ok", "carried_forward")  # full points: right, or right given right values of its callees


@dataclass(frozen=True)
class ExerciseInfo:
    """What judging needs to know of an exercise; it holds no reference code and no case."""
    name: str
    assignment: str
    points: float
    formula: str
    source: str
    rtol: float = RTOL
    atol: float = ATOL
    hints: dict = field(default_factory=dict)
    uses: tuple = ()
    arguments: tuple = ()  # the parameter names, in order
    may_change: tuple = ()  # the parameters it may change in place; any other change is a mistake
    # The answer itself (formula says what is computed, by name): shown once the learner's function
    # passes and to the instructor, never in a failure message.
    final_formula: str = ""


@dataclass(frozen=True)
class CaseRecord:
    """One case: decoded inputs, the expected output and what each known mistake would return."""
    inputs: list
    want: object
    variants: dict = field(default_factory=dict)
    label: str = ""
    worked: bool = False  # a case from a document (public), not a random state
    given: dict = field(default_factory=dict)  # callee -> its calls by the reference (judge.given)


@dataclass(frozen=True)
class Outcome:
    """What calling the learner's function on one case gave: a value, an exception or a timeout."""
    value: object = None
    error: str | None = None
    error_message: str = ""
    timed_out: bool = False
    error_line: str = ""  # 'line N: <source>' in the learner's code where the exception came from
    changed: int | None = None  # the first argument the call changed in place, by position


@dataclass(frozen=True)
class Result:
    exercise: str
    score: float
    max_score: float
    diagnosis: str
    message: str


def judge(info: ExerciseInfo, cases: list[CaseRecord], outcomes: list[Outcome]) -> Result:
    """Score and diagnose one exercise from its cases and the learner's outcomes, case by case.

    A known mistake is keyed "code" or "code/which" (say "sign_flipped/relu": a sign slip in one
    branch only): the diagnosis is the code, the message the hint for the key, else for the code."""
    key, context = _diagnose(info, cases, outcomes)
    code = key.partition("/")[0]
    score = info.points if code == "ok" else 0.0
    return Result(info.name, score, info.points, code, messages.render(info, key, context))


def unavailable(info: ExerciseInfo, code: str, **context: object) -> Result:
    """A result for a function that could not be called at all (missing, timeout, tampered …)."""
    return Result(info.name, 0.0, info.points, code, messages.render(info, code, context))


def _diagnose(info, cases, outcomes):
    n = len(cases)
    for outcome in outcomes:
        if outcome.timed_out:
            return "timeout", {}
        if outcome.error == "NotImplementedError":
            return "not_implemented", {}
    for outcome, case in zip(outcomes, cases):
        if outcome.error:
            return "error", _error_context(outcome, case)
    for outcome in outcomes:
        changed = _changed_argument(info, outcome)
        if changed:
            return "mutated_input", {"argument": changed}
    mismatches = [compare(o.value, c.want, info.rtol, info.atol) for o, c in zip(outcomes, cases)]
    wrong = [(m, o, c) for m, o, c in zip(mismatches, outcomes, cases) if m]
    if not wrong:
        return "ok", {"n": n}
    for kind in ("type_or_shape", "non_finite"):
        for mismatch, outcome, case in wrong:
            if mismatch.kind == kind:
                code = "wrong_type_or_shape" if kind == "type_or_shape" else "non_finite"
                detail = mismatch.detail if case.worked else _hidden_detail(mismatch, case, outcome)
                return code, {"detail": detail, "where": mismatch.where, "case": case.label}
    for code in _variant_codes(cases):
        if _explains(code, info, cases, outcomes, mismatches):
            return code, {}
    if all(compare(o.value, _negate(c.want), info.rtol, info.atol) is None for o, c in zip(outcomes, cases)):
        return "sign_flipped", {}
    factor = _constant_factor([o.value for o in outcomes], [c.want for c in cases])
    if factor is not None:
        return "constant_factor", {"factor": factor}
    first, _, case = wrong[0]
    return "wrong_value", {"where": first.where, "case": case.label, "failed": len(wrong), "n": n}


def _changed_argument(info, outcome):
    """The name of the argument the call changed though it must not, or ""."""
    i = outcome.changed
    if i is None:
        return ""
    name = info.arguments[i] if i < len(info.arguments) else f"number {i + 1}"
    return "" if name in info.may_change else name


def _hidden_detail(mismatch, case, outcome):
    """A wrong type or shape on a hidden case, said without anything the learner's value could
    carry (its length, shape, keys or class name could encode the hidden inputs)."""
    if mismatch.kind != "type_or_shape":
        return mismatch.detail
    want, got = case.want, outcome.value
    if isinstance(want, dict) and isinstance(got, dict):  # which of the expected keys are there
        present = ", ".join(sorted(str(k) for k in want if k in got)) or "none of them"
        extra = " and other keys" if any(k not in want for k in got) else ""
        return f"expected the keys {', '.join(sorted(map(str, want)))}, got {present}{extra}"
    return f"expected {describe(want)}, got {describe_kind(got)}"


def _error_context(outcome, case):
    """What the message may say of an exception. Its text only on a public case: on a hidden one
    the learner's code could have put the hidden inputs into it, so there only its type (the
    sandbox passes on Python's and numpy's own class names only) and the learner's own line."""
    detail = f": {outcome.error_message}" if case.worked and outcome.error_message else ""
    if outcome.error_line:
        detail += f" (at {outcome.error_line})"
    return {"error": outcome.error, "error_detail": detail, "case": case.label}


def _explains(code, info, cases, outcomes, mismatches):
    """The mistake reproduces every wrong case, and the other cases are right.

    A mistake in one branch (say the sigmoid case of an activation) is still named, while the
    learner's right answers on the other branches do not count against it.
    """
    for outcome, case, mismatch in zip(outcomes, cases, mismatches):
        if mismatch is None:
            continue
        if code not in case.variants or compare(outcome.value, case.variants[code], info.rtol, info.atol):
            return False
    return True


def _variant_codes(cases):
    codes = []
    for case in cases:
        codes.extend(code for code in case.variants if code not in codes)
    return codes


def _negate(value):
    if isinstance(value, dict):
        return {k: _negate(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_negate(v) for v in value)
    if isinstance(value, (bool, np.bool_)):
        return value
    return -np.asarray(value, dtype=float) if isinstance(value, np.ndarray) else -value


def _leaves(value):
    """All numbers of a nested value, in order, as one float array (None if any is not a number)."""
    if isinstance(value, dict):
        parts = [_leaves(value[k]) for k in sorted(value)]
    elif isinstance(value, (tuple, list)):
        parts = [_leaves(v) for v in value]
    elif isinstance(value, (bool, np.bool_)) or value is None:
        return None
    else:
        try:
            return np.asarray(value, dtype=float).ravel()
        except (TypeError, ValueError):
            return None
    if any(p is None for p in parts):
        return None
    return np.concatenate(parts) if parts else np.zeros(0)


def _constant_factor(gots, wants):
    """The k with got = k·want on every case (k ≠ 1, 0, −1), as a short fraction string, or None."""
    got, want = _leaves(list(gots)), _leaves(list(wants))
    if got is None or want is None or got.shape != want.shape:
        return None
    usable = np.abs(want) > 1e-6
    if usable.sum() < 2 or np.any(np.abs(got[~usable]) > 1e-6):
        return None
    ratios = got[usable] / want[usable]
    k = float(np.median(ratios))
    if not np.allclose(ratios, k, rtol=1e-6, atol=0) or abs(k) < 1e-12 or np.isclose(abs(k), 1.0):
        return None
    return _format_factor(k)


def _format_factor(k):
    fraction = Fraction(k).limit_denominator(16)
    if abs(float(fraction) - k) <= 1e-9 * abs(k):
        return str(fraction)
    return f"{k:.4g}"
