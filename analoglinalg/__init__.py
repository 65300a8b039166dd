"""analoglinalg: analog linear algebra on simulated crossbars of programmable resistors.

The top level re-exports the objects most programs start from; the subpackages hold the rest:
:mod:`analoglinalg.devices` (device physics and presets), :mod:`analoglinalg.crossbar`
(the ``Crossbar`` operator, periphery, cost ledger, wire resistance),
:mod:`analoglinalg.sketch` (randomized sketching), :mod:`analoglinalg.streaming` (streaming
low-rank approximation), :mod:`analoglinalg.optimize` (quasi-Newton on a crossbar),
:mod:`analoglinalg.linalg` (mixed-precision solvers), :mod:`analoglinalg.nn` (training with
analog SGD, Tiki-Taka and SHD), :mod:`analoglinalg.distributed` (tiles on dask) and
:mod:`analoglinalg.io` (saving and loading).
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
