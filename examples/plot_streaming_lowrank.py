"""
Streaming low-rank approximation on analog hardware
===================================================

A matrix that arrives as a stream of updates is summarised by the three sketches of Tropp,
Yurtsever, Udell and Cevher (2019): range, co-range and core. We first measure, digitally,
how the error of the rank-10 reconstruction falls with the storage budget on the paper's
three test families and the two sizing rules; then we run the same stream with the test
matrices on crossbars and with the sketches accumulated in analog arrays, and compare
accuracy and modelled energy with the all-digital sketch.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from analoglinalg.crossbar import Periphery
from analoglinalg.streaming import ThreeSketch, make_test_matrix, min_storage

n, r = 300, 10
families = [("lowrank", "med"), ("polydecay", "med"), ("expdecay", "med")]
t_min = min_storage((n, n), r) / (2 * n)
budgets = np.unique(np.round(np.geomspace(np.ceil(t_min), 40, 7))).astype(int)

fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), sharey=False)
for ax, (kind, level) in zip(axes, families, strict=True):
    for rule, marker in [("natural", "o"), ("flat", "s")]:
        excess = []
        for T in budgets:
            errs = []
            for seed in range(3):
                A, sv = make_test_matrix(kind, n, level=level, rng=100 + seed)
                sk = ThreeSketch.from_rank((n, n), r, storage=int(T * 2 * n), rule=rule,
                                           rng=seed).update(A)
                dense = A.toarray() if hasattr(A, "toarray") else A
                tau = np.sqrt(np.sum(sv[r:] ** 2))
                errs.append(np.linalg.norm(dense - sk.reconstruct(r)) / tau - 1)
            excess.append(max(np.mean(errs), 1e-16))
        ax.loglog(budgets, excess, marker=marker, label=rule)
    ax.set_title(f"{kind} ({level})")
    ax.set_xlabel("storage T / (m + n)")
axes[0].set_ylabel("relative excess error (Frobenius)")
axes[0].legend()
fig.tight_layout()

# %%
# Analog against digital
# ----------------------
# A 60 x 50 matrix streams in row by row. ``analog="test_matrices"`` reads every row through
# crossbars holding the test matrices; ``analog="sketches"`` accumulates the sketches with
# rank-1 pulses, in one array per sketch or with the ping-pong scheme (flush every 20 rows).

rng = np.random.default_rng(0)
m, n2 = 60, 50
A = rng.standard_normal((m, 3)) @ rng.standard_normal((3, n2)) + 0.02 * rng.standard_normal((m, n2))
digital = ThreeSketch((m, n2), 7, 15, rng=1)
for i in range(m):
    digital.update_rows(i, A[i:i + 1])
ranges = {k: 1.5 * np.abs(getattr(digital, k)).max() for k in "XYZ"}
configs = [
    ("digital", {}),
    ("test matrices, ideal", dict(analog="test_matrices", device="ideal",
                                  periphery=Periphery.ideal())),
    ("test matrices, protonic", dict(analog="test_matrices", device="protonic_psg_2022")),
    ("sketches, protonic, single", dict(analog="sketches", device="protonic_psg_2022",
                                        sketch_range=ranges, update_mode="mean_field")),
    ("sketches, protonic, ping-pong", dict(analog="sketches", device="protonic_psg_2022",
                                           flush_every=20, sketch_range=ranges,
                                           update_mode="mean_field")),
]
names, errors, energies = [], [], []
for name, kw in configs:
    sk = ThreeSketch((m, n2), 7, 15, rng=1, **kw)
    for i in range(m):
        sk.update_rows(i, A[i:i + 1])
    cost = sk.cost_summary()
    names.append(name)
    errors.append(np.linalg.norm(A - sk.reconstruct(3)) / np.linalg.norm(A))
    energies.append(cost["energy"])
    print(f"{name:<32} error {errors[-1]:.3f}   energy {cost['energy']:.2e} J "
          f"(analog {cost['analog_energy']:.2e} J)")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.6))
ax1.barh(names, errors)
ax1.set_xlabel("relative error of the rank-3 reconstruction")
ax2.barh(names, energies)
ax2.set_xscale("log")
ax2.set_xlabel("modelled energy of the updates (J)")
ax2.set_yticks([])
fig.tight_layout()

# %%
# The digital arithmetic that remains in the analog paths (applying the test matrices to
# each row in the ``"sketches"`` mode) dominates their energy at this size; the analog
# accumulation itself costs nanojoules. Accuracy is limited by the devices' step-size
# spread and by read-out through 8-bit converters, which the digital sketch does not suffer.
