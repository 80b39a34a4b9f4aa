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

grades.csv has a row for each graded submission (status "graded") and for each learner of the
gradebook who handed nothing in for an assignment the class has been set (status "missing", 0
points, as nbgrader's own export counts them; grader.gradebook.missing). A submission handed in but
not graded (the sandbox failed on it) has no row: grading_problems.csv says why.

The pages fit any window from a phone's to a wide screen's: a viewport meta, a bounded width,
names and codes that wrap when their column is too narrow for them, code that scrolls inside its
own box, and tables that become one block per row on a narrow screen.
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
from urllib.parse import quote

from . import catalogue
from .judge import messages
from .judge.diagnose import PASSED

if TYPE_CHECKING:
    from .discover import Problem
    from .gradebook import Missing, Total
    from .judge.diagnose import Result
    from .results import SubmissionGrade

TAMPER_TAG = "[tampered]"
DIAGNOSIS = "diagnosis"  # DIR/diagnosis/<student>/<a>/<a>.html
OLD_PAGE_MARK = "<th>What to look at</th>"  # in the pages earlier versions wrote to DIR/feedback/
GRADED, MISSING = "graded", "missing"  # grades.csv's status


def diagnosis_page(root: Path, student: str, assignment: str) -> Path:
    """Where the diagnosis page of a submission goes."""
    return root / DIAGNOSIS / student / assignment / f"{assignment}.html"


def diagnosis_href(student: str, assignment: str) -> str:
    """The diagnosis page of a submission as a URL relative to the course directory (report.html's
    folder), every part percent-encoded: a student id is a folder name the learner may have chosen."""
    return "/".join(quote(part, safe="") for part in (DIAGNOSIS, student, assignment, f"{assignment}.html"))


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
               totals: dict[tuple[str, str], Total] | None = None, missing: Sequence[Missing] = ()) -> None:
    """grades.csv, exercise_scores.csv and grading_problems.csv from SubmissionGrades (sorted), the
    gradebook's totals and its learners without a submission (missing). grades.csv: score is the
    gradebook's (late penalty taken off); auto_score the grader's sum; timestamp when it was
    submitted (UTC), if known; status graded, or missing (0 points)."""
    totals = totals or {}
    rows = []
    for g in grades:
        t = total(g, totals)
        rows.append([g.student, g.assignment, _number(t.score), _number(t.max_score), _number(g.score),
                     _number(t.late_penalty), t.timestamp, GRADED])
    rows += [[m.student, m.assignment, "0", _number(m.max_score), "0", "0", "", MISSING] for m in missing]
    atomic_write(root / "grades.csv", safe_csv(
        ["student_id", "assignment", "score", "max_score", "auto_score", "late_penalty", "timestamp", "status"],
        sorted(rows, key=lambda row: (row[0], row[1]))))
    atomic_write(root / "exercise_scores.csv", safe_csv(
        ["student_id", "assignment", "exercise", "score", "max_score", "diagnosis", "message"],
        [[g.student, g.assignment, r.exercise, _number(r.score if mine is None else mine), _number(r.max_score),
          r.diagnosis, exercise_message(r, g) + _by_grader(r, mine)]
         for g in grades for r, mine in scored(g, totals)]))
    atomic_write(root / "grading_problems.csv", safe_csv(
        ["student_id", "assignment", "problem"], [[p.student, p.assignment, p.problem] for p in problems]))


STYLE = """
*,*::before,*::after{box-sizing:border-box}
body{font-family:system-ui,sans-serif;max-width:64em;margin:2em auto;padding:0 1em;color:#222;line-height:1.4;
overflow-wrap:break-word}
table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}table.fixed{table-layout:fixed}
td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}th{background:#f6f6f6}
td code,td a,.ident{overflow-wrap:anywhere}  /* ids and codes: no spaces to wrap at */
.ok{color:#17692e}.bad{color:#a3001b}.warn{color:#8a5a00}.note{background:#fff4ce;padding:.6em;
border-left:4px solid #e0a800;margin:1em 0}code{background:#f3f3f3;padding:0 .2em}
pre{background:#f6f8fa;padding:.5em;overflow-x:auto;font-size:.85em;max-width:100%;overflow-wrap:normal}
.src,.formula{color:#666;font-size:.85em;margin-top:.3em}summary{cursor:pointer;color:#444;font-size:.9em}
img{display:block;max-width:100%;height:auto;margin:1em 0}
@media (max-width:40em){
body{margin:1em auto}h1{font-size:1.6em}
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
table.stack thead,table.stack colgroup{display:none}
table.stack tr{border-bottom:2px solid #bbb;padding:.3em 0}table.stack td{border:0;padding:.15em .4em}
table.stack td[data-label]::before{content:attr(data-label) ": ";font-weight:600}
}
"""


def page(title: str, body: str) -> str:
    """A standalone HTML page (no external assets) with the shared style; body is HTML."""
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>\n")


def html_table(headers: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[str] = ()) -> str:
    """A table that becomes one block per row on a narrow screen, each cell labelled with its
    header. headers: plain text; rows: HTML cells; widths: CSS widths of the columns (a fixed layout,
    in which a cell's wide content, a line of code say, scrolls in its own box)."""
    e = html.escape
    cols = "".join(f'<col style="width:{w}">' for w in widths)
    cols = f"<colgroup>{cols}</colgroup>" if cols else ""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td data-label=\"{e(h)}\">{cell}</td>" for h, cell in zip(headers, row))
                   + "</tr>" for row in rows)
    css = "stack fixed" if widths else "stack"
    return f"<table class=\"{css}\">{cols}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _by_grader(result, score):
    if score is None:
        return ""
    return f" [a grader set {messages.points(score)}; the automatic score was {_number(result.score)}]"


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
        rows.append([f"<code>{e(r.exercise)}</code>", points, f"<span class=\"{cls} ident\">{e(r.diagnosis)}</span>",
                     e(r.message) + (f"<div class=\"src\">source: {e(source)}</div>" if source else "") + yours])
    notes = "".join(f"<p class=\"note\">{e(n)}</p>" for n in grade.notes + grade.remarks)
    if t.late_penalty:
        notes += (f"<p class=\"note\">Submitted late ({e(t.timestamp)} UTC): a penalty of {_number(t.late_penalty)} "
                  "point(s) was taken off the total, by the course's late-submission rule.</p>")
    if grade.tampering:
        notes += ("<p class=\"note\">A locked cell was changed; your notebook was graded with the original "
                  "cells, and your scores are not affected. " + e(" ".join(grade.tampering)) + "</p>")
    table = html_table(["Exercise", "Score", "Diagnosis", "What to look at"], rows, ("20%", "9%", "21%", "50%"))
    return page(f"{grade.assignment}: feedback for {grade.student}",
                f"<h1>{e(grade.assignment)}</h1><p>Student: <span class=\"ident\">{e(grade.student)}</span> — score "
                f"<strong>{_number(t.score)} / {_number(t.max_score)}</strong></p>{notes}{table}")


def write_class_report(root: Path, grades: Sequence[SubmissionGrade],
                       totals: dict[tuple[str, str], Total] | None = None, problems: Sequence[Problem] = (),
                       missing: Sequence[Missing] = (), assignments: Sequence[str] = (),
                       cat: catalogue.Catalogue = catalogue.PACKAGE) -> None:
    """DIR/report.html (grader.class_report), titled with the course's nbgrader course id. The
    submissions' totals are the gradebook's; a submission with a grading problem has the status
    "problem" (so has one handed in but not graded, for an assignment of assignments, the course's
    in order), a learner of the gradebook without a submission "missing". Each failed exercise shows
    its final formula (else its formula) from cat."""
    from . import class_report, course_config
    totals = totals or {}
    troubled = {(p.student, p.assignment) for p in problems}
    rows, entries = [], []
    for g in grades:
        t, key = total(g, totals), (g.student, g.assignment)
        entries.append(class_report.Entry(g.student, g.assignment, class_report.PROBLEM if key in troubled else GRADED,
                                          t.score, t.max_score, diagnosis_href(g.student, g.assignment)))
        rows += [{"student_id": g.student, "assignment": g.assignment, "exercise": r.exercise,
                  "score": r.score if mine is None else mine, "max_score": r.max_score, "diagnosis": r.diagnosis}
                 for r, mine in scored(g, totals)]
    entries += [class_report.Entry(m.student, m.assignment, MISSING, 0.0, m.max_score) for m in missing]
    graded = {(e.student, e.assignment) for e in entries}
    entries += [class_report.Entry(s, a, class_report.PROBLEM) for s, a in sorted(troubled - graded)
                if a in assignments]
    course = course_config.course_directory(root).course_id or root.resolve().name
    formulas = {name: e.info.final_formula or e.info.formula for name, e in cat.exercises.items()}
    atomic_write(root / "report.html", class_report.render(rows, entries, problems, f"Class report: {course}",
                                                           assignments, formulas))


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
