"""Crossbar reads through resistive lines (``Crossbar(parasitics=...)``)."""

import numpy as np
import pytest

from analoglinalg import Crossbar
from analoglinalg.crossbar import ParasiticSolver, Periphery, WireResistance

# "ideal" devices span 10-100 Mohm; 1e4-ohm segments give R*G up to 1e-3 (a visible IR drop).
WIRES = WireResistance(row_segment=1e4, col_segment=2e4, driver=5e3, sense=1e3)
# float32 storage of the tile's output: a few ulps of the largest output.
RTOL = 1e-5


def matrix(m=6, n=5, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=(m, n))


def expected_read(xb, x, transpose=False):
    """The physical read rebuilt from the devices with ParasiticSolver (one tile)."""
    tile = xb.tiles[0][0]
    dev = xb.device
    w_ref = tile.devices.w_ref.astype(np.float64)
    w = tile.devices.weights.astype(np.float64) + w_ref
    xs = x if transpose else x * xb.scale
    amax = np.abs(xs).max()
    V = xs / amax * dev.read_voltage
    out = 0.0
    for g, sign in ((dev.conductance(w), 1.0), (dev.conductance(w_ref), -1.0)):
        out = out + sign * ParasiticSolver(g if transpose else g.T, xb.parasitics).currents(V)[0]
    y = out / (dev.read_voltage * (dev.g_max - dev.g_min) / (dev.w_max - dev.w_min)) * amax
    return y * xb.scale if transpose else y


def make(A, parasitics=WIRES, **kw):
    return Crossbar.from_matrix(A, device="ideal", periphery=Periphery.ideal(), rng=0,
                                parasitics=parasitics, **kw)


def test_read_equals_nodal_solve():
    A = matrix()
    xb = make(A)
    x = np.random.default_rng(1).uniform(-1, 1, 5)
    ref = expected_read(xb, x)
    np.testing.assert_allclose(xb.matvec(x), ref, rtol=0, atol=RTOL * np.abs(ref).max())
    # The IR drop is visible: the read differs from the stored matrix's product.
    assert np.abs(xb.matvec(x) - A @ x).max() > 100 * RTOL * np.abs(ref).max()


def test_transposed_read_equals_nodal_solve():
    xb = make(matrix())
    x = np.random.default_rng(2).uniform(-1, 1, 6)
    ref = expected_read(xb, x, transpose=True)
    np.testing.assert_allclose(xb.rmatvec(x), ref, rtol=0, atol=RTOL * np.abs(ref).max())


def test_matmat_columns_equal_matvecs():
    xb = make(matrix())
    X = np.random.default_rng(3).uniform(-1, 1, (5, 4))
    Y = xb.matmat(X)
    for k in range(4):
        ref = expected_read(xb, X[:, k])
        np.testing.assert_allclose(Y[:, k], ref, rtol=0, atol=RTOL * np.abs(ref).max())


@pytest.mark.parametrize("periphery", [Periphery.ideal(), Periphery()])
def test_zero_resistance_is_the_plain_read(periphery):
    A = matrix()
    X = np.random.default_rng(4).uniform(-1, 1, (5, 3))
    plain = Crossbar.from_matrix(A, device="protonic_psg_2022", periphery=periphery, rng=5)
    wired = Crossbar.from_matrix(A, device="protonic_psg_2022", periphery=periphery, rng=5,
                                 parasitics=WireResistance())
    np.testing.assert_array_equal(wired.matmat(X), plain.matmat(X))
    Z = np.random.default_rng(10).uniform(-1, 1, (6, 2))
    np.testing.assert_array_equal(wired.rmatmat(Z), plain.rmatmat(Z))
    assert wired.cost.read_energy == plain.cost.read_energy


def test_read_after_update_reflects_new_state():
    xb = make(matrix())
    x = np.random.default_rng(6).uniform(-1, 1, 5)
    before = xb.matvec(x)
    rng = np.random.default_rng(7)
    xb.rank1_update(rng.uniform(-1, 1, 6), rng.uniform(-1, 1, 5), 0.3, mode="mean_field")
    ref = expected_read(xb, x)
    after = xb.matvec(x)
    np.testing.assert_allclose(after, ref, rtol=0, atol=RTOL * np.abs(ref).max())
    assert np.abs(after - before).max() > 100 * RTOL * np.abs(ref).max()


def wire_energy(parasitics, x):
    plain, wired = make(matrix(), None), make(matrix(), parasitics)
    plain.cost.reset()
    wired.cost.reset()
    plain.matvec(x)
    wired.matvec(x)
    return wired.cost.read_energy - plain.cost.read_energy


def test_ledger_counts_wire_dissipation():
    x = np.random.default_rng(8).uniform(-1, 1, 5)
    energies = [wire_energy(WireResistance(row_segment=r, col_segment=r), x)
                for r in (1e2, 1e3, 1e4)]
    assert energies[0] > 0
    assert np.all(np.diff(energies) > 0)
    # The solver's dissipation of both arrays over one integration time (the tile drives
    # the float32-rounded inputs: quadratic in them, so 2 * 6e-8 relative, bounded by 1e-6).
    xb = make(matrix())
    tile, dev = xb.tiles[0][0], xb.device
    xs = x * xb.scale
    V = xs / np.abs(xs).max() * dev.read_voltage
    w_ref = tile.devices.w_ref.astype(np.float64)
    power = sum(ParasiticSolver(dev.conductance(w).T, WIRES).currents(V)[1]
                for w in (tile.devices.weights + w_ref, w_ref))
    np.testing.assert_allclose(wire_energy(WIRES, x),
                               power * xb.periphery.integration_time, rtol=1e-6)


def test_save_load_round_trip(tmp_path):
    xb = make(matrix())
    path = xb.save(tmp_path / "xb.npz")
    loaded = Crossbar.load(path)
    assert loaded.parasitics == WIRES
    x = np.random.default_rng(9).uniform(-1, 1, 5)
    np.testing.assert_array_equal(loaded.matvec(x), xb.matvec(x))
    assert Crossbar.load(make(matrix(), None).save(tmp_path / "plain.npz")).parasitics is None


def test_bad_parasitics_raise():
    with pytest.raises(TypeError, match="parasitics"):
        Crossbar((2, 2), parasitics=1.0)
    with pytest.raises(TypeError, match="parasitics"):
        Crossbar.from_matrix(np.eye(2), parasitics={"row_segment": 1.0})
