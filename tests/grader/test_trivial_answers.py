"""No exercise gives full marks to a trivial answer, whatever the grading seed.

A lazy learner who never does the computation may return a constant of the right structure (zeros,
ones, False, True), one of the arguments unchanged, None, the first public case's expected output, or
look the public cases up (their inputs and expected outputs ship with the self-check) and fall back
on a constant elsewhere. Each strategy below is built from case data alone, the same way for every
exercise, and none may be judged "ok" on any of the catalogue's exercises for the seeds below: the
grading seed, and a few arbitrary ones standing for a course's own secret seed.

The constant strategies are given the expected output's exact structure (keys, tuple lengths, array
shapes) on every case, which a learner would have to work out from the arguments: they are rejected
for their values, never for their shape (test_the_constant_answers_are_well_formed).
"""
import functools
import json

import numpy as np
import pytest

from grader import catalogue
from grader.check import GRADING_SEED, check, public_cases
from grader.judge import wire
from grader.judge.diagnose import CaseRecord, judge
from grader.judge.run import call

SEEDS = (GRADING_SEED, 7, 123456, 2 ** 31 - 5, 99991)
NAMES = list(catalogue.EXERCISES)
ASSIGNMENT_OF = {name: assignment for assignment, names in catalogue.ASSIGNMENTS.items() for name in names}


# ---------------------------------------------------------------- case data, cached

@functools.lru_cache(maxsize=None)
def hidden_cases(name, seed):
    """Every case a grader with this seed runs: the worked cases and the seed's random states."""
    with np.errstate(all="ignore"):
        return tuple(catalogue.EXERCISES[name].cases(seed))


@functools.lru_cache(maxsize=None)
def public_bundle(assignment):
    """{name: [CaseRecord]} exactly as a learner's self-check receives it, after JSON."""
    with np.errstate(all="ignore"):
        bundle = json.loads(json.dumps(public_cases(assignment)))
    return {name: [CaseRecord(**wire.decode(case)) for case in entry["cases"]] for name, entry in bundle.items()}


def public(name):
    return public_bundle(ASSIGNMENT_OF[name])[name]


def key(inputs):
    return json.dumps(wire.encode(list(inputs)), sort_keys=True)


@functools.lru_cache(maxsize=None)
def public_answers(name):
    """{key of a public case's inputs: its expected output}."""
    return {key(c.inputs): c.want for c in public(name)}


_KEYS = {}


def case_key(case):
    """key(case.inputs), once per case (the cached cases live as long as the module)."""
    if id(case) not in _KEYS:
        _KEYS[id(case)] = key(case.inputs)
    return _KEYS[id(case)]


# ---------------------------------------------------------------- trivial answers, built from case data

def _is_number_list(value):
    return isinstance(value, (list, tuple)) and len(value) > 0 and all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
        or isinstance(v, (list, tuple)) and _is_number_list(v) for v in value)


def filled(value, fill):
    """value's structure (dict keys, tuples, lists, array shapes) with every number set to fill;
    a boolean becomes bool(fill)."""
    if isinstance(value, dict):
        return {k: filled(v, fill) for k, v in value.items()}
    if isinstance(value, (bool, np.bool_)):
        return bool(fill)
    if isinstance(value, np.ndarray):
        return np.full(value.shape, bool(fill)) if value.dtype == bool else np.full(value.shape, float(fill))
    if _is_number_list(value):
        return np.full(np.shape(value), float(fill))
    if isinstance(value, (tuple, list)):
        return type(value)(filled(v, fill) for v in value)
    return float(fill)


def _same_structure(a, b):
    if isinstance(b, dict):
        return isinstance(a, dict) and set(a) == set(b) and all(_same_structure(a[k], b[k]) for k in b)
    if isinstance(b, (bool, np.bool_)):
        return isinstance(a, (bool, np.bool_))
    if isinstance(b, (tuple, list)) and not _is_number_list(b):
        return isinstance(a, (tuple, list)) and len(a) == len(b) and all(map(_same_structure, a, b))
    if callable(a) or a is None or isinstance(a, (dict, str, bool, np.bool_, tuple, list)) and not _is_number_list(a):
        return False
    try:
        return np.shape(a) == np.shape(b)
    except (TypeError, ValueError):
        return False


def echoed(want, arguments):
    """Every part of want that has the structure of an argument is that argument, unchanged; the rest
    is zero: train_* returning its starting params with zero losses, apply_updates returning w."""
    for argument in arguments:
        if _same_structure(argument, want):
            return argument
    if isinstance(want, dict):
        return {k: echoed(v, arguments) for k, v in want.items()}
    if isinstance(want, (tuple, list)) and not _is_number_list(want):
        return type(want)(echoed(v, arguments) for v in want)
    return filled(want, 0.0)


def _lookup(name, case, otherwise):
    """The public case with these inputs, if there is one, else otherwise."""
    return public_answers(name).get(case_key(case), otherwise)


# name -> (exercise name, case) -> the function a learner would submit for that call
STRATEGIES = {
    "zero": lambda name, case: lambda *a: filled(case.want, 0.0),
    "one": lambda name, case: lambda *a: filled(case.want, 1.0),
    "minus_one": lambda name, case: lambda *a: filled(case.want, -1.0),
    "half": lambda name, case: lambda *a: filled(case.want, 0.5),
    "none": lambda name, case: lambda *a: None,
    "first_public_output": lambda name, case: lambda *a: public(name)[0].want,
    "lookup_else_zero": lambda name, case: lambda *a: _lookup(name, case, filled(case.want, 0.0)),
    "lookup_else_first_public": lambda name, case: lambda *a: _lookup(name, case, public(name)[0].want),
    "arguments_echoed_else_zero": lambda name, case: lambda *a: echoed(case.want, a),
}


def _argument(i):
    return lambda name, case: lambda *a: a[i]


def _lookup_else_argument(i):
    return lambda name, case: lambda *a: _lookup(name, case, a[i])


def strategies(name):
    """The strategy names tried on one exercise: the shared ones, then two per argument position."""
    n_args = len(public(name)[0].inputs)
    return (list(STRATEGIES) + [f"argument_{i}" for i in range(n_args)]
            + [f"lookup_else_argument_{i}" for i in range(n_args)])


def strategy_function(strategy):
    if strategy.startswith("argument_"):
        return _argument(int(strategy.rsplit("_", 1)[1]))
    if strategy.startswith("lookup_else_argument_"):
        return _lookup_else_argument(int(strategy.rsplit("_", 1)[1]))
    return STRATEGIES[strategy]


def verdict(name, seed, strategy):
    """The Result of the strategy on every case of the seed, judged as check() judges."""
    exercise, make = catalogue.EXERCISES[name], strategy_function(strategy)
    cases = hidden_cases(name, seed)
    return judge(exercise.info, cases, [call(make(name, case), case.inputs) for case in cases])


PAIRS = [(name, strategy) for name in NAMES for strategy in strategies(name)]
COMBINATIONS = [(name, seed, strategy) for name, strategy in PAIRS for seed in SEEDS]


# ---------------------------------------------------------------- the tests

@pytest.mark.parametrize("name, strategy", PAIRS, ids=[f"{n}-{t}" for n, t in PAIRS])
def test_no_trivial_answer_earns_full_marks(name, strategy):
    """One test per exercise and strategy with every seed in it, a fifth of the tests (pytest's own
    cost per test is about that of a verdict); the message names the seeds that give full marks."""
    scored = [seed for seed in SEEDS if verdict(name, seed, strategy).diagnosis == "ok"]
    assert not scored, f"{name}: the trivial answer {strategy!r} gets full marks with the seeds {scored}"


@pytest.mark.parametrize("name", NAMES)
def test_the_constant_answers_are_well_formed(name):
    """The constants are wrong for their values, not their shape: else the test above proves nothing."""
    for strategy in ("zero", "one", "lookup_else_zero"):
        assert verdict(name, GRADING_SEED, strategy).diagnosis not in ("wrong_type_or_shape", "error")


@pytest.mark.parametrize("name", NAMES)
def test_the_harness_gives_the_reference_full_marks(name):
    """The same calls with the reference in place of a trivial answer are judged "ok"."""
    exercise = catalogue.EXERCISES[name]
    for seed in SEEDS[:2]:
        cases = hidden_cases(name, seed)
        result = judge(exercise.info, cases, [call(exercise.reference, case.inputs) for case in cases])
        assert result.diagnosis == "ok", f"{name}, seed {seed}: {result.message}"


@pytest.mark.parametrize("name", NAMES)
def test_the_lookup_finds_every_worked_case(name):
    """The lookup strategies answer the worked cases right, as a learner copying them would."""
    for case in hidden_cases(name, GRADING_SEED):
        if case.worked:
            assert key(case.inputs) in {key(c.inputs) for c in public(name)}


@pytest.mark.parametrize("name", NAMES)
def test_the_harness_judges_as_check_does(name):
    """verdict() is check() with the cases cached: the same diagnosis for the same function."""
    assert verdict(name, GRADING_SEED, "argument_0").diagnosis == check(name, lambda *a: a[0]).diagnosis


def test_every_exercise_and_seed_meets_every_strategy():
    assert {(name, seed) for name, seed, _ in COMBINATIONS} == {(n, s) for n in NAMES for s in SEEDS}
    for name in NAMES:
        n_args = len(catalogue.EXERCISES[name].inputs(GRADING_SEED)[0][1])
        assert len(strategies(name)) == len(STRATEGIES) + 2 * n_args
