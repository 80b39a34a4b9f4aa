"""Learner-facing messages, one template per diagnosis code.

Every message names what the exercise computes ({formula}) and where to look, never the expected
value and never the final formula (ExerciseInfo.final_formula), which the learner is to derive.
An exercise may replace any template with a hint of its own (ExerciseInfo.hints).
"""

TEMPLATES = {
    "ok": "Correct on {all_cases}.",
    "missing": "No function named `{name}` was found: define it in its solution cell, with this name.",
    "not_implemented": "`{name}` still raises NotImplementedError: replace the stub with your code.",
    "error": "`{name}` raised {error}{error_detail}. It should compute {formula}.",
    "timeout": "`{name}` did not finish in time: look for a loop that never ends or far too many steps.",
    "tampered": "A locked cell was changed; it was graded with the original cell. {detail}",
    "wrong_type_or_shape": "`{name}`: {detail}. Check what your function returns.",
    "non_finite": "`{name}` returned NaN or infinity{where_text}: look for a division by zero, "
                  "log(0), an exp that overflows, or an entry of an np.empty array never written. "
                  "It should compute {formula}.",
    "sign_flipped": "The sign is flipped: your result is minus the right one (it should compute "
                    "{formula}). Check the order of the terms inside brackets and every minus sign "
                    "along the way.",
    "constant_factor": "Off by a constant factor: your result is {factor} times the right one (it should "
                       "compute {formula}). Check the constants your derivation brings in.",
    "missing_activation_derivative": "The activation's derivative is missing: the chain rule passes "
                                     "through σ, so its slope σ′ is one of the factors. It should "
                                     "compute {formula}.",
    "activation_derivative_on_preactivation": "σ′ was applied to the pre-activation z: the slope written "
                                              "with the activation needs a = σ(z). It should compute "
                                              "{formula}.",
    "wrong_input": "The right formula fed with the wrong quantity (it should compute {formula}): check "
                   "which input, weight or unit each factor belongs to.",
    "used_updated_weights": "The hidden-layer gradients used weights that were already updated; every "
                            "gradient of a step must use the weights from before the step. It should "
                            "compute {formula}.",
    "wrong_value": "Wrong value{where_text}{failed_text}. It should compute {formula}.",
    "wrong_activation": "The units use another activation than this network's (it should compute "
                        "{formula}).",
    "wrong_loss": "That is the derivative of another loss than this network's (it should compute "
                  "{formula}).",
    "mean_instead_of_sum": "A sum over the batch became a mean (or the reverse); it should compute "
                           "{formula}.",
    "wrong_row_order": "The rows were taken in another order than the loop's (it should compute {formula}).",
    "mutated_input": "`{name}` changed its argument `{argument}` in place. It must leave its arguments "
                      "as they were and return a new value (the caller may still need the old one): "
                      "write `x = x - …` or work on a copy, not `x -= …` or `x[i] = …` on an argument.",
    "carried_forward": "Right, given a correct {callees}; {cost}, and this one keeps its points "
                       "(error carried forward).",
}


def render(info, code: str, context: dict[str, object]) -> str:
    """The message for code ("code" or "code/which", a known mistake of the exercise), with the
    exercise's own hint for it when it has one."""
    base = code.partition("/")[0]
    template = info.hints.get(code) or info.hints.get(base) or TEMPLATES.get(base, "{formula}")
    values = {"name": info.name, "formula": info.formula, "n": "", "detail": "", "where": "",
              "error": "", "error_detail": "", "factor": "", "case": "", "failed": "", **context}
    where = values["where"]
    values["where_text"] = f" at {where}" if where else ""
    failed, n = values["failed"], values["n"]
    values["all_cases"] = {1: "its one case", 2: "both cases"}.get(n, f"all {n} cases")
    values["failed_text"] = f" on {failed} of {n} cases" if failed != "" and n != "" else ""
    return template.format(**values)


def points(x: float) -> str:
    """A number of points in words: "1 point", "0.5 points", "3 points"."""
    return f"{x:g} point" + ("" if x == 1 else "s")
