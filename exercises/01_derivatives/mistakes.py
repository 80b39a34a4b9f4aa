# %% [markdown]
# Sample learner code for 01_derivatives. Each cell is one attempt: its title names the function and
# it holds everything the learner typed into that function's solution cell. An untagged cell is a
# plausible mistake, wrong on the grader's cases (the sample class's "wrong" submissions draw from
# them); a cell tagged with a sample learner of the demo ("struggling", "hostile") is that
# learner's code and need not be wrong by itself.


# %% d_square_plus_x
def d_square_plus_x(x):
    """Slope of y = x² + x at x:  dy/dx = 2x + 1."""
    return x + 1  # d(x²)/dx = x ?


# %% grad_sum_of_squares
def grad_sum_of_squares(x, y):
    """Gradient of z = x² + y²: the array [∂z/∂x, ∂z/∂y] = [2x, 2y]."""
    return np.array([2 * y, 2 * x])


# %% chain_rule
def chain_rule(dy_du, du_dx):
    """dy/dx for y = f(u), u = g(x): the product dy/du · du/dx."""
    return dy_du + du_dx


# %% numeric_derivative
def numeric_derivative(f, x, h=1e-5):
    """Centred finite difference: f'(x) ≈ (f(x + h) − f(x − h)) / (2h)."""
    return (f(x + h) - f(x)) / h


# %% count_trainable_params
def count_trainable_params(layer_sizes):
    """Weights plus biases of a dense network: sum over layers of n_in·n_out + n_out."""
    total = 0
    for i in range(len(layer_sizes) - 1):
        total += layer_sizes[i] * layer_sizes[i + 1]
    return total


# %% gradient_descent_1d
def gradient_descent_1d(x0, lr, steps):
    """Positions x_0 … x_steps of x_{k+1} = x_k − lr·f'(x_k) on f(x) = x² + x."""
    xs = [x0]
    x = x0
    for step in range(steps):
        x = x + lr * d_square_plus_x(x)
        xs.append(x)
    return np.array(xs)


# %% gradient_descent_1d tags=["struggling"]
def gradient_descent_1d(x0, lr, steps):
    xs = [x0]
    for _ in range(steps):
        xs.append(xs[-1] + lr * (2 * xs[-1] + 1))
    return np.array(xs)


# %% chain_rule tags=["hostile"]
import sys


def chain_rule(dy_du, du_dx):
    return dy_du * du_dx


sys.exit("leaving early")
