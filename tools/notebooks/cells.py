"""Building blocks for the source notebooks: nbgrader cells (metadata schema 3) made with nbformat.

Each notebook is described by a module tools/notebooks/nb_<assignment>.py whose CELLS list is made
of these; tools/notebooks/build.py writes exercises/<a>/<a>.ipynb from it.
"""
import nbformat.v4 as nbf

from grader.catalogue import EXERCISES


def _nbgrader(grade_id, *, grade=False, solution=False, locked=False, points=None):
    meta = {"grade": grade, "solution": solution, "locked": locked, "grade_id": grade_id,
            "schema_version": 3}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def md(text, grade_id=None):
    """Teaching text. With a grade_id it is a locked nbgrader cell (the learner cannot edit it)."""
    cell = nbf.new_markdown_cell(text.strip("\n"))
    if grade_id:
        cell.metadata.update(_nbgrader(grade_id, locked=True))
    return cell


def setup(code, grade_id):
    """Locked code the learner runs but cannot change (imports, data, helper plots)."""
    return nbf.new_code_cell(code.strip("\n"), metadata=_nbgrader(grade_id, locked=True))


def solution(name, code):
    """The learner's cell for catalogue function `name`; code holds BEGIN/END SOLUTION markers."""
    return nbf.new_code_cell(code.strip("\n"), metadata=_nbgrader(f"{name}_solution", solution=True))


def test(name):
    """The graded, locked test cell of `name`: public self-check, then the hidden full check.

    Its points are the catalogue's, so the notebook and the batch grader cannot disagree.
    """
    points = EXERCISES[name].info.points
    code = (f'check("{name}", {name})\n'
            "### BEGIN HIDDEN TESTS\n"
            "from grader.notebook import full_check\n"
            f'full_check("{name}", {name})\n'
            "### END HIDDEN TESTS")
    return nbf.new_code_cell(code, metadata=_nbgrader(f"test_{name}", grade=True, locked=True,
                                                      points=points))


def free(code):
    """An ordinary code cell the learner may edit and run (experiments, pictures of their work)."""
    return nbf.new_code_cell(code.strip("\n"))


IMPORTS = """
import numpy as np
import matplotlib.pyplot as plt
from backprop_selfcheck import check, check_all
"""
