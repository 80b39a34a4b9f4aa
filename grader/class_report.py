"""The class report, DIR/report.html: where a class struggles, one page, no external assets.

Input: the rows of exercise_scores.csv (dicts with student_id, assignment, exercise, score,
max_score, diagnosis). Pictures are matplotlib PNGs embedded as data URIs.
"""
import base64
import html
import io
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

from .judge.diagnose import PASSED  # noqa: E402

PHRASES = {
    "missing": "did not define it", "not_implemented": "left the stub", "error": "raised an exception",
    "timeout": "ran out of time", "wrong_type_or_shape": "returned the wrong type or shape",
    "non_finite": "returned NaN or infinity", "sign_flipped": "flipped the sign",
    "constant_factor": "were off by a constant factor", "missing_activation_derivative": "left out σ′",
    "activation_derivative_on_preactivation": "applied σ′ to z instead of a",
    "wrong_input": "fed a wrong input", "used_updated_weights": "used already-updated weights",
    "wrong_value": "had another wrong value", "tampered": "changed a locked cell",
    "failed": "failed the test", "partial": "got part of the points", "unanswered": "left it as handed out",
    "mutated_input": "changed an argument in place", "wrong_activation": "used another activation",
    "wrong_loss": "differentiated another loss", "mean_instead_of_sum": "averaged a sum",
}
UNSCORED = "manual"  # a written answer or a task: the formgrader's, not a pass or a failure


def exercise_stats(rows: list[dict[str, Any]]) -> list[tuple[str, str, int, float, list[tuple[str, float]]]]:
    """[(assignment, exercise, attempts, pass rate, [(diagnosis, share), …])], hardest first."""
    by_exercise = defaultdict(list)
    for row in rows:
        if row["diagnosis"] == UNSCORED:
            continue
        by_exercise[(row["assignment"], row["exercise"])].append(row["diagnosis"])
    stats = []
    for (assignment, exercise), codes in by_exercise.items():
        counts = Counter(code for code in codes if code not in PASSED)
        shares = [(code, n / len(codes)) for code, n in counts.most_common(3)]
        stats.append((assignment, exercise, len(codes), sum(code in PASSED for code in codes) / len(codes), shares))
    return sorted(stats, key=lambda s: (s[3], s[0], s[1]))


def sum_rows(rows: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[float, ...]]:
    """{(student, assignment): (score, max_score)}."""
    out = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        entry = out[(row["student_id"], row["assignment"])]
        entry[0] += float(row["score"])
        entry[1] += float(row["max_score"])
    return {key: tuple(value) for key, value in out.items()}


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def score_distribution_png(submissions: dict[tuple[str, str], tuple[float, ...]]) -> str:
    percents = [100 * s / m for s, m in submissions.values() if m]
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist(percents, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.0001], color="#4c72b0", edgecolor="white")
    ax.set_xlabel("score per submission (% of the assignment's points)")
    ax.set_ylabel("submissions")
    ax.set_title("Score distribution")
    return _png(fig)


def pass_rate_png(stats: list[tuple[str, str, int, float, list[tuple[str, float]]]], most: int = 20) -> str:
    shown = stats[:most]
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(shown) + 1))
    ax.barh([s[1] for s in shown][::-1], [100 * s[3] for s in shown][::-1], color="#dd8452")
    ax.set_xlim(0, 100)
    ax.set_xlabel("pass rate (%)")
    ax.set_title(f"The {len(shown)} hardest exercises")
    return _png(fig)


def render(rows: list[dict[str, Any]], course_name: str = "backprop-course",
           totals: dict[tuple[str, str], tuple[float, ...]] | None = None,
           formulas: Mapping[str, str] | None = None) -> str:
    """The whole report as one HTML string; totals: {(student, assignment): (score, max_score)}
    (default: the sums of the rows); formulas: {exercise: its answer}, shown under its name (the
    report is the instructor's: final formulas may stand there)."""
    stats = exercise_stats(rows)
    submissions = totals if totals is not None else sum_rows(rows)
    lines = []
    for assignment, exercise, attempts, rate, shares in stats:
        mistakes = "; ".join(f"{share:.0%} {html.escape(PHRASES.get(code, code))}"
                             for code, share in shares) or "—"
        formula = (formulas or {}).get(exercise)
        below = f'<div class="formula">{html.escape(formula)}</div>' if formula else ""
        lines.append(f"<tr><td>{html.escape(assignment)}</td><td><code>{html.escape(exercise)}</code>{below}</td>"
                     f"<td>{attempts}</td><td>{rate:.0%}</td><td>{mistakes}</td></tr>")
    pictures = ""
    if rows:
        pictures = (f'<img alt="score distribution" src="{score_distribution_png(submissions)}">'
                    f'<img alt="pass rate of the hardest exercises" src="{pass_rate_png(stats)}">')
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(course_name)}: class report</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}td,th{{padding:.2em .6em;text-align:left}}
tr:nth-child(even){{background:#f4f4f4}}img{{max-width:100%;display:block;margin:1em 0}}
.formula{{color:#555;font-size:.85em;margin-top:.2em}}</style></head>
<body><h1>{html.escape(course_name)}: class report</h1>
<p>{len({s for s, _ in submissions})} students, {len(submissions)} graded submissions,
{len(stats)} exercises.</p>
{pictures}
<h2>Exercises from hardest to easiest</h2>
<table><tr><th>assignment</th><th>exercise</th><th>attempts</th><th>pass rate</th>
<th>most frequent mistakes (share of attempts)</th></tr>
{"".join(lines)}
</table></body></html>
"""
