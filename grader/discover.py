"""Find the submissions of an nbgrader course directory: DIR/submitted/<student>/<a>/<notebook>.ipynb.

The assignments are the course's nbgrader assignments: every folder DIR/source/<a>/ with one
notebook (the package's are named like their assignment; an instructor's own may have any name).
Operator errors (no course directory, no DIR/source, an unknown --assignment) raise CommandError
with what to do. Anything wrong with one student's folder becomes a Problem for that student:
an unknown assignment folder is only reported; a missing or ambiguous notebook for a known
assignment is graded as such (every exercise missing). A renamed notebook is graded when it is
the only .ipynb in the folder. Symbolic links are never followed: a linked student folder,
assignment folder or notebook could point at the source notebook or at another learner's work.
"""
from dataclasses import dataclass
from pathlib import Path

import exercises

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


def source_notebook(root: Path, a: str) -> Path | None:
    """The source notebook of assignment a: source/<a>/<a>.ipynb, else the folder's only notebook."""
    folder = root / "source" / a
    if (folder / f"{a}.ipynb").is_file():
        return folder / f"{a}.ipynb"
    notebooks = sorted(p for p in folder.glob("*.ipynb") if p.is_file() and _visible(p)) if folder.is_dir() else []
    return notebooks[0] if len(notebooks) == 1 else None


def assignments(root: Path) -> dict[str, str]:
    """{assignment: its notebook's name} for the course's assignments with one source notebook:
    the package's in course order, then the instructor's own, by name."""
    folders = sorted(p.name for p in (root / "source").iterdir() if p.is_dir() and _visible(p)) \
        if (root / "source").is_dir() else []
    ordered = [a for a in exercises.ASSIGNMENTS if a in folders] + [a for a in folders if a not in exercises.ASSIGNMENTS]
    found = {a: source_notebook(root, a) for a in ordered}
    return {a: path.name for a, path in found.items() if path is not None}


def chosen_assignments(chosen: list[str] | None, known: dict[str, str]) -> list[str]:
    """The assignments to grade, in course order; CommandError for an unknown name."""
    if not chosen:
        return list(known)
    unknown = [a for a in chosen if a not in known]
    if unknown:
        raise CommandError(f"unknown assignment {', '.join(unknown)}: the course has {', '.join(known) or 'none'} "
                           "(an assignment is a folder of source/ with one notebook)")
    return [a for a in known if a in chosen]


def _visible(path):
    return not path.name.startswith(".")


def find(root: Path, known: dict[str, str], chosen: list[str]) -> tuple[list[Submission], list[Problem]]:
    """(submissions, problems) under root/submitted for the chosen assignments of the known ones
    ({assignment: notebook name}), sorted."""
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
            if folder.is_symlink() and a in chosen:
                submissions.append(Submission(student, a, None, f"submitted/{student}/{a} is a symbolic link, "
                                                                "not a folder: submit the notebook itself"))
            elif not folder.is_dir():
                problems.append(Problem(student, "", f"stray file submitted/{student}/{a} ignored"))
            elif a not in known:
                problems.append(Problem(student, a, _unknown(root, student, a, known)))
            elif a in chosen:
                submissions.append(_submission(student, a, folder, known[a]))
    return submissions, problems


def _unknown(root, student, a, known):
    if (root / "source" / a).is_dir():
        return (f"submitted/{student}/{a} ignored: source/{a} does not hold exactly one notebook, and grade "
                "grades assignments of one notebook (nbgrader autograde grades the others)")
    return f"unknown assignment folder submitted/{student}/{a} ignored (known: {', '.join(known)})"


def _submission(student, a, folder, name):
    expected = folder / name
    if expected.is_symlink():
        return Submission(student, a, None, f"{name} is a symbolic link, not a notebook: "
                                            "submit the notebook file itself")
    if expected.is_file():
        return Submission(student, a, expected)
    notebooks = sorted(p for p in folder.glob("*.ipynb") if p.is_file() and not p.is_symlink() and _visible(p))
    if len(notebooks) == 1:
        return Submission(student, a, notebooks[0],
                          f"graded {notebooks[0].name}, the only notebook in the folder (expected {name})")
    if not notebooks:
        return Submission(student, a, None, f"no notebook {name} was submitted")
    names = ", ".join(p.name for p in notebooks)
    return Submission(student, a, None, f"{len(notebooks)} notebooks ({names}) and none named {name}: "
                                        f"submit only {name}")
