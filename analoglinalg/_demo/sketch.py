"""Demo section: randomized SVD of the digits matrix on crossbars."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

from analoglinalg.crossbar import Periphery  # noqa: E402
from analoglinalg.sketch import randomized_svd  # noqa: E402

__all__ = ["run"]


def run(outdir, quick, rng):
    """Sketch ``load_digits`` on ideal and realistic crossbars; plot spectra and errors."""
    X = load_digits().data
    X = X - X.mean(axis=0)
    if quick:
        X = X[:400]
    sigma = np.linalg.svd(X, compute_uv=False)
    k = 10
    presets = ["ideal", "protonic_psg_2022"] if quick else [
        "ideal", "protonic_psg_2022", "rpu_gokmen_vlasov_2016", "reram_gong_2018"]
    results = {}
    for name in presets:
        periphery = Periphery.ideal() if name == "ideal" else None
        U, s, Vt, cost = randomized_svd(X, k, n_iter=2, rng=rng, device=name,
                                        periphery=periphery, return_cost=True)
        errors = [np.linalg.norm(X - (U[:, :r] * s[:r]) @ Vt[:r], 2) / sigma[r]
                  for r in range(1, k + 1)]
        results[name] = (s, errors, cost)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    ax1.semilogy(np.arange(1, k + 1), sigma[:k], "k-", lw=2, label="exact (LAPACK)")
    ax2.axhline(1.0, color="k", lw=2, label="optimal")
    for name, (s, errors, _) in results.items():
        ax1.semilogy(np.arange(1, k + 1), s, "o--", ms=4, label=name)
        ax2.plot(np.arange(1, k + 1), errors, "o-", ms=4, label=name)
    ax1.set(xlabel="index", ylabel="singular value", title="digits: leading singular values")
    ax2.set(xlabel="rank r", ylabel=r"$\|X - X_r\|_2 / \sigma_{r+1}$",
            title="rank-r error relative to optimal")
    ax1.legend(fontsize=8)
    ax2.legend(fontsize=8)
    fig.tight_layout()
    path = outdir / "sketch_digits_svd.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    rows = ["| device | max rel. error of sigma_1..10 | rank-10 error / optimal | reads | "
            "energy (J) | GPU energy, same MACs (J) |", "|---|---|---|---|---|---|"]
    for name, (s, errors, cost) in results.items():
        rel = np.max(np.abs(s - sigma[:k]) / sigma[:k])
        rows.append(f"| `{name}` | {rel:.2e} | {errors[-1]:.3f} | {cost.n_reads} | "
                    f"{cost.energy:.2e} | {cost.digital_energy('gpu'):.2e} |")
    text = [f"Randomized SVD (k = {k}, 2 power iterations, QR after every pass) of the centred "
            f"digits matrix ({X.shape[0]} x {X.shape[1]}), programmed onto a crossbar of each "
            f"device: ![digits SVD]({path.name})", "", *rows, "",
            "Energy includes programming the matrix (write-verify) and every read."]
    return "\n".join(text) + "\n", {f"randomized SVD, {name}": cost
                                     for name, (_, _, cost) in results.items()}
