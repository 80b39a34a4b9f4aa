"""What the source notebooks' hidden tests call: the full check against the reference, under the
course's grading policy."""
import os
from collections.abc import Callable
from pathlib import Path

from . import catalogue, course_config
from .check import check
from .judge.diagnose import PASSED

COURSE_ENV = "BACKPROP_COURSE"  # the course directory, for checks of the course's own and its policy


def _course() -> Path | None:
    """The course this kernel works in: the directory named by $BACKPROP_COURSE, else the nearest
    folder above the working directory with a source/ folder and a checks/ folder or an
    nbgrader_config.py (nbgrader runs a submission in a folder of the course)."""
    named = os.environ.get(COURSE_ENV)
    if named:
        return Path(named)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "source").is_dir() and ((folder / catalogue.COURSE_CHECKS).is_dir()
                                             or (folder / course_config.CONFIG_FILE).is_file()):
            return folder
    return None


def full_check(name: str, function: Callable[..., object]) -> None:
    """Run every case of exercise `name`; raise AssertionError with the diagnosis unless it passes
    (or, under the default policy, passes given right values of the functions it calls that are
    wrong: then it says so).

    Returns None: nbgrader would read a number shown by a test cell as its score.
    """
    course = _course()
    cat = catalogue.PACKAGE if name in catalogue.EXERCISES or course is None else catalogue.for_course(course)
    if name not in cat.exercises:
        raise AssertionError(f"{name}: no check of that name, in the package or in the course's checks/ folder")
    policy = course_config.policy(course) if course is not None else course_config.CARRY_FORWARD
    outcome = check(name, function, cat=cat, policy=policy)
    if outcome.diagnosis not in PASSED:
        raise AssertionError(f"{name} [{outcome.diagnosis}]: {outcome.message}")
    if outcome.diagnosis != "ok":
        print(f"{name}: {outcome.message}")
