"""The course's nbgrader gradebook, as `grade` writes and reads it.

The gradebook is nbgrader's own database (the one the course's nbgrader_config.py names, SQLite or
a server), written through nbgrader's ORM as `nbgrader autograde` writes it: per graded submission
the student, the submission with the time in its timestamp.txt, each graded cell's auto_score
(none for a manually graded cell, which waits for the formgrader), and the late penalty that the
course's LateSubmissionPlugin gives (nbgrader's AssignLatePenalties, configured as under
autograde: `c.AssignLatePenalties.plugin_class`, `c.LateSubmissionPlugin.penalty_method`, and the
due dates the formgrader or `nbgrader db assignment` set).

A grader's work in the formgrader is never touched: manual scores, extra credit and comments
stay; a cell with a manual score is marked for review again, as nbgrader marks it. The totals
every report shows (totals()) are the gradebook's, so they include that work and the penalty.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from . import course_config
from .cell_grades import MANUAL
from .errors import CommandError

if TYPE_CHECKING:
    from .results import SubmissionGrade

TIMESTAMP = "timestamp.txt"  # nbgrader's: when the learner submitted, written by its exchange or by collect


@dataclass(frozen=True)
class Total:
    """One submission's total as the gradebook has it."""
    score: float  # nbgrader's score (manual scores and extra credit included) less the late penalty, at least 0
    max_score: float
    late_penalty: float = 0.0
    timestamp: str = ""  # when it was submitted, ISO 8601 in UTC; "" when unknown
    by_grader: tuple = ()  # (grade_id, score) of each cell a grader scored in the formgrader


@dataclass(frozen=True)
class Missing:
    """A learner of the gradebook who handed nothing in for one of its assignments: 0 points, as
    nbgrader's export counts them."""
    student: str
    assignment: str
    max_score: float


def check_database(root: Path) -> None:
    """CommandError when the course's gradebook is an SQLite file that does not exist yet."""
    missing = course_config.missing_database(root)
    if missing:
        raise CommandError(f"{root} has no gradebook ({missing}): run `backprop-course release --course "
                           f"{root}` first")


def check(root: Path, cells: dict[str, list[str]]) -> None:
    """CommandError unless the gradebook has each assignment ({assignment: grade_ids}), its
    notebook and those graded cells."""
    release = f"run `backprop-course release --course {root}` (or nbgrader generate_assignment) first"
    from nbgrader.api import MissingEntry

    from .discover import source_notebook
    with course_config.open_gradebook(root) as gb:
        for a, wanted in cells.items():
            try:
                notebook = gb.find_notebook(source_notebook(root, a).stem, a)
            except MissingEntry:
                raise CommandError(f"assignment {a} is not in the course's gradebook: {release}") from None
            have = {c.name for c in notebook.grade_cells + notebook.task_cells}
            absent = [n for n in wanted if n not in have]
            if absent:
                raise CommandError(f"the gradebook's {a} lacks the graded cells {', '.join(absent)}: {release}")


def submitted_at(folder: Path) -> tuple[datetime | None, str]:
    """(the time in folder/timestamp.txt as nbgrader reads it, naive UTC, or None; a problem, or "")."""
    from nbgrader.utils import parse_utc
    path = folder / TIMESTAMP
    try:
        text = path.read_text(encoding="utf-8").strip() if path.is_file() and not path.is_symlink() else ""
        return (parse_utc(text) if text else None), ""
    except (OSError, ValueError, OverflowError) as exc:
        return None, f"{TIMESTAMP} is unreadable ({type(exc).__name__}), so the submission counts as on time"


def _late_penalties(root):
    """nbgrader's AssignLatePenalties, configured from the course's nbgrader_config.py."""
    from nbgrader.preprocessors import AssignLatePenalties
    assigner = AssignLatePenalties(config=course_config.load_config(root))
    assigner.init_plugin()
    return assigner


def write(root: Path, grades: Sequence[SubmissionGrade], submitted: Path) -> list[tuple[str, str, str]]:
    """Record every SubmissionGrade in the gradebook, in one transaction; submitted: the folder of
    DIR/submitted/<student>/<a>/. Returns (student, assignment, problem) for each unreadable
    timestamp."""
    from nbgrader.api import Assignment, Comment, Grade, Student, SubmittedAssignment, SubmittedNotebook
    problems, assigner = [], _late_penalties(root)
    with course_config.open_gradebook(root) as gb:
        session = gb.db
        try:
            session.autoflush = False  # objects are linked up before they are flushed, once
            students = {s.id: s for s in session.query(Student)}
            assignments = {a.name: a for a in session.query(Assignment)}
            for g in grades:
                student = students.get(g.student)
                if student is None:
                    student = students[g.student] = Student(id=g.student)
                    session.add(student)
                assignment = assignments[g.assignment]
                timestamp, problem = submitted_at(submitted / g.student / g.assignment)
                if problem:
                    problems.append((g.student, g.assignment, problem))
                submission = (session.query(SubmittedAssignment)
                              .filter_by(assignment_id=assignment.id, student_id=g.student).one_or_none())
                if submission is None:
                    submission = SubmittedAssignment(assignment=assignment, student=student)
                    session.add(submission)
                submission.timestamp = timestamp
                scores = dict(zip(g.cells or [f"test_{r.exercise}" for r in g.results], g.results))
                notebooks = []
                for notebook in assignment.notebooks:
                    sub_nb = next((n for n in submission.notebooks if n.notebook is notebook), None)
                    if sub_nb is None:
                        sub_nb = SubmittedNotebook(notebook=notebook, assignment=submission)
                        session.add(sub_nb)
                        for cell in notebook.solution_cells + notebook.task_cells:
                            session.add(Comment(cell_id=cell.id, notebook=sub_nb))
                    notebooks.append(sub_nb)
                    graded = {grade.cell_id: grade for grade in sub_nb.grades}
                    for cell in notebook.grade_cells + notebook.task_cells:
                        grade = graded.get(cell.id)
                        if grade is None:
                            grade = Grade(cell_id=cell.id, notebook=sub_nb)
                            session.add(grade)
                        result = scores.get(cell.name)
                        if result is not None:
                            manual = result.diagnosis == MANUAL
                            grade.auto_score = None if manual else result.score
                            grade.needs_manual_grade = manual or grade.manual_score is not None
                session.flush()
                _assign_late_penalty(session, assigner, g.student, submission, notebooks)
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return problems


def _assign_late_penalty(session, assigner, student, submission, notebooks):
    """What nbgrader's AssignLatePenalties does for each notebook of a submission, with its plugin:
    no penalty unless the submission is late, else the plugin's, kept between 0 and the score."""
    for sub_nb in notebooks:
        sub_nb.late_submission_penalty = None
        if submission.total_seconds_late > 0:
            session.expire(sub_nb, ["score"])
            penalty = assigner.plugin_inst.late_submission_penalty(student, sub_nb.score,
                                                                   submission.total_seconds_late)
            if penalty is not None:
                sub_nb.late_submission_penalty = assigner._check_late_penalty(sub_nb, penalty)


def totals(root: Path, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Total]:
    """{(student, assignment): Total} for the submissions in keys that the gradebook has."""
    from nbgrader.api import Assignment, Grade, Student, SubmittedAssignment, SubmittedNotebook
    wanted = set(keys)
    with course_config.open_gradebook(root) as gb:
        session = gb.db
        rows = (session.query(Student.id, Assignment.name, SubmittedAssignment.score, SubmittedAssignment.max_score,
                              SubmittedAssignment.late_submission_penalty, SubmittedAssignment.timestamp)
                .select_from(SubmittedAssignment).join(Student).join(Assignment)
                .filter(Assignment.name.in_({a for _, a in wanted})))
        out = {}
        for student, assignment, score, max_score, penalty, timestamp in rows:
            if (student, assignment) in wanted:
                out[(student, assignment)] = Total(max(0.0, float(score or 0) - float(penalty or 0)), float(max_score or 0),
                                                   float(penalty or 0), timestamp.isoformat() if timestamp else "")
        by_grader = {}
        overridden = (session.query(Grade).join(SubmittedNotebook)
                      .filter((Grade.manual_score != None) | ((Grade.extra_credit != None)  # noqa: E711 (SQL)
                                                               & (Grade.extra_credit != 0))))
        for grade in overridden:
            key = (grade.student.id, grade.assignment.name)
            if key in out:
                by_grader.setdefault(key, []).append((grade.cell.name, float(grade.score)))
    return {key: Total(t.score, t.max_score, t.late_penalty, t.timestamp, tuple(sorted(by_grader.get(key, ()))))
            for key, t in out.items()}


def missing(root: Path, assignments: Iterable[str], handed_in: Iterable[tuple[str, str]]) -> list[Missing]:
    """A Missing for each student of the gradebook and each of assignments that the class has been
    set, with no submission, neither in the gradebook nor in handed_in ((student, assignment) of
    what is in DIR/submitted, graded or not); sorted by student and assignment.

    An assignment has been set once someone handed it in or its due date (the gradebook's) has
    passed: `release` generates every assignment at the start, and a learner is not missing an
    assignment nobody was given yet. (nbgrader's export lists every assignment of the gradebook,
    so 0 for those too.)"""
    from nbgrader.api import Assignment, Student, SubmittedAssignment
    present = set(handed_in)
    now = datetime.now(timezone.utc).replace(tzinfo=None)  # the gradebook's due dates are naive UTC
    with course_config.open_gradebook(root) as gb:
        session = gb.db
        present |= set(session.query(Student.id, Assignment.name).select_from(SubmittedAssignment)
                       .join(Student).join(Assignment))
        started = {a for _, a in present}
        chosen = [(a.name, float(a.max_score or 0)) for a in
                  session.query(Assignment).filter(Assignment.name.in_(set(assignments)))
                  if a.name in started or (a.duedate is not None and a.duedate < now)]
        students = [student for (student,) in session.query(Student.id)]
    return sorted((Missing(s, a, top) for a, top in chosen for s in students if (s, a) not in present),
                  key=lambda m: (m.student, m.assignment))
