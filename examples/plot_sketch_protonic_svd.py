"""
Randomized SVD on a protonic crossbar
=====================================

A randomized SVD needs only block products ``A @ X`` and ``A.T @ X``: exactly what a
crossbar of programmable resistors computes, one analog read per column. Here a matrix with
a known spectrum is programmed onto crossbars of several device presets and factorised with
:func:`analoglinalg.sketch.randomized_svd`; we compare the singular values, the error against
the optimal rank-``r`` error, and the modelled energy against digital hardware.
"""

# %%
# A test matrix with a known spectrum
# -----------------------------------
# The polynomial-decay matrix of Tropp et al.: ten unit singular values, then
# ``sigma_j = (j - 9)^-1``, rotated by random orthogonal matrices.
import matplotlib.pyplot as plt
import numpy as np

from analoglinalg.crossbar import Periphery
from analoglinalg.sketch import randomized_svd

rng = np.random.default_rng(0)
m, n, k = 300, 150, 20
sigma = np.r_[np.ones(10), np.arange(2, n - 8, dtype=float) ** -1.0]
U0 = np.linalg.qr(rng.standard_normal((m, n)))[0]
V0 = np.linalg.qr(rng.standard_normal((n, n)))[0]
A = (U0 * sigma) @ V0.T

# %%
# Factorise on each device
# ------------------------
# ``device=`` programs the array onto a new crossbar (write-verify) and every product of
# the algorithm becomes an analog read. ``return_cost=True`` appends the crossbar's ledger.
presets = ["ideal", "protonic_psg_2022", "rpu_gokmen_vlasov_2016", "reram_gong_2018"]
results = {}
for name in presets:
    periphery = Periphery.ideal() if name == "ideal" else None
    U, s, Vt, cost = randomized_svd(A, k, n_iter=2, rng=1, device=name, periphery=periphery,
                                    return_cost=True)
    errors = [np.linalg.norm(A - (U[:, :r] * s[:r]) @ Vt[:r], 2) / sigma[r]
              for r in range(1, k + 1)]
    results[name] = (s, errors, cost)

# %%
# Singular values and error versus rank
# -------------------------------------
# The ideal crossbar reproduces the digital result to float32 rounding. Realistic devices
# add a noise floor: programming error of the held matrix plus read noise on every pass
# (see the user guide for its derivation). It hides singular values below roughly that
# floor, so the relative error grows with the rank.
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
ax1.semilogy(np.arange(1, k + 1), sigma[:k], "k-", lw=2, label="exact")
ax2.axhline(1.0, color="k", lw=2, label="optimal")
for name, (s, errors, _) in results.items():
    ax1.semilogy(np.arange(1, k + 1), s, "o--", ms=3, label=name)
    ax2.plot(np.arange(1, k + 1), errors, "o-", ms=3, label=name)
ax1.set(xlabel="index j", ylabel=r"$\sigma_j$", title="singular values")
ax2.set(xlabel="rank r", ylabel=r"$\|A - A_r\|_2 / \sigma_{r+1}$",
        title="error relative to the optimal rank-r error")
ax1.legend(fontsize=8)
ax2.legend(fontsize=8)
fig.tight_layout()

# %%
# Modelled energy
# ---------------
# The ledger counts programming (write-verify pulses) and every read, and prices the same
# multiply-accumulates on the digital baselines of the cost model.
print(f"{'device':26s} {'reads':>6s} {'energy (J)':>11s} {'GPU (J)':>10s} {'ASIC (J)':>10s}")
for name, (_, _, cost) in results.items():
    print(f"{name:26s} {cost.n_reads:6d} {cost.energy:11.2e} "
          f"{cost.digital_energy('gpu'):10.2e} {cost.digital_energy('asic'):10.2e}")
