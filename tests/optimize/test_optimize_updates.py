"""Float64 checks of the rank-1 forms of the quasi-Newton updates against textbook formulas."""

import numpy as np
import pytest

from analoglinalg.optimize._line_search import _strong_wolfe
from analoglinalg.optimize._updates import (
    _apply_dense,
    _bfgs_terms,
    _broyden_bad_terms,
    _broyden_good_terms,
    _damp_bfgs,
    _dfp_terms,
    _sr1_terms,
)


def _spd(n, rng):
    X = rng.standard_normal((n, n))
    return X @ X.T + n * np.eye(n)


@pytest.fixture
def pair():
    rng = np.random.default_rng(0)
    n = 7
    H = np.linalg.inv(_spd(n, rng))
    s = rng.standard_normal(n)
    B = _spd(n, rng)
    y = B @ s  # y = B s with B SPD guarantees y^T s > 0
    return H, s, y


def test_bfgs_matches_textbook_product_form(pair):
    H, s, y = pair
    rho = 1.0 / (y @ s)
    I = np.eye(len(s))
    textbook = (I - rho * np.outer(s, y)) @ H @ (I - rho * np.outer(y, s)) + rho * np.outer(s, s)
    H_new = _apply_dense(H, _bfgs_terms(s, y, H @ y))
    np.testing.assert_allclose(H_new, textbook, rtol=0, atol=1e-12 * np.abs(textbook).max())


def test_bfgs_symmetry_secant_and_positive_definiteness(pair):
    H, s, y = pair
    H_new = _apply_dense(H, _bfgs_terms(s, y, H @ y))
    scale = np.abs(H_new).max()
    np.testing.assert_allclose(H_new, H_new.T, rtol=0, atol=1e-14 * scale)
    np.testing.assert_allclose(H_new @ y, s, rtol=0, atol=1e-12 * np.linalg.norm(s))
    assert np.linalg.eigvalsh(H_new).min() > 0


def test_dfp_matches_textbook(pair):
    H, s, y = pair
    Hy = H @ y
    textbook = H - np.outer(Hy, Hy) / (y @ Hy) + np.outer(s, s) / (y @ s)
    H_new = _apply_dense(H, _dfp_terms(s, y, Hy))
    np.testing.assert_allclose(H_new, textbook, rtol=0, atol=1e-12 * np.abs(textbook).max())
    np.testing.assert_allclose(H_new @ y, s, rtol=0, atol=1e-12 * np.linalg.norm(s))


def test_sr1_is_the_inverse_of_the_direct_sr1_update(pair):
    H, s, y = pair
    B = np.linalg.inv(H)
    v = y - B @ s
    B_new = B + np.outer(v, v) / (v @ s)  # direct SR1 (Nocedal & Wright eq. 6.24)
    H_new = _apply_dense(H, _sr1_terms(s, y, H @ y))
    np.testing.assert_allclose(H_new @ B_new, np.eye(len(s)), rtol=0, atol=1e-9)
    np.testing.assert_allclose(H_new @ y, s, rtol=0, atol=1e-12 * np.linalg.norm(s))


def test_broyden_good_is_inverse_of_jacobian_update():
    rng = np.random.default_rng(1)
    n = 6
    Jm = rng.standard_normal((n, n)) + n * np.eye(n)
    H = np.linalg.inv(Jm)
    s, y = rng.standard_normal(n), rng.standard_normal(n)
    J_new = Jm + np.outer(y - Jm @ s, s) / (s @ s)  # Broyden's first update of J
    H_new = _apply_dense(H, _broyden_good_terms(s, y, H @ y, H.T @ s))
    np.testing.assert_allclose(H_new, np.linalg.inv(J_new), rtol=0, atol=1e-10)
    H_bad = _apply_dense(H, _broyden_bad_terms(s, y, H @ y))
    np.testing.assert_allclose(H_bad @ y, s, rtol=0, atol=1e-12 * np.linalg.norm(s))


def test_damping_restores_curvature(pair):
    H, s, y = pair
    s_bad = -s  # negative curvature pair
    s_d, theta = _damp_bfgs(s_bad, y, H @ y)
    assert 0 <= theta < 1
    np.testing.assert_allclose(s_d @ y, 0.2 * (y @ H @ y), rtol=1e-12)
    H_new = _apply_dense(H, _bfgs_terms(s_d, y, H @ y))
    assert np.linalg.eigvalsh(0.5 * (H_new + H_new.T)).min() > 0


@pytest.mark.parametrize("alpha1", [1e-3, 1.0, 50.0])
def test_line_search_satisfies_strong_wolfe(alpha1):
    from scipy.optimize import rosen, rosen_der

    x = np.array([-1.2, 1.0, 0.5])
    g = rosen_der(x)
    p = -g
    c1, c2 = 1e-4, 0.9

    def phi(a):
        return rosen(x + a * p), rosen_der(x + a * p) @ p

    alpha, fa, da = _strong_wolfe(phi, rosen(x), g @ p, alpha1, c1=c1, c2=c2)
    assert alpha is not None
    assert fa <= rosen(x) + c1 * alpha * (g @ p)
    assert abs(da) <= -c2 * (g @ p)


def test_line_search_survives_non_finite_values():
    def phi(a):
        if a > 0.5:
            return np.inf, np.nan
        return (a - 0.3) ** 2, 2 * (a - 0.3)

    alpha, fa, da = _strong_wolfe(phi, 0.09, -0.6, 1.0)
    assert alpha is not None and alpha <= 0.5
    assert abs(da) <= 0.9 * 0.6
