"""The learner-side self-check package: runs without the grader, holds no reference and no hidden case."""
import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import solutions
from grader import catalogue
from grader.check import GRADING_SEED, check
from grader.judge import wire
from grader.selfcheck_package import PACKAGE, write_selfcheck

ASSIGNMENT = "02_regression"
SOLUTIONS_DIR = Path(solutions.__file__).parent

LEARNER_SCRIPT = r'''
import importlib.abc
import sys


class Forbid(importlib.abc.MetaPathFinder):
    """Prove the package needs neither the grader nor the solutions, installed or not."""
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("grader", "solutions"):
            raise ImportError(f"{name} must not be importable here")
        return None


sys.meta_path.insert(0, Forbid())

from backprop_selfcheck import check, check_all, result


def dL_dyhat(y, y_hat):
    return -2 * (y - y_hat)


def mse_loss(y, y_hat):
    return (y - y_hat) ** 2


def dL_dW2_11(y, y_hat, O11):
    return 2 * (y - y_hat) * O11        # sign flipped


def dL_db21(y, y_hat):
    raise NotImplementedError


print("RETURNED", check("dL_dyhat", dL_dyhat))
outcome = result("dL_dyhat", dL_dyhat)
print("DIAGNOSIS", outcome.diagnosis, outcome.score, outcome.max_score)

try:
    check("dL_dyhat", lambda y, y_hat: 2 * (y - y_hat))
except AssertionError as exc:
    print("ASSERTION", exc)
else:
    print("NO ASSERTION")

try:
    check("dL_dyhat", lambda y, y_hat: -(y - y_hat))
except AssertionError as exc:
    print("ASSERTION", exc)

cascade = {}
exec("def dL_dyhat(y, y_hat):\n    return 2 * (y - y_hat)\n\n"
     "def dL_db11(y, y_hat, W2_11):\n    return dL_dyhat(y, y_hat) * W2_11\n", cascade)
print("CASCADE", result("dL_db11", cascade["dL_db11"]).diagnosis)
check("dL_db11", cascade["dL_db11"])
print("STRICT", result("dL_db11", cascade["dL_db11"], carry_forward=False).message)

print("TABLE")
print("RETURNS", check_all(globals()))
print("LOADED", sorted(m for m in sys.modules if m.split(".")[0] in ("grader", "solutions")))
'''


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("notebook_dir")
    path = write_selfcheck(root, ASSIGNMENT)
    assert path == root / PACKAGE
    return path


@pytest.fixture(scope="module")
def learner_run(package_dir):
    root = package_dir.parent
    script = root / "learner.py"
    script.write_text(LEARNER_SCRIPT, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(root)
    env["PYTHONIOENCODING"] = "utf-8"
    proc = subprocess.run([sys.executable, str(script)], cwd=root, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def package_files(package_dir):
    """The files release writes into the package; not the bytecode Python caches there once a test
    (or a learner) has imported it."""
    return sorted(p for p in package_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def test_package_layout(package_dir):
    names = {p.name for p in package_files(package_dir)}
    assert "__init__.py" in names and "selfcheck.py" in names and "public_cases.json" in names
    assert all(n.endswith((".py", ".json")) for n in names)


def test_correct_function_prints_a_tick(learner_run):
    assert "✔ dL_dyhat: Correct on both cases. (1 point when graded" in learner_run
    # and, opened with the learner's own right answers, the formula the exercise kept to itself
    assert "\n  the formula: ∂L/∂ŷ = −2(y − ŷ) = 2(ŷ − y)\n" in learner_run
    assert learner_run.count("the formula:") == 1  # not for the wrong ones, nor for a carried-forward one
    assert "DIAGNOSIS ok 1 1" in learner_run
    assert "RETURNED None" in learner_run  # nbgrader would read a returned number as a score


def test_sign_flipped_raises_assertion_naming_the_sign(learner_run):
    line = next(l for l in learner_run.splitlines() if l.startswith("ASSERTION ✘ dL_dyhat [sign_flipped]"))
    assert "sign" in line.split("]", 1)[1]
    assert "NO ASSERTION" not in learner_run
    # the same message as the grader gives on its hidden cases
    graded = check("dL_dyhat", lambda y, y_hat: 2 * (y - y_hat))
    assert graded.diagnosis == "sign_flipped" and graded.message in line


def test_lost_factor_is_named(learner_run):
    assert any(l.startswith("ASSERTION ✘ dL_dyhat [constant_factor]") and "1/2 times" in l
               for l in learner_run.splitlines())


def test_a_cascade_is_explained_as_the_grader_explains_it(learner_run):
    assert "CASCADE carried_forward" in learner_run
    assert ("✔ dL_db11: Right, given a correct `dL_dyhat`; `dL_dyhat` cost you 1 point, and this one keeps "
            "its points (error carried forward).") in learner_run
    strict = next(l for l in learner_run.splitlines() if l.startswith("STRICT"))
    assert strict.endswith("It calls `dL_dyhat`, which is wrong: fix that first.")


def test_check_all_prints_a_table(learner_run):
    table = learner_run.split("TABLE\n", 1)[1].splitlines()
    names = catalogue.ASSIGNMENTS[ASSIGNMENT]
    rows = table[:len(names)]
    assert [r.split()[1] for r in rows] == names
    by_name = {r.split()[1]: r for r in rows}
    assert by_name["dL_dyhat"].split()[0] == "✔" and by_name["dL_dyhat"].split()[2] == "ok"
    assert by_name["mse_loss"].split()[:3] == ["✔", "mse_loss", "ok"]
    assert by_name["dL_dW2_11"].split()[:3] == ["✘", "dL_dW2_11", "sign_flipped"]
    assert by_name["dL_db21"].split()[:3] == ["✘", "dL_db21", "not_implemented"]
    assert by_name["train_regression"].split()[:3] == ["✘", "train_regression", "missing"]
    assert table[len(names)] == f"2 of {len(names)} exercises pass their public cases."
    assert "RETURNS None" in learner_run


def test_learner_process_never_loaded_grader_or_solutions(learner_run):
    assert "LOADED []" in learner_run


def test_no_file_imports_solutions_or_grader(package_dir):
    for path in package_files(package_dir):
        if path.suffix != ".py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""] if node.level == 0 else []
                if node.level > 1:
                    pytest.fail(f"{path.name} imports from outside the package")
            else:
                continue
            for module in modules:
                assert module.split(".")[0] not in ("solutions", "grader"), f"{path.name} imports {module}"
                assert module.split(".")[0] in ("numpy", "json", "functools", "pathlib", "copy", "math",
                                                "dataclasses", "fractions", "collections", "linecache", "os", "dis",
                                                "difflib", "hashlib", "types"), module


def _reference_lines():
    """Every line of at least 20 characters from the function bodies of solutions/*.py."""
    lines = set()
    for module in SOLUTIONS_DIR.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        for fn in (n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef)):
            body = fn.body
            if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            for statement in body:
                lines.update(l.strip() for l in ast.get_source_segment(source, statement).splitlines()
                             if len(l.strip()) >= 20)
    return lines


def test_package_holds_no_reference_code(package_dir):
    lines = _reference_lines()
    assert "return dL_dyhat(y, y_hat) * W2_11 * x1" in lines and len(lines) > 100
    for path in package_files(package_dir):
        text = path.read_text(encoding="utf-8")
        assert "dL_dyhat(y, y_hat) * W2_11 * x1" not in text
        assert "def dL_dyhat" not in text and "def train_row_by_row" not in text
        leaked = [l for l in lines if l in text]
        assert not leaked, f"{path.name} contains reference code: {leaked[:3]}"


@pytest.fixture(scope="module")
def public(package_dir):
    bundle = json.loads((package_dir / "public_cases.json").read_text(encoding="utf-8"))
    assert bundle["policy"] == "carry_forward"
    return bundle["exercises"]


def _key(arguments):
    return json.dumps(wire.encode(list(arguments)), sort_keys=True)


def test_public_cases_cover_exactly_the_assignment(public):
    assert list(public) == catalogue.ASSIGNMENTS[ASSIGNMENT]


def test_public_cases_are_worked_cases_plus_at_most_two_random_states(public):
    for name, entry in public.items():
        exercise = catalogue.EXERCISES[name]
        cases = [wire.decode(c) for c in entry["cases"]]
        n_worked = len(exercise.worked)
        assert n_worked <= len(cases) <= n_worked + 2
        assert len(cases) == n_worked + min(2, exercise.n_random)
        for case, (label, arguments) in zip(cases, exercise.worked):
            assert case["label"] == label and _key(case["inputs"]) == _key(arguments)
            assert case["worked"] is True
        for i, case in enumerate(cases[n_worked:]):
            assert case["label"] == f"random state {i + 1}" and case["worked"] is False
        assert set(cases[0]) == {"inputs", "want", "variants", "label", "worked", "given"}


def test_public_cases_hold_none_of_the_hidden_inputs(public, package_dir):
    text = (package_dir / "public_cases.json").read_text(encoding="utf-8")
    for name, entry in public.items():
        exercise = catalogue.EXERCISES[name]
        hidden = exercise.inputs(GRADING_SEED)[len(exercise.worked):]
        assert len(hidden) == exercise.n_random
        public_keys = {_key(wire.decode(c)["inputs"]) for c in entry["cases"]}
        for label, arguments in hidden:
            assert _key(arguments) not in public_keys, f"{name}: hidden {label} is public"
            # and no distinctive hidden number appears anywhere in the file
            numbers = [x for x in _floats(wire.decode(wire.encode(list(arguments)))) if len(repr(x)) > 10]
            assert numbers, f"{name}: {label} has no distinctive number to look for"
            for x in numbers:
                assert repr(x) not in text, f"{name}: {label} leaks {x!r}"


def _floats(value):
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _floats(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _floats(v)
    elif hasattr(value, "dtype") and value.dtype.kind == "f":
        yield from (float(v) for v in value.ravel())


ALIGNMENT_SCRIPT = r'''
import numpy as np
from backprop_selfcheck import check, check_all


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_derivative(a):
    return sigmoid(a) * (1 - sigmoid(a))  # σ′ of the activation, not of z


check_all(globals())
try:
    check("sigmoid_derivativ", sigmoid_derivative)
except LookupError as exc:
    print("UNKNOWN", type(exc).__name__, exc)
'''


def test_check_all_keeps_its_columns_with_a_long_code_and_names_an_unknown_exercise(tmp_path):
    write_selfcheck(tmp_path, "03_classification")
    (tmp_path / "learner.py").write_text(ALIGNMENT_SCRIPT, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(tmp_path),
                                                                       "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, "learner.py"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    rows = lines[:len(catalogue.ASSIGNMENTS["03_classification"])]
    long = next(r for r in rows if "activation_derivative_on_preactivation" in r)
    missing = next(r for r in rows if " missing " in r)
    assert long.index("activation_derivative_on_preactivation") == missing.index("missing")
    # every message starts in one column, right after the longest code and two spaces
    starts = {len(r) - len(r.split("  ")[-1].lstrip()) for r in (long, missing)}
    assert starts == {long.index("activation_derivative_on_preactivation") + len("activation_derivative_on_preactivation") + 2}
    unknown = next(l for l in lines if l.startswith("UNKNOWN"))
    assert unknown.startswith("UNKNOWN UnknownExercise There is no exercise named 'sigmoid_derivativ' here. "
                              "Did you mean 'sigmoid_derivative'?")


def test_the_grader_api_names_an_unknown_exercise():
    with pytest.raises(LookupError, match="no exercise named 'dL_dyaht'.*Did you mean 'dL_dyhat'"):
        check("dL_dyaht", lambda y, y_hat: 0.0)
