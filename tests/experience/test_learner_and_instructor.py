"""Issue 7 end to end: the learner's own notebook, the feedback page in a real browser, the class
report and the demo.

A learner hands in 02_regression with the sign of ∂L/∂ŷ flipped: the test cell in their notebook,
run in a real kernel, says "sign"; so does their feedback page rendered by headless Chromium.
"""
import base64
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest

import grader
from exercises import ASSIGNMENTS
from grader import catalogue, samples
from grader.class_report import render
from grader.grade import grade
from grader.release import release

A = "02_regression"
TOTAL = sum(e.info.points for e in catalogue.EXERCISES.values())  # the demo's six assignments
FLIPPED = "def dL_dyhat(y, y_hat):\n    return 2 * (y - y_hat)\n"
REPO = Path(grader.__file__).resolve().parent.parent
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    release(root, [A])
    student = nbformat.read(root / "release" / A / f"{A}.ipynb", as_version=4)
    source = nbformat.read(root / "source" / A / f"{A}.ipynb", as_version=4)
    nb = samples.submission(student, source, {"dL_dyhat": FLIPPED})
    folder = root / "submitted" / "sam" / A
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{A}.ipynb")
    grade(root, jobs=1, quiet=True)
    return root


@pytest.mark.slow
def test_the_learners_notebook_says_sign(course, tmp_path):
    """Run sam's notebook as sam would: in the released folder, with only the student files."""
    workdir = tmp_path / A
    shutil.copytree(course / "release" / A, workdir)
    nb = nbformat.read(course / "submitted" / "sam" / A / f"{A}.ipynb", as_version=4)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the student needs no grader
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                                     resources={"metadata": {"path": str(workdir)}})
    client.km = client.create_kernel_manager()
    client.start_new_kernel(env=env)
    client.start_new_kernel_client()
    try:
        client.execute(cleanup_kc=False)
    finally:
        client._cleanup_kernel()
    outputs = _cell(nb, "test_dL_dyhat").outputs
    error = next(o for o in outputs if o.output_type == "error")
    assert error.ename == "AssertionError" and "[sign_flipped]" in error.evalue and "sign" in error.evalue
    assert "order of y and ŷ" in error.evalue
    assert "−2(y − ŷ)" not in error.evalue and "the formula" not in error.evalue  # sam is to derive it
    carried = "".join(o.get("text", "") for o in _cell(nb, "test_dL_dW2_11").outputs)
    assert "✔ dL_dW2_11: Right, given a correct `dL_dyhat`" in carried and "the formula" not in carried
    passed = "".join(o.get("text", "") for o in _cell(nb, "test_mse_loss").outputs)
    assert "✔ mse_loss" in passed and "121" in passed  # the document's worked case beside the answer


def _chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Debian's chromium is needed for this test: apt-get install chromium (.ci/run does)"
    return path


@pytest.mark.slow
def test_feedback_page_in_chromium_says_sign(course, tmp_path):
    page = course / "diagnosis" / "sam" / A / f"{A}.html"
    url = page.as_uri()
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    shot = tmp_path / "feedback.png"
    subprocess.run([_chromium(), *CHROMIUM_FLAGS, *profile, f"--screenshot={shot}", "--window-size=1100,1400", url],
                   check=True, capture_output=True, timeout=120)
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000  # a drawn page, not a blank one
    dom = subprocess.run([_chromium(), *CHROMIUM_FLAGS, *profile, "--dump-dom", url],
                         check=True, capture_output=True, text=True, timeout=120).stdout
    assert "sign_flipped" in dom and "The sign is flipped" in dom
    assert "return 2 * (y - y_hat)" in dom  # sam's own code beside the diagnosis
    assert "http://" not in dom and "https://" not in dom  # standalone: no external assets


@pytest.mark.slow
def test_class_report_carries_its_pictures(course):
    html = (course / "report.html").read_text(encoding="utf-8")
    images = [part.split('"', 1)[0] for part in html.split('src="data:image/png;base64,')[1:]]
    assert len(images) == 2
    for image in images:
        assert base64.b64decode(image).startswith(b"\x89PNG")
    assert "flipped the sign" in html and "dL_dyhat" in html
    assert '<div class="formula">∂L/∂ŷ = −2(y − ŷ) = 2(ŷ − y)</div>' in html  # the instructor's page has it


def test_report_ranks_exercises_and_names_shares():
    rows = [{"student_id": f"s{i}", "assignment": A, "exercise": name, "score": 0 if bad else 1,
             "max_score": 1, "diagnosis": code if bad else "ok"}
            for i in range(8)
            for name, bad, code in (("dL_dyhat", i < 3, "sign_flipped"), ("mse_loss", i < 1, "constant_factor"))]
    html = render(rows)
    assert html.index("<code>dL_dyhat</code>") < html.index("<code>mse_loss</code>")  # hardest first
    assert "38% flipped the sign" in html and "12% were off by a constant factor" in html
    assert 'class="formula"' not in html


def test_report_shows_the_instructor_each_exercises_formula():
    rows = [{"student_id": "s1", "assignment": A, "exercise": "dL_dyhat", "score": 0, "max_score": 1,
             "diagnosis": "sign_flipped"}]
    html = render(rows, formulas={"dL_dyhat": "∂L/∂ŷ = −2(y − ŷ) <b>"})
    assert '<code>dL_dyhat</code><div class="formula">∂L/∂ŷ = −2(y − ŷ) &lt;b&gt;</div>' in html


@pytest.mark.slow
def test_cli_demo_exits_0(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "grader", "demo"], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "class report:" in done.stdout and "isolation:" in done.stdout
    released = [line.split()[0] for line in done.stderr.splitlines() if "  install ✔  " in line]
    assert released == list(ASSIGNMENTS)  # release's progress: a line per assignment, stderr not a terminal
    table = {line.split()[0]: line.split()[-1] for line in done.stdout.splitlines()
             if line.split() and line.split()[0] in ("perfect", "struggling", "hostile")}
    full = f"{TOTAL:g}/{TOTAL:g}"
    assert table["perfect"] == full and table["struggling"] != full and table["hostile"] != full
    course = Path(done.stdout.split("course directory: ", 1)[1].split()[0])
    assert len(list((course / "diagnosis").glob("*/*/*.html"))) == 18
