"""`grade` leaves what nbgrader's formgrader and feedback commands need (issue 14).

One released course, a class of four for 02_regression graded by `grade`: on time and right, on
time with dL_dyhat's sign flipped, right but late under a "zero" late policy, and one without a
timestamp. Then, all real: nbgrader's formgrader (a Jupyter server with its extension) lists every
submission as autograded with the gradebook's score; `nbgrader generate_feedback` and
`release_feedback` run on the autograded notebooks; a score a grader sets in the gradebook (as the
formgrader's grading page does) reaches grades.csv, exercise_scores.csv and the diagnosis page on
the next `grade`, which grades nothing again; the late penalty is the one `nbgrader autograde`
records for the same submission.
"""
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from grader import catalogue, course_config
from grader.grade import grade
from grader.report_files import diagnosis_page
from grader.samples import strip_solution_markers

pytestmark = pytest.mark.slow  # a release of six assignments and a real Jupyter server

A = "02_regression"
TOTAL = sum(catalogue.EXERCISES[n].info.points for n in catalogue.ASSIGNMENTS[A])
DUE = "2026-11-30 12:00:00 UTC"
ON_TIME, LATE = "2026-11-29 10:00:00.000000 UTC", "2026-12-01 09:30:00.000000 UTC"
BIN = str(Path(sys.executable).parent)


def _solved(root):
    nb = nbformat.read(root / "source" / A / f"{A}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = strip_solution_markers(cell.source)
    return nb


def _flipped(root):
    nb = _solved(root)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "dL_dyhat_solution":
            cell.source = "def dL_dyhat(y, y_hat):\n    return 2 * (y - y_hat)\n"
    return nb


def _submit(root, student, nb, timestamp=None, secret=None):
    folder = root / "submitted" / student / A
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{A}.ipynb")
    if timestamp:
        (folder / "timestamp.txt").write_text(timestamp)
    if secret:
        (folder / "submission_secret.txt").write_text(secret)


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _grades(root):
    return {r["student_id"]: r for r in _rows(root / "grades.csv")}


def _env():
    return {**os.environ, "PATH": os.pathsep.join([BIN, os.environ.get("PATH", "")])}


def _nbgrader(root, *args):
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=_env(),
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def course(released_all, tmp_path_factory):
    """The released course with a due date, a "zero" late policy, an exchange, and the class graded."""
    from nbgrader.utils import parse_utc
    root = tmp_path_factory.mktemp("formgrader") / "course"
    shutil.copytree(released_all["root"], root)
    exchange = root.parent / "exchange"
    exchange.mkdir()
    with open(root / "nbgrader_config.py", "a", encoding="utf-8") as f:
        f.write(f'\nc.LateSubmissionPlugin.penalty_method = "zero"\nc.Exchange.root = {str(exchange)!r}\n')
    with course_config.open_gradebook(root) as gb:
        gb.update_or_create_assignment(A, duedate=parse_utc(DUE))
    _submit(root, "alice", _solved(root), ON_TIME, secret="a" * 128)
    _submit(root, "bob", _flipped(root), ON_TIME)
    _submit(root, "carol", _solved(root), LATE)
    _submit(root, "dave", _solved(root))
    summary = grade(root, [A], jobs=2, quiet=True)
    assert summary.graded == 4
    return root


def test_grades_csv_takes_the_late_penalty_from_nbgraders_plugin(course):
    grades = _grades(course)
    assert grades["alice"]["score"] == grades["dave"]["score"] == f"{TOTAL:g}"
    assert grades["alice"]["timestamp"] == "2026-11-29T10:00:00" and grades["dave"]["timestamp"] == ""
    carol = grades["carol"]
    assert (carol["score"], carol["auto_score"], carol["late_penalty"]) == ("0", f"{TOTAL:g}", f"{TOTAL:g}")
    page = diagnosis_page(course, "carol", A).read_text(encoding="utf-8")
    assert f"<strong>0 / {TOTAL:g}</strong>" in page and "Submitted late (2026-12-01T09:30:00 UTC)" in page
    assert float(grades["bob"]["score"]) == TOTAL - catalogue.EXERCISES["dL_dyhat"].info.points


def test_autograded_notebooks_carry_the_verdicts(course):
    folder = course / "autograded"
    assert sorted(p.name for p in folder.iterdir()) == ["alice", "bob", "carol", "dave"]
    assert (folder / "alice" / A / "timestamp.txt").read_text() == ON_TIME
    assert (folder / "alice" / A / "submission_secret.txt").read_text() == "a" * 128
    assert not (folder / "dave" / A / "timestamp.txt").exists()
    nb = nbformat.read(folder / "bob" / A / f"{A}.ipynb", as_version=4)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    error = by_id["test_dL_dyhat"].outputs[0]
    assert error.output_type == "error" and error.evalue.startswith("test_dL_dyhat [sign_flipped]: ")
    assert by_id["test_mse_loss"].outputs[0].text.startswith("✔ test_mse_loss: ")
    assert "### BEGIN HIDDEN TESTS" in by_id["test_dL_dyhat"].source  # the source's test, as nbgrader runs it
    assert by_id["dL_dyhat_solution"].source.startswith("def dL_dyhat(y, y_hat):\n    return 2 * (y - y_hat)")
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code" and c not in (
        by_id[g] for g in by_id if g and g.startswith("test_")))
    nbformat.validate(nb)


def test_nbgrader_export_gives_the_same_scores(course, tmp_path):
    out = tmp_path / "export.csv"
    done = _nbgrader(course, "export", f"--to={out}")
    assert done.returncode == 0, done.stderr[-3000:]
    theirs = {r["student_id"]: r for r in _rows(out) if r["assignment"] == A}
    ours = _grades(course)
    assert {s: float(r["score"]) for s, r in theirs.items()} == {s: float(r["score"]) for s, r in ours.items()}
    assert float(theirs["carol"]["late_submission_penalty"]) == TOTAL and float(theirs["carol"]["score"]) == 0


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def formgrader(course):
    """A Jupyter server with nbgrader's formgrader extension, serving the course."""
    port, token = _free_port(), "backprop-test"
    log = open(course.parent / "server.log", "w+b")
    server = subprocess.Popen([sys.executable, "-m", "jupyter", "server", "--no-browser", f"--port={port}",
                               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course}",
                               *(["--allow-root"] if os.geteuid() == 0 else [])],
                              cwd=course, env=_env(), stdout=subprocess.DEVNULL, stderr=log)

    def get(path):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}?token={token}", timeout=60) as response:
            return response.read().decode()

    for _ in range(600):  # up to a minute for the server to listen; no figure depends on it
        try:
            get("/api/status")
            break
        except OSError:
            if server.poll() is not None:
                log.seek(0)
                pytest.fail("jupyter server ended: " + log.read().decode()[-2000:])
            time.sleep(0.1)
    yield get
    server.terminate()
    server.wait(timeout=30)
    log.close()


def test_formgrader_lists_every_submission_autograded_with_the_gradebooks_score(course, formgrader):
    submissions = {s["student"]: s for s in json.loads(formgrader(f"/formgrader/api/submissions/{A}"))}
    assert sorted(submissions) == ["alice", "bob", "carol", "dave"]
    grades = _grades(course)
    for student, s in submissions.items():
        assert s["autograded"] is True, s
        # the formgrader shows the score before the late penalty, as nbgrader's own autograde leaves it
        assert s["score"] == pytest.approx(float(grades[student]["score"]) + float(grades[student]["late_penalty"]))
        assert s["max_score"] == pytest.approx(TOTAL)
    notebook = json.loads(formgrader(f"/formgrader/api/submitted_notebooks/{A}/{A}"))
    bob = next(n for n in notebook if n["student"] == "bob")
    page = formgrader(f"/formgrader/submissions/{bob['id']}/")  # the "Manual Grading" page of bob's notebook
    assert "sign_flipped" in page and "test_dL_dyhat" in page


def test_generate_and_release_feedback(course):
    done = _nbgrader(course, "generate_feedback", A)
    assert done.returncode == 0, done.stderr[-3000:]
    for student in ("alice", "bob", "carol", "dave"):
        assert (course / "feedback" / student / A / f"{A}.html").is_file()
    page = (course / "feedback" / "bob" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "sign_flipped" in page  # the grader's diagnosis, shown by nbgrader's own feedback
    assert diagnosis_page(course, "bob", A).is_file()  # ours, elsewhere: neither replaces the other
    released = _nbgrader(course, "release_feedback", A, "--student=alice")
    assert released.returncode == 0, released.stderr[-3000:]
    assert len(list((course.parent / "exchange").rglob("feedback/*.html"))) == 1


def test_a_graders_score_reaches_every_report_without_regrading(course, tmp_path):
    course = shutil.copytree(course, tmp_path / "course")  # the other tests keep bob's automatic score
    with course_config.open_gradebook(course) as gb:
        cell = gb.find_grade("test_dL_dyhat", A, A, "bob")
        cell.manual_score = 1.0  # what the formgrader's grading page stores
        gb.db.commit()
    summary = grade(course, [A], jobs=2, quiet=True)
    assert summary.graded == 0 and summary.reused == 4
    assert float(_grades(course)["bob"]["score"]) == TOTAL
    row = next(r for r in _rows(course / "exercise_scores.csv")
               if r["student_id"] == "bob" and r["exercise"] == "dL_dyhat")
    assert row["score"] == "1" and "[a grader set 1 point; the automatic score was 0]" in row["message"]
    assert "(set by a grader)" in diagnosis_page(course, "bob", A).read_text(encoding="utf-8")


def test_late_penalty_is_the_one_nbgrader_autograde_records(course, tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("autograded", "feedback"))
    done = _nbgrader(copy, "autograde", A, "--student=carol", "--force")
    assert done.returncode == 0, done.stderr[-3000:]
    with course_config.open_gradebook(copy) as gb:
        theirs = gb.find_submission(A, "carol")
        assert theirs.late_submission_penalty == pytest.approx(TOTAL) == theirs.score
    assert float(_grades(course)["carol"]["late_penalty"]) == TOTAL
