"""The periphery of an analog tile: DAC, output noise, output bound, ADC and their energies."""

from dataclasses import dataclass

from .._lib._validation import check_scalar

__all__ = ["Periphery"]


@dataclass(frozen=True)
class Periphery:
    """How inputs reach the array and outputs leave it, and what that costs.

    A read of one input vector ``x`` (one column of a ``matmat``):

    1. *noise management*: ``x`` is divided by ``max|x|`` (per column) so the DAC range is used;
    2. the DAC rounds it to ``dac_bits`` (signed);
    3. the array integrates ``y = W x`` (``W`` the devices' states against their references);
    4. read noise: each output gets ``N(0, out_noise**2 + read_noise**2 * ||x||**2)``, the
       exact distribution of independent per-device Gaussian read noise, drawn at the output;
    5. the output bound clips ``|y|`` to ``out_bound``; with ``bound_management`` a clipped
       column is read again with its input halved, up to ``max_bound_retries`` times;
    6. the ADC rounds to ``adc_bits`` over ``[-out_bound, out_bound]``;
    7. the digital side multiplies back the input scale and the matrix's column scales.

    Parameters
    ----------
    dac_bits, adc_bits : int or None, default 8
        Resolution of the input and output converters; None for an ideal converter.
    out_noise : float, default 0.06
        Additive output noise in units of the normalised output (inputs in ``[-1, 1]``,
        weights in device units); 0.06 is Gokmen & Vlasov's 2016 tolerance.
    out_bound : float or None, default 12.0
        Output saturation in the same units (aihwkit's default); None for unbounded.
    bound_management : bool, default True
        Re-read clipped columns with halved input.
    max_bound_retries : int, default 4
    dac_energy : float, default 0.1e-12
        Joules per input conversion (driver and DAC).
    adc_energy : float, default 2e-12
        Joules per output conversion; state-of-the-art 8-bit SAR converters reach 1-3 pJ.
    integrator_energy : float, default 0.5e-12
        Joules per output line per read (integrator/op-amp).
    integration_time : float, default 80e-9
        Seconds per analog read (Gokmen & Vlasov's forward cycle).
    adc_time : float, default 20e-9
        Seconds of conversion added to each read.
    line_capacitance : float, default 0.2e-15 * 1.64e3
        Farads per row or column line (0.2 fF/um over 1.64 mm, Gokmen & Vlasov 2016).
    update_voltage : float, default 1.0
        Line swing in volts of one update pulse on a row or column (half-select scheme).
    update_overhead : float, default 20e-9
        Seconds per rank-1 update spent outside the pulse slots (pulse-train generation).

    Examples
    --------
    >>> from analoglinalg.crossbar import Periphery
    >>> Periphery.ideal().adc_bits is None
    True
    >>> Periphery(adc_bits=9).out_noise
    0.06
    """

    dac_bits: int | None = 8
    adc_bits: int | None = 8
    out_noise: float = 0.06
    out_bound: float | None = 12.0
    bound_management: bool = True
    max_bound_retries: int = 4
    dac_energy: float = 0.1e-12
    adc_energy: float = 2e-12
    integrator_energy: float = 0.5e-12
    integration_time: float = 80e-9
    adc_time: float = 20e-9
    line_capacitance: float = 0.2e-15 * 1.64e3
    update_voltage: float = 1.0
    update_overhead: float = 20e-9

    def __post_init__(self):
        for name in ("dac_bits", "adc_bits"):
            check_scalar(getattr(self, name), name, kind=int, low=1, high=24, allow_none=True)
        check_scalar(self.out_noise, "out_noise", low=0.0)
        check_scalar(self.out_bound, "out_bound", low=0.0, low_inclusive=False, allow_none=True)
        if not isinstance(self.bound_management, bool):
            raise TypeError(f"bound_management must be a bool, got {self.bound_management!r}")
        check_scalar(self.max_bound_retries, "max_bound_retries", kind=int, low=0, high=30)
        for name in ("dac_energy", "adc_energy", "integrator_energy", "integration_time",
                     "adc_time", "line_capacitance", "update_voltage", "update_overhead"):
            check_scalar(getattr(self, name), name, low=0.0)

    def line_energy(self, n_line_pulses):
        """Joules to charge ``n_line_pulses`` row or column lines to ``update_voltage``."""
        return n_line_pulses * self.line_capacitance * self.update_voltage ** 2

    @classmethod
    def ideal(cls):
        """Exact converters, no output noise, no output bound (energies kept)."""
        return cls(dac_bits=None, adc_bits=None, out_noise=0.0, out_bound=None,
                   bound_management=False)

    @classmethod
    def gokmen_vlasov_2016(cls):
        """The 4096x4096 RPU tile of Gokmen & Vlasov (2016), Table 2 and section 'System'.

        9-bit ADC at 12.5 MS/s and 0.24 mW (19.2 pJ per conversion), 80 ns forward cycle,
        and the op-amp/stochastic-translator power (0.7 W for the tile) split evenly
        over the 2 x 4096 lines: 0.7 W x 80 ns / 8192 = 6.84 pJ per line per read.
        """
        line = 0.7 * 80e-9 / 8192
        return cls(dac_bits=5, adc_bits=9, out_noise=0.06, out_bound=12.0,
                   dac_energy=line, adc_energy=0.24e-3 / 12.5e6, integrator_energy=line,
                   integration_time=80e-9, adc_time=0.0)
