"""The package's own warnings fire when results are unreliable, with the counts in the message."""

import re

import numpy as np
import pytest

from analoglinalg import ClippingWarning, Crossbar, Periphery, SaturationWarning


def test_saturation_warning_counts_devices():
    # ideal devices hold [-1, 1] from 0; a mean-field update of alpha*u v^T saturates exactly
    # the entries with |alpha u_i v_j| >= 1
    xb = Crossbar((10, 10), device="ideal", periphery="ideal", max_cycles=1000, rng=0)
    u, v, alpha = np.linspace(0.1, 1.0, 10), np.ones(10), 1.5
    expected = int(np.count_nonzero(np.abs(alpha * np.outer(u, v)) >= 1.0))
    assert expected == 40
    with pytest.warns(SaturationWarning, match=rf"^{expected} devices saturated") as record:
        report = xb.rank1_update(u, v, alpha, mode="mean_field")
    assert len(record) == 1 and report.n_saturated == expected
    np.testing.assert_array_equal(xb.read().max(), 1.0)


def test_no_saturation_warning_below_one_percent():
    # 1 saturated device of 200 (0.5 %) is reported, not warned about
    xb = Crossbar((10, 20), device="ideal", periphery="ideal", max_cycles=1000, rng=0)
    u, v = np.zeros(10), np.zeros(20)
    u[0], v[0] = 1.0, 1.0
    assert xb.rank1_update(u, v, 1.5, mode="mean_field").n_saturated == 1


@pytest.mark.parametrize("k", [1, 3])
def test_clipping_warning_counts_outputs(k):
    periphery = Periphery(dac_bits=None, adc_bits=None, out_noise=0.0, out_bound=0.5,
                          bound_management=False)
    xb = Crossbar((20, 5), device="ideal", periphery=periphery, max_cycles=1000, rng=0)
    u = np.linspace(-1, 1, 20)
    xb.rank1_update(u, np.ones(5), 0.5, mode="mean_field")
    X = np.ones((5, k))
    # the tile sees inputs scaled to max|x| = 1, so outputs are W @ x itself
    expected = k * int(np.count_nonzero(np.abs(xb.read() @ np.ones(5)) > 0.5))
    assert expected == k * 16  # |u_i| > 0.2: all but the four middle rows
    with pytest.warns(ClippingWarning, match=re.escape(f"{expected} of {20 * k} outputs")):
        Y = xb.matmat(X)
    np.testing.assert_array_equal(np.abs(Y).max(), 0.5)


def test_bound_management_avoids_clipping():
    periphery = Periphery(dac_bits=None, adc_bits=None, out_noise=0.0, out_bound=0.5,
                          bound_management=True, max_bound_retries=4)
    xb = Crossbar((20, 5), device="ideal", periphery=periphery, max_cycles=1000, rng=0)
    xb.rank1_update(np.linspace(-1, 1, 20), np.ones(5), 0.5, mode="mean_field")
    y = xb.matvec(np.ones(5))  # filterwarnings=error: any warning would fail here
    R = xb.read()
    np.testing.assert_allclose(y, R @ np.ones(5), rtol=0, atol=8 * np.finfo(np.float32).eps)
