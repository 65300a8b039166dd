"""Properties that hold for every valid input: LinearOperator identities, device bounds,
ledger invariants."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analoglinalg import ClippingWarning, Crossbar, SaturationWarning
from analoglinalg.devices import list_devices

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
# The tiles store float32 and multiply in float32 whatever the operator's dtype.
U32 = np.finfo(np.float32).eps / 2


@st.composite
def ideal_problem(draw):
    m, n = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    tile = (draw(st.integers(1, m)), draw(st.integers(1, n)))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from([1e-3, 1.0, 1e3]))
    A = scale * rng.standard_normal((m, n))
    A[rng.random((m, n)) < 0.2] = 0.0
    x, y = rng.standard_normal(n), rng.standard_normal(m)
    xb = Crossbar.from_matrix(A, device="ideal", periphery="ideal", tile_shape=tile,
                              dtype=dtype, rng=0)
    return xb, x, y


@SETTINGS
@given(problem=ideal_problem())
def test_ideal_reads_are_the_stored_matrix(problem):
    # Each output is the float32 dot product of rounded inputs with the stored weights:
    # |y - R x| <= (n + 4) u |R| |x| (Higham, Accuracy and Stability, eq. 3.5), R = read().
    xb, x, y = problem
    R = xb.read()
    m, n = xb.shape
    np.testing.assert_array_less(np.abs(xb.matvec(x) - R @ x),
                                 (n + 4) * U32 * (np.abs(R) @ np.abs(x)) + 1e-300)
    np.testing.assert_array_less(np.abs(xb.rmatvec(y) - R.T @ y),
                                 (m + 4) * U32 * (np.abs(R).T @ np.abs(y)) + 1e-300)


@SETTINGS
@given(problem=ideal_problem())
def test_adjoint_identity(problem):
    # <A x, y> = <x, A^H y>: both sides are within (k + 4) u |y|^T |R| |x| of y^T R x.
    xb, x, y = problem
    m, n = xb.shape
    gap = abs(y @ xb.matvec(x) - x @ (xb.H @ y))
    bound = (m + n + 8) * U32 * (np.abs(y) @ np.abs(xb.read()) @ np.abs(x))
    assert gap <= bound + 1e-300
    assert xb.H.shape == (n, m) and xb.T.shape == (n, m)
    np.testing.assert_array_equal(xb.H.H @ x, xb @ x)  # ideal reads are deterministic


_DEVICES = [d for d in list_devices() if d != "ideal"] + ["ideal"]


@st.composite
def operations(draw):
    ops = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["update", "update", "read", "relax"]))
        ops.append((kind, draw(st.sampled_from(["stochastic", "deterministic", "mean_field"])),
                    draw(st.floats(-1, 1)), draw(st.integers(0, 2**32 - 1))))
    return ops


def _states(xb):
    for row in xb.tiles:
        for tile in row:
            yield tile.devices


@SETTINGS
@given(device=st.sampled_from(_DEVICES), shape=st.tuples(st.integers(1, 6), st.integers(1, 6)),
       ops=operations(), seed=st.integers(0, 2**32 - 1))
def test_bounds_and_ledger_invariants(device, shape, ops, seed):
    xb = Crossbar(shape, device=device, tile_shape=(3, 3), rng=seed)
    limit = xb.bit_length * xb.max_cycles
    ledger = xb.cost.as_dict()
    for kind, mode, frac, op_seed in ops:
        rng = np.random.default_rng(op_seed)
        with warnings.catch_warnings():
            # saturation and clipping are legitimate outcomes of random operations
            warnings.simplefilter("ignore", (SaturationWarning, ClippingWarning))
            if kind == "update":
                u, v = rng.uniform(-1, 1, shape[0]), rng.uniform(-1, 1, shape[1])
                alpha = frac * 0.9 * limit * xb.device.dw_min
                report = xb.rank1_update(u, v, alpha, mode=mode)
                assert report.n_pulses >= 0
                assert 0 <= report.n_saturated <= shape[0] * shape[1]
            elif kind == "read":
                assert np.all(np.isfinite(xb.matvec(rng.standard_normal(shape[1]))))
            else:
                xb.relax(abs(frac) * 100.0)
        for d in _states(xb):
            w = d.weights + d.w_ref
            assert np.all(np.isfinite(w))
            # weights are stored relative to w_ref, so w is exact to one float32 ulp
            ulp = np.spacing(np.maximum(np.abs(d.b_min), np.abs(d.b_max)))
            assert np.all(w >= d.b_min - ulp) and np.all(w <= d.b_max + ulp)
        now = xb.cost.as_dict()
        for name, value in now.items():
            if name != "tops_per_watt":
                assert value >= ledger[name], name
        assert now["energy"] >= 0 and now["latency"] >= 0
        ledger = now


def test_n_saturated_counts_devices_once():
    # found by test_bounds_and_ledger_invariants (device, shape, seed as in its shrunk case)
    xb = Crossbar((3, 1), device="protonic_psg_2022", tile_shape=(3, 3), rng=0)
    rng = np.random.default_rng(0)
    u, v = rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 1)
    alpha = 0.9 * xb.bit_length * xb.max_cycles * xb.device.dw_min
    with pytest.warns(SaturationWarning):
        report = xb.rank1_update(u, v, alpha, mode="stochastic")
    assert report.n_cycles > 1
    assert report.n_saturated <= xb.shape[0] * xb.shape[1]
