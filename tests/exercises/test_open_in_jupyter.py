"""The six notebooks open in JupyterLab 4 and in Notebook 7: a real server, a real browser.

Headless Chromium loads each notebook's page and the test reads the rendered DOM: the notebook's
title and all its cells must be there. The text notebooks of exercises/ open as notebooks too
(jupytext's contents manager, installed with the package), nbgrader metadata included.
"""
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest

import exercises
from exercises import ASSIGNMENTS
from grader.source_notebook import build

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("notebooks")
    for a in ASSIGNMENTS:
        nbformat.write(build(a), root / f"{a}.ipynb")
        shutil.copy(exercises.text_notebook(a), root / f"{a}.py")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
                             f"--port={port}", "--ServerApp.ip=127.0.0.1", "--ServerApp.token=",
                             "--ServerApp.password=", f"--ServerApp.root_dir={root}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/status", timeout=2) as r:
                json.load(r)
            break
        except OSError:
            assert time.monotonic() < deadline, "jupyter lab did not start"
            time.sleep(0.3)
    yield base, root
    proc.terminate()
    proc.wait(timeout=30)


def _rendered(url, profile):
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed for this test: apt-get install chromium (.ci/run does)"
    return subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=20000",
                           "--dump-dom", url], capture_output=True, text=True, timeout=180).stdout


def _title(assignment):
    first = build(assignment).cells[0].source
    return first.splitlines()[0].lstrip("# ").split("—")[0].strip()


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_opens_in_jupyterlab_4(server, assignment, tmp_path):
    base, root = server
    with urllib.request.urlopen(f"{base}/api/contents/{assignment}.ipynb") as r:
        model = json.load(r)
    assert model["type"] == "notebook" and model["content"]["nbformat"] == 4
    dom = _rendered(f"{base}/lab/tree/{assignment}.ipynb", tmp_path / "profile")
    assert "JupyterLab" in dom or "jp-LabShell" in dom
    assert _title(assignment) in dom
    n_cells = len(nbformat.read(root / f"{assignment}.ipynb", as_version=4).cells)
    assert dom.count('class="lm-Widget jp-Cell') >= min(n_cells, 10)  # cells rendered (Lab renders lazily)


@pytest.mark.slow
def test_opens_in_notebook_7(server, tmp_path):
    base, _ = server
    dom = _rendered(f"{base}/notebooks/02_regression.ipynb", tmp_path / "profile")
    assert _title("02_regression") in dom and "jp-Notebook" in dom


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_text_notebook_opens_as_a_notebook(server, assignment):
    base, _ = server
    with urllib.request.urlopen(f"{base}/api/contents/{assignment}.py?type=notebook") as r:
        model = json.load(r)
    assert model["type"] == "notebook"
    built = build(assignment)
    cells = model["content"]["cells"]
    assert [c["cell_type"] for c in cells] == [c.cell_type for c in built.cells]
    assert [c["metadata"].get("nbgrader") for c in cells] == [c.metadata.get("nbgrader") for c in built.cells]


@pytest.mark.slow
def test_the_text_notebook_renders_in_jupyterlab(server, tmp_path):
    base, _ = server
    dom = _rendered(f"{base}/lab/tree/02_regression.py", tmp_path / "profile")
    assert _title("02_regression") in dom and dom.count('class="lm-Widget jp-Cell') >= 10
