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
from analoglinalg.optimize._analog import _AnalogMatrix, _check_device
from analoglinalg.optimize._line_search import _strong_wolfe
from analoglinalg.optimize._objective import _Objective
from analoglinalg.optimize._updates import (
    _apply_dense,
    _bfgs_terms,
    _damp_bfgs,
    _dfp_terms,
    _sr1_terms,
)

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
    "reset_on_fallback": None,
    "headroom": 2.0,
    "readout_repeats": 1,
    "reprogram": "replay",
    "trust_ratio": 0.5,
    "replay_memory": 5,
    "reprogram_repeats": 8,
    "program": "open_loop",
    "memory": None,
    "update_mode": "stochastic",
    "secant_check": True,
    "reset_tol": None,
    "disp": False,
    "return_all": False,
}
_DEFAULT_MEMORY = 10
_UPDATE_MODES = ("stochastic", "deterministic", "mean_field")


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
    opts["trust_ratio"] = check_scalar(opts["trust_ratio"], "options['trust_ratio']", low=0.0,
                                       allow_none=True)
    check_choice(opts["reprogram"], "options['reprogram']", ("replay", "readout"))
    opts["replay_memory"] = check_scalar(opts["replay_memory"], "options['replay_memory']",
                                         kind=numbers.Integral, low=1)
    check_choice(opts["program"], "options['program']", ("auto", "write_verify", "open_loop"))
    opts["reprogram_repeats"] = check_scalar(opts["reprogram_repeats"],
                                             "options['reprogram_repeats']",
                                             kind=numbers.Integral, low=1)
    if opts["memory"] is None:
        opts["memory"] = _DEFAULT_MEMORY if method == "bfgs" else 0
    opts["memory"] = check_scalar(opts["memory"], "options['memory']", kind=numbers.Integral,
                                  low=0)
    if opts["memory"] and method != "bfgs":
        raise ValueError(f"options['memory'] must be 0 for method {method!r} (the digital "
                         f"window is applied in BFGS product form), got {opts['memory']!r}")
    opts["reset_tol"] = check_scalar(opts["reset_tol"], "options['reset_tol']", low=0.0,
                                     low_inclusive=False, allow_none=True)
    if opts["reset_on_fallback"] is None:
        # Without a window a fallback step is steepest descent, and the crossbar that
        # caused it would cause the next one: re-program it.
        opts["reset_on_fallback"] = opts["memory"] == 0
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

    The inverse-Hessian approximation lives on a crossbar: each search direction takes one
    analog matrix-vector product and each quasi-Newton update a short sum of rank-1 pulse
    updates (the product ``H y`` it needs is one more analog read). The line search, the
    gradient differences and the O(n) vector work stay on the CPU, the division of labour of
    the accelerated quasi-Newton patent [1]_. For BFGS the CPU also keeps the last
    ``memory`` pairs ``(s, y)`` and applies them to the crossbar's direction by the two-loop
    recursion (O(n memory) work, see Notes).

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
        (re-programmings for headroom or resets), ``n_reset``, ``n_skipped`` (pairs
        skipped by the curvature test), ``n_fallback`` (crossbar reads that failed the
        descent check), ``n_untrusted`` (directions computed without the crossbar because
        it failed the trust test), ``n_pulsed`` (pairs pulsed onto the crossbar),
        ``n_digital_macs`` (multiply-accumulates of the digital side: window, replays,
        read-outs), ``secant_residual`` (history of ``||A y - s|| / ||s||`` after each
        pulsed pair) and ``allvecs`` when ``return_all`` is set.

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
        The crossbar's read ``r = A q`` must satisfy ``q^T r >= descent_tol ||q|| ||r||``;
        otherwise this step uses ``gamma q`` instead (default 1e-8).
    reset_on_fallback : bool or None
        Also re-program the crossbar (as ``reprogram`` says) after such a fallback.
        Default ``None``: only without a window (``memory=0``), where the fallback step is
        steepest descent; with a window the fallback only changes the step.
    memory : int
        BFGS only: number of recent pairs kept digitally and applied by the two-loop
        recursion on top of the crossbar (default 10; 0 pulses every pair at once, the
        pure analog scheme). SR1 and DFP require 0.
    trust_ratio : float or None
        BFGS with ``memory > 0``: when a pair enters the window the crossbar is read once
        more, ``a = A y``; the next directions use the crossbar only if
        ``||a - s|| < trust_ratio ||gamma y - s||`` (``gamma y`` is the best multiple of
        the identity for that pair), else ``gamma I`` in its place (default 0.5; ``None``
        always uses the crossbar and skips the read).
    headroom : float
        Programming maps the largest entry of each column to ``1 / headroom`` of the device
        range, leaving room for updates to grow it (default 2). When an O(n) bound says
        an update would leave the range (or need more pulses than one update can give), or
        an update reports saturated devices, the crossbar is re-programmed (``reprogram``).
        A larger headroom means fewer re-programmings but coarser steps.
    reprogram : {'replay', 'readout'}
        What a re-programming writes. ``'replay'`` (default): the method's matrix of the
        last ``replay_memory`` pulsed pairs, built digitally from ``gamma I`` in float64
        (``replay_memory`` dense rank-2 updates, O(n^2 replay_memory) multiply-accumulates);
        nothing is read, so analog errors do not carry over from one programming to the
        next. ``'readout'``: ``reprogram_repeats`` analog reads of each unit vector,
        averaged, plus the pending update added digitally; read errors accumulate over
        re-programmings, and ``reset`` writes ``gamma I``.
    replay_memory : int
        Pulsed pairs kept for ``'replay'`` (default 5; O(n replay_memory) memory).
    reprogram_repeats : int
        Reads averaged per unit vector by ``'readout'`` (default 8).
    readout_repeats : int
        Every analog product with ``A`` (the direction, ``A y``, the trust and secant
        checks) is the average of this many reads; read noise falls as
        ``1 / sqrt(readout_repeats)`` and every read is on the ledger (default 1).
    update_mode : {'stochastic', 'deterministic', 'mean_field'}
        Pulse scheme of the rank-1 updates (default ``'stochastic'``, as the hardware).
    secant_check : bool
        After each pulsed pair, measure the health metric ``||A y - s|| / ||s||`` with one
        more analog read (default True).
    reset_tol : float or None
        Re-program the crossbar when the secant residual exceeds it (default None:
        monitor only).
    disp : bool
        Show a progress bar (default False).
    return_all : bool
        Return the iterates in ``allvecs`` (default False).

    **Algorithm.** With ``s = x_{k+1} - x_k``, ``y = g_{k+1} - g_k``, ``h = A y`` and
    ``rho = 1 / y^T s``, a pair is pulsed onto the crossbar ``A`` as
    ``A+ = A + rho (s w^T + w s^T)`` for BFGS, with the secant error ``r = s - h`` and
    ``w = r - (rho y^T r / 2) s`` (two rank-1 pulse updates whose size is that of the
    change itself, so the devices' step spread errs relative to the change, not to
    ``A``); DFP is ``A+ = A - h h^T / y^T h + s s^T / y^T s`` (two) and SR1 is
    ``A+ = A + u u^T / u^T y`` with ``u = s - h`` (one) [2]_. ``gamma`` is the latest
    ``y^T s / y^T y``.

    **What is digital.** For BFGS with ``memory = m > 0`` the crossbar holds the BFGS
    matrix of all pairs but the last ``m``, which the CPU keeps (``2 n m`` numbers) and
    applies by the two-loop recursion with ``A`` as the initial matrix (Nocedal & Wright's
    Algorithm 7.4 [2]_): ``q`` is ``g`` after the first loop (``2 n m`` multiply-adds), the
    crossbar reads ``r = A q`` (one analog read), and the second loop (``2 n m``) gives
    ``p = -H g``. A pair leaving the window is pulsed onto ``A``, so in exact arithmetic
    ``H`` is the full-memory BFGS matrix and the secant condition of the last ``m`` pairs
    holds exactly whatever the analog error. Per iteration: one read for the direction,
    one for the trust test, one for ``A y`` and one for the secant check, two rank-1
    updates, and ``4 n m + O(n)`` digital multiply-adds; each re-programming costs the
    programming pulses and verify reads on the ledger plus, with ``'replay'``,
    ``O(n^2 replay_memory)`` digital multiply-adds (``res.n_digital_macs`` counts them). At
    the end the window is pulsed onto the crossbar, so ``hess_inv`` holds the whole
    approximation. Analog error enters only through ``A``, as a perturbed initial matrix;
    the trust test falls back to ``gamma I`` (plain L-BFGS with ``m`` pairs) while ``A`` is
    worse than that, and the descent check keeps every step a descent step.

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
    holder_kw = dict(device=device, periphery=periphery, rng=rng,
                     update_mode=opts["update_mode"], headroom=opts["headroom"],
                     spd=method in ("bfgs", "dfp"), repeats=opts["readout_repeats"],
                     readout_repeats=opts["reprogram_repeats"], program=opts["program"])
    hess = _HybridInverse(method, n, opts, holder_kw)
    if opts["hess_inv0"] is not None:
        hess.start(opts["hess_inv0"])
    counters = hess.counters
    allvecs = [x0.copy()] if opts["return_all"] else None

    def finish(status, x, f, g, k, message=None):
        hess.flush()
        extra = dict(counters, secant_residual=np.asarray(hess.secant),
                     n_digital_macs=hess.digital_macs + hess.holder.digital_macs)
        if allvecs is not None:
            extra["allvecs"] = allvecs
        res = _result(status, x, f, g, k, obj, hess.holder, extra, method, message)
        logger.info("analog %s: %s (nit=%d, nfev=%d)", method, res.message, k, obj.nfev)
        return res

    x = x0
    f, g = obj(x)
    if not (np.isfinite(f) and np.all(np.isfinite(g))):
        return finish(3, x, f, g, 0,
                      f"{_STATUS[3]} fun or its gradient is not finite at x0 (f={f!r}).")

    old_old_f = f + 0.5 * np.linalg.norm(g)
    k, status = 0, 0
    gnorm = _vecnorm(g, norm)
    progress = _progress(opts["disp"], maxiter, method)
    try:
        while gnorm > gtol and k < maxiter:
            p, fallback = hess.direction(g, analog=True)
            alpha, f_new, g_new = _line_search(obj, x, p, f, g, old_old_f, opts)
            if alpha is None and not fallback:
                # The analog part misled the search: retry with the digital part alone.
                p, _ = hess.direction(g, analog=False)
                alpha, f_new, g_new = _line_search(obj, x, p, f, g, old_old_f, opts)
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
            hess.add_pair(s, y)
        else:
            if gnorm > gtol:
                status = 1
    finally:
        progress.close()
    if status == 0 and not (np.isfinite(f) and np.all(np.isfinite(x))):
        status = 3
    return finish(status, x, f, g, k)


class _HybridInverse:
    """The inverse-Hessian approximation: a crossbar plus a digital window of recent pairs.

    ``H_k`` is the crossbar matrix ``A`` (the quasi-Newton matrix of all pairs older than
    the window) updated by the last ``memory`` pairs ``(s_i, y_i)``, which are kept
    digitally and applied in BFGS product form by the two-loop recursion (Nocedal & Wright
    2006, Algorithm 7.4, with ``A`` as the initial matrix). One direction costs one analog
    read ``A q`` and ``4 n memory`` digital multiply-accumulates. A pair leaving the window
    is pulsed onto the crossbar (``A <- BFGS(A, s, y)``, one read ``A y`` and two rank-1
    updates), so in exact arithmetic ``H_k`` is the full-memory BFGS matrix. With
    ``memory=0`` (SR1, DFP) every pair goes straight to the crossbar.
    """

    def __init__(self, method, n, opts, holder_kw):
        self.method, self.n, self.opts, self.holder_kw = method, n, opts, holder_kw
        self.memory = opts["memory"]
        self.holder = None
        self.window = []
        self.replay = []
        self.trusted = True
        self.gamma = 1.0
        self.secant = []
        self.digital_macs = 0
        self.counters = {"n_reset": 0, "n_skipped": 0, "n_fallback": 0, "n_pulsed": 0,
                         "n_untrusted": 0}

    def start(self, H0):
        self.holder = _AnalogMatrix(H0, **self.holder_kw)

    def _analog(self, q):
        """``A q`` by the crossbar, or ``None`` when the read is not a descent direction."""
        r = self.holder.matvec(q)
        if _is_descent(q, -r, self.opts["descent_tol"]):
            return r
        self.counters["n_fallback"] += 1
        if self.opts["reset_on_fallback"]:
            self.reset()
        return None

    def reset(self):
        """Re-program ``A`` from its digital replay (or as ``gamma I``)."""
        if self.opts["reprogram"] == "replay" and self.replay:
            self.holder.program(self._replay_matrix())
        else:
            self.holder.program(self.gamma * np.eye(self.n))
        self.counters["n_reset"] += 1

    def _replay_matrix(self):
        """The method's matrix of the last ``replay_memory`` pulsed pairs, built digitally
        from ``gamma I`` (``gamma`` of the newest of them) in float64."""
        s, y = self.replay[-1]
        H = (float(s @ y) / float(y @ y)) * np.eye(self.n)
        for s, y in self.replay:
            h = H @ y
            terms = self._terms(s, y, h)
            if terms:
                H = _apply_dense(H, terms)
            self.digital_macs += self.n * self.n * (1 + len(terms))
        return H

    def _terms(self, s, y, h):
        """The method's rank-1 terms for the pair, or ``[]`` when its safeguard skips it."""
        tol = self.opts["curvature_tol"]
        if self.method == "sr1":
            u = s - h
            if abs(float(u @ y)) <= tol * np.linalg.norm(u) * np.linalg.norm(y):
                return []
            return _sr1_terms(s, y, h)
        if not float(s @ y) > tol * np.linalg.norm(s) * np.linalg.norm(y):
            return []
        if self.method == "dfp":
            return _dfp_terms(s, y, h) if float(y @ h) > 0 else []
        return _bfgs_terms(s, y, h)

    def direction(self, g, analog):
        """``(p, fallback)`` with ``p = -H g``; ``fallback`` when ``A`` was replaced by
        ``gamma I`` for this step (a failed descent check or ``analog=False``)."""
        if self.holder is None:
            return -g, True
        q = g.copy()
        coef = []
        for s, y, rho in reversed(self.window):
            a = rho * float(s @ q)
            q -= a * y
            coef.append(a)
        r = self._analog(q) if analog and self.trusted else None
        fallback = r is None
        if fallback:
            r = self.gamma * q
        for (s, y, rho), a in zip(self.window, reversed(coef), strict=True):
            r = r + (a - rho * float(y @ r)) * s
        self.digital_macs += 4 * self.n * len(self.window)
        return -r, fallback

    def add_pair(self, s, y):
        """Digest the step ``s`` and gradient change ``y`` (curvature test, window, pulses)."""
        sy, yy = float(s @ y), float(y @ y)
        if sy > 0 and yy > 0:
            self.gamma = sy / yy
        if self.holder is None:
            self.start((self.gamma if self.opts["scaling"] == "init" else 1.0)
                       * np.eye(self.n))
        if self.memory == 0:
            self._pulse(s, y)
            return
        tol = self.opts["curvature_tol"]
        if self.opts["curvature"] == "damp":
            s, _ = _damp_bfgs(s, y, -self.direction(y, analog=True)[0])
        sy = float(s @ y)
        if not sy > tol * np.linalg.norm(s) * np.linalg.norm(y):
            self.counters["n_skipped"] += 1
            return
        ratio = self.opts["trust_ratio"]
        if ratio is not None:
            # Use the crossbar only while it predicts the newest pair clearly better than
            # the best multiple of I does (gamma minimises ||gamma y - s||).
            miss = np.linalg.norm(self.holder.matvec(y) - s)
            self.trusted = bool(miss < ratio * np.linalg.norm(self.gamma * y - s))
            self.counters["n_untrusted"] += not self.trusted
        self.window.append((s, y, 1.0 / sy))
        if len(self.window) > self.memory:
            s_old, y_old, _ = self.window.pop(0)
            self._pulse(s_old, y_old)

    def flush(self):
        """Pulse the whole window onto the crossbar, so that it holds ``H_k`` itself."""
        if self.holder is None:
            self.start(np.eye(self.n))
        while self.window:
            s, y, _ = self.window.pop(0)
            self._pulse(s, y)

    def _pulse(self, s, y):
        holder, opts = self.holder, self.opts
        h = holder.matvec(y)
        if opts["curvature"] == "damp" and self.method != "sr1" and self.memory == 0:
            s, _ = _damp_bfgs(s, y, h)
        terms = self._terms(s, y, h)
        if not terms:
            self.counters["n_skipped"] += 1
            return
        self.replay.append((s, y))
        del self.replay[:-opts["replay_memory"]]
        holder.update(terms, self._replay_matrix if opts["reprogram"] == "replay" else None)
        self.counters["n_pulsed"] += 1
        if opts["secant_check"]:
            r = float(np.linalg.norm(holder.matvec(y) - s) / np.linalg.norm(s))
            self.secant.append(r)
            if opts["reset_tol"] is not None and r > opts["reset_tol"]:
                self.reset()


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
