"""The aggregated pulse step of the update kernels against pulses applied one at a time.

``apply_counts(..., exact=True)`` applies every pulse through the device's response (the
reference path); the default path draws one variate per device for all its pulses (the
module docstring of ``analoglinalg.crossbar._kernels``), in SIMD lanes where it can.
"""

import numpy as np
import pytest

from analoglinalg.crossbar._kernels import apply_counts
from analoglinalg.devices._kernels import counter_normal_reference

CONSTANT, LINEAR = 0, 1
EMPTY = np.zeros(1, dtype=np.float32)


def devices(n, *, state, dw, lo=-0.6, hi=0.6):
    """``n`` identical devices in one row: weights, w_ref, dw_up, dw_down, b_min, b_max."""
    full = [np.full((1, n), value, dtype=np.float32) for value in (state, 0.0, dw, dw, lo, hi)]
    return full


def pulse(arrays, counts, code, sigma, seed, exact, gammas=(1.0, 1.0)):
    arrays = [a.copy() for a in arrays]
    params = np.array(gammas, dtype=np.float32)
    apply_counts(*arrays, np.asarray(counts, dtype=np.int64).reshape(1, -1), code, params,
                 EMPTY, EMPTY, sigma, np.uint64(seed), exact)
    return arrays[0].astype(float).ravel()


@pytest.mark.parametrize("code", [LINEAR, CONSTANT])
@pytest.mark.parametrize("count", [1, 7, 31, -31, 300])
def test_aggregated_matches_pulse_by_pulse_in_mean_and_variance(code, count):
    """Two samples of 40,000 devices (independent seeds): means within 5 standard errors,
    variances within 5 standard errors of their log ratio. Steps of 1/60 of the bound
    make the soft bound's curvature visible (300 pulses travel 99 % of the way)."""
    n, sigma = 40_000, 0.3
    arrays = devices(n, state=0.1, dw=0.01)
    counts = np.full(n, count)
    if code == CONSTANT:
        counts = np.full(n, min(abs(count), 40) * np.sign(count))  # stays inside the bounds
    aggregated = pulse(arrays, counts, code, sigma, 1, exact=False)
    one_by_one = pulse(arrays, counts, code, sigma, 2, exact=True)
    se = np.sqrt(aggregated.var(ddof=1) / n + one_by_one.var(ddof=1) / n)
    assert abs(aggregated.mean() - one_by_one.mean()) < 5 * se
    log_ratio = np.log(aggregated.var(ddof=1) / one_by_one.var(ddof=1))
    assert abs(log_ratio) < 5 * np.sqrt(4 / n)
    # the test can tell: without the noise term the variance is far off
    noiseless = pulse(arrays, counts, code, 0.0, 1, exact=False)
    assert noiseless.var() < 1e-3 * one_by_one.var()


def closed_form(x, count, lo, hi, dw, sigma, seed):
    """The aggregated soft-bounds step in float64 NumPy (library power and exponential), from
    the float32 values the kernel reads."""
    x, lo, hi, dw = (np.float32(v).astype(float) for v in (x, lo, hi, dw))
    up = count > 0
    bound = np.where(up, hi, lo)
    r = dw / np.abs(bound)
    a = r * sigma / (1 - r)
    c = np.abs(count)
    xi = counter_normal_reference(seed, np.arange(count.size), 0)
    z = a * (np.sqrt(c) * xi - 0.5 * c * a)
    y = bound + (x - bound) * (1 - r) ** c * np.exp(z)
    return np.clip(y, lo, hi).astype(np.float32)


def test_short_long_and_large_noise_devices_in_one_block():
    """Counts past the seven-squaring limit and noise exponents past the series' range take
    the scalar path; every device's result depends on its own inputs only and equals the
    closed form to one float32 ulp."""
    rng = np.random.default_rng(5)
    n = 64
    counts = rng.integers(1, 31, n) * rng.choice([-1, 1], n)
    counts[5] = 300  # long
    arrays = devices(n, state=0.05, dw=0.002)
    arrays[2][0, 9] = arrays[3][0, 9] = 0.3  # a coarse device: |z| > 1e-2
    counts[9] = 2
    sigma, seed = 0.3, 11
    mixed = pulse(arrays, counts, LINEAR, sigma, seed, exact=False)
    expected = closed_form(0.05, counts, -0.6, 0.6, arrays[2].ravel(), sigma, seed)
    np.testing.assert_array_max_ulp(mixed.astype(np.float32), expected, maxulp=1)
    # the same devices without the two outliers in their block: bit-identical results
    plain = counts.copy()
    plain[[5, 9]] = 0
    alone = pulse(devices(n, state=0.05, dw=0.002), plain, LINEAR, sigma, seed, exact=False)
    keep = plain != 0
    np.testing.assert_array_equal(alone[keep], mixed[keep])
