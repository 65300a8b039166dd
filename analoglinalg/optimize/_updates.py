"""Quasi-Newton updates written as sums of rank-1 terms.

Each ``_<method>_terms`` function returns a list of ``(alpha, u, v)`` so that the updated
matrix is ``H + sum(alpha * outer(u, v))``. The same list drives the pulse updates on a
crossbar and the float64 reference ``_apply_dense`` used by the formula tests.
"""

import numpy as np

__all__ = [
    "_apply_dense",
    "_bfgs_terms",
    "_dfp_terms",
    "_sr1_terms",
    "_broyden_good_terms",
    "_broyden_bad_terms",
    "_damp_bfgs",
]


def _apply_dense(H, terms):
    """Return ``H + sum(alpha * outer(u, v))`` in float64 (the digital reference)."""
    H = np.array(H, dtype=np.float64, copy=True)
    for alpha, u, v in terms:
        H += alpha * np.outer(u, v)
    return H


def _bfgs_terms(s, y, h):
    """Inverse BFGS update with ``h = H y`` as two rank-1 terms that do not cancel.

    ``H+ = H - rho (h s^T + s h^T) + (rho + rho^2 y^T h) s s^T`` with ``rho = 1/(y^T s)``
    (Nocedal & Wright 2006, eq. 6.17 expanded) equals, with the secant error ``r = s - h``,
    ``H + rho (s w^T + w s^T)`` with ``w = r - (rho y^T r / 2) s``. Both terms are of the
    size of the actual change (they vanish with ``r``), so a pulsed update errs by the
    devices' step spread times the change, not times ``H``.
    """
    rho = 1.0 / float(y @ s)
    r = s - h
    w = r - (0.5 * rho * float(y @ r)) * s
    return [(rho, s, w), (rho, w, s)]


def _dfp_terms(s, y, h):
    """Inverse DFP update ``H+ = H - h h^T / (y^T h) + s s^T / (y^T s)`` with ``h = H y``."""
    return [(-1.0 / float(y @ h), h, h), (1.0 / float(y @ s), s, s)]


def _sr1_terms(s, y, h):
    """Inverse SR1 update ``H+ = H + u u^T / (u^T y)`` with ``u = s - H y``."""
    u = s - h
    return [(1.0 / float(u @ y), u, u)]


def _broyden_good_terms(s, y, h, hts):
    """Inverse of Broyden's first ("good") Jacobian update (Sherman-Morrison form).

    ``H+ = H + (s - H y) (s^T H) / (s^T H y)`` with ``h = H y`` and ``hts = H^T s``.
    """
    return [(1.0 / float(s @ h), s - h, hts)]


def _broyden_bad_terms(s, y, h):
    """Broyden's second ("bad") inverse update ``H+ = H + (s - H y) y^T / (y^T y)``."""
    return [(1.0 / float(y @ y), s - h, y)]


def _damp_bfgs(s, y, h, threshold=0.2):
    """Powell-style damping written for the inverse update.

    Replaces ``s`` by ``theta s + (1 - theta) H y`` so that ``s^T y >= threshold y^T H y``
    (the dual of Powell's damping of ``y``, Nocedal & Wright 2006, Procedure 18.2).
    Returns ``(s_damped, theta)``.
    """
    sy, yhy = float(s @ y), float(y @ h)
    if sy >= threshold * yhy:
        return s, 1.0
    theta = (1.0 - threshold) * yhy / (yhy - sy)
    return theta * s + (1.0 - theta) * h, theta

