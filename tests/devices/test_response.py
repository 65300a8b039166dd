"""Response models: fitting a lookup table to a measured trace."""

import numpy as np

from analoglinalg.devices import Device, LinearStep, PiecewiseStep, response_curve


def test_piecewise_from_linear_trace():
    dev = Device(response=LinearStep(gamma_up=0.3, gamma_down=0.5), dw_min=0.01,
                 w_min=-1.0, w_max=1.0)
    w = response_curve(dev, 400, 400, nominal=True, rng=0).w[:, 0].astype(float)
    assert w[400] == np.float32(dev.w_max) and w[-1] == np.float32(dev.w_min)
    model, w_min, w_max, dw_min = PiecewiseStep.from_trace(w[:401], w[400:], n_nodes=16)
    assert np.isclose(w_min, dev.w_min) and np.isclose(w_max, dev.w_max)
    grid = np.linspace(w_min, w_max, 16)[2:-2]
    # Steps are linear in w, so a bin's mean step is the step at its centre; the ends are
    # excluded because the last step into a bound is clipped.
    np.testing.assert_allclose(dw_min * model.q_up(grid, w_min, w_max),
                               dev.step_up(grid), rtol=0.02)
    np.testing.assert_allclose(dw_min * model.q_down(grid, w_min, w_max),
                               dev.step_down(grid), rtol=0.02)
