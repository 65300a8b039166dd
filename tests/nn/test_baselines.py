"""The conventional remedies SHD is contrasted with: ReadWriteVerify and DeviceCopies.

Expected numbers come from the mean-field theory of the pulsed update (notes 2.2), from the
per-pulse noise model of the device (``dw (1 + dw_min_std xi)`` per pulse) and from the
ledgers' accounting rules, never from a previous run.
"""

import numpy as np
import pytest

from analoglinalg.devices import ConstantStep, Device, SoftBounds
from analoglinalg.nn import (
    AnalogLinear,
    AnalogMLPClassifier,
    AnalogSGD,
    DeviceCopies,
    ReadWriteVerify,
)


def row_layer(device, n, periphery="ideal", mode="mean_field", seed=0):
    """A 1 x n layer of zeros: the vector w is its single row (one row to write-verify)."""
    return AnalogLinear(n, 1, device=device, periphery=periphery, bias=False, init="zeros",
                        update_mode=mode, rng=seed)


def run_row(rule, layer, w_star, lr, n_steps, noise, rng):
    """n_steps of ``rule`` on E = 0.5 ||w - w*||^2 with gradient noise; return the w's."""
    rng = np.random.default_rng(rng)
    one = np.ones((1, 1))
    ws = []
    for _ in range(n_steps):
        w = layer.arrays["weight"].read()[0]
        ws.append(w)
        g = w - w_star + noise * rng.standard_normal(w.shape)
        rule.step(layer, g[None, :], one, lr)
    return np.array(ws)


def test_read_write_verify_reaches_the_minimiser(soft, sgd_theory):
    targets = np.array([-0.6, 0.6])
    w_star = np.repeat(targets, 16)
    lr, s, burn, n_avg, tol = 0.02, 0.5, 500, 1500, 1e-4
    layer = row_layer(soft, w_star.size)
    ws = run_row(ReadWriteVerify(tol=tol), layer, w_star, lr, burn + n_avg, s, rng=1)
    mean = ws[burn:].reshape(n_avg, 2, 16).mean(axis=(0, 2))
    # w' = w - lr g + r with |r| <= tol per step: the stationary mean is within tol / lr of
    # w*; AR(1) with rate lr: variance lr s^2 / 2, correlation time 1 / lr.
    var = lr * s**2 / 2
    bound = tol / lr + 5 * np.sqrt(var * 2 / (lr * n_avg) / 16)
    np.testing.assert_array_less(np.abs(mean - targets), bound)
    # Analog SGD's fixed point on the same device is many bounds away.
    sgd_fixed_points, _ = sgd_theory
    sgd_point = sgd_fixed_points(soft, targets, s)
    np.testing.assert_array_less(5 * bound, np.abs(sgd_point - targets))


def test_device_copies_keep_the_asymmetry_bias(soft, quadratic, sgd_theory):
    quadratic_layer, run_quadratic = quadratic
    targets = np.array([-0.6, 0.6])
    w_star = np.repeat(targets, 16)
    lr, s, burn, n_avg = 0.02, 0.5, 500, 1500
    layer = quadratic_layer(soft, w_star.size)
    rule = DeviceCopies(k=4)
    rule.prepare(layer)
    ws = []
    rng = np.random.default_rng(3)
    for _ in range(burn + n_avg):
        w = layer.weight[:, 0]
        ws.append(w)
        g = w - w_star + s * rng.standard_normal(w.shape)
        rule.step(layer, np.ones((1, 1)), g[None, :], lr)
    mean = np.array(ws)[burn:].reshape(n_avg, 2, 16).mean(axis=(0, 2))

    # As for analog SGD (test_quadratic): every copy has the same F and G, so the mean
    # follows the same drift and has the same standard error.
    sgd_fixed_points, sgd_mean_tolerance = sgd_theory
    predicted = sgd_fixed_points(soft, targets, s)
    tol = sgd_mean_tolerance(soft, predicted, targets, lr, s, n_avg, 16)
    np.testing.assert_array_less(np.abs(mean - predicted), tol)
    np.testing.assert_array_less(5 * tol, np.abs(mean - targets))


@pytest.fixture
def noisy():
    """Constant step with 30 % pulse-to-pulse noise, no spreads, priced pulses."""
    return Device(name="c2c", response=ConstantStep(), dw_min=1e-3, dw_min_std=0.3,
                  w_min=-1.0, w_max=1.0, pulse_width=5e-9, pulse_energy=2.5e-15)


def _pulse_noise_run(rule, device, n, seed, n_steps=20, n_pulses=10):
    layer = row_layer(device, n, mode="deterministic", seed=seed)
    rule.prepare(layer)
    one = np.ones((1, n))
    lr = n_pulses * device.dw_min
    for t in range(n_steps):
        # Alternating signs keep every device near 0, far from its bounds.
        rule.step(layer, one, np.array([[(-1.0) ** t]]), lr)
    return layer


def test_device_copies_divide_the_pulse_noise_variance_by_k(noisy):
    n, n_steps, n_pulses, seeds = 256, 20, 10, range(4)
    # Each device received n_steps * n_pulses pulses of dw (1 + 0.3 xi): net mean 0 and
    # variance P (0.3 dw)^2; the mean of k independent copies has 1/k of it.
    v1 = n_steps * n_pulses * (noisy.dw_min_std * noisy.dw_min) ** 2
    variances = {}
    for k in (1, 4):
        w = np.concatenate([_pulse_noise_run(DeviceCopies(k), noisy, n, seed).weight[0]
                            for seed in seeds])
        variances[k] = np.mean(w**2)  # known mean 0
        # z-test: the mean of N squared N(0, v) draws has standard deviation v sqrt(2 / N).
        z = (variances[k] - v1 / k) / (v1 / k * np.sqrt(2 / w.size))
        assert abs(z) < 4, (k, z)
    ratio = variances[1] / variances[4]
    se = np.sqrt(2 * 2 / (n * len(seeds)))  # of log(ratio)
    assert abs(np.log(ratio) - np.log(4)) < 4 * se


def test_device_copies_cost_k_times_the_devices_and_update_energy(noisy):
    n, k = 64, 4
    sgd = _pulse_noise_run(AnalogSGD(), noisy, n, seed=0)
    copies = _pulse_noise_run(DeviceCopies(k), noisy, n, seed=0)
    assert copies.n_devices == k * sgd.n_devices == k * n
    # Deterministic mode: every copy gets the same pulse counts, so pulses and update
    # energy (pulses x pulse_energy; the ideal periphery's lines are free) are k times.
    sgd_energy = sum(xb.cost.update_energy for xb in sgd.arrays.values())
    copy_energy = sum(xb.cost.update_energy for xb in copies.arrays.values())
    assert copies.n_pulses == k * sgd.n_pulses
    assert copy_energy == pytest.approx(k * sgd_energy, rel=1e-12)


def test_read_write_verify_costs_more_pulses_and_serial_latency(soft):
    priced = Device(name="soft_priced", response=SoftBounds(), dw_min=1e-3, w_min=-1.0,
                    w_max=1.0, pulse_width=5e-9, pulse_energy=2.5e-15)
    rng = np.random.default_rng(4)
    x = rng.standard_normal((1, 6))
    d = rng.standard_normal((1, 8)) * 0.1
    costs = {}
    for rule in (AnalogSGD(), ReadWriteVerify()):
        layer = AnalogLinear(6, 8, device=priced, periphery=None, bias=False,
                             update_mode="mean_field", rng=0)
        for xb in layer.arrays.values():
            xb.cost.reset()
        rule.step(layer, x, d, lr=0.5)
        costs[type(rule).__name__] = layer.arrays["weight"].cost
    sgd, rwv = costs["AnalogSGD"], costs["ReadWriteVerify"]
    periphery = layer.arrays["weight"].periphery
    # One sample: SGD is one parallel update; RWV writes the 8 rows one after another, each
    # with at least one update and two verify reads.
    assert sgd.n_updates == 1 and sgd.n_verify_reads == 0
    assert rwv.n_updates >= 8 and rwv.n_verify_reads >= 16
    assert rwv.latency >= 8 * (periphery.update_overhead + priced.pulse_width) \
        + 16 * (periphery.integration_time + periphery.adc_time)
    assert rwv.latency > 8 * sgd.latency
    # The corrections of the asymmetric response are extra pulses.
    assert rwv.n_device_pulses > sgd.n_device_pulses
    assert rwv.energy > sgd.energy


def test_baseline_arguments_and_registration():
    with pytest.raises(ValueError, match="k must be >= 1"):
        DeviceCopies(k=0)
    with pytest.raises(ValueError, match="tol must be > 0"):
        ReadWriteVerify(tol=0.0)
    layer = AnalogLinear(2, 2, device="ideal", periphery="ideal", update_mode="mean_field",
                         rng=0)
    AnalogSGD().step(layer, np.ones((1, 2)), np.ones((1, 2)), lr=0.1)
    with pytest.raises(ValueError, match="1 updates"):
        DeviceCopies().prepare(layer)
    X = np.random.default_rng(0).standard_normal((20, 3))
    y = (X[:, 0] > 0).astype(int)
    for name, cls in (("rwv", ReadWriteVerify), ("copies", DeviceCopies)):
        clf = AnalogMLPClassifier((4,), optimizer=name, max_iter=1, random_state=0).fit(X, y)
        assert isinstance(clf.network_.rule, cls)

    # The replicas hold the weight's initial matrix with the same per-column scale (the
    # ideal device is programmed open-loop exactly, up to float32 storage).
    layer = DeviceCopies(k=3).prepare(AnalogLinear(3, 4, device="ideal", periphery="ideal",
                                                   rng=0))
    W = layer.arrays["weight"].read()
    for name in ("copy1", "copy2"):
        np.testing.assert_array_equal(layer.arrays[name].scale, layer.arrays["weight"].scale)
        np.testing.assert_allclose(layer.arrays[name].read(), W, rtol=0,
                                   atol=np.finfo(np.float32).eps * np.abs(W).max())
    np.testing.assert_allclose(layer.weight, W, rtol=1e-6)
