"""Fixtures shared across the suite."""
import pytest

from exercises import ASSIGNMENTS


@pytest.fixture(scope="session")
def released_all(tmp_path_factory):
    """Every assignment released once, the gate included, two notebooks at a time: {"root": the
    course, "packaged": the source notebooks it was released from, as bytes}. Tests work on copies
    of it."""
    from grader import release as release_module
    root = tmp_path_factory.mktemp("released-all") / "course"
    release_module.release(root, jobs=2)  # the gate runs notebooks side by side, even on one core
    packaged = {a: release_module.packaged_notebook(a) for a in ASSIGNMENTS}
    return {"root": root, "packaged": packaged}
