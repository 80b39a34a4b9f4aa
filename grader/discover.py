"""Find the submissions of an nbgrader course directory: DIR/submitted/<student>/<a>/<a>.ipynb.

Operator errors (no course directory, no DIR/source, an unknown --assignment) raise CommandError
with what to do. Anything wrong with one student's folder becomes a Problem for that student:
an unknown assignment folder is only reported; a missing or ambiguous notebook for a known
assignment is graded as such (every exercise missing). A renamed notebook is graded when it is
the only .ipynb in the folder. Symbolic links are never followed: a linked student folder,
assignment folder or notebook could point at the source notebook or at another learner's work.
"""
from dataclasses import dataclass
from pathlib import Path

from . import catalogue
from .errors import CommandError


@dataclass(frozen=True)
class Submission:
    student: str
    assignment: str
    path: Path | None  # None: no gradable notebook, see problem
    problem: str = ""  # for the learner and the instructor


@dataclass(frozen=True)
class Problem:
    student: str
    assignment: str
    problem: str


def course_dir(course: str | Path) -> Path:
    """The course directory as a Path, after the operator-level checks."""
    root = Path(course).expanduser()
    if not root.is_dir():
        raise CommandError(f"no course directory {root}: create it with "
                           f"`backprop-course release --course {root}`")
    if not (root / "source").is_dir():
        raise CommandError(f"{root} has no source/ folder, so it is not a released course: "
                           f"run `backprop-course release --course {root}` first")
    return root


def chosen_assignments(assignments: list[str] | None) -> list[str]:
    """The assignments to grade, in catalogue order; CommandError for an unknown name."""
    known = list(catalogue.ASSIGNMENTS)
    if not assignments:
        return known
    unknown = [a for a in assignments if a not in catalogue.ASSIGNMENTS]
    if unknown:
        raise CommandError(f"unknown assignment {', '.join(unknown)}: choose from {', '.join(known)}")
    return [a for a in known if a in assignments]


def _visible(path):
    return not path.name.startswith(".")


def find(root: Path, assignments: list[str]) -> tuple[list[Submission], list[Problem]]:
    """(submissions, problems) under root/submitted for the given assignments, sorted."""
    submitted = root / "submitted"
    submissions, problems = [], []
    if not submitted.is_dir():
        return submissions, problems
    for student_dir in sorted(p for p in submitted.iterdir() if _visible(p)):
        student = student_dir.name
        if student_dir.is_symlink():
            problems.append(Problem(student, "", f"submitted/{student} is a symbolic link, not a student folder: "
                                                 "ignored"))
            continue
        if not student_dir.is_dir():
            problems.append(Problem(student, "", f"submitted/{student} is a file, not a student folder"))
            continue
        for folder in sorted(p for p in student_dir.iterdir() if _visible(p)):
            a = folder.name
            if folder.is_symlink() and a in assignments:
                submissions.append(Submission(student, a, None, f"submitted/{student}/{a} is a symbolic link, "
                                                                "not a folder: submit the notebook itself"))
            elif not folder.is_dir():
                problems.append(Problem(student, "", f"stray file submitted/{student}/{a} ignored"))
            elif a not in catalogue.ASSIGNMENTS:
                problems.append(Problem(student, a, f"unknown assignment folder submitted/{student}/{a} "
                                                    f"ignored (known: {', '.join(catalogue.ASSIGNMENTS)})"))
            elif a in assignments:
                submissions.append(_submission(student, a, folder))
    return submissions, problems


def _submission(student, a, folder):
    expected = folder / f"{a}.ipynb"
    if expected.is_symlink():
        return Submission(student, a, None, f"{a}.ipynb is a symbolic link, not a notebook: "
                                            "submit the notebook file itself")
    if expected.is_file():
        return Submission(student, a, expected)
    notebooks = sorted(p for p in folder.glob("*.ipynb") if p.is_file() and not p.is_symlink() and _visible(p))
    if len(notebooks) == 1:
        return Submission(student, a, notebooks[0],
                          f"graded {notebooks[0].name}, the only notebook in the folder (expected {a}.ipynb)")
    if not notebooks:
        return Submission(student, a, None, f"no notebook {a}.ipynb was submitted")
    names = ", ".join(p.name for p in notebooks)
    return Submission(student, a, None, f"{len(notebooks)} notebooks ({names}) and none named {a}.ipynb: "
                                        f"submit only {a}.ipynb")
