"""Release, nbgrader stage: nbgrader's own generate_assignment, and the points it recorded.

nbgrader builds the student version (stubs for solutions, hidden tests removed, cells locked,
checksums) and records the assignment, its notebooks and its grade cells in the gradebook. We only
drive it through its API, with the course's own nbgrader_config.py, so `nbgrader
generate_assignment` run by hand in the course directory gives the same result.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

from .course_config import load_config, missing_database, open_gradebook
from .errors import CommandError, ReleaseConflict


def create_gradebook(db_url: str) -> None:
    """Give a gradebook database without tables nbgrader's tables and the alembic_version table
    naming the newest revision of nbgrader's migrations, the very statements nbgrader's Gradebook
    runs when it first opens a database, but in this process: nbgrader asks a subprocess (`alembic
    heads`) for the revision, which costs seconds. A database that has tables is left as it is;
    CommandError when it cannot be opened."""
    from alembic.script import ScriptDirectory
    from nbgrader.api import Base
    from nbgrader.dbutil import ALEMBIC_DIR
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.exc import SQLAlchemyError
    try:
        engine = create_engine(db_url, future=True)
        try:
            with engine.begin() as connection:
                if inspect(connection).get_table_names():
                    return
                Base.metadata.create_all(bind=connection)
                connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
                connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"),
                                   {"head": ScriptDirectory(ALEMBIC_DIR).get_current_head()})
        finally:
            engine.dispose()
    except SQLAlchemyError as exc:
        raise CommandError(f"cannot open the gradebook's database (CourseDirectory.db_url): "
                           f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}") from None


_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b.*")


def _reason(result):
    """nbgrader's own words for a failure: the first exception line of its log, else its last error."""
    lines = [line.strip() for text in (result.get("log"), result.get("error")) if text
             for line in text.splitlines() if line.strip()]
    causes = [line for line in lines if _EXCEPTION_LINE.match(line)
              and "Please see the the above traceback" not in line]
    errors = [line for line in lines if line.startswith("[ERROR]")]
    return (causes or errors or lines or ["no message"])[0 if causes else -1]


def generate(root: str | Path, assignment: str, db_url: str | None = None) -> Path:
    """Run nbgrader's generate_assignment for one assignment in course directory root, configured
    by its nbgrader_config.py, with the gradebook at db_url (default: the configured one).

    Writes root/release/<assignment>/ and records it in the gradebook; raises CommandError with
    nbgrader's message when it fails.
    """
    from nbgrader.apps import NbGraderAPI
    config = load_config(root)
    config.CourseDirectory.root = str(Path(root).resolve())
    if db_url:
        config.CourseDirectory.db_url = db_url
    api = NbGraderAPI(config=config)
    create_gradebook(api.coursedir.db_url)
    result = api.generate_assignment(assignment, force=True, create=True)
    if not result.get("success"):
        raise CommandError(f"nbgrader generate_assignment {assignment} failed: {_reason(result)}")
    notebook = Path(root) / "release" / assignment / f"{assignment}.ipynb"
    if not notebook.is_file():
        raise CommandError(f"nbgrader generate_assignment {assignment} wrote no {notebook.name}")
    return notebook


def cell_points(nb: nbformat.NotebookNode) -> dict[str, float]:
    """{grade_id: points} of the cells nbgrader scores (graded cells and tasks), in order."""
    out = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if (meta.get("grade") or meta.get("task")) and meta.get("grade_id"):
            out[meta["grade_id"]] = float(meta.get("points", 0) or 0)
    return out


def gradebook_points(root: str | Path, assignment: str, db_url: str | None = None) -> dict[str, float]:
    """{cell name: max score} of the assignment's notebook in the course's gradebook (or the one
    at db_url)."""
    from nbgrader.api import MissingEntry
    with open_gradebook(root, db_url) as gb:
        try:
            notebook = gb.find_notebook(assignment, assignment)
        except MissingEntry:
            return {}
        return {c.name: float(c.max_score) for c in notebook.grade_cells + notebook.task_cells}


def check_points(assignment: str, versions: dict[str, dict[str, float]]) -> None:
    """ReleaseConflict naming the first cell whose points differ between versions ({what: points})."""
    names = list(dict.fromkeys(n for points in versions.values() for n in points))
    for name in names:
        seen = {what: points.get(name) for what, points in versions.items()}
        if len(set(seen.values())) > 1:
            said = ", ".join(f"{what} {'has no such cell' if p is None else f'{p:g}'}" for what, p in seen.items())
            raise ReleaseConflict(f"{assignment}: the points of cell {name} disagree ({said}); nothing more was "
                                  "changed: make them agree (nbgrader's cell toolbar in the source notebook) and "
                                  "release again")


def _cell_sets(nb: nbformat.NotebookNode) -> dict[str, set[str]]:
    """The grade_ids nbgrader's SaveCells records, by kind, as it classifies them."""
    from nbgrader import utils
    kinds = {"graded": utils.is_grade, "solution": utils.is_solution, "task": utils.is_task,
             "source": lambda c: utils.is_grade(c) or utils.is_solution(c) or utils.is_locked(c) or utils.is_task(c)}
    return {kind: {c.metadata.nbgrader["grade_id"] for c in nb.cells if test(c)} for kind, test in kinds.items()}


def check_submissions(root: str | Path, assignment: str, nb: nbformat.NotebookNode) -> None:
    """ReleaseConflict when nb adds or removes cells of an assignment the course's gradebook already
    has submissions of: nbgrader's generate_assignment refuses that, so release says it before
    anything is written."""
    if not Path(root).is_dir() or missing_database(root):
        return
    from nbgrader.api import MissingEntry
    with open_gradebook(root) as gb:
        try:
            notebook = gb.find_notebook(assignment, assignment)
        except MissingEntry:
            return
        if not notebook.submissions:
            return
        old = {"graded": {c.name for c in notebook.grade_cells}, "solution": {c.name for c in notebook.solution_cells},
               "task": {c.name for c in notebook.task_cells}, "source": {c.name for c in notebook.source_cells}}
        count = len(notebook.submissions)
    new = _cell_sets(nb)
    for kind in old:
        added, removed = sorted(new[kind] - old[kind]), sorted(old[kind] - new[kind])
        if added or removed:
            change = "adds " + ", ".join(added) if added else "removes " + ", ".join(removed)
            raise ReleaseConflict(f"{assignment}: the source notebook {change} ({kind} cells), but the gradebook holds "
                                  f"{count} submission(s) of it, and nbgrader does not change the cells of an "
                                  "assignment with submissions; nothing was changed. Release it before students "
                                  "submit, or make the change in a new assignment")
