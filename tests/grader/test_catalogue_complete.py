"""The whole catalogue: every graded function has a check its reference passes."""
import pytest

import exercises
import solutions
import numpy as np

from grader import catalogue
from grader.seeds import PUBLIC_SEED
from grader.check import GRADING_SEED, check, check_all
from grader.judge.messages import TEMPLATES

ALL_NAMES = [name for names in catalogue.ASSIGNMENTS.values() for name in names]
# codes a check may produce itself, not a mistake the learner's output can reproduce
NOT_VARIANT_CODES = {"ok", "missing", "not_implemented", "error", "timeout", "tampered"}
SECOND_SEED = 12345


def test_the_catalogue_follows_the_registry():
    assert list(catalogue.ASSIGNMENTS) == list(exercises.ASSIGNMENTS)
    assert len(set(ALL_NAMES)) == len(ALL_NAMES) and list(catalogue.EXERCISES) == ALL_NAMES


@pytest.mark.parametrize("assignment", exercises.ASSIGNMENTS)
def test_each_exercise_belongs_to_its_assignment(assignment):
    for name in catalogue.ASSIGNMENTS[assignment]:
        exercise = catalogue.EXERCISES[name]
        assert exercise.name == exercise.info.name == name
        assert exercise.info.assignment == assignment


@pytest.mark.parametrize("name", ALL_NAMES)
def test_reference_is_the_solutions_function(name):
    assert catalogue.EXERCISES[name].reference is getattr(solutions, name)


@pytest.mark.parametrize("name", ALL_NAMES)
@pytest.mark.parametrize("seed", [GRADING_SEED, SECOND_SEED])
def test_reference_passes_its_own_check_with_full_marks(name, seed):
    result = check(name, getattr(solutions, name), seed=seed)
    assert result.diagnosis == "ok", result.message
    assert result.score == result.max_score == catalogue.EXERCISES[name].info.points


@pytest.mark.parametrize("name", ALL_NAMES)
def test_exercise_has_points_formula_source_and_cases(name):
    exercise = catalogue.EXERCISES[name]
    info = exercise.info
    assert info.points > 0
    assert isinstance(info.formula, str) and info.formula.strip()
    assert isinstance(info.source, str) and info.source.strip()
    assert 0 <= info.rtol <= 1e-2 and 0 <= info.atol <= 1e-3 and info.rtol + info.atol > 0
    assert len(exercise.cases(GRADING_SEED)) >= 3


def _numbers(value):
    if isinstance(value, dict):
        return [x for v in value.values() for x in _numbers(v)]
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _numbers(v)]
    if isinstance(value, (str, bool, np.bool_)) or value is None:
        return []
    return list(np.asarray(value, dtype=float).ravel())


@pytest.mark.parametrize("name", ALL_NAMES)
@pytest.mark.parametrize("seed", [GRADING_SEED, PUBLIC_SEED, SECOND_SEED])
def test_expected_values_are_finite(name, seed):
    """A case whose reference output is NaN or inf checks nothing (a diverging random state)."""
    with np.errstate(all="ignore"):
        cases = catalogue.EXERCISES[name].cases(seed)
    for case in cases:
        assert np.all(np.isfinite(_numbers(case.want))), f"{name}, seed {seed}, {case.label}: non-finite"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_variant_keys_and_hints_are_known_codes(name):
    exercise = catalogue.EXERCISES[name]
    for key in exercise.variants:
        code = key.partition("/")[0]  # "code/which": one of several known mistakes with that code
        assert code in TEMPLATES, f"{name}: variant code {code!r} has no message template"
        assert code not in NOT_VARIANT_CODES, f"{name}: {code!r} cannot be a mistake's output"
    for key in exercise.info.hints:
        assert key.partition("/")[0] in TEMPLATES, f"{name}: hint for unknown code {key!r}"
    for used in exercise.info.uses:
        assert used in catalogue.EXERCISES, f"{name}: uses unknown exercise {used!r}"


@pytest.mark.parametrize("name", [n for n in ALL_NAMES if catalogue.EXERCISES[n].n_random])
def test_random_cases_depend_on_the_seed(name):
    exercise = catalogue.EXERCISES[name]
    hidden = [repr(args) for _, args in exercise.inputs(GRADING_SEED)[len(exercise.worked):]]
    public = [repr(args) for _, args in exercise.inputs(PUBLIC_SEED)[len(exercise.worked):]]
    assert hidden != public
    assert hidden == [repr(args) for _, args in exercise.inputs(GRADING_SEED)[len(exercise.worked):]]


def test_check_all_on_a_mapping_with_one_function_missing():
    namespace = {name: getattr(solutions, name) for name in ALL_NAMES}
    del namespace["dL_dW1_22"]
    namespace["dense_forward"] = "not a function"
    results = check_all(namespace)
    assert [r.exercise for r in results] == ALL_NAMES
    by_name = {r.exercise: r for r in results}
    assert by_name["dL_dW1_22"].diagnosis == "missing" and by_name["dL_dW1_22"].score == 0.0
    assert "`dL_dW1_22`" in by_name["dL_dW1_22"].message
    assert by_name["dense_forward"].diagnosis == "missing"
    others = [r for r in results if r.exercise not in ("dL_dW1_22", "dense_forward")]
    assert all(r.diagnosis == "ok" and r.score == r.max_score for r in others)


def test_check_all_restricted_to_names_and_needs_a_mapping():
    results = check_all({"sigmoid": solutions.sigmoid}, names=["sigmoid", "bce_loss"])
    assert [(r.exercise, r.diagnosis) for r in results] == [("sigmoid", "ok"), ("bce_loss", "missing")]
    with pytest.raises(TypeError):
        check_all([solutions.sigmoid])
