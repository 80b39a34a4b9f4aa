"""`backprop-course export`: the gradebook's scores for Canvas, Moodle and as plain CSV (issue 14).

Each course here is an nbgrader course directory with a real SQLite gradebook built through
nbgrader's Gradebook API (two assignments of one graded cell each), no release and no grading; the
LMS exports of the acceptance tests are zips built here and collected by `collect`.
"""
import csv
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader import course_config
from grader.cli import CommandError, main
from grader.collect import collect
from grader.export import export, summary

POINTS = {"02_regression": 10.0, "03_classification": 12.0}
CONFIG = """import os
c = get_config()  # noqa: F821
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "backprop-course"
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A course directory whose gradebook has both assignments; made once, since a new gradebook
    runs alembic in a subprocess."""
    root = tmp_path_factory.mktemp("template") / "course"
    root.mkdir()
    (root / "nbgrader_config.py").write_text(CONFIG)
    with course_config.open_gradebook(root) as gb:
        for a, points in POINTS.items():
            gb.add_assignment(a)
            gb.add_notebook(a, a)
            gb.add_grade_cell("test_total", a, a, max_score=points, cell_type="code")
    return root


@pytest.fixture
def new_course(template, tmp_path):
    """new_course(students): a copy of the template with the given students in its gradebook (each
    an id, or (id, first name, last name, email))."""
    def make(students=()):
        root = tmp_path / "course"
        shutil.copytree(template, root)
        with course_config.open_gradebook(root) as gb:
            for s in students:
                s = (s,) if isinstance(s, str) else s
                gb.add_student(s[0], **dict(zip(("first_name", "last_name", "email"), s[1:])))
        return root
    return make


def _grade(root, student, a, auto, manual=None, extra=None, penalty=0.0):
    """A submission of student in the gradebook, scored as autograde and the formgrader would."""
    with course_config.open_gradebook(root) as gb:
        gb.update_or_create_student(student)
        with gb.db.no_autoflush:  # nbgrader links the submission up before it adds it
            gb.add_submission(a, student)
        grade = gb.find_grade("test_total", a, a, student)
        grade.auto_score, grade.manual_score, grade.extra_credit = auto, manual, extra
        gb.find_submission_notebook(a, a, student).late_submission_penalty = penalty
        gb.db.commit()


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def _zip(path, files):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_scores_are_nbgraders_own(tmp_path, new_course):
    root = new_course(["ann", "bob", "cat", "dan"])
    _grade(root, "ann", "02_regression", 7.0, extra=1.5)  # extra credit counts
    _grade(root, "bob", "02_regression", 5.0, manual=6.0, penalty=2.0)  # the formgrader's score, less the penalty
    _grade(root, "cat", "02_regression", 1.0, penalty=3.0)  # never below 0
    _grade(root, "dan", "03_classification", 12.0)  # and no 02_regression: 0
    out = export(root, "csv", tmp_path / "grades.csv").path
    mine = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(io.StringIO(out.read_text()))}

    from nbgrader.plugins import CsvExportPlugin
    with course_config.open_gradebook(root) as gb:
        CsvExportPlugin(to=str(tmp_path / "nbgrader.csv")).export(gb)
    theirs = list(csv.DictReader(io.StringIO((tmp_path / "nbgrader.csv").read_text())))
    assert len(theirs) == len(mine) == 8
    for row in theirs:
        ours = mine[row["student_id"], row["assignment"]]
        for column in ("raw_score", "late_submission_penalty", "score", "max_score"):
            assert float(ours[column]) == float(row[column]), (row["student_id"], row["assignment"], column)
    assert [mine["ann", "02_regression"][c] for c in ("raw_score", "score")] == ["8.5", "8.5"]
    bob = mine["bob", "02_regression"]
    assert [bob[c] for c in ("raw_score", "late_submission_penalty", "score")] == ["6", "2", "4"]


def test_canvas_file_layout_ids_and_warnings(tmp_path, new_course):
    root = new_course([("doejane", "Jane", "Doe"), "roejohn", "lee"])
    collect(root, _zip(tmp_path / "a02.zip", {"doejane_12345_1_02_regression.ipynb": b"{}",
                                             "roejohn_12346_2_02_regression.ipynb": b"{}"}))
    _grade(root, "doejane", "02_regression", 9.0)
    _grade(root, "lee", "02_regression", 4.0)
    exported = export(root, "canvas")
    assert exported.path == root / "canvas_import.csv"
    assert _rows(exported.path) == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "02_regression", "03_classification"],
        ["Points Possible", "", "", "", "", "10", "12"],
        ["Doe, Jane", "12345", "", "", "", "9", "0"],
        ["lee", "", "", "", "", "4", "0"],
        ["roejohn", "12346", "", "", "", "0", "0"],
    ]
    text = summary(exported)
    assert text.splitlines()[0] == (f"wrote {root / 'canvas_import.csv'} (canvas): 3 student(s), 2 assignment(s) "
                                    "(02_regression, 03_classification)")
    assert "1 student(s) have no known Canvas user id and were written without one" in text and ": lee;" in text
    assert "1 submission(s) in submitted/ are not in the gradebook (not graded yet?) and were exported as 0: " \
           "roejohn/02_regression" in text


def test_a_roster_at_export_decides_names_emails_and_canvas_ids(tmp_path, new_course):
    root = new_course([("s1", "Jane", "Doe", "old@example.org"), "s2"])
    _grade(root, "s1", "02_regression", 3.0)
    roster = _write(tmp_path / "roster.csv", "student_id,lms_id,name,email\n"
                                             "s1,111,Jane Doe,jane@example.org\n"
                                             "s2,,=HYPERLINK(\"http://x\"),\n"
                                             "s3,333,Ann Lee,ann@example.org\n")
    rows = _rows(export(root, "canvas", tmp_path / "c.csv", roster=roster).path)
    assert [r[:2] for r in rows[2:]] == [["Doe, Jane", "111"], ["'=HYPERLINK(\"http://x\")", ""], ["Ann Lee", "333"]]
    exported = export(root, "moodle", tmp_path / "m.csv", assignments=["02_regression"], roster=roster)
    assert _rows(exported.path) == [["Email address", "Full name", "02_regression"],
                                    ["jane@example.org", "Jane Doe", "3"], ["ann@example.org", "Ann Lee", "0"]]
    assert "1 student(s) without a known email were left out" in summary(exported) and "s2" in summary(exported)


def test_moodle_without_any_email_is_refused(new_course):
    root = new_course(["s1"])
    with pytest.raises(CommandError, match="give --roster with an email column"):
        export(root, "moodle")
    assert not (root / "moodle_import.csv").exists()


def test_export_refuses_what_it_cannot_do(tmp_path, new_course):
    root = new_course(["s1"])
    roster = _write(tmp_path / "roster.csv", "student_id,lms_id\ns1,1\n")
    with pytest.raises(CommandError, match="is not a canvas export of backprop-course"):
        export(root, "canvas", roster, roster=roster)
    assert roster.read_text() == "student_id,lms_id\ns1,1\n"
    first = export(root, "canvas", tmp_path / "c.csv").path
    assert export(root, "canvas", first).path == first  # an earlier export is replaced
    with pytest.raises(CommandError, match="the gradebook has no assignment 09_nothing"):
        export(root, "csv", assignments=["09_nothing"])
    with pytest.raises(CommandError, match="unknown format 'xls'"):
        export(root, "xls")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="has no gradebook"):
        export(tmp_path / "empty", "csv")


def test_two_students_with_one_canvas_id_are_refused(tmp_path, new_course):
    root = new_course(["doejane", "s1"])
    collect(root, _zip(tmp_path / "a.zip", {"doejane_12345_1_02_regression.ipynb": b"{}"}))
    roster = _write(tmp_path / "roster.csv", "student_id,lms_id\ns1,12345\n")
    collect(root, _zip(tmp_path / "b.zip", {"doejane_12345_2_03_classification.ipynb": b"{}"}), roster=roster)
    with pytest.raises(CommandError, match="doejane and s1 both have the Canvas user id 12345"):
        export(root, "canvas")
    exported = export(root, "canvas", roster=roster)  # the roster decides: 12345 is s1's
    assert [r[:2] for r in _rows(exported.path)[2:]] == [["doejane", ""], ["s1", "12345"]]
    assert "no known Canvas user id and were written without one (Canvas cannot match them by ID): doejane;" \
        in summary(exported)


def test_export_from_the_command_line(tmp_path, new_course, capsys):
    root = new_course(["s1"])
    _grade(root, "s1", "03_classification", 11.0)
    out = tmp_path / "grades.csv"
    assert main(["export", "--course", str(root), "--format", "csv", "--out", str(out),
                 "--assignment", "03_classification"]) == 0
    assert capsys.readouterr().out.startswith(f"wrote {out} (csv): 1 student(s), 1 assignment(s) (03_classification)")
    assert [r[3:] for r in _rows(out)][1] == ["03_classification", "", "11", "0", "11", "12"]
    assert main(["export", "--course", str(root), "--format", "csv", "--assignment", "nope"]) == 2
    assert "the gradebook has no assignment nope" in capsys.readouterr().err


@pytest.mark.slow  # a fresh interpreter imports nbgrader: ~10 s on a busy machine
def test_nbgrader_export_takes_our_plugins(tmp_path, new_course):
    root = new_course([("doejane", "Jane", "Doe")])
    collect(root, _zip(tmp_path / "a.zip", {"doejane_12345_1_02_regression.ipynb": b"{}"}))
    _grade(root, "doejane", "02_regression", 8.0, penalty=1.0)
    roster = _write(tmp_path / "roster.csv", "student_id,email\ndoejane,jane@example.org\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                                       os.environ.get("PYTHONPATH", "")])}
    nbgrader = [sys.executable, "-m", "nbgrader", "export"]
    plugins = [("CanvasExportPlugin", []), ("MoodleExportPlugin", [f"--MoodleExportPlugin.roster={roster}"])]
    for plugin, extra in plugins:
        run = subprocess.run([*nbgrader, f"--exporter=grader.export.{plugin}", f"--to={plugin}.csv", *extra],
                             cwd=root, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
    assert _rows(root / "CanvasExportPlugin.csv") == _rows(export(root, "canvas", tmp_path / "ours.csv").path)
    assert _rows(root / "CanvasExportPlugin.csv")[2][:2] == ["Doe, Jane", "12345"]
    assert _rows(root / "MoodleExportPlugin.csv")[1] == ["jane@example.org", "Jane Doe", "7", "0"]


# --- acceptance: an LMS export in, the LMS's grade import out ------------------------------------

A2, A3 = "02_regression", "03_classification"


def _notebook(text):
    return ('{"cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": "%s"}], "metadata": {}, '
            '"nbformat": 4, "nbformat_minor": 5}' % text).encode()


def _grade_everyone(root, scores):
    for (student, a), score in scores.items():
        _grade(root, student, a, score)


def test_canvas_round_trip(tmp_path, new_course):
    root = new_course()
    regression = _zip(tmp_path / "regression.zip", {
        "doejane_12345_70001_02_regression.ipynb": _notebook("jane"),
        "roejohn_12346_70002_Regression.ipynb": _notebook("john"),
        "smithann_12347_70003_02_regression.ipynb": _notebook("ann, first"),
        "smithann_12347_70010_02_regression-1.ipynb": _notebook("ann, resubmitted"),
        "núñezjosé_12348_70004_02_Regression.ipynb": _notebook("jose"),
    })
    classification = _zip(tmp_path / "classification.zip", {
        "doejane_12345_80001_03_classification.ipynb": _notebook("jane"),
        "roejohn_LATE_12346_80002_Classification.ipynb": _notebook("john, late"),
        "smithann_12347_80003_classification.ipynb": _notebook("ann"),
        "núñezjosé_12348_80004_03_classification.ipynb": _notebook("jose"),
    })
    done = collect(root, regression) + collect(root, classification)
    learners = {"doejane", "roejohn", "smithann", "nunezjose"}
    for a in (A2, A3):
        assert {p.parts[-3] for p in (root / "submitted").glob(f"*/{a}/{a}.ipynb")} == learners
    assert {c.student for c in done} == learners and not any("late" in c.student.lower() for c in done)
    assert [c.source for c in done if c.late] == ["roejohn_LATE_12346_80002_Classification.ipynb"]
    assert (root / f"submitted/smithann/{A2}/{A2}.ipynb").read_bytes() == _notebook("ann, resubmitted")
    assert [c.problem.split(",")[0] for c in done if c.problem] == [
        "superseded by smithann_12347_70010_02_regression-1.ipynb"]

    _grade_everyone(root, {("doejane", A2): 9, ("roejohn", A2): 7, ("smithann", A2): 10, ("nunezjose", A2): 5,
                           ("doejane", A3): 12, ("roejohn", A3): 6, ("smithann", A3): 11})  # nunezjose: ungraded
    exported = export(root, "canvas", tmp_path / "canvas.csv")
    rows = _rows(exported.path)
    assert rows[:2] == [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A2, A3],
                        ["Points Possible", "", "", "", "", "10", "12"]]
    assert {r[1]: (r[5], r[6]) for r in rows[2:]} == {
        "12345": ("9", "12"), "12346": ("7", "6"), "12347": ("10", "11"), "12348": ("5", "0")}
    assert "nunezjose/03_classification" in summary(exported)  # handed in, not graded: said, not hidden


def test_moodle_round_trip(tmp_path, new_course):
    root = new_course()
    folders = _zip(tmp_path / "regression.zip", {
        "Jane Doe_1001_assignsubmission_file_/02_regression.ipynb": _notebook("jane"),
        "John Roe_1002_assignsubmission_file_/Regression.ipynb": _notebook("john"),
        "Ann Smith_1003_assignsubmission_file_/02_regression.ipynb": _notebook("ann"),
        "Ann Smith_1003_assignsubmission_onlinetext_/onlinetext.html": b"<p>my notebook is attached</p>",
        "José Núñez_1004_assignsubmission_file_/02_Regression.ipynb": _notebook("jose"),
    })
    flat = _zip(tmp_path / "classification.zip", {  # "download submissions in folders" off; new participant ids
        "Jane Doe_2001_assignsubmission_file_03_classification.ipynb": _notebook("jane"),
        "John Roe_2002_assignsubmission_file_classification.ipynb": _notebook("john"),
        "Ann Smith_2003_assignsubmission_file_03_classification.ipynb": _notebook("ann"),
        "José Núñez_2004_assignsubmission_file_03_Classification.ipynb": _notebook("jose"),
    })
    done = collect(root, folders) + collect(root, flat)
    learners = {"jane_doe", "john_roe", "ann_smith", "jose_nunez"}
    for a in (A2, A3):
        assert {p.parts[-3] for p in (root / "submitted").glob(f"*/{a}/{a}.ipynb")} == learners
    assert [c.problem for c in done if c.problem] == ["an online text of Moodle, not a notebook: not collected"]

    _grade_everyone(root, {(s, a): 4 for s in learners for a in (A2, A3)})
    roster = _write(tmp_path / "roster.csv", "student_id,name,email\n"
                                             "jane_doe,Jane Doe,jane@example.org\n"
                                             "john_roe,John Roe,john@example.org\n"
                                             "ann_smith,Ann Smith,ann@example.org\n"
                                             "jose_nunez,José Núñez,jose@example.org\n")
    rows = _rows(export(root, "moodle", tmp_path / "moodle.csv", roster=roster).path)
    assert rows == [["Email address", "Full name", A2, A3],
                    ["ann@example.org", "Ann Smith", "4", "4"], ["jane@example.org", "Jane Doe", "4", "4"],
                    ["john@example.org", "John Roe", "4", "4"], ["jose@example.org", "José Núñez", "4", "4"]]
