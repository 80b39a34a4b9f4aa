"""The six instructor source notebooks, shipped inside the package."""
from importlib.resources import files

ASSIGNMENTS = ("01_derivatives", "02_regression", "03_classification", "04_worked_example",
               "05_training", "06_vectorized")


def notebook_path(assignment):
    """Path of exercises/<assignment>/<assignment>.ipynb inside the installed package."""
    if assignment not in ASSIGNMENTS:
        raise KeyError(f"unknown assignment {assignment!r}; the assignments are {', '.join(ASSIGNMENTS)}")
    return files(__name__) / assignment / f"{assignment}.ipynb"
