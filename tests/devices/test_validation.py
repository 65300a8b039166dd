"""Invalid parameters are refused with messages that name the parameter and the value."""

import dataclasses

import numpy as np
import pytest

from analoglinalg.devices import Device, get_device


@pytest.mark.parametrize("kwargs,match", [
    ({"dw_min": -0.01}, r"dw_min.*-0\.01"),
    ({"w_min": 1.0, "w_max": 1.0}, r"w_min.*1\.0"),
    ({"w_min": 2.0, "w_max": 1.0}, r"w_min.*2\.0"),
    ({"dw_min_std": float("nan")}, r"dw_min_std.*nan"),
    ({"stuck_fraction": 1.5}, r"stuck_fraction.*1\.5"),
])
def test_invalid_device_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Device(**kwargs)


def test_pulse_beyond_damage_limit():
    with pytest.raises(ValueError, match="width") as info:
        get_device("protonic_psg_2022").with_pulse(width=50e-9)
    assert "damage" in str(info.value) and "5e-08" in str(info.value)


def test_unknown_preset_lists_valid_names():
    with pytest.raises(KeyError, match="protonic_psg_2022") as info:
        get_device("no_such_device")
    assert "no_such_device" in str(info.value) and "reram_gong_2018" in str(info.value)


def test_with_pulse_needs_a_pulse_law():
    dev = get_device("protonic_psg_2021")
    assert dev.pulse_law is None
    with pytest.raises(ValueError, match="pulse_law"):
        dev.with_pulse(width=5e-9)


def test_valid_replace_still_works():
    dev = dataclasses.replace(get_device("protonic_psg_2022"), stuck_fraction=1.0)
    assert np.isclose(dev.stuck_fraction, 1.0)
