"""Devices and a driver for the quadratic tests: E(w) = 0.5 ||w - w*||^2 on an N x 1 layer."""

import numpy as np
import pytest

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
