"""`backprop-course release`: the nbgrader course directory, the student versions, the gate.

The kernel tests release the assignments whose source notebooks exist into one course directory,
twice (the second time over instructor files that must survive), then check what an instructor
and nbgrader see there.
"""
import ast
import csv
import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

import grader
from exercises import ASSIGNMENTS
from grader import catalogue
from grader import release as release_module
from grader import source_notebook
from grader.cli import CommandError, main
from grader.release import release
from grader.release_gate import source_problems, student_problems
from grader.release_nbgrader import create_gradebook

REPO = Path(grader.__file__).resolve().parent.parent
SOLUTIONS = sorted((REPO / "solutions").glob("*.py"))
AVAILABLE = list(ASSIGNMENTS)  # every packaged notebook: a missing one is a failure, not a skip


def read(path):
    return nbformat.read(path, as_version=4)


def cell(nb, grade_id):
    cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    assert len(cells) == 1, f"{len(cells)} cells with grade_id {grade_id}"
    return cells[0]


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def nbgrader_env():
    """How an instructor runs nbgrader: this Python's scripts on PATH, `grader` importable."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


@pytest.fixture(scope="module")
def course(released_all, tmp_path_factory):
    """A course released twice; the first release's files, and the instructor's own files."""
    root = tmp_path_factory.mktemp("course") / "course"
    shutil.copytree(released_all["root"], root)  # the first release
    packaged = released_all["packaged"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(release_module, "packaged_notebook", packaged.__getitem__)
        first = snapshot(root / "release")
        first_db_assignments = _gradebook_cells(root)
        mine = {root / "submitted" / "alice" / AVAILABLE[0] / "notes.txt": b"alice's work",
                root / "autograded" / "alice" / AVAILABLE[0] / "x.ipynb": b"{}",
                root / "source" / AVAILABLE[0] / "data.csv": b"1,2\n",
                root / "my_notes.md": b"instructor notes"}
        for path, data in mine.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        release(root, AVAILABLE)
    return {"root": root, "first": first, "mine": mine, "first_db": first_db_assignments, "packaged": packaged}


def _gradebook_cells(root):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        return {a.name: {c.name: c.max_score for nb in a.notebooks for c in nb.grade_cells}
                for a in gb.assignments}


# --- operator errors (no kernel) -------------------------------------------------------------

def test_unknown_assignment_lists_the_valid_names(tmp_path):
    with pytest.raises(CommandError) as exc:
        release(tmp_path / "c", ["07_nonsense"])
    assert "07_nonsense" in str(exc.value)
    assert all(a in str(exc.value) for a in ASSIGNMENTS)
    assert not (tmp_path / "c").exists()


def test_course_that_is_a_file_is_refused(tmp_path, capsys):
    path = tmp_path / "course"
    path.write_text("not a directory")
    with pytest.raises(CommandError, match="not a directory"):
        release(path)
    assert main(["release", "--course", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("backprop-course release:") and err.count("\n") == 1
    assert path.read_text() == "not a directory"


def test_jobs_must_be_at_least_one(tmp_path, capsys):
    assert main(["release", "--course", str(tmp_path / "c"), "--jobs", "0"]) == 2
    assert capsys.readouterr().err == "backprop-course release: --jobs must be at least 1\n"
    assert not (tmp_path / "c").exists()


# --- the gradebook's tables, made in this process ----------------------------------------------

def _schema(db):
    with sqlite3.connect(db) as connection:
        tables = connection.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        return tables, connection.execute("SELECT version_num FROM alembic_version").fetchall()


def test_gradebook_tables_are_nbgraders_own_without_its_alembic_subprocess(tmp_path, monkeypatch):
    from nbgrader.api import Gradebook
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    Gradebook(f"sqlite:///{tmp_path / 'theirs.db'}").close()  # nbgrader's: tables, then `alembic heads` run
    theirs = _schema(tmp_path / "theirs.db")
    assert len(theirs[0]) > 10 and len(theirs[1]) == 1
    monkeypatch.setenv("PATH", str(tmp_path))  # no alembic script to run from here on
    create_gradebook(f"sqlite:///{tmp_path / 'ours.db'}")
    assert _schema(tmp_path / "ours.db") == theirs
    with Gradebook(f"sqlite:///{tmp_path / 'ours.db'}", course_id="c") as gb:  # nbgrader takes it as made
        gb.add_assignment("a1")
    create_gradebook(f"sqlite:///{tmp_path / 'ours.db'}")  # a gradebook with tables is left as it is
    with Gradebook(f"sqlite:///{tmp_path / 'ours.db'}", course_id="c") as gb:
        assert [a.name for a in gb.assignments] == ["a1"]


def test_a_gradebook_that_cannot_be_opened_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match=r"^cannot open the gradebook's database \(CourseDirectory.db_url\): "
                                           r"OperationalError: .*unable to open database file"):
        create_gradebook(f"sqlite:///{tmp_path / 'no-such-folder' / 'gradebook.db'}")


# --- what the gate reads from an executed notebook (no kernel) ---------------------------------

def _executed(outputs, grade=True, grade_id="test_f"):
    code = nbformat.v4.new_code_cell("check('f', f)")
    code.metadata["nbgrader"] = {"grade": grade, "solution": False, "locked": True, "grade_id": grade_id,
                                 "points": 1, "schema_version": 3}
    code.outputs = [nbformat.from_dict(o) for o in outputs]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("text"), code])


def _error(ename, evalue):
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": []}


def test_gate_source_rules():
    stderr = {"output_type": "stream", "name": "stderr", "text": "RuntimeWarning: overflow\n"}
    shown = {"output_type": "execute_result", "execution_count": 1, "data": {"text/plain": "0.5"}, "metadata": {}}
    ok = {"output_type": "stream", "name": "stdout", "text": "✔ f: passes\n"}
    assert list(source_problems(_executed([ok]))) == []
    assert list(source_problems(_executed([stderr]))) == [
        ("cell test_f", "writes to stderr, which nbgrader scores 0: RuntimeWarning: overflow")]
    assert list(source_problems(_executed([shown]))) == [
        ("cell test_f", "shows 0.5, which nbgrader reads as 0.5 of its 1 point")]
    full = {**shown, "data": {"text/plain": "1.0"}}  # partial credit that gives every point: fine
    assert list(source_problems(_executed([full]))) == []
    # stderr outside a graded cell costs no point; an error anywhere does
    assert list(source_problems(_executed([stderr], grade=False))) == []
    assert list(source_problems(_executed([_error("ValueError", "bad\nmore")], grade=False))) == [
        ("cell test_f", "ValueError: bad")]


def test_gate_student_rules():
    stub = _error("NotImplementedError", "")
    selfcheck = _error("AssertionError", "✘ f [not_implemented]: `f` still raises NotImplementedError")
    assert list(student_problems(_executed([stub]))) == []
    assert list(student_problems(_executed([selfcheck]))) == []
    (where, reason), = student_problems(_executed([_error("NameError", "name 'losses' is not defined")], grade_id=None))
    assert where == "cell 1" and reason.startswith("NameError: name 'losses' is not defined")
    (_, reason), = student_problems(_executed([_error("AssertionError", "✘ f [wrong_value]: ...")]))
    assert reason.startswith("AssertionError: ✘ f [wrong_value]")


# --- the released course ------------------------------------------------------------------

@pytest.mark.slow
def test_layout(course):
    root = course["root"]
    assert (root / "nbgrader_config.py").is_file() and (root / "gradebook.db").is_file()
    for a in AVAILABLE:
        assert (root / "source" / a / f"{a}.ipynb").read_bytes() == course["packaged"][a]
        for side in ("source", "release"):
            package = root / side / a / "backprop_selfcheck"
            assert (package / "__init__.py").is_file() and (package / "public_cases.json").is_file()
        assert (root / "release" / a / f"{a}.ipynb").is_file()
    assert [p.name for p in root.glob(".*")] == [".backprop-course"], "staging leftovers in the course directory"
    # the hidden cases' seed, and what release wrote (so that it never overwrites an instructor's edit)
    assert sorted(p.name for p in (root / ".backprop-course").iterdir()) == ["release.json", "secret"]
    assert not list((root / "release").rglob("__pycache__"))


@pytest.mark.slow
def test_instructor_files_survive_a_second_release(course):
    for path, data in course["mine"].items():
        assert path.read_bytes() == data


@pytest.mark.slow
def test_release_is_byte_identical_the_second_time(course):
    second = snapshot(course["root"] / "release")
    extra = Path(AVAILABLE[0]) / "data.csv"  # the instructor's file in source/, shipped as nbgrader does
    assert second.pop(extra) == b"1,2\n"
    assert second == course["first"]


@pytest.mark.slow
@pytest.mark.parametrize("assignment", AVAILABLE)
def test_source_notebook_has_solution_and_graded_test_per_function(course, assignment):
    nb = read(course["root"] / "source" / assignment / f"{assignment}.ipynb")
    for name in catalogue.ASSIGNMENTS[assignment]:
        solution = cell(nb, f"{name}_solution")
        assert solution.metadata.nbgrader.solution and "BEGIN SOLUTION" in solution.source
        test = cell(nb, f"test_{name}")
        assert test.metadata.nbgrader.grade and test.metadata.nbgrader.locked
        assert test.metadata.nbgrader.points == catalogue.EXERCISES[name].info.points


@pytest.mark.slow
@pytest.mark.parametrize("assignment", AVAILABLE)
def test_student_notebook_has_a_stub_per_function(course, assignment):
    nb = read(course["root"] / "release" / assignment / f"{assignment}.ipynb")
    for name in catalogue.ASSIGNMENTS[assignment]:
        stub = cell(nb, f"{name}_solution")
        assert f"def {name}(" in stub.source and "raise NotImplementedError()" in stub.source
        test = cell(nb, f"test_{name}")
        assert not test.metadata.get("editable", True) and test.metadata.nbgrader.locked
        assert "full_check" not in test.source
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


# Lines the notebooks state on purpose: the random-number protocol the grader's seeded cases rely on.
PROTOCOL = {"rng = np.random.default_rng(seed)", "i = rng.integers(n)", "order = rng.permutation(n)"}
# What the catalogue publishes about each exercise (its formula, its hints) is shown to learners.
PUBLISHED = "\n".join([e.info.formula for e in catalogue.EXERCISES.values()]
                      + [hint for e in catalogue.EXERCISES.values() for hint in e.info.hints.values()])


def _reference_lines():
    """Non-trivial code lines of solutions/*.py that begin a statement in a function body:
    no signatures, docstrings, comments, imports, continuation lines or one-word lines."""
    lines = set()
    for path in SOLUTIONS:
        text = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(text))
        starts = {node.lineno for func in ast.walk(tree) if isinstance(func, ast.FunctionDef)
                  for node in ast.walk(func) if isinstance(node, ast.stmt) and node is not func
                  and not isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef))
                  and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))}
        for number in sorted(starts):
            line = text[number - 1].strip()
            if line.startswith("#") or not re.search(r"\w", line) or line in PROTOCOL or line in PUBLISHED:
                continue
            if len(line) < 12 or (line.startswith("return ") and len(line) < 25):
                continue  # `else:`, `xs[0] = x0`, `return out`: not a solution
            if line.endswith(":") and len(line) < 30:
                continue  # `for k in range(steps):` is scaffolding a notebook may give
            lines.add(line)
    return lines


@pytest.mark.slow
def test_nothing_of_the_reference_ships(course):
    reference = _reference_lines()
    assert len(reference) > 50
    for path in sorted((course["root"] / "release").rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "full_check", "import solutions"):
            assert marker not in text, f"{marker!r} in {path}"
        leaked = sorted(line for line in reference if line in text)
        assert not leaked, f"reference code in {path}: {leaked[:3]}"


@pytest.mark.slow
def test_gradebook_lists_assignments_and_grade_cells(course):
    cells = _gradebook_cells(course["root"])
    assert set(cells) == set(AVAILABLE)
    for a in AVAILABLE:
        assert cells[a] == {f"test_{n}": float(catalogue.EXERCISES[n].info.points) for n in catalogue.ASSIGNMENTS[a]}
    assert course["first_db"] == cells


@pytest.mark.slow
def test_nbgrader_autograde_gives_reference_full_marks_and_stubs_zero(course, tmp_path):
    from nbgrader.api import Gradebook

    def autograde(half):  # two copies of the course, each its own gradebook, graded side by side
        root = tmp_path / f"course-{half}"
        shutil.copytree(course["root"], root)
        for a in AVAILABLE[half::2]:
            for student, side in (("ref", "source"), ("stub", "release")):
                target = root / "submitted" / student / a
                target.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(root / side / a / f"{a}.ipynb", target / f"{a}.ipynb")
            done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", a, "--force"], cwd=root,
                                  env=nbgrader_env(), capture_output=True, text=True, timeout=600)
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        return root

    with ThreadPoolExecutor(2) as pool:
        roots = list(pool.map(autograde, (0, 1)))
    for half, root in enumerate(roots):
        with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
            for a in AVAILABLE[half::2]:
                total = sum(catalogue.EXERCISES[n].info.points for n in catalogue.ASSIGNMENTS[a])
                ref, stub = gb.find_submission(a, "ref"), gb.find_submission(a, "stub")
                assert (ref.score, ref.max_score) == (total, total), a
                assert (stub.score, stub.max_score) == (0, total), a


@pytest.mark.slow
def test_nbgrader_generate_assignment_works_in_the_course(course, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(course["root"], root)
    a = AVAILABLE[0]
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", a, "--force"], cwd=root,
                          env=nbgrader_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert snapshot(root / "release" / a) == snapshot(course["root"] / "release" / a)


# --- the gate refuses a broken solution ------------------------------------------------------

def _broken(assignment):
    """The packaged notebook with the first exercise's solution raising instead of answering."""
    nb = source_notebook.build(assignment)
    name = catalogue.ASSIGNMENTS[assignment][0]
    solution = cell(nb, f"{name}_solution")
    lines = solution.source.split("\n")
    at = next(i for i, line in enumerate(lines) if "BEGIN SOLUTION" in line)
    indent = lines[at][:len(lines[at]) - len(lines[at].lstrip())]
    lines.insert(at + 1, f'{indent}raise ValueError("deliberately broken")')
    solution.source = "\n".join(lines)
    return name, nbformat.writes(nb).encode()


@pytest.mark.slow
def test_gate_refuses_a_broken_solution_and_writes_nothing(tmp_path, monkeypatch):
    a = AVAILABLE[0]
    root = tmp_path / "course"
    release(root, [a])
    before = snapshot(root)
    name, broken = _broken(a)
    original = release_module.packaged_notebook
    monkeypatch.setattr(release_module, "packaged_notebook", lambda x: broken if x == a else original(x))
    with pytest.raises(CommandError) as exc:
        release(root, [a])
    message = str(exc.value)
    assert f"source/{a}/{a}.ipynb" in message and "\n" not in message
    assert f"cell test_{name}" in message or f"cell {name}_solution" in message
    assert "ValueError" in message or "[error]" in message
    assert snapshot(root) == before


# --- progress, --jobs, and a failure among assignments gated side by side -----------------------

class Terminal(io.StringIO):
    """stderr as a terminal, where release redraws its progress lines in place."""

    def isatty(self) -> bool:
        return True


@pytest.mark.slow
def test_one_job_releases_the_same_files_as_the_parallel_gate(released_all, tmp_path, capsys):
    root = tmp_path / "course"
    release(root, jobs=1)  # released_all ran the gate two notebooks at a time
    lines = capsys.readouterr().err.splitlines()
    assert [line.split()[0] for line in lines] == list(ASSIGNMENTS)  # a line per assignment, nothing more
    for line in lines:
        assert re.fullmatch(r"\d\d_\w+ +source ✔  generate ✔  student ✔  install ✔  \d+\.\d s", line), line
    for folder in ("source", "release"):
        assert snapshot(root / folder) == snapshot(released_all["root"] / folder)
    assert (root / "nbgrader_config.py").read_bytes() == (released_all["root"] / "nbgrader_config.py").read_bytes()


@pytest.mark.slow
def test_a_gate_failure_among_assignments_gated_side_by_side_releases_nothing(tmp_path, monkeypatch, capsys):
    passing, failing = "05_training", "06_vectorized"
    name, broken = _broken(failing)
    original = release_module.packaged_notebook
    monkeypatch.setattr(release_module, "packaged_notebook", lambda x: broken if x == failing else original(x))
    root = tmp_path / "course"
    with pytest.raises(CommandError) as exc:
        release(root, [passing, failing], jobs=2)
    message = str(exc.value)
    assert message.startswith(f"release gate failed, nothing released: source/{failing}/{failing}.ipynb, cell ")
    assert f"cell test_{name}" in message or f"cell {name}_solution" in message
    assert passing not in message and "\n" not in message
    assert not root.exists()
    lines = dict(line.split(maxsplit=1) for line in capsys.readouterr().err.splitlines())
    assert lines.keys() == {passing, failing}
    assert lines[passing].startswith("source ✔  generate ✔  student ✔  install -  ")
    assert lines[failing].startswith("source ✘  generate ✔  student ✔  install -  ")


@pytest.mark.slow
def test_quiet_release_prints_only_its_final_line(tmp_path, monkeypatch, capsys):
    root = tmp_path / "course"
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["-q", "release", "--course", str(root), "--assignment", AVAILABLE[-1]]) == 0
    assert terminal.getvalue() == ""
    out = capsys.readouterr().out
    assert re.fullmatch(rf"course directory {re.escape(str(root))} ready: 1 assignment\(s\), 2 notebooks passed "
                        r"the gate, \d+ s\n", out)
    assert (root / "release" / AVAILABLE[-1] / f"{AVAILABLE[-1]}.ipynb").is_file()


def _grade_class(course, tmp_path, learners):
    """Grade, in a copy of the released course, the notebooks learners(a, student_nb, source_nb)
    yields as (student, notebook); return the rows of exercise_scores.csv."""
    from grader.grade import grade

    root = tmp_path / "course"
    shutil.copytree(course["root"], root, ignore=shutil.ignore_patterns("submitted", "autograded"))
    for a in ASSIGNMENTS:
        student, source = read(root / "release" / a / f"{a}.ipynb"), read(root / "source" / a / f"{a}.ipynb")
        for who, nb in learners(a, student, source):
            (root / "submitted" / who / a).mkdir(parents=True)
            nbformat.write(nb, root / "submitted" / who / a / f"{a}.ipynb")
    grade(root, jobs=2, quiet=True)
    with open(root / "exercise_scores.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.slow
def test_our_grader_gives_reference_all_68_and_stubs_not_implemented(course, tmp_path):
    from grader import samples

    rows = _grade_class(course, tmp_path, lambda a, student, source: [
        ("ref", samples.submission(student, source)), ("stub", student)])
    ref = {r["exercise"]: r for r in rows if r["student_id"] == "ref"}
    stub = {r["exercise"]: r for r in rows if r["student_id"] == "stub"}
    assert len(ref) == len(stub) == len(catalogue.EXERCISES) == 68
    assert all(r["diagnosis"] == "ok" and r["score"] == r["max_score"] for r in ref.values())
    assert all(r["diagnosis"] == "not_implemented" and float(r["score"]) == 0 for r in stub.values())


FLIP = '''

def _flip(value):
    if isinstance(value, dict):
        return {k: _flip(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_flip(v) for v in value)
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    return -value


_reference_NAME = NAME


def NAME(*args, **kwargs):
    return _flip(_reference_NAME(*args, **kwargs))
'''


@pytest.mark.slow
def test_one_mistake_costs_that_exercise_and_names_it_in_its_callers(course, tmp_path):
    """68 learners, one per graded function, each the reference with that result negated (a sign slip)."""
    from grader import samples

    def slips(a, student, source):
        for name in catalogue.ASSIGNMENTS[a]:
            code = samples.strip_solution_markers(cell(source, f"{name}_solution").source)
            yield name, samples.submission(student, source, {name: code + FLIP.replace("NAME", name)})

    rows = _grade_class(course, tmp_path, slips)
    for name in catalogue.EXERCISES:
        mine = {r["exercise"]: r for r in rows if r["student_id"] == name}
        assert float(mine[name]["score"]) == 0, name
        assert mine[name]["diagnosis"] in ("sign_flipped", "wrong_value"), (name, mine[name])
        for other, r in mine.items():
            if other != name and r["diagnosis"] != "ok":
                assert f"`{name}`" in r["message"], (name, other, r["message"])
