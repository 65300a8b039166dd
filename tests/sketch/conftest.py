"""Shared references for the sketch tests: scikit-learn with our random draws, Tropp matrices."""

import numpy as np
import pytest


class FixedNormal(np.random.RandomState):
    """A RandomState whose ``normal`` draws from ``default_rng(seed).standard_normal``.

    scikit-learn's randomized SVD takes its Gaussian test matrix from ``random_state.normal``;
    ours takes it from ``Generator.standard_normal``. Handing this object to scikit-learn
    makes both algorithms start from the very same test matrix.
    """

    def __init__(self, seed):
        super().__init__(0)
        self._generator = np.random.default_rng(seed)

    def normal(self, loc=0.0, scale=1.0, size=None):
        return loc + scale * self._generator.standard_normal(size)


def tropp_spectrum(family, n, R=10, xi=1e-2, p=1.0, q=0.1):
    """Singular values of the diagonal test matrices of Tropp et al. (numerics.md 3.3)."""
    head = np.ones(R)
    if family == "poly":
        tail = np.arange(2, n - R + 2, dtype=float) ** (-p)
    elif family == "exp":
        tail = 10.0 ** (-q * np.arange(1, n - R + 1))
    else:
        raise ValueError(family)
    return np.concatenate([head, tail])


def tropp_matrix(family, n, rng, R=10, xi=1e-2, p=1.0, q=0.1):
    """Dense n x n Tropp matrix; LowRank + noise uses real Wishart noise ``(xi/n) G G.T``."""
    if family == "lowrank":
        G = rng.standard_normal((n, n))
        return np.diag(np.r_[np.ones(R), np.zeros(n - R)]) + (xi / n) * (G @ G.T)
    return np.diag(tropp_spectrum(family, n, R=R, p=p, q=q))


@pytest.fixture
def fixed_normal():
    return FixedNormal


@pytest.fixture
def make_tropp():
    return tropp_matrix
