def dL_dW1_11_clf(y, y_hat, W2_11, O11, x1):
    return -(y - y_hat) * W2_11 * x1
