"""backprop-course demo: release the course, hand in a small sample class, grade it, show where to look.

The class: "perfect" submits the reference solutions, "struggling" makes the typical mistakes
(the cells tagged "struggling" in exercises/<a>/mistakes.py), "hostile" tries to cheat and to break
the grader (the cells tagged "hostile").
"""
import csv
import tempfile
from collections import defaultdict
from pathlib import Path

import nbformat

from . import samples
from .grade import grade
from .release import release
from .report_files import DIAGNOSIS, diagnosis_page
from exercises import ASSIGNMENTS

LEARNERS = ("perfect", "struggling", "hostile")


def hand_in(course: str | Path) -> None:
    """Write DIR/submitted/<learner>/<a>/<a>.ipynb for the three sample learners."""
    course = Path(course)
    for learner in LEARNERS:
        overrides = samples.overrides(learner) if learner != "perfect" else {}
        for a in ASSIGNMENTS:
            student = nbformat.read(course / "release" / a / f"{a}.ipynb", as_version=4)
            source = nbformat.read(course / "source" / a / f"{a}.ipynb", as_version=4)
            target = course / "submitted" / learner / a / f"{a}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(samples.submission(student, source, overrides.get(a)), target)


def summary_table(course: str | Path) -> str:
    """Scores per learner and assignment, read back from DIR/grades.csv."""
    with open(Path(course) / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    scores = defaultdict(dict)
    for row in rows:
        scores[row["student_id"]][row["assignment"]] = (float(row["score"]), float(row["max_score"]))
    header = f"{'learner':<12}" + "".join(f"{a[:2]:>9}" for a in ASSIGNMENTS) + f"{'total':>11}"
    lines = [header, "-" * len(header)]
    for learner in sorted(scores):
        cells = [scores[learner].get(a, (0.0, 0.0)) for a in ASSIGNMENTS]
        total, out_of = sum(s for s, _ in cells), sum(m for _, m in cells)
        lines.append(f"{learner:<12}" + "".join(f"{s:>5g}/{m:<3g}" for s, m in cells) + f"{total:>6g}/{out_of:g}")
    return "\n".join(lines)


def demo(course: str | Path | None = None, quiet: bool = False) -> Path:
    """Release into course (default: a new temporary folder), hand in the sample class, grade it and
    print the scores and where to look; quiet: only release's final line and the scores."""
    course = Path(course or tempfile.mkdtemp(prefix="backprop-course-demo-"))
    if not quiet:
        print(f"course directory: {course}")
    release(course, quiet=quiet)
    hand_in(course)
    summary = grade(course, quiet=True)
    if not quiet:
        print(summary.isolation())
    print(summary_table(course))
    if quiet:
        return course
    pages = len(list((course / DIAGNOSIS).glob('*/*/*.html')))
    where = [("per-exercise scores and diagnoses", course / "exercise_scores.csv"),
             ("class report", course / "report.html"),
             ("a struggling learner's diagnosis", diagnosis_page(course, "struggling", "02_regression")),
             (f"all {pages} diagnosis pages", course / DIAGNOSIS),
             ("for nbgrader's formgrader", f"{course / 'autograded'} and the gradebook")]
    width = max(len(label) for label, _ in where) + 1
    print()
    for label, path in where:
        print(f"{label + ':':<{width}} {path}")
    return course
