"""Frequent Directions: the deterministic guarantee for every k < l and any row order."""

import numpy as np
import pytest

from analoglinalg.streaming import FrequentDirections


def _matrix(seed=0, n=600, d=40):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, d)) * (0.85 ** np.arange(d))) @ np.linalg.qr(
        rng.standard_normal((d, d)))[0]


def _check_guarantee(A, B, ell):
    gap = A.T @ A - B.T @ B
    fro2 = np.linalg.norm(A, "fro") ** 2
    assert np.linalg.eigvalsh(gap).min() >= -1e-10 * fro2
    norm_gap = np.linalg.norm(gap, 2)
    tail = np.cumsum((np.linalg.svd(A, compute_uv=False) ** 2)[::-1])[::-1]
    for k in range(ell):
        assert norm_gap <= tail[k] / (ell - k) + 1e-10 * fro2, k


ORDERS = ["given", "reversed", "random", "norm_ascending", "norm_descending"]


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("ell", [5, 12])
def test_guarantee_holds_for_every_k_and_row_order(order, ell):
    A = _matrix()
    idx = {"given": np.arange(A.shape[0]), "reversed": np.arange(A.shape[0])[::-1],
           "random": np.random.default_rng(1).permutation(A.shape[0]),
           "norm_ascending": np.argsort(np.linalg.norm(A, axis=1)),
           "norm_descending": np.argsort(np.linalg.norm(A, axis=1))[::-1]}[order]
    A = A[idx]
    fd = FrequentDirections(ell).fit(A)
    _check_guarantee(A, fd.sketch_, ell)
    assert np.linalg.norm(A.T @ A - fd.sketch_.T @ fd.sketch_, 2) <= fd.shrinkage_ * (1 + 1e-9)


def test_chunking_does_not_change_the_sketch():
    A = _matrix(2)
    full = FrequentDirections(8).fit(A)
    part = FrequentDirections(8)
    for chunk in np.array_split(A, [1, 50, 51, 333]):
        part.partial_fit(chunk)
    np.testing.assert_allclose(part.sketch_, full.sketch_, atol=1e-10)
    assert part.n_samples_seen_ == A.shape[0]


def test_merged_sketch_satisfies_guarantee_for_union():
    A1, A2 = _matrix(3, n=300), _matrix(4, n=250)
    fd = FrequentDirections(10).fit(A1).merge(FrequentDirections(10).fit(A2))
    _check_guarantee(np.vstack([A1, A2]), fd.sketch_, 10)
    assert fd.n_samples_seen_ == 550


def test_exact_when_rank_fits_and_transform():
    rng = np.random.default_rng(5)
    A = rng.standard_normal((100, 4)) @ rng.standard_normal((4, 20))
    fd = FrequentDirections(6, n_components=4).fit(A)
    np.testing.assert_allclose(fd.sketch_.T @ fd.sketch_, A.T @ A, atol=1e-9)
    np.testing.assert_allclose(fd.singular_values_, np.linalg.svd(A, compute_uv=False)[:4])
    np.testing.assert_allclose(np.abs(fd.transform(A)), np.abs(A @ fd.components_.T))


def test_bad_parameters_and_merge():
    with pytest.raises(ValueError, match="sketch_size"):
        FrequentDirections(0).fit(np.ones((3, 2)))
    a = FrequentDirections(4).fit(np.ones((10, 3)))
    with pytest.raises(ValueError, match="cannot merge"):
        a.merge(FrequentDirections(5).fit(np.ones((10, 3))))
