"""Benchmark: how many of the reference solutions' single-point mutants does the grader catch?

    python benchmarks/mutation.py [--exercises NAME ...] [--jobs CORES] [--json PATH]
                                  [--limit-random 240] [--budget 1.0]
                                  [--timeout-equivalence 10] [--timeout-check 10]

What it measures. Every one of the catalogue's reference functions (solutions/*.py) is mutated,
one point at a time, by the small AST mutator below (no external tool): arithmetic and comparison
operators swapped, unary minus removed or added, numeric constants changed, call arguments swapped
or dropped, a parameter or local read replaced by another of the same kind, subscript indices, slice
bounds and string keys changed, a call dropped (f(x) → x), a statement deleted, a numeric return
value negated, updates made in place (a = a - b → a -= b, a dict comprehension of updates turned
into a loop writing into its dict, copies of arguments removed) and default argument values changed.
Each mutant is compiled against the reference's own module globals, so only that one function
differs (its callees stay the reference's). It is then

1. classified EQUIVALENT or NON-EQUIVALENT independently of the grader: mutant and reference run on
   the exercise's worked inputs plus --limit-random fresh random inputs (exercise.random_inputs
   with a seed the grader never uses; on some of them also with trailing default arguments left
   out), each call on a deep copy of its inputs. The mutant is equivalent when on every input it
   returns what the reference returns within the exercise's rtol/atol (grader.judge.compare;
   raising the same exception type as the reference also counts as equal) and leaves its
   arguments unchanged wherever the reference does. A mutant that runs out of time there is
   non-equivalent.
2. judged by the grader, grader.check.check(name, mutant) with its default seed: KILLED when it
   loses marks (score below the maximum).

Headline: killed / non-equivalent (the mutation score, target ≥ 99.9 %) and the number of equivalent
mutants that lost marks (false alarms, target 0). The survivors (non-equivalent mutants that kept
full marks) are listed with the input that tells them apart from the reference.

Each mutant runs in a forked worker process with a time limit per step; random inputs are cut for
exercises whose reference is slow (a time budget per exercise, printed). Not a test: it prints figures.
"""
import argparse
import ast
import copy
import difflib
import inspect
import itertools
import json
import math
import multiprocessing
import os
import resource
import sys
import textwrap
import time
import types
import warnings
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before numpy: one thread per worker process
os.environ["OMP_NUM_THREADS"] = "1"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from grader import catalogue  # noqa: E402
from grader.check import check  # noqa: E402
from grader.judge import wire  # noqa: E402
from grader.judge.compare import compare  # noqa: E402

KINDS = ("arithmetic", "comparison", "constant", "arguments", "name", "subscript", "dropped_call",
         "statement", "return", "in_place", "default")
EQUIVALENCE_SEED = 7_340_033  # the grader's seeds are 0, 2026 and each course's secret
MIN_RANDOM = 20  # random inputs kept however slow the reference
OMIT_EVERY = 8  # every 8th random input (and every worked one) is also called with defaults left out
MEMORY_LIMIT = 4 << 30  # bytes of address space a worker may take: a runaway mutant gets MemoryError
POLL = 0.2  # seconds between the scheduler's looks at its workers


# ---------------------------------------------------------------------------------------------------
# The mutator: every single-point mutant of a function's AST, labelled with its kind
# ---------------------------------------------------------------------------------------------------

ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.MatMult, ast.FloorDiv)
COMPARISONS = ((ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq), (ast.In, ast.NotIn), (ast.Is, ast.IsNot))
UPDATES = (ast.Add, ast.Sub, ast.Mult, ast.Div)  # a = a OP b has the in-place form a OP= b
COPIES = ("np.array", "np.copy", "dict", "list")  # f(x) that copies x
SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@",
           ast.FloorDiv: "//", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
           ast.NotEq: "!=", ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not",
           ast.And: "and", ast.Or: "or"}

Make = Callable[[ast.AST], "ast.AST | list[ast.stmt]"]  # the copied node -> its replacement
Edit = tuple[str, str, Make]  # (kind, description, make)


@dataclass(frozen=True)
class Scope:
    """What the mutator needs to know of the function as a whole (node sets hold id()s of the
    original tree's nodes)."""
    params: frozenset[str]
    locals: frozenset[str]
    keys: dict[str, tuple[str, ...]]  # unparsed subscripted value -> the string keys it is read with
    defaults: frozenset[int]  # nodes of default argument values
    indices: frozenset[int]  # integer literals used as indices or slice bounds
    negated: frozenset[int]  # operands of a unary minus
    docstring: int | None
    numeric_return: bool  # the reference returns numbers or arrays: a negated return value makes sense


def _with(node: ast.AST, **fields: object) -> ast.AST:
    for name, value in fields.items():
        setattr(node, name, value)
    return node


def _int_literal(node: ast.AST | None) -> int | None:
    try:
        value = ast.literal_eval(node) if isinstance(node, (ast.Constant, ast.UnaryOp)) else None
    except ValueError:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _is_number(node: ast.AST) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool))


def _scope(function: ast.FunctionDef, numeric_return: bool) -> Scope:
    arguments = function.args
    params = {a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}
    loads = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    stores = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    stores |= {n.name for n in ast.walk(function) if isinstance(n, ast.FunctionDef) and n is not function}
    keys: dict[str, list[str]] = {}
    indices = set()
    for node in ast.walk(function):
        if not isinstance(node, ast.Subscript):
            continue
        for item in _index_items(node.slice):
            if isinstance(item, ast.Constant) and isinstance(item.value, str):
                keys.setdefault(ast.unparse(node.value), []).append(item.value)
            bounds = [item.lower, item.upper, item.step] if isinstance(item, ast.Slice) else [item]
            indices |= {id(n) for b in bounds if _int_literal(b) is not None for n in ast.walk(b)}
    defaults = {id(n) for d in arguments.defaults + [d for d in arguments.kw_defaults if d] for n in ast.walk(d)}
    first = function.body[0]
    docstring = id(first) if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
        and isinstance(first.value.value, str) else None
    return Scope(frozenset(params), frozenset((stores & loads) - params),
                 {value: tuple(dict.fromkeys(k)) for value, k in keys.items()}, frozenset(defaults),
                 frozenset(indices),
                 frozenset(id(n.operand) for n in ast.walk(function)
                           if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub)),
                 docstring, numeric_return)


def _index_items(index: ast.expr) -> list[ast.expr]:
    return list(index.elts) if isinstance(index, ast.Tuple) else [index]


def _new_constants(value: int | float, negated: bool) -> list[int | float]:
    """A few replacements of a numeric constant: 0 ↔ 1, 1 ↔ 2, c → c ± 1, −c, 1.5c, 0.5 → 1 …"""
    if isinstance(value, int):
        candidates = [value + 1, value - 1, 0, -value]
    else:
        candidates = [0.0, 1.0, value * 1.5, -value]
    if negated:  # −c under a unary minus is the "unary minus removed" mutant
        candidates.pop()
    out: list[int | float] = []
    for c in candidates:
        if c != value and c not in out:
            out.append(c)
    return out


def _operator_edits(node: ast.AST) -> Iterator[Edit]:
    if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in ARITHMETIC:
        for op in ARITHMETIC:
            if op is not type(node.op):
                yield ("arithmetic", f"{SYMBOLS[type(node.op)]} → {SYMBOLS[op]}",
                       lambda n, op=op: _with(n, op=op()))
    if isinstance(node, ast.BinOp):
        for side in ("left", "right"):
            if not (isinstance(getattr(node, side), ast.UnaryOp) and isinstance(getattr(node, side).op, ast.USub)):
                yield ("arithmetic", f"unary minus added to the {side} operand",
                       lambda n, side=side: _with(n, **{side: ast.UnaryOp(ast.USub(), getattr(n, side))}))
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            group = next(g for g in COMPARISONS if type(op) in g)
            for new in group:
                if new is not type(op):
                    yield ("comparison", f"{SYMBOLS[type(op)]} → {SYMBOLS[new]}",
                           lambda n, i=i, new=new: _with(n, ops=n.ops[:i] + [new()] + n.ops[i + 1:]))
    if isinstance(node, ast.BoolOp):
        new = ast.Or if isinstance(node.op, ast.And) else ast.And
        yield "comparison", f"{SYMBOLS[type(node.op)]} → {SYMBOLS[new]}", lambda n, new=new: _with(n, op=new())


def _constant_edits(node: ast.AST, scope: Scope) -> Iterator[Edit]:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and id(node) not in scope.indices:
        kind = "default" if id(node) in scope.defaults else "arithmetic"
        yield kind, "unary minus removed", lambda n: n.operand
    if not _is_number(node) or id(node) in scope.indices:
        return
    kind = "default" if id(node) in scope.defaults else "constant"
    for value in _new_constants(node.value, id(node) in scope.negated):
        yield kind, f"{node.value!r} → {value!r}", lambda n, value=value: ast.Constant(value)


def _shifted(bound: ast.expr, delta: int) -> ast.expr:
    literal = _int_literal(bound)
    if literal is not None:
        return ast.Constant(literal + delta)
    return ast.BinOp(bound, ast.Add() if delta > 0 else ast.Sub(), ast.Constant(abs(delta)))


def _at_index(position: int | None, change: Callable[[ast.expr], ast.expr]) -> Make:
    """A make that changes one index of a subscript: the whole slice, or element `position` of a tuple."""
    def make(subscript: ast.Subscript) -> ast.Subscript:
        if position is None:
            subscript.slice = change(subscript.slice)
        else:
            subscript.slice.elts[position] = change(subscript.slice.elts[position])
        return subscript
    return make


def _subscript_edits(node: ast.AST, scope: Scope) -> Iterator[Edit]:
    if not isinstance(node, ast.Subscript):
        return
    items = _index_items(node.slice)
    for position, item in enumerate(items):
        where = position if isinstance(node.slice, ast.Tuple) else None
        if isinstance(item, ast.Slice):
            for bound in ("lower", "upper", "step"):
                if getattr(item, bound) is None:
                    continue
                for delta in (1, -1):
                    shift = _at_index(where, lambda s, b=bound, d=delta: _with(s, **{b: _shifted(getattr(s, b), d)}))
                    yield "subscript", f"slice {bound} {delta:+d}", shift
                yield "subscript", f"slice {bound} dropped", _at_index(where, lambda s, b=bound: _with(s, **{b: None}))
        elif _int_literal(item) is not None:
            for delta in (1, -1):
                yield "subscript", f"index {delta:+d}", _at_index(where, lambda i, d=delta: _shifted(i, d))
        elif isinstance(item, ast.Constant) and isinstance(item.value, str):
            for key in scope.keys.get(ast.unparse(node.value), ()):
                if key != item.value:
                    yield "subscript", f"key {item.value!r} → {key!r}", _at_index(where, lambda i, k=key: ast.Constant(k))


def _root(expr: ast.expr) -> str | None:
    """The name x of an expression x, x[…], x.a, x[…].a …, else None."""
    while isinstance(expr, (ast.Subscript, ast.Attribute)):
        expr = expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def _is_copy(call: ast.Call, scope: Scope) -> bool:
    """np.array(p, …), np.copy(p), dict(p), list(p) or p.copy() of (part of) a parameter p."""
    if isinstance(call.func, ast.Attribute) and call.func.attr == "copy" and not call.args:
        return _root(call.func.value) in scope.params
    return ast.unparse(call.func) in COPIES and len(call.args) >= 1 and _root(call.args[0]) in scope.params


def _call_edits(node: ast.AST, scope: Scope) -> Iterator[Edit]:
    if not isinstance(node, ast.Call):
        return
    positional = [a for a in node.args if not isinstance(a, ast.Starred)]
    if len(positional) == len(node.args):
        for i, j in itertools.combinations(range(len(node.args)), 2):
            yield ("arguments", f"arguments {i + 1} and {j + 1} swapped",
                   lambda n, i=i, j=j: _with(n, args=[n.args[{i: j, j: i}.get(k, k)] for k in range(len(n.args))]))
    if node.args:
        yield "arguments", "last positional argument dropped", lambda n: _with(n, args=n.args[:-1])
    if node.keywords:
        yield "arguments", f"keyword {node.keywords[-1].arg}= dropped", lambda n: _with(n, keywords=n.keywords[:-1])
    if _is_copy(node, scope):
        yield "in_place", "copy removed", lambda n: n.args[0] if n.args else n.func.value
    elif len(node.args) == 1 and positional:
        yield "dropped_call", f"{ast.unparse(node.func)}(x) → x", lambda n: n.args[0]
    elif not node.args and isinstance(node.func, ast.Attribute):
        yield "dropped_call", f"x.{node.func.attr}(…) → x", lambda n: n.func.value


def _name_edits(node: ast.AST, scope: Scope) -> Iterator[Edit]:
    if not (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)):
        return
    pool = scope.params if node.id in scope.params else scope.locals if node.id in scope.locals else ()
    for other in sorted(pool):
        if other != node.id:
            yield "name", f"{node.id} → {other}", lambda n, other=other: ast.Name(other, ast.Load())


def _update(value: ast.expr, name: str) -> tuple[ast.expr | None, ast.operator, ast.expr] | None:
    """(condition or None, OP, b) when value is `name OP b`, or `name OP b if condition else name`."""
    if isinstance(value, ast.BinOp) and type(value.op) in UPDATES \
            and isinstance(value.left, ast.Name) and value.left.id == name:
        return None, value.op, value.right
    if isinstance(value, ast.IfExp) and isinstance(value.orelse, ast.Name) and value.orelse.id == name:
        inner = _update(value.body, name)
        return (value.test, inner[1], inner[2]) if inner else None
    return None


def _loop_update(comprehension: ast.expr) -> tuple[ast.For, ast.expr] | None:
    """{k: v OP b for k, v in D.items()} as (for k, v in D.items(): D[k] OP= b, D), else None."""
    if not isinstance(comprehension, ast.DictComp) or len(comprehension.generators) != 1:
        return None
    generator = comprehension.generators[0]
    target, source = generator.target, generator.iter
    if generator.ifs or not (isinstance(target, ast.Tuple) and len(target.elts) == 2
                             and all(isinstance(e, ast.Name) for e in target.elts)):
        return None
    if not (isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute)
            and source.func.attr == "items" and not source.args):
        return None
    key, value = (e.id for e in target.elts)
    update = _update(comprehension.value, value)
    if not (isinstance(comprehension.key, ast.Name) and comprehension.key.id == key and update):
        return None
    condition, op, b = update
    container = source.func.value
    body: list[ast.stmt] = [ast.AugAssign(ast.Subscript(copy.deepcopy(container), ast.Name(key, ast.Load()),
                                                        ast.Store()), op, b)]
    if condition is not None:
        body = [ast.If(condition, body, [])]
    return ast.For(target, source, body, []), container


def _in_place_tuple(statement: ast.Assign, position: int) -> list[ast.stmt]:
    """a, c = a OP b, d → a OP= b; c = d."""
    names, values = statement.targets[0].elts, statement.value.elts
    _, op, b = _update(values[position], names[position].id)
    rest = [k for k in range(len(names)) if k != position]
    target = names[rest[0]] if len(rest) == 1 else ast.Tuple([names[k] for k in rest], ast.Store())
    value = values[rest[0]] if len(rest) == 1 else ast.Tuple([values[k] for k in rest], ast.Load())
    return [ast.AugAssign(ast.Name(names[position].id, ast.Store()), op, b), ast.Assign([target], value)]


def _in_place_edits(node: ast.AST) -> Iterator[Edit]:
    if isinstance(node, (ast.Assign, ast.Return)) and _loop_update(node.value):
        def make(n: ast.stmt) -> list[ast.stmt]:
            loop, container = _loop_update(n.value)
            after = _with(n, value=copy.deepcopy(container))
            return [loop, after]
        yield "in_place", "dict of updates → updates written into the dict", make
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        if isinstance(target, ast.Name) and _update(node.value, target.id) and not isinstance(node.value, ast.IfExp):
            yield ("in_place", "a = a OP b → a OP= b",
                   lambda n: ast.AugAssign(ast.Name(n.targets[0].id, ast.Store()), n.value.op, n.value.right))
        if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple) \
                and len(target.elts) == len(node.value.elts) and all(isinstance(e, ast.Name) for e in target.elts):
            for k, (name, value) in enumerate(zip(target.elts, node.value.elts)):
                if isinstance(value, ast.BinOp) and _update(value, name.id):
                    yield "in_place", f"a = a OP b → a OP= b (item {k + 1})", lambda n, k=k: _in_place_tuple(n, k)
    if isinstance(node, ast.Return) and isinstance(node.value, ast.BinOp) and isinstance(node.value.left, ast.Name) \
            and type(node.value.op) in UPDATES:
        yield ("in_place", "return a OP b → a OP= b; return a",
               lambda n: [ast.AugAssign(ast.Name(n.value.left.id, ast.Store()), n.value.op, n.value.right),
                          ast.Return(ast.Name(n.value.left.id, ast.Load()))])


def _statement_edits(node: ast.AST, scope: Scope) -> Iterator[Edit]:
    if isinstance(node, ast.stmt) and id(node) != scope.docstring:
        yield "statement", f"{type(node).__name__} deleted", lambda n: []
    if scope.numeric_return and isinstance(node, ast.Return) and node.value is not None \
            and not isinstance(node.value, (ast.Tuple, ast.Dict, ast.DictComp, ast.Constant)):
        yield "return", "return x → return -x", lambda n: _with(n, value=ast.UnaryOp(ast.USub(), n.value))


def _edits(node: ast.AST, scope: Scope) -> Iterator[Edit]:
    yield from _operator_edits(node)
    yield from _constant_edits(node, scope)
    yield from _subscript_edits(node, scope)
    yield from _call_edits(node, scope)
    yield from _name_edits(node, scope)
    yield from _in_place_edits(node)
    yield from _statement_edits(node, scope)


def _replace(tree: ast.AST, target: ast.AST, replacement: ast.AST | list[ast.stmt]) -> None:
    """Put replacement where target is; a body left empty gets `pass`."""
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if value is target:
                setattr(parent, name, replacement)
                return
            if isinstance(value, list) and any(v is target for v in value):
                i = next(i for i, v in enumerate(value) if v is target)
                value[i:i + 1] = replacement if isinstance(replacement, list) else [replacement]
                if name == "body" and not value:
                    value.append(ast.Pass())
                return


def _apply(tree: ast.Module, index: int, make: Make) -> ast.Module:
    """A copy of tree with its index-th node (in ast.walk order) replaced by make(that node)."""
    mutant = copy.deepcopy(tree)
    target = next(itertools.islice(ast.walk(mutant), index, None))
    replacement = make(target)
    if replacement is not target:
        for new in replacement if isinstance(replacement, list) else [replacement]:
            ast.copy_location(new, target)
        _replace(mutant, target, replacement)
    return ast.fix_missing_locations(mutant)


def mutations(tree: ast.Module, numeric_return: bool) -> Iterator[tuple[str, str, int, ast.Module]]:
    """(kind, description, line in the function's source, mutated tree) for every mutation point."""
    function = tree.body[0]
    scope = _scope(function, numeric_return)
    for index, node in enumerate(ast.walk(tree)):
        if node is function:
            continue
        for kind, description, make in _edits(node, scope):
            yield kind, description, getattr(node, "lineno", function.lineno), _apply(tree, index, make)


# ---------------------------------------------------------------------------------------------------
# Mutants of an exercise's reference
# ---------------------------------------------------------------------------------------------------

@dataclass
class Record:
    """One mutant and what became of it: plain data, written to --json."""
    exercise: str
    kind: str
    description: str
    location: str  # file:line of the mutated node in solutions/
    before: str  # the changed line(s) of the reference, as ast.unparse prints them
    after: str  # the same line(s) of the mutant ("" when deleted)
    equivalence: str = ""  # "equivalent", "non-equivalent", "timeout" or "crashed"
    witness: str = ""  # the input that tells the mutant apart from the reference
    diagnosis: str = ""
    score: float = 0.0
    max_score: float = 0.0
    message: str = ""
    timeouts: list[str] = field(default_factory=list)  # the steps that ran out of time

    @property
    def equivalent(self) -> bool:
        return self.equivalence == "equivalent"

    @property
    def killed(self) -> bool:
        return self.score < self.max_score


@dataclass
class Mutant:
    record: Record
    function: types.FunctionType


@dataclass
class Discarded:
    compile_failures: int = 0
    no_ops: int = 0  # unparse the same as the reference (say, two equal arguments swapped)
    duplicates: int = 0  # the same code as an earlier mutant of the function


def _changed_lines(before: str, after: str) -> tuple[str, str]:
    old, new = before.splitlines(), after.splitlines()
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += [line.strip() for line in old[i1:i2]]
            added += [line.strip() for line in new[j1:j2]]
    return " ⏎ ".join(removed), " ⏎ ".join(added)


def _compile(tree: ast.Module, reference: types.FunctionType) -> types.FunctionType:
    """The mutant as a function of the reference's own module globals (so its callees are the
    reference's, and nothing else of the module changes), with the mutant's default values."""
    namespace = dict(reference.__globals__)
    exec(compile(tree, f"<mutant of {reference.__name__}>", "exec"), namespace)
    made = namespace[reference.__name__]
    function = types.FunctionType(made.__code__, reference.__globals__, made.__name__,
                                  made.__defaults__, made.__closure__)
    function.__kwdefaults__ = made.__kwdefaults__
    return function


def build_mutants(name: str, numeric_return: bool, discarded: Discarded) -> list[Mutant]:
    reference = catalogue.EXERCISES[name].reference
    lines, first_line = inspect.getsourcelines(reference)
    tree = ast.parse(textwrap.dedent("".join(lines)))
    path = Path(inspect.getsourcefile(reference)).resolve().relative_to(ROOT)
    original = ast.unparse(tree)
    seen = {original}
    out = []
    for kind, description, line, mutant_tree in mutations(tree, numeric_return):
        text = ast.unparse(mutant_tree)
        if text in seen:
            discarded.no_ops += text == original
            discarded.duplicates += text != original
            continue
        seen.add(text)
        try:
            function = _compile(mutant_tree, reference)
        except Exception:  # any failure to compile or define the mutant discards it
            discarded.compile_failures += 1
            continue
        before, after = _changed_lines(original, text)
        record = Record(name, kind, description, f"{path}:{first_line + line - 1}", before, after)
        out.append(Mutant(record, function))
    return out


# ---------------------------------------------------------------------------------------------------
# The equivalence oracle, independent of the grader's cases and verdicts
# ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Call:
    label: str
    inputs: list  # decoded wire data, as the grader's cases hold them
    omitted: int = 0  # trailing arguments left to their default values


@dataclass(frozen=True)
class Behaviour:
    value: object = None  # decoded wire data of the return value
    error: str | None = None  # the exception's type name
    changed: frozenset[int] = frozenset()  # the arguments the call changed in place


@dataclass
class Prepared:
    """An exercise's equivalence inputs and the reference's behaviour on each."""
    name: str
    calls: list[Call]
    expected: list[Behaviour]
    n_random: int
    note: str = ""  # why the random inputs were cut, when they were


def _same(a: object, b: object) -> bool:
    """Exact, recursive equality of two argument values (NaN equals NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
                and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if callable(a):
        return a is b
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def behaviour(function: Callable[..., object], call: Call) -> Behaviour:
    """What function does on a deep copy of the call's inputs: its value or exception, and which
    arguments it changed."""
    arguments = wire.as_arguments(call.inputs)  # a deep copy, callables made real
    arguments = arguments[:len(arguments) - call.omitted]
    before = copy.deepcopy(arguments)
    try:
        value, error = wire.decode(wire.encode(function(*arguments))), None
    except Exception as exc:  # the exception's type is the behaviour
        value, error = None, type(exc).__name__
    changed = frozenset(i for i, (a, b) in enumerate(zip(arguments, before)) if not _same(a, b))
    return Behaviour(value, error, changed)


MISMATCHES = {"type_or_shape": "another type or shape", "non_finite": "NaN or infinity", "value": "another value"}


def difference(got: Behaviour, want: Behaviour, rtol: float, atol: float) -> str | None:
    """How got differs observably from want, or None."""
    if got.error != want.error:
        return f"raises {got.error}" if got.error else f"returns where the reference raises {want.error}"
    if want.error is None:
        mismatch = compare(got.value, want.value, rtol, atol)
        if mismatch:
            return f"returns {MISMATCHES[mismatch.kind]} {mismatch.where}".strip()
    extra = sorted(got.changed - want.changed)
    return f"changes argument {extra[0] + 1} in place" if extra else None


def _calls_of(label: str, inputs: list, n_params: int, n_defaults: int, omit: bool) -> list[Call]:
    plain = wire.decode(wire.encode(list(inputs)))
    calls = [Call(label, plain)]
    if omit and len(plain) == n_params:
        calls += [Call(f"{label}, last {k} argument(s) left to default", plain, k) for k in range(1, n_defaults + 1)]
    return calls


def _draw(random_inputs: Callable[..., list], rng: np.random.Generator, i: int) -> list:
    """One random input: random_inputs(rng), or random_inputs(rng, i) when it takes the input's
    number too (to take choices in turn)."""
    required = [p for p in inspect.signature(random_inputs).parameters.values()
                if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return random_inputs(rng, i) if len(required) >= 2 else random_inputs(rng)


def prepare(name: str, limit: int, budget: float) -> Prepared:
    """The worked inputs and up to `limit` random ones, fewer when the reference's calls on them
    take more than `budget` seconds (never fewer than MIN_RANDOM); the reference's behaviour on each."""
    exercise = catalogue.EXERCISES[name]
    reference = exercise.reference
    n_params, n_defaults = reference.__code__.co_argcount, len(reference.__defaults__ or ())
    prepared = Prepared(name, [], [], 0)
    spent = 0.0

    def add(calls: list[Call]) -> None:
        nonlocal spent
        for call in calls:
            start = time.perf_counter()
            prepared.expected.append(behaviour(reference, call))
            spent += time.perf_counter() - start
            prepared.calls.append(call)

    for label, inputs in exercise.worked:
        add(_calls_of(f"worked {label!r}", inputs, n_params, n_defaults, True))
    rng = np.random.default_rng(EQUIVALENCE_SEED)
    for i in range(limit):
        if spent > budget and i >= MIN_RANDOM:
            per_call = 1000 * spent / len(prepared.calls)
            prepared.note = (f"{name}: {i} random inputs instead of {limit} "
                             f"(reference {per_call:.1f} ms a call, budget {budget:g} s)")
            break
        add(_calls_of(f"random {i + 1}", _draw(exercise.random_inputs, rng, i), n_params, n_defaults,
                      i % OMIT_EVERY == 0))
        prepared.n_random = i + 1
    return prepared


def numeric_returns(prepared: Prepared) -> bool:
    """The reference returned numbers or numeric arrays only: `return -x` is a fair mutant."""
    def numeric(value: object) -> bool:
        return (isinstance(value, (int, float)) and not isinstance(value, bool)
                or isinstance(value, np.ndarray) and value.dtype.kind in "iuf")
    return all(numeric(b.value) for b in prepared.expected if b.error is None)


def equivalence(function: Callable[..., object], prepared: Prepared) -> tuple[str, str]:
    """("equivalent", "") or ("non-equivalent", the first input that tells them apart and how)."""
    info = catalogue.EXERCISES[prepared.name].info
    for call, want in zip(prepared.calls, prepared.expected):
        found = difference(behaviour(function, call), want, info.rtol, info.atol)
        if found:
            return "non-equivalent", f"{call.label}: {found}"
    return "equivalent", ""


# ---------------------------------------------------------------------------------------------------
# Workers: one forked process per mutant, a time limit per step, enforced by the parent
# ---------------------------------------------------------------------------------------------------

STEPS = ("equivalence", "check")


@dataclass(frozen=True)
class Job:
    index: int  # into the list of mutants
    steps: tuple[str, ...]


@dataclass
class Running:
    process: multiprocessing.process.BaseProcess
    job: Job
    phase: str
    since: float
    done: set[str] = field(default_factory=set)


def _judge(mutant: Mutant) -> dict[str, object]:
    result = check(mutant.record.exercise, mutant.function)
    return {"diagnosis": result.diagnosis, "score": result.score, "max_score": result.max_score,
            "message": result.message[:300]}


def _work(conn: Connection, mutant: Mutant, prepared: Prepared, steps: tuple[str, ...]) -> None:
    """The worker: no output, no warnings, bounded memory; sends ("phase", step) then (step, result)."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")
    warnings.simplefilter("ignore")
    with np.errstate(all="ignore"):
        for step in steps:
            conn.send(("phase", step))
            result = equivalence(mutant.function, prepared) if step == "equivalence" else _judge(mutant)
            conn.send((step, result))
    conn.close()


def _record_step(record: Record, step: str, result: object) -> None:
    if step == "equivalence":
        record.equivalence, record.witness = result
    else:
        for key, value in result.items():
            setattr(record, key, value)


def _record_failure(record: Record, step: str, what: str) -> None:
    """A step that ran out of time or whose worker died: non-equivalent, or a lost mark (the batch
    grader's sandbox gives no marks to a call that does not finish)."""
    if what == "timeout":
        record.timeouts.append(step)
    if step == "equivalence":
        record.equivalence, record.witness = what, f"the mutant's worker {'ran out of time' if what == 'timeout' else 'died'}"
    else:
        record.diagnosis, record.score = what, 0.0
        record.max_score = catalogue.EXERCISES[record.exercise].info.points


class Scheduler:
    """Runs every mutant's steps in forked workers, at most `jobs` at a time."""

    def __init__(self, mutants: list[Mutant], prepared: dict[str, Prepared], jobs: int,
                 timeouts: dict[str, float]) -> None:
        self.mutants, self.prepared, self.jobs, self.timeouts = mutants, prepared, jobs, timeouts
        self.context = multiprocessing.get_context("fork")
        self.queue = deque(Job(i, STEPS) for i in range(len(mutants)))
        self.running: dict[Connection, Running] = {}
        self.finished = self.shown = 0

    def run(self) -> None:
        started = time.monotonic()
        try:
            while self.queue or self.running:
                while self.queue and len(self.running) < self.jobs:
                    self._start(self.queue.popleft())
                for conn in wait(list(self.running), timeout=POLL):
                    self._receive(conn)
                self._enforce_deadlines()
                self._progress(started)
        finally:
            for running in self.running.values():
                running.process.kill()
                running.process.join()

    def _start(self, job: Job) -> None:
        mutant = self.mutants[job.index]
        receiver, sender = self.context.Pipe(duplex=False)
        process = self.context.Process(target=_work, daemon=True,
                                       args=(sender, mutant, self.prepared[mutant.record.exercise], job.steps))
        process.start()
        sender.close()
        self.running[receiver] = Running(process, job, job.steps[0], time.monotonic())

    def _receive(self, conn: Connection) -> None:
        running = self.running[conn]
        try:
            kind, payload = conn.recv()
        except EOFError:  # the worker is gone: finished, or died before the end of a step
            pending = [step for step in running.job.steps if step not in running.done]
            self._stop(conn, (pending[0], "crashed") if pending else None)
            return
        if kind == "phase":
            running.phase, running.since = payload, time.monotonic()
        else:
            _record_step(self.mutants[running.job.index].record, kind, payload)
            running.done.add(kind)

    def _enforce_deadlines(self) -> None:
        now = time.monotonic()
        for conn, running in list(self.running.items()):
            if running.phase not in running.done and now - running.since > self.timeouts[running.phase]:
                running.process.kill()
                self._stop(conn, (running.phase, "timeout"))

    def _stop(self, conn: Connection, failure: tuple[str, str] | None) -> None:
        """Forget a worker; when a step failed, (step, "timeout" or "crashed"), record that and
        queue the steps after it."""
        running = self.running.pop(conn)
        running.process.join()
        conn.close()
        steps = running.job.steps
        if failure:
            step, what = failure
            _record_failure(self.mutants[running.job.index].record, step, what)
            rest = steps[steps.index(step) + 1:]
            if rest:
                self.queue.appendleft(Job(running.job.index, rest))
                return
        self.finished += 1

    def _progress(self, started: float) -> None:
        step = max(1, len(self.mutants) // 10)
        if self.finished and self.finished % step == 0 and self.shown != self.finished:
            self.shown = self.finished
            print(f"  {self.finished} of {len(self.mutants)} mutants done, {time.monotonic() - started:.0f} s",
                  file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------

def _table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
             for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "n/a"


def kind_table(records: list[Record]) -> str:
    rows = []
    for kind in KINDS + ("total",):
        mine = [r for r in records if kind in ("total", r.kind)]
        non_equivalent = [r for r in mine if not r.equivalent]
        killed = sum(r.killed for r in non_equivalent)
        equivalent = [r for r in mine if r.equivalent]
        rows.append([kind, len(mine), len(non_equivalent), killed, _percent(killed, len(non_equivalent)),
                     len(equivalent), sum(r.killed for r in equivalent), sum(bool(r.timeouts) for r in mine)])
    return _table(["kind", "mutants", "non-equivalent", "killed", "score", "equivalent",
                   "equivalent-but-failed", "timeouts"], rows)


def diagnosis_table(records: list[Record]) -> str:
    killed = [r for r in records if r.killed]
    codes = sorted(Counter(r.diagnosis for r in killed), key=lambda c: -sum(r.diagnosis == c for r in killed))
    rows = [[kind] + [sum(r.kind == kind and r.diagnosis == c for r in killed) for c in codes]
            for kind in KINDS if any(r.kind == kind for r in killed)]
    return _table(["kind"] + codes, rows)


def _short(text: str, width: int = 160) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _line(record: Record) -> str:
    change = f"{_short(record.before)}  →  {_short(record.after)}" if record.after else f"deleted: {_short(record.before)}"
    return f"{record.exercise} [{record.kind}: {record.description}] {record.location}\n      {change}"


def report(records: list[Record], prepared: dict[str, Prepared], discarded: Discarded) -> None:
    non_equivalent = [r for r in records if not r.equivalent]
    killed = sum(r.killed for r in non_equivalent)
    false_alarms = [r for r in records if r.equivalent and r.killed]
    survivors = [r for r in non_equivalent if not r.killed]
    print(f"\n{len(records)} mutants of {len(prepared)} reference functions "
          f"({discarded.compile_failures} failed to compile, {discarded.no_ops} no-ops and "
          f"{discarded.duplicates} duplicates discarded)\n")
    print(kind_table(records))
    print(f"\nmutation score: {killed} of {len(non_equivalent)} non-equivalent mutants failed "
          f"({_percent(killed, len(non_equivalent))})")
    print(f"equivalent mutants that lost marks: {len(false_alarms)}")
    print(f"\nSURVIVORS: non-equivalent mutants with full marks ({len(survivors)})")
    for r in survivors:
        print(f"  {_line(r)}\n      reason: {r.witness} (diagnosis {r.diagnosis})")
    print(f"\nEQUIVALENT MUTANTS THAT LOST MARKS ({len(false_alarms)})")
    for r in false_alarms:
        print(f"  {_line(r)}\n      {r.diagnosis}: {r.message[:200]}")
    timed_out = [r for r in records if r.timeouts]
    print(f"\nTIMEOUTS ({len(timed_out)})")
    for r in timed_out:
        print(f"  {_line(r)}\n      ran out of time in: {', '.join(r.timeouts)}; diagnosis {r.diagnosis}")
    print("\ndiagnosis codes per mutation kind (killed mutants)\n")
    print(diagnosis_table(records))


# ---------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------

def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercises", nargs="+", metavar="NAME", help="only these exercises (default: all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="worker processes at a time")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write every mutant's record here")
    parser.add_argument("--limit-random", type=int, default=240, help="random equivalence inputs per exercise")
    parser.add_argument("--budget", type=float, default=1.0,
                        help="seconds of reference calls per exercise before its random inputs are cut")
    parser.add_argument("--timeout-equivalence", type=float, default=10.0, help="seconds for the equivalence step")
    parser.add_argument("--timeout-check", type=float, default=10.0, help="seconds for the grader's check")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.exercises or ()) - set(catalogue.EXERCISES))
    if unknown:
        parser.error(f"no such exercise: {', '.join(unknown)}")
    return args


def _controls(names: list[str]) -> list[str]:
    """Warnings for references the grader itself does not pass (every mutant would look killed)."""
    out = []
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in names:
            result = check(name, catalogue.EXERCISES[name].reference)
            if result.score < result.max_score:
                out.append(f"warning: the reference of {name} itself gets {result.diagnosis} from the grader")
    return out


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    started = time.monotonic()
    names = args.exercises or list(catalogue.EXERCISES)
    for warning in _controls(names):
        print(warning)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prepared = {name: prepare(name, args.limit_random, args.budget) for name in names}
    discarded = Discarded()
    mutants = [m for name in names for m in build_mutants(name, numeric_returns(prepared[name]), discarded)]
    print(f"{len(mutants)} mutants of {len(names)} exercises, prepared in {time.monotonic() - started:.0f} s; "
          f"judging with {args.jobs} workers", flush=True)
    for note in (p.note for p in prepared.values() if p.note):
        print(f"  random inputs cut: {note}")
    timeouts = {"equivalence": args.timeout_equivalence, "check": args.timeout_check}
    Scheduler(mutants, prepared, args.jobs, timeouts).run()
    records = [m.record for m in mutants]
    report(records, prepared, discarded)
    elapsed = time.monotonic() - started
    if args.json:
        args.json.write_text(json.dumps({"runtime_seconds": elapsed, "discarded": asdict(discarded),
                                         "equivalence_inputs": {n: {"calls": len(p.calls), "random": p.n_random}
                                                                for n, p in prepared.items()},
                                         "mutants": [{**asdict(r), "killed": r.killed} for r in records]},
                                        indent=1))
    print(f"\nruntime: {elapsed:.0f} s on {args.jobs} workers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
