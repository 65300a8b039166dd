"""The LinearOperator checklist (numerics.md section 1.4) on an ideal crossbar."""

import numpy as np
import pytest
from scipy.sparse.linalg import LinearOperator, aslinearoperator

from analoglinalg import Crossbar

# float32 weights and inputs: a read carries ~sqrt(n) float32 roundings of each term.
RTOL = 1e-5


def close(a, b, ref_norm):
    np.testing.assert_allclose(a, b, rtol=0, atol=RTOL * ref_norm)


def test_protocol_attributes(ideal_pair):
    xb, _ = ideal_pair
    assert isinstance(xb, LinearOperator)
    assert xb.ndim == 2
    assert xb.shape == (7, 5) and all(isinstance(s, int) for s in xb.shape)
    assert xb.dtype == np.float64
    assert type(xb).__array_ufunc__ is None
    assert Crossbar((3, 4)).dtype == np.float32


def test_no_read_at_construction():
    xb = Crossbar((6, 4), rng=0)
    assert xb.cost.n_reads == 0 and xb.cost.n_macs == 0 and xb.cost.read_energy == 0
    ya = Crossbar.from_matrix(np.ones((6, 4)), device="ideal", rng=0)
    assert ya.cost.n_reads == 0 and ya.cost.n_macs == 0
    # write-verify reads the array, but those are verify reads, not operator reads
    yb = Crossbar.from_matrix(np.ones((6, 4)), device="protonic_psg_2022", rng=0)
    assert yb.cost.n_reads == 0 and yb.cost.n_macs == 0 and yb.cost.n_verify_reads > 0


def test_matvec_shapes_and_dtype(ideal_pair):
    xb, D = ideal_pair
    x = np.arange(1.0, 6.0)
    y = xb.matvec(x)
    assert y.shape == (7,) and y.dtype == np.float64
    close(y, D @ x, np.linalg.norm(D, 2) * np.linalg.norm(x))
    y2 = xb.matvec(x[:, None])
    assert y2.shape == (7, 1)
    np.testing.assert_array_equal(y2[:, 0], y)


@pytest.mark.parametrize("bad", [np.ones(6), np.ones((5, 2)), np.ones(4)])
def test_matvec_wrong_shape(ideal_pair, bad):
    xb, _ = ideal_pair
    with pytest.raises(ValueError):
        xb.matvec(bad)


def test_matmat_wrong_shape(ideal_pair):
    xb, _ = ideal_pair
    with pytest.raises(ValueError):
        xb.matmat(np.ones(5))
    with pytest.raises(ValueError):
        xb.matmat(np.ones((6, 2)))


def test_column_consistency_ideal(ideal_pair):
    xb, D = ideal_pair
    rng = np.random.default_rng(3)
    X = rng.standard_normal((5, 3)) * np.array([1.0, 1e-2, 1e2])
    Y = xb.matmat(X)
    for j in range(3):
        # float32 BLAS blocks matrix and vector products differently: equal to rounding.
        ref_norm = np.linalg.norm(D, 2) * np.linalg.norm(X[:, j])
        close(Y[:, j], xb.matvec(X[:, j]), ref_norm)
        close(Y[:, j], D @ X[:, j], ref_norm)


def test_column_consistency_realistic_periphery():
    """Noise management makes the error of each column scale with its norm, so columns of
    norms 1, 1e-2 and 1e2 in one matmat have the same relative-error distribution as single
    matvecs (and none is quantised to zero)."""
    rng = np.random.default_rng(4)
    A = rng.standard_normal((30, 20)) / np.sqrt(20)
    xb = Crossbar.from_matrix(A, device="protonic_psg_2022", dtype=np.float64, rng=5)
    R = xb.read()
    x = rng.standard_normal(20)
    norms = np.array([1.0, 1e-2, 1e2])
    X = x[:, None] * norms
    reps = 100
    err_mm = np.zeros((reps, 3))
    err_mv = np.zeros((reps, 3))
    for r in range(reps):
        Y = xb.matmat(X)
        for j in range(3):
            ref = R @ X[:, j]
            scale = np.linalg.norm(ref)
            err_mm[r, j] = np.sum((Y[:, j] - ref) ** 2) / scale**2
            err_mv[r, j] = np.sum((xb.matvec(X[:, j]) - ref) ** 2) / scale**2
    mm, mv = err_mm.mean(axis=0), err_mv.mean(axis=0)
    # Each mean is over 100*30 squared errors: relative spread sqrt(2/3000) ~ 2.6 %; the
    # ratios must agree within 6 of those standard errors (both of a ratio: x sqrt 2).
    tol = 6 * np.sqrt(2) * np.sqrt(2 / (reps * 30))
    assert np.all(np.abs(mm / mv - 1) < tol)
    assert np.all(np.abs(mm / mm[0] - 1) < tol)
    assert np.all(mm > 0) and np.all(np.sqrt(mm) < 0.2)


def test_linearity(ideal_pair):
    xb, D = ideal_pair
    rng = np.random.default_rng(6)
    x, y = rng.standard_normal((2, 5))
    a, b = 2.5, -0.75
    lhs = xb @ (a * x + b * y)
    rhs = a * (xb @ x) + b * (xb @ y)
    close(lhs, rhs, 4 * np.linalg.norm(D, 2) * (np.linalg.norm(x) + np.linalg.norm(y)))


def test_adjoint_identity(ideal_pair):
    xb, D = ideal_pair
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal(5), rng.standard_normal(7)
    bound = RTOL * np.linalg.norm(D, 2) * np.linalg.norm(x) * np.linalg.norm(y)
    assert abs((xb @ x) @ y - x @ (xb.H @ y)) <= bound
    ref = D.T @ y
    for value in (xb.rmatvec(y), xb.rmatmat(y[:, None])[:, 0], xb.H.matvec(y), y @ xb,
                  xb.T.matvec(y)):
        close(value, ref, np.linalg.norm(D, 2) * np.linalg.norm(y))
    with pytest.raises(TypeError):
        xb.matvec(x + 1j * x)


def test_dense_reconstruction(ideal_pair):
    xb, D = ideal_pair
    F = xb @ np.eye(5)
    G = (xb.H @ np.eye(7)).T
    close(F, D, np.abs(D).max())
    close(F, G, np.abs(D).max())


def test_composition(ideal_pair):
    xb, D = ideal_pair
    rng = np.random.default_rng(8)
    x, y = rng.standard_normal(5), rng.standard_normal(7)
    n2 = np.linalg.norm(D, 2)
    close((xb + xb) @ x, 2 * D @ x, 2 * n2 * np.linalg.norm(x))
    close((2 * xb) @ x, 2 * D @ x, 2 * n2 * np.linalg.norm(x))
    close((xb @ xb.H) @ y, D @ D.T @ y, 2 * n2**2 * np.linalg.norm(y))
    close(((xb.H @ xb) ** 2) @ x, np.linalg.matrix_power(D.T @ D, 2) @ x,
          4 * n2**4 * np.linalg.norm(x))
    close((xb / 2).H @ y, D.T @ y / 2, n2 * np.linalg.norm(y))


def test_aslinearoperator_identity(ideal_pair):
    xb, _ = ideal_pair
    assert aslinearoperator(xb) is xb


@pytest.mark.parametrize("op_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("x_dtype", [np.float32, np.float64])
def test_dtype_matrix(op_dtype, x_dtype):
    xb = Crossbar.from_matrix(np.eye(3), device="ideal", periphery="ideal", dtype=op_dtype,
                              rng=0)
    x = np.ones(3, dtype=x_dtype)
    assert xb.matvec(x).dtype == np.result_type(op_dtype, x_dtype)
    assert xb.matmat(np.ones((3, 2), dtype=x_dtype)).dtype == np.result_type(op_dtype, x_dtype)
    assert xb.rmatvec(x).dtype == np.result_type(op_dtype, x_dtype)


def test_determinism_bit_identical():
    A = np.random.default_rng(9).standard_normal((12, 9))
    x = np.random.default_rng(10).standard_normal(9)
    reads = []
    for _ in range(2):
        xb = Crossbar.from_matrix(A, rng=42)
        reads.append((xb @ x, xb.H @ np.ones(12), xb.matmat(np.ones((9, 3)))))
    for a, b in zip(*reads, strict=True):
        np.testing.assert_array_equal(a, b)
    xb = Crossbar.from_matrix(A, rng=43)
    assert not np.array_equal(xb @ x, reads[0][0])


def test_read_counters_exact(ideal_pair):
    xb, _ = ideal_pair
    xb.cost.reset()
    xb.matvec(np.ones(5))
    assert xb.cost.n_reads == 1
    xb.matmat(np.ones((5, 4)))
    assert xb.cost.n_reads == 5
    xb.rmatmat(np.ones((7, 3)))
    assert xb.cost.n_reads == 8
