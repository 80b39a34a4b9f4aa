"""The grade command's outputs: CSV files, per-student HTML feedback and the gradebook.

Every file is written atomically (a temporary file in the same folder, then os.replace), so an
interrupted run leaves the previous version, never half a file. The gradebook is nbgrader's own
database, written through nbgrader's ORM in one transaction: per graded submission the student,
the submission mirrored from the released assignment, and each graded cell's auto_score (none
for a manually graded cell, which waits for the formgrader), so `nbgrader export` and the
formgrader show the same totals as grades.csv. The database is the one the course's
nbgrader_config.py names (grader.course_config).

Tampering (a changed, deleted or duplicated locked cell) does not change any score: the submission
was graded with the original cells. It shows as a note at the end of the message of each of that
submission's rows in exercise_scores.csv, starting with "[tampered]", in a banner of the
feedback page, and as a row of grading_problems.csv.
"""
from __future__ import annotations

import csv
import html
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import catalogue, course_config
from .cell_grades import MANUAL
from .errors import CommandError
from .judge.diagnose import PASSED

if TYPE_CHECKING:
    from .discover import Problem
    from .judge.diagnose import Result
    from .results import SubmissionGrade

TAMPER_TAG = "[tampered]"


def atomic_write(path: str | Path, data: str | bytes) -> None:
    """Write text (UTF-8) or bytes to path through a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    text_mode = {"mode": "w", "encoding": "utf-8", "newline": ""}
    try:
        with os.fdopen(fd, **({"mode": "wb"} if isinstance(data, bytes) else text_mode)) as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _safe_cell(value):
    """A text cell a spreadsheet would read as a formula (it starts with = + - @, a tab or a carriage
    return) prefixed with a single quote, so it shows as text; a plain number ("-1", "1.5") is left alone."""
    if not isinstance(value, str) or not value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return value
    try:
        float(value)
        number = set(value) <= set("0123456789.+-eE")  # float() also takes "inf", "nan", "1_0" and spaces
    except ValueError:
        number = False
    return value if number else "'" + value


def _csv(header, rows):
    """CSV text with every cell made safe to open in a spreadsheet (no live formulas). The writer
    quotes only cells that hold a comma, a quote or "\n", so a row with a "\r" in a cell is written
    all quoted: else a reader would start a new row, and maybe a formula, after the "\r"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in [header, *rows]:
        row = [_safe_cell(v) for v in row]
        (quoted if any(isinstance(v, str) and "\r" in v for v in row) else writer).writerow(row)
    return out.getvalue()


def _number(x):
    return f"{x:g}"


def exercise_message(result: Result, grade: SubmissionGrade) -> str:
    if not grade.tampering:
        return result.message
    return f"{result.message} {TAMPER_TAG} {' '.join(grade.tampering)}"


def write_csvs(root: Path, grades: Sequence[SubmissionGrade], problems: list[Problem]) -> None:
    """grades.csv, exercise_scores.csv and grading_problems.csv from SubmissionGrades (sorted)."""
    atomic_write(root / "grades.csv", _csv(
        ["student_id", "assignment", "score", "max_score"],
        [[g.student, g.assignment, _number(g.score), _number(g.max_score)] for g in grades]))
    atomic_write(root / "exercise_scores.csv", _csv(
        ["student_id", "assignment", "exercise", "score", "max_score", "diagnosis", "message"],
        [[g.student, g.assignment, r.exercise, _number(r.score), _number(r.max_score), r.diagnosis,
          exercise_message(r, g)] for g in grades for r in g.results]))
    atomic_write(root / "grading_problems.csv", _csv(
        ["student_id", "assignment", "problem"], [[p.student, p.assignment, p.problem] for p in problems]))


STYLE = """
body{font-family:system-ui,sans-serif;max-width:52em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;
vertical-align:top}.ok{color:#17692e}.bad{color:#a3001b}.note{background:#fff4ce;padding:.6em;
border-left:4px solid #e0a800;margin:1em 0}code{background:#f3f3f3;padding:0 .2em}
pre{background:#f6f8fa;padding:.5em;overflow-x:auto;font-size:.85em}.src{color:#666;font-size:.85em;margin-top:.3em}
summary{cursor:pointer;color:#444;font-size:.9em}
"""


def feedback_html(grade: SubmissionGrade, cat: catalogue.Catalogue = catalogue.PACKAGE) -> str:
    """The learner's page: per exercise status, points, diagnosis, hint, source and their own code."""
    e = html.escape
    code = {}
    for exercise, text in grade.code:
        code[exercise] = code.get(exercise, "") + text
    rows = []
    for r in grade.results:
        cls = "ok" if r.diagnosis in PASSED else "bad"
        source = cat.exercises[r.exercise].info.source if r.exercise in cat.exercises else ""
        yours = (f"<details{'' if r.diagnosis == 'ok' else ' open'}><summary>your code</summary>"
                 f"<pre>{e(code[r.exercise])}</pre></details>" if r.exercise in code else "")
        rows.append(f"<tr><td><code>{e(r.exercise)}</code></td><td>{_number(r.score)} / {_number(r.max_score)}</td>"
                    f"<td class=\"{cls}\">{e(r.diagnosis)}</td><td>{e(r.message)}"
                    + (f"<div class=\"src\">source: {e(source)}</div>" if source else "") + f"{yours}</td></tr>")
    notes = "".join(f"<p class=\"note\">{e(n)}</p>" for n in grade.notes + grade.remarks)
    if grade.tampering:
        notes += ("<p class=\"note\">A locked cell was changed; your notebook was graded with the original "
                  "cells, and your scores are not affected. " + e(" ".join(grade.tampering)) + "</p>")
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{e(grade.assignment)}: feedback for {e(grade.student)}</title><style>{STYLE}</style></head>"
            f"<body><h1>{e(grade.assignment)}</h1><p>Student: {e(grade.student)} — score "
            f"<strong>{_number(grade.score)} / {_number(grade.max_score)}</strong></p>{notes}"
            f"<table><tr><th>Exercise</th><th>Score</th><th>Diagnosis</th><th>What to look at</th></tr>"
            f"{''.join(rows)}</table></body></html>\n")


def write_class_report(root: Path, grades: Sequence[SubmissionGrade]) -> None:
    """DIR/report.html: where the class struggles (grader.class_report)."""
    from . import class_report
    rows = [{"student_id": g.student, "assignment": g.assignment, "exercise": r.exercise, "score": r.score,
             "max_score": r.max_score, "diagnosis": r.diagnosis} for g in grades for r in g.results]
    atomic_write(root / "report.html", class_report.render(rows))


def write_feedback(root: Path, grades: Sequence[SubmissionGrade], cat: catalogue.Catalogue = catalogue.PACKAGE) -> None:
    for g in grades:
        atomic_write(root / "feedback" / g.student / g.assignment / f"{g.assignment}.html", feedback_html(g, cat))


def check_database(root: Path) -> None:
    """CommandError when the course's gradebook is an SQLite file that does not exist yet."""
    missing = course_config.missing_database(root)
    if missing:
        raise CommandError(f"{root} has no gradebook ({missing}): run `backprop-course release --course "
                           f"{root}` first")


def check_gradebook(root: Path, cells: dict[str, list[str]]) -> None:
    """CommandError unless the gradebook has each assignment ({assignment: grade_ids}), its
    notebook and those graded cells."""
    release = f"run `backprop-course release --course {root}` (or nbgrader generate_assignment) first"
    from nbgrader.api import MissingEntry

    from .discover import source_notebook
    with course_config.open_gradebook(root) as gb:
        for a, wanted in cells.items():
            try:
                notebook = gb.find_notebook(source_notebook(root, a).stem, a)
            except MissingEntry:
                raise CommandError(f"assignment {a} is not in the course's gradebook: {release}") from None
            have = {c.name for c in notebook.grade_cells + notebook.task_cells}
            absent = [n for n in wanted if n not in have]
            if absent:
                raise CommandError(f"the gradebook's {a} lacks the graded cells {', '.join(absent)}: {release}")


def write_gradebook(root: Path, grades: Sequence[SubmissionGrade]) -> None:
    """Record every SubmissionGrade in nbgrader's gradebook, in one transaction."""
    from nbgrader.api import (Assignment, Comment, Grade, Student, SubmittedAssignment,
                              SubmittedNotebook)
    with course_config.open_gradebook(root) as gb:
        session = gb.db
        try:
            session.autoflush = False  # objects are linked up before they are flushed, once
            students = {s.id: s for s in session.query(Student)}
            assignments = {a.name: a for a in session.query(Assignment)}
            for g in grades:
                student = students.get(g.student)
                if student is None:
                    student = students[g.student] = Student(id=g.student)
                    session.add(student)
                assignment = assignments[g.assignment]
                submission = (session.query(SubmittedAssignment)
                              .filter_by(assignment_id=assignment.id, student_id=g.student).one_or_none())
                if submission is None:
                    submission = SubmittedAssignment(assignment=assignment, student=student)
                    session.add(submission)
                scores = dict(zip(g.cells or [f"test_{r.exercise}" for r in g.results], g.results))
                for notebook in assignment.notebooks:
                    sub_nb = next((n for n in submission.notebooks if n.notebook is notebook), None)
                    if sub_nb is None:
                        sub_nb = SubmittedNotebook(notebook=notebook, assignment=submission)
                        session.add(sub_nb)
                        for cell in notebook.solution_cells + notebook.task_cells:
                            session.add(Comment(cell_id=cell.id, notebook=sub_nb))
                    graded = {grade.cell_id: grade for grade in sub_nb.grades}
                    for cell in notebook.grade_cells + notebook.task_cells:
                        grade = graded.get(cell.id)
                        if grade is None:
                            grade = Grade(cell_id=cell.id, notebook=sub_nb)
                            session.add(grade)
                        result = scores.get(cell.name)
                        if result is not None:
                            manual = result.diagnosis == MANUAL
                            grade.auto_score = None if manual else result.score
                            grade.needs_manual_grade = manual or grade.manual_score is not None
                session.flush()
            session.commit()
        except BaseException:
            session.rollback()
            raise
