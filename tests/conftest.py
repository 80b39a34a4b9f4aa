"""Fixtures shared across the suite."""
import pytest

from exercises import ASSIGNMENTS, notebook_path


@pytest.fixture(scope="session")
def released_all(tmp_path_factory):
    """Every assignment released once, the gate included: {"root": the course, "packaged": the
    notebooks it was released from}. Tests work on copies of it."""
    from grader import release as release_module
    root = tmp_path_factory.mktemp("released-all") / "course"
    packaged = {a: notebook_path(a).read_bytes() for a in ASSIGNMENTS}  # pinned: others may rebuild them
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(release_module, "packaged_notebook", packaged.__getitem__)
        release_module.release(root)
    return {"root": root, "packaged": packaged}
