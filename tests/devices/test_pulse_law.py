"""The protonic pulse law of Onen et al. (Science 2022)."""

import numpy as np

from analoglinalg.devices import ProtonicPulseLaw, get_device


def test_step_scale_reference_and_width():
    law = ProtonicPulseLaw()
    assert law.step_scale(5e-9, 10.0) == 1.0
    np.testing.assert_allclose(law.step_scale(10e-9, 10.0), 2**1.2, rtol=4e-16)


def test_half_select_ratio():
    # Independent constants (CODATA 2018): kappa = q a / (2 k_B T d), a = 0.56 nm, d = 10 nm.
    q, k_b = 1.602176634e-19, 1.380649e-23
    kappa = q * 0.56e-9 / (2 * k_b * 300.0 * 10e-9)
    expected = np.sinh(kappa * 10) / np.sinh(kappa * 5)
    assert 200 < expected < 240  # research/onen.md 1.1: sinh(10.8)/sinh(5.4) ~ 220
    law = ProtonicPulseLaw()
    np.testing.assert_allclose(law.kappa, kappa, rtol=1e-12)
    ratio = law.step_scale(5e-9, 10.0) / law.step_scale(5e-9, 5.0)
    np.testing.assert_allclose(ratio, expected, rtol=1e-12)


def test_with_pulse_scales_step_and_energy():
    dev = get_device("protonic_psg_2022")
    longer = dev.with_pulse(width=10e-9)
    np.testing.assert_allclose(longer.dw_min, dev.dw_min * 2**1.2, rtol=1e-14)
    lower = dev.with_pulse(voltage=5.0)
    np.testing.assert_allclose(lower.pulse_energy, dev.pulse_energy / 4, rtol=1e-14)
