"""`nbgrader autograde` with the scores of the catalogue's test cells from our sandboxed grader.

Why. nbgrader scores a test cell by what the notebook's kernel printed in it, and its hidden test
runs in that kernel after the learner's own cells: a learner who rebinds what the hidden test looks
up (`grader.notebook.full_check`, `grader.check.check`, numpy, builtins …) gets any score they
like. So under `nbgrader autograde` the verdict of every catalogue test cell (grade_id
`test_<exercise>`) comes from outside that kernel, from the grader `backprop-course grade` runs.

How. Two preprocessors in nbgrader's autograde list (`autograde_preprocessors` of its Autograde
converter; the nbgrader_config.py written by release registers them, nbgrader's own stay in their
order):

- GradeInSandbox, before Execute: grades the submitted file, DIR/submitted/<student>/<a>/<nb>.ipynb,
  with grade.make_plan and grade.grade_submission (locked cells restored from DIR/source, the
  learner's cells run in the sandbox, judged on this side) and keeps the verdicts in nbgrader's
  `resources`. It runs before the learner's code runs in nbgrader's kernel, so that code (which has
  the instructor's permissions) cannot rewrite the files this grading reads first.
- ApplySandboxVerdicts, after nbgrader has executed the notebook and before SaveAutoGrades: sets
  the outputs of each catalogue test cell to one stdout line when our verdict is ok, or to one
  error carrying our message when it is not. SaveAutoGrades then records our score through
  nbgrader's own rule (an error output scores 0, a clean one full points). Every other cell keeps
  what the kernel left in it.

Fail loudly, never trust the kernel instead: if the grader cannot grade (the sandbox does not
start, the source notebook is unreadable, the reference itself does not pass here) the
preprocessor raises, nbgrader reports the submission as failed and records no score for it.
"""
import atexit
import threading
from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import determine_grade

from . import catalogue, discover, grade, sandbox
from .autograded import verdict_outputs
from .judge.diagnose import PASSED

RESOURCES_KEY = "backprop_course"
PROBE_STUDENT = "backprop-course-reference"

# One plan (source cells, cases) and one check of the sandbox per course and assignment and
# source notebook version, for the life of the nbgrader process (it autogrades a whole class).
_plans = {}
_lock = threading.Lock()
_warm = []  # one warm sandbox for the nbgrader process, started at its first submission
_warm_lock = threading.Lock()  # a Zygote grades one submission at a time


def _grade(sub, plan):
    """grade.grade_submission in this process's warm sandbox (nbgrader autogrades one submission
    after another: a fresh bubblewrap and interpreter for each would cost a quarter second)."""
    with _warm_lock:
        if not _warm:
            _warm.append(sandbox.Zygote())
            atexit.register(_warm[0].close)
        return grade.grade_submission(sub, plan, runner=_warm[0])


class SandboxUnusable(RuntimeError):
    """The sandboxed grader cannot grade here; nbgrader must not fall back on the kernel."""


def _course_root(preprocessor):
    """The course directory nbgrader is working in: its converter's, else the configuration's."""
    from nbgrader.coursedir import CourseDirectory
    parent = preprocessor.parent
    while parent is not None:
        coursedir = getattr(parent, "coursedir", None)
        if isinstance(coursedir, CourseDirectory):
            return coursedir
        parent = getattr(parent, "parent", None)
    return CourseDirectory(config=preprocessor.config)


def _plan(root, assignment):
    """grade.make_plan for (root, assignment), checked once: the source notebook itself, graded as
    a submission, must get every point, or the sandbox does not work here."""
    source = grade.source_path(Path(root), assignment)
    try:
        stat = source.stat()
        version = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        version = None
    key = (str(root), assignment)
    with _lock:
        cached = _plans.get(key)
        if cached and cached[0] == version:
            return cached[1]
        plan = grade.make_plan(Path(root), assignment)  # CommandError when the source is unreadable
        probe = _grade(discover.Submission(PROBE_STUDENT, assignment, source), plan)
        wrong = [r for r in probe.results if r.diagnosis != "ok" and r.exercise in plan.infos]
        if wrong or probe.notes:
            why = "; ".join([*probe.notes, *(f"{r.exercise} [{r.diagnosis}]: {r.message}" for r in wrong[:3])])
            raise SandboxUnusable(f"backprop-course cannot grade {assignment} here: its sandbox does not give "
                                  f"the reference solution ({source}) full marks ({why[:600]}). No score is "
                                  "taken from the notebook's kernel instead; fix the grader's environment "
                                  "(try `backprop-course grade`) and autograde again")
        _plans[key] = (version, plan)
        return plan


def _catalogue_cells(nb, assignment, root):
    """{grade_id: exercise} of the test cells of assignment present in nb that the course's
    catalogue diagnoses (the package's checks and the course's own)."""
    wanted = {f"test_{name}": name for name in catalogue.for_course(root).names(assignment)}
    found = {}
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in wanted:
            found[grade_id] = wanted[grade_id]
    return found


class GradeInSandbox(NbGraderPreprocessor):
    """Grade the submitted notebook with backprop-course's sandboxed grader (before Execute)."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        info = resources.get("nbgrader", {})
        student, assignment, notebook = info.get("student"), info.get("assignment"), info.get("notebook")
        resources.pop(RESOURCES_KEY, None)
        coursedir = _course_root(self)
        root = Path(coursedir.root)
        if not _catalogue_cells(nb, assignment, root):
            return nb, resources  # no exercise the grader diagnoses: nbgrader alone grades it
        path = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment)) / f"{notebook}.ipynb"
        try:
            plan = _plan(root, assignment)
        except SandboxUnusable:
            raise
        except Exception as exc:  # CommandError (no or unreadable source notebook) and the like
            raise SandboxUnusable(f"backprop-course cannot grade {assignment} in {root}: {exc}") from exc
        try:  # it raises only when the grader itself failed (SandboxFailure), never for the notebook
            graded = _grade(discover.Submission(student, assignment, path), plan)
        except Exception as exc:
            raise SandboxUnusable(f"backprop-course could not grade {path}: {type(exc).__name__}: {exc}") from exc
        failed = [n for n in graded.notes if n.startswith("grading failed")]
        if failed:  # the grader broke, not the notebook: say so instead of scoring 0 or trusting the kernel
            raise SandboxUnusable(f"backprop-course could not grade {path}: {failed[0]}")
        resources[RESOURCES_KEY] = {
            "student": student, "assignment": assignment, "notebook": notebook,
            "results": {r.exercise: r for r in graded.results},
        }
        self.log.info("backprop-course graded %s outside the kernel: %g / %g%s", path, graded.score,
                      graded.max_score, " [tampered]" if graded.tampering else "")
        return nb, resources


class ApplySandboxVerdicts(NbGraderPreprocessor):
    """Replace the outputs of the catalogue test cells with our verdicts (before SaveAutoGrades)."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        info = resources.get("nbgrader", {})
        assignment = info.get("assignment")
        cells = _catalogue_cells(nb, assignment, Path(_course_root(self).root))
        if not cells:
            return nb, resources
        verdicts = resources.get(RESOURCES_KEY)
        expected = {k: info.get(k) for k in ("student", "assignment", "notebook")}
        if not verdicts or {k: verdicts.get(k) for k in expected} != expected:
            raise SandboxUnusable(
                "no backprop-course verdicts for this notebook: GradeInSandbox must run before nbgrader's "
                "Execute (see c.Autograde.autograde_preprocessors in nbgrader_config.py)")
        results = verdicts["results"]  # the package's and the course's diagnosed exercises only
        for cell in nb.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            name = cells.get(grade_id)
            if name is None or cell.get("cell_type") != "code":
                continue
            result = results[name]
            passed = result.diagnosis in PASSED and result.score == result.max_score
            kernel, _ = determine_grade(cell, self.log)  # what nbgrader would have recorded
            if kernel != (result.max_score if passed else 0):
                self.log.warning("%s %s %s: the notebook's kernel gave %s point(s), the sandboxed grader %g "
                                 "[%s]: recording the grader's", info.get("student"), assignment, grade_id,
                                 kernel, result.score, result.diagnosis)
            cell.outputs = verdict_outputs(result, grade_id)
        return nb, resources

