"""AnalogSketch on the digital path: distribution, operator identities, validation."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from analoglinalg.sketch import AnalogSketch


@pytest.mark.parametrize("distribution", ["gaussian", "rademacher"])
def test_isotropic_and_adjoint(distribution):
    S = AnalogSketch(50, 400, distribution=distribution, device=None, rng=0)
    M = S.values()
    # E[S.T S] = I: each diagonal entry is a mean of 400 unit-variance terms (sd 0.07 for
    # Gaussian, exactly 1 for Rademacher), off-diagonals have sd 0.05.
    G = M.T @ M
    assert np.abs(np.diag(G) - 1).max() < 5 * np.sqrt(2 / 400)
    assert np.abs(G - np.diag(np.diag(G))).max() < 5 / np.sqrt(400)
    if distribution == "rademacher":
        assert_allclose(np.abs(M), 1 / np.sqrt(400))
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal(50), rng.standard_normal(400)
    assert_allclose(y @ (S @ x), (S.H @ y) @ x, rtol=1e-12)
    X = rng.standard_normal((7, 50))
    assert_allclose(S.transform(X), X @ M.T, rtol=1e-12)


def test_seeded_and_cost_none():
    a = AnalogSketch(10, 4, device=None, rng=3).values()
    b = AnalogSketch(10, 4, device=None, rng=3).values()
    assert np.array_equal(a, b)
    assert AnalogSketch(10, 4, device=None).cost is None


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [
        ((0, 3), {}, ValueError, "n_features must be >= 1"),
        ((3, 0), {}, ValueError, "sketch_size must be >= 1"),
        ((3, 2), {"distribution": "sparse"}, ValueError, "distribution must be one of"),
        ((3, 2), {"device": None, "periphery": object()}, ValueError, "periphery was given"),
    ],
)
def test_bad_parameters(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        AnalogSketch(*args, **kwargs)


def test_transform_checks_shape():
    S = AnalogSketch(5, 3, device=None, rng=0)
    with pytest.raises(ValueError, match=r"X must have shape \('\*', 5\)"):
        S.transform(np.ones((2, 4)))
