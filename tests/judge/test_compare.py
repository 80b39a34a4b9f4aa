"""grader.judge.compare: type and shape, then NaN/inf, then |got − want| ≤ atol + rtol·|want|."""
import numpy as np
import pytest

from grader.judge.compare import ATOL, RTOL, Mismatch, as_number_array, compare, describe
from grader.judge.wire import Unsupported

NAN, INF = float("nan"), float("inf")


def kind(got, want, **kw):
    mismatch = compare(got, want, **kw)
    return None if mismatch is None else mismatch.kind


def test_default_tolerances_are_the_spec_ones():
    assert (RTOL, ATOL) == (1e-6, 1e-9)


# --- tolerance -------------------------------------------------------------------------------------

def test_large_values_get_a_proportional_tolerance():
    assert compare(1e6 + 0.5, 1e6) is None
    assert compare(1e6 - 0.99, 1e6) is None
    assert kind(1e6 + 1.5, 1e6) == "value"


def test_tiny_values_pass_through_atol():
    assert compare(2e-12, 1e-12) is None
    assert compare(-5e-10, 0.0) is None
    assert kind(3e-9, 0.0) == "value"
    assert kind(-2e-9, 1e-12) == "value"


def test_relative_error_above_rtol_fails_for_order_one_values():
    assert kind(1.00001, 1.0) == "value"
    assert compare(1.0000009, 1.0) is None
    assert kind(-1.00001, -1.0) == "value"


def test_tolerance_is_scaled_by_want_not_by_got():
    # |diff| = 1.0000005: more than 1e-9 + 1e-6·1e6, less than 1e-9 + 1e-6·(1e6 + 1.0000005)
    small, large = 1e6, 1e6 + 1.0000005
    assert compare(got=small, want=large) is None
    assert kind(got=large, want=small) == "value"
    # a huge wrong answer does not widen its own tolerance
    assert kind(got=1e12, want=1.0) == "value"


def test_custom_tolerances_are_honoured():
    assert compare(1.001, 1.0, rtol=1e-2) is None
    assert kind(1.001, 1.0) == "value"
    assert compare(0.05, 0.0, atol=0.1) is None
    assert kind(0.05, 0.0) == "value"


def test_exact_equality_always_passes():
    assert compare(0.0, 0.0, rtol=0, atol=0) is None
    assert compare(np.array([1.5, -2.0]), np.array([1.5, -2.0]), rtol=0, atol=0) is None


# --- equivalent forms ------------------------------------------------------------------------------

@pytest.mark.parametrize("got", [0.5, np.float64(0.5), np.float32(0.5), np.array(0.5), np.array(0.5, dtype=np.float32)])
@pytest.mark.parametrize("want", [0.5, np.float64(0.5), np.array(0.5)])
def test_float_numpy_scalar_and_0d_array_are_the_same(got, want):
    assert compare(got, want) is None


def test_int_and_float_are_the_same_number():
    assert compare(9, 9.0) is None
    assert compare(9.0, 9) is None
    assert compare(np.int64(9), 9) is None
    assert kind(10, 9) == "value"


def test_list_tuple_and_array_are_the_same_when_numeric():
    want = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert compare([[1.0, 2.0], [3.0, 4.0]], want) is None
    assert compare(((1, 2), (3, 4)), want) is None
    assert compare(np.array([[1, 2], [3, 4]]), want) is None
    assert compare(np.array([1.0, 2.0]), [1.0, 2.0]) is None
    assert compare([1.0, 2.0], (1.0, 2.0)) is None
    assert kind([1.0, 2.5], np.array([1.0, 2.0])) == "value"


def test_0d_arrays_inside_a_sequence_count_as_numbers():
    # forward functions often return (O11, O12, y_hat) built with numpy: 0-d arrays are numbers
    assert compare((np.array(1.0), np.float64(2.0), 3), (1.0, 2.0, 3.0)) is None
    assert compare([np.array(1.0), np.array(2.5)], np.array([1.0, 2.0])).where == "[1]"
    assert compare((np.array(True), 1.0), (1.0, 1.0)).kind == "type_or_shape"
    assert compare((np.array([1.0]), 2.0), (1.0, 2.0)).kind == "type_or_shape"


# --- type and shape ---------------------------------------------------------------------------------

@pytest.mark.parametrize("got, want", [
    ((1.0,), (1.0, np.zeros(2))),                     # tuple too short
    ((1.0, np.zeros(2), 3.0), (1.0, np.zeros(2))),     # tuple too long
    (1.0, (1.0, np.zeros(2))),                          # a number for a tuple
    ({"a": 1.0}, {"a": 1.0, "b": 2.0}),                # missing key
    ({"a": 1.0, "b": 2.0, "c": 3.0}, {"a": 1.0, "b": 2.0}),  # extra key
    ({"A": 1.0, "b": 2.0}, {"a": 1.0, "b": 2.0}),      # wrong key
    ((1.0, 2.0), {"a": 1.0, "b": 2.0}),                 # a tuple for a dict
    (np.zeros(3), np.zeros((3, 1))),
    (np.zeros((2, 2)), np.zeros((2, 2, 1))),
    (np.zeros(2), 0.0),                                 # array for a number
    (0.0, np.zeros(2)),                                 # number for an array
    ([1.0, 2.0, 3.0], np.zeros(2)),
    (None, 1.0),
    ("1.0", 1.0),
    ("abc", np.zeros(2)),
    (True, 1.0),                                        # a bool is not a number
    (1, True),                                          # a number is not a bool
    (1.0, False),
    (Unsupported("Custom"), 1.0),
    (Unsupported("array of complex128"), {"a": 1.0}),
    (np.array([1, 2], dtype=bool), np.array([1.0, 2.0])),
    ({"a": np.zeros(2)}, {"a": np.zeros(3)}),
])
def test_wrong_type_or_shape(got, want):
    mismatch = compare(got, want)
    assert mismatch is not None and mismatch.kind == "type_or_shape"
    assert mismatch.detail


def test_type_details_say_what_was_returned_without_values():
    assert compare(None, 1.0).detail == "expected a number, got None (did the function forget to return?)"
    assert compare((1.0,), (1.0, 2.0, "x")).detail == "expected a tuple of 3 items, got a tuple of 1 items"
    assert compare({"a": 1.0}, {"b": 1.0, "a": 2.0}).detail == "expected the keys a, b, got a"
    assert compare(np.zeros(3), np.zeros((3, 1))).detail == "expected shape (3, 1), got shape (3,)"
    assert compare(Unsupported("Foo"), 1.0).detail == "returned a Foo, which cannot be graded"


def test_shape_mismatch_inside_a_container_names_the_entry():
    mismatch = compare({"W1": np.zeros((2, 2)), "b1": np.zeros(3)}, {"W1": np.zeros((2, 2)), "b1": np.zeros(2)})
    assert (mismatch.kind, mismatch.where) == ("type_or_shape", "['b1']")


# --- NaN and infinity -----------------------------------------------------------------------------

@pytest.mark.parametrize("got", [NAN, INF, -INF, np.float64("nan"), np.array(NAN)])
def test_non_finite_where_finite_is_due(got):
    assert kind(got, 1.0) == "non_finite"


def test_non_finite_entry_is_named():
    mismatch = compare(np.array([[1.0, 2.0], [3.0, NAN]]), np.ones((2, 2)))
    assert mismatch == Mismatch("non_finite", "[1, 1]", "NaN or infinity where a finite number is due")


def test_non_finite_is_reported_even_when_an_earlier_entry_is_merely_wrong():
    mismatch = compare(np.array([5.0, INF]), np.array([1.0, 2.0]))
    assert (mismatch.kind, mismatch.where) == ("non_finite", "[1]")


def test_nan_where_nan_is_expected_matches():
    # the reference itself is NaN there: only NaN reproduces it
    assert compare(NAN, NAN) is None
    assert compare(np.array([NAN, 1.0]), np.array([NAN, 1.0])) is None
    assert kind(1.0, NAN) == "value"
    assert kind(INF, NAN) == "value"
    assert kind(NAN, INF) == "value"


def test_infinity_where_infinity_is_expected_needs_the_same_sign():
    assert compare(INF, INF) is None
    assert compare(-INF, -INF) is None
    assert kind(-INF, INF) == "value"
    # an infinite expected value must not give an infinite tolerance
    assert kind(1.0, INF) == "value"
    assert kind(-1e308, -INF) == "value"
    mismatch = compare(np.array([1.0, 2.0]), np.array([1.0, INF]))
    assert (mismatch.kind, mismatch.where) == ("value", "[1]")


# --- bools --------------------------------------------------------------------------------------

@pytest.mark.parametrize("got", [True, np.bool_(True), np.array(True)])
def test_bools_match(got):
    assert compare(got, True) is None
    assert compare(got, np.bool_(True)) is None


def test_swapped_bool_is_a_value_mismatch():
    assert compare(False, True) == Mismatch("value", "", "True and False swapped")
    assert kind(np.bool_(True), False) == "value"


def test_bool_inside_a_tuple():
    assert compare((True, 1.0), (True, 1.0)) is None
    assert compare((False, 1.0), (True, 1.0)).where == "[0]"


# --- where ----------------------------------------------------------------------------------------

def test_path_names_the_first_wrong_entry_of_a_dict_of_arrays():
    want = {"W1": np.array([[1.0, 2.0], [3.0, 4.0]]), "b1": np.zeros(2), "W2": np.ones(2), "b2": 0.5}
    got = {"b2": 0.5, "W2": np.ones(2), "b1": np.zeros(2), "W1": np.array([[1.0, 2.0], [3.5, 4.5]])}
    assert compare(got, want) == Mismatch("value", "['W1'][1, 0]", "wrong value")


def test_path_through_tuples_and_lists():
    want = (np.zeros(3), [1.0, {"k": np.array([0.0, 1.0])}])
    got = (np.zeros(3), [1.0, {"k": np.array([0.0, 1.1])}])
    assert compare(got, want).where == "[1][1]['k'][1]"
    assert compare((np.array([0.0, 9.0, 9.0]), want[1]), want).where == "[0][1]"


def test_path_of_a_scalar_is_empty():
    assert compare(2.0, 1.0).where == ""


def test_a_list_of_arrays_is_compared_item_by_item():
    want = [(np.eye(2), np.zeros(2)), (np.ones((2, 1)), np.zeros(1))]
    got = [(np.eye(2), np.zeros(2)), (np.ones((2, 1)), np.array([0.1]))]
    assert compare(got, want).where == "[1][1][0]"
    assert compare(got[:1], want).kind == "type_or_shape"


# --- helpers --------------------------------------------------------------------------------------

def test_as_number_array():
    assert as_number_array(2).shape == () and float(as_number_array(2)) == 2.0
    assert as_number_array([[1, 2]]).shape == (1, 2)
    assert as_number_array(True) is None
    assert as_number_array(None) is None
    assert as_number_array("1") is None
    assert as_number_array([1.0, "a"]) is None
    assert as_number_array([[1.0, 2.0], [3.0]]) is None
    assert as_number_array(np.array(["a"])) is None


@pytest.mark.parametrize("value, text", [
    (np.zeros((2, 3)), "an array of shape (2, 3)"),
    (np.array(1.0), "a 0-d array"),
    ((1.0, 2.0), "a tuple of 2 items"),
    ([1.0], "a list of 1 items"),
    ({"b": 1.0, "a": 2.0}, "a dict with keys a, b"),
    (True, "a bool"),
    (3.25, "a number"),
    ("x", "a str"),
    (Unsupported("Foo"), "a Foo"),
])
def test_describe_is_value_free(value, text):
    assert describe(value) == text
    assert "3.25" not in describe(value)


def test_mismatch_detail_never_shows_numbers():
    for got, want in [(NAN, 123.456789), (1.0, 123.456789), (np.zeros(3), np.full(2, 123.456789))]:
        mismatch = compare(got, want)
        assert "123.45" not in mismatch.detail and "123.45" not in mismatch.where
