"""Broyden root finding with the inverse Jacobian held on a crossbar."""

import logging
import numbers

import numpy as np
from scipy.optimize import OptimizeResult

from analoglinalg._lib._random import as_generator
from analoglinalg._lib._validation import check_choice, check_finite_array, check_scalar
from analoglinalg.optimize._analog import _AnalogMatrix, _check_device
from analoglinalg.optimize._minimize import _callback_caller
from analoglinalg.optimize._updates import _broyden_bad_terms, _broyden_good_terms

__all__ = ["root"]

logger = logging.getLogger(__name__)

_ROOT_DEFAULTS = {
    "fatol": np.finfo(float).eps ** (1 / 3),
    "maxiter": None,
    "alpha": None,
    "jac_init": "scalar",
    "eps": np.sqrt(np.finfo(float).eps),
    "maxls": 10,
    "headroom": 2.0,
    "update_mode": "stochastic",
    "disp": False,
}


def _residual(fun, x, args, n):
    F = np.asarray(fun(x, *args), dtype=np.float64)
    if F.shape != (n,):
        if F.size == n:
            return F.reshape(n)
        raise ValueError(f"fun must return an array of shape ({n},), got {F.shape}")
    return F


def root(fun, x0, args=(), *, method="broyden1", callback=None, options=None,
         device="protonic_psg_2022", periphery=None, rng=None):
    """Find a root of ``F(x) = 0`` with Broyden's method, the inverse Jacobian on a crossbar.

    Each step ``dx = -H F`` is one analog matrix-vector product; each Broyden update is a
    single rank-1 pulse update (``broyden1`` needs ``H^T s`` as well, a transposed read, which
    a crossbar does by driving its other side).

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> ndarray (n,)``.
    x0 : array_like, shape (n,)
        Finite starting point.
    args : tuple, optional
        Extra arguments for ``fun``.
    method : {'broyden1', 'broyden2'}, optional
        Broyden's first ("good") or second ("bad") update, as in ``scipy.optimize.root``.
    callback : callable, optional
        ``callback(xk)`` (or ``callback(intermediate_result=...)``) after each iteration;
        ``StopIteration`` stops the run (``status=99``).
    options : dict, optional
        ``fatol`` (stop when ``max |F| <= fatol``, default ``eps**(1/3)``), ``maxiter``
        (default ``100 (n + 1)``), ``alpha`` (initial Jacobian ``-I / alpha``, default
        ``0.5 max(||x0||, 1) / ||F(x0)||`` like SciPy), ``jac_init`` (``'scalar'``, default,
        or ``'fd'``: invert a forward-difference Jacobian at ``x0`` digitally and program
        it), ``eps`` (difference step), ``maxls`` (backtracking steps, default 10),
        ``headroom``, ``update_mode`` and ``disp`` as in :func:`minimize`.
    device, periphery, rng
        Hardware model, as in :func:`minimize`.

    Returns
    -------
    res : scipy.optimize.OptimizeResult
        ``x, fun, success, status, message, nfev, nit, method`` as SciPy's ``root``, plus
        ``jac_inv`` (the Crossbar), ``cost``, ``n_reprogram`` and ``n_reset``.

    Raises
    ------
    ValueError
        For a non-finite ``x0``, an unknown method or option, or ``fun`` returning the
        wrong shape.

    See Also
    --------
    minimize : Quasi-Newton minimisation on a crossbar.
    scipy.optimize.root : The digital reference.

    Notes
    -----
    With ``s = x_{k+1} - x_k``, ``y = F_{k+1} - F_k`` and ``h = H y``, the updates are
    ``H+ = H + (s - h)(s^T H) / (s^T h)`` (first, the Sherman-Morrison inverse of Broyden's
    Jacobian update) and ``H+ = H + (s - h) y^T / (y^T y)`` (second) [1]_. Steps are
    backtracked on ``||F||`` (Armijo). If no step decreases it (or ``F`` is not finite
    anywhere along the direction), the crossbar is re-programmed to its initial matrix and
    the step retried; if that direction fails too, the shortest finite step tried is taken
    (SciPy's solvers take the full step, which a noisy inverse Jacobian can send far away).

    References
    ----------
    .. [1] C. G. Broyden, "A class of methods for solving nonlinear simultaneous
       equations", Math. Comp. 19, 577-593 (1965).

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.optimize import root
    >>> def F(x):
    ...     return np.array([x[0] + 0.5 * (x[0] - x[1]) ** 3 - 1.0,
    ...                      0.5 * (x[1] - x[0]) ** 3 + x[1]])
    >>> res = root(F, [0.0, 0.0], options={"jac_init": "fd"}, device="ideal",
    ...            periphery="ideal", rng=0)
    >>> bool(res.success), np.round(res.x, 3)
    (True, array([0.841, 0.159]))
    """
    if not callable(fun):
        raise TypeError(f"fun must be callable, got {fun!r}")
    x0 = check_finite_array(np.atleast_1d(x0), "x0", dtype=np.float64, copy=True)
    if x0.ndim != 1 or x0.size == 0:
        raise ValueError(f"x0 must be a non-empty 1-D array, got shape {x0.shape}")
    args = args if isinstance(args, tuple) else (args,)
    check_choice(method, "method", ("broyden1", "broyden2"))
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None, got {callback!r}")
    options = {} if options is None else options
    if not isinstance(options, dict):
        raise TypeError(f"options must be a dict or None, got {type(options).__name__}")
    unknown = sorted(set(options) - set(_ROOT_DEFAULTS))
    if unknown:
        raise ValueError(f"options contains unknown option(s) {unknown}; valid options are "
                         f"{sorted(_ROOT_DEFAULTS)}")
    opts = {**_ROOT_DEFAULTS, **options}
    n = x0.size
    opts["fatol"] = check_scalar(opts["fatol"], "options['fatol']", low=0.0)
    opts["maxiter"] = check_scalar(100 * (n + 1) if opts["maxiter"] is None
                                   else opts["maxiter"], "options['maxiter']",
                                   kind=numbers.Integral, low=0)
    opts["alpha"] = check_scalar(opts["alpha"], "options['alpha']", low=0.0,
                                 low_inclusive=False, allow_none=True)
    check_choice(opts["jac_init"], "options['jac_init']", ("scalar", "fd"))
    opts["eps"] = check_scalar(opts["eps"], "options['eps']", low=0.0, low_inclusive=False)
    opts["maxls"] = check_scalar(opts["maxls"], "options['maxls']", kind=numbers.Integral,
                                 low=0)
    opts["headroom"] = check_scalar(opts["headroom"], "options['headroom']", low=1.0,
                                    low_inclusive=False)
    check_choice(opts["update_mode"], "options['update_mode']",
                 ("stochastic", "deterministic", "mean_field"))
    _check_device(device)
    return _root_broyden(fun, x0, args, method, callback, opts, device, periphery,
                         as_generator(rng))


def _root_broyden(fun, x0, args, method, callback, opts, device, periphery, rng):
    n = x0.size
    nfev = 1
    x = x0
    F = _residual(fun, x, args, n)
    call_back = _callback_caller(callback)

    def done(status, message, holder=None, k=0):
        out = OptimizeResult(x=x, fun=F, success=status == 0, status=status, message=message,
                             nfev=nfev, nit=k, method=method)
        if holder is not None:
            out.update(jac_inv=holder.xb, cost=holder.cost, n_reprogram=holder.n_reprogram,
                       n_reset=n_reset)
        return out

    if not np.all(np.isfinite(F)):
        return done(3, "fun returned a non-finite value at x0.")
    normF = float(np.linalg.norm(F))
    if opts["jac_init"] == "fd":
        J = np.empty((n, n))
        for j in range(n):
            h = opts["eps"] * max(1.0, abs(x[j]))
            xh = x.copy()
            xh[j] += h
            J[:, j] = (_residual(fun, xh, args, n) - F) / (xh[j] - x[j])
        nfev += n
        if not np.all(np.isfinite(J)) or np.linalg.cond(J) > 1 / np.finfo(float).eps:
            return done(2, "The finite-difference Jacobian at x0 is singular or not finite.")
        H0 = np.linalg.inv(J)
    else:
        alpha = opts["alpha"]
        if alpha is None:
            alpha = 0.5 * max(np.linalg.norm(x0), 1.0) / normF if normF > 0 else 1.0
        H0 = -alpha * np.eye(n)
    holder = _AnalogMatrix(H0, device=device, periphery=periphery, rng=rng,
                           update_mode=opts["update_mode"], headroom=opts["headroom"],
                           spd=False)
    n_reset = 0
    reset_at = -1
    k = 0
    status = None
    bar = None
    if opts["disp"]:
        from tqdm.auto import tqdm

        bar = tqdm(total=opts["maxiter"], desc=f"analog {method}", unit="it")
    try:
        while np.max(np.abs(F)) > opts["fatol"]:
            if k >= opts["maxiter"]:
                status = 1
                break
            dx = -holder.matvec(F)
            step, x_new, F_new, decreased = 1.0, None, None, False
            for _ in range(opts["maxls"] + 1):
                x_try = x + step * dx
                F_try = _residual(fun, x_try, args, n)
                nfev += 1
                if np.all(np.isfinite(F_try)):
                    # Without a decrease, fall back to the shortest finite step tried: its
                    # secant pair still teaches the Jacobian, and it cannot run away (the
                    # full step, SciPy's fallback, can under a noisy Jacobian).
                    x_new, F_new = x_try, F_try
                    if np.linalg.norm(F_try) <= (1 - 1e-4 * step) * normF:
                        x_new, F_new, decreased = x_try, F_try, True
                        break
                step *= 0.5
            if not decreased and reset_at != k:
                # No step along the direction reduces ||F||: the inverse Jacobian on the
                # crossbar has drifted (read noise enters every secant pair). Start again
                # from H0 once before falling back to the shortest step.
                holder.program(H0)
                n_reset += 1
                reset_at = k
                continue
            if x_new is None:
                status = 2
                break
            s, y = x_new - x, F_new - F
            x, F, normF = x_new, F_new, float(np.linalg.norm(F_new))
            k += 1
            if bar is not None:
                bar.update(1)
                bar.set_postfix(residual=f"{normF:.2e}", refresh=False)
            h = holder.matvec(y)
            if method == "broyden1":
                hts = holder.rmatvec(s)
                denom = float(s @ h)
                if abs(denom) > 1e-12 * np.linalg.norm(s) * np.linalg.norm(h):
                    holder.update(_broyden_good_terms(s, y, h, hts))
            elif float(y @ y) > 0:
                holder.update(_broyden_bad_terms(s, y, h))
            if call_back is not None:
                try:
                    call_back(OptimizeResult(x=x.copy(), fun=F.copy(), nit=k))
                except StopIteration:
                    status = 99
                    break
    finally:
        if bar is not None:
            bar.close()
    messages = {None: "A solution was found at the specified tolerance.",
                1: "The maximum number of iterations was reached.",
                2: "fun was not finite along the Broyden direction, even after a reset.",
                99: "`callback` raised `StopIteration`."}
    message = messages[status]
    logger.info("analog %s: %s (nit=%d, nfev=%d)", method, message, k, nfev)
    return done(0 if status is None else status, message, holder, k)
