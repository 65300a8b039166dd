"""randomized_range_finder / randomized_svd on the digital path."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.sparse.linalg import aslinearoperator
from sklearn.utils.extmath import randomized_range_finder as sk_range_finder
from sklearn.utils.extmath import randomized_svd as sk_randomized_svd

from analoglinalg.sketch import randomized_range_finder, randomized_svd


def _low_rank_plus_noise(shape, rank, noise, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((shape[0], rank)) @ rng.standard_normal((rank, shape[1]))
    return A + noise * rng.standard_normal(shape)


@pytest.mark.parametrize("shape", [(120, 80), (80, 120)])
@pytest.mark.parametrize("n_iter", [0, 1, 2, "auto"])
@pytest.mark.parametrize("normalizer", ["auto", "QR", "LU", "none"])
def test_equals_sklearn_given_same_test_matrix(shape, n_iter, normalizer, fixed_normal):
    A = _low_rank_plus_noise(shape, 15, 1e-2, 0)
    ours = randomized_svd(A, 8, n_iter=n_iter, power_iteration_normalizer=normalizer, rng=7)
    ref = sk_randomized_svd(A, 8, n_iter=n_iter, power_iteration_normalizer=normalizer,
                            random_state=fixed_normal(7))
    for a, b in zip(ours, ref, strict=True):
        assert_allclose(a, b, rtol=1e-12, atol=1e-12 * np.abs(b).max())


@pytest.mark.parametrize("flip_sign", [True, False])
@pytest.mark.parametrize("transpose", [True, False])
def test_equals_sklearn_options(flip_sign, transpose, fixed_normal):
    A = _low_rank_plus_noise((90, 70), 12, 1e-3, 1)
    ours = randomized_svd(A, 5, n_oversamples=4, n_iter=3, flip_sign=flip_sign,
                          transpose=transpose, rng=3)
    ref = sk_randomized_svd(A, 5, n_oversamples=4, n_iter=3, flip_sign=flip_sign,
                            transpose=transpose, random_state=fixed_normal(3))
    for a, b in zip(ours, ref, strict=True):
        assert_allclose(a, b, rtol=1e-12, atol=1e-12 * np.abs(b).max())


def test_float32_and_sparse_follow_sklearn(fixed_normal):
    A = _low_rank_plus_noise((100, 60), 10, 1e-2, 2)
    ours = randomized_svd(A.astype(np.float32), 4, rng=1)
    ref = sk_randomized_svd(A.astype(np.float32), 4, random_state=fixed_normal(1))
    assert ours[0].dtype == ref[0].dtype == np.float32
    for a, b in zip(ours, ref, strict=True):
        assert_allclose(a, b, rtol=1e-5, atol=1e-5 * np.abs(b).max())
    As = sp.random(200, 150, density=0.05, random_state=0, format="csr")
    ours = randomized_svd(As, 6, rng=4)
    ref = sk_randomized_svd(As, 6, random_state=fixed_normal(4))
    for a, b in zip(ours, ref, strict=True):
        assert_allclose(a, b, rtol=1e-10, atol=1e-10 * np.abs(b).max())


def test_range_finder_equals_sklearn(fixed_normal):
    A = _low_rank_plus_noise((70, 50), 9, 1e-2, 5)
    Q = randomized_range_finder(A, 12, n_iter=4, rng=11)
    Q_ref = sk_range_finder(A, size=12, n_iter=4, random_state=fixed_normal(11))
    assert_allclose(Q, Q_ref, rtol=1e-12, atol=1e-13)


def test_linear_operator_matches_ndarray():
    A = _low_rank_plus_noise((110, 90), 10, 1e-2, 6)
    dense = randomized_svd(A, 6, n_iter=3, rng=2)
    op = randomized_svd(aslinearoperator(A), 6, n_iter=3, rng=2)
    for a, b in zip(dense, op, strict=True):
        assert_allclose(a, b, rtol=1e-10, atol=1e-10 * np.abs(b).max())
    wide = randomized_svd(aslinearoperator(A.T), 6, n_iter=3, rng=2)
    ref = randomized_svd(A.T, 6, n_iter=3, rng=2)
    for a, b in zip(wide, ref, strict=True):
        assert_allclose(a, b, rtol=1e-10, atol=1e-10 * np.abs(b).max())


def test_same_seed_bit_identical_and_cost_none():
    A = _low_rank_plus_noise((60, 40), 5, 1e-2, 8)
    first = randomized_svd(A, 3, rng=np.random.default_rng(9), return_cost=True)
    second = randomized_svd(A, 3, rng=np.random.default_rng(9), return_cost=True)
    for a, b in zip(first[:3], second[:3], strict=True):
        assert_array_equal(a, b)
    assert first[3] is None


def test_exact_low_rank_recovered():
    # HMT: for rank(A) <= k + p the range finder captures the range exactly (R4).
    A = _low_rank_plus_noise((150, 100), 5, 0.0, 10)
    U, s, Vt = randomized_svd(A, 5, n_iter=0, rng=0)
    assert np.linalg.norm(A - (U * s) @ Vt) <= 1e-13 * np.linalg.norm(A)


@pytest.mark.parametrize(("family", "kw"), [("poly", {"p": 0.5}), ("poly", {"p": 1.0}),
                                            ("exp", {"q": 0.01})])
def test_hmt_bounds_in_expectation(family, kw, make_tropp):
    # HMT Thm 10.5 (Frobenius) and Thm 10.6 (spectral) for q = 0; Monte Carlo mean over 30
    # seeds must stay below the expectation bound (numerics.md 5.7 measured 0.6-0.8 and 0.1-0.3
    # of the bound at n = 1000; the mean's standard error is a few % of it).
    n, k, p = 150, 10, 6
    A = make_tropp(family, n, None, **kw)
    sigma = np.diag(A)
    tail_f = np.sqrt(np.sum(sigma[k:] ** 2))
    bound_f = np.sqrt(1 + k / (p - 1)) * tail_f
    bound_2 = (1 + np.sqrt(k / (p - 1))) * sigma[k] + np.e * np.sqrt(k + p) / p * tail_f
    err_f, err_2 = [], []
    for seed in range(30):
        Q = randomized_range_finder(A, k + p, n_iter=0, rng=seed)
        E = A - Q @ (Q.T @ A)
        err_f.append(np.linalg.norm(E))
        err_2.append(np.linalg.norm(E, 2))
    assert np.mean(err_f) <= bound_f
    assert np.mean(err_2) <= bound_2
    assert min(err_2) >= sigma[k + p] * (1 - 1e-12)  # Eckart-Young: rank k+p is the floor


def test_normalisation_avoids_unnormalised_failure(make_tropp):
    # numerics.md 5.1: ExpDecayFast with n_iter=2 and no normalisation loses the tail
    # directions (error ~100x optimal); QR after every pass stays optimal.
    # Rotated (dense) so that rounding in the products is not structurally zero.
    rng = np.random.default_rng(0)
    sigma = np.diag(make_tropp("exp", 200, None, q=0.5))
    U0 = np.linalg.qr(rng.standard_normal((300, 200)))[0]
    V0 = np.linalg.qr(rng.standard_normal((200, 200)))[0]
    A = (U0 * sigma) @ V0.T
    k = 20
    opt = sigma[k]
    U, s, Vt = randomized_svd(A, k, n_iter=2, power_iteration_normalizer="QR", rng=0)
    assert np.linalg.norm(A - (U * s) @ Vt, 2) <= 1.01 * opt
    U, s, Vt = randomized_svd(A, k, n_iter=2, power_iteration_normalizer="none", rng=0)
    assert np.linalg.norm(A - (U * s) @ Vt, 2) > 10 * opt


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n_components": 0}, ValueError, "n_components must be >= 1"),
        ({"n_components": 41}, ValueError, r"n_components must be <= min\(A.shape\) = 40"),
        ({"n_components": 2.5}, TypeError, "n_components must be"),
        ({"n_oversamples": -1}, ValueError, "n_oversamples must be >= 0"),
        ({"n_iter": -1}, ValueError, "n_iter must be >= 0"),
        ({"n_iter": "many"}, ValueError, "n_iter must be one of 'auto'"),
        ({"power_iteration_normalizer": "SVD"}, ValueError, "power_iteration_normalizer"),
        ({"transpose": "yes"}, ValueError, "transpose must be one of"),
        ({"periphery": object()}, ValueError, "periphery was given without device"),
    ],
)
def test_bad_parameters(kwargs, exc, match):
    A = np.ones((50, 40))
    args = {"n_components": 3, **kwargs}
    with pytest.raises(exc, match=match):
        randomized_svd(A, args.pop("n_components"), **args)


@pytest.mark.parametrize(
    ("A", "exc", "match"),
    [
        (np.full((5, 4), np.nan), ValueError, "A must be finite"),
        (np.ones(5), ValueError, "A must have ndim"),
        (np.ones((2, 3, 4)), ValueError, "A must have ndim"),
        (np.ones((5, 4), dtype=complex), TypeError, "A must be real"),
        (sp.csr_array(np.array([[1.0, np.inf], [0.0, 1.0]])), ValueError, "A must be finite"),
    ],
)
def test_bad_matrices(A, exc, match):
    with pytest.raises(exc, match=match):
        randomized_svd(A, 1)


def test_device_with_operator_refused():
    with pytest.raises(ValueError, match="device and periphery apply only when A is an array"):
        randomized_svd(aslinearoperator(np.eye(4)), 1, device="ideal")


def test_range_finder_bad_inputs():
    with pytest.raises(ValueError, match="size must be >= 1"):
        randomized_range_finder(np.eye(4), 0, n_iter=1)
    with pytest.raises(ValueError, match="power_iteration_normalizer"):
        randomized_range_finder(np.eye(4), 2, n_iter=1, power_iteration_normalizer="qr")
    with pytest.raises(TypeError, match="n_iter must be"):
        randomized_range_finder(np.eye(4), 2, n_iter="auto")
