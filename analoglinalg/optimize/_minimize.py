"""Quasi-Newton minimisation with the inverse Hessian held on a crossbar."""

import inspect
import logging
import math
import numbers
import warnings

import numpy as np
from scipy.optimize import OptimizeResult, OptimizeWarning

from analoglinalg._lib._random import as_generator
from analoglinalg._lib._validation import check_choice, check_finite_array, check_scalar
from analoglinalg.optimize._analog import _AnalogMatrix
from analoglinalg.optimize._line_search import _strong_wolfe
from analoglinalg.optimize._objective import _Objective
from analoglinalg.optimize._updates import _bfgs_terms, _damp_bfgs, _dfp_terms, _sr1_terms

__all__ = ["minimize", "bfgs", "sr1", "dfp"]

logger = logging.getLogger(__name__)

_METHODS = ("bfgs", "sr1", "dfp")
_EPS_FD = math.sqrt(np.finfo(float).eps)
_STATUS = {
    0: "Optimization terminated successfully.",
    1: "Maximum number of iterations has been exceeded.",
    2: "Desired error not necessarily achieved due to precision loss.",
    3: "NaN result encountered.",
    99: "`callback` raised `StopIteration`.",
}
_DEFAULTS = {
    "gtol": 1e-5,
    "norm": np.inf,
    "maxiter": None,
    "eps": _EPS_FD,
    "c1": 1e-4,
    "c2": 0.9,
    "maxls": 30,
    "xrtol": 0.0,
    "hess_inv0": None,
    "scaling": "init",
    "curvature": "skip",
    "curvature_tol": 1e-8,
    "descent_tol": 1e-8,
    "reset_on_fallback": True,
    "headroom": 2.0,
    "readout_repeats": 1,
    "update_mode": "stochastic",
    "secant_check": True,
    "reset_tol": None,
    "disp": False,
    "return_all": False,
}
_UPDATE_MODES = ("stochastic", "deterministic", "mean_field")


def _check_device(device):
    """Reject an unknown preset name or a non-device before any hardware is built."""
    from analoglinalg.devices import Device, get_device

    if isinstance(device, str):
        try:
            get_device(device)
        except KeyError as exc:
            raise ValueError(f"device: {exc.args[0]}") from None
    elif not isinstance(device, Device):
        raise TypeError(f"device must be a preset name or a Device, got {device!r}")


def _check_options(options, n, method):
    """Validate every option (names and values) and return the full option dict."""
    unknown = sorted(set(options) - set(_DEFAULTS))
    if unknown:
        raise ValueError(
            f"options contains unknown option(s) {unknown} for method {method!r}; "
            f"valid options are {sorted(_DEFAULTS)}"
        )
    opts = {**_DEFAULTS, **options}
    opts["gtol"] = check_scalar(opts["gtol"], "options['gtol']", low=0.0)
    norm = opts["norm"]
    if not (norm in (np.inf, -np.inf) or (isinstance(norm, numbers.Real)
                                          and not isinstance(norm, bool) and norm >= 1)):
        raise ValueError(f"options['norm'] must be a real >= 1 or +-inf, got {norm!r}")
    if opts["maxiter"] is None:
        opts["maxiter"] = 200 * n
    opts["maxiter"] = check_scalar(opts["maxiter"], "options['maxiter']",
                                   kind=numbers.Integral, low=0)
    opts["eps"] = check_scalar(opts["eps"], "options['eps']", low=0.0, low_inclusive=False)
    opts["c1"] = check_scalar(opts["c1"], "options['c1']", low=0.0, high=1.0,
                              low_inclusive=False, high_inclusive=False)
    opts["c2"] = check_scalar(opts["c2"], "options['c2']", low=opts["c1"], high=1.0,
                              low_inclusive=False, high_inclusive=False)
    opts["maxls"] = check_scalar(opts["maxls"], "options['maxls']", kind=numbers.Integral,
                                 low=1)
    opts["xrtol"] = check_scalar(opts["xrtol"], "options['xrtol']", low=0.0)
    if opts["hess_inv0"] is not None:
        H0 = check_finite_array(opts["hess_inv0"], "options['hess_inv0']", ndim=2,
                                shape=(n, n), dtype=np.float64)
        if not np.allclose(H0, H0.T) or np.linalg.eigvalsh(0.5 * (H0 + H0.T)).min() <= 0:
            raise ValueError("options['hess_inv0'] must be symmetric positive definite")
        opts["hess_inv0"] = H0
    check_choice(opts["scaling"], "options['scaling']", ("init", "none"))
    check_choice(opts["curvature"], "options['curvature']", ("skip", "damp"))
    opts["curvature_tol"] = check_scalar(opts["curvature_tol"], "options['curvature_tol']",
                                         low=0.0, high=1.0)
    opts["descent_tol"] = check_scalar(opts["descent_tol"], "options['descent_tol']",
                                       low=0.0, high=1.0)
    opts["headroom"] = check_scalar(opts["headroom"], "options['headroom']", low=1.0,
                                    low_inclusive=False)
    check_choice(opts["update_mode"], "options['update_mode']", _UPDATE_MODES)
    opts["readout_repeats"] = check_scalar(opts["readout_repeats"], "options['readout_repeats']",
                                           kind=numbers.Integral, low=1)
    opts["reset_tol"] = check_scalar(opts["reset_tol"], "options['reset_tol']", low=0.0,
                                     low_inclusive=False, allow_none=True)
    for flag in ("reset_on_fallback", "secant_check", "disp", "return_all"):
        if not isinstance(opts[flag], (bool, np.bool_)):
            raise TypeError(f"options[{flag!r}] must be a bool, got {opts[flag]!r}")
    return opts


def _validate(fun, x0, args, method, jac, callback, options):
    if not callable(fun):
        raise TypeError(f"fun must be callable, got {fun!r}")
    x0 = check_finite_array(np.atleast_1d(x0), "x0", dtype=np.float64, copy=True)
    if x0.ndim != 1:
        raise ValueError(f"x0 must be 1-D (or a scalar), got shape {x0.shape}")
    if x0.size == 0:
        raise ValueError("x0 must not be empty")
    args = args if isinstance(args, tuple) else (args,)
    if not isinstance(method, str):
        raise TypeError(f"method must be a string, got {method!r}")
    method = check_choice(method.lower(), "method", _METHODS)
    if isinstance(jac, str):
        check_choice(jac, "jac", ("2-point", "3-point", "cs"))
        jac = None
    elif not (jac is None or jac is True or callable(jac)):
        raise TypeError(f"jac must be None, True, a callable or a finite-difference "
                        f"scheme name, got {jac!r}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None, got {callback!r}")
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise TypeError(f"options must be a dict or None, got {type(options).__name__}")
    opts = _check_options(options, x0.size, method)
    return x0, args, method, jac, opts


def minimize(fun, x0, args=(), *, method="bfgs", jac=None, callback=None, options=None,
             device="protonic_psg_2022", periphery=None, rng=None):
    """Minimise a smooth function with a quasi-Newton method on an analog crossbar.

    The inverse-Hessian approximation ``H`` lives on a crossbar: each search direction
    ``p = -H g`` is one analog matrix-vector product, and each quasi-Newton update is a
    short sum of rank-1 pulse updates (the product ``H y`` it needs is one more analog
    read). The line search, the gradient differences and all O(n) work stay on the CPU,
    the division of labour of the accelerated quasi-Newton patent [1]_.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float``, or ``-> (float, ndarray)`` when ``jac=True``.
    x0 : array_like, shape (n,)
        Starting point; must be finite.
    args : tuple, optional
        Extra arguments passed to ``fun`` and ``jac``.
    method : {'bfgs', 'sr1', 'dfp'}, optional
        Quasi-Newton update (inverse form). Default ``'bfgs'``.
    jac : callable, True, {'2-point', '3-point', 'cs'} or None, optional
        Gradient ``jac(x, *args) -> ndarray (n,)``; ``True`` if ``fun`` returns it; ``None``
        or a scheme name for forward differences with step ``options['eps']``.
    callback : callable, optional
        Called after each iteration as ``callback(intermediate_result=OptimizeResult)`` if
        its only parameter is named ``intermediate_result``, else as ``callback(xk)``.
        Raising ``StopIteration`` ends the run (``status=99``).
    options : dict, optional
        Solver options; see Options below. An unknown name raises ``ValueError``.
    device : str or Device, optional
        Device preset or object the crossbar is made of. Default ``'protonic_psg_2022'``.
    periphery : Periphery, optional
        Converters and noise of the crossbar. ``None`` (default) uses the crossbar's
        default periphery with its ADC range calibrated to ``H0``: the output bound is the
        largest row sum of ``|H0|`` in device units times ``headroom``, at most 12 (a
        finer ADC step; larger outputs are re-read with a halved input by bound
        management). The output noise keeps its absolute default.
    rng : None, int, SeedSequence or Generator, optional
        Randomness of the analog hardware (read noise, stochastic pulses).

    Returns
    -------
    res : scipy.optimize.OptimizeResult
        SciPy's fields ``x, fun, jac, nit, nfev, njev, status, success, message`` and
        ``hess_inv`` (the :class:`~analoglinalg.crossbar.Crossbar` holding the final
        inverse Hessian), plus ``cost`` (its ledger), ``method``, ``n_reprogram``
        (re-programmings for headroom or resets), ``n_reset``, ``n_skipped`` (updates
        skipped by the curvature test), ``n_fallback`` (steepest-descent fallbacks),
        ``secant_residual`` (history of ``||H y - s|| / ||s||`` after each update) and
        ``allvecs`` when ``return_all`` is set.

    Raises
    ------
    ValueError
        For a non-finite or non-1-D ``x0``, an unknown method or option, an invalid option
        value, or ``fun``/``jac`` returning the wrong shape.
    TypeError
        For a non-callable ``fun`` or arguments of the wrong type.

    See Also
    --------
    bfgs, sr1, dfp : The same solvers as ``scipy.optimize.minimize`` methods.
    root : Broyden root finding with the inverse Jacobian on a crossbar.
    scipy.optimize.minimize : The digital reference.

    Notes
    -----
    **Options**

    gtol : float
        Stop when ``norm(g, ord=norm) <= gtol`` (default 1e-5).
    norm : float
        Order of the gradient norm (default ``inf``).
    maxiter : int
        Maximum number of iterations (default ``200 * n``).
    eps : float
        Forward-difference step when no gradient is given (default ``sqrt(machine eps)``).
    c1, c2 : float
        Strong-Wolfe parameters, ``0 < c1 < c2 < 1`` (defaults 1e-4 and 0.9).
    maxls : int
        Maximum function evaluations per line search (default 30).
    xrtol : float
        Stop when ``||alpha p|| <= xrtol (xrtol + ||x||)`` (default 0).
    hess_inv0 : ndarray, shape (n, n)
        Symmetric positive definite initial inverse Hessian, programmed as given (no
        scaling). Default ``None``: the identity, scaled as ``scaling`` says.
    scaling : {'init', 'none'}
        ``'init'`` (default) programs ``H0 = (y^T s / y^T y) I`` after the first step,
        Nocedal & Wright's eq. (6.20) [2]_; ``'none'`` keeps ``H0 = I`` like SciPy's BFGS.
    curvature : {'skip', 'damp'}
        What BFGS/DFP do when ``y^T s <= curvature_tol ||s|| ||y||``: skip the update
        (default), or damp ``s`` towards ``H y`` so that ``s^T y >= 0.2 y^T H y``
        (damping is tested for every step). SR1 always skips when
        ``|u^T y| < curvature_tol ||u|| ||y||``, ``u = s - H y``.
    curvature_tol : float
        Threshold of the curvature test (default 1e-8).
    descent_tol : float
        The analog direction must satisfy ``-g^T p >= descent_tol ||g|| ||p||``; otherwise
        the step falls back to ``-gamma g`` (default 1e-8).
    reset_on_fallback : bool
        Re-program ``H = gamma I`` after a fallback (default True).
    headroom : float
        Programming maps the largest entry of each column to ``1 / headroom`` of the device
        range, leaving room for updates to grow it (default 2). When an O(n) bound says
        an update would leave the range (or need more pulses than one update can give),
        the matrix is read out with ``n`` analog reads, updated digitally and re-programmed
        with fresh scales; an update that still saturates devices does the same. A larger
        headroom means fewer re-programmings but coarser steps.
    readout_repeats : int
        Every analog product with ``H`` (the direction, ``H y``, the secant check) is the
        average of this many reads; read noise falls as ``1 / sqrt(readout_repeats)``
        and every read is on the ledger (default 1).
    update_mode : {'stochastic', 'deterministic', 'mean_field'}
        Pulse scheme of the rank-1 updates (default ``'stochastic'``, as the hardware).
    secant_check : bool
        After each update, measure the health metric ``||H y - s|| / ||s||`` with one
        more analog read (default True).
    reset_tol : float or None
        Re-program ``H = gamma I`` when the secant residual exceeds it (default None:
        monitor only).
    disp : bool
        Show a progress bar (default False).
    return_all : bool
        Return the iterates in ``allvecs`` (default False).

    **Algorithm.** With ``s = x_{k+1} - x_k``, ``y = g_{k+1} - g_k``, ``h = H y`` and
    ``rho = 1 / y^T s``, the BFGS inverse update is applied as
    ``H+ = H + rho (s w^T + w s^T)`` with the secant error ``r = s - h`` and
    ``w = r - (rho y^T r / 2) s`` (two rank-1 pulse updates whose size is that of the
    change itself, so the devices' step spread errs relative to the change, not to
    ``H``), DFP is ``H+ = H - h h^T / y^T h + s s^T / y^T s`` (two) and SR1 is
    ``H+ = H + u u^T / u^T y`` with ``u = s - h`` (one) [2]_. ``gamma`` is the latest
    ``y^T s / y^T y``. Analog error enters only through ``H``, i.e. as a perturbed
    preconditioner; the safeguards keep every step a descent step.

    References
    ----------
    .. [1] V. Kalantzis, S. Ubaru, L. Horesh, H. Avron, O. M. Onen, "Accelerated
       quasi-Newton methods on analog crossbar hardware", US Patent 11,790,033 B2 (2023).
    .. [2] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer, 2006,
       chapters 3 and 6.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.optimize import rosen, rosen_der
    >>> from analoglinalg.optimize import minimize
    >>> res = minimize(rosen, np.array([-1.2, 1.0]), jac=rosen_der, device="ideal",
    ...                periphery="ideal", rng=0)
    >>> bool(res.success), np.round(res.x, 4)
    (True, array([1., 1.]))
    """
    x0, args, method, jac, opts = _validate(fun, x0, args, method, jac, callback, options)
    _check_device(device)
    return _minimize_qn(fun, x0, args, jac, callback, method, opts, device, periphery,
                        as_generator(rng))


def _callback_caller(callback):
    if callback is None:
        return None
    try:
        params = set(inspect.signature(callback).parameters)
    except (TypeError, ValueError):
        params = set()
    if params == {"intermediate_result"}:
        return lambda res: callback(intermediate_result=res)
    return lambda res: callback(np.copy(res.x))


def _vecnorm(v, order):
    return float(np.linalg.norm(v, ord=order))


def _result(status, x, f, g, k, obj, holder, extra, method, message=None):
    return OptimizeResult(
        x=x, fun=f, jac=g, nit=k, nfev=obj.nfev, njev=obj.njev, status=status,
        success=status == 0, message=message or _STATUS[status], method=method,
        hess_inv=holder.xb, cost=holder.cost, n_reprogram=holder.n_reprogram, **extra,
    )


def _minimize_qn(fun, x0, args, jac, callback, method, opts, device, periphery, rng):
    n = x0.size
    obj = _Objective(fun, jac, args, n, opts["eps"])
    call_back = _callback_caller(callback)
    norm, gtol, maxiter = opts["norm"], opts["gtol"], opts["maxiter"]
    spd = method in ("bfgs", "dfp")
    holder_kw = dict(device=device, periphery=periphery, rng=rng,
                     update_mode=opts["update_mode"], headroom=opts["headroom"], spd=spd,
                     repeats=opts["readout_repeats"])
    hess_inv0 = opts["hess_inv0"]
    holder = None
    if hess_inv0 is not None:
        holder = _AnalogMatrix(hess_inv0, **holder_kw)

    def new_holder(gamma):
        return _AnalogMatrix(gamma * np.eye(n), **holder_kw)

    counters = {"n_reset": 0, "n_skipped": 0, "n_fallback": 0}
    secant = []
    allvecs = [x0.copy()] if opts["return_all"] else None

    def finish(status, x, f, g, k, message=None):
        nonlocal holder
        if holder is None:
            holder = new_holder(1.0)
        extra = dict(counters, secant_residual=np.asarray(secant))
        if allvecs is not None:
            extra["allvecs"] = allvecs
        res = _result(status, x, f, g, k, obj, holder, extra, method, message)
        logger.info("analog %s: %s (nit=%d, nfev=%d)", method, res.message, k, obj.nfev)
        return res

    x = x0
    f, g = obj(x)
    if not (np.isfinite(f) and np.all(np.isfinite(g))):
        return finish(3, x, f, g, 0,
                      f"{_STATUS[3]} fun or its gradient is not finite at x0 (f={f!r}).")

    old_old_f = f + 0.5 * np.linalg.norm(g)
    gamma = 1.0
    k, status = 0, 0
    gnorm = _vecnorm(g, norm)
    progress = _progress(opts["disp"], maxiter, method)
    try:
        while gnorm > gtol and k < maxiter:
            p = -(holder.matvec(g) if holder is not None else g)
            fallback = not _is_descent(g, p, opts["descent_tol"])
            while True:
                if fallback:
                    counters["n_fallback"] += 1
                    p = -gamma * g
                    if holder is not None and opts["reset_on_fallback"]:
                        holder.program(gamma * np.eye(n))
                        counters["n_reset"] += 1
                alpha, f_new, g_new = _line_search(obj, x, p, f, g, old_old_f, opts)
                if alpha is not None or fallback:
                    break
                fallback = True
            if alpha is None:
                status = 2
                break
            s = alpha * p
            x_new = x + s
            y = g_new - g
            old_old_f, x, f, g = f, x_new, f_new, g_new
            k += 1
            gnorm = _vecnorm(g, norm)
            if allvecs is not None:
                allvecs.append(x.copy())
            progress.update(f, gnorm)
            if call_back is not None:
                try:
                    call_back(OptimizeResult(x=x.copy(), fun=f, jac=g.copy(), nit=k))
                except StopIteration:
                    status = 99
                    break
            if gnorm <= gtol:
                break
            if alpha * _vecnorm(p, 2) <= opts["xrtol"] * (opts["xrtol"] + _vecnorm(x, 2)):
                break
            sy, yy = float(s @ y), float(y @ y)
            if sy > 0 and yy > 0:
                gamma = sy / yy
            if holder is None:
                holder = new_holder(gamma if opts["scaling"] == "init" else 1.0)
            _update(holder, method, s, y, opts, counters, secant, gamma, n)
        else:
            if gnorm > gtol:
                status = 1
    finally:
        progress.close()
    if status == 0 and not (np.isfinite(f) and np.all(np.isfinite(x))):
        status = 3
    return finish(status, x, f, g, k)


def _is_descent(g, p, tol):
    if not np.all(np.isfinite(p)):
        return False
    return float(g @ p) < -tol * float(np.linalg.norm(g) * np.linalg.norm(p))


def _line_search(obj, x, p, f, g, old_old_f, opts):
    gp = float(g @ p)
    alpha1 = 1.01 * 2.0 * (f - old_old_f) / gp
    alpha1 = min(1.0, alpha1) if np.isfinite(alpha1) and alpha1 > 0 else 1.0
    cache = {}

    def phi(a):
        fa, ga = obj(x + a * p)
        cache[a] = ga
        return fa, float(ga @ p)

    alpha, fa, _ = _strong_wolfe(phi, f, gp, alpha1, c1=opts["c1"], c2=opts["c2"],
                                 maxiter=opts["maxls"])
    if alpha is None:
        return None, None, None
    return alpha, fa, cache[alpha]


def _update(holder, method, s, y, opts, counters, secant, gamma, n):
    h = holder.matvec(y)
    tol = opts["curvature_tol"]
    if method == "sr1":
        u = s - h
        if abs(float(u @ y)) <= tol * np.linalg.norm(u) * np.linalg.norm(y):
            counters["n_skipped"] += 1
            return
        terms = _sr1_terms(s, y, h)
    else:
        if opts["curvature"] == "damp":
            s, _ = _damp_bfgs(s, y, h)
        if not float(s @ y) > tol * np.linalg.norm(s) * np.linalg.norm(y):
            counters["n_skipped"] += 1
            return
        if method == "dfp" and not float(y @ h) > 0:
            counters["n_skipped"] += 1
            return
        terms = (_bfgs_terms if method == "bfgs" else _dfp_terms)(s, y, h)
    holder.update(terms)
    if opts["secant_check"]:
        r = float(np.linalg.norm(holder.matvec(y) - s) / np.linalg.norm(s))
        secant.append(r)
        if opts["reset_tol"] is not None and r > opts["reset_tol"]:
            holder.program(gamma * np.eye(n))
            counters["n_reset"] += 1


class _progress:
    """tqdm bar showing f and the gradient norm; a no-op unless ``disp`` is set."""

    def __init__(self, disp, total, method):
        self.bar = None
        if disp:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, desc=f"analog {method}", unit="it")

    def update(self, f, gnorm):
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(f=f"{f:.3e}", gnorm=f"{gnorm:.2e}", refresh=False)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def _plugin(method):
    def solver(fun, x0, args=(), jac=None, hess=None, hessp=None, bounds=None,
               constraints=(), callback=None, *, device="protonic_psg_2022", periphery=None,
               rng=None, **options):
        ignored = [name for name, value in (("hess", hess), ("hessp", hessp),
                                            ("bounds", bounds))
                   if value is not None]
        if constraints not in (None, (), []):
            ignored.append("constraints")
        if ignored:
            warnings.warn(f"analog {method} is unconstrained and builds its own Hessian "
                          f"approximation; ignoring {ignored}", OptimizeWarning, stacklevel=2)
        if "tol" in options:
            tol = options.pop("tol")
            if tol is not None:
                options.setdefault("gtol", tol)
        unknown = sorted(set(options) - set(_DEFAULTS))
        if unknown:
            warnings.warn(f"Unknown solver options: {', '.join(unknown)}", OptimizeWarning,
                          stacklevel=2)
            options = {k: v for k, v in options.items() if k in _DEFAULTS}
        return minimize(fun, x0, args, method=method, jac=jac, callback=callback,
                        options=options, device=device, periphery=periphery, rng=rng)

    solver.__name__ = solver.__qualname__ = method
    solver.__module__ = __name__
    solver.__doc__ = _PLUGIN_DOC.format(name=method, upper=method.upper())
    return solver


_PLUGIN_DOC = """Analog {upper} as a ``scipy.optimize.minimize`` method.

    Use as ``scipy.optimize.minimize(fun, x0, method=analoglinalg.optimize.{name},
    options={{...}})``; SciPy calls it with its own arguments, and the crossbar arguments
    can be passed through ``options`` (``device``, ``periphery``, ``rng``).

    Parameters
    ----------
    fun, x0, args, jac, callback
        As in :func:`scipy.optimize.minimize`; ``jac=True`` and finite differences
        (``jac=None``) work, and the callback convention (``intermediate_result``,
        ``StopIteration``) is SciPy's.
    hess, hessp, bounds, constraints
        Accepted for compatibility and ignored with an ``OptimizeWarning`` if given.
    device, periphery, rng
        Hardware model, as in :func:`minimize`.
    **options
        The options of :func:`minimize` (``tol`` becomes ``gtol``); unknown names are
        ignored with an ``OptimizeWarning``, as SciPy's own methods do.

    Returns
    -------
    res : scipy.optimize.OptimizeResult
        As returned by :func:`minimize` with ``method='{name}'``.

    See Also
    --------
    minimize : The same solver with its options documented.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.optimize
    >>> import analoglinalg.optimize as aopt
    >>> def fun(x):
    ...     return float(np.sum((x - 1.0) ** 2)), 2.0 * (x - 1.0)
    >>> res = scipy.optimize.minimize(fun, np.zeros(3), method=aopt.{name}, jac=True,
    ...                               options={{"rng": 0, "device": "ideal",
    ...                                        "periphery": "ideal"}})
    >>> bool(res.success)
    True
    """

bfgs = _plugin("bfgs")
sr1 = _plugin("sr1")
dfp = _plugin("dfp")
