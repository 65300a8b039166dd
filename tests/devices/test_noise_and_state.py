"""Pulse statistics, the counter-based generator, reproducibility, retention, stuck devices."""

import dataclasses

import numpy as np
import pytest

from analoglinalg.devices import ConstantStep, Device, DeviceArray, get_device, response_curve
from analoglinalg.devices._kernels import counter_normal, counter_normal_reference


def test_n_pulses_mean_and_variance():
    dw, sigma, n, n_dev = 1e-3, 0.3, 10, 20000
    dev = Device(response=ConstantStep(), dw_min=dw, dw_min_std=sigma, w_min=-1, w_max=1)
    devices = DeviceArray(dev, (n_dev,), rng=0)
    w0 = devices.w.astype(float)
    devices.apply_pulses(np.full(n_dev, n, dtype=np.int64), rng=1)
    total = devices.w.astype(float) - w0
    mean, var = n * dw, n * (sigma * dw) ** 2
    assert abs(total.mean() - mean) <= 4 * np.sqrt(var / n_dev)
    assert abs(total.var(ddof=1) - var) <= 4 * var * np.sqrt(2 / (n_dev - 1))


def test_counter_normal_matches_reference_bit_for_bit():
    gen = np.random.default_rng(3)
    seed = np.uint64(gen.integers(0, 2**63 - 1))
    streams = gen.integers(0, 2**40, size=500).astype(np.uint64)
    counters = gen.integers(0, 2**20, size=500).astype(np.uint64)
    ours = np.array([counter_normal(seed, s, c) for s, c in zip(streams, counters, strict=True)])
    ref = counter_normal_reference(seed, streams, counters)
    np.testing.assert_array_equal(ours, ref)


def test_counter_normal_moments():
    n = 100_000
    x = counter_normal_reference(12345, np.arange(n) % 97, np.arange(n) // 97)
    # Irwin-Hall(4) rescaled: mean 0, variance 1, E x^4 = 3 - 6/(5*4) = 2.7, so the sample
    # variance has standard error sqrt((2.7 - 1)/n).
    assert abs(x.mean()) <= 4 / np.sqrt(n)
    assert abs(x.var() - 1) <= 4 * np.sqrt(1.7 / n)
    assert np.abs(x).max() <= 2 * np.sqrt(3)


def test_response_curve_reproducible():
    a = response_curve("protonic_psg_2022", 100, 100, n_devices=4, rng=5).w
    b = response_curve("protonic_psg_2022", 100, 100, n_devices=4, rng=5).w
    c = response_curve("protonic_psg_2022", 100, 100, n_devices=4, rng=6).w
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_relax_decays_to_one_over_e():
    dev = get_device("protonic_psg_2022")
    devices = DeviceArray(dev, (64,), rng=0)
    devices.apply_pulses(np.arange(64, dtype=np.int64) - 32, rng=1)
    before = devices.w.astype(float) - devices.w_ref
    assert np.all(np.abs(before[np.arange(64) != 32]) > 0)
    devices.relax(dev.retention_tau)
    after = devices.w.astype(float) - devices.w_ref
    np.testing.assert_allclose(after, before * np.exp(-1), rtol=1e-6,
                               atol=4 * np.finfo(np.float32).eps)


def test_stuck_devices_fraction_and_immobility():
    n_dev, p = 20000, 0.2
    dev = dataclasses.replace(get_device("protonic_psg_2022"), stuck_fraction=p)
    devices = DeviceArray(dev, (n_dev,), rng=2)
    stuck = devices.stuck
    assert abs(stuck.mean() - p) <= 4 * np.sqrt(p * (1 - p) / n_dev)
    w0 = devices.w
    assert np.all(w0 >= devices.b_min) and np.all(w0 <= devices.b_max)
    pulses = np.random.default_rng(3).integers(-20, 21, size=n_dev)
    devices.apply_pulses(pulses, rng=4)
    devices.relax(dev.retention_tau)
    w1 = devices.w
    np.testing.assert_array_equal(w1[stuck], w0[stuck])
    moving = ~stuck & (pulses != 0)
    assert np.mean(w1[moving] != w0[moving]) > 0.99


@pytest.mark.parametrize("name", ["protonic_psg_2022", "reram_gong_2018", "ideal"])
def test_memory_is_24_bytes_per_device(name):
    devices = DeviceArray(get_device(name), (7, 5), rng=0)
    assert devices.nbytes / devices.weights.size == 24
