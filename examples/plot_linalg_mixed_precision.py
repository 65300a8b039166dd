"""
Mixed-precision solve
=====================

An analog product errs by tens of percent, yet :func:`analoglinalg.linalg.solve` returns
solutions accurate to float64: the residual ``b - A x`` is computed digitally and only the
correction equation is solved, inexactly, on the crossbar (Le Gallo et al., 2018). We solve
symmetric positive definite systems of growing condition number on a protonic crossbar and
watch the refinement converge.
"""

# %%
# Systems with a prescribed condition number
# ------------------------------------------
import matplotlib.pyplot as plt
import numpy as np

from analoglinalg.linalg import solve


def spd(n, kappa, rng):
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return Q @ np.diag(np.logspace(0, np.log10(kappa), n)) @ Q.T, rng.standard_normal(n)


rng = np.random.default_rng(0)
n = 24

# %%
# Flexible GMRES around analog CG
# -------------------------------
# At ``cond(A) = 1e4`` single reads are too noisy for the inner solve to contract; 16
# averaged reads per product cut the read noise four-fold.
fig, ax = plt.subplots(figsize=(6.5, 4))
for kappa, repeats in [(10, 1), (1e2, 1), (1e3, 1), (1e4, 16)]:
    A, b = spd(n, kappa, rng)
    res = solve(A, b, assume_a="pos", rtol=1e-12, maxiter=200, readout_repeats=repeats, rng=1)
    true = np.linalg.norm(b - A @ res.x) / np.linalg.norm(b)
    print(f"cond {kappa:7.0e}: {res.nit:3d} refinement steps, {res.inner_nit:4d} analog "
          f"products x {repeats}, relative residual {true:.1e}")
    ax.semilogy(res.residuals, label=f"cond = {kappa:.0e}, {repeats} read(s)")
ax.axhline(1e-12, color="k", ls=":", lw=1)
ax.set(xlabel="refinement step", ylabel="relative residual", title="protonic crossbar, n = 24")
ax.legend()
fig.tight_layout()

# %%
# Classical refinement and its predicted contraction
# --------------------------------------------------
# Classical refinement contracts the error by about ``||A_a^{-1} (A_a - A)||`` per step,
# ``A_a`` being the matrix the devices hold (available without cost from
# :meth:`~analoglinalg.crossbar.Crossbar.read` for diagnostics).
A, b = spd(n, 10.0, rng)
res = solve(A, b, assume_a="pos", method="refine", inner_maxiter=24, inner_rtol=1e-6, rng=3)
Aa = res.crossbar.read()
predicted = np.linalg.norm(np.linalg.solve(Aa, Aa - A), 2)
print(f"measured contraction {res.contraction:.3f}, predicted {predicted:.3f}; "
      f"{res.nit} steps, predicted {np.log(1e-12) / np.log(predicted):.1f}")
