"""The committed notebooks are exactly what tools/notebooks/ builds, and they validate."""
import importlib.util
from pathlib import Path

import nbformat
import pytest

from exercises import ASSIGNMENTS, notebook_path

BUILD = Path(__file__).resolve().parents[2] / "tools" / "notebooks" / "build.py"


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("notebook_build", BUILD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_notebook_is_the_built_one(build, assignment):
    committed = notebook_path(assignment).read_text(encoding="utf-8")
    assert nbformat.writes(build.notebook(assignment)) + "\n" == committed, \
        f"rebuild with: python tools/notebooks/build.py {assignment}"
    nbformat.validate(nbformat.reads(committed, as_version=4))
