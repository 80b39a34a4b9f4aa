"""The course's nbgrader_config.py: written for a new course, merged into an existing one.

A new course gets a complete file. An existing file is the instructor's: release reads it as
nbgrader does, and appends, in a block of its own at the end, only the settings the package needs
that the file does not set (the autograde preprocessors that take the catalogue's test-cell scores
from the sandbox, and a cell timeout long enough for the hidden tests). Nothing else is touched:
course id, database, exchange, plugins, preprocessors of the instructor's own. A setting the file
makes differently from what the package would (say its own autograde_preprocessors) is kept, with
a warning saying what it costs.
"""
from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CommandError

if TYPE_CHECKING:
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

CONFIG_FILE = "nbgrader_config.py"
LOCAL_CONFIG_FILE = "nbgrader_config_local.py"  # loaded by the files older releases wrote
COURSE_ID = "backprop-course"
MERGED = "# --- added by `backprop-course release`"

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
CARRY_FORWARD, STRICT = "carry_forward", "strict"
POLICIES = (CARRY_FORWARD, STRICT)
OURS = (AUTOGRADE_PREPROCESSORS[0], AUTOGRADE_PREPROCESSORS[5])
EXECUTE_TIMEOUT = 300

_PREPROCESSOR_LINES = "\n".join(f'    "{name}",' for name in AUTOGRADE_PREPROCESSORS)
_NEEDED = {
    ("Execute", "timeout"): f"""# autograde: the hidden tests run every seeded case of an exercise; give them time.
c.Execute.timeout = {EXECUTE_TIMEOUT}
""",
    ("Autograde", "autograde_preprocessors"): f"""# autograde: the score of every test cell of the package's exercises comes from backprop-course's
# sandboxed grader, not from the notebook's kernel, where the learner's cells run first and could
# rebind what the hidden tests call (grader/autograde_verdicts.py says how). nbgrader's own
# preprocessors, in nbgrader 0.9's order, with ours before Execute and before SaveAutoGrades.
c.Autograde.autograde_preprocessors = [
{_PREPROCESSOR_LINES}
]
""",
}

NEW_COURSE = f'''# nbgrader's configuration of this course, first written by `backprop-course release`.
# It is yours: release never rewrites it; it only appends a setting the package needs if the
# file lacks it, and says so.
#
# The notebooks' hidden tests import the package `grader`: run nbgrader from the Python
# environment where backprop-course is installed.
import os

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "{COURSE_ID}"

{_NEEDED[("Execute", "timeout")]}
{_NEEDED[("Autograde", "autograde_preprocessors")]}
# Grading policy: "{CARRY_FORWARD}" (the default) keeps the points of an exercise that is wrong only
# because a function it calls is wrong (error carried forward: each mistake costs once); "{STRICT}"
# gives such an exercise 0 too. `backprop-course grade --policy` overrides it for one run.
# c.BackpropCourse.policy = "{STRICT}"
'''


def load_config(root: str | Path) -> Config:
    """The configuration nbgrader itself reads from root/nbgrader_config.py (empty when absent);
    CommandError when the file cannot be run."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader
    if not (Path(root) / CONFIG_FILE).is_file():
        return Config()
    try:
        return PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    except Exception as exc:
        raise CommandError(f"cannot read {Path(root) / CONFIG_FILE}: {type(exc).__name__}: {exc}") from None


def policy(root: str | Path) -> str:
    """The course's grading policy, `c.BackpropCourse.policy` in its nbgrader_config.py: carry_forward
    (the default: an exercise wrong only because a function it calls is wrong keeps its points) or
    strict (it gets 0 with the callee). CommandError for any other value."""
    config = load_config(root)
    value = config["BackpropCourse"].get("policy", CARRY_FORWARD) if "BackpropCourse" in config else CARRY_FORWARD
    if value not in POLICIES:
        raise CommandError(f"{Path(root) / CONFIG_FILE}: c.BackpropCourse.policy is {value!r}; "
                           f"it must be one of {', '.join(map(repr, POLICIES))}")
    return value


def course_directory(root: str | Path) -> CourseDirectory:
    """nbgrader's CourseDirectory of the course at root, configured from its nbgrader_config.py
    (whatever root the file names, the course is the one at root)."""
    from nbgrader.coursedir import CourseDirectory
    config = load_config(root)
    config.CourseDirectory.root = str(Path(root).resolve())
    return CourseDirectory(config=config)


def configured_root(folder: str | Path) -> tuple[Path, Path | None]:
    """(the course directory nbgrader takes when run in folder, the nbgrader_config.py that names it):
    CourseDirectory.root as nbgrader's own search sets it (the nbgrader_config.py of each folder of
    the Jupyter config path, then folder's own, which wins), else (folder, None). A relative root is
    taken from folder, as nbgrader takes it from the current directory."""
    from jupyter_core.paths import jupyter_config_path
    folder = Path(folder).resolve()
    root, named_by = folder, None
    for directory in [*reversed(jupyter_config_path()), str(folder)]:
        config = load_config(directory)
        if "CourseDirectory" in config and "root" in config.CourseDirectory:
            root, named_by = (folder / config.CourseDirectory.root).resolve(), Path(directory) / CONFIG_FILE
    return root, named_by


def db_url(root: str | Path) -> str:
    """The gradebook database the course uses: its configured CourseDirectory.db_url, else
    nbgrader's default, gradebook.db in the course directory."""
    return course_directory(root).db_url


def missing_database(root: str | Path) -> str | None:
    """The path of the course's SQLite gradebook when that file does not exist yet, else None (it
    exists, or the database is a server's)."""
    from sqlalchemy.engine import make_url
    url = make_url(db_url(root))
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).is_file():
        return url.database
    return None


def open_gradebook(root: str | Path, db_url: str | None = None):
    """nbgrader's Gradebook of the course at root, as nbgrader's own commands open it (its
    configured database and course id); db_url: another database, with the same course id."""
    from nbgrader.api import Gradebook
    coursedir = course_directory(root)
    return Gradebook(db_url or coursedir.db_url, course_id=coursedir.course_id)


def merged(root: str | Path) -> tuple[str, list[str], list[str]]:
    """(the text release installs as root/nbgrader_config.py, the settings it adds to an existing
    file, warnings)."""
    path = Path(root) / CONFIG_FILE
    if not path.is_file():
        return NEW_COURSE, [], []
    text = path.read_text(encoding="utf-8")
    config = load_config(root)
    added, blocks, warnings = [], [], []
    for (section, name), block in _NEEDED.items():
        if name not in config.get(section, {}):
            added.append(f"{section}.{name}")
            blocks.append(block)
    configured = config.get("Autograde", {}).get("autograde_preprocessors")
    if configured is not None and not all(name in map(str, configured) for name in OURS):
        warnings.append(f"{path} sets Autograde.autograde_preprocessors without "
                        f"{' and '.join(OURS)}: under `nbgrader autograde` the scores of the package's test "
                        "cells then come from the notebook's kernel, which the learner's code controls "
                        "(`backprop-course grade` is not affected)")
    if not blocks:
        return text, [], warnings
    stamp = datetime.date.today().isoformat()
    return (text.rstrip("\n") + f"\n\n\n{MERGED} on {stamp}: settings the course needs that this file "
            "did not set ---\nc = get_config()  # noqa: F821\n\n" + "\n".join(blocks)), added, warnings
