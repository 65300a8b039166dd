"""analoglinalg.optimize.minimize: ideal-device equivalence, protonic convergence, errors."""

import importlib.util
import pathlib

import numpy as np
import pytest

from analoglinalg.optimize import minimize
from analoglinalg.optimize._line_search import _strong_wolfe


def _load_mgh():
    # The suite runs with --import-mode=importlib, so a sibling helper is loaded by path.
    spec = importlib.util.spec_from_file_location(
        "optimize_mgh", pathlib.Path(__file__).with_name("optimize_mgh.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_MGH = _load_mgh()
F_X0 = _MGH.F_X0
PROBLEMS = _MGH.PROBLEMS
extended_rosenbrock = _MGH.extended_rosenbrock
make = _MGH.make


def _ideal():
    try:
        from analoglinalg.crossbar import Periphery
    except ImportError:
        return {"device": "ideal", "periphery": None}
    return {"device": "ideal", "periphery": Periphery.ideal()}


# With the trust test off and re-programming from the (exact) read-out, the hybrid on an
# exact device is full-memory BFGS.
IDEAL_OPTS = {"update_mode": "mean_field", "trust_ratio": None, "reprogram": "readout"}


def _digital_bfgs(fun, x0, gtol=1e-5, maxiter=2000):
    """Dense float64 BFGS with the textbook product-form update (N&W eq. 6.17), the same
    strong-Wolfe search, first-step guess and H0 = (y^T s / y^T y) I scaling (eq. 6.20)."""
    x = np.asarray(x0, float)
    f, g = fun(x)
    H = None
    old_old = f + 0.5 * np.linalg.norm(g)
    k = 0
    while np.abs(g).max() > gtol and k < maxiter:
        p = -(g if H is None else H @ g)
        gp = g @ p
        a1 = min(1.0, 1.01 * 2 * (f - old_old) / gp)

        def phi(a, x=x, p=p):
            fa, ga = fun(x + a * p)
            return fa, ga @ p

        a, fa, _ = _strong_wolfe(phi, f, gp, a1)
        s = a * p
        x_new = x + s
        f_new, g_new = fun(x_new)
        y = g_new - g
        old_old, x, f, g = f, x_new, f_new, g_new
        k += 1
        if np.abs(g).max() <= gtol:
            break
        if H is None:
            H = (s @ y) / (y @ y) * np.eye(x.size)
        rho = 1 / (y @ s)
        V = np.eye(x.size) - rho * np.outer(y, s)
        H = V.T @ H @ V + rho * np.outer(s, s)
    return x, k


def test_mgh_definitions_match_published_start_values():
    for name, (res, x0, _, _) in PROBLEMS.items():
        f0, g0 = make(res)(np.array(x0))
        assert f0 == pytest.approx(F_X0[name], rel=1e-5), name
        # Gradient against central differences: validates the Jacobians themselves.
        h = 1e-6
        fd = np.array([(make(res)(np.array(x0) + h * e)[0] - make(res)(np.array(x0) - h * e)[0])
                       / (2 * h) for e in np.eye(len(x0))])
        np.testing.assert_allclose(g0, fd, rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize("n", [10, 40])
def test_ideal_bfgs_follows_digital_bfgs_on_extended_rosenbrock(n):
    fun, x0 = extended_rosenbrock(n)
    x_ref, nit_ref = _digital_bfgs(fun, x0)
    res = minimize(fun, x0, jac=True, rng=0, options=IDEAL_OPTS, **_ideal())
    assert res.success, res.message
    # float32 storage perturbs H by ~1e-7 relative; on this problem the trajectories stay
    # together up to the final superlinear phase, where one or two extra steps may appear.
    assert abs(res.nit - nit_ref) <= max(2, 0.05 * nit_ref)
    np.testing.assert_allclose(res.x, x_ref, atol=1e-4)
    np.testing.assert_allclose(res.x, np.ones(n), atol=1e-4)
    assert res.n_fallback == 0 and res.n_skipped == 0


def test_ideal_hess_inv_satisfies_last_secant_pair():
    fun, x0 = extended_rosenbrock(6)
    res = minimize(fun, x0, jac=True, rng=0, options={**IDEAL_OPTS, "return_all": True},
                   **_ideal())
    H = res.hess_inv.read()
    np.testing.assert_allclose(H, H.T, atol=1e-5 * np.abs(H).max())
    assert np.linalg.eigvalsh(0.5 * (H + H.T)).min() > 0
    # The secant health metric of an exact device is float32 rounding.
    assert np.max(res.secant_residual) < 1e-3


_NO_WINDOW = ("protonic DFP has no digital window (memory=0): every direction is one noisy "
              "analog read of H, whose pulsed and re-programmed entries err by a few % of "
              "their column maximum; at cond 1e3 DFP (unlike BFGS) needs a "
              "re-programming on ~80 % of iterations and does not reach gtol=1e-6 within "
              "2000 iterations (seeds 1-3)")

_SR1_SEEDS = ("protonic SR1 has no digital window either: at cond 1e3 it converges on 4 of 6 "
              "noise seeds (rng 1-6, 554-725 iterations); on the others the line search "
              "stalls near the optimum (precision loss) before gtol=1e-6")


@pytest.mark.parametrize("method", ["bfgs", "sr1", "dfp"])
@pytest.mark.parametrize("kappa", [10.0, pytest.param(1e2, marks=pytest.mark.slow),
                                   pytest.param(1e3, marks=pytest.mark.slow)])
def test_protonic_converges_on_quadratics(method, kappa, request):
    if kappa == 1e3 and method == "dfp":
        request.applymarker(pytest.mark.xfail(reason=_NO_WINDOW))
    if kappa == 1e3 and method == "sr1":
        request.applymarker(pytest.mark.xfail(reason=_SR1_SEEDS, strict=False))
    rng = np.random.default_rng(3)
    n = 12
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = Q @ np.diag(np.logspace(0, np.log10(kappa), n)) @ Q.T
    b = rng.standard_normal(n)
    x_star = np.linalg.solve(A, b)

    def fun(x):
        return 0.5 * x @ A @ x - b @ x, A @ x - b

    res = minimize(fun, np.zeros(n), jac=True, method=method, rng=1,
                   options={"gtol": 1e-6, "maxiter": 2000})
    assert res.success, res.message
    # gtol = 1e-6 keeps f - f* ~ |g|^2 / 2 well above float64 resolution of f.
    # ||x - x*|| <= ||A^-1|| ||g||_2 <= sqrt(n) gtol / lambda_min with lambda_min = 1.
    assert np.linalg.norm(res.x - x_star) <= np.sqrt(n) * 1e-6


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_protonic_bfgs_reaches_published_mgh_minima(name):
    residual, x0, f_star, _ = PROBLEMS[name]
    res = minimize(make(residual), np.array(x0), jac=True, rng=2,
                   options={"gtol": 1e-6, "maxiter": 2000})
    assert res.success, res.message
    assert res.fun <= f_star + 1e-8


def test_protonic_bfgs_powell_singular_without_resets():
    # The singular Hessian at x* makes H grow without bound: the case that used to fail.
    residual, x0, f_star, _ = PROBLEMS["powell_singular"]
    res = minimize(make(residual), np.array(x0), jac=True, rng=2,
                   options={"gtol": 1e-6, "maxiter": 2000})
    assert res.success, res.message
    assert res.fun <= f_star + 1e-8
    # Re-programming replays digital pairs, so nothing forces a reset to gamma I; every
    # pulsed pair is one the window let go of.
    assert res.n_reset == 0
    assert res.n_pulsed == res.nit - 1 - res.n_skipped


def test_window_is_flushed_into_hess_inv():
    fun, x0 = extended_rosenbrock(6)
    res = minimize(fun, x0, jac=True, rng=0, options=IDEAL_OPTS, **_ideal())
    assert res.success
    # Every accepted pair (one per iteration but the last) ends on the crossbar, so
    # hess_inv is the whole approximation.
    assert res.n_pulsed == res.nit - 1 - res.n_skipped
    assert res.n_digital_macs > 0


def test_memory_only_for_bfgs():
    with pytest.raises(ValueError, match=r"options\['memory'\] must be 0 for method 'sr1'"):
        minimize(lambda x: x @ x, np.ones(2), method="sr1", options={"memory": 3})


def test_finite_difference_gradient_and_args():
    def fun(x, c):
        return np.sum((x - c) ** 2) + np.sum(x) ** 2

    c = np.array([1.0, -2.0, 0.5])
    res = minimize(fun, np.zeros(3), args=(c,), rng=0, options=IDEAL_OPTS, **_ideal())
    # Minimiser of |x - c|^2 + (1^T x)^2: (I + 11^T) x = c.
    x_star = np.linalg.solve(np.eye(3) + np.ones((3, 3)), c)
    assert res.success
    np.testing.assert_allclose(res.x, x_star, atol=1e-6)
    assert res.nfev > res.nit * 3  # forward differences cost n evaluations per gradient
    assert res.njev == 0


def test_result_fields_and_cost():
    fun, x0 = extended_rosenbrock(4)
    res = minimize(fun, x0, jac=True, rng=0, options={"maxiter": 5})
    for key in ("x", "fun", "jac", "nit", "nfev", "njev", "status", "success", "message",
                "hess_inv", "cost", "n_reprogram", "secant_residual"):
        assert key in res
    assert res.hess_inv.shape == (4, 4)
    assert res.cost is res.hess_inv.cost


def test_same_seed_same_result():
    fun, x0 = extended_rosenbrock(6)
    a = minimize(fun, x0, jac=True, rng=5, options={"maxiter": 10})
    b = minimize(fun, x0, jac=True, rng=5, options={"maxiter": 10})
    assert a.nit == b.nit and np.array_equal(a.x, b.x)


def test_stop_at_maxiter_reports_status_1():
    fun, x0 = extended_rosenbrock(6)
    res = minimize(fun, x0, jac=True, rng=0, options={"maxiter": 3})
    assert not res.success and res.status == 1 and res.nit == 3
    assert "Maximum number of iterations" in res.message


@pytest.mark.parametrize("x0", [[np.nan, 1.0], [np.inf, 0.0]])
def test_non_finite_x0_raises(x0):
    with pytest.raises(ValueError, match="x0 must be finite"):
        minimize(lambda x: x @ x, x0)


def test_nan_at_start_gives_failed_result():
    res = minimize(lambda x: np.nan, [1.0, 2.0], jac=lambda x: np.zeros(2))
    assert not res.success and res.status == 3
    assert "not finite at x0" in res.message


def test_nan_away_from_start_is_survived():
    # f is NaN for x > 2: the line search must shorten the step instead of failing.
    def fun(x):
        return (np.nan if x[0] > 2 else (x[0] - 1.5) ** 2), np.array([2 * (x[0] - 1.5)])

    res = minimize(fun, [-10.0], jac=True, rng=0)
    assert res.success
    assert res.x[0] == pytest.approx(1.5, abs=1e-5)


def test_wrong_jac_shape_raises():
    with pytest.raises(ValueError, match=r"jac must return an array of shape \(3,\)"):
        minimize(lambda x: x @ x, np.ones(3), jac=lambda x: np.ones(2))


def test_non_scalar_fun_raises():
    with pytest.raises(ValueError, match="fun must return a scalar"):
        minimize(lambda x: x, np.ones(3))


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"method": "newton"}, ValueError, "method must be one of"),
        ({"options": {"gtoll": 1e-3}}, ValueError, "unknown option"),
        ({"options": {"c2": 1e-5}}, ValueError, r"options\['c2'\]"),
        ({"options": {"update_mode": "magic"}}, ValueError, "update_mode"),
        ({"options": {"readout_repeats": 0}}, ValueError, "readout_repeats"),
        ({"options": {"reprogram": "guess"}}, ValueError, "reprogram"),
        ({"options": {"trust_ratio": -1.0}}, ValueError, "trust_ratio"),
        ({"options": {"memory": -1}}, ValueError, "memory"),
        ({"device": "nope"}, ValueError, "unknown device"),
        ({"jac": "5-point"}, ValueError, "jac must be one of"),
        ({"callback": 3}, TypeError, "callback must be callable"),
    ],
)
def test_bad_arguments_raise(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        minimize(lambda x: x @ x, np.ones(2), **kwargs)
