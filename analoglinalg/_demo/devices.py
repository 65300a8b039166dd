"""Demo section: response curves and key numbers of the device presets."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from analoglinalg.devices import get_device, list_devices, response_curve  # noqa: E402

__all__ = ["run"]


def _fmt(value, unit, scale):
    return "-" if value is None else f"{value * scale:g} {unit}"


def _siemens(g_min, g_max):
    scale, unit = (1e6, "uS") if g_max >= 1e-6 else (1e9, "nS")
    return f"{g_min * scale:.3g}-{g_max * scale:.3g} {unit}"


def run(outdir, quick, rng):
    """Plot 1000-up/1000-down response curves of every preset; return a Markdown table."""
    n = 200 if quick else 1000
    names = list_devices()
    fig, axes = plt.subplots(2, (len(names) + 1) // 2, figsize=(16, 6), squeeze=False)
    for ax, name in zip(axes.flat, names, strict=False):
        curve = response_curve(name, n, n, n_devices=1 if quick else 4, rng=rng)
        ax.plot(curve.conductance * 1e6, lw=0.7)
        ax.axvline(n, color="0.6", ls=":", lw=0.8)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("pulse number", fontsize=8)
        ax.set_ylabel("G (uS)", fontsize=8)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    fig.tight_layout()
    path = outdir / "devices_response_curves.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    rows = ["| preset | states | G range | asymmetry | pulse width | energy/pulse | source |",
            "|---|---|---|---|---|---|---|"]
    for name in names:
        dev = get_device(name)
        rows.append(
            f"| `{name}` | {dev.n_states} | {_siemens(dev.g_min, dev.g_max)} "
            f"({dev.dynamic_range:.0f}x) | {dev.asymmetry:.3f} | "
            f"{_fmt(dev.pulse_width, 'ns', 1e9)} | {_fmt(dev.pulse_energy, 'fJ', 1e15)} | "
            f"{dev.citation} |")
    text = [f"Response curves ({n} up then {n} down pulses, "
            f"{'1 device' if quick else '4 devices'} per preset with their spreads and noise): "
            f"![response curves]({path.name})", "", *rows]
    return "\n".join(text) + "\n"
