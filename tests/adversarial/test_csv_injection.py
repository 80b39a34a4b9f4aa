"""CSV injection: no cell of the grade command's CSV files opens as a live spreadsheet formula.

A student id is a folder name the learner (or the LMS, from the learner's name) chose, and a
message may quote the learner. A spreadsheet runs a cell that starts with =, +, -, @, a tab or a
carriage return as a formula (`=HYPERLINK(...)` sends a click to any address). Such a text cell
gets a leading single quote, as OWASP recommends; the score columns, plain numbers, do not.
"""
import csv
import io
import shutil

import pytest

from grader.report_files import safe_csv

DANGEROUS = ["=1+1", '=HYPERLINK("http://evil","x")', "+1+cmd|' /C calc'!A0", "-2+3", "-cmd", "@SUM(1+1)",
             "\t=1+1", "\r=1+1", "-", "+", "-inf", "-nan", "+1_0"]
NUMBERS = ["0", "1", "1.5", "-1", "-1.5", "+2", "0.25", "-.5", "1e-05", "-2.5e+10", "10"]
HARMLESS = ["alice", "02_regression", "sign_flipped", "a=b", "x-1", "", " =1", "'=1"]


def _cells(text):
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("value", DANGEROUS)
def test_a_cell_that_starts_a_formula_is_quoted(value):
    assert _cells(safe_csv(["student_id", "score"], [[value, "1"]]))[1] == ["'" + value, "1"]


@pytest.mark.parametrize("value", NUMBERS + HARMLESS)
def test_numbers_and_plain_text_are_left_alone(value):
    assert _cells(safe_csv(["student_id", "score"], [["alice", value]]))[1] == ["alice", value]


def test_every_column_and_the_header_are_covered():
    text = safe_csv(["=h", "b"], [["=a", "-1", "@c", "ok"], ["x", "=y", "-2", "+z"]])
    assert _cells(text) == [["'=h", "b"], ["'=a", "-1", "'@c", "ok"], ["x", "'=y", "-2", "'+z"]]


def test_a_carriage_return_cannot_start_a_row_of_its_own():
    # unquoted, "'\r=1+1" would read as a cell "'" and then a new row starting with the formula "=1+1"
    text = safe_csv(["student_id", "message"], [["\r=1+1", "a\r=2+2"], ["bob", "-1"]])
    assert _cells(text) == [["student_id", "message"], ["'\r=1+1", "a\r=2+2"], ["bob", "-1"]]


def test_non_text_cells_are_written_as_before():
    assert _cells(safe_csv(["a", "b"], [[-1, 2.5]]))[1] == ["-1", "2.5"]


# End to end: a course released once (01_derivatives), two hostile student folders and an honest one.
# A folder name cannot hold "/", so the link in the first name uses backslashes.
A = "01_derivatives"
HOSTILE = ['=HYPERLINK("http:\\\\evil","x")', "@SUM(1+1)"]


@pytest.fixture(scope="module")
def released(released_copy):
    return released_copy


def _rows(course, name):
    with open(course / name, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


@pytest.mark.slow
def test_hostile_student_ids_are_neutralised_in_every_csv(released, tmp_path):
    from grader.grade import grade

    course = tmp_path / "course"
    shutil.copytree(released, course)
    handout = course / "release" / A / f"{A}.ipynb"
    for student in HOSTILE + ["alice"]:
        (course / "submitted" / student / A).mkdir(parents=True)
        shutil.copy(handout, course / "submitted" / student / A / f"{A}.ipynb")
        (course / "submitted" / student / "99_unknown").mkdir()  # a row of grading_problems.csv each
    grade(course, jobs=2, quiet=True)

    files = {name: _rows(course, name) for name in ("grades.csv", "exercise_scores.csv", "grading_problems.csv")}
    for name, rows in files.items():
        ids = {row[0] for row in rows[1:]}
        assert ids >= {"'" + s for s in HOSTILE} | {"alice"}, (name, ids)
        assert not ids & set(HOSTILE), name
        for row in rows:
            for cell in row:
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    float(cell)  # only a plain number may start so
    scores = [row[2:4] for row in files["grades.csv"][1:]]
    assert all(float(score) >= 0 and float(top) > 0 for score, top in scores)  # numbers still numbers
