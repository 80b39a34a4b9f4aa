"""The grade command's files: CSV files, the diagnosis page of each submission, the class report.

Every file is written atomically (a temporary file in the same folder, then os.replace), so an
interrupted run leaves the previous version, never half a file. Each submission's total is the
gradebook's (grader.gradebook.Total: manual scores, extra credit and the late penalty included),
so grades.csv, the pages, `nbgrader export` and the formgrader agree.

The diagnosis pages go to DIR/diagnosis/<student>/<a>/<a>.html. DIR/feedback/ is nbgrader's:
`nbgrader generate_feedback` renders the autograded notebooks there (they carry the grader's
verdict in each test cell) and `nbgrader release_feedback` hands them out, so a page of ours in it
would be replaced, or would make generate_feedback skip that submission.

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
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import catalogue
from .judge.diagnose import PASSED

if TYPE_CHECKING:
    from .discover import Problem
    from .gradebook import Total
    from .judge.diagnose import Result
    from .results import SubmissionGrade

TAMPER_TAG = "[tampered]"
DIAGNOSIS = "diagnosis"  # DIR/diagnosis/<student>/<a>/<a>.html
OLD_PAGE_MARK = "<th>What to look at</th>"  # in the pages earlier versions wrote to DIR/feedback/


def diagnosis_page(root: Path, student: str, assignment: str) -> Path:
    """Where the diagnosis page of a submission goes."""
    return root / DIAGNOSIS / student / assignment / f"{assignment}.html"


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


def safe_cell(value: object) -> object:
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


def safe_csv(header: Sequence, rows: Iterable[Sequence]) -> str:
    """CSV text with every cell made safe to open in a spreadsheet (no live formulas). The writer
    quotes only cells that hold a comma, a quote or "\n", so a row with a "\r" in a cell is written
    all quoted: else a reader would start a new row, and maybe a formula, after the "\r"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in [header, *rows]:
        row = [safe_cell(v) for v in row]
        (quoted if any(isinstance(v, str) and "\r" in v for v in row) else writer).writerow(row)
    return out.getvalue()


def _number(x):
    return f"{x:g}"


def exercise_message(result: Result, grade: SubmissionGrade) -> str:
    if not grade.tampering:
        return result.message
    return f"{result.message} {TAMPER_TAG} {' '.join(grade.tampering)}"


def total(grade: SubmissionGrade, totals: dict[tuple[str, str], Total]) -> Total:
    """The gradebook's Total of a submission; the grader's own sum where the gradebook has none."""
    from .gradebook import Total
    return totals.get((grade.student, grade.assignment)) or Total(grade.score, grade.max_score)


def scored(grade: SubmissionGrade, totals: dict[tuple[str, str], Total]) -> list[tuple[Result, float | None]]:
    """(result, the score a grader gave its cell in the formgrader, or None) for each result."""
    by_grader = dict(total(grade, totals).by_grader)
    cells = grade.cells or [f"test_{r.exercise}" for r in grade.results]
    return [(r, by_grader.get(cell)) for r, cell in zip(grade.results, cells)]


def write_csvs(root: Path, grades: Sequence[SubmissionGrade], problems: list[Problem],
               totals: dict[tuple[str, str], Total] | None = None) -> None:
    """grades.csv, exercise_scores.csv and grading_problems.csv from SubmissionGrades (sorted) and
    the gradebook's totals. grades.csv: score is the gradebook's (late penalty taken off);
    auto_score the grader's sum; timestamp when it was submitted (UTC), if known."""
    totals = totals or {}
    rows = []
    for g in grades:
        t = total(g, totals)
        rows.append([g.student, g.assignment, _number(t.score), _number(t.max_score), _number(g.score),
                     _number(t.late_penalty), t.timestamp])
    atomic_write(root / "grades.csv", safe_csv(
        ["student_id", "assignment", "score", "max_score", "auto_score", "late_penalty", "timestamp"], rows))
    atomic_write(root / "exercise_scores.csv", safe_csv(
        ["student_id", "assignment", "exercise", "score", "max_score", "diagnosis", "message"],
        [[g.student, g.assignment, r.exercise, _number(r.score if mine is None else mine), _number(r.max_score),
          r.diagnosis, exercise_message(r, g) + _by_grader(r, mine)]
         for g in grades for r, mine in scored(g, totals)]))
    atomic_write(root / "grading_problems.csv", safe_csv(
        ["student_id", "assignment", "problem"], [[p.student, p.assignment, p.problem] for p in problems]))


STYLE = """
body{font-family:system-ui,sans-serif;max-width:52em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;
vertical-align:top}.ok{color:#17692e}.bad{color:#a3001b}.note{background:#fff4ce;padding:.6em;
border-left:4px solid #e0a800;margin:1em 0}code{background:#f3f3f3;padding:0 .2em}
pre{background:#f6f8fa;padding:.5em;overflow-x:auto;font-size:.85em}.src{color:#666;font-size:.85em;margin-top:.3em}
summary{cursor:pointer;color:#444;font-size:.9em}
"""


def _by_grader(result, score):
    if score is None:
        return ""
    return f" [a grader set {_number(score)} point(s); the automatic score was {_number(result.score)}]"


def feedback_html(grade: SubmissionGrade, cat: catalogue.Catalogue = catalogue.PACKAGE,
                  totals: dict[tuple[str, str], Total] | None = None) -> str:
    """The learner's page: per exercise status, points, diagnosis, hint, source and their own code;
    the total and any grader's scores and late penalty from the gradebook (totals)."""
    e = html.escape
    code = {}
    for exercise, text in grade.code:
        code[exercise] = code.get(exercise, "") + text
    rows, t = [], total(grade, totals or {})
    for r, mine in scored(grade, totals or {}):
        cls = "ok" if r.diagnosis in PASSED else "bad"
        source = cat.exercises[r.exercise].info.source if r.exercise in cat.exercises else ""
        yours = (f"<details{'' if r.diagnosis == 'ok' else ' open'}><summary>your code</summary>"
                 f"<pre>{e(code[r.exercise])}</pre></details>" if r.exercise in code else "")
        points = f"{_number(r.score)} / {_number(r.max_score)}" if mine is None else \
            f"{_number(mine)} / {_number(r.max_score)} <small>(set by a grader)</small>"
        rows.append(f"<tr><td><code>{e(r.exercise)}</code></td><td>{points}</td>"
                    f"<td class=\"{cls}\">{e(r.diagnosis)}</td><td>{e(r.message)}"
                    + (f"<div class=\"src\">source: {e(source)}</div>" if source else "") + f"{yours}</td></tr>")
    notes = "".join(f"<p class=\"note\">{e(n)}</p>" for n in grade.notes + grade.remarks)
    if t.late_penalty:
        notes += (f"<p class=\"note\">Submitted late ({e(t.timestamp)} UTC): a penalty of {_number(t.late_penalty)} "
                  "point(s) was taken off the total, by the course's late-submission rule.</p>")
    if grade.tampering:
        notes += ("<p class=\"note\">A locked cell was changed; your notebook was graded with the original "
                  "cells, and your scores are not affected. " + e(" ".join(grade.tampering)) + "</p>")
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{e(grade.assignment)}: feedback for {e(grade.student)}</title><style>{STYLE}</style></head>"
            f"<body><h1>{e(grade.assignment)}</h1><p>Student: {e(grade.student)} — score "
            f"<strong>{_number(t.score)} / {_number(t.max_score)}</strong></p>{notes}"
            f"<table><tr><th>Exercise</th><th>Score</th><th>Diagnosis</th><th>What to look at</th></tr>"
            f"{''.join(rows)}</table></body></html>\n")


def write_class_report(root: Path, grades: Sequence[SubmissionGrade],
                       totals: dict[tuple[str, str], Total] | None = None,
                       cat: catalogue.Catalogue = catalogue.PACKAGE) -> None:
    """DIR/report.html: where the class struggles (grader.class_report), each exercise with its
    final formula (else its formula) from cat; the submissions' totals are the gradebook's."""
    from . import class_report
    rows = [{"student_id": g.student, "assignment": g.assignment, "exercise": r.exercise, "score": r.score,
             "max_score": r.max_score, "diagnosis": r.diagnosis} for g in grades for r in g.results]
    submissions = {(g.student, g.assignment): (t.score, t.max_score)
                   for g in grades for t in [total(g, totals or {})]}
    formulas = {name: e.info.final_formula or e.info.formula for name, e in cat.exercises.items()}
    atomic_write(root / "report.html", class_report.render(rows, totals=submissions, formulas=formulas))


def _retire_old_page(root, grade):
    """Remove the page an earlier version of the grader wrote into nbgrader's feedback folder: with
    no timestamp.txt beside it, `nbgrader generate_feedback` would skip that submission for good."""
    folder = root / "feedback" / grade.student / grade.assignment
    old = folder / f"{grade.assignment}.html"
    try:
        if not (folder / "timestamp.txt").exists() and OLD_PAGE_MARK in old.read_text(encoding="utf-8"):
            old.unlink()
            if not any(folder.iterdir()):
                folder.rmdir()
    except (OSError, UnicodeDecodeError):
        pass  # not there, or not ours


def write_feedback(root: Path, grades: Sequence[SubmissionGrade], cat: catalogue.Catalogue = catalogue.PACKAGE,
                   totals: dict[tuple[str, str], Total] | None = None) -> None:
    """The diagnosis page of each submission (diagnosis_page)."""
    for g in grades:
        _retire_old_page(root, g)
        atomic_write(diagnosis_page(root, g.student, g.assignment), feedback_html(g, cat, totals))
