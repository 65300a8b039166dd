"""
Training on protonic hardware with SHD
======================================

Train a small multi-layer perceptron on the 8x8 digits of scikit-learn with every weight
matrix on simulated protonic crossbars (``"protonic_psg_2022"``, realistic periphery), and
compare the training rules:

* analog SGD on ideal devices (the reference the SHD paper's claim is about),
* analog SGD on protonic devices (biased by the device asymmetry),
* Stochastic Hamiltonian Descent (:class:`~analoglinalg.nn.StochasticHamiltonianDescent`,
  our reconstruction from the paper's abstract),
* the two conventional remedies it is contrasted with:
  :class:`~analoglinalg.nn.ReadWriteVerify` (program targets row by row, serially) and
  :class:`~analoglinalg.nn.DeviceCopies` (four devices per weight, averaged).

To run in well under a minute on two cores this uses a 64-16-10 network, three epochs, one
seed and *mean-field* pulsed updates (the expected change of the stochastic pulse scheme,
without the pulse noise); ``benchmarks/bench_nn.py`` runs the larger comparison over
several seeds. The accuracies of a three-epoch, one-seed run differ between rules by
amounts comparable to the seed-to-seed spread, so read the curves for trends only.
"""

# %%
# Data and the five runs
# ----------------------
# Each run is an :class:`~analoglinalg.nn.AnalogMLPClassifier`; ``partial_fit`` runs one
# epoch, after which we record the test accuracy and the crossbars' cost ledgers.
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from analoglinalg.nn import AnalogMLPClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
epochs = 3

runs = {
    "ideal + SGD": ("ideal", "ideal", "sgd"),
    "protonic + SGD": ("protonic_psg_2022", None, "sgd"),
    "protonic + SHD": ("protonic_psg_2022", None, "shd"),
    "protonic + read-write-verify": ("protonic_psg_2022", None, "rwv"),
    "protonic + 4 copies": ("protonic_psg_2022", None, "copies"),
}
results = {}
for label, (device, periphery, rule) in runs.items():
    clf = AnalogMLPClassifier((16,), optimizer=rule, device=device, periphery=periphery,
                              learning_rate=0.1, batch_size=16, random_state=0)
    curve = []
    for _ in range(epochs):
        clf.partial_fit(Xtr, ytr, classes=np.arange(10))
        curve.append(clf.score(Xte, yte))
    ledgers = [xb.cost for layer in clf.network_.layers for xb in layer.arrays.values()]
    results[label] = dict(
        curve=curve,
        pulses=sum(c.n_device_pulses + c.n_programming_pulses for c in ledgers),
        energy=sum(c.energy for c in ledgers),
        latency=sum(c.latency for c in ledgers),
        devices=sum(layer.n_devices for layer in clf.network_.layers),
    )

# %%
# Learning curves and costs
# -------------------------
# Left: test accuracy per epoch. Right: what the hardware spent, from the crossbars'
# ledgers: device pulses (updates and programming), energy, and the modelled analog
# latency (the operations run one after another; read-write-verify writes row by row).
fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4))
for label, r in results.items():
    ax.plot(np.arange(1, epochs + 1), r["curve"], "o-", label=label)
ax.set(xlabel="epoch", ylabel="test accuracy", title="digits, MLP 64-16-10")
ax.legend(fontsize=8)
labels = list(results)
pos = np.arange(len(labels))
for k, (key, name) in enumerate([("pulses", "device pulses"), ("energy", "energy (J)"),
                                 ("latency", "latency (s)")]):
    values = np.array([results[label][key] for label in labels])
    bx.bar(pos + 0.27 * (k - 1), values / values[1], width=0.27, label=name)
bx.set_xticks(pos, [label.replace(" + ", "\n") for label in labels], fontsize=7)
bx.set(ylabel="relative to protonic + SGD", title="hardware cost, whole training")
bx.legend(fontsize=8)
fig.tight_layout()

# %%
# The numbers behind the plot.
print(f"{'run':<30}{'final acc':>10}{'devices':>9}{'pulses':>11}{'energy J':>11}"
      f"{'latency s':>11}")
for label, r in results.items():
    print(f"{label:<30}{r['curve'][-1]:>10.3f}{r['devices']:>9d}{r['pulses']:>11.3g}"
          f"{r['energy']:>11.3g}{r['latency']:>11.3g}")

# %%
# Reading the result
# ------------------
# Four copies cost four times the devices and about four times the update pulses and
# energy of SGD, for an average that removes pulse-to-pulse and device-to-device noise but
# not the asymmetry bias. Read-write-verify removes the bias (it programs targets within a
# tolerance) but writes one row at a time with verify reads, so its modelled latency is
# far above the fully parallel rules'. SHD keeps the parallel update and needs a second
# array; see :doc:`/user_guide/nn` for the theory and for the benchmark over seeds.
