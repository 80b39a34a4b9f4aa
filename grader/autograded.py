"""What `nbgrader autograde` leaves for the formgrader, written by `grade` without a kernel:
DIR/autograded/<student>/<a>/<notebook>.ipynb, with nbgrader's timestamp.txt and
submission_secret.txt beside it when the submission has them.

The formgrader counts a submission as autograded when that folder exists and the gradebook's
timestamp equals the one in DIR/submitted; its "Manual Grading" pages, `nbgrader generate_feedback`
and `nbgrader release_feedback` read the notebook. So the notebook is built as nbgrader builds it:
the submission, with its locked cells (setup, tests, locked text) taken from the source, deleted
ones put back, and the nbgrader metadata of every known cell (points, grade_id) from the source —
what nbgrader's OverwriteCells does — and with the grader's verdict as each test cell's output: a
passed test one line on stdout, any other an error carrying the diagnosis and the message, so the
formgrader and nbgrader's feedback show them. The other code cells have no outputs: the grader
ran them in its sandbox, not in a kernel whose outputs could be kept. A notebook that could not be
read becomes the source's cells with each answer cell saying why (never the source's answers).
"""
from __future__ import annotations

import copy
import hashlib
import json
import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
from nbformat import NotebookNode, from_dict

from . import course_config
from .judge import messages
from .judge.diagnose import PASSED
from .report_files import atomic_write
from .results import SIDE_FILES
from .restore import LOCKED_ROLES, Unreadable, read_bytes, role

if TYPE_CHECKING:
    from .discover import Submission
    from .judge.diagnose import Result
    from .results import SubmissionGrade

MAX_SIDE_FILE = 64 * 2 ** 10


def folder_name(root: Path) -> str:
    """The course's autograded folder (nbgrader's CourseDirectory.autograded_directory)."""
    return course_config.course_directory(root).autograded_directory


def notebook_path(root: Path, folder: str, student: str, assignment: str, source: Path) -> Path:
    """Where the autograded notebook of a submission goes (source: the assignment's source notebook)."""
    return root / folder / student / assignment / source.name


def verdict_outputs(result: Result, cell_id: str) -> list[NotebookNode]:
    """The outputs of a graded test cell that show the grader's verdict."""
    where = "graded by backprop-course outside the notebook's kernel"
    if result.diagnosis in PASSED and result.score == result.max_score:
        return [from_dict({"output_type": "stream", "name": "stdout",
                           "text": f"✔ {cell_id}: {result.message} ({messages.points(result.max_score)}; {where})\n"})]
    evalue = f"{cell_id} [{result.diagnosis}]: {result.message}"
    return [from_dict({"output_type": "error", "ename": "AssertionError", "evalue": evalue,
                       "traceback": [f"AssertionError: {evalue}",
                                     f"({where}: {result.score:g} of {messages.points(result.max_score)})"]})]


@lru_cache(maxsize=16)
def _source(path: str, version: tuple) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _nbgrader(cell):
    meta = cell.get("metadata", {}).get("nbgrader") if isinstance(cell.get("metadata"), dict) else None
    return meta if isinstance(meta, dict) else {}


def _locked(cell):
    return role(cell) in LOCKED_ROLES


def _read_submission(path):
    """The submitted notebook as plain JSON data, in nbformat 4 (nbformat converts older ones)."""
    nb = json.loads(read_bytes(path))
    if isinstance(nb, dict) and nb.get("nbformat") != 4:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = json.loads(nbformat.writes(nbformat.reads(json.dumps(nb), as_version=4)))
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) \
            or not all(isinstance(c, dict) for c in nb["cells"]):
        raise Unreadable("it has no list of cells")
    return nb


def _placeholder(source, why):
    """The source's cells, each answer cell replaced by a sentence saying why there is no answer."""
    nb = copy.deepcopy(source)
    for cell in nb["cells"]:
        if _nbgrader(cell).get("solution"):
            text = f"The submitted notebook could not be graded: {why}"
            cell["source"] = f"# {text}" if cell.get("cell_type") == "code" else text
    return nb


def build(sub: Submission, source_path: Path, grade: SubmissionGrade) -> dict:
    """The autograded notebook of one graded submission, as nbformat 4 JSON data."""
    stat = source_path.stat()
    source = _source(str(source_path), (stat.st_mtime_ns, stat.st_size))  # shared: copy before changing
    known = {_nbgrader(c)["grade_id"]: (i, c) for i, c in enumerate(source["cells"]) if _nbgrader(c).get("grade_id")}
    try:
        if sub.path is None:
            raise Unreadable(sub.problem or "no notebook")
        nb = _read_submission(sub.path)
    except (Unreadable, OSError, ValueError) as exc:
        nb = _placeholder(source, str(exc) or type(exc).__name__)
    present = {_nbgrader(cell).get("grade_id") for cell in nb["cells"]}
    missing = sorted(i for gid, (i, c) in known.items() if _locked(c) and gid not in present)
    cells, placed = [], set()

    def put_back(before):
        while missing and missing[0] < before:
            cells.append(copy.deepcopy(source["cells"][missing.pop(0)]))

    for cell in nb["cells"]:
        grade_id = _nbgrader(cell).get("grade_id")
        if grade_id in known:
            at, original = known[grade_id]
            put_back(at)
            if _locked(original):
                if grade_id in placed:
                    continue  # a copy of a locked cell: nbgrader's gradebook knows one
                placed.add(grade_id)
                cell = copy.deepcopy(original)
            else:
                cell["metadata"]["nbgrader"] = copy.deepcopy(_nbgrader(original))  # its points, not the learner's
        elif _nbgrader(cell):
            del cell["metadata"]["nbgrader"]  # a cell the gradebook does not know: no grade to show
        cells.append(cell)
    put_back(len(source["cells"]))
    nb["cells"] = cells
    _show_verdicts(nb, grade)
    return nb


def _show_verdicts(nb, grade):
    """Each code cell's outputs cleared, the graded test cells' set to the verdict; unique cell ids."""
    results = dict(zip(grade.cells or [f"test_{r.exercise}" for r in grade.results], grade.results))
    seen, with_ids = set(), nb.get("nbformat_minor", 0) >= 5
    for n, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
            meta = _nbgrader(cell)
            result = results.get(meta.get("grade_id"))
            if result is not None and meta.get("grade") and not meta.get("solution"):
                cell["outputs"] = verdict_outputs(result, meta["grade_id"])
        cell_id = cell.get("id")
        if with_ids and (not isinstance(cell_id, str) or cell_id in seen):
            cell["id"] = cell_id = "cell-" + hashlib.sha256(f"{n}:{cell_id}".encode()).hexdigest()[:12]
        seen.add(cell_id)


def write(root: Path, folder: str, sub: Submission, source_path: Path, grade: SubmissionGrade) -> None:
    """Write the autograded notebook of a graded submission and nbgrader's files beside it."""
    target = notebook_path(root, folder, grade.student, grade.assignment, source_path)
    nb = build(sub, source_path, grade)
    atomic_write(target, json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    submitted = sub.path.parent if sub.path is not None else root / "submitted" / grade.student / grade.assignment
    for name in SIDE_FILES:  # generate_feedback copies them to feedback/, where release_feedback reads them
        given, kept = submitted / name, target.parent / name
        if given.is_file() and not given.is_symlink() and given.stat().st_size <= MAX_SIDE_FILE:
            atomic_write(kept, given.read_bytes())
        elif kept.is_file():
            kept.unlink()
