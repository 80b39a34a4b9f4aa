"""Stubs that ask rather than tell: a derivative exercise keeps its final formula to itself until the
learner's function passes. Not in its stub's docstring (the text notebook, the source notebook, the
student version nbgrader makes of it), not in the teaching text that leads to the stub, not in any
catalogue text a failure message is made of, not in the learner's self-check data; a passing
self-check prints it.

A final formula is looked for piece by piece: every right-hand side of the catalogue's final_formula,
in text normalised so that the notebooks' notations meet (LaTeX, Unicode and code spellings of one
expression, `\\hat y`, `ŷ` and `y_hat`, `W^2_{11}` and `W2_11`, `X^{\\mathsf T}`, `Xᵀ` and `X.T`,
become one string).
"""
import ast
import importlib.util
import io
import re
import sys
from contextlib import redirect_stdout

import jupytext
import numpy as np
import pytest
from nbgrader.preprocessors import ClearSolutions

import exercises
from grader import catalogue
from grader.catalogue import Catalogue
from grader.check import check as grader_check, formula_lock
from grader.errors import CommandError
from grader.exercise import Exercise
from grader.judge.diagnose import ExerciseInfo
from grader.judge import messages
from grader.selfcheck_package import write_selfcheck
from grader.source_notebook import build

# The exercises whose answer is a derivative the learner derives: each must keep a final formula.
# Left out on purpose: chain_rule (the rule itself is what it teaches), numeric_derivative and
# numeric_gradient (the centred difference is given), batch_gradients_regression (the mean of given
# gradients), and the functions that assemble the learner's own derivatives (gradients_regression,
# gradients_classification, mlp_backward).
DERIVATIVES = {
    "d_square_plus_x", "grad_sum_of_squares",
    "dL_dyhat", "dL_dW2_11", "dL_dW2_21", "dL_db21", "dL_dW1_11", "dL_dW1_21", "dL_db11", "dL_dW1_12",
    "dL_dW1_22", "dL_db12",
    "sigmoid_derivative", "dL_dyhat_bce", "dL_dz_output", "dL_dW2_11_clf", "dL_dW2_21_clf", "dL_db21_clf",
    "dL_dW1_11_clf", "dL_dW1_21_clf", "dL_db11_clf", "dL_dW1_12_clf", "dL_dW1_22_clf", "dL_db12_clf",
    "gradients_single_hidden",
    "dE_dout", "dout_dnet", "output_layer_gradients", "hidden_layer_gradients",
    "train_xor",
    "dense_backward", "activation_backward", "dmse_batch",
}
# Every exercise with a final formula, by assignment (an exercise added with one is held to the same).
ASKED = {a: names for a in exercises.ASSIGNMENTS
         if (names := [n for n in catalogue.ASSIGNMENTS[a] if catalogue.EXERCISES[n].info.final_formula])}
ALL_ASKED = [name for names in ASKED.values() for name in names]

# Spellings of one thing, in order: hats and transposes before the braces and underscores go.
SPELLINGS = [
    (r"\\hat\s*\{?\s*y\s*\}?|\by_hat\b", "ŷ"), (r"\\hat\s*\{?\s*Y\s*\}?|\bY_hat\b", "Ŷ"),
    (r"\^\s*\{?\s*\\mathsf\s*\{?\s*T\s*\}?\s*\}?|\^\{?T\}?(?![A-Za-z])|\.T\b", "ᵀ"),
    (r"\\sigma(?![a-zA-Z])", "σ"), (r"\\delta(?![a-zA-Z])", "δ"), (r"\\sum(?![a-zA-Z])", "Σ"),
    (r"\\partial(?![a-zA-Z])", "∂"), (r"\\eta(?![a-zA-Z])", "η"), (r"\\(tanh|log|exp|max)(?![a-zA-Z])", r"\1"),
    (r"\\t?frac\s*12(?!\d)|½", "1/2"), (r"−|–", "-"), (r"²", "^2"), (r"′", "'"),
    (r"\\(cdot|odot|times)(?![a-zA-Z])|[·⊙×*]", " "),
    (r"\\(left|right|bigl|bigr|Bigl|Bigr|big|Big|textstyle|displaystyle|mathrm|text|operatorname)(?![a-zA-Z])", ""),
    (r"\\[,;:! ]|\\q?quad(?![a-zA-Z])", " "),
    (r"\(\s*[a-z]{3,}\s*\)", ""),  # a label in brackets, "(sigmoid)"
]
DROPPED = re.compile(r"[\s$_^{}()\[\]]")
OPERATOR = re.compile(r"[-+/ᵀΣ]|\d[a-zŷ]")


def _fractions(text):
    r"""\frac{A}{B} as A/B (the brackets go anyway)."""
    while (start := text.find("\\frac{")) >= 0:
        parts, at = [], start + len("\\frac")
        for _ in range(2):
            depth, end = 0, at
            while True:
                depth += {"{": 1, "}": -1}.get(text[end], 0)
                if depth == 0:
                    break
                end += 1
            parts.append(text[at + 1:end])
            at = end + 1
        text = text[:start] + f"({parts[0]})/({parts[1]})" + text[at:]
    return text


def normalise(text: str) -> str:
    text = _fractions(text)
    for pattern, spelling in SPELLINGS:
        text = re.sub(pattern, spelling, text)
    text = DROPPED.sub("", text)
    return re.sub(r"[A-Z]", lambda m: m.group().lower(), text).replace("Ŷ", "ŷ")


def answer_pieces(final_formula: str) -> list[str]:
    """The normalised right-hand sides of a final formula that are expressions (not names)."""
    pieces = []
    for part in re.split(r"[,;]", final_formula):
        sides = part.split("=")
        for side in sides[1:] if len(sides) > 1 else sides:
            piece = normalise(side)
            if "∂" not in piece and len(piece) >= 2 and OPERATOR.search(piece):
                pieces.append(piece)
    return pieces


def leaks(text: str, name: str) -> list[str]:
    """The pieces of exercise `name`'s final formula that text spells out."""
    found = normalise(text)
    return [piece for piece in answer_pieces(catalogue.EXERCISES[name].info.final_formula) if piece in found]


# --- the detector ------------------------------------------------------------------------------------

def test_every_derivative_exercise_has_a_final_formula():
    assert DERIVATIVES <= set(ALL_ASKED)
    assert set(ASKED) == set(exercises.ASSIGNMENTS)  # every notebook asks for derivations


@pytest.mark.parametrize("name", ALL_ASKED)
def test_every_final_formula_has_pieces_to_look_for(name):
    final = catalogue.EXERCISES[name].info.final_formula
    pieces = answer_pieces(final)
    assert pieces, final
    assert leaks(final, name) == pieces  # the formula itself is found, in every piece


# The docstrings and teaching text these notebooks had before their stubs asked: each is found out.
OLD_TEXTS = [
    ("d_square_plus_x", '"""Slope of y = x² + x at x:  dy/dx = 2x + 1."""'),
    ("grad_sum_of_squares", '"""Gradient of z = x² + y²: the array [∂z/∂x, ∂z/∂y] = [2x, 2y]."""'),
    ("dL_dyhat", '"""∂L/∂y_hat for L = (y − y_hat)²: −2(y − y_hat)."""'),
    ("dL_dyhat", r"$$\frac{\partial L}{\partial \hat y} = 2(y - \hat y)\cdot(-1) = -2(y - \hat y).$$"),
    ("dL_dW1_11", r"$$\frac{\partial L}{\partial W^1_{11}} = -2(y - \hat y)\,W^2_{11}\,x_1 .$$"),
    ("dL_db11", '"""∂L/∂b11 = −2(y − y_hat)·W2_11, since ∂O11/∂b11 = 1."""'),
    ("sigmoid_derivative", '"""Slope of the sigmoid from its output a = σ(z): dσ/dz = a·(1 − a)."""'),
    ("dL_dyhat_bce", '"""∂L/∂ŷ of binary cross-entropy: −y/ŷ + (1 − y)/(1 − ŷ), i.e. −(y − ŷ) / (ŷ·(1 − ŷ))."""'),
    ("dL_dyhat_bce", r"= \frac{-(y - \hat y)}{\hat y(1 - \hat y)} .$$"),
    ("dL_dW1_12_clf", r"$$\frac{\partial L}{\partial W^1_{12}} = -(y - \hat y)\,W^2_{21}\,O_{12}(1 - O_{12})\,x_1 .$$"),
    ("gradients_single_hidden", '"""∂L/∂z2 = ŷ − y,  ∂L/∂v = ∂L/∂z2·h,  ∂L/∂z1 = ∂L/∂z2·v·h(1 − h)."""'),
    ("dE_dout", '"""Derivative of (1/2)(target - out)^2 with respect to out: -(target - out)."""'),
    ("dout_dnet", '"""Slope of the sigmoid written with its output: out * (1 - out)."""'),
    ("hidden_layer_gradients", r"\delta_{o1} w_5 + \delta_{o2} w_7) H1_{final}(1 - H1_{final}) x_1"),
    ("train_xor", r"\delta_2 &= -2\,(Y - \hat Y)\odot \hat Y\odot(1 - \hat Y)"),
    ("dense_backward", '"""Given dL/dZ of Z = X W + b: (dL/dX, dL/dW, dL/db) = (dZ W^T, X^T dZ, column sums of dZ)."""'),
    ("dense_backward", r"dW = X^{\mathsf T}dZ"),
    ("activation_backward", r"$\sigma(z)(1 - \sigma(z))$ (sigmoid — 004's $out(1 - out)$); $1 - \tanh^2 z$ (tanh)"),
    ("dmse_batch", '"""dL/dY_hat of the mean squared error: -2 (Y - Y_hat) / N, N = number of entries."""'),
]


@pytest.mark.parametrize("name, old", OLD_TEXTS)
def test_the_old_texts_are_found_out(name, old):
    assert leaks(old, name)


# --- the notebooks -----------------------------------------------------------------------------------

def _docstrings(cells):
    """{function name: its docstring} of the solution cells' functions."""
    found = {}
    for cell in cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.FunctionDef):
                    found[node.name] = ast.get_docstring(node) or ""
    return found


def _student(assignment):
    """The student version as nbgrader's generate_assignment makes the stubs: its own ClearSolutions."""
    nb, _ = ClearSolutions().preprocess(build(assignment), {})
    return nb


@pytest.mark.parametrize("assignment", ASKED)
def test_no_stub_docstring_gives_its_final_formula(assignment):
    text = jupytext.reads(exercises.text_notebook(assignment).read_text(encoding="utf-8"), fmt="py:percent")
    student = _student(assignment)
    assert all("raise NotImplementedError()" in c.source for c in student.cells
               if c.metadata.get("nbgrader", {}).get("solution"))
    for version in (text.cells, build(assignment).cells, student.cells):
        docstrings = _docstrings(version)
        for name in ASKED[assignment]:
            assert docstrings[name].strip(), name  # a stub says what it returns
            assert not leaks(docstrings[name], name), (name, docstrings[name])


def _lead_ins(nb):
    """{exercise: the markdown between the previous graded test cell and its solution cell}."""
    found, since = {}, []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown":
            since.append(cell.source)
        elif meta.get("solution"):
            found[meta["grade_id"].removesuffix("_solution")] = "\n".join(since)
        elif meta.get("grade"):
            since = []
    return found


@pytest.mark.parametrize("assignment", ASKED)
def test_the_teaching_text_leads_to_the_stub_without_giving_the_answer(assignment):
    lead_ins = _lead_ins(build(assignment))
    for name in ASKED[assignment]:
        assert lead_ins[name].strip(), name
        assert not leaks(lead_ins[name], name), (name, leaks(lead_ins[name], name))


# --- the catalogue's texts and the self-check --------------------------------------------------------

@pytest.mark.parametrize("assignment", ASKED)
def test_no_formula_hint_or_template_gives_a_final_formula(assignment):
    """Failure messages are made of the templates, formula fields and hints, of this exercise and of
    the exercises that call it: none of them spells out a final formula of the assignment."""
    texts = list(messages.TEMPLATES.values())
    for other in catalogue.ASSIGNMENTS[assignment]:
        info = catalogue.EXERCISES[other].info
        texts += [info.formula, *info.hints.values()]
    for name in ASKED[assignment]:
        leaked = [(text, leaks(text, name)) for text in texts if leaks(text, name)]
        assert not leaked, (name, leaked)


def _load(package):
    name = f"selfcheck_under_test_{package.parent.name}"
    spec = importlib.util.spec_from_file_location(name, package / "__init__.py",
                                                  submodule_search_locations=[str(package)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _leaves(value, change):
    if isinstance(value, dict):
        return {k: _leaves(v, change) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_leaves(v, change) for v in value)
    return change(np.asarray(value, dtype=float)) if isinstance(value, np.ndarray) else float(change(value))


def _wrong_answers(name):
    """(label, function) pairs: the catalogue's known mistakes and a few generic slips."""
    exercise = catalogue.EXERCISES[name]
    reference = exercise.reference

    def slipped(change):
        return lambda *args: _leaves(reference(*args), change)

    def raises(*args):
        raise ValueError("shapes do not match")

    def stub(*args):
        raise NotImplementedError()

    return [*exercise.variants.items(), ("negated", slipped(lambda v: -v)), ("tripled", slipped(lambda v: 3 * v)),
            ("shifted", slipped(lambda v: v + 0.37)), ("nan", slipped(lambda v: v * np.nan)),
            ("error", raises), ("stub", stub), ("text", lambda *args: "no idea")]


@pytest.mark.parametrize("assignment", ASKED)
def test_the_self_check_shows_the_formula_only_to_a_right_function(assignment, tmp_path):
    package = write_selfcheck(tmp_path / assignment, assignment)
    data = (package / "public_cases.json").read_text(encoding="utf-8")
    selfcheck = _load(package)
    for name in ASKED[assignment]:
        final = catalogue.EXERCISES[name].info.final_formula
        assert final not in data  # sealed, not in the clear
        for label, wrong in _wrong_answers(name):
            out = io.StringIO()
            with redirect_stdout(out), pytest.raises(AssertionError) as failed:
                selfcheck.check(name, wrong)
            said = out.getvalue() + str(failed.value)
            assert "the formula" not in said and not leaks(said, name), (name, label, said)
            graded = grader_check(name, wrong)  # the grader's message on its hidden cases
            assert graded.diagnosis != "ok" and not leaks(graded.message, name), (name, label, graded.message)
        out = io.StringIO()
        with redirect_stdout(out):
            selfcheck.check(name, catalogue.EXERCISES[name].reference)
        assert f"✔ {name}" in out.getvalue() and f"\n  the formula: {final}\n" in out.getvalue()


def _is_positive(x):
    return bool(x > 0)


def test_a_final_formula_that_cannot_be_sealed_is_refused_by_name():
    info = ExerciseInfo("is_positive", "99_own", 1, "whether x > 0", "ours", final_formula="x > 0")
    own = Catalogue({"99_own": ["is_positive"]},
                    {"is_positive": Exercise(info, _is_positive, lambda rng: [float(rng.normal())])})
    with pytest.raises(CommandError, match="is_positive: its final_formula cannot be sealed"):
        formula_lock("is_positive", own)
