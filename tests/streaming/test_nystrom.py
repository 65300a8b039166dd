"""NystromSketch: PSD output, exactness, and the nuclear-norm bound of Tropp et al. (2017)."""

import numpy as np
import pytest

from analoglinalg.streaming import NystromSketch


def _psd(n=80, seed=0, decay=1.0):
    Q = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))[0]
    lam = np.arange(1, n + 1, dtype=float) ** -decay
    return (Q * lam) @ Q.T, lam


def test_output_is_psd_and_updates_are_linear():
    A, _ = _psd()
    H, _ = _psd(seed=1)
    sk = NystromSketch(80, 12, rng=0).update(A, eta=2.0).update(H, theta=0.5, eta=1.0)
    np.testing.assert_allclose(sk.Y, (A + H) @ sk.Omega, rtol=1e-12, atol=1e-12)
    lam = np.linalg.eigvalsh(sk.reconstruct())
    assert lam.min() >= -1e-12 * lam.max()


def test_exact_for_rank_below_k():
    G = np.random.default_rng(2).standard_normal((60, 5))
    sk = NystromSketch(60, 8, rng=3).update(G @ G.T)
    A = G @ G.T
    assert np.linalg.norm(sk.reconstruct(5) - A) <= 1e-10 * np.linalg.norm(A)


@pytest.mark.parametrize("decay", [0.5, 1.0])
def test_nuclear_norm_bound_on_average(decay):
    A, lam = _psd(decay=decay)
    r, k = 5, 12
    bound = (1 + r / (k - r - 1)) * lam[r:].sum()
    errs = [np.linalg.norm(A - NystromSketch(80, k, rng=s).update(A).reconstruct(r), "nuc")
            for s in range(20)]
    assert np.mean(errs) <= bound


def test_not_psd_is_reported():
    with pytest.raises(ValueError, match="not PSD"):
        NystromSketch(10, 3, rng=0).update(-np.eye(10)).factors()
