"""A notebook opened away from its assignment folder says what is missing, in a real kernel."""
import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

import exercises
from grader.source_notebook import build

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("assignment", exercises.ASSIGNMENTS[:1] + exercises.ASSIGNMENTS[-1:])
def test_a_notebook_without_its_selfcheck_folder_names_the_folder(assignment, tmp_path):
    setup = next(c for c in build(assignment).cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(setup.source)])
    client = NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError) as raised:
        client.execute()
    error = next(o for o in nb.cells[0].outputs if o.output_type == "error")
    assert error.ename == "ModuleNotFoundError"
    assert error.evalue.startswith("backprop_selfcheck/, the folder that checks your answers, is not beside this "
                                   "notebook: open the notebook inside the assignment folder you were given.")
    assert "During handling" not in str(raised.value)  # one error, not a chain of two
