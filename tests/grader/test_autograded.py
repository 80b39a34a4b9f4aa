"""The autograded notebook `grade` writes for the formgrader, from a small source notebook (no kernel)."""
import json

import nbformat
import pytest

from grader import autograded
from grader.discover import Submission
from grader.judge.diagnose import Result
from grader.results import SubmissionGrade


def _cell(kind, text, grade_id=None, **flags):
    cell = (nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell)(text)
    if grade_id:
        cell.metadata["nbgrader"] = {"grade_id": grade_id, "grade": False, "solution": False, "locked": False,
                                     "schema_version": 3, **flags}
    return cell


SOURCE = [
    _cell("markdown", "# Title", "intro", locked=True),
    _cell("code", "import numpy as np", "setup", locked=True),
    _cell("code", "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION", "f_solution",
          solution=True),
    _cell("code", "assert f(1) == 2\n### BEGIN HIDDEN TESTS\nassert f(2) == 4\n### END HIDDEN TESTS", "test_f",
          grade=True, locked=True, points=2),
    _cell("markdown", "Why?", "why", grade=True, solution=True, points=1),
]
GRADE = SubmissionGrade("ann", "hw", (Result("f", 0.0, 2.0, "wrong_value", "f(2) should be 4."),
                                      Result("why", 0.0, 1.0, "manual", "Graded by hand.")), cells=("test_f", "why"))


@pytest.fixture
def course(tmp_path):
    source = tmp_path / "source" / "hw" / "hw.ipynb"
    source.parent.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=SOURCE), source)
    return tmp_path, source


def _student(cells):
    nb = nbformat.v4.new_notebook(cells=cells)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", text="learner output\n")]
    return nb


def _build(course, nb=None, raw=None):
    root, source = course
    path = root / "submitted" / "ann" / "hw" / "hw.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(raw if raw is not None else nbformat.writes(nb), encoding="utf-8")
    autograded.write(root, "autograded", Submission("ann", "hw", path), source, GRADE)
    written = nbformat.read(root / "autograded" / "ann" / "hw" / "hw.ipynb", as_version=4)
    nbformat.validate(written)
    return written


def _ids(nb):
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


def test_locked_cells_restored_deleted_ones_put_back_and_verdicts_shown(course):
    mine = _cell("code", "def f(x):\n    return x + x + 1", "f_solution", solution=True, points=99)
    edited_test = _cell("code", "pass  # the learner's test", "test_f", grade=True, locked=True, points=50)
    stray = _cell("code", "print('mine')", "not_in_the_source", grade=True, points=5)
    nb = _build(course, _student([mine, edited_test, edited_test.copy(), stray]))
    assert _ids(nb) == ["intro", "setup", "f_solution", "test_f", None]  # deleted ones back, in place
    by_id = dict(zip(_ids(nb), nb.cells))
    assert by_id["f_solution"].source == "def f(x):\n    return x + x + 1"  # the learner's answer
    assert by_id["f_solution"].metadata.nbgrader == SOURCE[2].metadata.nbgrader  # not the learner's 99 points
    assert by_id["test_f"].source == SOURCE[3].source and by_id["test_f"].metadata.nbgrader["points"] == 2
    error = by_id["test_f"].outputs[0]
    assert error.output_type == "error" and error.evalue == "test_f [wrong_value]: f(2) should be 4."
    assert by_id["f_solution"].outputs == [] and nb.cells[-1].outputs == []  # no stale outputs of the learner
    assert len({c.id for c in nb.cells}) == len(nb.cells)


def test_an_unreadable_notebook_becomes_the_source_without_its_answers(course):
    nb = _build(course, raw="{not json")
    assert _ids(nb) == ["intro", "setup", "f_solution", "test_f", "why"]
    text = json.dumps(nb)
    assert "return 2 * x" not in text and "BEGIN SOLUTION" not in text
    assert nb.cells[2].source.startswith("# The submitted notebook could not be graded: ")


def test_nbgraders_files_are_copied_and_stale_ones_removed(course):
    root, _ = course
    folder = root / "submitted" / "ann" / "hw"
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2026-11-30 10:00:00 UTC")
    _build(course, _student([]))
    kept = root / "autograded" / "ann" / "hw" / "timestamp.txt"
    assert kept.read_text() == "2026-11-30 10:00:00 UTC"
    (folder / "timestamp.txt").unlink()
    _build(course, _student([]))
    assert not kept.exists()
