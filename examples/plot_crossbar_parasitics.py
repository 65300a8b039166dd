"""
Read error from wire resistance
===============================

Output currents of a crossbar read with resistive row and column lines, solved exactly by
nodal analysis (``ParasiticSolver``), against the
ideal product ``G.T @ V``, for several array sizes and segment resistances; and the error
of the cheap first-order model against the exact solve.
"""

# %%
# Relative read error vs array size
# ---------------------------------
# Devices uniform in 10-100 kohm, inputs uniform in [0, 0.2] V, the segment resistance a
# fraction ``r`` of the smallest device resistance (10 kohm).
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from analoglinalg.crossbar._parasitics import ParasiticSolver, WireResistance

rng = np.random.default_rng(0)
sizes = [8, 16, 32, 64]
ratios = [1e-6, 1e-5, 1e-4, 1e-3]
g_max = 1e-4


def rel(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(b)


ideal_err = np.zeros((len(ratios), len(sizes)))
first_err = np.zeros_like(ideal_err)
for c, n in enumerate(sizes):
    G = rng.uniform(g_max / 10, g_max, size=(n, n))
    V = rng.uniform(0.0, 0.2, size=(n, 4))
    ideal = G.T @ V
    for r_idx, ratio in enumerate(ratios):
        seg = dict(row_segment=ratio / g_max, col_segment=ratio / g_max)
        exact, _ = ParasiticSolver(G, WireResistance(**seg)).currents(V)
        first, _ = ParasiticSolver(G, WireResistance(method="first_order", **seg)).currents(V)
        ideal_err[r_idx, c] = rel(exact, ideal)
        first_err[r_idx, c] = rel(first, exact)

fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
for r_idx, ratio in enumerate(ratios):
    axes[0].loglog(sizes, ideal_err[r_idx], "o-", label=f"R_wire/R_min = {ratio:g}")
    axes[1].loglog(sizes, first_err[r_idx], "s--", label=f"R_wire/R_min = {ratio:g}")
axes[0].set_title("ideal product vs exact")
axes[1].set_title("first-order model vs exact")
for ax in axes:
    ax.set_xlabel("array size N (N x N)")
    ax.grid(True, which="both", alpha=0.3)
axes[0].set_ylabel("relative error (Frobenius)")
axes[1].legend(fontsize=7)
fig.tight_layout()

# %%
# The error of the ideal model grows like ``r N**2`` while it is small; the first-order
# model removes that term and leaves one of order ``(r N**2)**2``, so it is worth using
# only where the ideal model is off by less than about 10 %.
for r_idx, ratio in enumerate(ratios):
    print(f"r = {ratio:g}: ideal error {np.round(ideal_err[r_idx], 4)}, "
          f"first-order error {np.round(first_err[r_idx], 4)}")
