"""The demo's sample class: learner code for a struggling and a hostile learner.

Each file <assignment>__<function>.py is the code a learner typed into that function's solution
cell; every other cell of the sample submission is the reference notebook's own solution.
"""
import copy
from importlib.resources import files


def overrides(learner):
    """{assignment: {function: code}} for the sample learner "struggling" or "hostile"."""
    out = {}
    for path in sorted(files(__name__).joinpath(learner).iterdir(), key=lambda p: p.name):
        if path.name.endswith(".py"):
            assignment, function = path.name[:-3].split("__")
            out.setdefault(assignment, {})[function] = path.read_text(encoding="utf-8")
    return out


def strip_solution_markers(code):
    """Source-cell code as a learner who wrote the reference solution would have typed it."""
    return "\n".join(line for line in code.splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def submission(student_nb, source_nb, overrides=None):
    """A filled-in copy of a student notebook: each solution cell gets the source's solution,
    or the code in overrides[function] (function = grade_id without "_solution")."""
    overrides = overrides or {}
    solutions = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in source_nb.cells
                 if cell.metadata.get("nbgrader", {}).get("solution")}
    filled = copy.deepcopy(student_nb)
    for cell in filled.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id in solutions:
            function = grade_id.removesuffix("_solution")
            cell.source = overrides.get(function, strip_solution_markers(solutions[grade_id]))
    return filled
