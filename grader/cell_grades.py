"""Graded cells the catalogue does not diagnose, scored as `nbgrader autograde` scores them.

An instructor adds graded cells with nbgrader's own tools — a test cell in one of the package's
assignments, or whole assignments of their own. `grade` runs such a test cell in the sandbox, after
the learner's cells, and scores it with nbgrader's own rule (nbgrader.utils.determine_grade, given
the outputs the cell would have had in a kernel): no points when it raised or wrote to stderr, the
number it ends with as partial credit, else full points. A manually graded cell (a written answer,
a task) gets no automatic score, as under nbgrader: it waits for the formgrader (an answer left as
released scores 0, as nbgrader scores it).

These cells are only as safe as under nbgrader itself: the learner's code runs in the same
interpreter as the test, so it can fool it. The sandbox still keeps that code away from the course.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .judge import messages
from .judge.diagnose import Result

if TYPE_CHECKING:  # nbformat and nbgrader load slowly: imported where a cell is judged
    from .restore import Source
    from .sandbox.protocol import CellReport

# Diagnosis codes of these cells: passed ("ok"), failed, partial, manual (for the formgrader),
# unanswered (a manual answer left as released: 0, as nbgrader scores it).
MANUAL = "manual"


@dataclass(frozen=True)
class GradedCell:
    """A graded cell of the source notebook that no catalogue exercise explains."""
    grade_id: str
    kind: str  # "test" (run and scored here) or "manual" (an answer or a task, for the formgrader)
    points: float


def graded_cells(source: Source, diagnosed: set) -> list[GradedCell]:
    """The source's graded cells, in order, except the test cells of diagnosed exercises
    (grade_ids in `diagnosed`)."""
    out = []
    for cell in source.cells:
        if not cell.graded or cell.grade_id in diagnosed:
            continue
        kind = "test" if cell.role == "test" and cell.cell_type == "code" else "manual"
        out.append(GradedCell(cell.grade_id, kind, cell.points))
    return out


def _outputs(report: CellReport) -> list:
    """The outputs nbgrader would have seen in the cell, as far as they matter to its score."""
    if report.error is not None:
        return [{"output_type": "error", "ename": report.error, "evalue": report.message, "traceback": []}]
    outputs = [{"output_type": "stream", "name": "stderr", "text": "…"}] if report.stderr else []
    if report.shown is not None:
        outputs.append({"output_type": "execute_result", "execution_count": 1, "metadata": {},
                        "data": {"text/plain": report.shown}})
    return outputs


def judge_cell(cell: GradedCell, report: CellReport | None, unanswered: bool = False,
               stopped: str = "") -> Result:
    """The Result of one graded cell; report: how it ran (None: it never ran, for `stopped`)."""
    if cell.kind != "test":
        if unanswered:
            return Result(cell.grade_id, 0.0, cell.points, "unanswered",
                          "Left as it was handed out: 0 points, unless a grader gives some.")
        return Result(cell.grade_id, 0.0, cell.points, MANUAL, "Graded by hand: your instructor scores it.")
    if report is None:
        return Result(cell.grade_id, 0.0, cell.points, "timeout" if stopped else "error",
                      f"This test did not run: {stopped or 'the notebook stopped before it'}.")
    from nbformat import from_dict
    from nbgrader.utils import determine_grade
    nb_cell = from_dict({"cell_type": "code", "source": "", "execution_count": 1, "outputs": _outputs(report),
                         "metadata": {"nbgrader": {"grade": True, "solution": False, "points": cell.points,
                                                   "grade_id": cell.grade_id}}})
    try:
        score, _ = determine_grade(nb_cell)
    except ValueError:  # a shown number above the cell's points: nbgrader fails the notebook
        return Result(cell.grade_id, 0.0, cell.points, "failed",
                      f"The test showed {report.shown}, more than its {messages.points(cell.points)}.")
    score = float(score)
    if report.error is not None:
        where = f" (at {report.line})" if report.line else ""
        said = f": {report.message}" if report.message else ""
        return Result(cell.grade_id, score, cell.points, "failed",
                      f"The test raised {report.error}{said}{where}.")
    if report.stderr:
        return Result(cell.grade_id, score, cell.points, "failed",
                      "The test wrote to stderr (a warning or an error message), which counts as failing.")
    if score < cell.points:
        return Result(cell.grade_id, score, cell.points, "partial",
                      f"The test gave {score:g} of its {messages.points(cell.points)}.")
    return Result(cell.grade_id, score, cell.points, "ok", "Passed.")
