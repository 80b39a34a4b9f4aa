"""`nbgrader autograde` takes the scores of the catalogue's test cells from the sandboxed grader.

The hidden tests run in nbgrader's kernel after the learner's cells, so those cells can rebind
what the tests call. The nbgrader_config.py written by release adds grader.autograde_verdicts to
nbgrader's autograde preprocessors; this module checks that it closes the hole.

One course (01_derivatives), a copy of the folder's one release, and four learners:

- `ref`: the reference solution;
- `patched`: the student version (stubs) with, in its first solution cell, the three lines that
  rebind the hidden test and the public self-check in the kernel;
- `variant`: stubs, with grader.check.check, grader.judge.diagnose.judge and numpy.allclose rebound;
- `slip`: the reference with one known mistake, hidden in the kernel by the same three lines.

`nbgrader autograde` grades them, then `backprop-course grade` grades the same submissions in the
same course (after nbgrader's scores have been read: both write the gradebook). Checked: the
attacks did pass the hidden tests in the kernel (nbgrader's log says where the kernel and the grader
disagreed), yet nbgrader recorded 0 on every catalogue cell of the stubs, full marks for the
reference and all but the mistaken cell for `slip`; and both commands give the same score per test
cell. The quick tests (no kernel) check the configuration and that autograde fails loudly, rather
than trusting the kernel, when the sandbox cannot grade.
"""
import csv
import re
import shutil
import sys
import time
import types
from pathlib import Path

import nbformat
import pytest

from grader import autograde_verdicts, catalogue, samples
from grader.source_notebook import build
from grader.course_config import AUTOGRADE_PREPROCESSORS, CONFIG_FILE, load_config, merged

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "grader"))
from test_autograde_agreement import _nbgrader_scores, nbgrader, report  # noqa: E402

A = "01_derivatives"
NAMES = tuple(catalogue.ASSIGNMENTS[A])
POINTS = {n: float(catalogue.EXERCISES[n].info.points) for n in NAMES}
TOTAL = sum(POINTS.values())
SLIP = "chain_rule"  # a known mistake no other function of the assignment calls: it costs its own cell only

# The three lines: the hidden test's full_check and the public check, rebound in the kernel.
PATCH = """
import grader.notebook, grader.check
grader.notebook.full_check = lambda *a, **k: None
check = lambda *a, **k: None
"""
# grader.check.check (the module's: `grader.check` itself is the function the package exports),
# before grader.notebook imports it; judge; numpy's allclose.
VARIANT = """
import sys, numpy, grader.check, grader.judge.diagnose
_diagnose = sys.modules["grader.judge.diagnose"]
sys.modules["grader.check"].check = lambda name, f, *a, **k: _diagnose.Result(name, 1.0, 1.0, "ok", "")
_diagnose.judge = lambda info, cases, outcomes: _diagnose.Result(info.name, info.points, info.points, "ok", "")
numpy.allclose = lambda *a, **k: True
check = lambda *a, **k: None
"""


def _with_code_in_first_solution(nb, code):
    nb = nbformat.from_dict(nb)
    first = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    first.source = first.source.rstrip("\n") + "\n" + code
    return nb


def _learners(student, source):
    reference = samples.submission(student, source)
    slip = samples.submission(student, source, {SLIP: samples.mistakes(A)[SLIP]})
    return {"ref": reference,
            "patched": _with_code_in_first_solution(student, PATCH),
            "variant": _with_code_in_first_solution(student, VARIANT),
            "slip": _with_code_in_first_solution(slip, PATCH)}


@pytest.fixture(scope="module")
def graded(released_copy, request):
    from grader.grade import grade
    root = released_copy
    student = nbformat.read(root / "release" / A / f"{A}.ipynb", as_version=4)
    source = nbformat.read(root / "source" / A / f"{A}.ipynb", as_version=4)
    learners = _learners(student, source)
    for who, nb in learners.items():
        (root / "submitted" / who / A).mkdir(parents=True)
        nbformat.write(nb, root / "submitted" / who / A / f"{A}.ipynb")

    start = time.monotonic()
    done = nbgrader(["autograde", A, "--force"], root)
    their_seconds = time.monotonic() - start
    theirs = _nbgrader_scores({A: (root, their_seconds)})
    disagreements = [m.groups() for m in re.finditer(
        rf"(\S+) {A} (test_\w+): the notebook's kernel gave ([\d.]+) point\(s\), the sandboxed grader ([\d.]+)",
        done.stdout + done.stderr)]

    start = time.monotonic()
    summary = grade(root, jobs=2, quiet=True)
    our_seconds = time.monotonic() - start
    assert summary.graded == len(learners)
    ours = {}
    with open(root / "exercise_scores.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            ours.setdefault((r["student_id"], r["assignment"]), {})[f"test_{r['exercise']}"] = float(r["score"])
    report(request, "")
    report(request, f"nbgrader path: {len(learners)} notebooks of {A}: nbgrader autograde {their_seconds:.1f} s, "
                    f"backprop-course grade --jobs 2 {our_seconds:.1f} s")
    return {"theirs": theirs, "ours": ours, "disagreements": disagreements, "learners": learners}


@pytest.mark.slow
def test_the_attacks_pass_the_hidden_tests_in_the_kernel(graded):
    """Without our verdicts, nbgrader would have recorded what the kernel said: full marks."""
    kernel_passed = {(who, cell) for who, cell, kernel, ours in graded["disagreements"]
                     if float(kernel) > 0 and float(ours) == 0}
    for who in ("patched", "variant"):
        assert {cell for w, cell in kernel_passed if w == who} == {f"test_{n}" for n in NAMES}, who
    assert {cell for w, cell in kernel_passed if w == "slip"} == {f"test_{SLIP}"}
    assert not [d for d in graded["disagreements"] if d[0] == "ref"]


@pytest.mark.slow
def test_nbgrader_gives_patched_stubs_zero_on_every_catalogue_cell(graded):
    for who in ("patched", "variant"):
        total, out_of, cells = graded["theirs"][(who, A)]
        assert cells == {f"test_{n}": 0.0 for n in NAMES}, who
        assert (total, out_of) == (0, TOTAL), who


@pytest.mark.slow
def test_nbgrader_gives_the_reference_full_marks_and_the_slip_all_but_one(graded):
    total, out_of, cells = graded["theirs"][("ref", A)]
    assert cells == {f"test_{n}": POINTS[n] for n in NAMES}
    assert (total, out_of) == (TOTAL, TOTAL)
    total, _, cells = graded["theirs"][("slip", A)]
    assert cells == {f"test_{n}": 0.0 if n == SLIP else POINTS[n] for n in NAMES}
    assert total == TOTAL - POINTS[SLIP]


@pytest.mark.slow
def test_nbgrader_and_backprop_course_grade_agree_per_cell(graded):
    theirs = {key: cells for key, (_, _, cells) in graded["theirs"].items()}
    assert set(theirs) == {(who, A) for who in graded["learners"]}
    assert theirs == graded["ours"]


# --- no kernel -------------------------------------------------------------------------------

def test_release_config_puts_ours_among_nbgrader_preprocessors(tmp_path):
    from nbgrader.converters.autograde import Autograde
    from traitlets.utils.importstring import import_item
    (tmp_path / CONFIG_FILE).write_text(merged(tmp_path)[0], encoding="utf-8")  # a new course's
    configured = list(load_config(tmp_path).Autograde.autograde_preprocessors)
    assert configured == list(AUTOGRADE_PREPROCESSORS)
    classes = [import_item(name) for name in configured]
    nbgraders_own = Autograde.class_traits()["autograde_preprocessors"].default()
    ours = (autograde_verdicts.GradeInSandbox, autograde_verdicts.ApplySandboxVerdicts)
    assert [c for c in classes if c not in ours] == list(nbgraders_own)
    names = [c.__name__ for c in classes]
    assert names.index("GradeInSandbox") < names.index("Execute")
    assert names.index("Execute") < names.index("ApplySandboxVerdicts") == names.index("SaveAutoGrades") - 1


@pytest.fixture
def bare_course(tmp_path):
    """What the preprocessors read: source/<A>/<A>.ipynb and a submission; the configuration."""
    from traitlets.config import Config
    for folder in ("source", "submitted/ann"):
        (tmp_path / folder / A).mkdir(parents=True)
        nbformat.write(build(A), tmp_path / folder / A / f"{A}.ipynb")
    config = Config({"CourseDirectory": {"root": str(tmp_path)}})
    nb = nbformat.read(tmp_path / "submitted" / "ann" / A / f"{A}.ipynb", as_version=4)
    resources = {"nbgrader": {"student": "ann", "assignment": A, "notebook": A}}
    return types.SimpleNamespace(root=tmp_path, config=config, nb=nb, resources=resources)


def _grades(diagnosis, notes=()):
    results = tuple(types.SimpleNamespace(exercise=n, score=POINTS[n] if diagnosis == "ok" else 0.0,
                                          max_score=POINTS[n], diagnosis=diagnosis, message="m") for n in NAMES)
    return types.SimpleNamespace(results=results, notes=tuple(notes), tampering=(),
                                 score=sum(r.score for r in results), max_score=TOTAL)


def test_autograde_fails_loudly_when_the_sandbox_does_not_grade_the_reference(bare_course, monkeypatch):
    monkeypatch.setattr(autograde_verdicts.grade, "grade_submission", lambda sub, plan, *a, **k: _grades("error"))
    step = autograde_verdicts.GradeInSandbox(config=bare_course.config)
    with pytest.raises(autograde_verdicts.SandboxUnusable, match="reference solution"):
        step.preprocess(bare_course.nb, bare_course.resources)
    assert autograde_verdicts.RESOURCES_KEY not in bare_course.resources


def test_autograde_fails_loudly_when_grading_a_submission_fails(bare_course, monkeypatch):
    def fake(sub, plan, *args, **kwargs):
        return _grades("ok") if sub.student == autograde_verdicts.PROBE_STUDENT else \
            _grades("error", ["grading failed: SandboxFailure: no ready message"])
    monkeypatch.setattr(autograde_verdicts.grade, "grade_submission", fake)
    step = autograde_verdicts.GradeInSandbox(config=bare_course.config)
    with pytest.raises(autograde_verdicts.SandboxUnusable, match="no ready message"):
        step.preprocess(bare_course.nb, bare_course.resources)


def test_verdicts_replace_only_catalogue_test_cells(bare_course, monkeypatch):
    def fake(sub, plan, *args, **kwargs):
        if sub.student == autograde_verdicts.PROBE_STUDENT:
            return _grades("ok")
        assert sub.path == bare_course.root / "submitted" / "ann" / A / f"{A}.ipynb"
        graded = _grades("ok")
        graded.results = (types.SimpleNamespace(exercise=SLIP, score=0.0, max_score=POINTS[SLIP],
                                                diagnosis="sign_flipped", message="The sign is flipped."),
                          *[r for r in graded.results if r.exercise != SLIP])
        return graded
    monkeypatch.setattr(autograde_verdicts.grade, "grade_submission", fake)
    nb, resources = bare_course.nb, bare_course.resources
    autograde_verdicts.GradeInSandbox(config=bare_course.config).preprocess(nb, resources)
    kernel = {"output_type": "error", "ename": "NameError", "evalue": "kernel", "traceback": []}
    for cell in nb.cells:  # as if the kernel had failed every cell
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(kernel)]
    autograde_verdicts.ApplySandboxVerdicts(config=bare_course.config).preprocess(nb, resources)
    from nbgrader.utils import determine_grade
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.cell_type != "code":
            continue
        if grade_id.startswith("test_"):
            name = grade_id.removeprefix("test_")
            assert determine_grade(cell)[0] == (0 if name == SLIP else POINTS[name]), grade_id
            if name == SLIP:
                assert "sign_flipped" in cell.outputs[0]["evalue"]
        else:
            assert cell.outputs[0]["evalue"] == "kernel", grade_id


def test_verdicts_without_grading_refuse(bare_course):
    with pytest.raises(autograde_verdicts.SandboxUnusable, match="GradeInSandbox"):
        autograde_verdicts.ApplySandboxVerdicts(config=bare_course.config).preprocess(
            bare_course.nb, bare_course.resources)
