"""Reference solutions for every exercise of the catalogue, by assignment.

Only the trusted side of the grader imports this package; learner code never can.
"""
from .derivatives import (chain_rule, count_trainable_params, d_square_plus_x, grad_sum_of_squares,
                          gradient_descent_1d, has_converged, numeric_derivative)
from .regression import (dL_db11, dL_db12, dL_db21, dL_dW1_11, dL_dW1_12, dL_dW1_21, dL_dW1_22,
                         dL_dW2_11, dL_dW2_21, dL_dyhat, forward_regression, gradients_regression,
                         mse_loss, train_regression, update_parameter)
from .classification import (bce_loss, dL_db11_clf, dL_db12_clf, dL_db21_clf, dL_dW1_11_clf,
                             dL_dW1_12_clf, dL_dW1_21_clf, dL_dW1_22_clf, dL_dW2_11_clf,
                             dL_dW2_21_clf, dL_dyhat_bce, dL_dz_output, forward_classification,
                             gradients_classification, gradients_single_hidden, sigmoid,
                             sigmoid_derivative, train_classification)
from .worked_example import (apply_updates, dE_dout, dout_dnet, forward_2_2_2,
                             hidden_layer_gradients, neuron_output, output_layer_gradients,
                             total_error, train_2_2_2)
from .training import (batch_gradients_regression, dataset_loss, train_full_batch,
                       train_minibatch, train_stochastic, train_xor)
from .vectorized import (activation_backward, activation_forward, dense_backward, dense_forward,
                         dmse_batch, gradient_check, mlp_backward, mlp_forward, mse_batch,
                         numeric_gradient, relative_error)

ASSIGNMENTS = {
    "01_derivatives": ["d_square_plus_x", "grad_sum_of_squares", "chain_rule", "numeric_derivative",
                       "count_trainable_params", "gradient_descent_1d", "has_converged"],
    "02_regression": ["forward_regression", "mse_loss", "dL_dyhat", "dL_dW2_11", "dL_dW2_21",
                      "dL_db21", "dL_dW1_11", "dL_dW1_21", "dL_db11", "dL_dW1_12", "dL_dW1_22",
                      "dL_db12", "gradients_regression", "update_parameter", "train_regression"],
    "03_classification": ["sigmoid", "sigmoid_derivative", "bce_loss", "dL_dyhat_bce",
                          "dL_dz_output", "dL_dW2_11_clf", "dL_dW2_21_clf", "dL_db21_clf",
                          "dL_dW1_11_clf", "dL_dW1_21_clf", "dL_db11_clf", "dL_dW1_12_clf",
                          "dL_dW1_22_clf", "dL_db12_clf", "forward_classification",
                          "gradients_classification", "train_classification",
                          "gradients_single_hidden"],
    "04_worked_example": ["neuron_output", "forward_2_2_2", "total_error", "dE_dout", "dout_dnet",
                          "output_layer_gradients", "hidden_layer_gradients", "apply_updates",
                          "train_2_2_2"],
    "05_training": ["batch_gradients_regression", "dataset_loss", "train_full_batch",
                    "train_minibatch", "train_stochastic", "train_xor"],
    "06_vectorized": ["dense_forward", "dense_backward", "activation_forward",
                      "activation_backward", "mlp_forward", "mlp_backward", "mse_batch",
                      "dmse_batch", "relative_error", "numeric_gradient", "gradient_check"],
}
