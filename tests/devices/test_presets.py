"""Presets: bounded under long pulse trains, and their documented key numbers."""

import numpy as np
import pytest

from analoglinalg.devices import DeviceArray, get_device, list_devices, response_curve


@pytest.mark.parametrize("name", list_devices())
def test_preset_states_stay_within_bounds(name):
    devices = DeviceArray(get_device(name), (16,), rng=7)
    assert np.all(devices.b_min < devices.b_max)
    devices.w = devices.b_min
    # The state is stored as weights = w - w_ref in float32, so reading w back costs up to
    # one rounding of the subtraction and one of the addition: 1 ulp of the larger magnitude.
    slack = np.spacing(np.maximum(np.abs(devices.b_min), np.abs(devices.b_max))
                       + np.abs(devices.w_ref))
    # Chunks of 50: the kernel applies (and clips) them one pulse at a time; checking after
    # each chunk keeps the number of kernel launches small.
    chunk = np.full(16, 50, dtype=np.int64)
    gen = np.random.default_rng(8)
    for k in range(40):
        devices.apply_pulses(chunk if k < 20 else -chunk, gen)
        w = devices.w
        assert np.all(np.isfinite(w))
        assert np.all(w >= devices.b_min - slack) and np.all(w <= devices.b_max + slack)


def test_protonic_spans_20x_in_1000_pulses():
    dev = get_device("protonic_psg_2022")
    g = response_curve(dev, n_down=0, nominal=True, rng=0).conductance[:, 0]
    # LinearStep(0.1) from w=-1: dw/dn = 0.002*(1 - 0.1 w), so w(n) = 10 - 11*exp(-2e-4 n):
    # w(1000) = 0.9937 -> g ratio 1 + 19*(1.9937/2) = 19.94, and 95 % of the range
    # (w = 0.9) is reached after n = ln(11/9.1)/2e-4 = 948 pulses (Onen et al. 2022: ~1000
    # states over the 20x range in 1000 pulses).
    assert 19.0 < g[1000] / g[0] < 20.0
    target = dev.g_min + 0.95 * (dev.g_max - dev.g_min)
    n95 = int(np.argmax(g >= target))
    assert g[n95] >= target
    assert 900 <= n95 <= 1000
    assert abs(n95 - 948) <= 2


def test_protonic_is_symmetric_at_its_symmetry_point():
    dev = get_device("protonic_psg_2022").nominal()
    w_sp = dev.symmetry_point()
    up, down = float(dev.step_up(w_sp)), float(dev.step_down(w_sp))
    assert abs(up - down) <= 1e-12 * up
    assert dev.asymmetry == 0.0


def test_reram_asymmetry_matches_expstep_equations():
    dev = get_device("reram_gong_2018")
    r = dev.response
    assert dev.up_down == pytest.approx(0.259, abs=5e-4)
    mid = 0.5 * (dev.w_min + dev.w_max)
    # ExpStep: z = 2 a w/(w_max - w_min) + b, q_up = 1 - A_up e^{gamma_up z},
    # q_down = 1 - A_down e^{-gamma_down z}; up_down > 0 scales the down step by 1 - up_down.
    z = 2 * r.a * mid / (dev.w_max - dev.w_min) + r.b
    q_up = 1 - r.A_up * np.exp(r.gamma_up * z)
    q_down = 1 - r.A_down * np.exp(-r.gamma_down * z)
    expected = q_up / ((1 - dev.up_down) * q_down)
    ratio = float(dev.step_up(mid)) / float(dev.step_down(mid))
    assert ratio == pytest.approx(expected, rel=1e-12)
    expected_asym = 2 * abs(ratio - 1) / (ratio + 1)
    assert dev.asymmetry == pytest.approx(expected_asym, rel=1e-12)
    assert dev.asymmetry > 0.25
