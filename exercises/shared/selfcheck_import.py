"""Every setup cell's import of the self-check, naming the folder when the notebook was opened without it."""
try:
    from backprop_selfcheck import check, check_all
except ModuleNotFoundError as missing:
    if missing.name != "backprop_selfcheck":
        raise
    raise ModuleNotFoundError("backprop_selfcheck/, the folder that checks your answers, is not beside this notebook: "
                              "open the notebook inside the assignment folder you were given.") from None
