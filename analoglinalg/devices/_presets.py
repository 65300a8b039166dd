"""Named, immutable, cited device presets and the registry that serves them.

Sources and the measured/assumed split are in each preset's ``citation`` and ``notes``;
the numbers were gathered in the project's research notes (``shared/research/onen.md``
section 1.7 and ``aihwkit.md`` section 4, which cite the papers and aihwkit 1.1.0's fits).
"""

import math

from ._device import Device
from ._pulse_law import ProtonicPulseLaw
from ._response import ConstantStep, ExpStep, LinearStep

__all__ = ["get_device", "list_devices", "register_device"]

_REGISTRY = {}


class _UnknownDeviceError(KeyError, ValueError):
    """An unknown preset name: a KeyError for the registry lookup, and a ValueError like every
    other invalid argument (``Crossbar(device=...)``, estimators' ``device``)."""

    def __str__(self):
        # KeyError's str() is the repr of its message; show the message itself.
        return str(self.args[0])


def register_device(device, *, overwrite=False):
    """Add ``device`` to the registry under ``device.name``.

    Parameters
    ----------
    device : Device
    overwrite : bool, default False
        Replace an existing entry of the same name instead of raising.

    Raises
    ------
    ValueError
        If the name is taken and ``overwrite`` is False.

    Examples
    --------
    >>> from analoglinalg.devices import Device, register_device, get_device
    >>> register_device(Device(name="my_device", dw_min=0.01), overwrite=True)
    >>> get_device("my_device").n_states
    200
    """
    if not isinstance(device, Device):
        raise TypeError(f"device must be a Device, got {device!r}")
    if device.name in _REGISTRY and not overwrite:
        raise ValueError(f"a device named {device.name!r} is registered already; "
                         "pass overwrite=True to replace it")
    _REGISTRY[device.name] = device


def get_device(name):
    """Return the preset called ``name`` (a :class:`Device` is passed through).

    Raises
    ------
    KeyError
        For an unknown name; the message lists the valid ones. The exception is also a
        ValueError, as for every other invalid argument.

    Examples
    --------
    >>> from analoglinalg.devices import get_device
    >>> dev = get_device("protonic_psg_2022")
    >>> dev.n_states, round(dev.dynamic_range)
    (1000, 20)
    """
    if isinstance(name, Device):
        return name
    if not isinstance(name, str):
        raise TypeError(f"device must be a Device or a preset name, got {name!r}")
    try:
        return _REGISTRY[name]
    except KeyError:
        raise _UnknownDeviceError(f"unknown device {name!r}; valid names: "
                                  f"{', '.join(sorted(_REGISTRY))}") from None


def list_devices():
    """Names of the registered devices, presets first in the order they were defined.

    Examples
    --------
    >>> from analoglinalg.devices import list_devices
    >>> list_devices()[:2]
    ['protonic_psg_2022', 'protonic_psg_2021']
    """
    return list(_REGISTRY)


_NANO = 1e-9

register_device(Device(
    name="protonic_psg_2022",
    response=LinearStep(gamma_up=0.1, gamma_down=0.1),
    dw_min=0.002, w_min=-1.0, w_max=1.0,
    dw_min_dtod=0.3, dw_min_std=0.3, up_down_dtod=0.01, w_min_dtod=0.1, w_max_dtod=0.1,
    read_noise=0.005, programming_noise=0.01, retention_tau=1e3,
    g_min=1.0 / 88e6, g_max=20.0 / 88e6, read_voltage=0.1,
    pulse_width=5e-9, pulse_voltage=10.0, pulse_energy=2.5e-15,
    pulse_law=ProtonicPulseLaw(),
    citation="Onen et al., Science 377, 539 (2022)",
    notes=(
        "Measured: 5 ns pulses at +10/-8.5 V, ~1000 states in 1000 up/1000 down pulses, "
        "20x dynamic range, 88 MOhm base resistance, ~2.5 fJ per pulse, retention beyond "
        "~100 s, 40 ns damage limit, pulse law t**1.2*sinh(qaV/2kTd) with a = 0.56 nm. "
        "Assumed: mild linear-step curvature (gamma 0.1, 'nearly linear and symmetric'), "
        "spreads (30 % step d2d and c2c, 10 % bounds, 1 % up/down), read noise 0.005, "
        "retention tau 1e3 s."),
))

register_device(Device(
    name="protonic_psg_2021",
    response=LinearStep(gamma_up=0.2, gamma_down=0.2),
    dw_min=0.004, w_min=-1.0, w_max=1.0,
    dw_min_dtod=0.3, dw_min_std=0.3, up_down_dtod=0.02, w_min_dtod=0.1, w_max_dtod=0.1,
    read_noise=0.005, programming_noise=0.01, retention_tau=1e3,
    g_min=1.0 / 88e6, g_max=10.0 / 88e6, read_voltage=0.1,
    citation="Onen et al., Nano Letters 21, 6111 (2021)",
    notes=(
        "Measured (via the 2022 paper's citation): nanoporous PSG electrolyte with high proton "
        "conductivity at room temperature without hydration. The 2021 paper's pulse, state "
        "and energy numbers were not available to us: every number here is assumed "
        "(coarser, more curved than the 2022 device; pulse and energy unknown)."),
))

register_device(Device(
    name="mo_ecram_2019",
    response=LinearStep(gamma_up=0.4152, gamma_down=0.7342),
    dw_min=2.8214e-4, w_min=-0.8286, w_max=1.1714,
    dw_min_dtod=0.1, dw_min_std=2.0, up_down_dtod=0.01, w_min_dtod=0.05, w_max_dtod=0.05,
    read_noise=0.005, programming_noise=0.01, retention_tau=14 * 3600 / -math.log(0.946),
    g_min=2.5e-6, g_max=50e-6, read_voltage=0.1,
    pulse_width=10e-9, pulse_voltage=4.0, pulse_energy=670e-15,
    citation="Kim et al., IEDM 2019 (fit: aihwkit EcRamMOPresetDevice)",
    notes=(
        "Measured: |dG+/dG-| = 1.005/0.995, ~1000 tunable states, 0-50 uS, switching at "
        "10 ns with +-4 V pulses, retention within 5.4 % over 14 h, 2.6e7 pulses endurance. "
        "Fitted by aihwkit: linear step gamma_up 0.4152, gamma_down 0.7342, dw_min 2.8214e-4, "
        "c2c 2.0. Assumed: 20x window inside 0-50 uS, read noise; energy 670 fJ from the "
        "projected 100 fJ/nS times the mean step."),
))

register_device(Device(
    name="li_ecram_2018",
    response=LinearStep(gamma_up=0.1153, gamma_down=0.5085),
    dw_min=0.002, w_min=-0.8276, w_max=1.1724,
    dw_min_dtod=0.1, dw_min_std=0.3, up_down_dtod=0.01, w_min_dtod=0.05, w_max_dtod=0.05,
    read_noise=0.005, programming_noise=0.01,
    g_min=0.6 * _NANO, g_max=24 * _NANO, read_voltage=0.1,
    pulse_width=5e-9, pulse_energy=1e-15,
    citation="Tang et al., IEDM 2018 (fit: aihwkit EcRamPresetDevice)",
    notes=(
        "Measured: asymmetry 0.6-1.6 over the range, 0-24 nS, write pulses <= 5 ns, "
        "~1000 states. Fitted by aihwkit: linear step gamma_up 0.1153, gamma_down 0.5085. "
        "Assumed: 40x window (0.6-24 nS), read noise; ~1 fJ per pulse is a projection."),
))

register_device(Device(
    name="li_ion_2017",
    response=LinearStep(gamma_up=0.0, gamma_down=0.0),
    dw_min=0.004, w_min=-1.0, w_max=1.0,
    dw_min_dtod=0.2, dw_min_std=0.3, up_down_dtod=0.02, w_min_dtod=0.1, w_max_dtod=0.1,
    read_noise=0.005, programming_noise=0.01,
    g_min=10 * _NANO, g_max=100 * _NANO, read_voltage=0.1,
    pulse_energy=10e-18,
    citation="Fuller et al., Adv. Mater. 29, 1604310 (2017)",
    notes=(
        "Reported (abstract): linear multi-level switching at low voltage, < 10 aJ per "
        "switching event projected for scaled devices. Assumed: 500 states, constant step, "
        "spreads, 10x window; pulse width unknown."),
))

register_device(Device(
    name="enode_2017",
    response=LinearStep(gamma_up=0.05, gamma_down=0.05),
    dw_min=0.004, w_min=-1.0, w_max=1.0,
    dw_min_dtod=0.1, dw_min_std=0.1, up_down_dtod=0.01, w_min_dtod=0.05, w_max_dtod=0.05,
    read_noise=0.002, programming_noise=0.005,
    g_min=100e-6, g_max=1e-3, read_voltage=0.01,
    pulse_energy=35e-18,
    citation="van de Burgt et al., Nat. Mater. 16, 414 (2017)",
    notes=(
        "Reported (abstract): > 500 distinct non-volatile states within ~1 V, mV-level "
        "switching, < 10 pJ for 1e3 um^2 devices and 35 aJ projected when scaled. "
        "Assumed: nearly linear steps, spreads, conductance window; ms pulse width not "
        "modelled."),
))

register_device(Device(
    name="rpu_gokmen_vlasov_2016",
    response=ConstantStep(),
    dw_min=0.001, w_min=-0.6, w_max=0.6,
    dw_min_dtod=0.3, dw_min_std=0.3, up_down_dtod=0.02, w_min_dtod=0.3, w_max_dtod=0.3,
    read_noise=0.0, programming_noise=0.0,
    g_min=1.0 / 112e6, g_max=1.0 / 14e6, read_voltage=1.0,
    pulse_width=1e-9, pulse_voltage=1.0,
    citation="Gokmen & Vlasov, Front. Neurosci. 10:333 (2016)",
    notes=(
        "The RPU device specification (all numbers from the paper): dw_min 0.001, bounds "
        "+-0.6 (1200 steps), 30 % c2c and d2d spreads of step and bounds, 2 % d2d up/down "
        "imbalance, 14-112 MOhm (8x), 1 ns 1 V pulses. Read noise is a periphery property "
        "there (6 % of the output range), so the device's own is zero."),
))

register_device(Device(
    name="reram_gong_2018",
    response=ExpStep(A_up=-1.18445, A_down=-0.081404, gamma_up=5.0, gamma_down=5.0,
                     a=-0.5, b=-0.5),
    dw_min=0.00135, w_min=-1.0, w_max=1.0, up_down=0.259359,
    dw_min_dtod=0.2, dw_min_std=5.0, up_down_dtod=0.05, w_min_dtod=0.3, w_max_dtod=0.3,
    read_noise=0.01, programming_noise=0.1,
    g_min=1e-6, g_max=100e-6, read_voltage=0.2,
    pulse_width=50e-9, pulse_voltage=1.5,
    citation="Gong et al., Nat. Commun. 9, 2102 (2018) (fit: aihwkit ReRamESPresetDevice)",
    notes=(
        "Fitted by aihwkit: exponential step with strong up/down asymmetry (up_down 0.259), "
        "c2c noise 5x a step, 20 % step and 30 % bound d2d spreads. Assumed: 1-100 uS "
        "window, read and programming noise, pulse width and voltage."),
))

register_device(Device(
    name="pcm",
    response=ExpStep(A_up=-27.235, A_down=-2.235, gamma_up=2.5, gamma_down=2.5, a=-1.0, b=0.0),
    dw_min=0.01, w_min=0.0, w_max=2.0,
    dw_min_dtod=0.2, dw_min_std=0.6, up_down_dtod=0.05, w_min_dtod=0.0, w_max_dtod=0.1,
    read_noise=0.02, programming_noise=0.05,
    g_min=0.1e-6, g_max=25e-6, read_voltage=0.2,
    pulse_width=50e-9,
    citation="Nandakumar et al., 2020 (fit: aihwkit PCMPresetDevice)",
    notes=(
        "Fitted by aihwkit: exponential step on [0, 2] with a steep state dependence "
        "(gradual SET, abrupt RESET). Measured: 25 uS maximum conductance. The differential "
        "pair with refresh and the conductance drift of real PCM arrays are not modelled; "
        "read and programming noise are assumed."),
))

register_device(Device(
    name="ideal",
    response=ConstantStep(),
    dw_min=2e-4, w_min=-1.0, w_max=1.0,
    g_min=10 * _NANO, g_max=100 * _NANO,
    pulse_width=1e-9, pulse_voltage=1.0, pulse_energy=1e-15,
    citation="Gokmen & Vlasov 2016 step size x 1/8 (as aihwkit's IdealizedPresetDevice)",
    notes=(
        "10 000 constant steps, no spread, no noise: with ideal periphery a crossbar of these "
        "reproduces NumPy products to float32 rounding. Electrical constants are nominal."),
))
