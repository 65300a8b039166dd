"""analoglinalg: analog linear algebra on simulated crossbars of programmable resistors.

The top level re-exports the objects most programs start from; the subpackages
(:mod:`analoglinalg.devices`, :mod:`analoglinalg.crossbar`, :mod:`analoglinalg.sketch`,
:mod:`analoglinalg.streaming`, :mod:`analoglinalg.optimize`, :mod:`analoglinalg.linalg`)
hold the rest.
"""

from ._lib._warnings import AnalogWarning, ClippingWarning, ConvergenceWarning, SaturationWarning
from .crossbar import CostLedger, Crossbar, Periphery
from .devices import Device, get_device, list_devices

__version__ = "0.1.0"

__all__ = [
    "AnalogWarning",
    "ClippingWarning",
    "ConvergenceWarning",
    "CostLedger",
    "Crossbar",
    "Device",
    "Periphery",
    "SaturationWarning",
    "get_device",
    "list_devices",
    "__version__",
]
