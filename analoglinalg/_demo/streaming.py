"""Demo section: streaming low-rank approximation, digital and on analog hardware."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from analoglinalg.crossbar import Periphery  # noqa: E402
from analoglinalg.streaming import (  # noqa: E402
    ThreeSketch,
    make_test_matrix,
    min_storage,
    sketch_sizes,
)

__all__ = ["run"]


def _error_vs_storage(outdir, quick, rng):
    n, r = (200, 5) if quick else (400, 10)
    budgets = np.unique(np.round(np.geomspace(np.ceil(min_storage((n, n), r) / (2 * n)), 40,
                                              4 if quick else 6))).astype(int)
    fig, ax = plt.subplots(figsize=(5, 3.5))
    rows = []
    for kind in ("lowrank", "polydecay", "expdecay"):
        excess = []
        for T in budgets:
            A, sv = make_test_matrix(kind, n, effective_rank=r, rng=rng)
            sk = ThreeSketch.from_rank((n, n), r, storage=int(T * 2 * n), rng=rng).update(A)
            dense = A.toarray() if hasattr(A, "toarray") else A
            tau = np.sqrt(np.sum(sv[r:] ** 2))
            excess.append(max(np.linalg.norm(dense - sk.reconstruct(r)) / tau - 1, 1e-16))
        ax.loglog(budgets, excess, marker="o", label=kind)
        rows.append(f"| {kind} | " + " | ".join(f"{e:.2g}" for e in excess) + " |")
    ax.set_xlabel("storage T / (m + n)")
    ax.set_ylabel("relative excess error")
    ax.legend()
    fig.tight_layout()
    fig.savefig(outdir / "streaming_error_vs_storage.png", dpi=110)
    plt.close(fig)
    header = "| family | " + " | ".join(str(b) for b in budgets) + " |"
    return "\n".join([header, "|---" * (len(budgets) + 1) + "|", *rows]), (n, r)


def _analog_vs_digital(outdir, quick, rng):
    m, n = (40, 30) if quick else (60, 50)
    A = rng.standard_normal((m, 3)) @ rng.standard_normal((3, n)) \
        + 0.02 * rng.standard_normal((m, n))
    seed = int(rng.integers(2**31))
    digital = ThreeSketch((m, n), 7, 15, rng=seed)
    for i in range(m):
        digital.update_rows(i, A[i:i + 1])
    ranges = {k: 1.5 * np.abs(getattr(digital, k)).max() for k in "XYZ"}
    configs = [
        ("digital", {}),
        ("test matrices on crossbars (ideal)",
         dict(analog="test_matrices", device="ideal", periphery=Periphery.ideal())),
        ("test matrices on crossbars (protonic)",
         dict(analog="test_matrices", device="protonic_psg_2022")),
        ("analog sketches, single array (protonic)",
         dict(analog="sketches", sketch_range=ranges, update_mode="mean_field")),
        ("analog sketches, ping-pong every 20 rows (protonic)",
         dict(analog="sketches", sketch_range=ranges, flush_every=20,
              update_mode="mean_field")),
    ]
    lines = ["| configuration | rel. error | energy (J) | analog part (J) |",
             "|---|---|---|---|"]
    errors = []
    for name, kw in configs:
        sk = ThreeSketch((m, n), 7, 15, rng=seed, **kw)
        for i in range(m):
            sk.update_rows(i, A[i:i + 1])
        cost = sk.cost_summary()
        err = np.linalg.norm(A - sk.reconstruct(3)) / np.linalg.norm(A)
        errors.append(err)
        lines.append(f"| {name} | {err:.3f} | {cost['energy']:.2e} | "
                     f"{cost['analog_energy']:.2e} |")
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.barh([c[0] for c in configs], errors)
    ax.set_xlabel("relative error, rank-3 reconstruction")
    fig.tight_layout()
    fig.savefig(outdir / "streaming_analog_vs_digital.png", dpi=110)
    plt.close(fig)
    return "\n".join(lines), (m, n)


def run(outdir, quick, rng):
    """Run the streaming showcase; save PNGs into ``outdir``; return Markdown."""
    table1, (n, r) = _error_vs_storage(outdir, quick, rng)
    table2, (m2, n2) = _analog_vs_digital(outdir, quick, rng)
    k, s = sketch_sizes((1000, 1000), 10, storage=46 * 2000)
    return "\n\n".join([
        "Three-sketch streaming approximation (Tropp, Yurtsever, Udell and Cevher, 2019). "
        f"Sizing rule check: n = 1000, r = 10, T/(m+n) = 46 gives (k, s) = ({k}, {s}).",
        f"#### Error against storage ({n} x {n}, rank {r}, natural rule)",
        table1,
        "![error vs storage](streaming_error_vs_storage.png)",
        f"#### Analog against digital ({m2} x {n2} row stream, k = 7, s = 15)",
        table2,
        "![analog vs digital](streaming_analog_vs_digital.png)",
    ])
