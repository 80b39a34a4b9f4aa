"""Checks for 03_classification (documents 000 and 001): sigmoid units, binary cross-entropy loss."""
import numpy as np

import solutions as S

from exercises import checks
from grader.exercise import Exercise, with_globals
from grader.judge.diagnose import ExerciseInfo

REGRESSION = checks("02_regression")
random_params, random_row = REGRESSION.random_params, REGRESSION.random_row

A = "03_classification"
SOURCE = "000, Classification Example"
ORDER_HINT = "Check the order of y and ŷ, and the sign each link of the chain brings."
PRE_ACTIVATION_HINT = ("sigmoid_derivative receives the activation a = σ(z), not z: write the slope with a "
                       "itself, without applying σ to a again.")
HIDDEN_PATH = "∂L/∂ŷ · ∂ŷ/∂Z_f · ∂Z_f/∂O · ∂O/∂Z · ∂Z/∂W"
SINGLE_HIDDEN_SOURCE = "001, Example: binary classification with one hidden neuron"
BCE = "the BCE loss"


def _sign_hint(formula):
    return f"The sign is flipped: your result is minus {formula}. {ORDER_HINT}"


def _info(name, points, formula, source=SOURCE, **kw):
    kw.setdefault("hints", {"sign_flipped": _sign_hint(formula)})
    return ExerciseInfo(name, A, points, formula, source, **kw)


def _label(i):
    """y = 1 and y = 0 in turn by the random state's number i: every seed's states take both terms
    of the loss, −y·log ŷ and −(1 − y)·log(1 − ŷ)."""
    return float(1 - i % 2)


def _activation(rng, size=None):
    return rng.uniform(0.02, 0.98, size=size) if size else float(rng.uniform(0.02, 0.98))


def _sigmoid_input(rng):
    if rng.random() < 0.5:
        return [float(rng.normal(0, 4))]
    return [rng.normal(0, 4, size=tuple(rng.integers(1, 4, size=rng.integers(1, 3))))]


def _activation_input(rng):
    return [_activation(rng)] if rng.random() < 0.5 else [_activation(rng, int(rng.integers(2, 6)))]


def _y_yhat(rng, i, n_weights=0, n_activations=0, n_inputs=0):
    """[y, ŷ, then weights from N(0, 1), sigmoid outputs in (0.02, 0.98), inputs from N(0, 1)]."""
    return ([_label(i), _activation(rng)] + [float(v) for v in rng.normal(size=n_weights)]
            + [_activation(rng) for _ in range(n_activations)] + [float(v) for v in rng.normal(size=n_inputs)])


def _without_sigma_prime(O, y_hat):
    return 1.0


def _sigma_prime_of_activation(O, y_hat):
    return S.sigmoid_derivative(S.sigmoid(O))


def _sigma_prime_of_output(O, y_hat):
    return S.sigmoid_derivative(y_hat)


def _hidden_path(slope):
    """∂L/∂W1 through one hidden unit O, with slope(O, ŷ) standing for its σ′; x is absent for a bias."""
    def derivative(y, y_hat, W2, O, *x):
        return S.dL_dz_output(y, y_hat) * W2 * slope(O, y_hat) * (x[0] if x else 1.0)
    return derivative


def _hidden(name, parameter, W2, O, x=None):
    tail = f"·{x}" if x else ""
    formula = f"∂L/∂{parameter} for {BCE}, through the hidden unit {O}"
    final = f"∂L/∂{parameter} = −(y − ŷ)·{W2}·{O}(1 − {O}){tail}"
    info = _info(name, 1, formula, final_formula=final, hints={
        "sign_flipped": _sign_hint(formula),
        "missing_activation_derivative": f"The path {HIDDEN_PATH} passes through the hidden unit's sigmoid: "
                                         f"your result lacks its slope ∂O/∂Z at {O}.",
        "activation_derivative_on_preactivation": f"{O} is already the sigmoid's output: take its slope from "
                                                  f"{O} as it is, without applying σ to {O} again.",
        "wrong_input": f"The σ′ on this path is the hidden unit's, taken at {O}, not the output's: the "
                       f"output's σ′ already cancelled in ∂L/∂Z_f."})
    return Exercise(info, getattr(S, name), lambda rng, i: _y_yhat(rng, i, 1, 1, 1 if x else 0), variants={
        "missing_activation_derivative": _hidden_path(_without_sigma_prime),
        "activation_derivative_on_preactivation": _hidden_path(_sigma_prime_of_activation),
        "wrong_input": _hidden_path(_sigma_prime_of_output)})


def _output(name, parameter, O=None, final=None):
    tail = f"·{O}" if O else ""
    formula = f"∂L/∂{parameter} for {BCE}"
    info = _info(name, 1, formula, final_formula=f"∂L/∂{parameter} = {final or '−(y − ŷ)' + tail}", hints={
        "sign_flipped": _sign_hint(formula),
        "missing_activation_derivative": "The chain passes through ŷ = σ(Z_f): your result stops at ∂L/∂ŷ "
                                         "and lacks the link ∂ŷ/∂Z_f, the output sigmoid's slope.",
        "wrong_loss/squared_error": "That is ∂L/∂Z_f for a squared-error loss, but this network's loss is "
                                    "binary cross-entropy: start from your dL_dyhat_bce and see what the "
                                    "output sigmoid's slope does to it."})

    def without_sigma_prime(y, y_hat, *O):
        return S.dL_dyhat_bce(y, y_hat) * (O[0] if O else 1.0)

    def squared_error_delta(y, y_hat, *O):
        return -(y - y_hat) * y_hat * (1 - y_hat) * (O[0] if O else 1.0)
    # Without O the answer is ŷ − y, which is ŷ itself wherever y = 0: every other state has y = 1,
    # where returning ŷ unchanged fails.
    return Exercise(info, getattr(S, name), lambda rng, i: _y_yhat(rng, i, 0, 1 if O else 0),
                    variants={"missing_activation_derivative": without_sigma_prime,
                              "wrong_loss/squared_error": squared_error_delta})


def _clf_gradients(x, y, params, slope):
    """The nine BCE derivatives, with slope(O, ŷ) standing for the hidden units' σ′."""
    O11, O12, y_hat = S.forward_classification(x, params)
    delta = S.dL_dz_output(y, y_hat)
    O = np.array([O11, O12])
    hidden = delta * np.asarray(params["W2"], dtype=float) * slope(O, y_hat)
    return {"W1": np.outer(np.asarray(x, dtype=float), hidden), "b1": hidden, "W2": delta * O,
            "b2": float(delta)}


def _sigma_prime_of_one_unit(unit):
    """slope(O, ŷ) for _clf_gradients with σ′ left out for the other hidden unit (index 1 − unit)."""
    def slope(O, y_hat):
        kept = S.sigmoid_derivative(O)
        kept[1 - unit] = 1.0
        return kept
    return slope


def _hidden_activation(f):
    """forward_classification with f instead of σ at the hidden units (the output keeps σ)."""
    def forward(x, params):
        W1, b1 = np.asarray(params["W1"], dtype=float), np.asarray(params["b1"], dtype=float)
        O11, O12 = f(np.asarray(x, dtype=float) @ W1 + b1)
        y_hat = S.sigmoid(params["W2"][0] * O11 + params["W2"][1] * O12 + params["b2"])
        return float(O11), float(O12), float(y_hat)
    return forward


def _transposed_forward(x, params):
    return S.forward_classification(x, {**params, "W1": np.asarray(params["W1"]).T})


def _gradients_with_transposed_W1(x, y, params):
    grads = S.gradients_classification(x, y, params)
    return {**grads, "W1": grads["W1"].T}


def _train_with_updated_output_weights(X, Y, params, lr, epochs, seed):
    """Each step updates W2, b2 first and computes the hidden gradients with the new values."""
    def gradients(x, y, p):
        g = S.gradients_classification(x, y, p)
        moved = {**p, "W2": p["W2"] - lr * g["W2"], "b2": p["b2"] - lr * g["b2"]}
        late = S.gradients_classification(x, y, moved)
        return {**g, "W1": late["W1"], "b1": late["b1"]}
    return with_globals(S.train_classification, gradients_classification=gradients)(X, Y, params, lr, epochs, seed)


def _labelled_rows(rng):
    """4 … 8 rows of two inputs with 0/1 labels, both labels present."""
    n = int(rng.integers(4, 9))
    X = rng.normal(size=(n, 2))
    score = X @ np.array([1.5, -0.7]) + 0.3
    Y = (score > 0).astype(float)
    if Y.min() == Y.max():  # both labels, both terms of the loss: the row nearest the boundary changes sides
        Y[np.argmin(np.abs(score))] = 1 - Y[0]
    return X, Y


def _training_settings(rng):
    """[lr, epochs, seed] of a training case."""
    return [float(rng.choice([0.1, 0.5])), int(rng.integers(1, 4)), int(rng.integers(0, 1000))]


def _training_inputs(rng):
    X, Y = _labelled_rows(rng)
    params = {k: v * 0.5 for k, v in random_params(rng).items()}
    return [X, Y, params, *_training_settings(rng)]


def _single_hidden_params(rng):
    return {"w": rng.normal(size=2), "b1": float(rng.normal()), "v": float(rng.normal()),
            "b2": float(rng.normal())}


def _single_hidden_training_inputs(rng):
    X, Y = _labelled_rows(rng)
    params = {k: v * 0.5 for k, v in _single_hidden_params(rng).items()}
    return [X, Y, params, *_training_settings(rng)]


def _single_hidden_forward(hidden, output):
    """Document 001's forward pass with hidden and output standing for the two units' activations."""
    def forward(x, params):
        h = hidden(np.dot(params["w"], np.asarray(x, dtype=float)) + params["b1"])
        return float(h), float(output(params["v"] * h + params["b2"]))
    return forward


def _single_hidden_gradients(slope):
    """Document 001's gradients with slope(h, ŷ) standing for the hidden unit's σ′."""
    def gradients(x, y, params):
        h, y_hat = S.forward_single_hidden(x, params)
        dz2 = S.dL_dz_output(y, y_hat)
        dz1 = dz2 * params["v"] * slope(h, y_hat)
        return {"w": dz1 * np.asarray(x, dtype=float), "b1": float(dz1), "v": float(dz2 * h), "b2": float(dz2)}
    return gradients


def _single_hidden_loop(rows_of_epoch, sign=1.0):
    """train_single_hidden with rows_of_epoch(rng, n) giving each epoch's rows (rng = default_rng(seed),
    made once) and each step moving by −sign·lr·gradient."""
    def train(X, Y, params, lr, epochs, seed):
        X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
        params = {key: np.array(value, dtype=float) if np.ndim(value) else float(value)
                  for key, value in params.items()}
        rng = np.random.default_rng(seed)
        epoch_losses = []
        for _ in range(epochs):
            step_losses = []
            for i in rows_of_epoch(rng, len(X)):
                step_losses.append(S.bce_loss(Y[i], S.forward_single_hidden(X[i], params)[1]))
                grads = S.gradients_single_hidden(X[i], Y[i], params)
                params = {key: value - sign * lr * grads[key] for key, value in params.items()}
            epoch_losses.append(np.mean(step_losses))
        return params, np.array(epoch_losses)
    return train


def _single_hidden_training_with(make_gradients):
    """train_single_hidden with make_gradients(lr) in place of gradients_single_hidden: a mistake
    of the loop's own, since the check finds no exercise among this function's globals to blame."""
    def train(X, Y, params, lr, epochs, seed):
        gradients = make_gradients(lr)
        return with_globals(S.train_single_hidden, gradients_single_hidden=gradients)(X, Y, params, lr, epochs, seed)
    return train


def _output_updated_first(lr):
    """001's steps read literally: v is updated before the gradient goes back through it to the
    hidden unit (the forward values are still the old ones)."""
    def gradients(x, y, p):
        g = S.gradients_single_hidden(x, y, p)
        h = S.forward_single_hidden(x, p)[0]
        dz1 = g["b2"] * (p["v"] - lr * g["v"]) * S.sigmoid_derivative(h)
        return {**g, "w": dz1 * np.asarray(x, dtype=float), "b1": float(dz1)}
    return gradients


GRADIENT_HINTS = {
    "missing_activation_derivative": "The hidden gradients pass through the hidden sigmoids: each needs "
                                     "the slope of its unit's sigmoid, as your dL_dW1_…_clf functions have it.",
    "activation_derivative_on_preactivation": "O11 and O12 are already sigmoid outputs: take their slopes "
                                              "from them as they are, without applying σ again.",
}

EXERCISES = [
    Exercise(
        _info("sigmoid", 1, "σ(z) = 1 / (1 + e^(−z))", "000, Classification Example; 002, What the neurons do",
              hints={"wrong_value": "σ(z) = 1 / (1 + e^(−z)): check the minus sign in the exponent and that the "
                                    "whole 1 + e^(−z) is the denominator (002 prints it without the parentheses).",
                     "non_finite": "σ(z) = 1 / (1 + e^(−z)) lies between 0 and 1 for every z: keep the whole "
                                   "1 + e^(−z) in the denominator (002 prints it without the parentheses), and "
                                   "for z < 0 use e^z / (1 + e^z) so that nothing overflows."}),
        S.sigmoid,
        _sigmoid_input,
        worked=(("z = 0", [0.0]), ("z = 30", [30.0]), ("z = −30", [-30.0]), ("z = 1000", [1000.0]),
                ("z = −1000", [-1000.0]),
                ("an array from −1000 to 1000", [np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0])])),
    ),
    Exercise(
        _info("sigmoid_derivative", 1, "dσ/dz written with the activation a = σ(z)",
              final_formula="σ′(z) = σ(z)(1 − σ(z)) = a(1 − a)",
              hints={"activation_derivative_on_preactivation": PRE_ACTIVATION_HINT}),
        S.sigmoid_derivative,
        _activation_input,
        worked=(("a = 0, 0.5 and 1", [np.array([0.0, 0.5, 1.0])]),),
        variants={"activation_derivative_on_preactivation": lambda a: S.sigmoid_derivative(S.sigmoid(a))},
    ),
    Exercise(
        _info("bce_loss", 1, "L = −y·log ŷ − (1 − y)·log(1 − ŷ)",
              hints={"sign_flipped": "Both log terms carry a minus: log ŷ < 0, so "
                                     "L = −y·log ŷ − (1 − y)·log(1 − ŷ) is positive.",
                     "wrong_input": "Each label term has its own log: y goes with log ŷ, "
                                    "(1 − y) with log(1 − ŷ)."}),
        S.bce_loss,
        _y_yhat,
        variants={"wrong_input": lambda y, y_hat: -y * np.log(1 - y_hat) - (1 - y) * np.log(y_hat)},
    ),
    Exercise(
        _info("dL_dyhat_bce", 1, "∂L/∂ŷ for L = −y·log ŷ − (1 − y)·log(1 − ŷ)",
              final_formula="∂L/∂ŷ = −y/ŷ + (1 − y)/(1 − ŷ) = −(y − ŷ) / (ŷ(1 − ŷ))",
              hints={"wrong_value": "Wrong value. ∂L/∂ŷ is the loss's slope in ŷ itself, before the output "
                                    "sigmoid's slope multiplies it (that product, ∂L/∂Z_f, comes next): "
                                    "differentiate each log term on its own."}),
        S.dL_dyhat_bce,
        _y_yhat,
        variants={"wrong_value": lambda y, y_hat: -(y - y_hat)},
    ),
    _output("dL_dz_output", "Z_f", final="−(y − ŷ) = ŷ − y"),
    _output("dL_dW2_11_clf", "W2_11", "O11"),
    _output("dL_dW2_21_clf", "W2_21", "O12"),
    _output("dL_db21_clf", "b21"),
    _hidden("dL_dW1_11_clf", "W1_11", "W2_11", "O11", "x1"),
    _hidden("dL_dW1_21_clf", "W1_21", "W2_11", "O11", "x2"),
    _hidden("dL_db11_clf", "b11", "W2_11", "O11"),
    _hidden("dL_dW1_12_clf", "W1_12", "W2_21", "O12", "x1"),
    _hidden("dL_dW1_22_clf", "W1_22", "W2_21", "O12", "x2"),
    _hidden("dL_db12_clf", "b12", "W2_21", "O12"),
    Exercise(
        _info("forward_classification", 2, "O11 = σ(W1_11·x1 + W1_21·x2 + b11), "
              "O12 = σ(W1_12·x1 + W1_22·x2 + b12), ŷ = σ(W2_11·O11 + W2_21·O12 + b21)",
              hints={"wrong_input": "W1[i-1, j-1] is W1_ij, the weight from input i to hidden unit j: "
                                    "O11 uses the first column, W1[0, 0] and W1[1, 0].",
                     "wrong_activation/tanh": "The hidden units used tanh; in this network every unit, "
                                              "hidden ones too, is a sigmoid: O11 = σ(…), O12 = σ(…).",
                     "wrong_activation/linear": "The hidden units stayed linear, as in notebook 02; here "
                                                "they are sigmoids: O11 = σ(W1_11·x1 + W1_21·x2 + b11), "
                                                "likewise O12."},
              uses=("sigmoid",)),
        S.forward_classification,
        lambda rng: [random_row(rng), random_params(rng)],
        variants={"wrong_input": _transposed_forward, "wrong_activation/tanh": _hidden_activation(np.tanh),
                  "wrong_activation/linear": _hidden_activation(lambda z: z)},
    ),
    Exercise(
        _info("gradients_classification", 2, "the nine BCE derivatives in a dict shaped like params, "
              "gradient W1[i-1, j-1] = ∂L/∂W1_ij",
              hints={**GRADIENT_HINTS,
                     "wrong_input": "The W1 gradient is transposed: entry [i-1, j-1] is ∂L/∂W1_ij, "
                                    "from input i to hidden unit j.",
                     **{f"missing_activation_derivative/O1{unit + 1}":
                        f"σ′ is missing on the paths through O1{unit + 1} only: the gradients of "
                        f"W1_1{unit + 1}, W1_2{unit + 1} and b1{unit + 1} need the slope of O1{unit + 1}'s "
                        f"sigmoid, as those through O1{2 - unit} have theirs."
                        for unit in (0, 1)}},
              uses=("forward_classification", "dL_dW2_11_clf", "dL_dW2_21_clf", "dL_db21_clf", "dL_dW1_11_clf",
                    "dL_dW1_21_clf", "dL_db11_clf", "dL_dW1_12_clf", "dL_dW1_22_clf", "dL_db12_clf")),
        S.gradients_classification,
        lambda rng, i: [random_row(rng), _label(i), random_params(rng)],
        variants={"missing_activation_derivative": lambda x, y, p: _clf_gradients(x, y, p, _without_sigma_prime),
                  "activation_derivative_on_preactivation":
                      lambda x, y, p: _clf_gradients(x, y, p, _sigma_prime_of_activation),
                  "wrong_input": _gradients_with_transposed_W1,
                  "missing_activation_derivative/O11": lambda x, y, p: _clf_gradients(x, y, p, _sigma_prime_of_one_unit(1)),
                  "missing_activation_derivative/O12": lambda x, y, p: _clf_gradients(x, y, p, _sigma_prime_of_one_unit(0))},
    ),
    Exercise(
        _info("train_classification", 3, "each epoch n steps on rows rng.integers(n), all nine parameters "
              "updated from their old values, epoch loss = mean of the step BCE losses",
              "000, Classification Example (the loop of Summarizing Back Propagation Algorithm)",
              hints={"used_updated_weights": "The hidden-layer gradients used the already-updated W2 and b21: "
                                             "compute all nine gradients first, then update."},
              uses=("forward_classification", "bce_loss", "gradients_classification")),
        S.train_classification,
        _training_inputs,
        n_random=3,
        variants={"used_updated_weights": _train_with_updated_output_weights},
    ),
    Exercise(
        _info("forward_single_hidden", 2, "(h, ŷ) for one row: h the hidden unit's output and ŷ the output "
              "unit's, each the sigmoid of its weighted sum plus bias",
              SINGLE_HIDDEN_SOURCE,
              hints={"wrong_activation/linear": "The hidden unit stayed linear: h is the sigmoid of its "
                                                "weighted sum w·x + b1, not the sum itself.",
                     "wrong_activation/linear_output": "ŷ must be a probability: apply σ to the output's "
                                                       "weighted sum v·h + b2 as well."},
              uses=("sigmoid",)),
        S.forward_single_hidden,
        lambda rng: [random_row(rng), _single_hidden_params(rng)],
        variants={"wrong_activation/linear": _single_hidden_forward(lambda z: z, S.sigmoid),
                  "wrong_activation/linear_output": _single_hidden_forward(S.sigmoid, lambda z: z)},
    ),
    Exercise(
        _info("gradients_single_hidden", 2, "∂L/∂w, ∂L/∂b1, ∂L/∂v and ∂L/∂b2 of h = σ(w·x + b1), "
              "ŷ = σ(v·h + b2) with the BCE loss, in a dict",
              SINGLE_HIDDEN_SOURCE,
              final_formula="∂L/∂v = (ŷ − y)·h, ∂L/∂b2 = ŷ − y, ∂L/∂w = (ŷ − y)·v·h(1 − h)·x, "
                            "∂L/∂b1 = (ŷ − y)·v·h(1 − h)",
              hints={"sign_flipped": "The sign is flipped: check ∂L/∂z2, where all four gradients start "
                                     f"(your dL_dz_output). {ORDER_HINT}",
                     "missing_activation_derivative": "The gradients of w and b1 pass through the hidden sigmoid: "
                                                      "they lack its slope at h.",
                     "activation_derivative_on_preactivation": "h is already the sigmoid's output: take its slope "
                                                               "from h as it is, without applying σ to h again.",
                     "wrong_input": "The σ′ on the path to w and b1 is the hidden unit's, taken at h; the "
                                    "output's σ′ already cancelled in ∂L/∂z2."},
              uses=("sigmoid_derivative", "dL_dz_output", "forward_single_hidden")),
        S.gradients_single_hidden,
        lambda rng, i: [random_row(rng), _label(i), _single_hidden_params(rng)],
        variants={"missing_activation_derivative": _single_hidden_gradients(_without_sigma_prime),
                  "activation_derivative_on_preactivation": _single_hidden_gradients(_sigma_prime_of_activation),
                  "wrong_input": _single_hidden_gradients(_sigma_prime_of_output)},
    ),
    Exercise(
        _info("train_single_hidden", 3, "each epoch one step per row in the stored order of X, all four "
              "parameters updated from their old values by gradient descent, epoch loss = mean of the "
              "step BCE losses",
              "001, How backpropagation minimizes loss (Iteration: each example in your dataset)",
              hints={"wrong_row_order": "Rows were drawn at random (rng.integers(n), as in train_classification). "
                                        "Document 001 takes each example in turn: row 0, 1, …, n − 1 in "
                                        "every epoch, and needs no random numbers.",
                     "wrong_row_order/shuffled": "The rows were shuffled. Document 001 takes each example "
                                                 "in turn: row 0, 1, …, n − 1 in every epoch, and needs "
                                                 "no random numbers.",
                     "missing_activation_derivative": "The gradients of w and b1 lost the hidden unit's "
                                                      "σ′: the path back from ŷ passes through h = σ(z1), "
                                                      "so it takes the factor h(1 − h).",
                     "sign_flipped": "Each step went uphill: move every parameter against its gradient, "
                                     "p_new = p_old − η·∂L/∂p_old.",
                     "used_updated_weights": "The gradients of w and b1 went back through the already-updated "
                                             "v. Read literally, 001 updates the output neuron before going on "
                                             "to the hidden one; compute all four gradients first, then update."},
              uses=("forward_single_hidden", "bce_loss", "gradients_single_hidden")),
        S.train_single_hidden,
        _single_hidden_training_inputs,
        n_random=3,
        variants={"wrong_row_order": _single_hidden_loop(lambda rng, n: rng.integers(n, size=n)),
                  "wrong_row_order/shuffled": _single_hidden_loop(lambda rng, n: rng.permutation(n)),
                  "missing_activation_derivative": _single_hidden_training_with(
                      lambda lr: _single_hidden_gradients(_without_sigma_prime)),
                  "sign_flipped": _single_hidden_loop(lambda rng, n: range(n), sign=-1.0),
                  "used_updated_weights": _single_hidden_training_with(_output_updated_first)},
    ),
]
