def gradient_descent_1d(x0, lr, steps):
    xs = [x0]
    for _ in range(steps):
        xs.append(xs[-1] + lr * (2 * xs[-1] + 1))
    return np.array(xs)
