"""Write exercises/<a>/<a>.ipynb from tools/notebooks/nb_<a>.py: python tools/notebooks/build.py [A ...]"""
import importlib
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(Path(__file__).parent), str(ROOT)]

ASSIGNMENTS = ("01_derivatives", "02_regression", "03_classification", "04_worked_example",
               "05_training", "06_vectorized")


def notebook(assignment):
    """The notebook described by tools/notebooks/nb_<assignment>.py, validated."""
    cells = importlib.import_module(f"nb_{assignment}").CELLS
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata.update({"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                        "language_info": {"name": "python"}})
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{assignment[:2]}-{i:03d}"
    nbformat.validate(nb)
    return nb


def build(assignment):
    path = ROOT / "exercises" / assignment / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook(assignment), path)
    return path


if __name__ == "__main__":
    for a in sys.argv[1:] or ASSIGNMENTS:
        print(build(a))
