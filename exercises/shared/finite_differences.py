"""Shared by the setup cells of 02 and 03: the nine derivatives measured by centred differences."""
def finite_difference_gradients(loss_of_params, params, h=1e-5):
    """Measure ∂L/∂p for every entry p of params by (L(p + h) − L(p − h)) / 2h; same layout as params."""
    out = {}
    for key, value in params.items():
        value = np.array(value, dtype=float)
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            shifted = []
            for sign in (+1, -1):
                trial = {k: np.array(v, dtype=float) for k, v in params.items()}
                trial[key][index] += sign * h
                if trial[key].ndim == 0:
                    trial[key] = float(trial[key])
                shifted.append(loss_of_params(trial))
            grad[index] = (shifted[0] - shifted[1]) / (2 * h)
        out[key] = grad if grad.ndim else float(grad)
    return out


def show_gradient_table(backprop, measured):
    """Print the nine derivatives, backpropagated and measured, side by side."""
    names = {("W1", (0, 0)): "W1_11", ("W1", (1, 0)): "W1_21", ("W1", (0, 1)): "W1_12",
             ("W1", (1, 1)): "W1_22", ("b1", (0,)): "b11", ("b1", (1,)): "b12",
             ("W2", (0,)): "W2_11", ("W2", (1,)): "W2_21", ("b2", ()): "b21"}
    print(f"{'parameter':<10}{'backprop':>16}{'measured':>16}")
    worst = 0.0
    for (key, index), name in names.items():
        b = float(np.asarray(backprop[key])[index])
        m = float(np.asarray(measured[key])[index])
        worst = max(worst, abs(b - m) / max(1e-8, abs(b) + abs(m)))
        print(f"{name:<10}{b:>16.8f}{m:>16.8f}")
    print(f"largest relative difference: {worst:.1e}")
