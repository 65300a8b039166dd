"""The cost ledger: what the hardware did, and what it would cost in joules and seconds."""

from dataclasses import dataclass, fields

from .._lib._validation import check_scalar

__all__ = ["CostLedger", "DigitalBaselines"]


@dataclass(frozen=True)
class DigitalBaselines:
    """Energy per multiply-accumulate of digital hardware doing the same work.

    Defaults: CPU and GPU from Gokmen & Vlasov (2016), Table 1 (IBM Power8 at 2.7 GOPS/W,
    NVIDIA K40 at 17.8 GOPS/W; one MAC = 2 ops); digital ASIC at 10 TOPS/W, the figure of
    Onen's talk slides for digital accelerators (a slide number, not a measured one).

    Examples
    --------
    >>> from analoglinalg.crossbar import DigitalBaselines
    >>> round(DigitalBaselines().gpu_mac_energy * 1e12, 1)  # picojoules per MAC
    112.4
    """

    cpu_mac_energy: float = 2.0 / 2.7e9
    gpu_mac_energy: float = 2.0 / 17.8e9
    asic_mac_energy: float = 2.0 / 10e12

    def __post_init__(self):
        for f in fields(self):
            check_scalar(getattr(self, f.name), f.name, low=0.0, low_inclusive=False)


_COUNTERS = ("n_reads", "n_macs", "n_dac", "n_adc", "n_updates", "n_device_pulses",
             "n_line_pulses", "n_programming_pulses", "n_verify_reads")
_ENERGIES = ("read_energy", "update_energy", "programming_energy")


class CostLedger:
    """Counts what a crossbar did and converts it into energy, time and TOPS/W.

    Counters (integers): ``n_reads`` (input vectors read, re-reads included), ``n_macs``
    (analog multiply-accumulates), ``n_dac`` and ``n_adc`` (conversions), ``n_updates``
    (rank-1 updates), ``n_device_pulses`` (pulses that reached a device during updates),
    ``n_line_pulses`` (row/column pulses), ``n_programming_pulses`` (pulses spent
    programming and resetting) and ``n_verify_reads`` (array reads of write-verify).
    Energies in joules: ``read_energy``, ``update_energy``, ``programming_energy``; time in
    seconds: ``latency`` (the analog operations run one after another).

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg import Crossbar
    >>> xb = Crossbar.from_matrix(np.eye(4), device="ideal", rng=0)
    >>> xb.cost.reset()
    >>> _ = xb.matvec(np.ones(4))
    >>> xb.cost.n_reads, xb.cost.n_macs
    (1, 16)
    """

    def __init__(self, baselines=None):
        self.baselines = DigitalBaselines() if baselines is None else baselines
        self.reset()

    def reset(self):
        """Zero every counter."""
        for name in _COUNTERS:
            setattr(self, name, 0)
        for name in _ENERGIES:
            setattr(self, name, 0.0)
        self.latency = 0.0

    @property
    def energy(self):
        """Total modelled energy in joules."""
        return self.read_energy + self.update_energy + self.programming_energy

    @property
    def tops_per_watt(self):
        """Read throughput per power: ``2 * n_macs / read_energy / 1e12`` (0 if no reads)."""
        return 2.0 * self.n_macs / self.read_energy / 1e12 if self.read_energy else 0.0

    def digital_energy(self, kind="gpu"):
        """Energy of the same multiply-accumulates on a digital baseline (``cpu|gpu|asic``)."""
        per_mac = {"cpu": self.baselines.cpu_mac_energy, "gpu": self.baselines.gpu_mac_energy,
                   "asic": self.baselines.asic_mac_energy}
        if kind not in per_mac:
            raise ValueError(f"kind must be one of 'cpu', 'gpu', 'asic', got {kind!r}")
        macs = self.n_macs + self.n_device_pulses
        return macs * per_mac[kind]

    def merge(self, other):
        """Add another ledger's counts into this one (tiles, or several crossbars)."""
        for name in _COUNTERS + _ENERGIES:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.latency += other.latency
        return self

    def as_dict(self):
        """Counters, energies and derived figures as a plain dict."""
        out = {name: getattr(self, name) for name in _COUNTERS + _ENERGIES}
        out.update(latency=self.latency, energy=self.energy, tops_per_watt=self.tops_per_watt)
        return out

    def copy(self):
        new = CostLedger(self.baselines)
        return new.merge(self)

    def summary(self):
        """A short human-readable table."""
        lines = [
            f"reads            {self.n_reads:>14,d}   ({self.n_macs:,d} MACs)",
            f"rank-1 updates   {self.n_updates:>14,d}   ({self.n_device_pulses:,d} device pulses)",
            f"programming      {self.n_programming_pulses:>14,d}   pulses",
            f"energy           {self.energy:>14.3e} J   (read {self.read_energy:.2e}, update "
            f"{self.update_energy:.2e}, program {self.programming_energy:.2e})",
            f"latency          {self.latency:>14.3e} s",
        ]
        if self.n_macs:
            lines.append(f"read efficiency  {self.tops_per_watt:>14.1f} TOPS/W")
            lines.append("digital baseline "
                         + ", ".join(f"{k} {self.digital_energy(k):.2e} J"
                                     for k in ("cpu", "gpu", "asic")))
        return "\n".join(lines)

    def __repr__(self):
        return (f"CostLedger(reads={self.n_reads}, updates={self.n_updates}, "
                f"energy={self.energy:.3e} J, latency={self.latency:.3e} s)")
