def activation_backward(dA, Z, kind):
    if kind == "sigmoid":
        return dA * Z * (1 - Z)
    if kind == "tanh":
        return dA * (1 - np.tanh(Z) ** 2)
    if kind == "relu":
        return dA * (Z > 0)
    return dA
