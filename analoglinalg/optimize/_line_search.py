"""Strong-Wolfe line search on the CPU (Nocedal & Wright, Algorithms 3.5 and 3.6)."""

import math

__all__ = ["_strong_wolfe"]


def _cubic_min(a, fa, da, b, fb, db):
    """Minimiser of the cubic through (a, fa, da), (b, fb, db), or None if it has none."""
    d1 = da + db - 3.0 * (fa - fb) / (a - b)
    rad = d1 * d1 - da * db
    if rad < 0.0:
        return None
    d2 = math.copysign(math.sqrt(rad), b - a)
    denom = db - da + 2.0 * d2
    if denom == 0.0:
        return None
    t = b - (b - a) * (db + d2 - d1) / denom
    return t if math.isfinite(t) else None


def _strong_wolfe(phi, phi0, dphi0, alpha1, *, c1=1e-4, c2=0.9, amax=1e10, maxiter=30):
    """Step length satisfying the strong Wolfe conditions along a descent direction.

    ``phi(alpha)`` returns ``(phi(alpha), phi'(alpha))``. A non-finite value counts as
    "too far" (the step is shortened), so objectives that overflow away from the current
    point do not break the search.

    Returns ``(alpha, phi(alpha), phi'(alpha))`` or ``(None, None, None)`` when no
    acceptable step was found within ``maxiter`` evaluations.
    """
    a_prev, f_prev, d_prev = 0.0, phi0, dphi0
    a = min(alpha1, amax)
    for i in range(maxiter):
        fa, da = phi(a)
        if not (math.isfinite(fa) and math.isfinite(da)):
            # Bracket [a_prev, a] with a non-finite right end: bisect towards a_prev.
            a = a_prev + 0.5 * (a - a_prev)
            continue
        if fa > phi0 + c1 * a * dphi0 or (i > 0 and fa >= f_prev):
            return _zoom(phi, phi0, dphi0, a_prev, f_prev, d_prev, a, fa, da,
                         c1, c2, maxiter - i - 1)
        if abs(da) <= -c2 * dphi0:
            return a, fa, da
        if da >= 0.0:
            return _zoom(phi, phi0, dphi0, a, fa, da, a_prev, f_prev, d_prev,
                         c1, c2, maxiter - i - 1)
        if a >= amax:
            return None, None, None
        a_prev, f_prev, d_prev = a, fa, da
        a = min(2.0 * a, amax)
    return None, None, None


def _zoom(phi, phi0, dphi0, lo, flo, dlo, hi, fhi, dhi, c1, c2, maxiter):
    for _ in range(max(maxiter, 0)):
        width = hi - lo
        trial = _cubic_min(lo, flo, dlo, hi, fhi, dhi) if math.isfinite(fhi) else None
        # Safeguard: keep the trial well inside the bracket, else bisect.
        if trial is None or not (min(lo, hi) + 0.1 * abs(width) <= trial
                                 <= max(lo, hi) - 0.1 * abs(width)):
            trial = lo + 0.5 * width
        if abs(trial - lo) <= 1e-16 * max(1.0, abs(lo)):
            break
        ft, dt = phi(trial)
        if not (math.isfinite(ft) and math.isfinite(dt)):
            hi, fhi, dhi = trial, math.inf, math.inf
            continue
        if ft > phi0 + c1 * trial * dphi0 or ft >= flo:
            hi, fhi, dhi = trial, ft, dt
        else:
            if abs(dt) <= -c2 * dphi0:
                return trial, ft, dt
            if dt * (hi - lo) >= 0.0:
                hi, fhi, dhi = lo, flo, dlo
            lo, flo, dlo = trial, ft, dt
    return None, None, None
