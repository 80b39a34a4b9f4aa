"""Every worked number of the documents reproduced by `solutions` at the precision the document prints:
|got - printed| <= half a unit in the last printed digit."""
import numpy as np
import pytest

import solutions as S
from reference_forward import B_004, LR_004, T_004, W_004, X_004, assert_prints_as


def forward_004():
    return S.forward_2_2_2(X_004, dict(W_004), B_004)


@pytest.fixture(scope="module")
def trained_004():
    """train_2_2_2 on document 004 for 10,000 steps: (w, errors)."""
    return S.train_2_2_2(X_004, T_004, dict(W_004), B_004, LR_004, 10_000)


# document 004 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("key,printed", [
    ("H1", "0.3775"), ("H2", "0.3925"),
    ("H1_final", "0.593269992"), ("H2_final", "0.596884378"),
    ("y1", "1.10590597"), ("y2", "1.2249214"),
    ("y1_final", "0.75136507"), ("y2_final", "0.772928465"),
])
def test_004_forward_pass_value(key, printed):
    assert_prints_as(f"forward_2_2_2(...)[{key!r}]", forward_004()[key], printed)


@pytest.mark.parametrize("printed", ["0.298371109", "0.29837111"])
def test_004_total_error_before_training(printed):
    f = forward_004()
    assert_prints_as("total_error", S.total_error(T_004, [f["y1_final"], f["y2_final"]]), printed)


def test_004_dE_dout_of_first_output_is_0_74136507():
    assert_prints_as("dE_dout(0.01, y1_final)", S.dE_dout(0.01, forward_004()["y1_final"]),
                     "0.74136507")


@pytest.mark.parametrize("out_key,printed", [("y1_final", "0.186815602"),
                                             ("y2_final", "0.175510053")])
def test_004_dout_dnet_of_outputs(out_key, printed):
    assert_prints_as(f"dout_dnet({out_key})", S.dout_dnet(forward_004()[out_key]), printed)


def test_004_dout_dnet_of_printed_output_0_75136507():
    assert_prints_as("dout_dnet(0.75136507)", S.dout_dnet(0.75136507), "0.186815602")


def test_004_dE1_dy1_is_0_138498562():
    o1 = forward_004()["y1_final"]
    assert_prints_as("dE_dout(t1, o1) * dout_dnet(o1)", S.dE_dout(0.01, o1) * S.dout_dnet(o1),
                     "0.138498562")


def test_004_dE_dw1_is_0_000438568():
    grads = S.hidden_layer_gradients(X_004, T_004, dict(W_004), B_004)
    assert_prints_as("hidden_layer_gradients['w1']", grads["w1"], "0.000438568")


@pytest.mark.parametrize("key,printed", [
    ("w5", "0.35891648"), ("w6", "0.408666186"), ("w7", "0.511301270"), ("w8", "0.561370121"),
    ("w1", "0.149780716"), ("w2", "0.19956143"), ("w3", "0.24975114"), ("w4", "0.29950229"),
])
def test_004_weights_after_one_step(key, printed):
    w = dict(W_004)
    grads = {**S.output_layer_gradients(X_004, T_004, w, B_004),
             **S.hidden_layer_gradients(X_004, T_004, w, B_004)}
    new_w = S.apply_updates(w, grads, LR_004)
    assert_prints_as(f"apply_updates(...)[{key!r}]", new_w[key], printed)


def test_004_train_2_2_2_error_before_first_step_is_0_298371109(trained_004):
    _, errors = trained_004
    assert len(errors) == 10_000, f"train_2_2_2 returned {len(errors)} errors for 10,000 steps"
    assert_prints_as("train_2_2_2 errors[0]", errors[0], "0.298371109")


def test_004_train_2_2_2_error_after_one_step_is_0_291027774(trained_004):
    assert_prints_as("train_2_2_2 errors[1]", trained_004[1][1], "0.291027774")


def test_004_train_2_2_2_error_after_10000_steps_is_3_5101878e_05(trained_004):
    w, _ = trained_004
    f = S.forward_2_2_2(X_004, w, B_004)
    assert_prints_as("total_error after 10,000 steps",
                     S.total_error(T_004, [f["y1_final"], f["y2_final"]]), "3.5101878e-05")


def test_004_train_2_2_2_returns_the_eight_weights(trained_004):
    w, _ = trained_004
    assert set(w) == set(W_004), f"train_2_2_2 returned weights {sorted(w)}"


# document 002 -----------------------------------------------------------------------------------

def test_002_neuron_output_of_net_0_541_is_0_632():
    out = S.neuron_output(np.array([0.1, 0.2]), np.array([0.27, 0.57]), 0.4)
    assert_prints_as("neuron_output([0.1, 0.2], [0.27, 0.57], 0.4)", out, "0.632")
    assert_prints_as("net input recovered from neuron_output", np.log(out / (1 - out)), "0.541")


@pytest.mark.parametrize("targets,outputs,printed", [
    ([0.5, 0.5], [0.735, 0.455], "0.0286"),
    ([0.5], [0.735], "0.0276"),
    ([0.5], [0.455], "0.001"),
])
def test_002_total_error(targets, outputs, printed):
    assert_prints_as(f"total_error({targets}, {outputs})",
                     S.total_error(np.array(targets), np.array(outputs)), printed)


# documents 000 and 003 --------------------------------------------------------------------------

@pytest.mark.parametrize("layer_sizes,expected", [([2, 2, 1], 9), ([2, 2], 6), ([2, 1], 3)])
def test_003_count_trainable_params(layer_sizes, expected):
    assert S.count_trainable_params(layer_sizes) == expected, (
        f"count_trainable_params({layer_sizes}) = {S.count_trainable_params(layer_sizes)}")


def test_000_squared_error_of_first_student_is_121():
    assert S.mse_loss(7.0, 18.0) == pytest.approx(121.0, rel=0, abs=1e-12)
    assert S.dL_dyhat(7.0, 18.0) == pytest.approx(22.0, rel=0, abs=1e-12)


@pytest.mark.parametrize("x,expected", [(0.0, 1.0), (3.0, 7.0), (-0.5, 0.0), (-2.0, -3.0)])
def test_000_derivative_of_x_squared_plus_x_is_2x_plus_1(x, expected):
    assert S.d_square_plus_x(x) == pytest.approx(expected, rel=0, abs=1e-12)


@pytest.mark.parametrize("x,y", [(0.0, 0.0), (1.0, -2.0), (0.25, 3.0)])
def test_000_gradient_of_x2_plus_y2_is_2x_2y_and_zero_at_the_minimum(x, y):
    np.testing.assert_allclose(S.grad_sum_of_squares(x, y), [2 * x, 2 * y], atol=1e-12)


@pytest.mark.parametrize("x0", [2.0, 0.3, -1.7])
def test_000_gradient_descent_at_lr_1_oscillates_between_x0_and_minus_1_minus_x0(x0):
    xs = np.asarray(S.gradient_descent_1d(x0, 1.0, 40))
    assert xs.shape == (41,), f"gradient_descent_1d(x0, 1, 40) shape {xs.shape}, want (41,)"
    expected = np.where(np.arange(41) % 2 == 0, x0, -1.0 - x0)
    np.testing.assert_allclose(xs, expected, atol=1e-9,
                               err_msg="lr = 1 must jump x0 -> -1 - x0 -> x0 ... for ever")


@pytest.mark.parametrize("x0", [2.0, -3.0])
def test_000_gradient_descent_at_lr_0_1_reaches_minus_half_within_100_steps(x0):
    xs = np.asarray(S.gradient_descent_1d(x0, 0.1, 100))
    assert xs.shape == (101,) and xs[0] == x0, f"first position {xs[0]}, shape {xs.shape}"
    assert abs(xs[-1] + 0.5) < 1e-6, f"lr 0.1 after 100 steps at {xs[-1]}, want -0.5 within 1e-6"


@pytest.mark.parametrize("x0", [2.0, -3.0])
def test_000_gradient_descent_at_lr_0_01_moves_towards_minus_half_but_slower_than_lr_0_1(x0):
    slow = np.asarray(S.gradient_descent_1d(x0, 0.01, 100))
    fast = np.asarray(S.gradient_descent_1d(x0, 0.1, 100))
    distance = np.abs(slow + 0.5)
    assert np.all(np.diff(distance) < 0), "lr 0.01 must get closer to -0.5 at every step"
    assert distance[-1] > abs(fast[-1] + 0.5), "lr 0.01 must be further from -0.5 than lr 0.1"
    assert distance[-1] > 0.1 * distance[0], (
        f"lr 0.01 is the document's slow case: distance {distance[-1]} of {distance[0]} left")
