"""grader.judge.wire: plain JSON data across the trust boundary, never pickle."""
import ast
import inspect
import json
import math
import pickle

import numpy as np
import pytest

from grader.judge import functions, wire
from grader.judge.wire import Callable, Unsupported


def roundtrip(value):
    """encode → strict JSON text → decode, as a value crossing the boundary would travel."""
    text = json.dumps(wire.encode(value), allow_nan=False)
    return wire.decode(json.loads(text))


# --- scalars -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [0.0, -1.5, 1e-300, 1.7976931348623157e308, 0.1 + 0.2, 5e-324])
def test_float_roundtrip_is_exact(value):
    back = roundtrip(value)
    assert type(back) is float and back == value


@pytest.mark.parametrize("value, expected", [(np.float64(2.5), 2.5), (np.float32(0.5), 0.5),
                                             (np.float16(-3.0), -3.0)])
def test_numpy_floats_become_python_floats(value, expected):
    back = roundtrip(value)
    assert type(back) is float and back == expected


@pytest.mark.parametrize("value", [0, -7, 2 ** 70, np.int64(9), np.uint8(255), np.int8(-128)])
def test_int_roundtrip(value):
    back = roundtrip(value)
    assert type(back) is int and back == int(value)


@pytest.mark.parametrize("value", [True, False, np.bool_(True), np.bool_(False)])
def test_bool_roundtrip_stays_bool_not_int(value):
    back = roundtrip(value)
    assert type(back) is bool and back is bool(value)


def test_none_roundtrip():
    assert roundtrip(None) is None


def test_nan_and_infinities_roundtrip_through_strict_json():
    assert math.isnan(roundtrip(float("nan")))
    assert roundtrip(float("inf")) == math.inf
    assert roundtrip(float("-inf")) == -math.inf
    assert roundtrip(np.float64("-inf")) == -math.inf
    assert wire.encode(float("nan")) == {"__float__": "nan"}
    assert wire.encode(float("-inf")) == {"__float__": "-inf"}


# --- arrays --------------------------------------------------------------------------------------

@pytest.mark.parametrize("array", [
    np.array(1.25),                                   # 0-d
    np.array([0.1, -2.0, 3e-12]),
    np.arange(24, dtype=float).reshape(2, 3, 4) / 7,
    np.zeros((0,)),
    np.zeros((0, 3)),
    np.array([[np.nan, np.inf], [-np.inf, 1.0]]),
])
def test_float_array_roundtrip(array):
    back = roundtrip(array)
    assert isinstance(back, np.ndarray)
    assert back.dtype == np.float64 and back.shape == array.shape
    assert np.array_equal(back, array, equal_nan=True)


def test_float32_array_becomes_float64_with_the_same_values():
    array = np.array([0.1, 1 / 3], dtype=np.float32)
    back = roundtrip(array)
    assert back.dtype == np.float64
    assert np.array_equal(back, array.astype(np.float64))


@pytest.mark.parametrize("array", [np.array(3), np.arange(6).reshape(3, 2), np.array([255, 0], dtype=np.uint8),
                                   np.array([-(2 ** 40)], dtype=np.int64), np.zeros((2, 0), dtype=int)])
def test_int_array_roundtrip(array):
    back = roundtrip(array)
    assert back.dtype.kind == "i" and back.shape == array.shape
    assert np.array_equal(back, array)


@pytest.mark.parametrize("array", [np.array(True), np.array([[True, False, True]]), np.zeros(0, dtype=bool)])
def test_bool_array_roundtrip(array):
    back = roundtrip(array)
    assert back.dtype == np.bool_ and back.shape == array.shape
    assert np.array_equal(back, array)


def test_zero_d_array_stays_an_array_not_a_float():
    back = roundtrip(np.array(-0.75))
    assert isinstance(back, np.ndarray) and back.shape == () and float(back) == -0.75


# --- containers ----------------------------------------------------------------------------------

def test_tuple_and_list_are_kept_apart():
    back = roundtrip((1.0, [2.0, 3], (4,)))
    assert type(back) is tuple and len(back) == 3
    assert type(back[1]) is list and back[1] == [2.0, 3]
    assert type(back[2]) is tuple and back[2] == (4,)
    assert roundtrip([]) == [] and roundtrip(()) == ()


def test_nested_dict_roundtrip_keeps_keys_order_and_values():
    value = {"W1": np.array([[1.0, 2.0], [3.0, 4.0]]), "b1": np.array([0.5, -0.5]),
             "W2": [np.array(1.0), (2, None)], "b2": 0.25,
             "nested": {"ok": True, "name": "relu"}}
    back = roundtrip(value)
    assert list(back) == ["W1", "b1", "W2", "b2", "nested"]
    assert np.array_equal(back["W1"], value["W1"]) and back["W1"].shape == (2, 2)
    assert np.array_equal(back["b1"], value["b1"])
    assert isinstance(back["W2"], list) and float(back["W2"][0]) == 1.0 and back["W2"][1] == (2, None)
    assert back["b2"] == 0.25
    assert back["nested"] == {"ok": True, "name": "relu"}


def test_non_string_dict_keys_arrive_as_their_repr():
    assert roundtrip({1: 2.0, (1, 2): 3.0}) == {"1": 2.0, "(1, 2)": 3.0}


@pytest.mark.parametrize("text", ["", "relu", "nan", "ŷ = σ(z) — ✔", "__float__"])
def test_strings_roundtrip_and_are_not_mistaken_for_markers(text):
    back = roundtrip(text)
    assert type(back) is str and back == text


def test_a_learner_dict_that_looks_like_a_marker_stays_a_dict():
    tricky = {"__ndarray__": [1, 2], "dtype": "float", "shape": [2]}
    back = roundtrip(tricky)
    assert back == tricky and isinstance(back, dict)
    assert roundtrip({"__unsupported__": "x"}) == {"__unsupported__": "x"}


def test_callable_marker_roundtrip():
    assert roundtrip(Callable("cubic")) == Callable("cubic", None)
    assert roundtrip(Callable("sum_of_squares", reads=0)) == Callable("sum_of_squares", 0)
    assert roundtrip([np.zeros(2), Callable("log_cosh", 0)])[1] == Callable("log_cosh", 0)


# --- unsupported values ---------------------------------------------------------------------------

class Custom:
    pass


@pytest.mark.parametrize("value, type_name", [
    (np.array([1, "a"], dtype=object), "array of object"),
    (np.array([1 + 2j]), "array of complex128"),
    (np.array(["a", "b"]), "array of <U1"),
    (Custom(), "Custom"),
    (1 + 2j, "complex"),
    ({1.0, 2.0}, "set"),
    (lambda x: x, "function"),
    (np.complex128(1j), "complex128"),
])
def test_unsupported_values_become_unsupported(value, type_name):
    back = roundtrip(value)
    assert back == Unsupported(type_name)


def test_unsupported_inside_a_container_stays_in_place():
    back = roundtrip((1.0, Custom(), {"k": np.array([1j])}))
    assert back[0] == 1.0
    assert back[1] == Unsupported("Custom")
    assert back[2] == {"k": Unsupported("array of complex128")}


def test_arrays_above_max_elements_are_unsupported():
    assert roundtrip(np.zeros(wire.MAX_ELEMENTS + 1, dtype=bool)) == Unsupported("array")
    assert wire.encode(np.zeros((1001, 1000))) == {"__unsupported__": "array"}


def test_max_elements_is_inclusive(monkeypatch):
    monkeypatch.setattr(wire, "MAX_ELEMENTS", 10)
    assert np.array_equal(roundtrip(np.arange(10.0)), np.arange(10.0))
    assert roundtrip(np.arange(11.0)) == Unsupported("array")


# --- plain JSON, no pickle -------------------------------------------------------------------------

ANY_VALUES = [
    1.0, 3, True, None, float("nan"), "s", np.float32(1.5), np.int16(3),
    np.array([[np.nan, -np.inf]]), np.array(2), np.array([True]),
    (1.0, [2.0, {"a": np.zeros((2, 2))}]), {3: 4}, Callable("cubic", 1),
    Custom(), np.array([1j]), {"x": {1, 2}},
]


@pytest.mark.parametrize("value", ANY_VALUES, ids=lambda v: type(v).__name__)
def test_encoded_output_is_strict_json(value):
    data = wire.encode(value)
    text = json.dumps(data, allow_nan=False)  # raises on NaN/inf floats or non-JSON objects
    assert json.loads(text) == data


def test_wire_module_code_never_uses_pickle_or_eval():
    tree = ast.parse(inspect.getsource(wire))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or ".")
    assert imported <= {"copy", "math", "dataclasses", "numpy", "."}
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    forbidden = {"pickle", "load", "loads", "eval", "exec", "compile", "__import__", "marshal",
                 "allow_pickle", "frombuffer", "getattr", "import_module"}
    assert not names & forbidden


def test_decode_never_calls_pickle(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("pickle was called")
    for name in ("loads", "load", "dumps", "dump"):
        monkeypatch.setattr(pickle, name, refuse)
    monkeypatch.setattr(pickle, "Unpickler", refuse)
    value = {"W": np.arange(6.0).reshape(2, 3), "t": (np.nan, [True, "s"]), "c": Callable("cubic", 0),
             "u": Custom()}
    back = wire.decode(json.loads(json.dumps(wire.encode(value), allow_nan=False)))
    assert np.array_equal(back["W"], value["W"]) and back["u"] == Unsupported("Custom")


def test_decode_of_loaded_json_gives_only_plain_types():
    value = {"a": (1.0, np.array([1, 2]), [True, None, "s"])}
    back = wire.decode(json.loads(json.dumps(wire.encode(value))))
    assert isinstance(back["a"][1], np.ndarray) and back["a"][1].dtype.kind == "i"
    assert back["a"][2] == [True, None, "s"]


# --- decode rejects garbage -------------------------------------------------------------------------

@pytest.mark.parametrize("garbage", [
    {},
    {"foo": 1},
    {"__class__": "os.system", "args": ["ls"]},
    {"py/object": "builtins.eval"},
    [1.0, {"bogus": True}],
    {"__tuple__": [{"nope": 0}]},
    {"__ndarray__": [1, 2, 3], "dtype": "float", "shape": [2, 2]},  # does not reshape
    {"__ndarray__": [1, 2], "dtype": "object", "shape": [2]},       # object dtype refused
    {"__ndarray__": ["a"], "dtype": "S1000", "shape": [1]},         # string dtype refused
    {"__ndarray__": [1.0], "shape": [1]},                            # no dtype
    {"__ndarray__": ["x"], "dtype": "float", "shape": [1]},
])
def test_decode_rejects_garbage_with_value_error(garbage):
    with pytest.raises(ValueError):
        wire.decode(garbage)


# --- as_arguments ----------------------------------------------------------------------------------

def test_as_arguments_turns_a_plain_callable_marker_into_the_named_function():
    args = wire.as_arguments([Callable("cubic"), 2.0, 1e-5])
    assert args[0] is functions.NAMED["cubic"]
    assert args[0](2.0) == 4.0 and args[1:] == [2.0, 1e-5]


def test_as_arguments_closure_sees_in_place_changes_to_the_argument_it_reads():
    x = np.array([1.0, 2.0])
    args = wire.as_arguments([x, Callable("sum_of_squares", reads=0)])
    f, arg = args[1], args[0]
    assert f() == 5.0
    arg[0] = 3.0            # what numeric_gradient does: perturb in place ...
    assert f() == 13.0      # ... and the closure sees it
    arg[0] = 1.0
    assert f() == 5.0
    assert np.array_equal(x, [1.0, 2.0])


def test_as_arguments_closure_reads_the_copy_not_the_caller_array():
    x = np.array([1.0, 2.0])
    args = wire.as_arguments([x, Callable("sum_of_squares", reads=0)])
    x[0] = 100.0
    assert args[1]() == 5.0


def test_as_arguments_deep_copies_inputs():
    W1 = np.array([[1.0, 2.0], [3.0, 4.0]])
    params = {"W1": W1, "b1": np.zeros(2), "layers": [np.ones(3)]}
    X = np.arange(4.0)
    inputs = [X, params, [1, 2]]
    args = wire.as_arguments(inputs)
    args[0][:] = -1.0
    args[1]["W1"][0, 0] = 99.0
    args[1]["b1"] += 5.0
    args[1]["layers"][0][1] = 7.0
    args[1]["new"] = 1
    args[2].append(3)
    assert np.array_equal(X, np.arange(4.0))
    assert W1[0, 0] == 1.0 and params["W1"] is W1
    assert np.array_equal(params["b1"], [0.0, 0.0])
    assert np.array_equal(params["layers"][0], np.ones(3))
    assert "new" not in params and inputs[2] == [1, 2]


def test_as_arguments_returns_a_fresh_list():
    inputs = [1.0, 2.0]
    args = wire.as_arguments(inputs)
    assert args == inputs and args is not inputs
