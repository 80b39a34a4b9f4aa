"""Release, nbgrader stage: the course's nbgrader_config.py and nbgrader's own generate_assignment.

nbgrader builds the student version (stubs for solutions, hidden tests removed, cells locked,
checksums) and records the assignment, its notebooks and its grade cells in gradebook.db. We only
drive it through its API, so `nbgrader generate_assignment` run by hand in the course directory
gives the same result.
"""
from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CommandError

if TYPE_CHECKING:
    from traitlets.config import Config

COURSE_ID = "backprop-course"
CONFIG_FILE = "nbgrader_config.py"
LOCAL_CONFIG_FILE = "nbgrader_config_local.py"
MARKER = "# Written by `backprop-course release`"

# nbgrader 0.9's Autograde.autograde_preprocessors, with ours (grader.autograde_verdicts) inserted:
# one grades the submission before nbgrader's kernel runs it, one sets the test cells' outputs from
# those verdicts before SaveAutoGrades reads them. Names, not classes: a config file that fails to
# import is skipped by nbgrader, which would then trust the kernel again.
AUTOGRADE_PREPROCESSORS = (
    "grader.autograde_verdicts.GradeInSandbox",
    "nbgrader.preprocessors.Execute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "grader.autograde_verdicts.ApplySandboxVerdicts",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
)
AUTOGRADE_LINES = "\n".join(f'    "{name}",' for name in AUTOGRADE_PREPROCESSORS)

CONFIG = f'''{MARKER}; rewritten on every release.
# Put settings of your own in {LOCAL_CONFIG_FILE} next to this file: it is loaded last.
#
# Assignments of this course: 01_derivatives, 02_regression, 03_classification,
# 04_worked_example, 05_training, 06_vectorized (one notebook each, same name).
# The notebooks' hidden tests import the package `grader`: run nbgrader from the Python
# environment where backprop-course is installed.
import os

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "{COURSE_ID}"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")

# Student versions: the solution region becomes this stub; the release gate checks that the
# student notebooks fail only with NotImplementedError.
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}

# autograde: the hidden tests run every seeded case of an exercise; give them time.
c.Execute.timeout = 300

# autograde: the score of every test cell of the course comes from backprop-course's sandboxed
# grader, not from the notebook's kernel, where the learner's cells run first and could rebind
# what the hidden tests call (grader/autograde_verdicts.py says how). nbgrader's own
# preprocessors, in nbgrader 0.9's order, with ours before Execute and before SaveAutoGrades.
c.Autograde.autograde_preprocessors = [
{AUTOGRADE_LINES}
]

load_subconfig("{LOCAL_CONFIG_FILE}")  # noqa: F821 (silently skipped when absent)
'''


def write_config(root: str | Path) -> Path:
    """Write root/nbgrader_config.py; return its path."""
    path = Path(root) / CONFIG_FILE
    path.write_text(CONFIG, encoding="utf-8")
    return path


def is_ours(path: str | Path) -> bool:
    """Whether an existing nbgrader_config.py was written by release (so it may be replaced)."""
    return Path(path).read_text(encoding="utf-8", errors="replace").startswith(MARKER)


def load_config(root: str | Path) -> Config:
    """The configuration nbgrader itself reads from root/nbgrader_config.py."""
    from traitlets.config.loader import PyFileConfigLoader
    return PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()


@contextmanager
def _alembic_on_path():
    """nbgrader's Gradebook runs the `alembic` script when it creates a database; make sure the
    one installed next to this Python is found even when its environment is not activated."""
    scripts = str(Path(sys.executable).parent)
    old = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([scripts, old]) if old else scripts
    try:
        yield
    finally:
        os.environ["PATH"] = old


_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b.*")


def _reason(result):
    """nbgrader's own words for a failure: the first exception line of its log, else its last error."""
    lines = [line.strip() for text in (result.get("log"), result.get("error")) if text
             for line in text.splitlines() if line.strip()]
    causes = [line for line in lines if _EXCEPTION_LINE.match(line)
              and "Please see the the above traceback" not in line]
    errors = [line for line in lines if line.startswith("[ERROR]")]
    return (causes or errors or lines or ["no message"])[0 if causes else -1]


def generate(root: str | Path, assignment: str) -> Path:
    """Run nbgrader's generate_assignment for one assignment in course directory root.

    Writes root/release/<assignment>/ and updates root/gradebook.db; raises CommandError with
    nbgrader's message when it fails.
    """
    from nbgrader.apps import NbGraderAPI
    with _alembic_on_path():
        api = NbGraderAPI(config=load_config(root))
        result = api.generate_assignment(assignment, force=True, create=True)
    if not result.get("success"):
        raise CommandError(f"nbgrader generate_assignment {assignment} failed: {_reason(result)}")
    notebook = Path(root) / "release" / assignment / f"{assignment}.ipynb"
    if not notebook.is_file():
        raise CommandError(f"nbgrader generate_assignment {assignment} wrote no {notebook.name}")
    return notebook
