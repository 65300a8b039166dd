"""Rank-1 updates: unbiased stochastic pulses, exact deterministic/mean-field modes."""

import numpy as np
import pytest

from analoglinalg import Crossbar
from analoglinalg.devices import ConstantStep, Device, SoftBounds


def vectors(m, n, seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, m), rng.uniform(-1, 1, n)


def test_stochastic_update_unbiased():
    """E[pulses_ij] = |alpha u_i v_j| / dw_min (Gokmen & Vlasov 2016), each pulse dw_min;
    counts are sums of Bernoulli variables, so Var <= E * dw_min^2."""
    dev = Device(response=ConstantStep(), dw_min=1e-3)
    # bit_length 64 fits alpha / dw_min = 60 pulses in one cycle: one kernel call per update
    xb = Crossbar((6, 5), device=dev, periphery="ideal", bit_length=64, rng=15)
    u, v = vectors(6, 5, 16)
    alpha = 0.06
    target = alpha * np.outer(u, v)
    S = 200
    total = np.zeros((6, 5))
    for s in range(S):
        sign = 1.0 if s % 2 == 0 else -1.0  # alternate so the state stays near the middle
        before = xb.read()
        xb.rank1_update(u, v, sign * alpha)
        total += sign * (xb.read() - before)
    mean = total / S
    sd = np.sqrt(np.abs(target) * dev.dw_min / S)
    z = (mean - target) / sd
    assert np.abs(z).max() < 4.5  # 30 entries, a conservative variance bound
    # a 5 % bias would be detected
    assert np.abs((mean - 1.05 * target) / sd).max() > 4.5


@pytest.mark.parametrize("mode,tol", [("deterministic", 0.5 * 2e-4), ("mean_field", 1e-6)])
def test_exact_modes_on_ideal_device(mode, tol):
    xb = Crossbar((8, 6), device="ideal", periphery="ideal", rng=17)
    u, v = vectors(8, 6, 18)
    before = xb.read()
    report = xb.rank1_update(u, v, 0.15, mode=mode)
    change = xb.read() - before
    # deterministic: rounding to whole pulses of dw_min = 2e-4; mean field: float32 rounding
    assert np.abs(change - 0.15 * np.outer(u, v)).max() <= tol + 1e-6
    assert report.n_saturated == 0 and xb.cost.n_updates == 1


def test_soft_bounds_bias():
    """SoftBounds: q_up(w) = 1 - w/b_max, so from state w an up step shrinks by that factor."""
    dev = Device(response=SoftBounds(), dw_min=1e-3, w_min=-1.0, w_max=1.0)
    xb = Crossbar((4, 3), device=dev, periphery="ideal", rng=19)
    xb.rank1_update(np.ones(4), np.linspace(0.2, 0.6, 3), 1.0, mode="mean_field")
    w0 = xb.read()  # w_ref = 0 (symmetric soft bounds), scale 1: read() is the state
    delta = 0.01 * np.ones((4, 3))
    xb.rank1_update(np.ones(4), np.full(3, 0.01), 1.0, mode="mean_field")
    expected = delta * (1.0 - w0 / 1.0)
    np.testing.assert_allclose(xb.read() - w0, expected, rtol=1e-4)
    # the bias is real: the applied step differs from delta by more than the tolerance
    assert np.abs(xb.read() - w0 - delta).max() > 1e-3


def test_update_across_tiles():
    xb = Crossbar((70, 50), device="ideal", periphery="ideal", tile_shape=(32, 32), rng=20)
    u, v = vectors(70, 50, 21)
    xb.rank1_update(u, v, 0.15, mode="mean_field")
    np.testing.assert_allclose(xb.read(), 0.15 * np.outer(u, v), atol=1e-6)
    before = xb.read()
    xb.rank1_update(u, v, -0.1, mode="deterministic")
    assert np.abs(xb.read() - before + 0.1 * np.outer(u, v)).max() <= 1e-4 + 1e-6


def test_tiled_reads_equal_dense():
    rng = np.random.default_rng(22)
    A = rng.standard_normal((70, 50))
    xb = Crossbar.from_matrix(A, device="ideal", periphery="ideal", tile_shape=(32, 32),
                              dtype=np.float64, rng=23)
    assert len(xb.tiles) == 3 and len(xb.tiles[0]) == 2
    X = rng.standard_normal((50, 4))
    np.testing.assert_allclose(xb.read(), A, rtol=1e-6)
    np.testing.assert_allclose(xb @ X, A @ X, atol=1e-5 * np.linalg.norm(A, 2) * 10)
    y = rng.standard_normal(70)
    np.testing.assert_allclose(xb.H @ y, A.T @ y, atol=1e-5 * np.linalg.norm(A, 2) * 10)
