"""01_derivatives: derivative, gradient, chain rule, minima, learning rate.

Documents 000 (fresherbell, "Concept Of Derivative/Gradient/Minima", "Effect Of Learning Rate")
and 003 (chain rule, "Here, No. of trainable parameters", "What is convergence").
"""
import numpy as np


def d_square_plus_x(x):
    """dy/dx of y = x² + x, which is 2x + 1.  (000, "Concept Of Gradient")"""
    return 2 * x + 1


def grad_sum_of_squares(x, y):
    """Gradient of z = x² + y²: [∂z/∂x, ∂z/∂y] = [2x, 2y].  (000, "Concept Of Gradient")"""
    return np.array([2 * x, 2 * y], dtype=float)


def chain_rule(dy_du, du_dx):
    """dy/dx = dy/du · du/dx for y = f(u), u = g(x).  (003, "Chain Rule of Derivatives")"""
    return dy_du * du_dx


def numeric_derivative(f, x, h=1e-5):
    """Centred difference f'(x) ≈ (f(x + h) − f(x − h)) / 2h."""
    return (f(x + h) - f(x - h)) / (2 * h)


def count_trainable_params(layer_sizes):
    """Σ over layers of (n_in · n_out + n_out): weights plus one bias per unit.

    003: layer 1 = 2·2 + 2 = 6, layer 2 = 2·1 + 1 = 3, total 9 for [2, 2, 1].
    """
    return int(sum(n_in * n_out + n_out for n_in, n_out in zip(layer_sizes, layer_sizes[1:])))


def gradient_descent_1d(x0, lr, steps):
    """Positions x_0 … x_steps of x_{k+1} = x_k − lr · (2x_k + 1), minimising f(x) = x² + x.

    000 ("Optimizing Learning Rate"): lr 0.01 is slow, 0.1 fast, and at lr 1 the update is
    x → −1 − x, so the iterate jumps between x0 and −1 − x0 for ever.
    """
    xs = np.empty(steps + 1, dtype=float)
    xs[0] = x0
    for k in range(steps):
        xs[k + 1] = xs[k] - lr * d_square_plus_x(xs[k])
    return xs


def has_converged(w_old, w_new, tol):
    """max |W_new − W_old| < tol, the document's "W_new ≈ W_old".  (003, "What is convergence")"""
    diff = np.abs(np.asarray(w_new, dtype=float) - np.asarray(w_old, dtype=float))
    return bool(np.max(diff, initial=0.0) < tol)
