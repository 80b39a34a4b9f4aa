"""A mixed class of sample submissions, for tests, the benchmark and the demo.

    make_class(course, n, seed=0, assignments=None) -> [(student, assignment, kind)]

writes DIR/submitted/<student>/<a>/<a>.ipynb for n submissions of a released course directory
(`backprop-course release` first). Submission i is student f"s{i // len(assignments):04d}"
handing in assignments[i % len(assignments)]: the assignments go round-robin, so n = 6·k gives k
students with all six. Its kind is one of

  reference  every solution cell holds the reference solution (markers stripped), as
             grader.samples.submission writes it;
  stub       the release notebook untouched;
  wrong      the reference, except one to three solution cells that hold a plausible mistake
             from the assignment's mistakes.py (learner code, grader.samples);
  partial    some solution cells solved with the reference, the others left as stubs.

Every block of four consecutive submissions holds each kind once, in an order drawn from seed, so
any n >= 4 covers all four. Everything is drawn from (seed, i) alone: the same (n, seed) writes
byte-identical notebooks, and a smaller class is a prefix of a larger one. Each release and source
notebook is read once; a submission costs a shallow copy of the cell list and one JSON dump, so a
thousand take a few seconds.
"""
import copy
import json
import random
from pathlib import Path
from typing import Any

from exercises import ASSIGNMENTS
from nbformat.v4.nbjson import BytesEncoder

from . import catalogue
from .samples import mistakes, strip_solution_markers

KINDS = ("reference", "stub", "wrong", "partial")
MAX_MISTAKES = 3


def _solution_id(cell):
    nbgrader = cell.get("metadata", {}).get("nbgrader", {})
    return nbgrader.get("grade_id") if nbgrader.get("solution") else None


class _Template:
    """One assignment's release notebook, with the reference and mistaken code per exercise."""

    def __init__(self, course, assignment):
        read = lambda side: json.loads((course / side / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
        self.student = read("release")
        source = read("source")
        reference = {_solution_id(c): c["source"] for c in source["cells"] if _solution_id(c)}
        self.slots = {}  # exercise -> index of its solution cell in the student notebook
        for i, cell in enumerate(self.student["cells"]):
            grade_id = _solution_id(cell)
            if grade_id and grade_id in reference:
                self.slots[grade_id.removesuffix("_solution")] = i
        self.reference = {name: strip_solution_markers(_text(reference[f"{name}_solution"]))
                          for name in self.slots}
        self.exercises = [n for n in catalogue.ASSIGNMENTS[assignment] if n in self.slots]
        known = mistakes(assignment)
        self.mistakes = {n: known[n].rstrip("\n") for n in self.exercises if n in known}

    def notebook(self, code: dict[str, str]) -> dict[str, Any]:
        """The student notebook with code[exercise] in those solution cells, the rest as released."""
        cells = list(self.student["cells"])
        for name, text in code.items():
            cell = copy.copy(cells[self.slots[name]])
            cell["source"] = text
            cells[self.slots[name]] = cell
        return {**self.student, "cells": cells}


def _text(source):
    return "".join(source) if isinstance(source, list) else source


def _dump(nb):
    """The notebook as nbformat.write would store it (sorted keys, indent 1, split lines)."""
    cells = [{**c, "source": _split(c["source"])} for c in nb["cells"]]
    return json.dumps({**nb, "cells": cells}, sort_keys=True, indent=1, separators=(",", ": "),
                      ensure_ascii=False, cls=BytesEncoder) + "\n"


def _split(source):
    return _text(source).splitlines(True)


def kinds(n: int, seed: int = 0) -> list[str]:
    """The kind of each of n submissions: each block of four is a seeded shuffle of KINDS."""
    out = []
    for block in range((n + 3) // 4):
        order = list(KINDS)
        random.Random(f"kinds:{seed}:{block}").shuffle(order)
        out.extend(order)
    return out[:n]


def _code(template, kind, rng):
    """{exercise: solution-cell code} for one submission of this kind (absent: left a stub)."""
    names = template.exercises
    if kind == "stub":
        return {}
    if kind == "reference":
        return {n: template.reference[n] for n in names}
    if kind == "wrong":
        pool = list(template.mistakes)
        if not pool:
            raise ValueError("the assignment's mistakes.py has no plausible mistake")
        chosen = set(rng.sample(pool, rng.randint(1, min(MAX_MISTAKES, len(pool)))))
        return {n: template.mistakes[n] if n in chosen else template.reference[n] for n in names}
    if kind == "partial":
        if len(names) < 2:
            return {}
        solved = set(rng.sample(names, rng.randint(1, len(names) - 1)))
        return {n: template.reference[n] for n in names if n in solved}
    raise ValueError(f"unknown kind {kind!r}; the kinds are {', '.join(KINDS)}")


def make_class(course: str | Path, n: int, seed: int = 0,
               assignments: list[str] | None = None) -> list[tuple[str, str, str]]:
    """Write n sample submissions into DIR/submitted/; return [(student, assignment, kind)]."""
    course = Path(course)
    chosen = [a for a in ASSIGNMENTS if a in assignments] if assignments else list(ASSIGNMENTS)
    unknown = sorted(set(assignments or ()) - set(ASSIGNMENTS))
    if unknown or not chosen:
        raise ValueError(f"unknown assignment(s) {unknown}; the assignments are {', '.join(ASSIGNMENTS)}")
    templates = {a: _Template(course, a) for a in chosen}
    roster = []
    for i, kind in enumerate(kinds(n, seed)):
        a = chosen[i % len(chosen)]
        student = f"s{i // len(chosen):04d}"
        rng = random.Random(f"submission:{seed}:{i}")
        target = course / "submitted" / student / a / f"{a}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_dump(templates[a].notebook(_code(templates[a], kind, rng))), encoding="utf-8")
        roster.append((student, a, kind))
    return roster
