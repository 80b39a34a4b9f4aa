"""Learner-facing messages, one template per diagnosis code.

Every message points at the formula and what to look at in it, never at the expected value.
An exercise may replace any template with a hint of its own (ExerciseInfo.hints).
"""

TEMPLATES = {
    "ok": "Correct on all {n} cases.",
    "missing": "No function named `{name}` was found: define it in its solution cell, with this name.",
    "not_implemented": "`{name}` still raises NotImplementedError: replace the stub with your code.",
    "error": "`{name}` raised {error}{error_detail}. It should compute {formula}.",
    "timeout": "`{name}` did not finish in time: look for a loop that never ends or far too many steps.",
    "tampered": "A locked cell was changed; it was graded with the original cell. {detail}",
    "wrong_type_or_shape": "`{name}`: {detail}. Check what your function returns.",
    "non_finite": "`{name}` returned NaN or infinity{where_text}: look for a division by zero, "
                  "log(0) or an exp that overflows. It should compute {formula}.",
    "sign_flipped": "The sign is flipped: your result is minus the right one. In {formula}, "
                    "check the order of the terms inside the brackets and the leading minus.",
    "constant_factor": "Off by a constant factor: your result is {factor} times the right one. "
                       "Check the constants in {formula}.",
    "missing_activation_derivative": "The activation's derivative is missing: the chain rule passes "
                                     "through σ, so multiply by σ′ = a(1 − a). {formula}",
    "activation_derivative_on_preactivation": "σ′ was applied to the pre-activation z; a(1 − a) needs "
                                              "the activation a = σ(z). {formula}",
    "wrong_input": "The right formula fed with the wrong quantity: {formula} — check which input, "
                   "weight or unit each factor belongs to.",
    "used_updated_weights": "The hidden-layer gradients used weights that were already updated; every "
                            "gradient of a step must use the weights from before the step. {formula}",
    "wrong_value": "Wrong value{where_text}{failed_text}. It should compute {formula}.",
}


def render(info, code: str, context: dict[str, object]) -> str:
    """The message for code, with the exercise's own hint when it has one."""
    template = info.hints.get(code) or TEMPLATES.get(code, "{formula}")
    values = {"name": info.name, "formula": info.formula, "n": "", "detail": "", "where": "",
              "error": "", "error_detail": "", "factor": "", "case": "", "failed": "", **context}
    where = values["where"]
    values["where_text"] = f" at {where}" if where else ""
    failed, n = values["failed"], values["n"]
    values["failed_text"] = f" on {failed} of {n} cases" if failed != "" and n != "" else ""
    return template.format(**values)
