"""Sketch-and-solve and sketch-and-precondition least squares on the digital path."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from analoglinalg._lib._warnings import ConvergenceWarning
from analoglinalg.sketch import AnalogSketch, sketch_lstsq, sketch_precondition_lstsq


def _problem(m, n, cond_exp, noise, seed):
    # numerics.md 5.4: A = U diag(logspace(0, -cond_exp, n)) V.T, b = A x + noise.
    rng = np.random.default_rng(seed)
    U = np.linalg.qr(rng.standard_normal((m, n)))[0]
    V = np.linalg.qr(rng.standard_normal((n, n)))[0]
    A = (U * np.logspace(0, -cond_exp, n)) @ V.T
    b = A @ rng.standard_normal(n) + noise * rng.standard_normal(m)
    return A, b


@pytest.mark.parametrize("d", [40, 80])
def test_sketch_and_solve_residual_inflation(d):
    # Gaussian S: E||A x_s - b||^2 / ||A x_* - b||^2 = 1 + n/(d - n - 1) exactly.
    m, n, trials = 1000, 20, 200
    A, b = _problem(m, n, 2, 1.0, 0)
    x_star = np.linalg.lstsq(A, b, rcond=None)[0]
    r_star = np.linalg.norm(A @ x_star - b) ** 2
    ratios = np.array([np.linalg.norm(A @ sketch_lstsq(A, b, sketch_size=d, rng=s) - b) ** 2
                       for s in range(trials)]) / r_star
    predicted = 1 + n / (d - n - 1)
    stderr = ratios.std(ddof=1) / np.sqrt(trials)
    assert abs(ratios.mean() - predicted) <= 4 * stderr


def _check_precondition(m, n, factor, max_its, preconditioner):
    # numerics.md 2.5 / check L2: kappa(A R^-1) within 1.2x of (1+sqrt(n/d))/(1-sqrt(n/d)),
    # <= 100 (d = 2n) / 60 (d = 4n) LSQR iterations to 1e-12 on kappa(A) = 1e8 (measured 83
    # and 46 there), residual excess <= 1e-9. kappa(A R^-1) depends on n/d only, so the
    # iteration limits hold at any m >> n.
    A, b = _problem(m, n, 8, 1e-6, 1)
    d = factor * n
    S = AnalogSketch(m, d, device=None, rng=2)
    res = sketch_precondition_lstsq(A, b, sketch=S, preconditioner=preconditioner)
    R = np.linalg.qr(S.values() @ A, mode="r")
    kappa = np.linalg.cond(np.linalg.solve(R.T, A.T).T)
    ratio = np.sqrt(n / d)
    assert kappa <= 1.2 * (1 + ratio) / (1 - ratio)
    assert res.success and res.nit <= max_its
    x_ls = np.linalg.lstsq(A, b, rcond=None)[0]
    r_ls = np.linalg.norm(A @ x_ls - b)
    assert res.rnorm / r_ls - 1 <= 1e-9
    assert_allclose(res.x0, np.linalg.lstsq(S.values() @ A, S.values() @ b, rcond=None)[0],
                    rtol=1e-6)
    assert res.cost is None


@pytest.mark.parametrize(("factor", "max_its", "preconditioner"),
                         [(2, 100, "qr"), (4, 60, "qr"), (4, 60, "svd")])
def test_precondition_iterations_and_accuracy(factor, max_its, preconditioner):
    _check_precondition(4000, 100, factor, max_its, preconditioner)


@pytest.mark.slow
@pytest.mark.parametrize(("factor", "max_its"), [(2, 100), (4, 60)])
@pytest.mark.parametrize("preconditioner", ["qr", "svd"])
def test_precondition_numerics_problem(factor, max_its, preconditioner):
    # The 20000 x 200 problem of numerics.md 5.4 itself.
    _check_precondition(20000, 200, factor, max_its, preconditioner)


def test_refinement_and_rank_deficient_svd_preconditioner():
    rng = np.random.default_rng(3)
    B = rng.standard_normal((500, 10))
    A = np.column_stack([B, B[:, :3]])
    b = rng.standard_normal(500)
    res = sketch_precondition_lstsq(A, b, preconditioner="svd", n_refine=1, rng=4)
    r_ls = np.linalg.norm(A @ np.linalg.lstsq(A, b, rcond=None)[0] - b)
    assert res.rank == 10 and len(res.nit_per_round) == 2
    assert res.rnorm <= r_ls * (1 + 1e-12)
    with pytest.raises(np.linalg.LinAlgError, match="rank deficient"):
        sketch_precondition_lstsq(np.column_stack([B, np.zeros(500)]), b, rng=4)


def test_sparse_input_and_iteration_limit_warns():
    A = sp.random(400, 20, density=0.3, random_state=0, format="csr") + sp.eye(400, 20)
    b = np.random.default_rng(0).standard_normal(400)
    x_ref = np.linalg.lstsq(A.toarray(), b, rcond=None)[0]
    res = sketch_precondition_lstsq(A, b, rng=1)
    assert_allclose(res.x, x_ref, rtol=1e-8)
    with pytest.warns(ConvergenceWarning, match="iteration limit 1"):
        res = sketch_precondition_lstsq(A, b, rng=1, maxiter=1, atol=0, btol=0)
    assert not res.success


@pytest.mark.parametrize(
    ("A", "b", "kwargs", "exc", "match"),
    [
        (np.ones((3, 5)), np.ones(3), {}, ValueError, "at least as many rows as columns"),
        (np.ones((6, 2)), np.ones(5), {}, ValueError, "b must have length 6"),
        (np.full((6, 2), np.nan), np.ones(6), {}, ValueError, "A must be finite"),
        (np.eye(6, 3), np.ones(6), {"sketch_size": 2}, ValueError, "sketch_size must be >= 3"),
        (np.eye(6, 3), np.ones(6), {"sketch": np.eye(4, 6)}, TypeError, "AnalogSketch"),
        (np.eye(6, 3), np.ones(6), {"sketch": AnalogSketch(5, 4, device=None)}, ValueError,
         "sketch must have 6 columns"),
        (np.eye(6, 3), np.ones(6), {"sketch": AnalogSketch(6, 4, device=None), "sketch_size": 4},
         ValueError, "must be None when sketch is given"),
    ],
)
def test_bad_inputs(A, b, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        sketch_lstsq(A, b, **kwargs)


def test_bad_precondition_options():
    A, b = np.eye(6, 3), np.ones(6)
    with pytest.raises(ValueError, match="preconditioner must be one of"):
        sketch_precondition_lstsq(A, b, preconditioner="lu")
    with pytest.raises(ValueError, match="n_refine must be >= 0"):
        sketch_precondition_lstsq(A, b, n_refine=-1)
