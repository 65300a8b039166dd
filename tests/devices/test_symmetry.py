"""Symmetry points: analytic formula, bisection, and the fixed point of alternating pulses."""

import dataclasses

import numpy as np
import pytest

from analoglinalg.devices import DeviceArray, LinearStep, get_device

LINEAR_CASES = [("li_ecram_2018", None), ("mo_ecram_2019", None), ("protonic_psg_2022", 0.1)]


def _nominal(name, up_down):
    dev = get_device(name).nominal()
    return dev if up_down is None else dataclasses.replace(dev, up_down=up_down)


def _analytic_linear(dev):
    r = dev.response
    return ((dev.dw_up - dev.dw_down)
            / (dev.dw_up * r.gamma_up / dev.w_max - dev.dw_down * r.gamma_down / dev.w_min))


def _alternate(dev, starts, n_pairs):
    devices = DeviceArray(dev, (len(starts),), rng=0)
    devices.w = starts
    one = np.ones(len(starts), dtype=np.int64)
    for _ in range(n_pairs):
        devices.apply_pulses(one)
        devices.apply_pulses(-one)
    return devices.w.astype(float)


@pytest.mark.parametrize("name,up_down", LINEAR_CASES)
def test_linear_step_symmetry_point(name, up_down):
    dev = _nominal(name, up_down)
    assert isinstance(dev.response, LinearStep)
    w_star = _analytic_linear(dev)
    assert dev.symmetry_point() == pytest.approx(w_star, abs=1e-12)
    # One up-down pair is an affine map for linear steps: with u(w) = a_u + b_u w and
    # d(w) = a_d + b_d w, w' = w + u(w) - d(w + u(w)) = lam*w + c, lam = (1 + b_u)(1 - b_d).
    r = dev.response
    a_u, b_u = dev.dw_up, -dev.dw_up * r.gamma_up / dev.w_max
    a_d, b_d = dev.dw_down, -dev.dw_down * r.gamma_down / dev.w_min
    lam = (1 + b_u) * (1 - b_d)
    c = a_u - a_d - b_d * a_u
    fixed = c / (1 - lam)
    # The discrete fixed point is the continuous symmetry point up to O(dw_min).
    assert abs(fixed - w_star) <= 2 * dev.dw_min
    n_pairs = 1000
    w = _alternate(dev, [dev.w_min, w_star], n_pairs)
    # Started at w_min, the distance shrinks by lam per pair (too slowly for these
    # ~1000-state devices to converge in 2000 pulses: lam**1000 is 0.24 to 0.70).
    predicted = fixed + lam**n_pairs * (dev.w_min - fixed)
    assert abs(w[0] - predicted) <= dev.dw_min
    assert abs(w[0] - w_star) < abs(dev.w_min - w_star)
    # Started at the symmetry point, alternating pulses stay there.
    assert abs(w[1] - w_star) <= 2 * dev.dw_min


def test_reram_alternating_pulses_converge_to_symmetry_point():
    dev = get_device("reram_gong_2018").nominal()
    w_star = dev.symmetry_point()
    assert dev.w_min < w_star < dev.w_max
    assert abs(float(dev.step_up(w_star) - dev.step_down(w_star))) <= 1e-12 * dev.dw_min
    # Linearised contraction per pair ~ 1 - 0.002, so 4000 pairs shrink the distance from
    # either bound by exp(-8) ~ 3e-4, below a step.
    w = _alternate(dev, [dev.w_min, dev.w_max], 4000)
    assert np.all(np.abs(w - w_star) <= 2 * dev.dw_min)
