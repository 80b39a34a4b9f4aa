"""Each assignment's folder agrees with itself: the text notebook, its checks, its sample mistakes
and the reference in solutions/ (no kernel: a build and a few parses per assignment)."""
import ast
import re
import shutil

import pytest

import exercises
from grader import catalogue, samples
from grader.errors import NotebookSourceError
from grader.source_notebook import BEGIN, END, build, fill

NB_CELL = re.compile(r'^check\("(\w+)", (\w+)\)\n### BEGIN HIDDEN TESTS\n.*full_check\("(\w+)", (\w+)\)\n'
                     r"### END HIDDEN TESTS$", re.S)


def _nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def test_every_assignment_folder_is_registered():
    folders = {p.name for p in exercises.HOME.iterdir() if (p / f"{p.name}.py").is_file()}
    assert folders == set(exercises.ASSIGNMENTS)
    assert [a.id for a in exercises.REGISTRY] == sorted(a.id for a in exercises.REGISTRY)  # ids give the order


@pytest.mark.parametrize("assignment", exercises.ASSIGNMENTS)
def test_notebook_and_checks_agree(assignment):
    """Every checked function has a solution cell and a graded test cell with the check's points;
    every graded cell and every solution cell belongs to a check of this assignment."""
    nb = build(assignment)
    names = catalogue.ASSIGNMENTS[assignment]
    solutions = [_nbgrader(c)["grade_id"] for c in nb.cells if _nbgrader(c).get("solution")]
    graded = {_nbgrader(c)["grade_id"]: c for c in nb.cells if _nbgrader(c).get("grade")}
    assert solutions == [f"{n}_solution" for n in names]  # the checks list them in the notebook's order
    assert set(graded) == {f"test_{n}" for n in names}
    for name in names:
        cell = graded[f"test_{name}"]
        assert _nbgrader(cell)["points"] == catalogue.EXERCISES[name].info.points, name
        assert _nbgrader(cell)["locked"] and cell.cell_type == "code", name
        assert NB_CELL.match(cell.source).groups() == (name,) * 4, name


@pytest.mark.parametrize("assignment", exercises.ASSIGNMENTS)
def test_the_reference_lives_only_in_solutions(assignment):
    """The text notebook's solution regions are empty; the built ones hold the reference's body."""
    text = exercises.text_notebook(assignment).read_text(encoding="utf-8")
    regions = re.findall(rf"{re.escape(BEGIN)}\n(.*?){re.escape(END)}", text, re.S)
    assert regions and all(not r.strip() for r in regions)
    for cell in build(assignment).cells:
        if _nbgrader(cell).get("solution"):
            body = cell.source.split(BEGIN)[1].split(END)[0]
            assert body.strip() and "NotImplementedError" not in body, _nbgrader(cell)["grade_id"]


@pytest.mark.parametrize("assignment", exercises.ASSIGNMENTS)
def test_cell_ids_are_stable_and_unique(assignment):
    first, second = build(assignment), build(assignment)
    ids = [c.id for c in first.cells]
    assert ids == [c.id for c in second.cells] and len(set(ids)) == len(ids)
    for cell in first.cells:
        if "grade_id" in _nbgrader(cell):
            assert cell.id == _nbgrader(cell)["grade_id"]


def test_inserting_a_cell_changes_no_other_id(monkeypatch, tmp_path):
    a = exercises.ASSIGNMENTS[0]
    text = exercises.text_notebook(a).read_text(encoding="utf-8")
    before = [c.id for c in build(a).cells]
    home = tmp_path / "exercises"
    (home / a).mkdir(parents=True)
    shutil.copytree(exercises.HOME / "shared", home / "shared")  # what its cells include
    marker = "\n# %% [markdown]\n"
    at = text.index(marker, len(text) // 2)
    (home / a / f"{a}.py").write_text(text[:at] + "\n# %% [markdown]\n# A new remark.\n" + text[at:], encoding="utf-8")
    monkeypatch.setattr(exercises, "HOME", home)
    after = [c.id for c in build(a).cells]
    new = [i for i in after if i not in before]
    assert len(new) == 1 and [i for i in after if i != new[0]] == before


@pytest.mark.parametrize("assignment", exercises.ASSIGNMENTS)
def test_sample_mistakes_belong_to_the_assignment(assignment):
    attempts = samples.attempts(assignment)
    assert attempts
    for attempt in attempts:
        assert attempt.function in catalogue.ASSIGNMENTS[assignment], attempt
        defined = [n.name for n in ast.parse(attempt.code).body if isinstance(n, ast.FunctionDef)]
        assert attempt.function in defined, attempt


def test_fill_names_what_is_wrong():
    def dL_dq(y, y_hat):
        """The reference."""
        return y - y_hat

    cell = f'def dL_dq(y, y_hat, extra):\n    """Ask."""\n    {BEGIN}\n    {END}\n'
    with pytest.raises(ValueError, match=r"parameters \(y, y_hat, extra\) are not the reference's \(y, y_hat\)"):
        fill(cell, dL_dq)
    with pytest.raises(ValueError, match="no check"):
        fill(cell, None)
    with pytest.raises(ValueError, match="no region"):
        fill('def dL_dq(y, y_hat):\n    """Ask."""\n', dL_dq)
    filled = fill(cell.replace(", extra", ""), dL_dq)
    assert filled == f'def dL_dq(y, y_hat):\n    """Ask."""\n    {BEGIN}\n    return y - y_hat\n    {END}\n'


def test_a_solution_cell_without_a_check_stops_the_build(monkeypatch, tmp_path):
    a = exercises.ASSIGNMENTS[0]
    text = exercises.text_notebook(a).read_text(encoding="utf-8")
    extra = ('\n# %% nbgrader={"grade_id": "unchecked_solution", "grade": false, "solution": true, '
             '"locked": false, "schema_version": 3}\n'
             f'def unchecked(x):\n    """Nobody checks this."""\n    {BEGIN}\n    {END}\n')
    (tmp_path / a).mkdir()
    shutil.copytree(exercises.HOME / "shared", tmp_path / "shared")
    (tmp_path / a / f"{a}.py").write_text(text + extra, encoding="utf-8")
    monkeypatch.setattr(exercises, "HOME", tmp_path)
    with pytest.raises(NotebookSourceError, match=rf"{a}\.py: solution cell 'unchecked_solution': no check"):
        build(a)


def test_points_that_differ_from_the_check_stop_the_build(monkeypatch):
    """The notebook's test cell and the check must give the same points: the gradebook and the
    student version take them from the notebook, the summary of release from the check."""
    from dataclasses import replace
    exercise = catalogue.EXERCISES["mse_loss"]
    monkeypatch.setitem(catalogue.EXERCISES, "mse_loss", replace(exercise, info=replace(exercise.info, points=5)))
    with pytest.raises(NotebookSourceError, match=r"test cell 'test_mse_loss' gives \d+ point\(s\), its check in "
                                                   r"exercises/02_regression/checks.py gives 5"):
        build("02_regression")
