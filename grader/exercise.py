"""An exercise on the trusted side: its reference, its case generator and its known mistakes.

Cases are built in three separable steps: make the inputs (seeded random states
plus the documents' worked cases), compute the expected output with the reference, and compute what
each known mistake would return. While the reference computes a case, its calls of the other
exercises' references are recorded (CaseRecord.given, for error carried forward: judge.given).
Only plain wire data leaves this module.
"""
import inspect
import types
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .judge import wire
from .judge.diagnose import CaseRecord, ExerciseInfo


@dataclass(frozen=True)
class Exercise:
    info: ExerciseInfo
    reference: object  # the solutions function
    random_inputs: object  # (rng) or (rng, i) -> list of arguments; i, the state's number, for choices in turn
    worked: tuple = ()  # ((label, arguments), …) from the documents, always public
    variants: dict = field(default_factory=dict)  # diagnosis code -> mistaken function
    n_random: int = 6

    def __post_init__(self):
        parameters = tuple(inspect.signature(self.reference).parameters)
        object.__setattr__(self, "info", replace(self.info, arguments=parameters))

    @property
    def name(self) -> str:
        return self.info.name

    def inputs(self, seed: int) -> list[tuple[str, list]]:
        """[(label, arguments)]: the worked cases, then n_random seeded random states (a generator
        taking (rng, i) is told the state's number: a branch-relevant choice, say a batch size,
        can then be taken in turn, so every seed's states take every branch). When the reference
        has default arguments, the last random states leave them out: the last one
        all of them, the one before only the last (so a wrong default is seen)."""
        rng = np.random.default_rng([seed, zlib.crc32(self.name.encode())])
        required = [p for p in inspect.signature(self.random_inputs).parameters.values()
                    if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        draw = self.random_inputs if len(required) >= 2 else lambda rng, i: self.random_inputs(rng)
        randoms = [(f"random state {i + 1}", draw(rng, i)) for i in range(self.n_random)]
        defaults = len(self.reference.__defaults__ or ())
        for back, dropped in ((1, defaults), (2, 1)):
            if defaults >= dropped > 0 and len(randoms) >= back:
                label, arguments = randoms[-back]
                randoms[-back] = (f"{label}, default arguments", list(arguments)[:-dropped])
        return list(self.worked) + randoms

    def expected(self, arguments: list) -> Any:
        return _plain(self.reference, arguments)

    def mistakes(self, arguments: list) -> dict[str, Any]:
        """{code: what that mistake returns} for the variants that run on these arguments."""
        out = {}
        for code, variant in self.variants.items():
            try:
                with np.errstate(all="ignore"):
                    out[code] = _plain(variant, arguments)
            except (ArithmeticError, ValueError, TypeError, IndexError, KeyError):
                continue
        return out

    def cases(self, seed: int, callees: dict[str, Callable] | None = None) -> list[CaseRecord]:
        """CaseRecords for one seed: inputs, expected output and mistake outputs, all plain data.
        callees: {name: reference} of the exercises whose calls by the reference are recorded."""
        records = []
        for i, (label, arguments) in enumerate(self.inputs(seed)):
            plain_args = wire.decode(wire.encode(list(arguments)))
            want, given = _recorded(self.reference, plain_args, callees or {})
            records.append(CaseRecord(plain_args, want, self.mistakes(plain_args), label,
                                      worked=i < len(self.worked), given=given))
        return records


def _plain(function, arguments):
    return wire.decode(wire.encode(function(*wire.as_arguments(arguments))))


MAX_GIVEN = 5000  # recorded calls of one case; a longer record is dropped (no carried-forward credit)


def _recorded(reference, arguments, callees):
    """(the reference's value on arguments, {callee: [[args, kwargs, value], ...]}): every call
    it makes to one of callees, at any depth, as plain data. The callees are looked up by name in
    their modules' globals, so there they are swapped for recording wrappers during the call."""
    log, count = {}, [0]

    def recording(name, function):
        def recorder(*args, **kwargs):
            before = wire.encode([list(args), kwargs])
            value = function(*args, **kwargs)
            count[0] += 1
            if count[0] <= MAX_GIVEN:
                log.setdefault(name, []).append(wire.decode(before + [wire.encode(value)]))
            return value
        return recorder

    spaces = {id(f.__globals__): f.__globals__ for f in (reference, *callees.values())}
    patched = [(space, name, function) for space in spaces.values() for name, function in callees.items()
               if space.get(name) is function]
    for space, name, function in patched:
        space[name] = recording(name, function)
    try:
        value = _plain(reference, arguments)
    finally:
        for space, name, function in patched:
            space[name] = function
    return value, ({} if count[0] > MAX_GIVEN else log)


def with_globals(function: types.FunctionType, **replacements: object) -> types.FunctionType:
    """`function` run as if its module's names in replacements meant something else: a reference
    with one of the functions it calls mistaken, for a known mistake that only a callee makes."""
    return types.FunctionType(function.__code__, {**function.__globals__, **replacements},
                              function.__name__, function.__defaults__, function.__closure__)
