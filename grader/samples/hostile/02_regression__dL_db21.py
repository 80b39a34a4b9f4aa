def dL_db21(y, y_hat):
    while True:  # never returns
        pass
