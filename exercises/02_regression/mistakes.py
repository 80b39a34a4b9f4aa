# %% [markdown]
# Sample learner code for 02_regression. Each cell is one attempt: its title names the function and
# it holds everything the learner typed into that function's solution cell. An untagged cell is a
# plausible mistake, wrong on the grader's cases (the sample class's "wrong" submissions draw from
# them); a cell tagged with a sample learner of the demo ("struggling", "hostile") is that
# learner's code and need not be wrong by itself.


# %% forward_regression
def forward_regression(x, params):
    """One row through the 2-2-1 linear network; returns (O11, O12, y_hat)."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    O11 = W1[0][0] * x[0] + W1[0][1] * x[1] + b1[0]
    O12 = W1[1][0] * x[0] + W1[1][1] * x[1] + b1[1]
    y_hat = W2[0] * O11 + W2[1] * O12 + b2
    return O11, O12, y_hat


# %% mse_loss
def mse_loss(y, y_hat):
    """Squared error of one prediction: L = (y − y_hat)²."""
    return 0.5 * (y - y_hat) ** 2


# %% dL_dyhat
def dL_dyhat(y, y_hat):
    """∂L/∂y_hat for L = (y − y_hat)²: −2(y − y_hat)."""
    return 2 * (y - y_hat)


# %% dL_dW2_11
def dL_dW2_11(y, y_hat, O11):
    """Output weight W2_11: ∂L/∂ŷ · ∂ŷ/∂W2_11 = −2(y − ŷ)·O11."""
    return -(y - y_hat) * O11


# %% dL_dW1_11
def dL_dW1_11(y, y_hat, W2_11, x1):
    """Hidden weight W1_11 (IQ into O11): ∂L/∂ŷ · ∂ŷ/∂O11 · ∂O11/∂W1_11 = −2(y − ŷ)·W2_11·x1."""
    return dL_dyhat(y, y_hat) * x1


# %% dL_db12
def dL_db12(y, y_hat, W2_21):
    """∂L/∂b12 = −2(y − y_hat)·W2_21, since ∂O12/∂b12 = 1."""
    return dL_dyhat(y, y_hat)


# %% update_parameter
def update_parameter(param, grad, lr):
    """One gradient-descent step: param − lr·grad (numbers or arrays, never in place)."""
    return param + lr * grad


# %% dL_db21 tags=["struggling"]
def dL_db21(y, y_hat):
    """∂L/∂b21 = ∂L/∂ŷ · 1"""
    return dL_dyhat(y, y_hat)


# %% dL_dyhat tags=["struggling"]
def dL_dyhat(y, y_hat):
    """∂L/∂ŷ"""
    return 2 * (y - y_hat)


# %% mse_loss tags=["struggling"]
def mse_loss(y, y_hat):
    return (y - y_hat) ** 2 / 2


# %% dL_db21 tags=["hostile"]
def dL_db21(y, y_hat):
    while True:  # never returns
        pass


# %% dL_dyhat tags=["hostile"]
import solutions  # the reference is not there to be borrowed


def dL_dyhat(y, y_hat):
    return solutions.dL_dyhat(y, y_hat)


# %% mse_loss tags=["hostile"]
import os

for path in ("../gradebook.db", "../../gradebook.db", "../source"):  # look for the instructor's files
    print(path, "is visible" if os.path.exists(path) else "is not visible")


class Liar(float):
    """A number that claims to equal anything it is compared with."""

    def __eq__(self, other):
        return True


def mse_loss(y, y_hat):
    return Liar(0.0)
