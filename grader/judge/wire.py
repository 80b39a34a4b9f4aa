"""Plain data across the trust boundary: JSON-safe encoding of inputs and outputs, never pickle.

encode() turns a value into JSON-ready lists, dicts, numbers and strings; decode() turns that back
into floats, ints, bools, None, numpy arrays, tuples, lists and dicts. Anything else a learner
returns becomes Unsupported(type name), which the comparison reports as a wrong type.
Callables cannot cross: a case names one from judge.functions with Callable(name, reads).
"""
import copy
import math
from dataclasses import dataclass

import numpy as np

from . import functions

MAX_ELEMENTS = 1_000_000


@dataclass(frozen=True)
class Unsupported:
    type_name: str


@dataclass(frozen=True)
class Callable:
    """A named test function; reads=i makes it a no-argument closure over argument i."""
    name: str
    reads: int | None = None


def encode(value: object) -> bool | int | float | list | dict | None:
    if value is None or isinstance(value, (bool, np.bool_)):
        return None if value is None else bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _encode_float(float(value))
    if isinstance(value, np.ndarray):
        return _encode_array(value)
    if isinstance(value, str):
        return {"__str__": value}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[str(k) if isinstance(k, str) else repr(k), encode(v)]
                             for k, v in value.items()]}
    if isinstance(value, Callable):
        return {"__callable__": value.name, "reads": value.reads}
    return {"__unsupported__": type(value).__name__}


def _encode_float(x):
    if math.isfinite(x):
        return x
    return {"__float__": "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")}


def _encode_array(a):
    if a.dtype.kind not in "biuf" or a.size > MAX_ELEMENTS:
        reason = "array" if a.size > MAX_ELEMENTS else f"array of {a.dtype}"
        return {"__unsupported__": reason}
    kind = {"b": "bool", "i": "int", "u": "int", "f": "float"}[a.dtype.kind]
    flat = a.astype(float).ravel().tolist() if kind == "float" else a.ravel().tolist()
    if kind == "float":
        flat = [_encode_float(x) for x in flat]
    return {"__ndarray__": flat, "dtype": kind, "shape": list(a.shape)}


def decode(data: bool | int | float | str | list | dict | None
           ) -> bool | int | float | str | np.ndarray | tuple | list | dict | Callable | Unsupported | None:
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "__float__" in data:
        return float(data["__float__"])
    if "__ndarray__" in data:
        if data.get("dtype") not in ("bool", "int", "float"):  # never an object or huge string dtype
            raise ValueError(f"not wire data: array dtype {data.get('dtype')!r}")
        flat = [decode(x) if isinstance(x, dict) else x for x in data["__ndarray__"]]
        return np.array(flat, dtype=data["dtype"]).reshape(data["shape"])
    if "__str__" in data:
        return data["__str__"]
    if "__tuple__" in data:
        return tuple(decode(v) for v in data["__tuple__"])
    if "__dict__" in data:
        return {k: decode(v) for k, v in data["__dict__"]}
    if "__callable__" in data:
        return Callable(data["__callable__"], data.get("reads"))
    if "__unsupported__" in data:
        return Unsupported(data["__unsupported__"])
    raise ValueError(f"not wire data: keys {sorted(data)[:5]}")


def as_arguments(inputs: list) -> list:
    """Decoded case inputs → the argument list a learner function is called with.

    Callable markers become real functions; one with reads=i closes over argument i itself, so a
    function that perturbs that array in place (numeric_gradient) is seen by the closure.
    """
    args = copy.deepcopy(list(inputs))
    for i, arg in enumerate(args):
        if isinstance(arg, Callable):
            f = functions.NAMED[arg.name]
            args[i] = f if arg.reads is None else functions.closure(f, args, arg.reads)
    return args
