"""The gradebook on a PostgreSQL server (issue 14): a course whose nbgrader_config.py sets
c.CourseDirectory.db_url to a database of its own on the server, released and graded.

The server is the one BACKPROP_TEST_POSTGRES names (postgresql://USER:PASSWORD@HOST:PORT/DB, a
role that may create databases; .ci/run starts one and sets it). Each run creates a database of a
unique name through that URL and drops it afterwards, so runs never see each other's data. Without
the variable the test is skipped, except under CI, where it fails: CI must run it.
"""
import csv
import os
import sys
import uuid
from pathlib import Path

import pytest

from grader.course_config import CONFIG_FILE, db_url, open_gradebook
from grader.grade import grade
from grader.release import release
from grader.sample_class import KINDS, make_class

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_autograde_agreement import nbgrader  # noqa: E402

SERVER = "BACKPROP_TEST_POSTGRES"
A = "02_regression"
CLASS_SIZE = 8  # every kind of sample_class twice, one student each


@pytest.fixture(scope="module")
def server():
    """The URL of the test server (skip, or fail under CI, when there is none)."""
    url = os.environ.get(SERVER)
    if not url:
        reason = (f"{SERVER} is not set: set it to postgresql://USER:PASSWORD@HOST:PORT/DB of a role that "
                  "may create databases to test the gradebook on PostgreSQL (.ci/run starts such a server)")
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; under CI this test must run", pytrace=False)
        pytest.skip(reason)
    return url


@pytest.fixture(scope="module")
def database(server):
    """The URL of a new, empty database on the server, dropped (with any connection left) afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    name = f"backprop_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def course(database, tmp_path_factory):
    """A course released into the PostgreSQL gradebook and a mixed class graded by `grade`:
    {"root", "roster", "grades" (grades.csv rows), "exercises" (exercise_scores.csv rows)}."""
    root = tmp_path_factory.mktemp("postgres") / "course"
    root.mkdir()
    (root / CONFIG_FILE).write_text(f'c = get_config()\nc.CourseDirectory.course_id = "pg-course"\n'
                                    f'c.CourseDirectory.db_url = "{database}"\n', encoding="utf-8")
    release(root, [A])
    roster = make_class(root, CLASS_SIZE, seed=1, assignments=[A])
    summary = grade(root, jobs=2, quiet=True)
    assert summary.graded == len(roster) and not summary.problems, summary.text()
    return {"root": root, "roster": roster, "grades": _rows(root / "grades.csv"),
            "exercises": _rows(root / "exercise_scores.csv")}


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _gradebook(root):
    """{student: (score, max_score, {cell: auto_score})} of the assignment in the course's gradebook."""
    with open_gradebook(root) as gb:
        assert gb.db.get_bind().dialect.name == "postgresql"
        return {sub.student_id: (sub.score, sub.max_score,
                                 {g.name: g.auto_score for nb in sub.notebooks for g in nb.grades})
                for sub in gb.assignment_submissions(A)}


@pytest.mark.slow
def test_the_postgres_gradebook_holds_every_submission_as_grades_csv(course, database):
    root = course["root"]
    assert db_url(root) == database
    assert {k for _, _, k in course["roster"]} == set(KINDS)
    held = _gradebook(root)
    assert sorted(held) == sorted(student for student, _, _ in course["roster"])
    for row in course["grades"]:
        score, out_of, _ = held[row["student_id"]]
        assert (score, out_of) == (pytest.approx(float(row["score"])), pytest.approx(float(row["max_score"]))), row
    assert not list(root.rglob("*.db")), "a SQLite gradebook appeared in the course folder"


@pytest.mark.slow
def test_a_wrong_submission_has_its_cell_scores_in_postgres(course):
    held = _gradebook(course["root"])
    wrong = next(student for student, _, kind in course["roster"] if kind == "wrong")
    rows = [r for r in course["exercises"] if r["student_id"] == wrong]
    cells = held[wrong][2]
    assert {f"test_{r['exercise']}": float(r["score"]) for r in rows} == cells
    lost = [r for r in rows if float(r["score"]) < float(r["max_score"])]
    assert lost and all(r["diagnosis"] != "ok" for r in lost)
    assert held[wrong][0] == pytest.approx(sum(cells.values())) and held[wrong][0] < held[wrong][1]


@pytest.mark.slow
def test_nbgrader_export_reads_the_same_gradebook(course, tmp_path):
    nbgrader(["export", "--to", str(tmp_path / "export.csv")], course["root"])
    exported = {r["student_id"]: float(r["score"]) for r in _rows(tmp_path / "export.csv") if r["assignment"] == A}
    assert exported == {r["student_id"]: pytest.approx(float(r["score"])) for r in course["grades"]}
