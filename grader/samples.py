"""Sample learner code, read from each assignment's exercises/<a>/mistakes.py.

That file is a percent-format text (one `# %% <function>` cell per attempt, all the code a learner
typed into that function's solution cell). Untagged cells are plausible mistakes, each wrong on the
grader's cases: the sample class's "wrong" submissions draw from them. A cell tagged with a sample
learner of the demo (`tags=["struggling"]`, `tags=["hostile"]`) is that learner's code.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import jupytext

import exercises

if TYPE_CHECKING:
    from nbformat import NotebookNode

LEARNERS = ("struggling", "hostile")


@dataclass(frozen=True)
class Attempt:
    assignment: str
    function: str
    code: str
    learners: tuple[str, ...]  # the demo's sample learners who type it; () for a plausible mistake


@cache
def attempts(assignment: str) -> tuple[Attempt, ...]:
    """Every cell of exercises/<assignment>/mistakes.py, in order."""
    path = exercises.folder(assignment) / "mistakes.py"
    nb = jupytext.reads(path.read_text(encoding="utf-8"), fmt="py:percent")
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        function, tags = cell.metadata.get("title", ""), tuple(cell.metadata.get("tags", ()))
        unknown = set(tags) - set(LEARNERS)
        if not function.isidentifier() or unknown:
            raise ValueError(f"{path}: a cell's header must be `# %% <function>` with tags among "
                             f"{', '.join(LEARNERS)}; found {function!r} {sorted(unknown)}")
        out.append(Attempt(assignment, function, cell.source.rstrip("\n") + "\n", tags))
    return tuple(out)


def mistakes(assignment: str | None = None) -> dict[str, str]:
    """{function: code} of the plausible mistakes of an assignment, or of all of them in course
    order (the first one per function)."""
    out = {}
    for each in [assignment] if assignment else exercises.ASSIGNMENTS:
        for attempt in attempts(each):
            if not attempt.learners:
                out.setdefault(attempt.function, attempt.code)
    return out


def overrides(learner: str) -> dict[str, dict[str, str]]:
    """{assignment: {function: code}} for the demo's sample learner "struggling" or "hostile"."""
    if learner not in LEARNERS:
        raise ValueError(f"unknown sample learner {learner!r}; they are {', '.join(LEARNERS)}")
    out = {}
    for assignment in exercises.ASSIGNMENTS:
        for attempt in attempts(assignment):
            if learner in attempt.learners:
                out.setdefault(assignment, {})[attempt.function] = attempt.code
    return out


def strip_solution_markers(code: str) -> str:
    """Source-cell code as a learner who wrote the reference solution would have typed it."""
    return "\n".join(line for line in code.splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def submission(student_nb: NotebookNode, source_nb: NotebookNode,
               overrides: dict[str, str] | None = None) -> NotebookNode:
    """A filled-in copy of a student notebook: each solution cell gets the source's solution,
    or the code in overrides[function] (function = grade_id without "_solution")."""
    overrides = overrides or {}
    solutions = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in source_nb.cells
                 if cell.metadata.get("nbgrader", {}).get("solution")}
    filled = copy.deepcopy(student_nb)
    for cell in filled.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id in solutions:
            function = grade_id.removesuffix("_solution")
            cell.source = overrides.get(function, strip_solution_markers(solutions[grade_id]))
    return filled
