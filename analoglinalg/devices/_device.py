"""The ``Device`` description and the per-array state it is sampled into."""

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from .._lib._random import as_generator
from .._lib._validation import check_scalar
from ._kernels import apply_pulses
from ._pulse_law import ProtonicPulseLaw
from ._response import ConstantStep, ResponseModel

__all__ = ["Device", "DeviceArray"]

_SPREADS = ("dw_min_dtod", "dw_min_std", "up_down_dtod", "w_min_dtod", "w_max_dtod")


@dataclass(frozen=True)
class Device:
    """Immutable description of one kind of programmable resistor.

    The state of a cross-point is a normalised weight ``w`` in ``[w_min, w_max]``, an affine
    image of its conductance in ``[g_min, g_max]``. One pulse moves it by

    ``up:   w <- w + dw_up   * q_up(w)   * (1 + dw_min_std * xi)``
    ``down: w <- w - dw_down * q_down(w) * (1 + dw_min_std * xi)``

    then clips it to the device's bounds. Step sizes, bounds and the up/down imbalance are
    drawn once per device (device-to-device spread, ``*_dtod``); ``xi`` is fresh per pulse
    (cycle-to-cycle noise). Parameter names follow aihwkit's where they mean the same.

    Parameters
    ----------
    name : str
        Short identifier.
    response : ResponseModel
        The pulse-response family (``q_up``, ``q_down``).
    dw_min : float
        Nominal step per pulse, in weight units; ``(w_max - w_min) / dw_min`` states.
    w_min, w_max : float
        Nominal bounds of the state (``w_min < 0 < w_max`` is not required).
    up_down : float
        Systematic up/down imbalance: ``up_down > 0`` shrinks down steps by ``up_down*dw_min``,
        ``up_down < 0`` shrinks up steps.
    dw_min_dtod, up_down_dtod, w_min_dtod, w_max_dtod : float
        Device-to-device spreads (relative for the step and the bounds, absolute for up_down).
    dw_min_std : float
        Cycle-to-cycle noise of a step, relative.
    read_noise : float
        Standard deviation of one device's read, in weight units.
    programming_noise : float
        Standard deviation of an open-loop write, in weight units.
    retention_tau : float
        Time constant (s) of the relaxation toward the rest state; ``inf`` for none.
    stuck_fraction : float
        Fraction of devices stuck at a random state, ignoring pulses.
    g_min, g_max : float
        Conductance range in siemens.
    read_voltage : float
        Read voltage in volts.
    pulse_width, pulse_voltage, pulse_energy : float or None
        The programming pulse and the energy it dissipates per device (J); None if unknown.
    pulse_law : ProtonicPulseLaw or None
        Width/voltage dependence of the step, when known.
    citation : str
        Short source, e.g. ``"Onen et al., Science 2022"``.
    notes : str
        Which numbers are measured and which are assumed.

    Examples
    --------
    >>> from analoglinalg.devices import Device, SoftBounds
    >>> dev = Device(name="toy", response=SoftBounds(), dw_min=0.01, w_min=-1, w_max=1)
    >>> dev.n_states
    200
    >>> abs(dev.symmetry_point()) < 1e-12
    True
    """

    name: str = "custom"
    response: ResponseModel = field(default_factory=ConstantStep)
    dw_min: float = 0.001
    w_min: float = -1.0
    w_max: float = 1.0
    up_down: float = 0.0
    dw_min_dtod: float = 0.0
    dw_min_std: float = 0.0
    up_down_dtod: float = 0.0
    w_min_dtod: float = 0.0
    w_max_dtod: float = 0.0
    read_noise: float = 0.0
    programming_noise: float = 0.0
    retention_tau: float = math.inf
    stuck_fraction: float = 0.0
    g_min: float = 1e-8
    g_max: float = 1e-7
    read_voltage: float = 0.1
    pulse_width: float | None = None
    pulse_voltage: float | None = None
    pulse_energy: float | None = None
    pulse_law: ProtonicPulseLaw | None = None
    citation: str = ""
    notes: str = ""

    def __post_init__(self):
        if not isinstance(self.response, ResponseModel):
            raise TypeError(f"response must be a ResponseModel, got {self.response!r}")
        check_scalar(self.dw_min, "dw_min", low=0.0, low_inclusive=False)
        check_scalar(self.w_min, "w_min")
        check_scalar(self.w_max, "w_max")
        if not self.w_min < self.w_max:
            raise ValueError(f"w_min must be < w_max, got w_min={self.w_min!r}, "
                             f"w_max={self.w_max!r}")
        if self.dw_min > self.w_max - self.w_min:
            raise ValueError(f"dw_min must be <= w_max - w_min = {self.w_max - self.w_min!r}, "
                             f"got {self.dw_min!r}")
        check_scalar(self.up_down, "up_down", low=-1.0, high=1.0,
                     low_inclusive=False, high_inclusive=False)
        for name in _SPREADS + ("read_noise", "programming_noise"):
            check_scalar(getattr(self, name), name, low=0.0)
        check_scalar(self.stuck_fraction, "stuck_fraction", low=0.0, high=1.0)
        if not (isinstance(self.retention_tau, (int, float)) and self.retention_tau > 0):
            raise ValueError(f"retention_tau must be > 0 (inf for none), got "
                             f"{self.retention_tau!r}")
        check_scalar(self.g_min, "g_min", low=0.0, low_inclusive=False)
        check_scalar(self.g_max, "g_max", low=0.0, low_inclusive=False)
        if not self.g_min < self.g_max:
            raise ValueError(f"g_min must be < g_max, got g_min={self.g_min!r}, "
                             f"g_max={self.g_max!r}")
        check_scalar(self.read_voltage, "read_voltage", low=0.0, low_inclusive=False)
        for name in ("pulse_width", "pulse_energy"):
            check_scalar(getattr(self, name), name, low=0.0, low_inclusive=False,
                         allow_none=True)
        check_scalar(self.pulse_voltage, "pulse_voltage", allow_none=True)
        if self.pulse_law is not None and self.pulse_width is not None:
            self.pulse_law.check_pulse(self.pulse_width, self.pulse_voltage or 0.0)

    # --- nominal step sizes and the symmetric/asymmetric decomposition -----------------
    @property
    def dw_up(self):
        """Nominal up step (before the response factor)."""
        return self.dw_min * (1.0 + min(self.up_down, 0.0))

    @property
    def dw_down(self):
        """Nominal down step (before the response factor)."""
        return self.dw_min * (1.0 - max(self.up_down, 0.0))

    @property
    def n_states(self):
        """Number of nominal steps across the range, ``(w_max - w_min) / dw_min``."""
        return int(round((self.w_max - self.w_min) / self.dw_min))

    @property
    def dynamic_range(self):
        """``g_max / g_min``."""
        return self.g_max / self.g_min

    def step_up(self, w):
        """Mean change of ``w`` by one up pulse."""
        return self.dw_up * self.response.q_up(w, self.w_min, self.w_max)

    def step_down(self, w):
        """Mean change of ``w`` by one down pulse (a positive number)."""
        return self.dw_down * self.response.q_down(w, self.w_min, self.w_max)

    def symmetric_part(self, w):
        """``F(w)``: mean of the down and up steps at ``w``, in units of ``dw_min``."""
        return 0.5 * (self.step_down(w) + self.step_up(w)) / self.dw_min

    def asymmetric_part(self, w):
        """``G(w)``: half the down-minus-up step at ``w``, in units of ``dw_min``.

        ``G > 0`` means that a pair of opposite pulses moves the state down.
        """
        return 0.5 * (self.step_down(w) - self.step_up(w)) / self.dw_min

    def symmetry_point(self):
        """The state where up and down steps are equal (``G = 0``).

        Alternating up/down pulses drive a device here. If ``G`` does not change sign inside
        the range (a constant-step device with an up/down imbalance), alternating pulses
        would walk the device to a bound; such a device has no rest state, and the middle of
        its range, where its reference is set, is returned instead.
        """
        return float(symmetry_points(self, self.dw_up, self.dw_down, self.w_min, self.w_max))

    @property
    def asymmetry(self):
        """Relative up/down imbalance at the middle of the range.

        ``|step_up - step_down| / mean(step_up, step_down)`` at ``(w_min + w_max)/2``.
        """
        mid = 0.5 * (self.w_min + self.w_max)
        up, down = float(self.step_up(mid)), float(self.step_down(mid))
        return abs(up - down) / (0.5 * (up + down))

    def conductance(self, w):
        """Map states to conductances (siemens), affinely from ``[w_min, w_max]``."""
        frac = (np.asarray(w, dtype=float) - self.w_min) / (self.w_max - self.w_min)
        return self.g_min + frac * (self.g_max - self.g_min)

    # --- derived devices ------------------------------------------------------------------
    def nominal(self):
        """The same device with every spread and noise set to zero (deterministic)."""
        return dataclasses.replace(self, **{name: 0.0 for name in _SPREADS},
                                   read_noise=0.0, programming_noise=0.0,
                                   stuck_fraction=0.0)

    def with_pulse(self, width=None, voltage=None):
        """The device driven by another programming pulse.

        Needs a ``pulse_law``. The step scales by :meth:`ProtonicPulseLaw.step_scale`; the
        energy per pulse, which charges the gate capacitance, by ``(voltage/V_ref)**2``.

        Raises
        ------
        ValueError
            If the device has no pulse law or the pulse exceeds the damage limit.
        """
        if self.pulse_law is None:
            raise ValueError(f"device {self.name!r} has no pulse_law; with_pulse needs one")
        law = self.pulse_law
        width = law.reference_width if width is None else width
        voltage = law.reference_voltage if voltage is None else voltage
        scale = law.step_scale(width, voltage)
        energy = None
        if self.pulse_energy is not None:
            energy = self.pulse_energy * (voltage / law.reference_voltage) ** 2
        return dataclasses.replace(self, dw_min=self.dw_min * scale, pulse_width=width,
                                   pulse_voltage=voltage, pulse_energy=energy)

    def relax(self, w, dt, w_rest=None):
        """States after ``dt`` seconds of retention: ``w_rest + (w - w_rest)*exp(-dt/tau)``."""
        check_scalar(dt, "dt", low=0.0)
        rest = self.symmetry_point() if w_rest is None else w_rest
        return rest + (np.asarray(w) - rest) * math.exp(-dt / self.retention_tau)

    def sample(self, shape, rng=None):
        """Draw an array of such devices (device-to-device spread) in their initial state.

        Returns a :class:`DeviceArray` whose devices sit at their own symmetry points.
        """
        return DeviceArray(self, shape, rng)


def symmetry_points(device, dw_up, dw_down, b_min, b_max, n_bisect=60):
    """Vectorised symmetry points of devices with steps ``dw_up``, ``dw_down`` and bounds."""
    dw_up, dw_down, lo, hi = np.broadcast_arrays(*(np.asarray(a, dtype=float)
                                                   for a in (dw_up, dw_down, b_min, b_max)))
    model = device.response

    def drift(w):
        return (dw_up * model.q_up(w, lo, hi) - dw_down * model.q_down(w, lo, hi))

    g_lo, g_hi = drift(lo), drift(hi)
    a, b = lo.copy(), hi.copy()
    for _ in range(n_bisect):
        mid = 0.5 * (a + b)
        up = drift(mid) > 0
        a = np.where(up, mid, a)
        b = np.where(up, b, mid)
    interior = (g_lo > 0) & (g_hi < 0)
    return np.where(interior, 0.5 * (a + b), 0.5 * (lo + hi))


class DeviceArray:
    """The state of an array of devices of one kind, with their drawn parameters.

    Holds float32 arrays of one shape: ``weights`` (the state relative to the reference,
    ``w - w_ref``, which is what an array reads), ``w_ref`` (each device's symmetry point,
    where the reference device of a zero-shifted array sits), ``dw_up``, ``dw_down``,
    ``b_min`` and ``b_max``: 24 bytes per device. Stuck devices have zero steps.

    Parameters
    ----------
    device : Device
    shape : tuple of int
    rng : None, int, SeedSequence or Generator

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.devices import get_device
    >>> devices = get_device("protonic_psg_2022").sample((2, 3), rng=0)
    >>> devices.nbytes // devices.weights.size  # bytes of state per device
    24
    >>> n_saturated = devices.apply_pulses(np.full((2, 3), 10), rng=1)
    >>> bool(np.all(devices.weights > 0))
    True
    """

    def __init__(self, device, shape, rng=None):
        if not isinstance(device, Device):
            raise TypeError(f"device must be a Device, got {device!r}")
        shape = tuple(int(s) for s in np.atleast_1d(shape))
        if any(s < 1 for s in shape):
            raise ValueError(f"shape must have positive entries, got {shape}")
        gen = as_generator(rng)
        self.device = device

        def spread(rel):
            return 1.0 + rel * gen.standard_normal(shape) if rel else np.ones(shape)

        step = spread(device.dw_min_dtod)
        imbalance = (device.up_down_dtod * gen.standard_normal(shape)
                     if device.up_down_dtod else 0.0)
        dw_up = device.dw_min * np.abs(step + min(device.up_down, 0.0) + imbalance)
        dw_down = device.dw_min * np.abs(step - max(device.up_down, 0.0) - imbalance)
        b_min = device.w_min * spread(device.w_min_dtod)
        b_max = device.w_max * spread(device.w_max_dtod)
        lo, hi = np.minimum(b_min, b_max), np.maximum(b_min, b_max)
        w_ref = symmetry_points(device, dw_up, dw_down, lo, hi)
        w = w_ref.copy()
        if device.stuck_fraction:
            stuck = gen.random(shape) < device.stuck_fraction
            w[stuck] = lo[stuck] + gen.random(int(stuck.sum())) * (hi - lo)[stuck]
            dw_up[stuck] = 0.0
            dw_down[stuck] = 0.0
        f32 = np.float32
        self.w_ref = w_ref.astype(f32)
        self.weights = (w.astype(f32) - self.w_ref).astype(f32)
        self.dw_up, self.dw_down = dw_up.astype(f32), dw_down.astype(f32)
        self.b_min, self.b_max = lo.astype(f32), hi.astype(f32)

    def set_reference(self, where):
        """Move the reference devices, keeping every state; returns ``self``.

        ``"symmetry"`` puts each reference at its device's symmetry point (what zero-shifting
        does, so a device at rest reads zero); ``"middle"`` at the middle of its device's
        range (the most room for signed values when programming a matrix).
        """
        if where == "symmetry":
            ref = symmetry_points(self.device, self.dw_up, self.dw_down, self.b_min, self.b_max)
        elif where == "middle":
            ref = 0.5 * (self.b_min.astype(float) + self.b_max)
        else:
            raise ValueError(f"where must be 'symmetry' or 'middle', got {where!r}")
        w = self.w
        self.w_ref = ref.astype(np.float32)
        self.w = w
        return self

    @property
    def w(self):
        """Absolute states (a new array): ``weights + w_ref``."""
        return self.weights + self.w_ref

    @w.setter
    def w(self, value):
        self.weights[...] = np.asarray(value, dtype=np.float32) - self.w_ref

    @property
    def shape(self):
        return self.weights.shape

    @property
    def nbytes(self):
        """Bytes of state held per array (all six float32 arrays)."""
        return sum(a.nbytes for a in (self.weights, self.w_ref, self.dw_up, self.dw_down,
                                      self.b_min, self.b_max))

    @property
    def stuck(self):
        """Boolean mask of devices that ignore pulses."""
        return (self.dw_up == 0) & (self.dw_down == 0)

    def apply_pulses(self, n_pulses, rng=None):
        """Apply ``n_pulses`` (signed integers, one per device) one pulse at a time, in place.

        Returns the number of devices that ended at one of their bounds.
        """
        n = np.asarray(n_pulses)
        if n.shape != self.shape or not np.issubdtype(n.dtype, np.integer):
            raise ValueError(f"n_pulses must be an integer array of shape {self.shape}, "
                             f"got {n.dtype} array of shape {n.shape}")
        gen = as_generator(rng)
        seed = np.uint64(gen.integers(0, 2**63 - 1))
        code, params, nodes_up, nodes_down = self.device.response.kernel_args()
        flat = [a.reshape(-1) for a in (self.weights, self.w_ref, self.dw_up, self.dw_down,
                                        self.b_min, self.b_max)]
        apply_pulses(*flat, n.reshape(-1).astype(np.int64), code, params, nodes_up,
                     nodes_down, float(self.device.dw_min_std), seed)
        moved = n != 0
        w = self.w
        return int(np.count_nonzero(moved & ((w <= self.b_min) | (w >= self.b_max))))

    def relax(self, dt):
        """Let the devices relax for ``dt`` seconds toward their symmetry points, in place."""
        check_scalar(dt, "dt", low=0.0)
        decay = np.float32(math.exp(-dt / self.device.retention_tau))
        moving = ~self.stuck
        self.weights[moving] *= decay
