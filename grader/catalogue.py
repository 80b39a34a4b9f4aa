"""The catalogue of checks: one Exercise per graded function, read from exercises/<a>/checks.py
for every assignment of the registry, in its order (PACKAGE, and the module-level ASSIGNMENTS and
EXERCISES); for_course(root) adds the checks a course keeps of its own in DIR/checks/<a>.py.

A course's checks file is the instructor's code, read on the trusted side only (release, grade,
the in-process check); it never goes into release/ or into the sandbox. It is an ordinary module
defining EXERCISES, a list of Exercise whose info names the file's assignment (its file name).
"""
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

import exercises

from .errors import CourseChecksError
from .exercise import Exercise

COURSE_CHECKS = "checks"  # DIR/checks/<assignment>.py


@dataclass(frozen=True)
class Catalogue:
    """The exercises one course grades: {assignment: [name]} in order, {name: Exercise}."""
    assignments: dict
    exercises: dict
    files: tuple = ()  # the course's own checks files that were read

    def names(self, assignment: str) -> list[str]:
        return list(self.assignments.get(assignment, ()))

    def cases(self, name: str, seed: int) -> list:
        """The CaseRecords of exercise `name` for seed, with the reference's calls of the other
        exercises of its assignment recorded (error carried forward)."""
        exercise = self.exercises[name]
        others = {n: self.exercises[n].reference for n in self.names(exercise.info.assignment) if n != name}
        return exercise.cases(seed, others)


def _listed(module, assignment, where):
    listed = list(getattr(module, "EXERCISES", ()))
    if not listed or not all(isinstance(e, Exercise) for e in listed):
        raise ImportError(f"{where} must define EXERCISES, a list of the Exercises of {assignment}")
    wrong = [e.name for e in listed if e.info.assignment != assignment]
    if wrong:
        raise ImportError(f"{where}: these say another assignment than {assignment}: {', '.join(wrong)}")
    return listed


def _package() -> Catalogue:
    by_assignment = {a: _listed(exercises.checks(a), a, f"exercises/{a}/checks.py") for a in exercises.ASSIGNMENTS}
    names = {a: [e.name for e in listed] for a, listed in by_assignment.items()}
    found = {e.name: e for listed in by_assignment.values() for e in listed}
    if len(found) != sum(map(len, names.values())):
        raise ImportError("two checks share a function name: every graded function needs a name of its own")
    return Catalogue(names, found)


PACKAGE = _package()
ASSIGNMENTS = PACKAGE.assignments
EXERCISES = PACKAGE.exercises

_course_cache = {}  # checks file -> (its mtime and size, its Exercises)


def _course_file(path: Path) -> list[Exercise]:
    stat = path.stat()
    version = (stat.st_mtime_ns, stat.st_size)
    cached = _course_cache.get(path)
    if cached and cached[0] == version:
        return cached[1]
    name = f"backprop_course_checks_{abs(hash(str(path)))}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look their module up by name
    try:
        spec.loader.exec_module(module)
        listed = _listed(module, path.stem, str(path))
    except Exception as exc:
        sys.modules.pop(name, None)
        raise CourseChecksError(f"cannot read the course's checks {path}: {type(exc).__name__}: {exc}") from None
    _course_cache[path] = (version, listed)
    return listed


def for_course(root: str | Path | None) -> Catalogue:
    """The package's catalogue plus the checks in root/checks/*.py (CourseChecksError when one
    cannot be read, or reuses a name)."""
    folder = Path(root) / COURSE_CHECKS if root is not None else None
    files = tuple(sorted(folder.glob("*.py"))) if folder is not None and folder.is_dir() else ()
    if not files:
        return PACKAGE
    assignments = {a: list(names) for a, names in PACKAGE.assignments.items()}
    found = dict(PACKAGE.exercises)
    for path in files:
        for e in _course_file(path):
            if e.name in found:
                raise CourseChecksError(f"{path}: the function name {e.name!r} is taken (by "
                                        f"{found[e.name].info.assignment}): give the exercise a name of its own")
            found[e.name] = e
            assignments.setdefault(path.stem, []).append(e.name)
    return Catalogue(assignments, found, files)
