def mse_loss(y, y_hat):
    return (y - y_hat) ** 2 / 2
