"""Read a submitted notebook, restore its locked cells from the source and list what was tampered with.

Why not nbgrader's OverwriteCells: it looks the original cells up in the gradebook (source cells
stored by generate_assignment) and needs a configured nbgrader app around it. Restoring by
grade_id against DIR/source/<a>/<a>.ipynb — the very notebook generate_assignment read — gives
the same originals without the database, and lets us notice what OverwriteCells silently fixes:
an edited, deleted or duplicated locked cell, or a duplicated grade_id.

What is executed, in the source notebook's order (see grader.sandbox.worker):
- the locked code cells that are not tests (setup: imports, data, helpers), always the source's
  text, never the learner's;
- the learner's solution cells (every cell nbgrader marks as a solution: "<name>_solution" of a
  catalogue exercise, or an answer cell of the instructor's own), all copies if duplicated, in the
  learner's order, at the place of that grade_id in the source;
- the test cells the catalogue does not diagnose (added by the instructor, or in an assignment of
  their own), the source's text with its hidden tests, marked "graded": they are scored as
  nbgrader scores them;
- the learner's own code cells (helpers, experiments, plots), each after the known cell it follows
  in the submission, as nbgrader runs them: a helper defined anywhere is there for the exercises
  that call it, and a cell that raises costs nothing by itself (the feedback says so). The
  notebook's own ungraded cells, where the learner left them unchanged, keep only their
  imports, functions and classes (definitions_only): their demonstrations cost seconds and grade
  nothing.
The catalogue's test cells are not executed: the grader calls the functions itself on hidden
cases, so such a cell would only rerun the public self-check (and the source's hold hidden tests
that import the grader). In its place goes a marker, {"id": "test_<name>", "bind": name}: the
function graded is the one the name meant there, as for nbgrader's test cell, not a later cell's
redefinition. The solution cells of the source are never read: they hold the
reference code.

A notebook that cannot be read (not JSON, an nbformat version that cannot be converted to 4, a
broken cell list, too big) raises Unreadable with a message for the learner.
"""
import ast
import errno
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MAX_BYTES = 50 * 2 ** 20
LOCKED_ROLES = ("setup", "test", "locked")  # the roles of cells whose text is the source's, whatever the learner did


class Unreadable(Exception):
    """The submitted notebook could not be read; str() is a message for the learner."""


@dataclass(frozen=True)
class SourceCell:
    grade_id: str | None
    role: str  # "setup", "test", "solution", "locked" (locked markdown) or "free"
    cell_type: str
    source: str
    points: float = 0.0
    graded: bool = False  # nbgrader scores it: a test, a manually graded answer (solution too), a task


@dataclass(frozen=True)
class Source:
    path: Path
    cells: tuple


@dataclass
class Restored:
    cells: list  # [{"id": grade_id, "code": str}] to execute, in order; "graded": True on a test to score
    tampering: list = field(default_factory=list)  # one sentence per finding, for the learner
    missing_solutions: list = field(default_factory=list)  # solution grade_ids absent from the submission
    unanswered: set = field(default_factory=set)  # manually graded answers left as released


def _meta(cell):
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbg if isinstance(nbg, dict) else {}


def _text(cell):
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def role(cell: dict) -> str:
    """A notebook cell's role for grading: SourceCell.role's values."""
    nbg = _meta(cell)
    if not nbg.get("grade_id"):
        return "free"
    if nbg.get("solution"):
        return "solution"
    if nbg.get("locked") or nbg.get("grade"):
        if nbg.get("grade"):
            return "test"
        return "setup" if cell.get("cell_type") == "code" else "locked"
    return "free"


def read_bytes(path):
    """The file's bytes, refusing a symbolic link even if one replaced the file after discovery."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Unreadable(f"the submitted notebook {Path(path).name} is a symbolic link, not a notebook: "
                             "submit the notebook file itself") from None
        raise
    with os.fdopen(fd, "rb") as f:
        if os.fstat(f.fileno()).st_size > MAX_BYTES:
            raise Unreadable(f"the notebook is larger than {MAX_BYTES // 2 ** 20} MB; "
                             "clear its outputs and submit again")
        return f.read()


def _read(path):
    path = Path(path)
    data = read_bytes(path)
    try:
        with warnings.catch_warnings():  # duplicate cell ids and the like: we judge structure ourselves
            warnings.simplefilter("ignore")
            nb = nbformat.reads(data.decode("utf-8"), as_version=4, capture_validation_error={})
    except Exception as exc:  # NotJSONError, NBFormatError, UnicodeDecodeError, OSError …
        kind = "not valid notebook JSON" if "JSON" in type(exc).__name__ or isinstance(exc, ValueError) \
            else f"unreadable ({type(exc).__name__})"
        raise Unreadable(f"the submitted notebook {path.name} is {kind}, so nothing in it could be graded: "
                         "open it in Jupyter, save it, and submit again") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise Unreadable(f"the submitted notebook {path.name} has no readable list of cells: "
                         "open it in Jupyter, save it, and submit again")
    return cells


def _points(cell):
    try:
        return float(_meta(cell).get("points") or 0)
    except (TypeError, ValueError):
        return 0.0


def load_source(path: str | Path) -> Source:
    """The source notebook's cells (raises Unreadable or OSError if it cannot be read)."""
    cells = _read(path)
    return Source(Path(path), tuple(SourceCell(_meta(c).get("grade_id"), role(c), str(c.get("cell_type")),
                                               _text(c), _points(c),
                                               bool(_meta(c).get("grade") or _meta(c).get("task")))
                                    for c in cells))


HIDDEN_TESTS = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.M | re.S)


def _norm(text):
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _same(submitted, original):
    """Whether a locked cell is unchanged: equal to the source, or to it without its hidden tests
    (what nbgrader's ClearHiddenTests leaves in the student version), up to trailing blanks."""
    return _norm(submitted) in (_norm(original), _norm(HIDDEN_TESTS.sub("", original)))


def _unanswered(cell):
    """A manually graded answer still as released: nbgrader scores it 0 without a grader."""
    from nbgrader.utils import compute_checksum
    checksum = _meta(cell).get("checksum")
    try:
        return checksum is not None and checksum == compute_checksum(nbformat.from_dict(cell))
    except Exception:  # a cell nbgrader cannot read: a grader looks at it
        return False


def _free_cells(cells, known, demonstrations):
    """{grade_id of the known cell it follows, or None: [code of the learner's own cells after it]}.
    A cell that is one of the source's ungraded code cells, unchanged (demonstrations: their
    normalised texts), keeps only its definitions (definitions_only)."""
    after, anchor = {}, None
    for cell in cells:
        grade_id = _meta(cell).get("grade_id")
        if grade_id in known:
            anchor = grade_id
        elif cell.get("cell_type") == "code":
            text = _text(cell)
            after.setdefault(anchor, []).append(definitions_only(text) if _norm(text) in demonstrations else text)
    return after


DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def definitions_only(code: str) -> str:
    """The imports, functions and classes a cell defines at its top level, without the rest. The
    notebook's own demonstrations (a training run for a plot, a printout) are the same in every
    submission and graded nowhere; running them for every learner would cost seconds a notebook,
    while a helper they define may serve the learner's functions."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    return "\n".join(ast.get_source_segment(code, node) for node in tree.body if isinstance(node, DEFINITIONS))


def restore(path: str | Path, source: Source, tests: frozenset = frozenset(),
            diagnosed: frozenset = frozenset()) -> Restored:
    """Restored cells to execute and the tampering found, for the submission at path. tests: the
    grade_ids of the source's test cells to run too (their source text, "graded"); diagnosed: the
    names of the exercises the grader calls, whose test cells become "bind" markers."""
    cells = _read(path)
    by_id = {}
    for cell in cells:
        grade_id = _meta(cell).get("grade_id")
        if isinstance(grade_id, str) and grade_id:
            by_id.setdefault(grade_id, []).append(cell)
    known = {c.grade_id: c for c in source.cells if c.grade_id}
    restored = Restored(cells=[])
    demonstrations = {_norm(c.source) for c in source.cells if c.role == "free" and c.cell_type == "code"}
    own = _free_cells(cells, known, demonstrations)
    restored.cells += [{"id": "free", "code": code} for code in own.get(None, [])]
    for grade_id, copies in by_id.items():
        if len(copies) > 1 and grade_id in known:
            what = "solution cell" if known[grade_id].role == "solution" else "locked cell"
            restored.tampering.append(f"The {what} {grade_id} appears {len(copies)} times"
                                      + (" (all copies were run, in order)." if what == "solution cell"
                                         else " (the copies were ignored)."))
    for cell in source.cells:
        copies = by_id.get(cell.grade_id, [])
        if cell.role == "solution":
            if not copies:
                restored.missing_solutions.append(cell.grade_id)
            elif cell.graded and _unanswered(copies[0]):
                restored.unanswered.add(cell.grade_id)
            for copy in copies:
                if copy.get("cell_type") == "code":
                    restored.cells.append({"id": cell.grade_id, "code": _text(copy)})
        elif cell.role in LOCKED_ROLES:
            if not copies:
                restored.tampering.append(f"The locked cell {cell.grade_id} was deleted (it was restored).")
            elif copies[0].get("cell_type") != cell.cell_type or not _same(_text(copies[0]), cell.source):
                restored.tampering.append(f"The locked cell {cell.grade_id} was edited (the original was used).")
        if cell.role == "setup":
            restored.cells.append({"id": cell.grade_id, "code": cell.source})
        elif cell.role == "test" and cell.grade_id in tests:
            restored.cells.append({"id": cell.grade_id, "code": cell.source, "graded": True})
        elif cell.role == "test" and cell.grade_id.removeprefix("test_") in diagnosed:
            restored.cells.append({"id": cell.grade_id, "code": "", "bind": cell.grade_id.removeprefix("test_")})
        restored.cells += [{"id": "free", "code": code} for code in own.get(cell.grade_id, [])]
    return restored
