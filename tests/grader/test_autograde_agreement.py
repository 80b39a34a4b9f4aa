"""Our grader and nbgrader agree on a mixed class, and grader.sample_class builds that class.

Quick tests (no kernel): make_class is deterministic, covers the four kinds, writes what each kind
promises, is fast; every plausible mistake of exercises/<a>/mistakes.py is wrong on the grader's cases.

Slow test (real kernels): release all six assignments, hand in a mixed class, grade it with
`backprop-course grade --jobs 2` in one copy of the course and with `nbgrader autograde` in
two others (two assignments at a time, each copy its own gradebook), then compare the totals per (student, assignment) — and per test cell — between our
grades.csv and nbgrader's gradebook, and check that `nbgrader export` run in our course lists our
totals. The seconds per notebook of both are written to the terminal.
"""
import contextlib
import copy
import csv
import io
import os
import shutil
import subprocess
import sys
import threading
import time
import types
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

import grader
from exercises import ASSIGNMENTS
from grader import catalogue, samples
from grader.check import check
from grader.source_notebook import build
from grader.sample_class import KINDS, MAX_MISTAKES, kinds, make_class

MISTAKES = samples.mistakes()
from grader.samples import strip_solution_markers

REPO = Path(grader.__file__).resolve().parent.parent
CLASS_SIZE = 18  # three students, each with all six assignments
SEED = 0


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def solution_cells(nb):
    return {c.metadata.nbgrader.grade_id.removesuffix("_solution"): c.source for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def report(request, line):
    """A line on the terminal whether or not pytest captures output (-s or not)."""
    terminal = request.config.pluginmanager.getplugin("terminalreporter")
    if terminal is not None:
        terminal.write_line(line)
    else:
        print(line)


# --- make_class on a course laid out without kernels -------------------------------------------

@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    """source/ and release/ as release makes them: nbgrader's ClearSolutions gives the stubs."""
    from nbgrader.preprocessors import ClearSolutions
    root = tmp_path_factory.mktemp("layout")
    for a in ASSIGNMENTS:
        nb = build(a)
        for side in ("source", "release"):
            (root / side / a).mkdir(parents=True)
        nbformat.write(nb, root / "source" / a / f"{a}.ipynb")
        student, _ = ClearSolutions().preprocess(copy.deepcopy(nb), {})
        nbformat.write(student, root / "release" / a / f"{a}.ipynb")
    return root


def fresh(layout, tmp_path, name):
    course = tmp_path / name
    shutil.copytree(layout, course)
    return course


def test_make_class_is_deterministic(layout, tmp_path):
    one, two, other = (fresh(layout, tmp_path, name) for name in ("one", "two", "other"))
    roster = make_class(one, 40, seed=3)
    assert make_class(two, 40, seed=3) == roster
    assert snapshot(one / "submitted") == snapshot(two / "submitted")
    assert len(snapshot(one / "submitted")) == 40
    # a smaller class is a prefix of a larger one, byte for byte
    assert make_class(other, 13, seed=3) == roster[:13]
    small = snapshot(other / "submitted")
    assert small == {k: v for k, v in snapshot(one / "submitted").items() if k in small}
    assert [k for _, _, k in make_class(fresh(layout, tmp_path, "seed4"), 40, seed=4)] != [k for _, _, k in roster]


def test_make_class_covers_every_kind_and_assignment(layout, tmp_path):
    roster = make_class(fresh(layout, tmp_path, "c"), 12)
    assert {k for _, _, k in roster} == set(KINDS)
    assert Counter(a for _, a, _ in roster) == {a: 2 for a in ASSIGNMENTS}
    assert [s for s, _, _ in roster] == ["s0000"] * 6 + ["s0001"] * 6
    for n in range(4, 41):
        ks = kinds(n, seed=n)
        assert all(sorted(ks[i:i + 4]) == sorted(KINDS) for i in range(0, n - 3, 4))
    only = make_class(fresh(layout, tmp_path, "d"), 8, seed=1, assignments=["05_training", "02_regression"])
    assert [a for _, a, _ in only] == ["02_regression", "05_training"] * 4
    with pytest.raises(ValueError, match="07_nonsense"):
        make_class(fresh(layout, tmp_path, "e"), 4, assignments=["07_nonsense"])


def test_each_kind_writes_what_it_promises(layout, tmp_path):
    course = fresh(layout, tmp_path, "c")
    roster = make_class(course, 48, seed=7)
    for student, a, kind in roster:
        path = course / "submitted" / student / a / f"{a}.ipynb"
        release_path = course / "release" / a / f"{a}.ipynb"
        if kind == "stub":
            assert path.read_bytes() == release_path.read_bytes()
            continue
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        got = solution_cells(nb)
        stub = solution_cells(nbformat.read(release_path, as_version=4))
        reference = {n: strip_solution_markers(s)
                     for n, s in solution_cells(nbformat.read(course / "source" / a / f"{a}.ipynb", as_version=4)).items()}
        assert set(got) == set(catalogue.ASSIGNMENTS[a])
        assert "BEGIN SOLUTION" not in path.read_text(encoding="utf-8")
        solved = {n for n in got if got[n] == reference[n]}
        stubs = {n for n in got if got[n] == stub[n]}
        mistaken = {n for n in got if n in MISTAKES and got[n] == MISTAKES[n].rstrip("\n")}
        assert solved | stubs | mistaken == set(got), (student, a, kind)
        if kind == "reference":
            assert solved == set(got)
            filled = samples.submission(nbformat.read(release_path, as_version=4),
                                        nbformat.read(course / "source" / a / f"{a}.ipynb", as_version=4))
            assert path.read_text(encoding="utf-8") == nbformat.writes(filled) + "\n"
        elif kind == "wrong":
            assert 1 <= len(mistaken) <= MAX_MISTAKES and solved == set(got) - mistaken, (student, a)
        elif kind == "partial":
            assert stubs and solved and solved | stubs == set(got), (student, a)


def test_a_thousand_submissions_take_seconds(layout, tmp_path):
    course = fresh(layout, tmp_path, "big")
    start = time.monotonic()
    roster = make_class(course, 1000, seed=0)
    seconds = time.monotonic() - start
    assert len(roster) == 1000 == len(list((course / "submitted").glob("*/*/*.ipynb")))
    assert seconds < 20, f"make_class took {seconds:.1f} s for 1,000 submissions"


# --- the mistakes are real mistakes --------------------------------------------------------

def test_mistakes_cover_every_assignment():
    assert set(MISTAKES) <= set(catalogue.EXERCISES)
    for a, names in catalogue.ASSIGNMENTS.items():
        assert sum(n in MISTAKES for n in names) >= 4, a
    for name, code in MISTAKES.items():
        compile(code, name, "exec")
        assert code.startswith(f"def {name}("), name
        assert "NotImplementedError" not in code and "import" not in code, name


def _reference_namespace(assignment):
    """Globals of the source notebook after its locked cells and reference solutions, in order."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fake = types.ModuleType("backprop_selfcheck")
    fake.check = fake.check_all = lambda *args, **kwargs: None
    namespace = {}
    nb = build(assignment)
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(io.StringIO()):
        mp.setitem(sys.modules, "backprop_selfcheck", fake)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or meta.get("grade") or not (meta.get("locked") or meta.get("solution")):
                continue
            exec(compile(strip_solution_markers(cell.source), meta["grade_id"], "exec"), namespace)
    plt.close("all")
    return namespace


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_every_mistake_is_wrong_on_the_grader_cases(assignment):
    """Each mistake alone — every other function the reference — fails the grader's check,
    without a warning (nbgrader would score a test cell that writes to stderr 0 even if right)."""
    import warnings
    namespace = _reference_namespace(assignment)
    for name in [n for n in catalogue.ASSIGNMENTS[assignment] if n in MISTAKES]:
        assert check(name, namespace[name]).diagnosis == "ok", f"reference {name}"
        mine = dict(namespace)
        exec(compile(MISTAKES[name], name, "exec"), mine)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            outcome = check(name, mine[name])
        assert outcome.diagnosis not in ("ok", "error", "missing", "not_implemented"), (name, outcome)
        assert not caught, (name, [str(w.message) for w in caught])


# --- agreement with nbgrader autograde (real kernels) ----------------------------------------

def nbgrader_env():
    """How an instructor runs nbgrader: this Python's scripts on PATH, `grader` importable."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def nbgrader(args, cwd, timeout=600):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=nbgrader_env(),
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"nbgrader {' '.join(args)}: " + done.stdout[-2000:] + done.stderr[-3000:]
    return done


def autograde_all(copies):
    """nbgrader autograde every assignment, two at a time: each of the two workers owns one copy
    of the course (its own gradebook.db) and takes the next assignment when it is free.
    Returns {assignment: (copy that graded it, seconds)}."""
    todo = list(ASSIGNMENTS)
    lock = threading.Lock()
    done = {}

    def work(copy_dir):
        while True:
            with lock:
                if not todo:
                    return
                a = todo.pop(0)
            start = time.monotonic()
            nbgrader(["autograde", a, "--force"], copy_dir)
            done[a] = (copy_dir, time.monotonic() - start)

    with ThreadPoolExecutor(max_workers=len(copies)) as pool:
        list(pool.map(work, copies))
    return done


@pytest.fixture(scope="module")
def graded(released_all, tmp_path_factory, request):
    """One class graded both ways: ours in course/, nbgrader autograde in two other copies."""
    from grader.grade import grade
    base = tmp_path_factory.mktemp("agreement")
    ours = base / "course"
    shutil.copytree(released_all["root"], ours)
    roster = make_class(ours, CLASS_SIZE, seed=SEED)
    serial, copies = base / "serial", [base / f"nbgrader-{i}" for i in (1, 2)]
    for c in (serial, *copies):  # before grading: no shared gradebook writes
        shutil.copytree(ours, c)

    start = time.monotonic()
    assert grade(serial, jobs=1, quiet=True).graded == len(roster)
    our_serial = time.monotonic() - start
    start = time.monotonic()
    summary = grade(ours, jobs=2, quiet=True)  # what `backprop-course grade --jobs 2` runs
    our_seconds = time.monotonic() - start
    assert summary.graded == len(roster)

    start = time.monotonic()
    autograded = autograde_all(copies)
    their_seconds = time.monotonic() - start

    with open(ours / "grades.csv", newline="", encoding="utf-8") as f:
        our_rows = list(csv.DictReader(f))
    with open(ours / "exercise_scores.csv", newline="", encoding="utf-8") as f:
        our_exercises = list(csv.DictReader(f))
    nbgrader(["export", "--to", str(base / "export.csv")], ours)
    with open(base / "export.csv", newline="", encoding="utf-8") as f:
        exported = list(csv.DictReader(f))

    n = len(roster)
    their_serial = sum(seconds for _, seconds in autograded.values())
    kinds_line = ", ".join(f"{c} {k}" for k, c in sorted(Counter(k for _, _, k in roster).items()))
    report(request, "")
    report(request, f"autograde agreement: {n} notebooks ({kinds_line}), 6 assignments, 2 at a time both ways")
    report(request, f"  backprop-course grade --jobs 2:   {our_seconds:6.1f} s wall, {our_seconds / n:.2f} s per notebook "
                    f"({our_serial / n:.2f} s per notebook with --jobs 1)")
    report(request, f"  nbgrader autograde, 2 processes: {their_seconds:6.1f} s wall, {their_seconds / n:.2f} s per notebook "
                    f"({their_serial / n:.2f} s per notebook summed over the autograde runs)")
    return {"ours": ours, "autograded": autograded, "roster": roster, "our_rows": our_rows,
            "our_exercises": our_exercises, "exported": exported}


def _nbgrader_scores(autograded):
    """{(student, assignment): (total, max, {test cell: score})} from the gradebook of the copy
    in which nbgrader autograded that assignment."""
    from nbgrader.api import Gradebook
    out = {}
    for a, (course, _) in sorted(autograded.items()):
        with Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
            for submission in gb.assignment_submissions(a):
                cells = {g.name: g.score for nb in submission.notebooks for g in nb.grades}
                out[(submission.student_id, a)] = (submission.score, submission.max_score, cells)
    return out


def _diff_report(graded, keys, theirs):
    """Per differing submission: kind, and the test cells where the two disagree."""
    kind = {(s, a): k for s, a, k in graded["roster"]}
    ours = {(r["student_id"], r["assignment"], f"test_{r['exercise']}"): r for r in graded["our_exercises"]}
    lines = []
    for key in keys:
        lines.append(f"{key} ({kind.get(key)}):")
        for cell, score in sorted(theirs[key][2].items()):
            mine = ours.get((*key, cell))
            if mine is None or float(mine["score"]) != score:
                lines.append(f"   {cell}: nbgrader {score}, ours {mine and mine['score']} "
                             f"[{mine and mine['diagnosis']}] {mine and mine['message'][:120]}")
    return "\n".join(lines)


@pytest.mark.slow
def test_the_class_is_mixed(graded):
    roster = graded["roster"]
    assert len(roster) >= 12
    assert {k for _, _, k in roster} == set(KINDS)
    assert {a for _, a, _ in roster} == set(ASSIGNMENTS)
    totals = {(r["student_id"], r["assignment"]): (float(r["score"]), float(r["max_score"]))
              for r in graded["our_rows"]}
    kind = {(s, a): k for s, a, k in roster}
    for key, (score, out_of) in totals.items():
        expected = {"reference": score == out_of, "stub": score == 0, "wrong": 0 <= score < out_of,
                    "partial": 0 <= score < out_of}
        assert expected[kind[key]], (key, kind[key], score, out_of)


@pytest.mark.slow
def test_totals_agree_with_nbgrader_autograde(graded):
    ours = {(r["student_id"], r["assignment"]): (float(r["score"]), float(r["max_score"]))
            for r in graded["our_rows"]}
    theirs = _nbgrader_scores(graded["autograded"])
    assert set(ours) == {(s, a) for s, a, _ in graded["roster"]}
    assert set(theirs) == set(ours)
    differ = sorted(k for k in ours if ours[k] != theirs[k][:2])
    assert not differ, "totals differ:\n" + _diff_report(graded, differ, theirs)


@pytest.mark.slow
def test_every_test_cell_agrees_with_nbgrader_autograde(graded):
    theirs = _nbgrader_scores(graded["autograded"])
    ours = {}
    for r in graded["our_exercises"]:
        ours.setdefault((r["student_id"], r["assignment"]), {})[f"test_{r['exercise']}"] = float(r["score"])
    differ = sorted(k for k in ours if ours[k] != theirs[k][2])
    assert not differ, "test cells differ:\n" + _diff_report(graded, differ, theirs)


@pytest.mark.slow
def test_nbgrader_export_lists_our_totals(graded):
    ours = {(r["student_id"], r["assignment"]): (float(r["score"]), float(r["max_score"]))
            for r in graded["our_rows"]}
    exported = {(r["student_id"], r["assignment"]): (float(r["score"]), float(r["max_score"]))
                for r in graded["exported"]}
    assert exported == ours
