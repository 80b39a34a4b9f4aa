"""`grade --dask`: the same grading spread over a Dask cluster gives the same files (issue 6).

A LocalCluster of two worker processes stands in for a real cluster; the workers share nothing
with the client but the installed package: each task carries the notebook's and the source's
text, and each worker grades in its own sandbox (a warm zygote per worker thread). Dask is a
test requirement in CI (`pip install ".[test,dask]"`): without it this test fails, it is not
skipped.
"""
import shutil

import nbformat
import pytest

from grader import samples
from grader.cli import main
from grader.grade import grade
from grader.release import release
from grader.sandbox import Limits

pytestmark = pytest.mark.slow  # a local Dask cluster

ASSIGNMENTS = ["01_derivatives", "05_training"]
LIMITS = Limits(cpu=20, call_cpu=2, cell_cpu=4)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Two released assignments and a class: the reference, the stubs, the struggling and the
    hostile sample learner, a notebook that is not JSON and a folder with no notebook."""
    root = tmp_path_factory.mktemp("dask") / "course"
    release(root, ASSIGNMENTS)
    learners = {"perfect": {}, "struggling": samples.overrides("struggling"),
                "hostile": samples.overrides("hostile")}
    for a in ASSIGNMENTS:
        student = nbformat.read(root / "release" / a / f"{a}.ipynb", as_version=4)
        source = nbformat.read(root / "source" / a / f"{a}.ipynb", as_version=4)
        for learner, overrides in learners.items():
            target = root / "submitted" / learner / a / f"{a}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(samples.submission(student, source, overrides.get(a)), target)
        stubs = root / "submitted" / "stubs" / a / f"{a}.ipynb"
        stubs.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(student, stubs)
    broken = root / "submitted" / "broken" / ASSIGNMENTS[0] / f"{ASSIGNMENTS[0]}.ipynb"
    broken.parent.mkdir(parents=True)
    broken.write_text("{ not json", encoding="utf-8")
    (root / "submitted" / "absent" / ASSIGNMENTS[1]).mkdir(parents=True)
    return root


def _outputs(root):
    from nbgrader.api import Gradebook
    files = [root / "grades.csv", root / "exercise_scores.csv", root / "grading_problems.csv",
             *sorted((root / "diagnosis").rglob("*.html"))]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        scores = sorted((s.student_id, s.assignment.name, s.score)
                        for a in ASSIGNMENTS for s in gb.assignment_submissions(a))
    return {str(f.relative_to(root)): f.read_bytes() for f in files}, scores


def test_dask_cluster_gives_the_same_files_as_a_local_run(course, tmp_path):
    from distributed import LocalCluster  # a test requirement: fails, does not skip, without Dask

    local, remote = tmp_path / "local", tmp_path / "remote"
    shutil.copytree(course, local)
    shutil.copytree(course, remote)
    summary = grade(local, jobs=2, limits=LIMITS, quiet=True)
    assert summary.graded == 10
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        distributed = grade(remote, limits=LIMITS, quiet=True, dask=cluster.scheduler_address)
        assert distributed.graded == 10 and distributed.landlock == summary.landlock
        files, scores = _outputs(remote)
        assert (files, scores) == _outputs(local)
        assert {s for s, _, score in scores if score > 0} >= {"perfect", "struggling"}
        again = grade(remote, limits=LIMITS, quiet=True, dask=cluster.scheduler_address)
        assert again.graded == 0 and again.reused == 10  # the same cache as a local run
    assert local.joinpath("grades.csv").read_text() == remote.joinpath("grades.csv").read_text()


def test_an_unreachable_scheduler_is_an_operator_error(course, tmp_path, capsys):
    root = tmp_path / "course"
    shutil.copytree(course, root)
    assert main(["grade", "--course", str(root), "--dask", "tcp://127.0.0.1:9"]) == 2
    assert "Dask scheduler" in capsys.readouterr().err
