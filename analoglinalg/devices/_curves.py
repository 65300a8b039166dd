"""Response curves: the up-then-down pulse experiment of Onen et al. (2022), Fig. 2A."""

from dataclasses import dataclass

import numpy as np

from .._lib._random import as_generator
from .._lib._validation import check_scalar
from ._device import Device, DeviceArray
from ._presets import get_device

__all__ = ["ResponseCurve", "response_curve"]


@dataclass(frozen=True)
class ResponseCurve:
    """States of ``n_devices`` devices through ``n_up`` up pulses then ``n_down`` down pulses.

    Attributes
    ----------
    device : Device
    w : ndarray of shape (n_up + n_down + 1, n_devices)
        Row 0 is the start (each device's lower bound), row ``k`` the state after pulse ``k``.
    n_up, n_down : int

    Examples
    --------
    >>> from analoglinalg.devices import response_curve
    >>> curve = response_curve("ideal", n_up=10, n_down=10, nominal=True)
    >>> round(float(curve.w[10, 0] - curve.w[0, 0]), 6)  # ten steps of dw_min = 2e-4
    0.002
    """

    device: Device
    w: np.ndarray
    n_up: int
    n_down: int

    @property
    def conductance(self):
        """The states as conductances in siemens."""
        return self.device.conductance(self.w)

    def plot(self, ax=None, *, conductance=True):
        """Plot the trace(s) against pulse number; returns the matplotlib Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        y = self.conductance * 1e9 if conductance else self.w
        ax.plot(np.arange(y.shape[0]), y, lw=0.8)
        ax.axvline(self.n_up, color="0.6", ls=":", lw=0.8)
        ax.set_xlabel("pulse number")
        ax.set_ylabel("conductance (nS)" if conductance else "state w")
        ax.set_title(f"{self.device.name}: {self.n_up} up, {self.n_down} down pulses")
        return ax


def response_curve(device, n_up=1000, n_down=1000, *, n_devices=1, nominal=False, rng=None):
    """Apply ``n_up`` up pulses then ``n_down`` down pulses, one at a time, and record the states.

    Parameters
    ----------
    device : Device or str
        A device or a preset name.
    n_up, n_down : int, default 1000
        Pulse counts of the two phases.
    n_devices : int, default 1
        Independent devices (each with its own device-to-device draw).
    nominal : bool, default False
        Use :meth:`Device.nominal` (no spread, no noise): a deterministic trace.
    rng : None, int, SeedSequence or Generator
        Source of the device draws and of the cycle-to-cycle noise.

    Returns
    -------
    ResponseCurve

    Examples
    --------
    >>> from analoglinalg.devices import response_curve
    >>> curve = response_curve("protonic_psg_2022", nominal=True)
    >>> curve.w.shape
    (2001, 1)
    >>> g = curve.conductance[:, 0]
    >>> round(float(g[1000] / g[0]), 1)  # 1000 up pulses span the 20x range
    19.9
    """
    device = get_device(device)
    for name, value in (("n_up", n_up), ("n_down", n_down)):
        check_scalar(value, name, kind=int, low=0)
    check_scalar(n_devices, "n_devices", kind=int, low=1)
    gen = as_generator(rng)
    if nominal:
        device = device.nominal()
    devices = DeviceArray(device, (n_devices,), gen)
    devices.w = devices.b_min
    trace = np.empty((n_up + n_down + 1, n_devices), dtype=np.float32)
    trace[0] = devices.w
    one_pulse = np.ones(n_devices, dtype=np.int64)
    for k in range(1, n_up + n_down + 1):
        devices.apply_pulses(one_pulse if k <= n_up else -one_pulse, gen)
        trace[k] = devices.w
    return ResponseCurve(device=device, w=trace, n_up=n_up, n_down=n_down)
