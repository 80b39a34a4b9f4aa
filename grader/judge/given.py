"""Error carried forward: an exercise judged with right values in place of its wrong callees.

An exercise that is wrong only because a function it calls is wrong keeps its points when it is
right given right values of that callee. While the reference computes a case on the trusted side,
every call it makes to another exercise of the notebook is recorded: arguments and value, plain
data (CaseRecord.given). To judge the learner's caller given a right callee, the callee's name in
the learner's namespace is bound, for one call, to a Given: it answers a call whose arguments match
a recorded one (within tolerance) with the recorded value, and raises NotGiven for any other. No
reference code is involved, and a caller that calls its callees otherwise than the reference does
gets no help: this pass can only find a caller right, never make a right one wrong.
"""
import dis
import types
from collections.abc import Callable, Iterable, Mapping, MutableMapping

from . import messages, wire
from .compare import compare
from .diagnose import PASSED, CaseRecord, ExerciseInfo, Outcome, Result, judge
from .run import call

_ABSENT = object()
UNSEEN = ("missing", "not_implemented")  # nothing of the function itself was seen: no second look


class NotGiven(LookupError):
    """A call of a replaced callee with arguments the reference never used on this case."""


class Given:
    """A callee that answers from the reference's recorded calls: [[args, kwargs, value], ...]."""

    def __init__(self, name: str, calls: list):
        self.__name__ = name
        self.calls = calls
        self.next = 0  # calls usually come in the reference's order: look there first

    def __call__(self, *args, **kwargs):
        got = [wire.decode(wire.encode(list(args))), wire.decode(wire.encode(kwargs))]
        n = len(self.calls)
        for k in range(n):
            i = (self.next + k) % n
            want_args, want_kwargs, value = self.calls[i]
            if _same(got, [want_args, want_kwargs]):
                self.next = i + 1
                return wire.as_arguments([value])[0]
        raise NotGiven(f"{self.__name__} was called with arguments the reference never used here")


def _same(got, want):
    """Whether arguments match a recorded call's: strings (an activation's name) exactly, numbers
    within the judge's tolerance."""
    if isinstance(want, str) or isinstance(got, str):
        return got == want
    if isinstance(want, dict):
        return isinstance(got, dict) and got.keys() == want.keys() and all(_same(got[k], want[k]) for k in want)
    if isinstance(want, (list, tuple)) and any(isinstance(w, (str, dict, list, tuple)) for w in want):
        return isinstance(got, (list, tuple)) and len(got) == len(want) and all(map(_same, got, want))
    try:
        return compare(got, want) is None
    except (TypeError, ValueError):
        return False


def call_given(function: Callable[..., object], arguments: list, namespace: MutableMapping,
               given: dict, fresh: bool = False) -> Outcome:
    """run.call(function, arguments) with each name of given bound in namespace (the module globals
    the learner's functions look their callees up in) to a Given, and unbound again after."""
    saved = {name: namespace.get(name, _ABSENT) for name in given}
    namespace.update({name: Given(name, calls) for name, calls in given.items()})
    try:
        return call(function, arguments, fresh)
    finally:
        for name, old in saved.items():
            if old is _ABSENT:
                namespace.pop(name, None)
            else:
                namespace[name] = old


def judge_given(info: ExerciseInfo, cases: list[CaseRecord], outcomes: list[Outcome],
                blamed: dict[str, float]) -> Result | None:
    """The exercise judged on outcomes of calls with right values in place of its wrong callees:
    carried_forward with full points when it is right so; else its own mistake, named; None when
    a replaced callee was called otherwise than the reference calls it (this pass then says
    nothing of the caller). blamed: {callee: its points}, the replaced callees that are wrong on
    their own account (not only through a callee of theirs), which the message names."""
    if any(o.error == NotGiven.__name__ for o in outcomes):
        return None
    result = judge(info, cases, outcomes)
    names = listing(blamed)
    if result.diagnosis == "ok":
        lost = sum(blamed.values())
        cost = f"{names if len(blamed) == 1 else 'they'} cost you {lost:g} point{'s' if lost != 1 else ''}"
        message = messages.render(info, "carried_forward", {"callees": names, "cost": cost})
        return Result(info.name, info.points, info.points, "carried_forward", message)
    verb = "is" if len(blamed) == 1 else "are"
    return Result(info.name, 0.0, info.points, result.diagnosis,
                  f"{result.message} (Found with a correct {names} in place of yours, which {verb} wrong too.)")


def in_namespace(info: ExerciseInfo, cases: list[CaseRecord], function: Callable[..., object],
                 points: Mapping[str, float], strict: Callable[[str, object], Result],
                 carried: Callable[[str, object], Result]) -> Result | None:
    """judge_given for a function of a notebook, in the notebook's own process. Its callees are
    the exercises of points ({name: points}, the assignment's) that its code looks up, in the
    notebook's namespace (its __globals__); those that strict(name, what the namespace holds)
    fails are replaced, and those that carried(…) fails too are blamed. None when no callee is
    wrong, or when the function has no notebook namespace."""
    wrong = wrong_callees(info, function, points, strict)
    if not wrong:
        return None
    namespace = function.__globals__
    blamed = {n: points[n] for n in wrong if carried(n, namespace.get(n)).diagnosis not in PASSED}
    outcomes = [call_given(function, case.inputs, namespace, {n: case.given.get(n, []) for n in wrong}, fresh=True)
                for case in cases]
    return judge_given(info, cases, outcomes, blamed or dict.fromkeys(wrong, 0.0))


def wrong_callees(info: ExerciseInfo, function: Callable[..., object], points: Mapping[str, float],
                  strict: Callable[[str, object], Result]) -> list[str]:
    """The exercises of points that function's code looks up in its notebook's namespace (its
    __globals__) and that strict(name, what the namespace holds) fails, in the order of points."""
    namespace = getattr(function, "__globals__", None)
    if not isinstance(namespace, dict):
        return []
    reached = _names_reached(function, namespace)
    return [n for n in points if n in reached and n != info.name and strict(n, namespace.get(n)).diagnosis not in PASSED]


def listing(names: Iterable[str]) -> str:
    """Names in code quotes as a sentence lists them: "`a`", "`a` and `b`", "`a`, `b` and `c`"."""
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def culprits_sentence(names: list[str]) -> str:
    """What a failing exercise's message adds when it calls failing ones (names, roots first)."""
    listed = listing(names)
    tail = "which is wrong: fix that first" if len(names) == 1 else "which are wrong: fix those first"
    return f"It calls {listed}, {tail}."


def with_culprits(result: Result, wrong: list[str]) -> Result:
    """result, its message naming the wrong callees when there are any."""
    if not wrong:
        return result
    return Result(result.exercise, result.score, result.max_score, result.diagnosis,
                  f"{result.message} {culprits_sentence(wrong)}")


def _names_reached(function, namespace):
    """The global names that function's code, and the code of the namespace's functions it names,
    look up (whether or not they are defined): the callees it may call."""
    names, todo, seen = set(), [function], set()
    while todo:
        code = getattr(todo.pop(), "__code__", None)
        stack = [code] if code is not None else []
        while stack:
            code = stack.pop()
            if id(code) in seen:
                continue
            seen.add(id(code))
            stack += [c for c in code.co_consts if isinstance(c, types.CodeType)]
            for instruction in dis.get_instructions(code):
                if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME") and instruction.argval not in names:
                    names.add(instruction.argval)
                    todo.append(namespace.get(instruction.argval))
    return names
