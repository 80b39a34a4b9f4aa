"""The class report, DIR/report.html: what an instructor acts on, one page, no external assets.

Sections: every learner's submissions (score, status, a link to the diagnosis page); the grading
problems, by kind; the exercises failed at least once, most often failed first, with their most
frequent mistakes; item analysis of every exercise (difficulty, discrimination); and for each
mistake, the learners who made it, each a link to their page. Pictures are matplotlib PNGs
embedded as data URIs; links are relative, so the course folder can be moved or copied whole.

Input: the rows of exercise_scores.csv (dicts with student_id, assignment, exercise, score,
max_score, diagnosis), the submissions (Entry: graded, missing or with a problem) and the grading
problems (discover.Problem).
"""
from __future__ import annotations

import base64
import html
import io
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

from .judge.diagnose import PASSED  # noqa: E402
from .report_files import GRADED, MISSING, diagnosis_href, html_table, page  # noqa: E402

if TYPE_CHECKING:
    from .discover import Problem

PHRASES = {
    "missing": "did not define it", "not_implemented": "left the stub", "error": "raised an exception",
    "timeout": "ran out of time", "wrong_type_or_shape": "returned the wrong type or shape",
    "non_finite": "returned NaN or infinity", "sign_flipped": "flipped the sign",
    "constant_factor": "were off by a constant factor", "missing_activation_derivative": "left out σ′",
    # given a = σ(z), it returned σ′(a) = σ(a)(1 − σ(a)), not a(1 − a); or, given z, the a-form z(1 − z)
    "activation_derivative_on_preactivation": "applied σ′ to a = σ(z) instead of z (or a(1 − a) to z)",
    "wrong_input": "fed a wrong input", "used_updated_weights": "used already-updated weights",
    "wrong_value": "had another wrong value", "tampered": "changed a locked cell",
    "failed": "failed the test", "partial": "got part of the points", "unanswered": "left it as handed out",
    "mutated_input": "changed an argument in place", "wrong_activation": "used another activation",
    "wrong_loss": "differentiated another loss", "mean_instead_of_sum": "averaged a sum",
    "wrong_row_order": "took the rows in another order",
}
UNSCORED = "manual"  # a written answer or a task: the formgrader's, not a pass or a failure
PROBLEM = "problem"  # a submission's status beside grades.csv's GRADED and MISSING
TITLE = "Class report"
MOST_FAILED = 20  # exercises in the chart of the most often failed
OPEN_LISTS_UP_TO = 12  # a mistake's list of learners starts open up to this length, folded beyond
MIN_FOR_CORRELATION = 3  # submissions an item-total correlation needs to mean anything
LOW_DISCRIMINATION = 0.2  # the usual rule of thumb: an item below it deserves a second look
DISCRIMINATION_LINE = (
    "Difficulty is the mean share of the exercise's points (1.00: every submission got them all). "
    "Discrimination is the correlation between the exercise's score and the learner's score on the "
    f"rest of the assignment (corrected item–total correlation): below {LOW_DISCRIMINATION:g} (in red), the "
    "exercise tells stronger from weaker learners apart poorly, or backwards, so check its wording and its tests.")
# (kind, phrases one of which a problem's text holds, in lower case): the first kind that matches
PROBLEM_KINDS = (
    ("Changed locked cells (graded with the original cells)", ("tampered:",)),
    ("Timeouts", ("your notebook was stopped", "was left out: it never finished")),
    ("Notebooks that ended their own process", ("ended the notebook's process",)),
    ("Sandbox failures (not graded: the next run tries again)", ("the sandbox failed",)),
    ("Grader failures", ("grading failed:",)),
    ("Locked cells that raised an exception", ("the locked cell ",)),
    ("Renamed notebooks (graded)", ("the only notebook in the folder",)),
    ("Unknown folders and stray files (ignored)", ("ignored", "not a student folder")),
    ("Unreadable submission times (counted as on time)", ("timestamp.txt is unreadable",)),
    ("Missing, extra or unreadable notebooks", ("notebook",)),
)
OTHER_PROBLEMS = "Other problems"


@dataclass(frozen=True)
class Entry:
    """One learner's submission of one assignment, as the submissions table shows it."""
    student: str
    assignment: str
    status: str  # GRADED, MISSING or PROBLEM (handed in, with a grading problem: graded or not)
    score: float | None = None  # the gradebook's total; None when it was not graded
    max_score: float | None = None
    page: str = ""  # the diagnosis page, relative to report.html; "" when there is none


@dataclass(frozen=True)
class ExerciseStats:
    assignment: str
    exercise: str
    attempts: int
    pass_rate: float
    shares: list[tuple[str, float]]  # the three most frequent mistakes, (diagnosis, share of attempts)


@dataclass(frozen=True)
class Item:
    """Item analysis of one exercise over the graded submissions of its assignment."""
    assignment: str
    exercise: str
    n: int  # submissions
    difficulty: float  # mean share of the exercise's points
    discrimination: float | None  # corrected item-total correlation; None when it is undefined, see why
    why: str = ""


def exercise_stats(rows: list[dict[str, Any]]) -> list[ExerciseStats]:
    """Pass rate and most frequent mistakes of every scored exercise, hardest first."""
    by_exercise = defaultdict(list)
    for row in rows:
        if row["diagnosis"] == UNSCORED:
            continue
        by_exercise[(row["assignment"], row["exercise"])].append(row["diagnosis"])
    stats = []
    for (assignment, exercise), codes in by_exercise.items():
        counts = Counter(code for code in codes if code not in PASSED)
        shares = [(code, n / len(codes)) for code, n in counts.most_common(3)]
        stats.append(ExerciseStats(assignment, exercise, len(codes),
                                   sum(code in PASSED for code in codes) / len(codes), shares))
    return sorted(stats, key=lambda s: (s.pass_rate, s.assignment, s.exercise))


def corrected_item_total(item: Sequence[float], rest: Sequence[float]) -> tuple[float | None, str]:
    """(Pearson's correlation of item and rest, ""), or (None, why it is undefined): fewer than
    MIN_FOR_CORRELATION values, or no spread in one of them."""
    n = len(item)
    if n < MIN_FOR_CORRELATION:
        return None, f"fewer than {MIN_FOR_CORRELATION} submissions"
    mean_item, mean_rest = sum(item) / n, sum(rest) / n
    s_ii = sum((x - mean_item) ** 2 for x in item)
    s_rr = sum((y - mean_rest) ** 2 for y in rest)
    s_ir = sum((x - mean_item) * (y - mean_rest) for x, y in zip(item, rest))
    if math.isclose(s_ii, 0.0, abs_tol=1e-12):
        return None, "every submission scored the same on it"
    if math.isclose(s_rr, 0.0, abs_tol=1e-12):
        return None, "every submission scored the same on the rest of the assignment"
    return s_ir / math.sqrt(s_ii * s_rr), ""


def item_analysis(rows: list[dict[str, Any]]) -> list[Item]:
    """Difficulty and discrimination of each scored exercise, in the order the rows first name
    them. The rest score of a submission is its total over the assignment's other scored exercises."""
    scores = defaultdict(lambda: defaultdict(dict))  # assignment -> student -> exercise -> (score, max)
    for row in rows:
        if row["diagnosis"] != UNSCORED:
            scores[row["assignment"]][row["student_id"]][row["exercise"]] = (float(row["score"]),
                                                                              float(row["max_score"]))
    order = dict.fromkeys((row["assignment"], row["exercise"]) for row in rows if row["diagnosis"] != UNSCORED)
    items = []
    for assignment, exercise in order:
        taken = [s for s in scores[assignment].values() if exercise in s]
        shares = [s[exercise][0] / s[exercise][1] for s in taken if s[exercise][1]]
        item = [s[exercise][0] for s in taken]
        rest = [sum(score for name, (score, _) in s.items() if name != exercise) for s in taken]
        discrimination, why = corrected_item_total(item, rest)
        items.append(Item(assignment, exercise, len(taken), sum(shares) / len(shares) if shares else 0.0,
                          discrimination, why))
    return items


def problem_kind(text: str) -> str:
    """The kind of a grading problem (PROBLEM_KINDS), from its text."""
    lower = text.lower()
    return next((kind for kind, phrases in PROBLEM_KINDS if any(p in lower for p in phrases)), OTHER_PROBLEMS)


def graded_entries(rows: list[dict[str, Any]]) -> list[Entry]:
    """An Entry for each submission in rows, its score the sum of its rows."""
    sums = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        entry = sums[(row["student_id"], row["assignment"])]
        entry[0] += float(row["score"])
        entry[1] += float(row["max_score"])
    return [Entry(s, a, GRADED, score, top, diagnosis_href(s, a)) for (s, a), (score, top) in sorted(sums.items())]


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def score_distribution_png(percents: list[float]) -> str:
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist(percents, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.0001], color="#4c72b0", edgecolor="white")
    ax.set_xlabel("score per submission (% of the assignment's points)")
    ax.set_ylabel("submissions")
    ax.set_title("Score distribution")
    return _png(fig)


def failure_rate_png(failed: list[ExerciseStats]) -> str:
    """A bar per exercise of failed (at least one failure each), the most often failed on top."""
    shown = failed[:MOST_FAILED]
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(shown) + 1))
    ax.barh([s.exercise for s in shown][::-1], [100 * (1 - s.pass_rate) for s in shown][::-1], color="#dd8452")
    ax.set_xlim(0, 100)
    ax.set_xlabel("submissions that failed it (%)")
    ax.set_title(f"The {len(shown)} exercises most often failed")
    return _png(fig)


def _learner(student, href):
    name = html.escape(student)
    return f'<a class="ident" href="{html.escape(href)}">{name}</a>' if href else f'<span class="ident">{name}</span>'


def _points(x):
    return f"{x:g}"


def _entry_cell(entry: Entry | None) -> str:
    if entry is None:
        return "—"
    score = "—" if entry.score is None else f"{_points(entry.score)} / {_points(entry.max_score)}"
    if entry.page:
        score = f'<a href="{html.escape(entry.page)}">{score}</a>'
    css = {GRADED: "ok", MISSING: "bad", PROBLEM: "warn"}[entry.status]
    return f'{score}<br><small class="{css}">{entry.status}</small>'


def _submissions_section(entries: list[Entry], assignments: list[str]) -> str:
    by_student = defaultdict(dict)
    for entry in entries:
        by_student[entry.student][entry.assignment] = entry
    rows = []
    for student in sorted(by_student):
        mine = by_student[student]
        counted = [e for e in mine.values() if e.score is not None]
        total = (f"{_points(sum(e.score for e in counted))} / {_points(sum(e.max_score for e in counted))}"
                 if counted else "—")
        rows.append([f'<span class="ident">{html.escape(student)}</span>',
                     *[_entry_cell(mine.get(a)) for a in assignments], total])
    return ("<h2>Submissions</h2><p>Each score links to the learner's diagnosis page. <em>missing</em>: nothing "
            "handed in (0 points, as nbgrader's export counts it); <em>problem</em>: see the grading problems "
            "below.</p>" + html_table(["learner", *assignments, "total"], rows))


def _problems_section(problems: Sequence[Problem], pages: dict[tuple[str, str], str]) -> str:
    if not problems:
        return "<h2>Grading problems</h2><p>None.</p>"
    by_kind = defaultdict(list)
    for p in problems:
        by_kind[problem_kind(p.problem)].append(p)
    parts = [f"<h2>Grading problems ({len(problems)})</h2>"]
    for kind in [k for k, _ in PROBLEM_KINDS] + [OTHER_PROBLEMS]:
        if kind in by_kind:
            rows = [[_learner(p.student, pages.get((p.student, p.assignment), "")),
                     html.escape(p.assignment) or "—", html.escape(p.problem)] for p in by_kind[kind]]
            parts.append(f"<h3>{html.escape(kind)} ({len(rows)})</h3>"
                         + html_table(["learner", "assignment", "problem"], rows, ("20%", "20%", "60%")))
    return "".join(parts)


def _shares(stats: ExerciseStats) -> str:
    return "; ".join(f"{share:.0%} {html.escape(PHRASES.get(code, code))}" for code, share in stats.shares) or "—"


def _failed_section(failed: list[ExerciseStats], passed: int, formulas: Mapping[str, str]) -> str:
    """failed: the exercises failed at least once, most often failed first; passed: how many others;
    formulas: {exercise: its answer}, shown under its name (the report is the instructor's)."""
    if not failed:
        return "<h2>Exercises most often failed</h2><p>Every submission passed every exercise.</p>"
    rows = [[html.escape(s.assignment), f"<code>{html.escape(s.exercise)}</code>{_formula(formulas.get(s.exercise))}",
             str(s.attempts),
             f"{1 - s.pass_rate:.0%}", _shares(s)] for s in failed]
    return (f"<h2>Exercises most often failed</h2><p>The {len(failed)} exercise(s) that at least one submission "
            f"failed; {passed} other(s) were passed by every submission.</p>"
            + html_table(["assignment", "exercise", "attempts", "failed", "most frequent mistakes (share of attempts)"],
                         rows))


def _formula(formula: str | None) -> str:
    return f'<div class="formula">{html.escape(formula)}</div>' if formula else ""


def _items_section(items: list[Item]) -> str:
    rows = []
    for i in items:
        if i.discrimination is None:
            discrimination = f"— <small>({html.escape(i.why)})</small>"
        else:
            css = "bad" if i.discrimination < LOW_DISCRIMINATION else "ok"
            discrimination = f'<span class="{css}">{i.discrimination:.2f}</span>'
        rows.append([html.escape(i.assignment), f"<code>{html.escape(i.exercise)}</code>", str(i.n),
                     f"{i.difficulty:.2f}", discrimination])
    return (f"<h2>Item analysis</h2><p>{html.escape(DISCRIMINATION_LINE)}</p>"
            + html_table(["assignment", "exercise", "submissions", "difficulty", "discrimination"], rows))


def _mistakes_section(rows: list[dict[str, Any]]) -> str:
    who = defaultdict(list)
    for row in rows:
        if row["diagnosis"] not in PASSED and row["diagnosis"] != UNSCORED:
            who[row["diagnosis"]].append(row)
    if not who:
        return ""
    parts = ["<h2>Who made each mistake</h2>"]
    for code, made in sorted(who.items(), key=lambda item: (-len(item[1]), item[0])):
        links = "".join(f"<li>{_learner(r['student_id'], diagnosis_href(r['student_id'], r['assignment']))} — "
                        f"{html.escape(r['assignment'])}, <code>{html.escape(r['exercise'])}</code></li>"
                        for r in sorted(made, key=lambda r: (r["student_id"], r["assignment"], r["exercise"])))
        phrase = html.escape(PHRASES.get(code, code))
        parts.append(f"<details{' open' if len(made) <= OPEN_LISTS_UP_TO else ''}><summary><strong>{phrase}</strong> "
                     f"(<code>{html.escape(code)}</code>): {len(made)}</summary><ul>{links}</ul></details>")
    return "".join(parts)


def render(rows: list[dict[str, Any]], entries: list[Entry] | None = None, problems: Sequence[Problem] = (),
           title: str = TITLE, assignments: Sequence[str] = (), formulas: Mapping[str, str] | None = None) -> str:
    """The whole report as one HTML page. rows: exercise_scores.csv's; entries: the submissions
    (default: those of rows, graded); problems: the grading problems; assignments: the order of
    the table's columns (default: by name); formulas: {exercise: its answer}."""
    entries = graded_entries(rows) if entries is None else entries
    present = {e.assignment for e in entries}
    columns = [a for a in assignments if a in present] + sorted(present - set(assignments))
    stats = exercise_stats(rows)
    failed = [s for s in stats if s.pass_rate < 1]
    graded = [e for e in entries if e.score is not None and e.status != MISSING]
    count = Counter(e.status for e in entries)
    pictures = ""
    if graded:
        percents = [100 * e.score / e.max_score for e in graded if e.max_score]
        pictures += f'<img alt="score distribution" src="{score_distribution_png(percents)}">'
    if failed:
        pictures += f'<img alt="the exercises most often failed" src="{failure_rate_png(failed)}">'
    pages = {(e.student, e.assignment): e.page for e in entries}
    place = {a: i for i, a in enumerate(columns)}  # item analysis in the table's order of assignments
    summary = (f"<p>{len({e.student for e in entries})} learners; {len(graded)} submissions graded; "
               f"{count[MISSING]} missing; {count[PROBLEM]} handed in with a grading problem (graded or not); "
               f"{len(stats)} exercises.</p>")
    body = (f"<h1>{html.escape(title)}</h1>{summary}{_submissions_section(entries, columns)}"
            f"{_problems_section(problems, pages)}{pictures}{_failed_section(failed, len(stats) - len(failed), formulas or {})}"
            f"{_items_section(sorted(item_analysis(rows), key=lambda i: place.get(i.assignment, len(place))))}"
            f"{_mistakes_section(rows)}")
    return page(title, body)
