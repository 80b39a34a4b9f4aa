def dL_db21(y, y_hat):
    """∂L/∂b21 = ∂L/∂ŷ · 1"""
    return dL_dyhat(y, y_hat)
