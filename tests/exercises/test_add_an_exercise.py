"""The README's guide to adding an exercise, followed to the letter in a copy of the tree.

Its three code blocks go into the three files it names; nothing else changes. The copy then
releases 02_regression (the gate runs the new cells in a real kernel) and grades a learner whose
new function has the sign flipped: the grader names the mistake.
"""
import csv
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader import catalogue, samples

REPO = Path(__file__).resolve().parents[2]
A = "02_regression"


def _guide():
    """[(file, code)] of the README's "Add an exercise" steps, in order."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("**Add an exercise**"):text.index("**Add an assignment**")]
    steps = re.findall(r"^\d\. `([^`]+)`:.*?```python\n(.*?)```", section, re.M | re.S)
    return [(path, "\n".join(line[3:] for line in code.split("\n"))) for path, code in steps]


def _digests(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def _follow(tree, steps):
    """Each step's code where the guide says: the reference at the end of its module, the check
    after the entry of dL_db12, the notebook's cells right after the test cell of dL_db12."""
    for path, code in steps:
        target = tree / path
        text = target.read_text(encoding="utf-8")
        if target.name == "checks.py":
            at = text.index("\n", text.index('_single("dL_db12"')) + 1
        elif target.name == f"{A}.py":
            at = text.index("\n# %%", text.index('"grade_id": "test_dL_db12"')) + 1
            code = "\n" + code.rstrip("\n") + "\n\n"
        else:
            at, code = len(text), "\n\n" + code
        target.write_text(text[:at] + code + text[at:], encoding="utf-8")


def _run(tree, *args):
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    done = subprocess.run([sys.executable, "-m", "grader", *args], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_guide_has_three_steps_in_three_files():
    steps = _guide()
    assert [p for p, _ in steps] == ["solutions/regression.py", f"exercises/{A}/checks.py", f"exercises/{A}/{A}.py"]
    assert all("dL_dx1" in code for _, code in steps)


@pytest.mark.slow
def test_adding_an_exercise_takes_three_files_and_is_graded_with_a_diagnosis(tmp_path):
    tree = tmp_path / "tree"
    for top in ("exercises", "solutions", "grader"):
        shutil.copytree(REPO / top, tree / top, ignore=shutil.ignore_patterns("__pycache__"))
    before = _digests(tree)
    _follow(tree, _guide())
    after = _digests(tree)
    changed = sorted(p for p in after if before.get(p) != after[p])
    assert changed == sorted(p for p, _ in _guide()) and set(before) == set(after)

    course = tmp_path / "course"
    out = _run(tree, "release", "--course", str(course), "--assignment", A)
    count = len(catalogue.ASSIGNMENTS[A]) + 1
    points = sum(catalogue.EXERCISES[n].info.points for n in catalogue.ASSIGNMENTS[A]) + 1
    assert f"released {A}: {count} diagnosed exercises, {points:g} points" in out

    source = nbformat.read(course / "source" / A / f"{A}.ipynb", as_version=4)
    student = nbformat.read(course / "release" / A / f"{A}.ipynb", as_version=4)
    assert any(c.metadata.get("nbgrader", {}).get("grade_id") == "test_dL_dx1" for c in student.cells)
    slip = ("def dL_dx1(y, y_hat, W2_11, W1_11, W2_21, W1_12):\n"
            "    return 2 * (y - y_hat) * (W2_11 * W1_11 + W2_21 * W1_12)\n")
    target = course / "submitted" / "ann" / A / f"{A}.ipynb"
    target.parent.mkdir(parents=True)
    nbformat.write(samples.submission(student, source, {"dL_dx1": slip}), target)
    _run(tree, "grade", "--course", str(course), "--jobs", "1")

    with open(course / "exercise_scores.csv", newline="", encoding="utf-8") as f:
        rows = {r["exercise"]: r for r in csv.DictReader(f) if r["student_id"] == "ann"}
    assert len(rows) == count
    assert rows["dL_dx1"]["diagnosis"] == "sign_flipped" and float(rows["dL_dx1"]["score"]) == 0
    assert {r["diagnosis"] for name, r in rows.items() if name != "dL_dx1"} == {"ok"}
