"""The crossbar: a matrix in analog arrays, as a ``scipy.sparse.linalg.LinearOperator``.

Crossbar        The analog matrix: reads, pulsed rank-1 updates, programming, tiling.
UpdateReport    What one rank-1 update did (pulses, saturated devices, cycles).
Periphery       DAC, read noise, output bound, ADC and their energies.
CostLedger      Counts, joules, seconds and TOPS/W of everything a crossbar did.
DigitalBaselines  Energy per MAC of CPU, GPU and digital-ASIC baselines.
WireResistance  Row/column line, driver and sense resistances (IR drop).
ParasiticSolver Output currents of a read through resistive lines (exact or first order).
"""

from ._cost import CostLedger, DigitalBaselines
from ._crossbar import Crossbar, UpdateReport
from ._parasitics import ParasiticSolver, WireResistance
from ._periphery import Periphery

__all__ = [
    "CostLedger",
    "Crossbar",
    "DigitalBaselines",
    "ParasiticSolver",
    "Periphery",
    "UpdateReport",
    "WireResistance",
]
