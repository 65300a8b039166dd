"""Device physics: pulse response, variability, noise, retention and electrical constants.

Devices
-------
Device            Immutable description of one kind of programmable resistor.
DeviceArray       The state and drawn parameters of an array of devices.
ProtonicPulseLaw  Step size versus pulse width and voltage (Onen et al. 2022).

Response models
---------------
ConstantStep, LinearStep, SoftBounds, ExpStep, PowStep, PiecewiseStep

Presets
-------
get_device, list_devices, register_device

Experiments
-----------
response_curve, ResponseCurve
"""

from ._curves import ResponseCurve, response_curve
from ._device import Device, DeviceArray
from ._presets import get_device, list_devices, register_device
from ._pulse_law import ProtonicPulseLaw
from ._response import (
    ConstantStep,
    ExpStep,
    LinearStep,
    PiecewiseStep,
    PowStep,
    ResponseModel,
    SoftBounds,
)

__all__ = [
    "ConstantStep",
    "Device",
    "DeviceArray",
    "ExpStep",
    "LinearStep",
    "PiecewiseStep",
    "PowStep",
    "ProtonicPulseLaw",
    "ResponseCurve",
    "ResponseModel",
    "SoftBounds",
    "get_device",
    "list_devices",
    "register_device",
    "response_curve",
]
