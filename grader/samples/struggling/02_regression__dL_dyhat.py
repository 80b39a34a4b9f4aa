def dL_dyhat(y, y_hat):
    """∂L/∂ŷ"""
    return 2 * (y - y_hat)
