"""The instructor's source notebook of an assignment, built from its text notebook.

    build(assignment) -> nbformat.NotebookNode

1. read    exercises/<a>/<a>.py, a jupytext percent-format notebook whose `# %%` cell headers
           carry the nbgrader metadata;
2. include a code-cell line `# include: NAME.py` becomes the code of exercises/shared/NAME.py
           (after its docstring): helpers that two notebooks' setup cells share;
3. fill    each solution cell's region (between `### BEGIN SOLUTION` and `### END SOLUTION`)
           with the body of the reference function of the same name, from the assignment's
           checks; the cell keeps its own signature and docstring, which must match the reference's
           parameters;
4. ids     every cell gets a stable id: its nbgrader grade_id, else its type and a digest of its
           text, so that adding a cell changes no other cell's id;
5. check   only nbgrader's metadata (and tags) is kept; each test cell's points are its check's;
           the notebook is validated.

The reference code therefore lives once, in solutions/.
"""
import ast
import hashlib
import inspect
import re
import textwrap

import jupytext
import nbformat

import exercises

from . import catalogue
from .errors import NotebookSourceError

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
INCLUDE = re.compile(r"^# include: ([\w-]+\.py)[ \t]*$", re.M)
KEPT_METADATA = ("nbgrader", "tags")
NOTEBOOK_METADATA = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                     "language_info": {"name": "python"}}


def build(assignment: str) -> nbformat.NotebookNode:
    """The source notebook of `assignment`, ready for nbgrader, with its solutions filled in."""
    path = exercises.text_notebook(assignment)
    try:
        nb = jupytext.reads(path.read_text(encoding="utf-8"), fmt="py:percent")
    except OSError as e:
        raise NotebookSourceError(f"cannot read the text notebook of {assignment}: {e}") from e
    references = {n: catalogue.EXERCISES[n].reference for n in catalogue.ASSIGNMENTS[assignment]}
    seen = {}
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEPT_METADATA}
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code":
            cell.source = INCLUDE.sub(lambda m: _shared(m.group(1), path), cell.source)
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            try:
                cell.source = fill(cell.source, references.get((grade_id or "").removesuffix("_solution")))
            except ValueError as e:
                raise NotebookSourceError(f"{path}: solution cell {grade_id!r}: {e}") from None
        cell.id = _unique(grade_id or f"{cell.cell_type[:2]}-{_digest(cell.source)}", seen)
        _check_points(cell, path)
    nb.metadata = nbformat.from_dict(NOTEBOOK_METADATA)
    nb.nbformat, nb.nbformat_minor = 4, 5
    nbformat.validate(nb)
    return nb


def _check_points(cell, path):
    """A test cell test_<name> must carry the points its check gives: the gradebook, the student
    version and the grader read them from the notebook."""
    meta = cell.metadata.get("nbgrader", {})
    name = (meta.get("grade_id") or "").removeprefix("test_")
    if not meta.get("grade") or name not in catalogue.EXERCISES:
        return
    want = catalogue.EXERCISES[name].info.points
    if float(meta.get("points", 0)) != float(want):
        raise NotebookSourceError(f"{path}: test cell 'test_{name}' gives {meta.get('points')} point(s), its check in "
                                  f"exercises/{catalogue.EXERCISES[name].info.assignment}/checks.py gives {want:g}: "
                                  "make them agree")


def fill(cell_source: str, reference) -> str:
    """cell_source with its solution region holding the body of `reference`."""
    if reference is None:
        raise ValueError("no check of this assignment has that function name (grade_id <function>_solution)")
    match = re.search(rf"^([ \t]*){re.escape(BEGIN)}[ \t]*\n(?:.*\n)*?[ \t]*{re.escape(END)}[ \t]*$",
                      cell_source, re.M)
    if not match:
        raise ValueError(f"no region '{BEGIN}' … '{END}' to fill")
    mine, theirs = _definition(cell_source, reference.__name__), _definition(_source(reference), reference.__name__)
    if ast.dump(mine.args) != ast.dump(theirs.args):
        raise ValueError(f"the cell's parameters ({ast.unparse(mine.args)}) are not the reference's "
                         f"({ast.unparse(theirs.args)}) in {inspect.getsourcefile(reference)}")
    indent = match.group(1)
    body = textwrap.indent(body_of(reference), indent)
    return cell_source[:match.start()] + f"{indent}{BEGIN}\n{body}{indent}{END}" + cell_source[match.end():]


def _shared(name: str, notebook) -> str:
    path = exercises.HOME / "shared" / name
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as e:
        raise NotebookSourceError(f"{notebook}: cannot include {name}: {e}") from e
    tree = ast.parse(source)
    skip = tree.body[0].end_lineno if ast.get_docstring(tree, clean=False) is not None else 0
    return "".join(source.splitlines(True)[skip:]).strip("\n")


def body_of(function) -> str:
    """The statements of `function` after its docstring, dedented, ending in a newline."""
    source = _source(function)
    node = _definition(source, function.__name__)
    has_docstring = ast.get_docstring(node, clean=False) is not None
    first = node.body[0].end_lineno if has_docstring else node.body[0].lineno - 1
    lines = source.splitlines(True)[first:node.end_lineno]
    return textwrap.dedent("".join(lines)).strip("\n") + "\n"


def _source(function) -> str:
    return textwrap.dedent(inspect.getsource(function))


def _definition(source: str, name: str) -> ast.FunctionDef:
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise ValueError(f"not valid Python (line {e.lineno}: {e.msg})") from None
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    if not found:
        raise ValueError(f"no top-level `def {name}(…)`")
    return found[0]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _unique(cell_id: str, seen: dict) -> str:
    seen[cell_id] = seen.get(cell_id, 0) + 1
    return cell_id if seen[cell_id] == 1 else f"{cell_id}-{seen[cell_id]}"
