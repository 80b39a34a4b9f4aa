"""The instructor's own course: their settings, edits, graded cells and assignments are kept and graded.

One course, made as an nbgrader instructor makes it (slow: real kernels and nbgrader):

1. nbgrader_config.py with course_id "ml101", a gradebook database outside the course folder and an
   exchange; an assignment of their own, hw0 (an autograded answer, a test, a partial-credit test, a
   written answer, a task), made with `nbgrader generate_assignment`;
2. `release --assignment 02_regression` into it;
3. edits in source/02_regression/ as with nbgrader's cell toolbar: mse_loss worth 2 points and
   reworded; an exercise of their own, abs_loss (an answer cell, a 2-point test, a 1.5-point
   partial-credit test), a written answer; and a diagnosed exercise of the course, dL_dx1, whose
   reference and cases live in checks/02_regression.py of the course;
4. `release` again, then a class of six for 02_regression and five for hw0, graded by
   `backprop-course grade` in the course and by `nbgrader autograde` in a copy of it (course folder,
   database and exchange copied together, so each has its own gradebook).
"""
import contextlib
import copy
import csv
import io
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader import release as release_module
from grader.course_config import CONFIG_FILE, MERGED, merged, load_config
from grader.grade import grade
from grader.samples import submission

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_autograde_agreement import nbgrader  # noqa: E402

A = "02_regression"
HW = "hw0"

CONFIG = """\
import os
c = get_config()
here = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "ml101"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, os.pardir, "db", "ml101.db")
c.Exchange.root = os.path.join(here, os.pardir, "exchange")
"""

CHECKS = '''\
"""dL_dx1: the loss by the first input of the 2-2-1 network, an exercise of this course's own."""
from grader.exercise import Exercise
from grader.judge.diagnose import ExerciseInfo


def dL_dx1(y, y_hat, W2_11, W1_11, W2_21, W1_12):
    """∂L/∂x1 = −2(y − ŷ)(W2_11·W1_11 + W2_21·W1_12)."""
    return -2 * (y - y_hat) * (W2_11 * W1_11 + W2_21 * W1_12)


EXERCISES = [
    Exercise(
        ExerciseInfo("dL_dx1", "02_regression", 1, "∂L/∂x1 for L = (y − ŷ)²", "ml101, week 3",
                     final_formula="∂L/∂x1 = −2(y − ŷ)(W2_11·W1_11 + W2_21·W1_12)"),
        dL_dx1,
        lambda rng: [float(v) for v in rng.normal(size=6)],
        variants={"wrong_input": lambda y, y_hat, W2_11, W1_11, W2_21, W1_12: -2 * (y - y_hat) * W2_11 * W1_11},
    ),
]
'''


def toolbar(grade_id, kind, points=None):
    """nbgrader metadata as the "Create Assignment" cell toolbar writes it."""
    flags = {"answer": (False, True, False), "tests": (True, False, True), "manual": (True, True, False),
             "readonly": (False, False, True), "task": (False, False, True)}[kind]
    meta = {"grade": flags[0], "solution": flags[1], "locked": flags[2], "grade_id": grade_id,
            "schema_version": 3, "task": kind == "task"}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def code(text, grade_id=None, kind=None, points=None):
    return new_code_cell(textwrap.dedent(text).strip(), metadata=toolbar(grade_id, kind, points) if kind else {})


def markdown(text, grade_id=None, kind=None, points=None):
    return new_markdown_cell(textwrap.dedent(text).strip(), metadata=toolbar(grade_id, kind, points) if kind else {})


def hw0_notebook():
    return new_notebook(cells=[
        markdown("# Homework 0"),
        code("import math", "setup", "readonly"),
        code("""
            def square(x):
                ### BEGIN SOLUTION
                return x * x
                ### END SOLUTION
            """, "square", "answer"),
        code("""
            assert square(3) == 9
            ### BEGIN HIDDEN TESTS
            assert square(-2) == 4
            ### END HIDDEN TESTS
            """, "test_square", "tests", 2),
        code("""
            def hypot(a, b):
                ### BEGIN SOLUTION
                return math.sqrt(square(a) + square(b))
                ### END SOLUTION
            """, "hypot", "answer"),
        code("""
            score = 0
            score += 1 if hypot(3, 4) == 5 else 0
            score += 2 if abs(hypot(1, 1) - math.sqrt(2)) < 1e-12 else 0
            score
            """, "test_hypot", "tests", 3),
        markdown("Why is `hypot` never negative? A square root of a sum of squares.", "explain", "manual", 2),
        markdown("Plot `hypot(x, 1)` for x from −3 to 3.", "task_plot", "task", 1),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


EXTRA_02 = [
    markdown("## Our own: the absolute loss\nWrite `abs_loss(y, y_hat)` = |y − ŷ|.", "abs_intro", "readonly"),
    code("""
        def abs_loss(y, y_hat):
            ### BEGIN SOLUTION
            return abs(y - y_hat)
            ### END SOLUTION
        """, "abs_loss", "answer"),
    code("""
        assert abs_loss(1.0, 3.0) == 2.0
        ### BEGIN HIDDEN TESTS
        assert abs_loss(-1.0, 2.5) == 3.5
        ### END HIDDEN TESTS
        """, "test_abs_loss", "tests", 2),
    code("""
        partial = 0.0
        partial += 1.0 if abs_loss(0.0, 1.0) == 1.0 else 0.0
        partial += 0.5 if abs_loss(2.0, 2.0) == 0.0 else 0.0
        partial
        """, "test_abs_partial", "tests", 1.5),
    markdown("Where is |y − ŷ| not differentiable? At y = ŷ.", "abs_why", "manual", 1),
    markdown("**The loss by an input.** Two paths lead from x1 to the loss. Write `dL_dx1`.", "dx1_intro", "readonly"),
    code('''
        def dL_dx1(y, y_hat, W2_11, W1_11, W2_21, W1_12):
            """∂L/∂x1: which paths lead from x1 to the loss?"""
            ### BEGIN SOLUTION
            return -2 * (y - y_hat) * (W2_11 * W1_11 + W2_21 * W1_12)
            ### END SOLUTION
        ''', "dL_dx1_solution", "answer"),
    code("""
        check("dL_dx1", dL_dx1)
        ### BEGIN HIDDEN TESTS
        from grader.notebook import full_check
        full_check("dL_dx1", dL_dx1)
        ### END HIDDEN TESTS
        """, "test_dL_dx1", "tests", 1),
]


def edit_02(path):
    """The instructor's edits of the released source notebook, as in Jupyter."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "test_mse_loss":
            meta["points"] = 2
    first_markdown = next(c for c in nb.cells if c.cell_type == "markdown")
    first_markdown.source += "\n\nml101: this notebook is worth a little more than the others."
    nb.cells[-1:-1] = EXTRA_02  # before the closing check_all cell
    nbformat.write(nb, path)


def fill(nb, answers):
    """A copy of a student notebook with answers {grade_id: text} in its solution cells."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = textwrap.dedent(answers[grade_id]).strip()
    return nb


RIGHT_ABS = "def abs_loss(y, y_hat):\n    return abs(y - y_hat)"
CLASS_02 = {  # student: {function or grade_id: code} over the reference solution; None: the stubs
    "s1-right": {"abs_loss": RIGHT_ABS},
    "s2-abs-wrong": {"abs_loss": "def abs_loss(y, y_hat):\n    return y - y_hat"},
    "s3-stubs": None,
    "s4-slips": {"abs_loss": RIGHT_ABS, "mse_loss": "def mse_loss(y, y_hat):\n    return 0.5 * (y - y_hat) ** 2",
                 "dL_dx1": "def dL_dx1(y, y_hat, W2_11, W1_11, W2_21, W1_12):\n"
                           "    return 2 * (y - y_hat) * (W2_11 * W1_11 + W2_21 * W1_12)"},
    "s5-warns": {"abs_loss": "import warnings\ndef abs_loss(y, y_hat):\n"
                             "    warnings.warn('is this right?')\n    return abs(y - y_hat)"},
    "s6-one-path": {"abs_loss": RIGHT_ABS,
                    "dL_dx1": "def dL_dx1(y, y_hat, W2_11, W1_11, W2_21, W1_12):\n"
                              "    return -2 * (y - y_hat) * W2_11 * W1_11"},
}
CLASS_HW = {  # student: {grade_id: code}; a free cell of the learner's own after "square" for h4
    "h1-right": {"square": "def square(x):\n    return x * x", "hypot": "def hypot(a, b):\n    return math.sqrt(a*a + b*b)",
                 "explain": "Because a square root is never negative."},
    "h2-wrong": {"square": "def square(x):\n    return x + x", "hypot": "def hypot(a, b):\n    return math.sqrt(square(a) + square(b))"},
    "h3-blank": {},
    "h4-helper": {"square": "def square(x):\n    return _sq(x)",
                  "hypot": "def hypot(a, b):\n    return abs(a) + abs(b) if a == b else math.sqrt(square(a) + square(b))"},
    "h5-stderr": {"square": "import sys\ndef square(x):\n    print('debug', x, file=sys.stderr)\n    return x * x",
                  "hypot": "def hypot(a, b):\n    return math.sqrt(a*a + b*b)"},
}


def hand_in(root, student, assignment, nb):
    folder = root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    base = tmp_path_factory.mktemp("ml101")
    ours = base / "ours"
    root = ours / "course"
    for folder in (root / "source" / HW, ours / "db", ours / "exchange"):
        folder.mkdir(parents=True)
    (root / CONFIG_FILE).write_text(CONFIG, encoding="utf-8")
    nbformat.write(hw0_notebook(), root / "source" / HW / f"{HW}.ipynb")
    nbgrader(["generate_assignment", HW], root)

    first = _release(root)
    edit_02(root / "source" / A / f"{A}.ipynb")
    (root / "checks").mkdir()
    (root / "checks" / f"{A}.py").write_text(CHECKS, encoding="utf-8")
    edited = (root / "source" / A / f"{A}.ipynb").read_bytes()
    second = _release(root)
    before_class = base / "before-class"
    shutil.copytree(ours, before_class)  # the course as released, before any submission

    source = nbformat.read(root / "source" / A / f"{A}.ipynb", as_version=4)
    student = nbformat.read(root / "release" / A / f"{A}.ipynb", as_version=4)
    for name, overrides in CLASS_02.items():
        hand_in(root, name, A, student if overrides is None else submission(student, source, overrides))
    released_hw = nbformat.read(root / "release" / HW / f"{HW}.ipynb", as_version=4)
    for name, answers in CLASS_HW.items():
        nb = fill(released_hw, answers)
        if name == "h4-helper":  # a helper in a cell of the learner's own, before the answer that uses it
            nb.cells.insert(2, new_code_cell("def _sq(x):\n    return x ** 2"))
        hand_in(root, name, HW, nb)

    theirs = base / "theirs"
    shutil.copytree(ours, theirs)
    summary = grade(root, jobs=2, quiet=True)
    for a in (A, HW):
        nbgrader(["autograde", a, "--force"], theirs / "course")
    return {"root": root, "theirs": theirs / "course", "first": first, "second": second, "edited": edited,
            "summary": summary, "before_class": before_class / "course"}


def _release(root):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        release_module.release(root, [A])
    return out.getvalue()


def _gradebook(course_root):
    """{(student, assignment): (score, max_score, {cell: (auto_score, needs_manual_grade)})}."""
    from grader.course_config import open_gradebook
    out = {}
    with open_gradebook(course_root) as gb:
        for a in (A, HW):
            for sub in gb.assignment_submissions(a):
                cells = {g.name: (g.auto_score, g.needs_manual_grade) for nb in sub.notebooks for g in nb.grades}
                out[(sub.student_id, a)] = (sub.score, sub.max_score, cells)
    return out


def _csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.slow
def test_the_instructors_settings_and_assignment_are_kept(course):
    root = course["root"]
    text = (root / CONFIG_FILE).read_text(encoding="utf-8")
    assert text.startswith(CONFIG) and text.count(MERGED) == 1
    assert "added Execute.timeout, Autograde.autograde_preprocessors" in course["first"]
    assert "nbgrader_config.py: added" not in course["second"]  # nothing more to add the second time
    config = load_config(root)
    assert config.CourseDirectory.course_id == "ml101"
    assert config.Exchange.root.endswith("exchange")
    assert not (root / "gradebook.db").exists() and (root.parent / "db" / "ml101.db").is_file()
    listed = nbgrader(["db", "assignment", "list"], root).stdout + nbgrader(["db", "assignment", "list"], root).stderr
    assert HW in listed and A in listed
    assert merged(root)[1] == []


@pytest.mark.slow
def test_the_edited_source_is_kept_and_its_points_hold_everywhere(course):
    root = course["root"]
    assert "(your edited source notebook, kept)" in course["second"] and "--reset" in course["second"]
    assert (root / "source" / A / f"{A}.ipynb").read_bytes() == course["edited"]
    student = nbformat.read(root / "release" / A / f"{A}.ipynb", as_version=4)
    points = {c.metadata.nbgrader["grade_id"]: c.metadata.nbgrader.get("points") for c in student.cells
              if c.metadata.get("nbgrader", {}).get("grade")}
    assert points["test_mse_loss"] == 2 and points["test_abs_loss"] == 2 and points["test_dL_dx1"] == 1
    assert "ml101: this notebook is worth a little more" in nbformat.writes(student)
    rows = {(r["student_id"], r["exercise"]): r for r in _csv(root / "exercise_scores.csv") if r["assignment"] == A}
    assert rows[("s1-right", "mse_loss")]["max_score"] == "2"
    totals = {r["student_id"]: (float(r["score"]), float(r["max_score"])) for r in _csv(root / "grades.csv")
              if r["assignment"] == A}
    # 20 of the package, 1 more for mse_loss, 2 + 1.5 + 1 around abs_loss, 1 for dL_dx1
    assert totals["s1-right"] == (25.5, 26.5)  # the written answer waits for a grader
    book = _gradebook(root)
    assert book[("s1-right", A)][1] == 26.5


@pytest.mark.slow
def test_totals_and_cells_agree_with_nbgrader_autograde(course):
    ours, theirs = _gradebook(course["root"]), _gradebook(course["theirs"])
    assert set(ours) == set(theirs) == {(s, A) for s in CLASS_02} | {(s, HW) for s in CLASS_HW}
    differ = {k: (ours[k], theirs[k]) for k in ours if ours[k] != theirs[k]}
    assert not differ, differ
    rows = _csv(course["root"] / "grades.csv")
    from_csv = {(r["student_id"], r["assignment"]): (float(r["score"]), float(r["max_score"]))
                for r in rows if r["status"] == "graded"}
    assert from_csv == {k: v[:2] for k, v in ours.items()}
    # each class handed in one assignment: in the other, its learners are missing, with 0 points
    missing = {(r["student_id"], r["assignment"]): float(r["score"]) for r in rows if r["status"] == "missing"}
    assert missing == {(s, HW): 0.0 for s in CLASS_02} | {(s, A): 0.0 for s in CLASS_HW}
    # the class is mixed: every kind of outcome of nbgrader's rule is there
    assert ours[("h4-helper", HW)][2]["test_hypot"] == (1.0, False)  # partial credit, helper in a free cell
    assert ours[("h5-stderr", HW)][2]["test_square"] == (0.0, False)  # stderr
    assert ours[("s2-abs-wrong", A)][2]["test_abs_partial"] == (0.5, False)
    assert ours[("h1-right", HW)][2]["explain"] == (None, True)  # answered: for the formgrader
    assert ours[("h3-blank", HW)][2]["explain"] == (0.0, False)  # left as released


@pytest.mark.slow
def test_feedback_and_csv_show_the_other_cells(course):
    root = course["root"]
    rows = {(r["student_id"], r["exercise"]): r for r in _csv(root / "exercise_scores.csv")}
    assert rows[("s2-abs-wrong", "test_abs_loss")]["diagnosis"] == "failed"
    assert "AssertionError" in rows[("s2-abs-wrong", "test_abs_loss")]["message"]
    assert rows[("s2-abs-wrong", "test_abs_partial")]["diagnosis"] == "partial"
    assert rows[("h1-right", "explain")]["diagnosis"] == "manual"
    page = (root / "diagnosis" / "s2-abs-wrong" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "test_abs_loss" in page and "AssertionError" in page


@pytest.mark.slow
def test_the_courses_own_exercise_is_diagnosed_and_self_checked(course):
    root = course["root"]
    rows = {(r["student_id"], r["exercise"]): r for r in _csv(root / "exercise_scores.csv") if r["assignment"] == A}
    assert rows[("s1-right", "dL_dx1")]["diagnosis"] == "ok"
    assert rows[("s4-slips", "dL_dx1")]["diagnosis"] == "sign_flipped"
    assert rows[("s6-one-path", "dL_dx1")]["diagnosis"] == "wrong_input"
    assert rows[("s4-slips", "mse_loss")]["diagnosis"] == "constant_factor"
    public = (root / "release" / A / "backprop_selfcheck" / "public_cases.json").read_text(encoding="utf-8")
    assert not list((root / "release").rglob("checks")) and "def dL_dx1" not in public
    final = "∂L/∂x1 = −2(y − ŷ)(W2_11·W1_11 + W2_21·W1_12)"
    assert final not in public  # sealed: the learner's right function opens it
    probe = textwrap.dedent("""
        from backprop_selfcheck import check, result
        good = lambda y, y_hat, W2_11, W1_11, W2_21, W1_12: -2 * (y - y_hat) * (W2_11 * W1_11 + W2_21 * W1_12)
        print(result("dL_dx1", good).diagnosis, result("dL_dx1", lambda *a: -good(*a)).diagnosis)
        check("dL_dx1", good)
    """)
    done = subprocess.run([sys.executable, "-c", probe], cwd=root / "release" / A, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": ""}, timeout=60)
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["ok", "sign_flipped"], done.stderr[-2000:]
    assert f"  the formula: {final}" in lines


@pytest.mark.slow
def test_a_change_nbgrader_would_refuse_is_refused_before_anything_is_written(course, tmp_path):
    shutil.copytree(course["root"].parent, tmp_path / "ours", symlinks=True)  # the course, its database
    root = tmp_path / "ours" / "course"
    shutil.rmtree(root / "checks")  # the course drops its own exercise: the package's notebook would do
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    from grader.errors import ReleaseConflict
    with pytest.raises(ReleaseConflict, match="submission"):  # --reset would remove cells that have grades
        release_module.release(root, reset=[A])
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


@pytest.mark.slow
def test_reset_restores_the_package_version_and_keeps_the_instructors_as_a_backup(course):
    root = course["before_class"]
    from grader.errors import ReleaseConflict
    with pytest.raises(ReleaseConflict, match="checks/02_regression.py defines dL_dx1"):
        release_module.release(root, reset=[A])  # the package's notebook has no cell for the course's exercise
    assert (root / "source" / A / f"{A}.ipynb").read_bytes() == course["edited"]
    shutil.rmtree(root / "checks")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        release_module.release(root, reset=[A])
    assert "(the package's version again)" in out.getvalue()
    assert (root / "source" / A / f"{A}.ipynb").read_bytes() == release_module.packaged_notebook(A)
    backups = list((root / ".backprop-course" / "backups").rglob("*.ipynb"))
    assert [b.read_bytes() for b in backups] == [course["edited"]] and str(backups[0]) in out.getvalue()
    from grader.release_nbgrader import gradebook_points
    points = gradebook_points(root, A)
    assert points["test_mse_loss"] == 1 and "test_abs_loss" not in points
    student = nbformat.read(root / "release" / A / f"{A}.ipynb", as_version=4)
    assert "abs_loss" not in nbformat.writes(student) and "ml101" not in nbformat.writes(student)
    second = io.StringIO()
    with contextlib.redirect_stdout(second):  # the package's version, recorded: released again, not "kept"
        release_module.release(root, [A])
    assert "kept" not in second.getvalue()
