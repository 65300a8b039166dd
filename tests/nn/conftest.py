"""Devices and a driver for the quadratic tests: E(w) = 0.5 ||w - w*||^2 on an N x 1 layer."""

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.stats import norm

from analoglinalg.devices import ConstantStep, Device, SoftBounds
from analoglinalg.nn import AnalogLinear


@pytest.fixture
def soft():
    """Soft-bounds device: F(w) = 1, G(w) = w (Onen notes 2.2), symmetry point 0."""
    return Device(name="soft", response=SoftBounds(), dw_min=1e-3, w_min=-1.0, w_max=1.0)


@pytest.fixture
def constant():
    """Perfectly symmetric device: F = 1, G = 0."""
    return Device(name="constant", response=ConstantStep(), dw_min=1e-3, w_min=-1.0,
                  w_max=1.0)


@pytest.fixture
def quadratic():
    """The pair (quadratic_layer, run_quadratic)."""
    return quadratic_layer, run_quadratic


@pytest.fixture
def sgd_theory():
    """The pair (sgd_fixed_points, sgd_mean_tolerance) of the mean-field analog-SGD theory."""
    return sgd_fixed_points, sgd_mean_tolerance


def folded_mean(m, s):
    """E|g| for g ~ N(m, s^2)."""
    return s * np.sqrt(2 / np.pi) * np.exp(-m * m / (2 * s * s)) + m * (1 - 2 * norm.cdf(-m / s))


def _sgd_drift(device, w, target, s):
    """E[g F(w) + |g| G(w)] over the gradient noise, for g ~ N(w - target, s^2)."""
    m = w - target
    return m * device.symmetric_part(w) + folded_mean(m, s) * device.asymmetric_part(w)


def sgd_fixed_points(device, targets, s):
    """The states where analog SGD's mean-field drift vanishes, one per target w*."""
    return np.array([brentq(lambda w, t=t: _sgd_drift(device, w, t, s), -0.999, 0.999)
                     for t in targets])


def sgd_mean_tolerance(device, predicted, targets, lr, s, n_avg, chains):
    """Five standard errors of a long-run mean around ``predicted``, plus its variance.

    AR(1) linearisation: rate r = lr * d(drift)/dw, stationary variance lr^2 s^2 / (2r),
    correlation time 1/r; standard error of the mean of n_avg steps x ``chains`` chains,
    plus the second-order (variance-sized) shift of the mean of a nonlinear drift.
    """
    h = 1e-6
    slope = np.array([(_sgd_drift(device, p + h, t, s) - _sgd_drift(device, p - h, t, s))
                      / (2 * h) for p, t in zip(predicted, targets, strict=True)])
    r = lr * slope
    var = lr**2 * s**2 / (2 * r)
    return 5 * np.sqrt(var * 2 / (r * n_avg) / chains) + var


def quadratic_layer(device, n):
    """An n x 1 layer of zeros: the vector w is its single column."""
    return AnalogLinear(1, n, device=device, periphery="ideal", bias=False, init="zeros",
                        update_mode="mean_field", rng=0)


def run_quadratic(rule, layer, w_star, lr, n_steps, noise=0.0, rng=None, record=None):
    """Take n_steps of ``rule`` with gradient g = (w - w*) + noise * xi; return the w's.

    ``record(layer)`` is called before every step and its results are returned too.
    """
    rng = np.random.default_rng(rng)
    x = np.ones((1, 1))
    ws, extra = [], []
    for _ in range(n_steps):
        w = layer.arrays["weight"].read()[:, 0]
        ws.append(w)
        if record is not None:
            extra.append(record(layer))
        g = w - w_star
        if noise:
            g = g + noise * rng.standard_normal(w.shape)
        rule.step(layer, x, g[None, :], lr)
    return np.array(ws), extra


_SLOW_CHECKS = ("check_classifiers_train", "check_regressors_train",
                "check_regressor_data_not_an_array", "optimizer='shd'")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/nn/" in item.nodeid and "test_sklearn_compatible" in item.nodeid and any(
                key in item.nodeid for key in _SLOW_CHECKS):
            item.add_marker(pytest.mark.slow)
