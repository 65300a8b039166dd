"""The analog methods as scipy.optimize.minimize(method=callable) follow SciPy's conventions."""

import importlib.util
import pathlib

import numpy as np
import pytest
import scipy.optimize as so

import analoglinalg.optimize as aopt


def _load_mgh():
    # The suite runs with --import-mode=importlib, so a sibling helper is loaded by path.
    spec = importlib.util.spec_from_file_location(
        "optimize_mgh", pathlib.Path(__file__).with_name("optimize_mgh.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_MGH = _load_mgh()
# SciPy conventions do not depend on the device: the exact one keeps these tests fast.
IDEAL = {"rng": 0, "device": "ideal", "periphery": "ideal", "update_mode": "mean_field",
         "trust_ratio": None}
extended_rosenbrock = _MGH.extended_rosenbrock


@pytest.mark.parametrize("method", [aopt.bfgs, aopt.sr1, aopt.dfp])
def test_result_fields_match_scipy_bfgs(method):
    x0 = np.array([0.5, -0.3, 0.2])
    A = np.diag([1.0, 4.0, 9.0])

    def fun(x):
        return 0.5 * x @ A @ x

    ref = so.minimize(fun, x0, method="BFGS", jac=lambda x: A @ x)
    res = so.minimize(fun, x0, method=method, jac=lambda x: A @ x, options={**IDEAL})
    assert isinstance(res, so.OptimizeResult)
    assert set(ref) <= set(res)
    assert res.success and res.status == 0
    np.testing.assert_allclose(res.x, ref.x, atol=1e-5)
    assert isinstance(res.nit, int) and res.nfev >= res.nit and res.njev >= res.nit


def test_jac_true_and_finite_differences():
    fun, x0 = extended_rosenbrock(4)
    a = so.minimize(fun, x0, jac=True, method=aopt.bfgs, options={**IDEAL})
    b = so.minimize(lambda x: fun(x)[0], x0, method=aopt.bfgs, options={**IDEAL})
    c = so.minimize(lambda x: fun(x)[0], x0, jac="2-point", method=aopt.bfgs,
                    options={**IDEAL})
    for res in (a, b, c):
        assert res.success, res.message
        np.testing.assert_allclose(res.x, np.ones(4), atol=1e-4)
    assert b.nfev > a.nfev  # finite differences pay n evaluations per gradient


def test_tol_maps_to_gtol():
    fun, x0 = extended_rosenbrock(4)
    loose = so.minimize(fun, x0, jac=True, method=aopt.bfgs, tol=1e-2, options={**IDEAL})
    tight = so.minimize(fun, x0, jac=True, method=aopt.bfgs, tol=1e-7, options={**IDEAL})
    assert np.abs(loose.jac).max() <= 1e-2 and np.abs(tight.jac).max() <= 1e-7
    assert loose.nit < tight.nit


def test_new_style_callback_and_stop_iteration():
    fun, x0 = extended_rosenbrock(4)
    seen = []

    def callback(intermediate_result):
        seen.append(intermediate_result.fun)
        if len(seen) == 3:
            raise StopIteration

    res = so.minimize(fun, x0, jac=True, method=aopt.bfgs, callback=callback,
                      options={**IDEAL})
    assert len(seen) == 3 and res.nit == 3
    assert not res.success and res.status == 99
    assert res.message == "`callback` raised `StopIteration`."
    assert res.fun == seen[-1]


def test_legacy_callback_gets_a_copy_of_xk():
    fun, x0 = extended_rosenbrock(4)
    xs = []
    res = so.minimize(fun, x0, jac=True, method=aopt.bfgs, callback=xs.append,
                      options={**IDEAL, "return_all": True})
    assert len(xs) == res.nit
    np.testing.assert_array_equal(xs[-1], res.x)
    np.testing.assert_array_equal(np.array(xs), np.array(res.allvecs[1:]))


def test_hess_bounds_constraints_and_unknown_options_are_accepted_with_warning():
    fun, x0 = extended_rosenbrock(4)
    with pytest.warns(so.OptimizeWarning, match="ignoring"):
        res = so.minimize(fun, x0, jac=True, method=aopt.bfgs, hess=lambda x: np.eye(4),
                          bounds=[(None, None)] * 4, options={**IDEAL})
    assert res.success
    with pytest.warns(so.OptimizeWarning, match="Unknown solver options: frobnicate"):
        res = so.minimize(fun, x0, jac=True, method=aopt.bfgs,
                          options={**IDEAL, "frobnicate": 1})
    assert res.success


def test_bad_option_value_raises_through_scipy():
    with pytest.raises(ValueError, match=r"options\['gtol'\]"):
        so.minimize(lambda x: x @ x, np.ones(2), method=aopt.bfgs, options={"gtol": -1.0})
