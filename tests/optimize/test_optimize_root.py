"""analoglinalg.optimize.root: Broyden methods with the inverse Jacobian on a crossbar."""

import numpy as np
import pytest
import scipy.optimize as so

from analoglinalg.optimize import root


def _powell_hybrid(x):
    # The example system of scipy.optimize.root's documentation.
    return np.array([x[0] + 0.5 * (x[0] - x[1]) ** 3 - 1.0, 0.5 * (x[1] - x[0]) ** 3 + x[1]])


def _broyden_tridiagonal(x):
    # MGH 1981 problem 30 in residual form; its residuals vanish at the solution.
    xp = np.r_[0.0, x, 0.0]
    return (3 - 2 * x) * x - xp[:-2] - 2 * xp[2:] + 1


@pytest.mark.parametrize("method", ["broyden1", "broyden2"])
@pytest.mark.parametrize("jac_init", ["scalar", "fd"])
def test_matches_scipy_root(method, jac_init):
    ref = so.root(_powell_hybrid, [0.0, 0.0], method="hybr")
    res = root(_powell_hybrid, [0.0, 0.0], method=method, rng=0,
               options={"jac_init": jac_init})
    assert res.success, res.message
    assert np.abs(res.fun).max() <= np.finfo(float).eps ** (1 / 3)
    # |x - x*| <= |J^-1| |F|: J at the root has smallest singular value ~0.7.
    np.testing.assert_allclose(res.x, ref.x, atol=2e-5)
    assert {"x", "fun", "success", "status", "message", "nfev", "nit"} <= set(res)


@pytest.mark.parametrize("method", ["broyden1", "broyden2"])
def test_noisy_broyden_does_not_run_away(method):
    """Read noise can turn the crossbar's inverse Jacobian into one whose direction raises
    ||F||; a full-step fallback then ran to |x| ~ 1e36-1e103 on 7 of 20 noise seeds of
    broyden1 with the scalar start. Reset-then-shortest-step converges on every seed."""
    for seed in range(10):
        res = root(_powell_hybrid, [0.0, 0.0], method=method, rng=seed)
        assert res.success, (seed, res.message)
        assert np.abs(res.fun).max() <= np.finfo(float).eps ** (1 / 3)


@pytest.mark.parametrize("method", ["broyden1", "broyden2"])
def test_protonic_broyden_tridiagonal(method):
    res = root(_broyden_tridiagonal, -np.ones(10), method=method, rng=1,
               options={"jac_init": "fd", "fatol": 1e-8})
    assert res.success, res.message
    assert np.abs(_broyden_tridiagonal(res.x)).max() <= 1e-8


def test_callback_stop_and_errors():
    def stop(intermediate_result):
        raise StopIteration

    res = root(_powell_hybrid, [0.0, 0.0], callback=stop, rng=0)
    assert res.status == 99 and not res.success and res.nit == 1
    with pytest.raises(ValueError, match="method must be one of"):
        root(_powell_hybrid, [0.0, 0.0], method="hybr")
    with pytest.raises(ValueError, match="unknown option"):
        root(_powell_hybrid, [0.0, 0.0], options={"xtol": 1.0})
    with pytest.raises(ValueError, match=r"fun must return an array of shape \(2,\)"):
        root(lambda x: np.ones(3), [0.0, 0.0])
    with pytest.raises(ValueError, match="x0 must be finite"):
        root(_powell_hybrid, [np.nan, 0.0])
    res = root(lambda x: np.full(2, np.nan), [0.0, 0.0])
    assert not res.success and res.status == 3
