"""randomized_eigh (Nystrom) on the digital path."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.sparse.linalg import aslinearoperator

from analoglinalg.sketch import randomized_eigh


def _psd(n, spectrum, seed):
    V = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))[0]
    return (V * spectrum) @ V.T


def test_exact_for_low_rank():
    # A PSD matrix of rank <= l - 1 is reproduced exactly (numerics.md S6).
    G = np.random.default_rng(0).standard_normal((120, 5))
    A = G @ G.T
    w, V = randomized_eigh(A, 5, n_oversamples=3, rng=1)
    ref = np.linalg.eigh(A)
    assert_allclose(w, ref[0][::-1][:5], rtol=1e-10)
    assert np.linalg.norm(A - (V * w) @ V.T) <= 1e-11 * np.linalg.norm(A)
    assert_allclose(V.T @ V, np.eye(5), atol=1e-12)


def test_output_psd_and_operator_equals_array():
    A = _psd(80, np.logspace(0, -3, 80), 2)
    w, V = randomized_eigh(A, 10, rng=3)
    assert np.all(w >= 0) and np.all(np.diff(w) <= 0)
    w2, V2 = randomized_eigh(aslinearoperator(A), 10, rng=3)
    assert_allclose(w, w2, rtol=1e-12)
    assert_allclose(V, V2, atol=1e-10)


@pytest.mark.parametrize("spectrum", ["poly", "exp"])
def test_schatten1_bound_in_expectation(spectrum, make_tropp):
    # Tropp et al. 2017: E||A - [A_nys]_r||_* <= (1 + r/(l - r - 1)) ||A - [A]_r||_*.
    n, r, l = 150, 10, 20
    kw = {"p": 1.0} if spectrum == "poly" else {"q": 0.01}
    lam = np.diag(make_tropp(spectrum, n, None, **kw))
    A = _psd(n, lam, 4)
    bound = (1 + r / (l - r - 1)) * lam[r:].sum()
    errs = []
    for seed in range(30):
        w, V = randomized_eigh(A, r, n_oversamples=l - r, rng=seed)
        errs.append(np.abs(np.linalg.eigvalsh(A - (V * w) @ V.T)).sum())
    assert lam[r:].sum() <= np.mean(errs) <= bound


@pytest.mark.parametrize(
    ("A", "k", "match"),
    [
        (np.ones((4, 5)), 1, "A must be a square 2-D matrix"),
        (np.triu(np.ones((4, 4))), 1, "A must be symmetric"),
        (np.eye(4), 5, r"n_components must be <= A.shape\[0\] = 4"),
        (np.eye(4), 0, "n_components must be >= 1"),
        (np.full((3, 3), np.nan), 1, "A must be finite"),
    ],
)
def test_bad_inputs(A, k, match):
    with pytest.raises(ValueError, match=match):
        randomized_eigh(A, k)
