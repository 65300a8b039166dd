"""Mixed-precision linear solves: digital float64 residuals around analog inner solves."""

import logging
import numbers

import numpy as np
from scipy.optimize import OptimizeResult
from scipy.sparse.linalg import LinearOperator

from analoglinalg._lib._random import as_generator
from analoglinalg._lib._validation import check_choice, check_finite_array, check_scalar
from analoglinalg.optimize._analog import _calibrated_periphery, _check_device

__all__ = ["solve", "SolveResult", "crossbar_preconditioner"]

logger = logging.getLogger(__name__)


_RANGE_FRACTION = 0.75  # the crossbar's default: A is fixed, so little headroom is needed


def _new_crossbar(M, *, device, periphery, rng):
    from analoglinalg.crossbar import Crossbar

    if periphery is None:
        periphery = _calibrated_periphery(M, device, _RANGE_FRACTION, 1.0)
    return Crossbar.from_matrix(M, device=device, periphery=periphery, rng=rng,
                                range_fraction=_RANGE_FRACTION)


class SolveResult(OptimizeResult):
    """Result of :func:`solve` (a dict with attribute access, like SciPy's results).

    Attributes
    ----------
    x : ndarray
        The solution.
    success : bool
        Whether ``||b - A x|| <= rtol ||b||`` was reached.
    status : int
        0 converged, 1 ``maxiter`` reached, 2 stagnation (no progress in the last steps).
    message : str
        Why the solver stopped.
    nit : int
        Refinement steps: outer iterations, each one float64 residual (or ``A z``) product.
    inner_nit : int
        Analog matrix-vector products spent in the inner solves.
    residuals : ndarray
        Relative residual ``||b - A x_k|| / ||b||`` after each refinement step, starting
        with ``x_0 = 0``.
    contraction : float
        Geometric mean of the residual reduction per refinement step.
    crossbar : Crossbar
        The crossbar holding ``A``.
    cost : CostLedger
        Its ledger: what the analog work cost.

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.linalg import solve
    >>> A = np.array([[4.0, 1.0], [1.0, 3.0]])
    >>> res = solve(A, np.array([1.0, 2.0]), device="ideal", rng=0)
    >>> bool(res.success), res.x.round(4).tolist()  # np.linalg.solve: [0.0909, 0.6364]
    (True, [0.0909, 0.6364])
    """


def _inner_gmres(matvec, r, k, rtol):
    """``k`` GMRES steps on ``A z = r`` from ``z = 0`` with analog products ``matvec``.

    Arnoldi and the small least-squares problem are digital O(n k) work; each step costs
    one analog read. Returns ``(z, steps)``.
    """
    beta = np.linalg.norm(r)
    n = r.size
    V = np.zeros((k + 1, n))
    Hm = np.zeros((k + 1, k))
    V[0] = r / beta
    steps = 0
    for j in range(k):
        w = matvec(V[j])
        steps += 1
        for i in range(j + 1):
            Hm[i, j] = w @ V[i]
            w = w - Hm[i, j] * V[i]
        Hm[j + 1, j] = np.linalg.norm(w)
        e1 = np.zeros(j + 2)
        e1[0] = beta
        y, *_ = np.linalg.lstsq(Hm[: j + 2, : j + 1], e1, rcond=None)
        res = np.linalg.norm(e1 - Hm[: j + 2, : j + 1] @ y)
        if Hm[j + 1, j] <= 1e-14 * beta or res <= rtol * beta:
            return V[: j + 1].T @ y, steps
        V[j + 1] = w / Hm[j + 1, j]
    return V[:k].T @ y, steps


def _inner_cg(matvec, r, k, rtol):
    """``k`` conjugate-gradient steps on ``A z = r`` (``A`` symmetric positive definite)."""
    z = np.zeros_like(r)
    res = r.copy()
    p = res.copy()
    rr = res @ res
    stop = (rtol * np.linalg.norm(r)) ** 2
    steps = 0
    for _ in range(k):
        q = matvec(p)
        steps += 1
        pq = p @ q
        if not pq > 0:
            break
        a = rr / pq
        z += a * p
        res -= a * q
        rr_new = res @ res
        if rr_new <= stop:
            break
        p = res + (rr_new / rr) * p
        rr = rr_new
    return z, steps


def _analog_inner(xb, inner, k, rtol, repeats=1):
    def matvec(v):
        # ``repeats`` reads of the same input, averaged: read noise falls as 1/sqrt(repeats).
        reads = np.asarray(xb.matmat(np.tile(v[:, None], (1, repeats))), dtype=np.float64)
        return reads.mean(axis=1)

    body = _inner_cg if inner == "cg" else _inner_gmres

    def apply(r):
        nr = np.linalg.norm(r)
        if nr == 0:
            return np.zeros_like(r), 0
        # Unit-norm right-hand side: uses the DAC range the same way at every step.
        z, steps = body(matvec, r / nr, k, rtol)
        return nr * z, steps

    return apply


def _check_system(A, b):
    A = check_finite_array(A, "A", ndim=2, dtype=np.float64)
    if A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"A must be a non-empty square matrix, got shape {A.shape}")
    b = check_finite_array(b, "b", ndim=(1, 2), dtype=np.float64)
    if b.ndim == 2:
        if b.shape[1] != 1:
            raise ValueError(f"b must be a vector, got shape {b.shape}")
        b = b[:, 0]
    if b.shape[0] != A.shape[0]:
        raise ValueError(f"shapes of A {A.shape} and b {b.shape} are incompatible")
    return A, b


def solve(A, b, *, assume_a="gen", method="fgmres", rtol=1e-12, maxiter=100,
          inner_maxiter=8, inner_rtol=1e-2, readout_repeats=1, device="protonic_psg_2022",
          periphery=None, rng=None, callback=None, disp=False):
    """Solve ``A x = b`` to float64 accuracy with the bulk of the work on a crossbar.

    ``A`` is programmed once onto a crossbar. Each refinement step computes the residual
    ``r = b - A x`` in float64 on the CPU, solves ``A z = r`` inexactly with a few Krylov
    steps whose matrix-vector products are analog reads, and corrects ``x``: the mixed
    precision scheme of Le Gallo et al. [1]_. The analog error only slows the outer loop;
    the accuracy comes from the digital residual.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Finite square matrix.
    b : array_like, shape (n,) or (n, 1)
        Finite right-hand side.
    assume_a : {'gen', 'pos'}, optional
        ``'pos'`` (symmetric positive definite) uses conjugate gradients for the inner
        solve, ``'gen'`` (default) GMRES.
    method : {'fgmres', 'refine'}, optional
        Outer loop. ``'refine'`` is classical iterative refinement ``x <- x + z``; it
        converges only if the inner solve contracts the error, i.e. roughly if
        ``||A^-1 (A_analog - A)|| < 1``. ``'fgmres'`` (default) keeps every correction and
        minimises the float64 residual over their span (flexible GMRES [2]_ with the
        analog inner solve as a variable preconditioner), which converges also when the
        analog error is large compared with ``1 / cond(A)``. Both do one float64 product
        with ``A`` per refinement step.
    rtol : float, optional
        Target relative residual ``||b - A x|| / ||b||`` (default 1e-12).
    maxiter : int, optional
        Maximum number of refinement steps (default 100).
    inner_maxiter : int, optional
        Analog Krylov steps per inner solve (default 8).
    inner_rtol : float, optional
        The inner solve stops early once its analog residual falls below
        ``inner_rtol`` times its right-hand side (default 1e-2).
    readout_repeats : int, optional
        Each analog product of the inner solve is the average of this many reads of the
        same input (default 1); read noise falls as ``1 / sqrt(readout_repeats)``. Raise it
        when ``cond(A)`` times the per-read error approaches 1 (e.g. 16 at ``cond = 1e4``
        with the protonic preset).
    device : str or Device, optional
        Device preset or object (default ``'protonic_psg_2022'``).
    periphery : Periphery, optional
        Converters and noise. ``None`` (default) uses the crossbar's default periphery
        with the ADC range calibrated to ``A``: the output bound is the largest row sum
        of the programmed ``|A|`` in device units (at most 12).
    rng : None, int, SeedSequence or Generator, optional
        Randomness of the analog hardware.
    callback : callable, optional
        ``callback(xk)`` after each refinement step.
    disp : bool, optional
        Show a progress bar.

    Returns
    -------
    res : SolveResult
        ``x``, ``success``, ``status``, ``message``, ``nit`` (refinement steps),
        ``inner_nit``, ``residuals``, ``contraction``, ``crossbar`` and ``cost``.

    Raises
    ------
    ValueError
        If ``A`` is not square and finite, ``b`` does not match it, or an option is out
        of range.
    TypeError
        If an argument has the wrong type.

    See Also
    --------
    crossbar_preconditioner : A crossbar as preconditioner for SciPy's Krylov solvers.
    scipy.linalg.solve : The digital reference.

    Notes
    -----
    Write ``A_a`` for the matrix the crossbar applies and ``M`` for the inner solve
    (``M ~ A_a^{-1}`` when the inner Krylov method converges). Classical refinement
    updates the error as ``e+ = (I - M A) e``, so the residual contracts per step by about
    ``||I - M A|| ~ ||A_a^{-1} (A_a - A)|| + inner_rtol``; the number of steps to reach
    ``rtol`` is ``log(rtol) / log(contraction)``. Flexible GMRES takes at most as many
    steps as refinement in exact arithmetic, since refinement's iterate lies in the same
    search space.

    References
    ----------
    .. [1] M. Le Gallo et al., "Mixed-precision in-memory computing", Nature Electronics
       1, 246-253 (2018).
    .. [2] Y. Saad, "A flexible inner-outer preconditioned GMRES algorithm", SIAM J. Sci.
       Comput. 14(2), 461-469 (1993).

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.linalg import solve
    >>> rng = np.random.default_rng(0)
    >>> Q, _ = np.linalg.qr(rng.standard_normal((20, 20)))
    >>> A = Q @ np.diag(np.linspace(1, 10, 20)) @ Q.T
    >>> b = rng.standard_normal(20)
    >>> res = solve(A, b, assume_a="pos", rng=1)
    >>> bool(res.success), bool(np.linalg.norm(A @ res.x - b) <= 1e-12 * np.linalg.norm(b))
    (True, True)
    """
    A, b = _check_system(A, b)
    check_choice(assume_a, "assume_a", ("gen", "pos"))
    check_choice(method, "method", ("fgmres", "refine"))
    rtol = check_scalar(rtol, "rtol", low=0.0, high=1.0, low_inclusive=False)
    maxiter = check_scalar(maxiter, "maxiter", kind=numbers.Integral, low=1)
    inner_maxiter = check_scalar(inner_maxiter, "inner_maxiter", kind=numbers.Integral, low=1)
    inner_rtol = check_scalar(inner_rtol, "inner_rtol", low=0.0, high=1.0)
    readout_repeats = check_scalar(readout_repeats, "readout_repeats", kind=numbers.Integral,
                                   low=1)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None, got {callback!r}")
    if not isinstance(disp, (bool, np.bool_)):
        raise TypeError(f"disp must be a bool, got {disp!r}")
    _check_device(device)
    xb = _new_crossbar(A, device=device, periphery=periphery, rng=as_generator(rng))
    inner = _analog_inner(xb, "cg" if assume_a == "pos" else "gmres", inner_maxiter,
                          inner_rtol, readout_repeats)
    body = _fgmres if method == "fgmres" else _refine
    return body(A, b, inner, rtol, maxiter, xb, callback, disp)


def _finish(x, residuals, rtol, inner_nit, xb, maxiter, stalled=False):
    residuals = np.asarray(residuals)
    nit = residuals.size - 1
    ok = residuals[-1] <= rtol
    status = 0 if ok else (2 if stalled else 1)
    message = {0: f"Converged to relative residual {residuals[-1]:.2e} in {nit} "
                  "refinement steps.",
               1: f"Maximum number of refinement steps ({maxiter}) reached; relative "
                  f"residual {residuals[-1]:.2e}.",
               2: f"Refinement stagnated at relative residual {residuals[-1]:.2e}."}[status]
    contraction = (float((residuals[-1] / residuals[0]) ** (1.0 / nit))
                   if nit and residuals[0] > 0 else 0.0)
    logger.info("analog solve: %s", message)
    return SolveResult(x=x, success=bool(ok), status=status, message=message, nit=nit,
                       inner_nit=inner_nit, residuals=residuals, contraction=contraction,
                       crossbar=xb, cost=xb.cost)


def _bar(disp, total):
    if not disp:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="analog solve", unit="step")


def _refine(A, b, inner, rtol, maxiter, xb, callback, disp):
    nb = np.linalg.norm(b)
    x = np.zeros_like(b)
    if nb == 0:
        return _finish(x, [0.0], rtol, 0, xb, maxiter)
    r = b.copy()
    residuals = [1.0]
    inner_nit = 0
    bar = _bar(disp, maxiter)
    stalled = False
    try:
        for _ in range(maxiter):
            z, steps = inner(r)
            inner_nit += steps
            x = x + z
            r = b - A @ x
            residuals.append(np.linalg.norm(r) / nb)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(residual=f"{residuals[-1]:.2e}", refresh=False)
            if callback is not None:
                callback(x.copy())
            if residuals[-1] <= rtol:
                break
            # Diverging or stuck for 5 steps: the analog error is too large for refinement.
            if len(residuals) > 5 and residuals[-1] >= residuals[-6]:
                stalled = True
                break
    finally:
        if bar is not None:
            bar.close()
    return _finish(x, residuals, rtol, inner_nit, xb, maxiter, stalled)


def _fgmres(A, b, inner, rtol, maxiter, xb, callback, disp, restart=100):
    nb = np.linalg.norm(b)
    n = b.size
    x = np.zeros_like(b)
    if nb == 0:
        return _finish(x, [0.0], rtol, 0, xb, maxiter)
    residuals = [1.0]
    inner_nit = 0
    bar = _bar(disp, maxiter)
    r = b.copy()
    try:
        while len(residuals) - 1 < maxiter and residuals[-1] > rtol:
            # More than n directions cannot be orthogonal: restart at least every n steps.
            m = min(restart, n, maxiter - (len(residuals) - 1))
            beta = np.linalg.norm(r)
            V = np.zeros((m + 1, n))
            Z = np.zeros((m, n))
            Hm = np.zeros((m + 1, m))
            V[0] = r / beta
            x_start = x
            for j in range(m):
                Z[j], steps = inner(V[j])
                inner_nit += steps
                w = A @ Z[j]
                w_norm = np.linalg.norm(w)
                # Modified Gram-Schmidt, twice: keeps V orthonormal to float64 accuracy.
                for _ in range(2):
                    for i in range(j + 1):
                        c = w @ V[i]
                        Hm[i, j] += c
                        w = w - c * V[i]
                Hm[j + 1, j] = np.linalg.norm(w)
                e1 = np.zeros(j + 2)
                e1[0] = beta
                y, *_ = np.linalg.lstsq(Hm[: j + 2, : j + 1], e1, rcond=None)
                x = x_start + Z[: j + 1].T @ y
                est = np.linalg.norm(e1 - Hm[: j + 2, : j + 1] @ y) / nb
                residuals.append(est)
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(residual=f"{est:.2e}", refresh=False)
                if callback is not None:
                    callback(x.copy())
                # Breakdown: the new correction adds (almost) nothing to the span, so the
                # cycle ends and the true residual restarts it.
                if est <= rtol or Hm[j + 1, j] <= 1e-12 * w_norm:
                    break
                V[j + 1] = w / Hm[j + 1, j]
            r = b - A @ x
            # The true float64 residual replaces the recurrence's estimate.
            residuals[-1] = np.linalg.norm(r) / nb
    finally:
        if bar is not None:
            bar.close()
    return _finish(x, residuals, rtol, inner_nit, xb, maxiter)


def crossbar_preconditioner(A, *, kind="inverse", inner_maxiter=4, device="protonic_psg_2022",
                            periphery=None, rng=None):
    """A crossbar-based preconditioner ``M ~ A^{-1}`` for SciPy's Krylov solvers.

    Parameters
    ----------
    A : array_like, shape (n, n)
        The system matrix (finite, square).
    kind : {'inverse', 'inner_solve'}, optional
        ``'inverse'`` (default) programs a float64 inverse of ``A`` onto a crossbar and
        returns that crossbar: applying ``M`` is one analog read, and ``M`` is a fixed
        linear operator (up to read noise), usable with ``cg``, ``gmres``, ``bicgstab``...
        ``'inner_solve'`` programs ``A`` itself and applies ``M`` as ``inner_maxiter``
        analog GMRES steps; that ``M`` varies with its input, so use it with a flexible
        outer method (e.g. :func:`solve` or ``scipy.sparse.linalg.gcrotmk``).
    inner_maxiter : int, optional
        Analog GMRES steps per application for ``kind='inner_solve'`` (default 4).
    device, periphery, rng
        Hardware model, as in :func:`solve`.

    Returns
    -------
    M : scipy.sparse.linalg.LinearOperator
        The preconditioner; for ``kind='inverse'`` it is the
        :class:`~analoglinalg.crossbar.Crossbar` itself (its ``cost`` is the ledger), for
        ``'inner_solve'`` a LinearOperator with a ``crossbar`` attribute.

    Raises
    ------
    ValueError
        If ``A`` is not finite and square (or singular, for ``kind='inverse'``), or
        ``kind`` is unknown.

    See Also
    --------
    solve : Mixed-precision refinement with the same inner solve.

    Notes
    -----
    Approximate-inverse preconditioning on crossbars follows Kalantzis et al. [1]_; the
    digital inverse is computed once (O(n^3)) and every application after it is O(1) time
    on the hardware.

    References
    ----------
    .. [1] V. Kalantzis et al., "Solving sparse linear systems with approximate inverse
       preconditioners on analog devices", IEEE HPEC 2021, arXiv:2107.06973.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.sparse.linalg import cg
    >>> from analoglinalg.linalg import crossbar_preconditioner
    >>> rng = np.random.default_rng(0)
    >>> Q, _ = np.linalg.qr(rng.standard_normal((30, 30)))
    >>> A = Q @ np.diag(np.logspace(0, 3, 30)) @ Q.T
    >>> b = rng.standard_normal(30)
    >>> M = crossbar_preconditioner(A, device="ideal", periphery="ideal", rng=1)
    >>> x, info = cg(A, b, M=M, rtol=1e-10, maxiter=200)
    >>> info, bool(np.linalg.norm(A @ x - b) <= 1e-9 * np.linalg.norm(b))
    (0, True)
    """
    A = check_finite_array(A, "A", ndim=2, dtype=np.float64)
    if A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"A must be a non-empty square matrix, got shape {A.shape}")
    check_choice(kind, "kind", ("inverse", "inner_solve"))
    inner_maxiter = check_scalar(inner_maxiter, "inner_maxiter", kind=numbers.Integral, low=1)
    _check_device(device)
    gen = as_generator(rng)
    if kind == "inverse":
        try:
            Ainv = np.linalg.inv(A)
        except np.linalg.LinAlgError as exc:
            raise ValueError("A must be non-singular for kind='inverse'") from exc
        return _new_crossbar(Ainv, device=device, periphery=periphery, rng=gen)
    xb = _new_crossbar(A, device=device, periphery=periphery, rng=gen)
    apply = _analog_inner(xb, "gmres", inner_maxiter, 0.0)
    op = LinearOperator(A.shape, matvec=lambda r: apply(np.ravel(r))[0], dtype=np.float64)
    op.crossbar = xb
    return op
