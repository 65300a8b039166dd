"""Least squares with a (possibly analog) random sketch."""

import numbers
import warnings

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from scipy.optimize import OptimizeResult
from scipy.sparse.linalg import LinearOperator, lsqr

from .._lib._random import as_generator
from .._lib._validation import check_choice, check_finite_array, check_scalar, check_vector
from .._lib._warnings import ConvergenceWarning
from ._analog_sketch import AnalogSketch

__all__ = ["sketch_lstsq", "sketch_precondition_lstsq"]


def _check_system(A, b):
    if sp.issparse(A):
        if A.ndim != 2:
            raise ValueError(f"A must be 2-D, got shape {A.shape}")
        A = sp.csr_array(A, dtype=np.float64)
        if not np.all(np.isfinite(A.data)):
            raise ValueError("A must be finite, got NaN or infinite entries")
    else:
        A = check_finite_array(A, "A", ndim=2, dtype=np.float64)
    m, n = A.shape
    if m < n:
        raise ValueError(f"A must have at least as many rows as columns, got shape {A.shape}")
    b = check_vector(b, "b", m, dtype=np.float64)
    return A, b


def _make_sketch(A, sketch_size, sketch, rng, device, periphery):
    m, n = A.shape
    if sketch is not None:
        if not isinstance(sketch, AnalogSketch):
            raise TypeError(f"sketch must be an AnalogSketch, got {type(sketch).__name__}")
        if sketch.shape[1] != m:
            raise ValueError(f"sketch must have {m} columns (A.shape[0]), got shape {sketch.shape}")
        if sketch.shape[0] < n:
            raise ValueError(f"sketch must have at least {n} rows (A.shape[1]), got {sketch.shape}")
        if sketch_size is not None or device is not None or periphery is not None:
            raise ValueError("sketch_size, device and periphery must be None when sketch is given")
        return sketch
    if sketch_size is None:
        sketch_size = 4 * n
    sketch_size = check_scalar(sketch_size, "sketch_size", kind=numbers.Integral, low=n)
    return AnalogSketch(m, sketch_size, device=device, periphery=periphery, rng=rng)


def _sketch_system(S, A, b):
    """``S @ [A, b]``: one analog read per column of ``A`` plus one for ``b``."""
    dense = A.toarray() if sp.issparse(A) else A
    SAb = S.matmat(np.column_stack([dense, b]))
    return SAb[:, :-1], SAb[:, -1]


def sketch_lstsq(A, b, *, sketch_size=None, sketch=None, rng=None, device=None, periphery=None,
                 return_cost=False):
    """Sketch-and-solve least squares: ``argmin_x ||S (A x - b)||``.

    Parameters
    ----------
    A : array_like or sparse matrix, shape (m, n)
        Tall matrix, ``m >= n``.
    b : array_like, shape (m,)
        Right-hand side.
    sketch_size : int, optional
        Rows ``d`` of the Gaussian sketch, ``d >= n``; default ``4 n``.
    sketch : AnalogSketch, optional
        A sketch to reuse (shape ``(d, m)``); then ``sketch_size``, ``device`` and
        ``periphery`` must be None.
    rng : None, int, SeedSequence, Generator or RandomState, optional
        Source of the sketch and of the crossbar's randomness.
    device : str or Device, optional
        Hold the sketch on a crossbar with this device; ``None`` sketches digitally.
    periphery : Periphery, optional
        The sketch crossbar's periphery (requires ``device``).
    return_cost : bool, default=False
        Also return the sketch crossbar's CostLedger (``None`` when digital).

    Returns
    -------
    x : ndarray, shape (n,)
        The sketched solution.
    cost : CostLedger or None
        Only with ``return_cost=True``.

    Raises
    ------
    ValueError
        If ``A`` is wide, shapes disagree, an input holds NaN/inf or ``sketch_size < n``.

    See Also
    --------
    sketch_precondition_lstsq : Full accuracy from the same sketch.

    Notes
    -----
    For a Gaussian ``S`` with ``d > n + 1`` rows the residual is inflated in expectation by
    ``E||A x_s - b||^2 = (1 + n/(d - n - 1)) ||A x_* - b||^2``: sketch-and-solve gives low
    relative accuracy only. The sketch needs ``n + 1`` analog reads (columns of ``A`` and
    ``b``); the small ``d x n`` problem is solved digitally by QR.

    References
    ----------
    .. [1] T. Sarlos, "Improved approximation algorithms for large matrices via random
       projections", FOCS 2006.
    .. [2] D. P. Woodruff, "Sketching as a tool for numerical linear algebra", Foundations
       and Trends in Theoretical Computer Science 10(1-2):1-157, 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.sketch import sketch_lstsq
    >>> rng = np.random.default_rng(0)
    >>> A = rng.standard_normal((500, 10))
    >>> b = A @ np.ones(10)
    >>> x = sketch_lstsq(A, b, sketch_size=40, rng=1)
    >>> bool(np.allclose(x, 1.0))
    True
    """
    return_cost = bool(return_cost)
    A, b = _check_system(A, b)
    S = _make_sketch(A, sketch_size, sketch, as_generator(rng), device, periphery)
    SA, Sb = _sketch_system(S, A, b)
    x = scipy.linalg.lstsq(SA, Sb, lapack_driver="gelsy", check_finite=False)[0]
    return (x, S.cost) if return_cost else x


def _preconditioner(SA, Sb, kind):
    """Right preconditioner ``N`` and the sketch-and-solve start ``x0 = N (...)``."""
    if kind == "qr":
        Q, R = scipy.linalg.qr(SA, mode="economic", check_finite=False)
        if np.any(np.diag(R) == 0):
            raise np.linalg.LinAlgError(
                "the sketched matrix is rank deficient; use preconditioner='svd'"
            )
        x0 = scipy.linalg.solve_triangular(R, Q.T @ Sb, check_finite=False)

        def apply(y):
            return scipy.linalg.solve_triangular(R, y, check_finite=False)

        def apply_t(z):
            return scipy.linalg.solve_triangular(R, z, trans="T", check_finite=False)

        return apply, apply_t, R.shape[0], x0
    U, s, Vt = scipy.linalg.svd(SA, full_matrices=False, check_finite=False)
    keep = s > s[0] * max(SA.shape) * np.finfo(float).eps
    N = Vt[keep].T / s[keep]
    x0 = N @ (U[:, keep].T @ Sb)
    return (lambda y: N @ y), (lambda z: N.T @ z), int(keep.sum()), x0


def sketch_precondition_lstsq(A, b, *, sketch_size=None, preconditioner="qr", atol=1e-12,
                              btol=1e-12, maxiter=None, n_refine=0, sketch=None, rng=None,
                              device=None, periphery=None):
    """Least squares to full accuracy: a sketched preconditioner for warm-started LSQR.

    Parameters
    ----------
    A : array_like or sparse matrix, shape (m, n)
        Tall matrix, ``m >= n``.
    b : array_like, shape (m,)
        Right-hand side.
    sketch_size : int, optional
        Rows ``d`` of the Gaussian sketch, ``d >= n``; default ``4 n``.
    preconditioner : {'qr', 'svd'}, default='qr'
        ``'qr'``: ``S A = Q R``, precondition with ``R^-1`` (Blendenpik). ``'svd'``:
        ``S A = U Sigma V.T``, precondition with ``V Sigma^-1`` restricted to the numerically
        non-zero singular values (LSRN; handles rank deficiency).
    atol, btol : float, default=1e-12
        LSQR's stopping tolerances (relative; see :func:`scipy.sparse.linalg.lsqr`).
    maxiter : int, optional
        LSQR iteration limit per solve; default ``2 n``.
    n_refine : int, default=0
        Extra rounds of iterative refinement: recompute the residual and solve for a
        correction with the same preconditioner.
    sketch : AnalogSketch, optional
        A sketch to reuse; then ``sketch_size``, ``device`` and ``periphery`` must be None.
    rng : None, int, SeedSequence, Generator or RandomState, optional
        Source of the sketch and of the crossbar's randomness.
    device : str or Device, optional
        Hold the sketch on a crossbar with this device; ``None`` sketches digitally.
    periphery : Periphery, optional
        The sketch crossbar's periphery (requires ``device``).

    Returns
    -------
    OptimizeResult
        ``x`` (solution), ``x0`` (sketch-and-solve start), ``nit`` (LSQR iterations, all
        rounds), ``nit_per_round`` (list), ``istop`` (LSQR's reason, last round),
        ``success``, ``message``, ``cond`` (LSQR's estimate of the preconditioned condition
        number), ``rnorm`` (``||A x - b||``), ``rank`` (rank kept by the preconditioner) and
        ``cost`` (the sketch crossbar's CostLedger, ``None`` when digital).

    Raises
    ------
    ValueError
        If ``A`` is wide, shapes disagree, an input holds NaN/inf or a parameter is out of
        range.
    numpy.linalg.LinAlgError
        If ``preconditioner='qr'`` and the sketch of ``A`` is exactly rank deficient.

    Warns
    -----
    ConvergenceWarning
        If LSQR stops at ``maxiter``.

    See Also
    --------
    sketch_lstsq : The sketch-and-solve start on its own.

    Notes
    -----
    With ``S A = Q R`` and a Gaussian ``S`` of ``d`` rows, the singular values of ``A R^-1``
    lie in ``[1/(1 + sqrt(n/d)), 1/(1 - sqrt(n/d))]`` up to lower-order terms, so
    ``kappa(A R^-1) ~ (1 + sqrt(n/d)) / (1 - sqrt(n/d))`` (5.8 for ``d = 2n``, 3 for
    ``d = 4n``) whatever ``kappa(A)`` is, and LSQR needs about
    ``log(tol/2) / log((kappa - 1)/(kappa + 1))`` iterations. LSQR runs on the correction
    ``A N y ~ b - A x0`` from the sketch-and-solve solution ``x0``: with a zero start
    sketch-and-precondition is not backward stable, the warm start (and refinement) fixes
    that. The sketch is the only analog step: read noise makes ``R`` a slightly worse
    preconditioner but does not limit the final accuracy, since LSQR uses ``A`` digitally.

    References
    ----------
    .. [1] H. Avron, P. Maymounkov, S. Toledo, "Blendenpik: supercharging LAPACK's
       least-squares solver", SIAM J. Sci. Comput. 32(3):1217-1236, 2010.
    .. [2] X. Meng, M. A. Saunders, M. W. Mahoney, "LSRN: a parallel iterative solver for
       strongly over- or underdetermined systems", SIAM J. Sci. Comput. 36(2):C95-C118, 2014.
    .. [3] E. N. Epperly, M. Meier, Y. Nakatsukasa, "Fast randomized least-squares solvers
       can be just as accurate and stable as classical direct solvers", arXiv:2406.03468,
       2024.

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.sketch import sketch_precondition_lstsq
    >>> rng = np.random.default_rng(0)
    >>> A = rng.standard_normal((2000, 20)) * np.logspace(0, -6, 20)
    >>> b = rng.standard_normal(2000)
    >>> res = sketch_precondition_lstsq(A, b, rng=1)
    >>> x_ref = np.linalg.lstsq(A, b, rcond=None)[0]
    >>> r_ref = np.linalg.norm(A @ x_ref - b)
    >>> bool(res.success), bool(res.rnorm <= r_ref * (1 + 1e-10))
    (True, True)
    """
    A, b = _check_system(A, b)
    check_choice(preconditioner, "preconditioner", ("qr", "svd"))
    atol = check_scalar(atol, "atol", low=0)
    btol = check_scalar(btol, "btol", low=0)
    n_refine = check_scalar(n_refine, "n_refine", kind=numbers.Integral, low=0)
    if maxiter is None:
        maxiter = 2 * A.shape[1]
    maxiter = check_scalar(maxiter, "maxiter", kind=numbers.Integral, low=1)
    S = _make_sketch(A, sketch_size, sketch, as_generator(rng), device, periphery)
    SA, Sb = _sketch_system(S, A, b)
    apply, apply_t, rank, x0 = _preconditioner(SA, Sb, preconditioner)
    m = A.shape[0]
    AN = LinearOperator((m, rank), dtype=np.float64,
                        matvec=lambda y: A @ apply(y), rmatvec=lambda z: apply_t(A.T @ z))
    x = x0.copy()
    nits = []
    for _ in range(n_refine + 1):
        out = lsqr(AN, b - A @ x, atol=atol, btol=btol, iter_lim=maxiter)
        x = x + apply(out[0])
        nits.append(int(out[2]))
    istop, cond = int(out[1]), float(out[6])
    success = istop in (0, 1, 2, 4, 5)
    message = ("LSQR converged" if success else
               f"LSQR stopped with istop={istop} (iteration limit {maxiter} reached)")
    if not success:
        warnings.warn(message, ConvergenceWarning, stacklevel=2)
    return OptimizeResult(
        x=x, x0=x0, nit=sum(nits), nit_per_round=nits, istop=istop, success=success,
        message=message, cond=cond, rnorm=float(np.linalg.norm(A @ x - b)), rank=rank,
        cost=S.cost,
    )
