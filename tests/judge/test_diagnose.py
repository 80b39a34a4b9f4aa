"""grader.judge.diagnose: score and name the mistake from hand-made cases and outcomes."""
import numpy as np
import pytest

from grader.judge import messages
from grader.judge.diagnose import (CaseRecord, ExerciseInfo, Outcome, Result, _constant_factor, judge,
                                   unavailable)
from grader.judge.run import call
from grader.judge.given import judge_given

INFO = ExerciseInfo("double_it", "00_test", 2.0, "f(x) = 2x + y", "test document, page 1")
WANTS = [4.0, -1.5, 0.75]
CASES = [CaseRecord([float(w)], w, {}, f"case {i}") for i, w in enumerate(WANTS)]
PUBLIC = [CaseRecord(c.inputs, c.want, c.variants, c.label, worked=True) for c in CASES]  # the learner has seen these


def values(*vs):
    return [Outcome(value=v) for v in vs]


def run(fn, cases=CASES, info=INFO):
    return judge(info, cases, [call(fn, c.inputs) for c in cases])


# --- ok and scoring --------------------------------------------------------------------------------

def test_all_right_earns_full_points():
    result = run(lambda w: w)
    assert result == Result("double_it", 2.0, 2.0, "ok", "Correct on all 3 cases.")


def test_scoring_is_all_or_nothing():
    result = judge(INFO, CASES, values(4.0, -1.5, 0.8))
    assert (result.score, result.max_score, result.diagnosis) == (0.0, 2.0, "wrong_value")
    assert "on 1 of 3 cases" in result.message


def test_results_within_tolerance_are_ok():
    result = judge(INFO, CASES, values(4.0 + 1e-7, np.float32(-1.5), np.array(0.75)))
    assert (result.score, result.diagnosis) == (2.0, "ok")


# --- could it run ------------------------------------------------------------------------------

def test_not_implemented_beats_error_wherever_it_is():
    outcomes = [Outcome(error="ZeroDivisionError", error_message="division by zero"),
                Outcome(value=-1.5), Outcome(error="NotImplementedError")]
    result = judge(INFO, CASES, outcomes)
    assert result.diagnosis == "not_implemented" and result.score == 0.0
    assert "NotImplementedError" in result.message and "`double_it`" in result.message


def test_not_implemented_from_a_real_stub():
    def stub(x):
        raise NotImplementedError
    assert run(stub).diagnosis == "not_implemented"


def test_timeout():
    result = judge(INFO, CASES, [Outcome(value=4.0), Outcome(timed_out=True), Outcome(value=0.75)])
    assert (result.diagnosis, result.score) == ("timeout", 0.0)
    assert "did not finish in time" in result.message


def test_timeout_beats_a_later_error():
    outcomes = [Outcome(timed_out=True), Outcome(error="ValueError", error_message="bad")] + values(0.75)
    assert judge(INFO, CASES, outcomes).diagnosis == "timeout"


def test_error_message_on_a_public_case_carries_the_exception_type_text_and_line():
    def broken(x):
        if x < 0:
            raise ZeroDivisionError("float division by zero")
        return x
    result = run(broken, PUBLIC)
    assert (result.diagnosis, result.score) == ("error", 0.0)
    assert "raised ZeroDivisionError: float division by zero (at line " in result.message
    assert 'raise ZeroDivisionError("float division by zero")' in result.message
    assert INFO.formula in result.message


def test_error_message_on_a_hidden_case_never_quotes_the_exception_text():
    def leaky(x):
        if x < 0:
            raise ValueError(f"the hidden input is {x!r}")
        return x
    result = run(leaky)
    assert result.diagnosis == "error" and "raised ValueError (at line " in result.message
    assert "-1.5" not in result.message and "hidden input is" not in result.message.split("(at")[0]


def test_a_wrong_shape_on_a_hidden_case_describes_only_what_was_expected():
    result = run(lambda x: {f"leak {x}": 1.0})
    assert result.diagnosis == "wrong_type_or_shape"
    assert "leak" not in result.message and "expected a number, got a dict" in result.message


def test_error_beats_a_wrong_value_on_another_case():
    outcomes = [Outcome(value=99.0), Outcome(error="KeyError", error_message="'W1'"), Outcome(value=0.75)]
    result = judge(INFO, CASES, outcomes)
    assert result.diagnosis == "error" and "KeyError" in result.message


def test_long_exception_messages_are_cut():
    def chatty(x):
        raise ValueError("x" * 5000)
    result = run(chatty)
    assert result.diagnosis == "error" and len(result.message) < 500


# --- well formed ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fn, detail", [
    (lambda w: (w, w), "expected a single number, got shape (2,)"),  # numbers in a tuple = array
    (lambda w: (w, "s"), "expected a number, got a tuple of 2 items"),
    (lambda w: None, "expected a number, got None (did the function forget to return?)"),
    (lambda w: str(w), "expected a number, got a str"),
    (lambda w: np.array([w]), "expected a single number, got shape (1,)"),
    (lambda w: 1j * w, "returned a complex, which cannot be graded"),
])
def test_wrong_type_or_shape(fn, detail):
    result = run(fn, PUBLIC)
    assert (result.diagnosis, result.score) == ("wrong_type_or_shape", 0.0)
    assert detail in result.message


def test_type_beats_non_finite_even_when_the_nan_comes_first():
    result = judge(INFO, CASES, values(float("nan"), "oops", 0.75))
    assert result.diagnosis == "wrong_type_or_shape"


def test_non_finite():
    result = judge(INFO, CASES, values(4.0, float("inf"), 0.75))
    assert (result.diagnosis, result.score) == ("non_finite", 0.0)
    assert "NaN or infinity" in result.message and INFO.formula in result.message


def test_non_finite_names_the_entry_of_an_array():
    cases = [CaseRecord([], np.array([1.0, 2.0, 3.0]))]
    result = judge(INFO, cases, values(np.array([1.0, np.nan, 3.0])))
    assert result.diagnosis == "non_finite" and " at [1]" in result.message


# --- known mistakes -------------------------------------------------------------------------------

def with_variants(**variants_per_case):
    """CASES with variants: code=[value for case 0, case 1, case 2]."""
    return [CaseRecord(c.inputs, c.want, {code: vals[i] for code, vals in variants_per_case.items()}, c.label)
            for i, c in enumerate(CASES)]


def test_a_variant_that_matches_every_case_names_its_code():
    cases = with_variants(wrong_input=[1.0, 2.0, 3.0])
    result = judge(INFO, cases, values(1.0, 2.0, 3.0))
    assert (result.diagnosis, result.score) == ("wrong_input", 0.0)
    assert result.message == messages.TEMPLATES["wrong_input"].format(formula=INFO.formula)


def test_a_variant_must_explain_every_wrong_case():
    cases = with_variants(wrong_input=[1.0, 2.0, 3.0])
    assert judge(INFO, cases, values(1.0, 2.0, 3.5)).diagnosis == "wrong_value"


def test_a_variant_is_named_when_the_other_cases_are_right():
    """The mistake sits in one branch (case 1 only); the learner is right elsewhere."""
    cases = with_variants(wrong_input=[1.0, 2.0, 3.0])
    assert judge(INFO, cases, values(4.0, 2.0, 0.75)).diagnosis == "wrong_input"


def test_variant_missing_on_a_wrong_case_does_not_match():
    cases = with_variants(wrong_input=[1.0, 2.0, 3.0])
    cases[2] = CaseRecord(cases[2].inputs, cases[2].want, {}, cases[2].label)
    assert judge(INFO, cases, values(1.0, 2.0, 3.0)).diagnosis == "wrong_value"


def test_variant_takes_precedence_over_a_generic_sign_flip():
    negated = [-w for w in WANTS]
    cases = with_variants(used_updated_weights=negated)
    result = judge(INFO, cases, values(*negated))
    assert result.diagnosis == "used_updated_weights"


def test_variant_takes_precedence_over_a_constant_factor():
    doubled = [2 * w for w in WANTS]
    cases = with_variants(missing_activation_derivative=doubled)
    assert judge(INFO, cases, values(*doubled)).diagnosis == "missing_activation_derivative"


def test_first_listed_variant_wins_when_two_match():
    same = [1.0, 2.0, 3.0]
    cases = with_variants(activation_derivative_on_preactivation=same, wrong_input=same)
    assert judge(INFO, cases, values(*same)).diagnosis == "activation_derivative_on_preactivation"


def test_variants_are_compared_with_the_exercise_tolerance():
    cases = with_variants(wrong_input=[1.0, 2.0, 3.0])
    assert judge(INFO, cases, values(1.0 + 1e-8, 2.0, 3.0)).diagnosis == "wrong_input"


def test_sign_flipped():
    result = run(lambda w: -w)
    assert (result.diagnosis, result.score) == ("sign_flipped", 0.0)
    assert "sign" in result.message and INFO.formula in result.message


def test_sign_flipped_inside_a_dict_of_arrays():
    want = {"W": np.array([[1.0, -2.0], [0.0, 3.0]]), "b": 0.5}
    cases = [CaseRecord([], want)]
    got = {"W": np.array([[-1.0, 2.0], [0.0, -3.0]]), "b": -0.5}
    assert judge(INFO, cases, values(got)).diagnosis == "sign_flipped"


def test_sign_flipped_needs_every_case():
    assert judge(INFO, CASES, values(-4.0, 1.5, 0.75 * 1.1)).diagnosis == "wrong_value"


@pytest.mark.parametrize("factor, text", [(2, "2"), (0.5, "1/2"), (-2, "-2"), (1 / 3, "1/3"),
                                          (-0.25, "-1/4"), (3, "3"), (np.pi, "3.142")])
def test_constant_factor_is_named_as_a_fraction(factor, text):
    result = run(lambda w: factor * w)
    assert (result.diagnosis, result.score) == ("constant_factor", 0.0)
    assert f"your result is {text} times the right one" in result.message


def test_constant_factor_over_arrays_and_dicts():
    want = {"W": np.array([1.0, -2.0]), "b": 4.0}
    cases = [CaseRecord([], want), CaseRecord([], {"W": np.array([0.5, 0.0]), "b": -1.0})]
    got = [{"b": 8.0, "W": np.array([2.0, -4.0])}, {"W": np.array([1.0, 0.0]), "b": -2.0}]
    result = judge(INFO, cases, values(*got))
    assert result.diagnosis == "constant_factor" and "your result is 2 times" in result.message


def test_minus_one_is_a_sign_flip_and_one_is_not_a_factor():
    assert _constant_factor([-4.0, 1.5, -0.75], WANTS) is None
    assert _constant_factor([4.0 * (1 + 5e-6), -1.5 * (1 + 5e-6), 0.75 * (1 + 5e-6)], WANTS) is None
    assert run(lambda w: w * (1 + 5e-6)).diagnosis == "wrong_value"
    assert run(lambda w: -w).diagnosis == "sign_flipped"


def test_constant_factor_needs_the_same_ratio_everywhere():
    assert judge(INFO, CASES, values(8.0, -3.0, 0.75 * 2.5)).diagnosis == "wrong_value"
    assert _constant_factor([8.0, -3.0, 1.5], WANTS) == "2"


def test_constant_factor_needs_two_usable_numbers():
    cases = [CaseRecord([], 3.0)]
    assert judge(INFO, cases, values(6.0)).diagnosis == "wrong_value"
    # a zero expected entry must stay zero
    cases = [CaseRecord([], np.array([1.0, 2.0, 0.0]))]
    assert judge(INFO, cases, values(np.array([2.0, 4.0, 1.0]))).diagnosis == "wrong_value"
    assert judge(INFO, cases, values(np.array([2.0, 4.0, 0.0]))).diagnosis == "constant_factor"


def test_zero_is_not_a_factor():
    assert run(lambda w: 0.0).diagnosis == "wrong_value"


def test_wrong_value_names_the_entry_and_counts_the_cases():
    cases = [CaseRecord([], np.array([1.0, 2.0, 3.0]), {}, "a"), CaseRecord([], np.array([0.0, 1.0, 5.0]), {}, "b")]
    result = judge(INFO, cases, values(np.array([1.0, 2.0, 3.5]), np.array([0.0, 7.0, 5.0])))
    assert (result.diagnosis, result.score) == ("wrong_value", 0.0)
    assert result.message == f"Wrong value at [2] on 2 of 2 cases. It should compute {INFO.formula}."


def test_exercise_tolerance_is_used():
    loose = ExerciseInfo("loose", "00_test", 1.0, "f", "s", rtol=1e-2)
    assert judge(loose, CASES, values(4.01, -1.5, 0.75)).diagnosis == "ok"
    assert judge(INFO, CASES, values(4.01, -1.5, 0.75)).diagnosis == "wrong_value"


def test_hints_replace_the_template():
    hinted = ExerciseInfo("h", "00_test", 1.0, "f", "s", hints={"sign_flipped": "Subtract, do not add."})
    assert judge(hinted, CASES, values(*[-w for w in WANTS])).message == "Subtract, do not add."
    assert judge(hinted, CASES, values(*[2 * w for w in WANTS])).diagnosis == "constant_factor"


def test_unavailable():
    result = unavailable(INFO, "missing")
    assert result == Result("double_it", 0.0, 2.0, "missing",
                            "No function named `double_it` was found: define it in its solution cell, with this name.")
    tampered = unavailable(INFO, "tampered", detail="Cell 'test_double' was edited.")
    assert tampered.score == 0.0 and tampered.message.endswith("Cell 'test_double' was edited.")


# --- no message reveals the expected value ------------------------------------------------------------

SECRET = 123.456789
SECRET_TEXTS = ("123.456789", "123.457", "123.46", "123.4", "-123.4", "246.9", "61.72")


def secret_results():
    """One Result for every template code, all on cases whose expected value is SECRET."""
    info = ExerciseInfo("secretive", "00_test", 1.0, "y = a·x", "doc", arguments=("x",))
    variant_codes = ("missing_activation_derivative", "activation_derivative_on_preactivation", "wrong_input",
                     "used_updated_weights", "wrong_activation", "wrong_loss", "mean_instead_of_sum",
                     "wrong_row_order")
    cases = [CaseRecord([1.0], SECRET, {code: (1.5 + k) * SECRET for k, code in enumerate(variant_codes)}, "worked"),
             CaseRecord([2.0], SECRET / 7, {code: (1.5 + k) * SECRET / 7 for k, code in enumerate(variant_codes)},
                        "random state 1")]
    results = {
        "ok": judge(info, cases, values(SECRET, SECRET / 7)),
        "missing": unavailable(info, "missing"),
        "tampered": unavailable(info, "tampered", detail="The test cell was edited."),
        "not_implemented": judge(info, cases, [Outcome(error="NotImplementedError")] * 2),
        "error": judge(info, cases, [Outcome(error="TypeError", error_message="unsupported operand")] * 2),
        "timeout": judge(info, cases, [Outcome(timed_out=True)] * 2),
        "wrong_type_or_shape": judge(info, cases, values(np.array([SECRET]), (SECRET,))),
        "non_finite": judge(info, cases, values(float("nan"), SECRET / 7)),
        "sign_flipped": judge(info, cases, values(-SECRET, -SECRET / 7)),
        "constant_factor": judge(info, cases, values(2 * SECRET, 2 * SECRET / 7)),
        "wrong_value": judge(info, cases, values(SECRET + 1, SECRET / 7)),
        "mutated_input": judge(info, cases, [Outcome(value=SECRET, changed=0), Outcome(value=SECRET / 7)]),
        "carried_forward": judge_given(info, cases, values(SECRET, SECRET / 7), {"callee": 1.0}),
    }
    for code in variant_codes:
        results[code] = judge(info, cases, values(*(c.variants[code] for c in cases)))
    return results


def test_every_template_code_is_reached_by_the_secret_cases():
    results = secret_results()
    assert set(results) == set(messages.TEMPLATES)
    for code, result in results.items():
        assert result.diagnosis == code


@pytest.mark.parametrize("code", sorted(messages.TEMPLATES))
def test_no_message_contains_the_expected_value(code):
    result = secret_results()[code]
    for text in SECRET_TEXTS:
        assert text not in result.message
    assert str(round(SECRET / 7, 4)) not in result.message


def test_callees_are_listed_as_a_sentence_lists_them():
    from grader.judge.given import culprits_sentence
    assert culprits_sentence(["a"]) == "It calls `a`, which is wrong: fix that first."
    assert culprits_sentence(["a", "b"]) == "It calls `a` and `b`, which are wrong: fix those first."
    assert culprits_sentence(["a", "b", "c", "d"]) == "It calls `a`, `b`, `c` and `d`, which are wrong: fix those first."


@pytest.mark.parametrize("n, text", [(1, "Correct on its one case."), (2, "Correct on both cases."),
                                     (3, "Correct on all 3 cases.")])
def test_the_ok_message_counts_its_cases_in_words(n, text):
    assert judge(INFO, CASES[:n], values(*WANTS[:n])).message == text
