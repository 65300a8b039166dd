"""Programming: per-column or whole-matrix digital scales."""

import numpy as np
import pytest

from analoglinalg import Crossbar


def test_column_scaling_false_uses_one_scale_and_reads_exactly():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((5, 4)) * np.array([1.0, 1e-2, 10.0, 0.5])
    xb = Crossbar.from_matrix(A, device="ideal", periphery="ideal", column_scaling=False,
                              rng=0)
    # one scale: the largest entry of the whole matrix maps to range_fraction of half range
    expected = np.abs(A).max() / (0.75 * xb.usable_range)
    np.testing.assert_allclose(xb.scale, expected, rtol=1e-15)
    x = rng.standard_normal(4)
    np.testing.assert_allclose(xb @ x, A @ x, rtol=1e-6, atol=1e-6 * np.abs(A).max())


def test_column_scaling_true_maps_each_column_max_to_the_same_state():
    A = np.diag([1.0, 0.01, 0.1])
    xb = Crossbar.from_matrix(A, device="ideal", periphery="ideal", rng=0)
    np.testing.assert_allclose(xb.scale, np.diag(A) / (0.75 * xb.usable_range), rtol=1e-15)


def test_column_scaling_must_be_bool():
    with pytest.raises(TypeError, match="column_scaling"):
        Crossbar.from_matrix(np.eye(2), device="ideal", column_scaling="no", rng=0)
