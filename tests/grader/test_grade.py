"""The grade command end to end on a small course built here (issue 4).

The course: the package's source notebook of 02_regression (its solution regions filled from
solutions.regression) plus a free cell that never ends, released with nbgrader's own
generate_assignment, which writes the student version (stubs raising NotImplementedError) and the
gradebook entries.
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from grader import catalogue
from grader.cli import CommandError, main
from grader.grade import grade
from grader.samples import strip_solution_markers
from grader.sandbox import Limits
from grader.source_notebook import build

pytestmark = pytest.mark.slow  # whole classes graded in sandboxes

ROOT = Path(__file__).resolve().parents[2]
A = "02_regression"
NAMES = catalogue.ASSIGNMENTS[A]
POINTS = {n: catalogue.EXERCISES[n].info.points for n in NAMES}
TOTAL = sum(POINTS.values())
FAST = Limits(cpu=20, call_cpu=1.0, cell_cpu=1.0)


def _source_notebook():
    """The package's source notebook, with a last cell of the learner's own that never ends."""
    nb = build(A)
    nb.cells.append(nbformat.v4.new_code_cell("print('my own experiments')\nwhile True:\n    pass", id="mine"))
    return nb


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A course directory with source, release (nbgrader's student version) and gradebook.db."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    root = tmp_path_factory.mktemp("course")
    (root / "source" / A).mkdir(parents=True)
    nbformat.write(_source_notebook(), root / "source" / A / f"{A}.ipynb")
    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = "test-course"
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    old_path = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), old_path])
    try:
        result = NbGraderAPI(config=config).generate_assignment(A, force=True, create=True)
    finally:
        os.environ["PATH"] = old_path
    assert result["success"], result.get("log")
    assert (root / "release" / A / f"{A}.ipynb").is_file()
    return root


@pytest.fixture
def course(released, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(released, root)
    return root


def _read(path):
    return nbformat.read(str(path), as_version=4)


def _submit(course, student, nb=None, *, raw=None, name=f"{A}.ipynb"):
    folder = course / "submitted" / student / A
    folder.mkdir(parents=True, exist_ok=True)
    if raw is not None:
        (folder / name).write_text(raw, encoding="utf-8")
    else:
        nbformat.write(nb, folder / name)


def _solved():
    """The source notebook as a learner who solved everything would hand it in (no markers)."""
    nb = _read_source_as_student(_source_notebook())
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = strip_solution_markers(cell.source)
    return nb


def _read_source_as_student(nb):
    return nbformat.reads(nbformat.writes(nb), as_version=4)


def _student(course):
    return _read(course / "release" / A / f"{A}.ipynb")


def _set_solution(nb, name, code):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == f"{name}_solution":
            cell.source = code
            return nb
    raise KeyError(name)


def _rows(course, name):
    with open(course / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _by_exercise(course, student):
    return {r["exercise"]: r for r in _rows(course, "exercise_scores.csv") if r["student_id"] == student}


def _grade(course, **kw):
    kw.setdefault("limits", FAST)
    kw.setdefault("jobs", 2)
    return grade(course, quiet=True, **kw)


def test_solved_untouched_and_carried_forward(course):
    alice = _solved()  # the source's endless cell, unchanged, keeps only its definitions; her own one runs
    alice.cells.append(nbformat.v4.new_code_cell("steps = 0\nwhile True:\n    steps += 1"))
    _submit(course, "alice", alice)
    _submit(course, "bob", _student(course))
    flipped = _set_solution(_solved(), "dL_dyhat", "def dL_dyhat(y, y_hat):\n    return 2 * (y - y_hat)")
    _submit(course, "carol", flipped)
    summary = _grade(course)
    assert summary.graded == 3 and not summary.problems  # alice's endless cell of her own is no grading problem

    alice = _by_exercise(course, "alice")
    assert {r["diagnosis"] for r in alice.values()} == {"ok"}, alice
    assert set(alice) == set(NAMES)
    page = (course / "diagnosis" / "alice" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "A cell of your own (not graded) raised timeout" in page  # it ran, as under nbgrader, and cost nothing
    bob = _by_exercise(course, "bob")
    assert {r["diagnosis"] for r in bob.values()} == {"not_implemented"}
    assert all(float(r["score"]) == 0 for r in bob.values())

    carol = _by_exercise(course, "carol")
    assert carol["dL_dyhat"]["diagnosis"] == "sign_flipped" and float(carol["dL_dyhat"]["score"]) == 0
    assert "fix that first" not in carol["dL_dyhat"]["message"]
    # the reference derivatives call dL_dyhat: right given a right dL_dyhat, they keep their points
    callers = [n for n in NAMES if n.startswith("dL_d") and n != "dL_dyhat"] + ["gradients_regression",
                                                                                  "train_regression"]
    for name in callers:
        assert carol[name]["diagnosis"] == "carried_forward", (name, carol[name])
        assert float(carol[name]["score"]) == POINTS[name]
    assert carol["dL_dW2_11"]["message"] == ("Right, given a correct `dL_dyhat`; `dL_dyhat` cost you 1 point, "
                                             "and this one keeps its points (error carried forward).")
    assert carol["forward_regression"]["diagnosis"] == carol["mse_loss"]["diagnosis"] == "ok"
    assert carol["update_parameter"]["diagnosis"] == "ok"
    assert sum(float(r["score"]) for r in carol.values()) == TOTAL - POINTS["dL_dyhat"]

    grades = {r["student_id"]: r for r in _rows(course, "grades.csv")}
    assert float(grades["alice"]["score"]) == TOTAL == float(grades["alice"]["max_score"])
    assert {r["status"] for r in grades.values()} == {"graded"}
    assert float(grades["bob"]["score"]) == 0
    for student, row in grades.items():
        assert float(row["score"]) == sum(float(r["score"]) for r in _by_exercise(course, student).values())
    _assert_gradebook_matches(course)

    page = (course / "diagnosis" / "carol" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "sign_flipped" in page and "<script" not in page and "BEGIN SOLUTION" not in page
    assert "def dL_dyhat(y, y_hat):\n    return 2 * (y - y_hat)" in page  # her own code, beside its diagnosis
    stubs = (course / "diagnosis" / "bob" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "return -2" not in stubs and "NotImplementedError" in stubs  # his stubs, no reference code

    # strict: the cascade, each caller naming the culprit
    summary = _grade(course, policy="strict")
    assert summary.graded == 3  # the policy is part of what a stored result depends on
    carol = _by_exercise(course, "carol")
    assert carol["dL_dW2_11"]["diagnosis"] == "sign_flipped" and float(carol["dL_dW2_11"]["score"]) == 0
    assert "It calls `dL_dyhat`, which is wrong: fix that first" in carol["dL_dW2_11"]["message"]
    assert "`dL_dyhat`" in carol["gradients_regression"]["message"]


def _assert_gradebook_matches(course):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="test-course") as gb:
        for row in _rows(course, "grades.csv"):
            submission = gb.find_submission(row["assignment"], row["student_id"])
            assert submission.score == pytest.approx(float(row["score"]))
            assert submission.max_score == pytest.approx(float(row["max_score"]))
            per_cell = {g.name: g.score for g in submission.notebooks[0].grades}
            for r in _by_exercise(course, row["student_id"]).values():
                assert per_cell[f"test_{r['exercise']}"] == pytest.approx(float(r["score"]))


def test_in_place_update_is_mutated_input_and_costs_once(course):
    in_place = _set_solution(_solved(), "update_parameter",
                             "def update_parameter(param, grad, lr):\n    param -= lr * grad\n    return param")
    _submit(course, "ivan", in_place)
    _grade(course)
    ivan = _by_exercise(course, "ivan")
    assert (ivan["update_parameter"]["diagnosis"], float(ivan["update_parameter"]["score"])) == ("mutated_input", 0)
    assert "changed its argument `param` in place" in ivan["update_parameter"]["message"]
    assert ivan["train_regression"]["diagnosis"] == "ok"  # it updates its own copies: the mutation harms nothing there
    assert sum(float(r["score"]) for r in ivan.values()) == TOTAL - POINTS["update_parameter"]


def _without_endless_cell(nb):
    nb.cells = [c for c in nb.cells if "while True" not in c.source or c.metadata.get("nbgrader")]
    return nb


def _with_helper(nb):
    """The derivatives written with a helper of the learner's own, in a cell of its own before them."""
    derivatives = [n for n in NAMES if n.startswith("dL_d")]
    for name in derivatives:
        args = catalogue.EXERCISES[name].info.arguments
        _set_solution(nb, name, f"def {name}({', '.join(args)}):\n    return upstream(y, y_hat)"
                      + "".join(f" * {a}" for a in args[2:]))
    first = next(i for i, c in enumerate(nb.cells)
                 if c.metadata.get("nbgrader", {}).get("grade_id") == f"{derivatives[0]}_solution")
    nb.cells.insert(first, nbformat.v4.new_code_cell("def upstream(y, y_hat):\n    return -2 * (y - y_hat)"))
    return nb


def test_helpers_and_carried_forward_agree_with_nbgrader_autograde(course):
    """A learner's helper in a cell of their own, and a sign slip whose callers are right: the same
    scores, cell by cell, from grade and from nbgrader autograde running the hidden tests in its
    kernel (the course's nbgrader_config.py has nbgrader's own preprocessors only)."""
    from test_autograde_agreement import nbgrader
    from grader.selfcheck_package import write_selfcheck
    _submit(course, "henry", _without_endless_cell(_with_helper(_solved())))
    flipped = _set_solution(_solved(), "dL_dyhat", "def dL_dyhat(y, y_hat):\n    return 2 * (y - y_hat)")
    _submit(course, "carol", _without_endless_cell(flipped))
    for student in ("henry", "carol"):
        write_selfcheck(course / "submitted" / student / A, A)  # the student version's folder holds it
    _grade(course)
    ours = {(r["student_id"], r["exercise"]): float(r["score"]) for r in _rows(course, "exercise_scores.csv")}
    assert sum(s for (student, _), s in ours.items() if student == "henry") == TOTAL
    assert sum(s for (student, _), s in ours.items() if student == "carol") == TOTAL - POINTS["dL_dyhat"]

    (course / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\nc.CourseDirectory.course_id = 'test-course'\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{course / 'gradebook.db'}'\n", encoding="utf-8")
    nbgrader(["autograde", A, "--force"], course)
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="test-course") as gb:
        for student in ("henry", "carol"):
            grades = {g.name: g.score for g in gb.find_submission(A, student).notebooks[0].grades}
            for name in NAMES:
                assert grades[f"test_{name}"] == ours[(student, name)], (student, name)


def test_endless_loops_and_no_solutions(course):
    looping = _set_solution(_solved(), "mse_loss", "def mse_loss(y, y_hat):\n    while True:\n        pass")
    _submit(course, "dave", looping)
    top = _set_solution(_solved(), "dL_db21", "import solutions\ndef dL_db21(y, y_hat):\n    return 0.0")
    _submit(course, "erin", top)
    _grade(course)
    dave = _by_exercise(course, "dave")
    assert dave["mse_loss"]["diagnosis"] == "timeout"
    # train_regression calls mse_loss, so it times out too, but given a right mse_loss it is right
    assert dave["train_regression"]["diagnosis"] == "carried_forward"
    assert "given a correct `mse_loss`" in dave["train_regression"]["message"]
    assert {r["diagnosis"] for n, r in dave.items() if n not in ("mse_loss", "train_regression")} == {"ok"}
    _grade(course, policy="strict")
    dave = _by_exercise(course, "dave")
    assert dave["train_regression"]["diagnosis"] == "timeout"
    assert "It calls `mse_loss`" in dave["train_regression"]["message"]
    erin = _by_exercise(course, "erin")
    assert erin["dL_db21"]["diagnosis"] == "error"
    assert "ModuleNotFoundError" in erin["dL_db21"]["message"] and "solutions" in erin["dL_db21"]["message"]


def test_top_level_loop_costs_only_that_student(course):
    # the loop swallows the cell alarm, so only the wall-clock kill of the process group stops it
    hostile = _set_solution(_solved(), "dL_dyhat", textwrap.dedent("""
        while True:
            try:
                while True:
                    pass
            except BaseException:
                pass
        """))
    _submit(course, "mallory", hostile)
    _submit(course, "alice", _solved())
    summary = _grade(course, limits=Limits(cpu=4, call_cpu=1, cell_cpu=1))
    # the notebook runs again without that cell: only dL_dyhat is lost, its callers keep their points
    mallory = _by_exercise(course, "mallory")
    assert mallory["dL_dyhat"]["diagnosis"] == "timeout"
    assert sum(float(r["score"]) for r in mallory.values()) == TOTAL - POINTS["dL_dyhat"]
    assert {r["diagnosis"] for r in _by_exercise(course, "alice").values()} == {"ok"}
    assert any(p.student == "mallory" for p in summary.problems)


def test_broken_notebooks_are_rows_not_crashes(course, capsys):
    _submit(course, "frank", raw="{ this is not json")
    _submit(course, "grace", _solved(), name="my copy.ipynb")  # renamed, but the only one
    (course / "submitted" / "heidi" / "99_unknown").mkdir(parents=True)
    (course / "submitted" / "ivan" / A).mkdir(parents=True)  # no notebook at all
    assert main(["grade", "--course", str(course), "--jobs", "2"]) == 0
    capsys.readouterr()
    frank = _by_exercise(course, "frank")
    assert {r["diagnosis"] for r in frank.values()} == {"error"}
    assert "not valid notebook JSON" in frank["mse_loss"]["message"]
    assert {r["diagnosis"] for r in _by_exercise(course, "grace").values()} == {"ok"}
    assert {r["diagnosis"] for r in _by_exercise(course, "ivan").values()} == {"missing"}
    problems = _rows(course, "grading_problems.csv")
    assert {p["student_id"] for p in problems} >= {"frank", "grace", "heidi", "ivan"}
    grades = {r["student_id"]: r["status"] for r in _rows(course, "grades.csv")}
    assert "heidi" not in grades  # only an unknown folder: not in the gradebook, so not missing either
    assert grades == dict.fromkeys(["frank", "grace", "ivan"], "graded")  # ivan's empty folder too: graded 0


def test_tampered_test_cell_is_graded_on_the_original(course):
    nb = _solved()
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_mse_loss":
            cell.source = "pass  # no test here"
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "setup":
            cell.source += "\nmse_loss = None"
    _submit(course, "judy", nb)
    _grade(course)
    judy = _by_exercise(course, "judy")
    assert {r["diagnosis"] for r in judy.values()} == {"ok"}  # graded with the original cells
    assert all("[tampered]" in r["message"] and "test_mse_loss" in r["message"] for r in judy.values())
    assert float(_rows(course, "grades.csv")[0]["score"]) == TOTAL
    assert any("tampered" in p["problem"] for p in _rows(course, "grading_problems.csv"))


def test_jobs_do_not_change_results_and_cache(course):
    _submit(course, "alice", _solved())
    _submit(course, "bob", _student(course))
    _submit(course, "carol", _set_solution(_solved(), "update_parameter",
                                           "def update_parameter(param, grad, lr):\n    return param + lr * grad"))
    _grade(course, jobs=1)
    first = {n: (course / n).read_bytes() for n in ("grades.csv", "exercise_scores.csv")}
    again = _grade(course, jobs=1)
    assert again.graded == 0 and again.reused == 3  # unchanged submissions come from the cache
    _grade(course, jobs=3, force=True)
    assert {n: (course / n).read_bytes() for n in first} == first
    carol = _by_exercise(course, "carol")
    assert carol["update_parameter"]["diagnosis"] == "sign_flipped"
    assert "`update_parameter`" in carol["train_regression"]["message"]


def test_operator_errors(tmp_path, course, capsys):
    with pytest.raises(CommandError, match="release"):
        grade(tmp_path / "nowhere", quiet=True)
    with pytest.raises(CommandError, match="source"):
        grade(tmp_path, quiet=True)
    with pytest.raises(CommandError, match="unknown assignment"):
        grade(course, ["07_nonsense"], quiet=True)
    assert main(["grade", "--course", str(tmp_path / "nowhere")]) == 2
    assert "release" in capsys.readouterr().err
    _submit(course, "alice", _solved())
    (course / "gradebook.db").unlink()
    with pytest.raises(CommandError, match="release"):
        grade(course, quiet=True, limits=FAST)


def test_result_files_are_plain_json(course):
    _submit(course, "alice", _solved())
    _grade(course)
    data = json.loads((course / ".backprop-course" / "results" / "alice" / f"{A}.json").read_text())
    assert data["grade"]["student"] == "alice" and len(data["digest"]) == 64


def _grade_command(course):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return [sys.executable, "-m", "grader", "grade", "--course", str(course), "--jobs", "1"], env


def _outputs(course):
    """The grader's output files by path relative to the course, and the gradebook's scores."""
    from nbgrader.api import Gradebook

    files = [course / "grades.csv", course / "exercise_scores.csv", course / "grading_problems.csv",
             *sorted((course / "diagnosis").rglob("*.html"))]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = sorted((s.student_id, s.assignment.name, s.score) for s in gb.assignment_submissions(A))
    return {str(f.relative_to(course)): f.read_bytes() for f in files}, scores


def test_killed_midway_and_started_again_gives_the_same_files(course, tmp_path):
    for i in range(8):
        _submit(course, f"s{i:02d}", _solved() if i % 2 else _student(course))
    twin = tmp_path / "twin"
    shutil.copytree(course, twin)
    command, env = _grade_command(twin)
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)

    command, env = _grade_command(course)
    results = course / ".backprop-course" / "results"
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(list(results.glob("*/*.json"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    kept = len(list(results.glob("*/*.json")))
    assert 2 <= kept < 8, "the run should have been killed midway"
    assert not list(results.glob("*/.*"))  # no half-written result file left behind

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"graded {8 - kept} submission(s), reused {kept} unchanged" in rerun.stdout
    assert _outputs(course) == _outputs(twin)

    forced = subprocess.run(command + ["--force"], env=env, capture_output=True, text=True, timeout=300)
    assert "graded 8 submission(s), reused 0 unchanged" in forced.stdout
    assert _outputs(course) == _outputs(twin)


def test_restore_flags_deleted_duplicated_and_edited_locked_cells(course):
    from grader import restore
    source = restore.load_source(course / "source" / A / f"{A}.ipynb")
    nb = _student(course)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    del nb.cells[ids.index("test_mse_loss")]  # a deleted test cell
    dup = nbformat.from_dict(nb.cells[ids.index("setup")])
    dup["id"] = "copy-1"
    nb.cells.insert(0, dup)  # a duplicated setup cell
    solved = _solved()
    pasted = next(c for c in solved.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "dL_dyhat_solution")
    pasted["id"] = "copy-2"
    nb.cells.append(pasted)  # the learner pasted a second solution cell
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "mse_loss_solution"]
    path = course / "tampered.ipynb"
    nbformat.write(nb, path)
    restored = restore.restore(path, source)
    text = " ".join(restored.tampering)
    assert "test_mse_loss was deleted" in text and "setup appears 2 times" in text
    assert "dL_dyhat_solution appears 2 times" in text
    assert restored.missing_solutions == ["mse_loss_solution"]
    executed = [c["id"] for c in restored.cells]
    assert executed.count("setup") == 1 and executed.count("dL_dyhat_solution") == 2
    assert not any(i.startswith("test_") for i in executed)  # test cells are not run
    assert "return -2" not in " ".join(c["code"] for c in restored.cells if c["id"] != "dL_dyhat_solution")
    untouched = restore.restore(course / "release" / A / f"{A}.ipynb", source)
    assert untouched.tampering == [] and untouched.missing_solutions == []


def test_a_grader_failure_costs_only_that_submission(course, monkeypatch):
    """Even a fault of the grader itself (here: judging blows up for one student) loses no batch."""
    import grader.grade as grade_module
    real = grade_module._judge_all

    def judge_all(plan, restored, *rest):
        if any("ZAP" in cell["code"] for cell in restored.cells):
            raise RecursionError("maximum recursion depth exceeded")
        return real(plan, restored, *rest)

    monkeypatch.setattr(grade_module, "_judge_all", judge_all)
    _submit(course, "alice", _solved())
    _submit(course, "mallory", _set_solution(_solved(), "mse_loss", "ZAP = 1\ndef mse_loss(y, y_hat):\n"
                                                                     "    return (y - y_hat) ** 2"))
    summary = _grade(course, jobs=1)
    assert summary.graded == 2
    assert {r["diagnosis"] for r in _by_exercise(course, "alice").values()} == {"ok"}
    mallory = _by_exercise(course, "mallory")
    assert {r["diagnosis"] for r in mallory.values()} == {"error"}
    assert "RecursionError" in mallory["mse_loss"]["message"]
    problems = _rows(course, "grading_problems.csv")
    assert any(p["student_id"] == "mallory" and "grading failed" in p["problem"] for p in problems)
