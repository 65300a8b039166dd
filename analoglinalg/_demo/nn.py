"""Demo section: analog SGD vs Stochastic Hamiltonian Descent on digits."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from analoglinalg.nn import AnalogMLPClassifier  # noqa: E402

__all__ = ["run"]


def run(outdir, quick, rng):
    """Train a 64-32-10 MLP on protonic crossbars with SGD and SHD; plot test accuracy."""
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    if quick:
        Xtr, ytr = Xtr[:250], ytr[:250]
    epochs = 2 if quick else 5
    seed = int(np.random.default_rng(rng).integers(2**31))
    rows = [("ideal", "ideal", "sgd"), ("protonic_psg_2022", None, "sgd"),
            ("protonic_psg_2022", None, "shd")]
    curves = {}
    for device, periphery, rule in rows:
        est = AnalogMLPClassifier((32,), optimizer=rule, device=device, periphery=periphery,
                                  random_state=seed)
        acc = []
        for _ in range(epochs):
            est.partial_fit(Xtr, ytr, classes=np.arange(10))
            acc.append(est.score(Xte, yte))
        curves[f"{device} + {rule}"] = (acc, est.network_.n_pulses, est.network_.energy)
    fig, ax = plt.subplots(figsize=(6, 4))
    for label, (acc, _, _) in curves.items():
        ax.plot(np.arange(1, epochs + 1), acc, "o-", label=label)
    ax.set(xlabel="epoch", ylabel="test accuracy", title="digits MLP 64-32-10 on crossbars")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = outdir / "nn_digits.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    lines = [f"MLP 64-32-10 on digits ({len(ytr)} training samples, {epochs} epochs, "
             f"mean-field pulsed updates): ![digits training]({path.name})", "",
             "| device + rule | final test accuracy | device pulses | energy (J) |",
             "|---|---|---|---|"]
    for label, (acc, pulses, energy) in curves.items():
        lines.append(f"| `{label}` | {acc[-1]:.3f} | {pulses:.3g} | {energy:.2e} |")
    lines += ["", "SHD is our reconstruction of Onen et al. (2022) from its abstract."]
    return "\n".join(lines) + "\n", {f"MLP training, {label}": [
        xb.cost for layer in est.network_.layers for xb in layer.arrays.values()]}
