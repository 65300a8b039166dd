"""DistributedCrossbar: bit-identity with the local reference, solvers, updates, validation."""

import sys

import numpy as np
import pytest
from scipy.sparse.linalg import cg

from analoglinalg.distributed import DistributedCrossbar, tile_seed

da = pytest.importorskip("dask.array")

SEED = 11
TILE = (40, 30)


def _matrix(rng, m=100, n=70):
    return rng.standard_normal((m, n)) / np.sqrt(n)


def test_reads_bit_identical_to_local_reference(client, reference):
    rng = np.random.default_rng(0)
    A = _matrix(rng)
    xb = DistributedCrossbar(A, client, tile_shape=TILE, rng=SEED)
    ref = reference(A, TILE, SEED)
    assert xb.n_tiles == (3, 3)
    for _ in range(2):
        X = rng.standard_normal((70, 4))
        Z = rng.standard_normal((100, 3))
        np.testing.assert_array_equal(xb.matmat(X), ref.matmat(X))
        np.testing.assert_array_equal(xb.rmatmat(Z), ref.rmatmat(Z))
        np.testing.assert_array_equal(xb.matvec(X[:, 0]), ref.matmat(X[:, :1])[:, 0])
        np.testing.assert_array_equal(xb.H @ Z[:, 0], ref.rmatmat(Z[:, :1])[:, 0])


def test_updates_and_ledger_bit_identical(client, reference):
    rng = np.random.default_rng(1)
    A = _matrix(rng)
    xb = DistributedCrossbar(A, client, tile_shape=TILE, rng=SEED)
    ref = reference(A, TILE, SEED)
    for mode in ("stochastic", "deterministic", "mean_field"):
        u, v = rng.standard_normal(100), rng.standard_normal(70)
        report = xb.rank1_update(u, v, 0.01, mode=mode)
        ref.rank1_update(u, v, 0.01, mode)
        assert report.n_pulses > 0
    np.testing.assert_array_equal(xb.read(), ref.read())
    X = rng.standard_normal((70, 2))
    np.testing.assert_array_equal(xb @ X, ref.matmat(X))
    assert xb.cost.as_dict() == ref.ledger().as_dict()


def test_dask_input_equals_numpy_input(client2):
    rng = np.random.default_rng(2)
    A = _matrix(rng)
    X = rng.standard_normal((70, 3))
    a = DistributedCrossbar(A, client2, tile_shape=TILE, rng=SEED)
    b = DistributedCrossbar(da.from_array(A, chunks=TILE), client2, rng=SEED)
    c = DistributedCrossbar(da.from_array(A, chunks=(25, 25)), client2, tile_shape=TILE,
                            rng=np.random.SeedSequence(SEED))
    expected = a @ X
    np.testing.assert_array_equal(b @ X, expected)
    np.testing.assert_array_equal(c @ X, expected)


def test_ideal_matches_numpy_and_scipy_solver(client2):
    rng = np.random.default_rng(3)
    n = 60
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = (Q * np.linspace(1.0, 3.0, n)) @ Q.T
    xb = DistributedCrossbar(A, client2, tile_shape=(30, 30), device="ideal",
                             periphery="ideal", dtype=np.float64, rng=0)
    X = rng.standard_normal((n, 3))
    # Ideal devices store float32: every entry is off by at most eps32 relative, and the
    # float64 sums add a few eps64.
    bound = 2 * np.finfo(np.float32).eps * (np.abs(A) @ np.abs(X))
    assert np.all(np.abs(xb @ X - A @ X) <= bound)
    b = rng.standard_normal(n)
    x_true = np.linalg.solve(A, b)
    # Perturbation theory: ||dx||/||x|| <= cond * ||dA||/||A||, ||dA||_2 <= n eps32 ||A||_2,
    # plus the solver's own tolerance.
    tol = 3.0 * n * np.finfo(np.float32).eps + 1e-8
    x, info = cg(xb, b, rtol=1e-10, maxiter=200)
    assert info == 0
    assert np.linalg.norm(x - x_true) <= tol * np.linalg.norm(x_true)


def test_tile_seed_is_block_indexed():
    s = tile_seed(5, 2, 3)
    assert s.entropy == 5 and s.spawn_key == (2, 3)
    root = np.random.SeedSequence(9).spawn(1)[0]
    assert tile_seed(root, 0, 1).spawn_key == root.spawn_key + (0, 1)
    with pytest.raises(TypeError, match="rng must be an int or a SeedSequence"):
        tile_seed(np.random.default_rng(0), 0, 0)
    with pytest.raises(ValueError, match="i must be >= 0"):
        tile_seed(5, -1, 0)


def test_validation(client2):
    A = np.ones((10, 10))
    with pytest.raises(TypeError, match="client must be a distributed.Client"):
        DistributedCrossbar(A, object(), tile_shape=(5, 5))
    with pytest.raises(ValueError, match="tile_shape is required"):
        DistributedCrossbar(A, client2)
    with pytest.raises(ValueError, match="tile_shape must be a pair of positive ints"):
        DistributedCrossbar(A, client2, tile_shape=(0, 5))
    with pytest.raises(ValueError, match="A must have ndim"):
        DistributedCrossbar(np.ones(3), client2, tile_shape=(5, 5))
    with pytest.raises(TypeError, match="dtype must be float32 or float64"):
        DistributedCrossbar(A, client2, tile_shape=(5, 5), dtype=np.int64)
    xb = DistributedCrossbar(A, client2, tile_shape=(5, 5), device="ideal", rng=0)
    before = xb.read()
    with pytest.raises(ValueError, match="u must"):
        xb.rank1_update(np.ones(9), np.ones(10))
    with pytest.raises(ValueError, match=r"pulses on the busiest device of tile \(0, 0\)"):
        xb.rank1_update(np.ones(10), np.ones(10), 1e9)
    with pytest.raises(ValueError, match="mode must be one of"):
        xb.rank1_update(np.ones(10), np.ones(10), mode="fast")
    with pytest.raises(TypeError, match="real vectors only"):
        xb.matvec(np.ones(10, dtype=complex))
    np.testing.assert_array_equal(xb.read(), before)
    assert "5x5" not in repr(xb) and "2x2 tiles" in repr(xb)


def test_import_without_dask_names_the_extra(monkeypatch, client2):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"analoglinalg\[dask\]"):
        DistributedCrossbar(np.ones((4, 4)), client2, tile_shape=(2, 2))
