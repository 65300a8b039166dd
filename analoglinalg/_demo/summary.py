"""Demo section, run last: the energy and latency of every workload against digital baselines.

The analog figures are the ledgers the other sections returned. The digital baselines are
:meth:`~analoglinalg.CostLedger.digital_energy`: the same multiply-accumulates (reads, plus
one per device pulse of an update) at the energy per MAC of a CPU and a GPU (Gokmen & Vlasov
2016, Table 1) and of a 10 TOPS/W digital ASIC.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

__all__ = ["BASELINES", "ratio", "summary_rows", "run"]

BASELINES = ("cpu", "gpu", "asic")


def summary_rows(ledgers):
    """One dict per workload (and a ``total`` row) from ``{section: {workload: CostLedger}}``."""
    rows = []
    for section, workloads in ledgers.items():
        for workload, ledger in workloads.items():
            rows.append({
                "section": section,
                "workload": workload,
                "energy": ledger.energy,
                "programming": ledger.programming_energy,
                "latency": ledger.latency,
                "macs": ledger.n_macs,
                "pulses": ledger.n_device_pulses,
                **{kind: ledger.digital_energy(kind) for kind in BASELINES},
            })
    if rows:
        total = {"section": "all", "workload": "total"}
        for key in ("energy", "programming", "latency", "macs", "pulses", *BASELINES):
            total[key] = sum(row[key] for row in rows)
        rows.append(total)
    return rows


def ratio(digital, analog):
    """``digital / analog`` as text, e.g. ``"2,590x"`` (``"-"`` without analog energy)."""
    if not analog > 0:
        return "-"
    value = digital / analog
    return f"{value:,.0f}x" if value >= 100 else f"{value:.3g}x"


def _plot(rows, path):
    rows = [row for row in rows if row["workload"] != "total"]
    labels = [row["workload"] for row in rows]
    series = [("analog (ledger)", "energy"), ("CPU", "cpu"), ("GPU", "gpu"), ("ASIC", "asic")]
    y = np.arange(len(rows))
    height = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(rows) + 1.5))
    for k, (label, key) in enumerate(series):
        values = [max(row[key], 1e-18) for row in rows]
        ax.barh(y + (k - 1.5) * height, values, height, label=label)
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("energy (J)")
    ax.set_title("demo workloads: modelled analog energy and digital baselines")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(outdir, quick, rng, ledgers=None):
    """Tabulate and plot the ledgers of the sections that ran; return Markdown."""
    rows = summary_rows(ledgers or {})
    if not rows:
        return ("No section that ran returned a cost ledger, so there is nothing to compare; "
                "run `analoglinalg demo` with the `crossbar`, `sketch` or `nn` sections.\n")
    path = outdir / "summary_energy.png"
    _plot(rows, path)
    lines = ["| section | workload | analog energy (J) | of which programming (J) | "
             "analog latency (s) | MACs | device pulses | CPU (J) | GPU (J) | ASIC (J) | "
             "GPU / analog |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        name = f"**{row['workload']}**" if row["section"] == "all" else row["workload"]
        lines.append(
            f"| {row['section']} | {name} | {row['energy']:.2e} | {row['programming']:.2e} | "
            f"{row['latency']:.2e} | {row['macs']:,d} | {row['pulses']:,d} | {row['cpu']:.2e} | "
            f"{row['gpu']:.2e} | {row['asic']:.2e} | {ratio(row['gpu'], row['energy'])} |")
    return "\n".join([
        "Energy and latency of every workload the sections ran, from their cost ledgers, "
        "against the energy of the same multiply-accumulates (reads, plus one per device "
        "pulse of an update) on digital hardware: CPU (IBM Power8, 2.7 GOPS/W) and GPU "
        "(NVIDIA K40, 17.8 GOPS/W) from Gokmen & Vlasov (2016), Table 1, and a 10 TOPS/W "
        "digital ASIC. The analog energy includes programming the matrices; the digital "
        "baselines count arithmetic only, with no data movement.",
        "",
        *lines,
        "",
        f"![energy summary]({path.name})",
    ]) + "\n"
