"""An exercise on the trusted side: its reference, its case generator and its known mistakes.

Cases are built in three separable steps: make the inputs (seeded random states
plus the documents' worked cases), compute the expected output with the reference, and compute what
each known mistake would return. Only plain wire data leaves this module.
"""
import types
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .judge import wire
from .judge.diagnose import CaseRecord, ExerciseInfo


@dataclass(frozen=True)
class Exercise:
    info: ExerciseInfo
    reference: object  # the solutions function
    random_inputs: object  # rng -> list of arguments
    worked: tuple = ()  # ((label, arguments), …) from the documents, always public
    variants: dict = field(default_factory=dict)  # diagnosis code -> mistaken function
    n_random: int = 6

    @property
    def name(self) -> str:
        return self.info.name

    def inputs(self, seed: int) -> list[tuple[str, list]]:
        """[(label, arguments)]: the worked cases, then n_random seeded random states."""
        rng = np.random.default_rng([seed, zlib.crc32(self.name.encode())])
        randoms = [(f"random state {i + 1}", self.random_inputs(rng)) for i in range(self.n_random)]
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

    def cases(self, seed: int) -> list[CaseRecord]:
        """CaseRecords for one seed: inputs, expected output and mistake outputs, all plain data."""
        records = []
        for i, (label, arguments) in enumerate(self.inputs(seed)):
            plain_args = wire.decode(wire.encode(list(arguments)))
            records.append(CaseRecord(plain_args, self.expected(plain_args),
                                      self.mistakes(plain_args), label, worked=i < len(self.worked)))
        return records


def _plain(function, arguments):
    return wire.decode(wire.encode(function(*wire.as_arguments(arguments))))


def with_globals(function: types.FunctionType, **replacements: object) -> types.FunctionType:
    """`function` run as if its module's names in replacements meant something else: a reference
    with one of the functions it calls mistaken, for a known mistake that only a callee makes."""
    return types.FunctionType(function.__code__, {**function.__globals__, **replacements},
                              function.__name__, function.__defaults__, function.__closure__)
