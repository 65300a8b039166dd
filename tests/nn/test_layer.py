"""AnalogLinear and AnalogMLP against NumPy float references; bad inputs."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from analoglinalg.nn import (
    AnalogLinear,
    AnalogMLP,
    AnalogMLPClassifier,
    AnalogMLPRegressor,
    AnalogSGD,
    StochasticHamiltonianDescent,
    TikiTaka,
)

# float32 storage: relative rounding of one stored weight is eps32/2.
EPS32 = np.finfo(np.float32).eps


def ideal_layer(n_in, n_out, seed=0, **kw):
    return AnalogLinear(n_in, n_out, device="ideal", periphery="ideal",
                        update_mode="mean_field", rng=seed, **kw)


def test_forward_and_backward_match_numpy():
    layer = ideal_layer(5, 3)
    layer.bias[:] = [0.1, -0.2, 0.3]
    rng = np.random.default_rng(1)
    X, D = rng.standard_normal((4, 5)), rng.standard_normal((4, 3))
    W = layer.weight
    # Ideal reads are float32 products: error <= (n + 2) eps32 |x| |W| (Higham 2002, 3.1).
    assert_allclose(layer.forward(X), X @ W.T + layer.bias, rtol=0,
                    atol=7 * EPS32 * (np.abs(X) @ np.abs(W).T).max())
    assert_allclose(layer.backward(D), D @ W, rtol=0,
                    atol=5 * EPS32 * (np.abs(D) @ np.abs(W)).max())


def test_sgd_step_matches_the_float_update():
    layer = ideal_layer(4, 3)
    W0 = layer.weight.copy()
    rng = np.random.default_rng(2)
    x, d = rng.standard_normal((5, 4)), rng.standard_normal((5, 3)) * 0.1
    AnalogSGD().step(layer, x, d, lr=0.05)
    expected = W0 - 0.05 * d.T @ x
    scale = np.abs(W0).max() + 0.05 * np.abs(d).T @ np.abs(x)
    assert_allclose(layer.weight, expected, atol=(5 * 2 + 1) * EPS32 * scale.max())
    assert layer.n_clipped_updates == 0


def test_mlp_one_step_matches_a_numpy_reference():
    net = AnalogMLP([4, 6, 3], activation="tanh", device="ideal", periphery="ideal",
                    update_mode="mean_field", rng=0)
    W1, W2 = (layer.weight.copy() for layer in net.layers)
    b1, b2 = (layer.bias.copy() for layer in net.layers)
    rng = np.random.default_rng(3)
    X = rng.standard_normal((8, 4))
    Y = np.eye(3)[rng.integers(0, 3, 8)]
    lr = 0.1
    # Reference backprop in float64.
    H = np.tanh(X @ W1.T + b1)
    Z = H @ W2.T + b2
    P = np.exp(Z - Z.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    loss = -np.sum(Y * np.log(P)) / 8
    d2 = (P - Y) / 8
    d1 = (d2 @ W2) * (1 - H**2)
    assert net.train_step(X, Y, lr) == pytest.approx(loss, rel=1e-5)
    assert_allclose(net.layers[1].weight, W2 - lr * d2.T @ H, atol=1e-5)
    assert_allclose(net.layers[0].weight, W1 - lr * d1.T @ X, atol=1e-5)
    assert_allclose(net.layers[1].bias, b2 - lr * d2.sum(0), rtol=1e-5)
    assert_allclose(net.layers[0].bias, b1 - lr * d1.sum(0), rtol=1e-5, atol=1e-7)


def test_tiki_taka_transfers_one_column_per_period():
    layer = ideal_layer(3, 2, init="zeros", bias=False)
    rule = TikiTaka(transfer_every=2, transfer_lr=0.5)
    x = np.array([[1.0, 2.0, 3.0]])
    d = np.array([[0.1, -0.1]])
    rule.step(layer, x, d, lr=0.1)
    A = layer.arrays["fast"].read()
    assert_allclose(A, -0.1 * d.T @ x, atol=1e-6)
    assert_allclose(layer.arrays["weight"].read(), 0.0)  # no transfer yet
    rule.step(layer, x, d, lr=0.1)
    C = layer.arrays["weight"].read()
    expected = np.zeros((2, 3))
    expected[:, 0] = 0.5 * (-0.2 * d.T @ x)[:, 0]
    assert_allclose(C, expected, atol=1e-6)


def test_shd_zero_shift_is_on_the_ledger():
    layer = ideal_layer(3, 2)
    StochasticHamiltonianDescent().prepare(layer)
    assert layer.arrays["momentum"].cost.n_updates == 0
    assert_allclose(layer.arrays["momentum"].read(), 0.0)
    assert set(layer.coefficients) == {"weight", "momentum"}


@pytest.mark.parametrize("Est", [AnalogMLPClassifier, AnalogMLPRegressor])
def test_nan_features_are_rejected(Est):
    X = np.ones((4, 2))
    X[1, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Est().fit(X, [0, 1, 0, 1])


def test_unknown_optimizer_is_rejected():
    with pytest.raises(ValueError, match="optimizer.*'adam'"):
        AnalogMLPClassifier(optimizer="adam").fit(np.ones((4, 2)), [0, 1, 0, 1])


def test_labels_outside_classes_are_rejected():
    clf = AnalogMLPClassifier().partial_fit(np.ones((2, 2)), [0, 1], classes=[0, 1])
    with pytest.raises(ValueError, match=r"labels \[2\] not in classes \[0, 1\]"):
        clf.partial_fit(np.ones((2, 2)), [1, 2])
    with pytest.raises(ValueError, match="classes must be given"):
        AnalogMLPClassifier().partial_fit(np.ones((2, 2)), [0, 1])


def test_layer_argument_errors():
    with pytest.raises(ValueError, match="init"):
        AnalogLinear(2, 2, init="he")
    with pytest.raises(ValueError, match="n_in must be >= 1"):
        AnalogLinear(0, 2)
    layer = ideal_layer(2, 2)
    with pytest.raises(ValueError, match=r"X must have shape \('\*', 2\)"):
        layer.forward(np.ones((3, 3)))
    with pytest.raises(ValueError, match="lr must be > 0"):
        AnalogSGD().step(layer, np.ones((1, 2)), np.ones((1, 2)), lr=0.0)


def test_same_seed_same_fit():
    X = np.random.default_rng(0).standard_normal((12, 3))
    y = (X[:, 0] > 0).astype(int)
    kw = dict(device="protonic_psg_2022", periphery=None, update_mode="stochastic",
              max_iter=1, random_state=5)
    a = AnalogMLPClassifier(**kw).fit(X, y).predict_proba(X)
    b = AnalogMLPClassifier(**kw).fit(X, y).predict_proba(X)
    assert np.array_equal(a, b)
