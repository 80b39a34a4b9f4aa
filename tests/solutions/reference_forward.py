"""Independent float64 forward passes, losses and finite differences for the solutions tests.

Written from the documents only; nothing here imports `solutions`.
"""
from decimal import Decimal

import numpy as np
import pytest

H = 1e-5
FD_RTOL = 1e-6
KINDS = ("linear", "sigmoid", "tanh", "relu")


def sigma(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def bce(y, y_hat):
    return -y * np.log(y_hat) - (1.0 - y) * np.log(1.0 - y_hat)


# 02 / 03: the 2-2-1 network of documents 000 and 003 --------------------------------------------

def hidden_preactivations(x, params):
    W1, b1 = params["W1"], params["b1"]
    z11 = W1[0, 0] * x[0] + W1[1, 0] * x[1] + b1[0]
    z12 = W1[0, 1] * x[0] + W1[1, 1] * x[1] + b1[1]
    return z11, z12


def forward_regression_ref(x, params):
    """(O11, O12, y_hat), all linear."""
    O11, O12 = hidden_preactivations(x, params)
    W2 = params["W2"]
    return O11, O12, W2[0] * O11 + W2[1] * O12 + params["b2"]


def regression_loss_ref(x, y, params):
    return (y - forward_regression_ref(x, params)[2]) ** 2


def forward_classification_ref(x, params):
    """(O11, O12, y_hat), sigmoid hidden units and sigmoid output."""
    z11, z12 = hidden_preactivations(x, params)
    O11, O12 = float(sigma(z11)), float(sigma(z12))
    W2 = params["W2"]
    return O11, O12, float(sigma(W2[0] * O11 + W2[1] * O12 + params["b2"]))


def classification_loss_ref(x, y, params):
    return bce(y, forward_classification_ref(x, params)[2])


def batch_regression_loss_ref(X, Y, params):
    return float(np.mean([regression_loss_ref(X[i], Y[i], params) for i in range(len(X))]))


# 03: document 001's single hidden unit --------------------------------------------------------

def forward_single_hidden_ref(x, params):
    """(h, y_hat): one sigmoid hidden unit, one sigmoid output."""
    w = params["w"]
    h = float(sigma(w[0] * x[0] + w[1] * x[1] + params["b1"]))
    return h, float(sigma(params["v"] * h + params["b2"]))


def single_hidden_loss_ref(x, y, params):
    return float(bce(y, forward_single_hidden_ref(x, params)[1]))


# 04: the 2-2-2 network of document 004 --------------------------------------------------------

def forward_2_2_2_ref(x, w, b):
    H1 = x[0] * w["w1"] + x[1] * w["w2"] + b[0]
    H2 = x[0] * w["w3"] + x[1] * w["w4"] + b[0]
    H1f, H2f = float(sigma(H1)), float(sigma(H2))
    y1 = H1f * w["w5"] + H2f * w["w6"] + b[1]
    y2 = H1f * w["w7"] + H2f * w["w8"] + b[1]
    return {"H1": H1, "H2": H2, "H1_final": H1f, "H2_final": H2f,
            "y1": y1, "y2": y2, "y1_final": float(sigma(y1)), "y2_final": float(sigma(y2))}


def error_2_2_2_ref(x, t, w, b):
    f = forward_2_2_2_ref(x, w, b)
    return 0.5 * (t[0] - f["y1_final"]) ** 2 + 0.5 * (t[1] - f["y2_final"]) ** 2


X_004 = np.array([0.05, 0.10])
T_004 = np.array([0.01, 0.99])
B_004 = (0.35, 0.60)
W_004 = {"w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30,
         "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55}
LR_004 = 0.5


# 05: document 002's XOR network ---------------------------------------------------------------

XOR_X = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
XOR_Y = np.array([[0.0], [0.0], [1.0], [1.0]])


def xor_loss_ref(params):
    h = sigma(XOR_X @ params["W1"] + params["b1"])
    y_out = sigma(h @ params["W2"] + params["b2"])
    return float(np.sum((XOR_Y - y_out) ** 2))


# 06: any-depth MLP ----------------------------------------------------------------------------

def activation_ref(Z, kind):
    if kind == "linear":
        return Z
    if kind == "sigmoid":
        return sigma(Z)
    if kind == "tanh":
        return np.tanh(Z)
    if kind == "relu":
        return np.maximum(Z, 0.0)
    raise ValueError(kind)


def mlp_forward_ref(X, params, activations):
    """(Y_hat, list of pre-activations Z of every layer)."""
    A, Zs = X, []
    for (W, b), kind in zip(params, activations):
        Z = A @ W + b
        Zs.append(Z)
        A = activation_ref(Z, kind)
    return A, Zs


def mse_batch_ref(Y, Y_hat):
    return float(np.mean((Y - Y_hat) ** 2))


# finite differences ---------------------------------------------------------------------------

def fd_array(f, arr, h=H):
    """Centred difference of the scalar f() in every entry of the float array arr (perturbed in
    place and restored)."""
    grad = np.zeros_like(arr, dtype=float)
    for idx in np.ndindex(arr.shape):
        old = arr[idx]
        arr[idx] = old + h
        f_plus = f()
        arr[idx] = old - h
        f_minus = f()
        arr[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def fd_scalar(f, x, h=H):
    return (f(x + h) - f(x - h)) / (2 * h)


def fd_param_dict(loss, params, h=H):
    """Centred-difference gradient of loss(params) for a dict of scalars and arrays; the result
    has the same keys, scalars staying scalars."""
    work = {k: np.array(v, dtype=float) for k, v in params.items()}
    grads = {k: fd_array(lambda: loss(work), work[k], h) for k in work}
    return {k: g if np.ndim(params[k]) else float(g) for k, g in grads.items()}


def rel_err(a, b):
    """Elementwise max of |a - b| / max(1e-8, |a| + |b|)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)), initial=0.0))


# printed numbers ------------------------------------------------------------------------------

def printed_tolerance(printed):
    """Half a unit in the last printed digit, plus float64 round-off for 16-digit prints."""
    exponent = Decimal(printed).as_tuple().exponent
    return 0.5 * 10.0 ** exponent + 4 * float(np.spacing(abs(float(printed))))


def assert_prints_as(what, got, printed):
    tol = printed_tolerance(printed)
    assert float(got) == pytest.approx(float(printed), rel=0, abs=tol), (
        f"{what}: got {float(got)!r}, document prints {printed} (tolerance {tol:.1e})")
