"""The grader's hidden cases take every branch of the reference code they run, for every seed.

For each exercise, separately and in a fresh coverage.py measurement with branch=True, the reference
runs on the inputs of ex.cases(seed) (the worked cases, then the seed's random states), for several
seeds: each course grades with a seed of its own, so every seed's cases must cover on their own.
Every function of solutions/ those calls execute (the reference and, through the module globals,
the solution functions it calls) must then have taken every branch arc: a branch the cases never
take is a path of the reference on which a learner's function is never checked.

Coverage only sees branches of the control flow. Some branches of the mathematics are data, not
code: relu's two sides of its kink, both labels of a cross-entropy, a batch size that divides n. The
test_data_branches tests check that every seed's random states reach those, by construction of the
case generators.

`python -m pytest -s tests/solutions/test_branch_coverage.py` prints the overall figures.
"""
import ast
import functools
import inspect
import json
import linecache
import tempfile
from pathlib import Path

import coverage
import numpy as np
import pytest

import solutions as S
from grader import catalogue
from grader.judge import wire

SOLUTIONS = Path(S.__file__).resolve().parent
SEEDS = (1, 2, 3)
NAMES = list(catalogue.EXERCISES)
ASSIGNMENT_OF = {name: a for a, names in catalogue.ASSIGNMENTS.items() for name in names}

# Branch arcs no valid input can take, as (function, source of the line it leaves, source of the line
# it goes to, or "exit"): each with the reason no case may take it.
UNREACHABLE = {
    # the four kinds are the only valid activations; an unknown kind only raises ValueError, and an
    # exception cannot be a case's expected output
    ("activation_forward", 'if kind == "relu":', 'raise ValueError(f"unknown activation {kind!r}")'):
        "only an unknown activation kind gets past the four kinds",
    ("activation_backward", 'if kind == "relu":', 'raise ValueError(f"unknown activation {kind!r}")'):
        "only an unknown activation kind gets past the four kinds",
}


# ---------------------------------------------------------------- the functions of solutions/, by ast

@functools.cache
def functions_of(path: Path) -> tuple[tuple[str, int, int], ...]:
    """(qualified name, first line, last line) of every function in the file, nested ones included."""
    found = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + child.name
                found.append((name, child.lineno, child.end_lineno))
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(path.read_text(), str(path)), "")
    return tuple(found)


def function_at(path: Path, line: int) -> str | None:
    """The innermost function of the file whose lines include `line`."""
    spans = [(first, last, name) for name, first, last in functions_of(path) if first <= line <= last]
    return max(spans)[2] if spans else None


def source(path: Path, line: int) -> str:
    return "exit" if line < 0 else linecache.getline(str(path), line).strip()


# ---------------------------------------------------------------- one measurement per exercise and seed

def _json_report(cov) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "coverage.json"
        cov.json_report(outfile=str(out))
        return json.loads(out.read_text())


@functools.cache
def measured(name: str, seed: int) -> dict:
    """{(file, function): {"taken": {arc}, "missing": {arc}, "executed": bool}} for every function of
    the files of solutions/ that the reference runs on the cases of (name, seed), arcs (line, line)
    with line < 0 an exit; executed: whether those cases run the function."""
    exercise = catalogue.EXERCISES[name]
    # Outside the measurement: the generators and the known mistakes call solutions/ functions too.
    with np.errstate(all="ignore"):
        arguments = [wire.as_arguments(case.inputs) for case in exercise.cases(seed)]
    cov = coverage.Coverage(branch=True, data_file=None, config_file=False,
                            include=[str(SOLUTIONS / "*.py")])
    cov.start()
    try:
        for args in arguments:
            exercise.reference(*args)
    finally:
        cov.stop()
    report = _json_report(cov)
    functions = {}
    for file, data in report["files"].items():
        path = Path(file).resolve()
        executed = {function_at(path, line) for line in data["executed_lines"]}
        for name_, first, _ in functions_of(path):
            functions[(path, name_)] = {"taken": set(), "missing": set(), "executed": name_ in executed}
        for kind in ("executed_branches", "missing_branches"):
            for start, end in data[kind]:
                entry = functions[(path, function_at(path, start))]
                entry["taken" if kind == "executed_branches" else "missing"].add((start, end))
    return functions


def allowed(path: Path, function: str, arc: tuple[int, int]) -> bool:
    return (function, source(path, arc[0]), source(path, arc[1])) in UNREACHABLE


def missing_branches(name: str, seed: int) -> list[str]:
    """One line per branch arc of a function the cases run that they never take (allow-list aside)."""
    lines = []
    for (path, function), arcs in sorted(measured(name, seed).items()):
        for start, end in sorted(arcs["missing"]) if arcs["executed"] else ():
            if not allowed(path, function, (start, end)):
                target = "exit" if end < 0 else f"line {end}"
                lines.append(f"seed {seed}: {path.name}:{function}: line {start} → {target} never taken "
                             f"({source(path, start)!r} → {source(path, end)!r})")
    return lines


@pytest.mark.parametrize("name", NAMES)
def test_the_cases_take_every_branch_of_the_reference(name):
    problems = [line for seed in SEEDS for line in missing_branches(name, seed)]
    assert not problems, (f"{name}: the cases of exercises/{ASSIGNMENT_OF[name]}/checks.py miss branches "
                          "of the reference code they run:\n  " + "\n  ".join(problems))


def test_the_allow_list_names_real_branches():
    """Every entry of UNREACHABLE is a branch of solutions/ that some exercise's cases run up to."""
    seen = set()
    for name in NAMES:
        for (path, function), arcs in measured(name, SEEDS[0]).items():
            if arcs["executed"]:
                seen |= {(function, source(path, a), source(path, b)) for a, b in arcs["missing"]}
    assert set(UNREACHABLE) <= seen, set(UNREACHABLE) - seen


# ---------------------------------------------------------------- the overall figures

def branch_figures(seed: int) -> tuple[dict, dict, list]:
    """For one seed: ({solutions file: {"branches", "graded", "taken", "allowed"}}, the same summed over
    the exercises, each counting the functions it runs, and the functions no exercise runs).

    branches: every branch arc of the file; graded: those of the functions some exercise's reference
    runs; taken: those some exercise's cases take (each exercise measured on its own); allowed: the
    graded ones in UNREACHABLE."""
    arcs, taken, graded = {}, set(), set()
    per_exercise = {"graded": 0, "taken": 0, "allowed": 0}
    for name in NAMES:
        for (path, function), entry in measured(name, seed).items():
            both = {(path, function, arc) for arc in entry["taken"] | entry["missing"]}
            arcs.setdefault(path, set()).update(both)
            if entry["executed"]:
                graded |= both
                taken |= {(path, function, arc) for arc in entry["taken"]}
                per_exercise["graded"] += len(both)
                per_exercise["taken"] += len(entry["taken"])
                per_exercise["allowed"] += sum(allowed(path, function, arc) for arc in entry["missing"])
    files = {path: {"branches": len(every), "graded": len(every & graded), "taken": len(every & taken),
                    "allowed": sum(allowed(p, f, arc) for p, f, arc in every & graded)}
             for path, every in sorted(arcs.items())}
    ungraded = sorted({f"{p.name}:{f}" for p, f, _ in set().union(*arcs.values()) - graded})
    return files, per_exercise, ungraded


def test_summary_of_branch_coverage():
    """Prints the branch arcs taken / the branch arcs of the functions the references run, per solutions
    file and overall, for each seed (pytest -s shows it); and checks that every such arc is taken or
    allowed."""
    figures = {seed: branch_figures(seed) for seed in SEEDS}
    files = figures[SEEDS[0]][0]
    lines = ["branch coverage of solutions/ by the grader's cases (coverage.py, branch=True; each exercise "
             "measured on its own)",
             f"  {'taken / branches':20} " + "".join(f"{f'seed {s}':>10}" for s in SEEDS)
             + "   unreachable   in functions no reference runs"]
    for path in [*files, "all files"]:
        rows = {}
        for seed in SEEDS:
            per_file = figures[seed][0]
            rows[seed] = (per_file[path] if path != "all files" else
                          {k: sum(f[k] for f in per_file.values()) for k in ("branches", "graded", "taken", "allowed")})
        first = rows[SEEDS[0]]
        label = path.name if isinstance(path, Path) else path
        fractions = [f"{rows[s]['taken']}/{rows[s]['graded']}" for s in SEEDS]
        lines.append(f"  {label:20} " + "".join(f"{fraction:>10}" for fraction in fractions)
                     + f"   {first['allowed']:11}   {first['branches'] - first['graded']}")
        for seed in SEEDS:
            assert rows[seed]["taken"] + rows[seed]["allowed"] == rows[seed]["graded"], (label, seed, rows[seed])
    lines.append("  summed over the exercises, each over the functions it runs: " + ", ".join(
        f"seed {s}: {figures[s][1]['taken']}/{figures[s][1]['graded']} ({figures[s][1]['allowed']} unreachable)"
        for s in SEEDS))
    lines.append("  functions no exercise's reference runs: " + (", ".join(figures[SEEDS[0]][2]) or "none"))
    print("\n" + "\n".join(lines))


# ---------------------------------------------------------------- branches of the data, not the code
# Each checked on the random states alone: the worked cases are public, and the random states must
# catch a function that is right on one side only (relu taken as linear, an empty batch after the last).

def random_states(name: str, seed: int) -> list:
    return [case for case in catalogue.EXERCISES[name].cases(seed) if not case.worked]


def _relu_inputs(name: str, inputs: list) -> list[np.ndarray]:
    """The pre-activations Z that meet a relu in one case of an activation exercise."""
    if name in ("activation_forward", "activation_backward"):
        return [np.asarray(inputs[-2])] if inputs[-1] == "relu" else []
    if name == "mlp_forward":
        X, params, activations = wire.as_arguments(inputs)
        cache = S.mlp_forward(X, params, activations)[1]
    elif name == "mlp_backward":
        _, cache, _, activations = wire.as_arguments(inputs)
    else:  # gradient_check
        X, _, params, activations = wire.as_arguments(inputs)
        cache = S.mlp_forward(X, params, activations)[1]
    return [np.asarray(Z) for (_, Z), kind in zip(cache, activations) if kind == "relu"]


ACTIVATION_EXERCISES = ("activation_forward", "activation_backward", "mlp_forward", "mlp_backward", "gradient_check")


@pytest.mark.parametrize("name", ACTIVATION_EXERCISES)
def test_data_branches_relu_on_both_sides_of_its_kink_and_every_kind(name):
    """Every seed's random states meet relu with some Z < 0 and some Z > 0, and every activation kind."""
    for seed in SEEDS:
        cases = random_states(name, seed)
        Zs = [Z for case in cases for Z in _relu_inputs(name, case.inputs)]
        assert any(np.any(Z < 0) for Z in Zs) and any(np.any(Z > 0) for Z in Zs), (
            f"{name}, seed {seed}: no random state puts relu on both sides of its kink")
        kinds = {kind for case in cases
                 for kind in ([case.inputs[-1]] if isinstance(case.inputs[-1], str) else case.inputs[-1])}
        assert kinds == {"linear", "sigmoid", "tanh", "relu"}, f"{name}, seed {seed}: only {sorted(kinds)}"


def _batch_kind(X, batch_size):
    n = len(X)
    return ("1" if batch_size == 1 else "n" if batch_size == n else "more than n" if batch_size > n
            else "a divisor of n" if n % batch_size == 0 else "a smaller last batch")


def _labels(name):
    """Where the 0/1 labels are in the arguments of a 03_classification exercise (None: it has none)."""
    parameters = list(inspect.signature(catalogue.EXERCISES[name].reference).parameters)
    for label in ("y", "Y"):
        if label in parameters:
            index = parameters.index(label)
            return lambda inputs: {float(v) for v in np.ravel(inputs[index])}
    return None


# name -> (the sides one random state takes, the sides every seed's random states must take together)
DATA_BRANCHES = {
    "train_minibatch": (lambda inputs, want: {_batch_kind(inputs[0], inputs[5])},
                        {"1", "a divisor of n", "a smaller last batch", "n", "more than n"}),
    "has_converged": (lambda inputs, want: {want}, {True, False}),
    "relative_error": (lambda inputs, want: {"1e-8" if zero else "|a| + |b|" for zero in np.ravel(
                           (np.asarray(inputs[0]) == 0) & (np.asarray(inputs[1]) == 0))},
                       {"1e-8", "|a| + |b|"}),  # the denominator max(1e-8, |a| + |b|) of some entry
    **{name: (lambda inputs, want, labels=_labels(name): labels(inputs), {0.0, 1.0})  # both terms of the BCE
       for name in catalogue.ASSIGNMENTS["03_classification"] if _labels(name)},
}


@pytest.mark.parametrize("name", sorted(DATA_BRANCHES))
def test_data_branches_by_construction(name):
    sides_of, required = DATA_BRANCHES[name]
    for seed in SEEDS:
        seen = set().union(*(sides_of(case.inputs, case.want) for case in random_states(name, seed)))
        assert seen == required, f"{name}, seed {seed}: the random states take only {sorted(seen, key=str)}"


# ---------------------------------------------------------------- what the data branches are for

def mlp_backward_relu_as_linear(dY_hat, cache, params, activations):
    """The reference with relu′ taken as 1 everywhere (in its own code, not in a callee)."""
    dA, grads = dY_hat, []
    for (A_prev, Z), (W, _), kind in reversed(list(zip(cache, params, activations))):
        dZ = dA if kind == "relu" else S.activation_backward(dA, Z, kind)
        dA, dW, db = S.dense_backward(dZ, A_prev, W)
        grads.append((dW, db))
    return grads[::-1]


def train_minibatch_empty_last_batch(X, Y, params, lr, epochs, batch_size, seed):
    """n // batch_size + 1 batches: right unless batch_size divides n, when the last one is empty."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    rng = np.random.default_rng(seed)
    params, losses = S.fresh_copy(params), []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for k in range(len(X) // batch_size + 1):
            rows = order[k * batch_size:(k + 1) * batch_size]
            grads = S.batch_gradients_regression(X[rows], Y[rows], params)
            params = {key: value - lr * grads[key] for key, value in params.items()}
        losses.append(S.dataset_loss(X, Y, params))
    return params, np.array(losses)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the empty batch's mean
@pytest.mark.parametrize("name, mistaken", [("mlp_backward", mlp_backward_relu_as_linear),
                                            ("train_minibatch", train_minibatch_empty_last_batch)])
def test_a_mistake_on_one_side_of_a_data_branch_scores_nothing(name, mistaken):
    from grader.check import check
    for seed in SEEDS:
        with np.errstate(all="ignore"):
            result = check(name, mistaken, seed)
        assert result.score == 0, f"{name}, seed {seed}: {result.diagnosis} {result.score}"
