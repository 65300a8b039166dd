"""Tests of the wire-resistance read model against independent nodal solves."""

import math
import warnings

import numpy as np
import pytest

from analoglinalg.crossbar._parasitics import ParasiticSolver, WireResistance


def dense_reference(G, V, r_row, r_col, r_drv, r_sns):
    """Node voltages from a dense nodal solve, stamping one resistor at a time.

    Nodes: row node (i, j), column node (i, j), plus one source node per row and a ground
    node; every resistance must be positive. Known nodes (sources, ground) are eliminated by
    partitioning the full Laplacian.
    """
    m, n = G.shape
    row = lambda i, j: i * n + j  # noqa: E731
    col = lambda i, j: m * n + i * n + j  # noqa: E731
    src = lambda i: 2 * m * n + i  # noqa: E731
    gnd = 2 * m * n + m
    size = gnd + 1
    Lap = np.zeros((size, size))
    resistors = []

    def stamp(p, q, g):
        Lap[p, p] += g
        Lap[q, q] += g
        Lap[p, q] -= g
        Lap[q, p] -= g
        resistors.append((p, q, g))

    for i in range(m):
        stamp(src(i), row(i, 0), 1.0 / (r_drv + r_row))
        for j in range(n - 1):
            stamp(row(i, j), row(i, j + 1), 1.0 / r_row)
    for j in range(n):
        for i in range(m - 1):
            stamp(col(i, j), col(i + 1, j), 1.0 / r_col)
        stamp(col(m - 1, j), gnd, 1.0 / (r_col + r_sns))
    n_wires = len(resistors)
    for i in range(m):
        for j in range(n):
            stamp(row(i, j), col(i, j), G[i, j])
    known = np.arange(2 * m * n, size)
    free = np.arange(2 * m * n)
    out_I, out_P = [], []
    for v in V.T:
        u_known = np.concatenate([v, [0.0]])
        u_free = np.linalg.solve(Lap[np.ix_(free, free)], -Lap[np.ix_(free, known)] @ u_known)
        u = np.concatenate([u_free, u_known])
        sense = [(u[col(m - 1, j)] - u[gnd]) / (r_col + r_sns) for j in range(n)]
        out_I.append(sense)
        out_P.append(sum(g * (u[p] - u[q]) ** 2 for p, q, g in resistors[:n_wires]))
    return np.array(out_I).T, np.array(out_P)


def random_case(m, n, k, seed):
    rng = np.random.default_rng(seed)
    G = rng.uniform(1e-5, 1e-4, size=(m, n))  # 10 kohm .. 100 kohm devices
    V = rng.uniform(-0.2, 0.2, size=(m, k))
    return G, V


# Direct solves of well-conditioned systems: a few hundred ulps of the largest current.
RTOL = 1e-10


@pytest.mark.parametrize("shape", [(4, 3), (8, 8), (3, 7)])
@pytest.mark.parametrize("res", [(10.0, 20.0, 0.0, 0.0), (5.0, 1.0, 300.0, 150.0)])
def test_exact_matches_dense_stamped_solve(shape, res):
    G, V = random_case(*shape, 3, seed=1)
    # The reference needs a positive driver/sense; its partitioned solve treats them as part
    # of the first/last segment, so a tiny value stands in for zero.
    r_row, r_col, r_drv, r_sns = res
    ref_I, ref_P = dense_reference(G, V, r_row, r_col, r_drv, r_sns)
    solver = ParasiticSolver(G, WireResistance(row_segment=r_row, col_segment=r_col,
                                               driver=r_drv, sense=r_sns))
    I, P = solver.currents(V)
    np.testing.assert_allclose(I, ref_I, rtol=0, atol=RTOL * np.abs(ref_I).max())
    np.testing.assert_allclose(P, ref_P, rtol=1e-9)
    assert I.shape == (shape[1], 3) and P.shape == (3,)


def test_vector_and_batch_agree():
    G, V = random_case(6, 5, 4, seed=2)
    solver = ParasiticSolver(G, WireResistance(row_segment=3.0, col_segment=4.0, driver=7.0))
    I, P = solver.currents(V)
    for c in range(4):
        i1, p1 = solver.currents(V[:, c])
        assert i1.shape == (5,) and isinstance(p1, float)
        np.testing.assert_allclose(i1, I[:, c], rtol=1e-12, atol=0)
        np.testing.assert_allclose(p1, P[c], rtol=1e-12)


@pytest.mark.parametrize("res", [dict(row_segment=2.0), dict(col_segment=2.0),
                                 dict(driver=50.0), dict(sense=50.0),
                                 dict(driver=50.0, col_segment=3.0)])
def test_degenerate_lines_match_limit(res):
    # A zero resistance merges nodes; the limit of tiny positive values must agree.
    G, V = random_case(5, 4, 2, seed=3)
    I, P = ParasiticSolver(G, WireResistance(**res)).currents(V)
    tiny = {k: res.get(k, 1e-4) for k in ("row_segment", "col_segment", "driver", "sense")}
    ref_I, ref_P = dense_reference(G, V, tiny["row_segment"], tiny["col_segment"],
                                   tiny["driver"], tiny["sense"])
    # 1e-4 ohm stand-ins (small enough to matter little, large enough to keep the dense
    # reference well conditioned) against >= 10 kohm devices on lines of <= 9 cells change
    # the currents by about R G N**2 < 1e-4 * 1e-4 * 81 ~ 1e-6 relative.
    np.testing.assert_allclose(I, ref_I, rtol=0, atol=1e-6 * np.abs(ref_I).max())
    # The reference's dissipation includes the stand-ins' own: at most about (1e-4 / 2 ohm)
    # per segment times <= 9 segments on a current path, < 1e-3 of the real wires'.
    np.testing.assert_allclose(P, ref_P, rtol=1e-3)


@pytest.mark.parametrize("method", ["exact", "first_order"])
def test_zero_resistance_is_ideal_product(method):
    G, V = random_case(7, 5, 3, seed=4)
    I, P = ParasiticSolver(G, WireResistance(method=method)).currents(V)
    np.testing.assert_array_equal(I, G.T @ V)
    np.testing.assert_array_equal(P, 0.0)


def _rel_error(shape, r, method="exact"):
    G, V = random_case(*shape, 2, seed=5)
    V = np.abs(V)
    I, _ = ParasiticSolver(G, WireResistance(row_segment=r, col_segment=r,
                                             method=method)).currents(V)
    ideal = G.T @ V
    return np.linalg.norm(I - ideal) / np.linalg.norm(ideal)


def test_error_grows_with_wire_resistance():
    errs = [_rel_error((8, 8), r) for r in (0.1, 1.0, 10.0, 100.0)]
    assert all(e > 0 for e in errs)
    assert np.all(np.diff(errs) > 0)


def test_error_grows_with_array_size():
    errs = [_rel_error((n, n), 10.0) for n in (4, 8, 16, 32)]
    assert np.all(np.diff(errs) > 0)


def test_first_order_error_is_second_order():
    # Residual of a first-order expansion scales like r**2: a 10x smaller r gives a ~100x
    # smaller error (allow 60x-140x for the next-order term).
    G, V = random_case(16, 16, 2, seed=6)

    def err(r):
        wr = dict(row_segment=r, col_segment=r, driver=r, sense=r)
        exact, pe = ParasiticSolver(G, WireResistance(**wr)).currents(V)
        fo, pf = ParasiticSolver(G, WireResistance(method="first_order", **wr)).currents(V)
        return np.linalg.norm(fo - exact) / np.linalg.norm(exact), np.abs(pf / pe - 1).max()

    (e1, p1), (e2, p2) = err(1.0), err(0.1)
    assert 60 < e1 / e2 < 140
    # Dissipation uses ideal currents: relative error first order in r.
    assert 6 < p1 / p2 < 14


def test_first_order_blocks_match_one_pass(monkeypatch):
    import analoglinalg.crossbar._parasitics as mod

    G, V = random_case(6, 5, 7, seed=7)
    wr = WireResistance(row_segment=2.0, col_segment=3.0, driver=4.0, sense=5.0,
                        method="first_order")
    I, P = ParasiticSolver(G, wr).currents(V)
    monkeypatch.setattr(mod, "_FIRST_ORDER_BLOCK", 30)  # one column per block
    I2, P2 = ParasiticSolver(G, wr).currents(V)
    np.testing.assert_allclose(I2, I, rtol=1e-13)
    np.testing.assert_allclose(P2, P, rtol=1e-13)


def test_against_badcrossbar():
    with warnings.catch_warnings(record=True):
        # badcrossbar warns on import when its plotting backend (pycairo) is absent.
        badcrossbar = pytest.importorskip("badcrossbar")
    G, V = random_case(8, 6, 3, seed=8)
    sol = badcrossbar.compute(V, 1.0 / G, r_i_word_line=3.0, r_i_bit_line=5.0,
                              node_voltages=False, all_currents=False)
    I, _ = ParasiticSolver(G, WireResistance(row_segment=3.0, col_segment=5.0)).currents(V)
    ref = np.asarray(sol.currents.output).T
    np.testing.assert_allclose(I, ref, rtol=0, atol=RTOL * np.abs(ref).max())


@pytest.mark.parametrize("name", ["row_segment", "col_segment", "driver", "sense"])
@pytest.mark.parametrize("value", [-1.0, math.inf, math.nan])
def test_bad_resistance_raises(name, value):
    with pytest.raises(ValueError, match=name):
        WireResistance(**{name: value})


def test_bad_types_and_method_raise():
    with pytest.raises(TypeError, match="driver"):
        WireResistance(driver="1")
    with pytest.raises(ValueError, match="method"):
        WireResistance(method="iterative")
    with pytest.raises(ValueError, match="G"):
        ParasiticSolver(-np.ones((2, 2)), WireResistance())
    with pytest.raises(TypeError, match="parasitics"):
        ParasiticSolver(np.ones((2, 2)), 1.0)
    solver = ParasiticSolver(np.ones((3, 2)), WireResistance(row_segment=1.0))
    with pytest.raises(ValueError, match="V"):
        solver.currents(np.ones(2))
    with pytest.raises(ValueError, match="V"):
        solver.currents(np.array([1.0, np.nan, 0.0]))
