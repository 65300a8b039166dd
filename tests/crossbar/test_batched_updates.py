"""Batched rank-1 updates: the same result as consecutive ``rank1_update`` calls."""

import dataclasses

import numpy as np
import pytest

from analoglinalg import Crossbar, SaturationWarning
from analoglinalg.crossbar import UpdateReport
from analoglinalg.devices import ConstantStep, Device, PiecewiseStep, PowStep, get_device

EXACT_COUNTERS = ("n_updates", "n_device_pulses", "n_line_pulses")
FLOAT_TOTALS = ("update_energy", "latency")

DEVICES = {
    "ideal": get_device("ideal"),
    "protonic": get_device("protonic_psg_2022"),  # linear step, pulse noise, spreads
    "reram": get_device("reram_gong_2018"),  # exponential step
    "pow": dataclasses.replace(get_device("protonic_psg_2022"), response=PowStep(gamma=1.5,
                                                                                 up_down=0.2)),
    "piecewise": dataclasses.replace(get_device("protonic_psg_2022"),
                                     response=PiecewiseStep(nodes_up=(1.4, 1.0, 0.3),
                                                            nodes_down=(0.2, 0.9, 1.5))),
}


def batch(B, m, n, seed, scale=0.02):
    rng = np.random.default_rng(seed)
    U = rng.uniform(-1, 1, (B, m))
    V = rng.uniform(-1, 1, (B, n))
    alpha = rng.uniform(-scale, scale, B)
    U[1] = 0.0  # a zero update: skipped by both paths
    return U, V, alpha


def states(xb):
    return np.concatenate([t.devices.weights.ravel() for row in xb.tiles for t in row])


def pair(device, tile_shape, shape=(13, 9), seed=3):
    return [Crossbar(shape, device=device, tile_shape=tile_shape, rng=seed) for _ in range(2)]


def sequential(xb, U, V, alpha, mode):
    reports = [xb.rank1_update(u, v, a, mode=mode) for u, v, a in zip(U, V, alpha, strict=True)]
    return (sum(r.n_pulses for r in reports), sum(r.n_saturated for r in reports),
            sum(r.n_cycles for r in reports))


def assert_same_ledger(a, b):
    for name in EXACT_COUNTERS:
        assert getattr(a.cost, name) == getattr(b.cost, name), name
    for name in FLOAT_TOTALS:
        # float sums in another order: a few ulps of the total
        np.testing.assert_allclose(getattr(a.cost, name), getattr(b.cost, name), rtol=1e-12)


@pytest.mark.parametrize("tile_shape", [None, (5, 4)])
@pytest.mark.parametrize("name", list(DEVICES))
@pytest.mark.parametrize("mode", ["mean_field", "deterministic"])
def test_exact_modes_equal_consecutive_calls(mode, name, tile_shape):
    seq, bat = pair(DEVICES[name], tile_shape)
    U, V, alpha = batch(7, 13, 9, seed=4)
    totals = sequential(seq, U, V, alpha, mode)
    report = bat.rank1_updates(U, V, alpha, mode=mode)
    np.testing.assert_array_equal(states(bat), states(seq))
    assert (report.n_pulses, report.n_saturated, report.n_cycles) == totals
    assert_same_ledger(seq, bat)
    # the generator advanced identically: later draws agree
    assert seq.rng.integers(2**62) == bat.rng.integers(2**62)


@pytest.mark.parametrize("mode", ["mean_field", "deterministic", "stochastic"])
def test_saturation_counted_as_consecutive_calls(mode):
    """A narrow constant-step device that every update drives into its bound."""
    dev = Device(response=ConstantStep(), dw_min=1e-3, w_min=-0.02, w_max=0.02)
    seq, bat = (Crossbar((4, 3), device=dev, periphery="ideal", bit_length=8, rng=5)
                for _ in range(2))
    # alpha / dw_min = 24 pulses = 3 cycles of 8 slots, p = q = 1: every device gets exactly
    # 24 pulses (deterministic even in stochastic mode) and the range holds 20
    U, V = np.ones((3, 4)), np.ones((3, 3))
    alpha = np.full(3, 0.024)
    with pytest.warns(SaturationWarning):
        totals = sequential(seq, U, V, alpha, mode)
    with pytest.warns(SaturationWarning, match="3 of 3 updates"):
        report = bat.rank1_updates(U, V, alpha, mode=mode)
    np.testing.assert_array_equal(states(bat), states(seq))
    # each sample counts each of its 12 devices once, whatever its number of cycles
    assert report.n_saturated == totals[1] == 36
    assert (report.n_pulses, report.n_cycles) == totals[::2]
    assert_same_ledger(seq, bat)


def test_stochastic_ledger_exact_when_pulses_are_certain():
    """k = bit_length with u, v constant: p = q = 1, every slot fires on every line."""
    dev = Device(response=ConstantStep(), dw_min=1e-3)
    xb = Crossbar((6, 5), device=dev, periphery="ideal", rng=6)
    B = 4
    report = xb.rank1_updates(np.ones((B, 6)), -np.ones((B, 5)), 0.031)
    assert report.n_pulses == B * 31 * 30 and report.n_cycles == B
    assert report.bit_length == 31 and report.n_saturated == 0
    assert xb.cost.n_device_pulses == B * 31 * 30
    assert xb.cost.n_line_pulses == B * 31 * (6 + 5)
    assert xb.cost.n_updates == B
    slot = dev.pulse_width or 0.0
    np.testing.assert_allclose(xb.cost.latency,
                               B * (31 * slot + xb.periphery.update_overhead), rtol=1e-12)
    np.testing.assert_allclose(xb.read(), -B * 0.031, rtol=1e-5)


def closed_form(U, V, alpha, dw, bit_length):
    """Mean and variance of the summed change, from the update-management equations."""
    mean = np.zeros((U.shape[1], V.shape[1]))
    var = np.zeros_like(mean)
    for u, v, a in zip(U, V, alpha, strict=True):
        k = abs(a) * np.abs(u).max() * np.abs(v).max() / dw
        cycles = int(np.ceil(k / bit_length))
        bl = min(int(np.ceil(k / cycles)), bit_length)
        gain = abs(a) / (cycles * bl * dw)
        p = np.sqrt(gain * np.abs(v).max() / np.abs(u).max()) * np.abs(u)
        q = np.sqrt(gain * np.abs(u).max() / np.abs(v).max()) * np.abs(v)
        pq = np.outer(p, q)  # per slot, a device fires with probability p_i q_j
        mean += dw * np.sign(a * np.outer(u, v)) * cycles * bl * pq
        var += dw**2 * cycles * bl * pq * (1 - pq)
    return mean, var


def test_stochastic_mean_and_variance_match_closed_form():
    """Counts are Binomial(cycles*BL, p_i q_j) (Gokmen & Vlasov 2016): mean alpha u v^T,
    variance dw^2 cycles BL pq(1 - pq); R repetitions give standard errors for both."""
    dev = Device(response=ConstantStep(), dw_min=1e-3)
    xb = Crossbar((6, 5), device=dev, periphery="ideal", bit_length=16, rng=7)
    rng = np.random.default_rng(8)
    U = rng.uniform(-1, 1, (6, 6))
    V = rng.uniform(-1, 1, (6, 5))
    alpha = np.array([0.01, -0.02, 0.04, 0.005, -0.05, 0.03])  # 1 to 4 cycles
    mean, var = closed_form(U, V, alpha, dev.dw_min, 16)
    np.testing.assert_allclose(mean, (alpha[:, None, None] * U[:, :, None]
                                      * V[:, None, :]).sum(0), atol=1e-12)
    R = 400
    changes = np.empty((R, 6, 5))
    for r in range(R):
        sign = 1.0 if r % 2 == 0 else -1.0  # keep the state near the middle
        before = xb.read()
        xb.rank1_updates(U, V, sign * alpha)
        changes[r] = sign * (xb.read() - before)
    z = (changes.mean(0) - mean) / np.sqrt(var / R)
    assert np.abs(z).max() < 4.5
    assert np.abs((changes.mean(0) - 1.05 * mean) / np.sqrt(var / R)).max() > 4.5
    # sample variance / true variance ~ chi2(R-1)/(R-1): sd sqrt(2/(R-1)) = 0.071
    ratio = changes.var(0, ddof=1) / var
    assert np.abs(ratio - 1).max() < 4.5 * np.sqrt(2 / (R - 1))
    # a Poisson count model (variance = mean) is rejected: pq reaches 1 at the busiest devices
    assert np.abs(changes.var(0, ddof=1) / (dev.dw_min * np.abs(mean)) - 1).max() > 0.5


def test_stochastic_matches_consecutive_calls_in_distribution():
    """Soft-bounds-like protonic device with pulse noise and device spreads, tiled: the
    batched and sequential final states agree in mean and variance (two-sample tests)."""
    dev = get_device("protonic_psg_2022")
    U, V, alpha = batch(5, 7, 6, seed=9, scale=0.05)
    R = 150
    finals = {"seq": [], "bat": []}
    for r in range(R):
        seq, bat = (Crossbar((7, 6), device=dev, tile_shape=(4, 4), rng=100 + r)
                    for _ in range(2))
        start = seq.read()
        sequential(seq, U, V, alpha, "stochastic")
        bat.rank1_updates(U, V, alpha)
        finals["seq"].append(seq.read() - start)
        finals["bat"].append(bat.read() - start)
    a, b = np.array(finals["seq"]), np.array(finals["bat"])
    se = np.sqrt(a.var(0, ddof=1) / R + b.var(0, ddof=1) / R)
    assert np.abs((a.mean(0) - b.mean(0)) / se).max() < 4.5
    # F ratio of two sample variances with R-1 degrees of freedom each: sd ~ 2/sqrt(R)
    ratio = b.var(0, ddof=1) / a.var(0, ddof=1)
    assert np.abs(np.log(ratio)).max() < 4.5 * np.sqrt(4 / (R - 1))


def test_stochastic_same_seed_bit_identical():
    U, V, alpha = batch(6, 9, 8, seed=10)
    results = []
    for _ in range(2):
        xb = Crossbar((9, 8), tile_shape=(4, 5), rng=11)
        report = xb.rank1_updates(U, V, alpha)
        results.append((states(xb), report))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    assert results[0][1] == results[1][1]


@pytest.mark.parametrize("mode", ["mean_field", "deterministic", "stochastic"])
def test_scalar_alpha_equals_constant_array(mode):
    U, V, _ = batch(4, 5, 4, seed=12)
    xa, xb = pair("protonic_psg_2022", None, shape=(5, 4))
    xa.rank1_updates(U, V, 0.01, mode=mode)
    xb.rank1_updates(U, V, np.full(4, 0.01), mode=mode)
    np.testing.assert_array_equal(states(xa), states(xb))


def test_empty_and_zero_batches_do_nothing():
    xb = Crossbar((3, 2), rng=13)
    before = states(xb).copy()
    assert xb.rank1_updates(np.zeros((0, 3)), np.zeros((0, 2))) == UpdateReport(0, 0, 0, 0)
    assert xb.rank1_updates(np.zeros((2, 3)), np.ones((2, 2))) == UpdateReport(0, 0, 0, 0)
    np.testing.assert_array_equal(states(xb), before)
    assert xb.cost.n_updates == 0 and xb.cost.latency == 0.0


@pytest.mark.parametrize("U,V,alpha,match", [
    (np.full((2, 3), np.nan), np.ones((2, 2)), 1e-3, "U must be finite"),
    (np.ones((2, 4)), np.ones((2, 2)), 1e-3, r"U must have shape \('\*', 3\)"),
    (np.ones((2, 3)), np.ones((3, 2)), 1e-3, r"V must have shape \(2, 2\)"),
    (np.ones((2, 3)), np.ones((2, 2)), [1e-3], r"alpha must have shape \(2,\)"),
    (np.ones((2, 3)), np.ones((2, 2)), np.inf, "alpha must be finite"),
    (np.ones((2, 3)), np.ones((2, 2)), [1e-3, 10.0], "sample 1 of U, V"),
])
def test_bad_input_changes_nothing(U, V, alpha, match):
    xb = Crossbar((3, 2), rng=14)
    before = states(xb).copy()
    state = xb.rng.bit_generator.state
    with pytest.raises(ValueError, match=match):
        xb.rank1_updates(U, V, alpha)
    np.testing.assert_array_equal(states(xb), before)
    assert xb.rng.bit_generator.state == state
    assert xb.cost.n_updates == 0 and xb.cost.n_device_pulses == 0


def test_unknown_mode():
    xb = Crossbar((3, 2), rng=15)
    with pytest.raises(ValueError, match="mode must be one of"):
        xb.rank1_updates(np.ones((1, 3)), np.ones((1, 2)), 1e-3, mode="exact")


@pytest.mark.parametrize("mode", ["mean_field", "deterministic", "stochastic"])
def test_parallel_and_serial_kernels_agree_bit_for_bit(mode, monkeypatch):
    """The counter-based generator makes every draw a function of (seed, device), so the
    thread team cannot change a result."""
    from analoglinalg.crossbar import _kernels

    U, V, alpha = batch(6, 20, 16, seed=16)
    results = []
    for threshold in (0, 1 << 62):
        monkeypatch.setattr(_kernels, "PARALLEL_WORK", threshold)
        monkeypatch.setattr(_kernels, "PARALLEL_PULSED", threshold)
        xb = Crossbar((20, 16), tile_shape=(8, 16), rng=17)
        report = xb.rank1_updates(U, V, alpha, mode=mode)
        xb.rank1_update(U[0], V[0], 0.05, mode=mode)  # the single update's kernels too
        results.append((states(xb), report))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    assert results[0][1] == results[1][1]
