"""
Quasi-Newton on a crossbar
==========================

BFGS keeps an ``n x n`` inverse-Hessian approximation ``H``: each iteration multiplies it by
the gradient and changes it by a rank-two update, both O(n^2) digital work. On a crossbar
the product is one analog read and the update two parallel pulse updates, while the line
search stays digital. Here :func:`analoglinalg.optimize.minimize` runs on an ideal and on a
protonic crossbar, against SciPy's float64 BFGS, and we compare the modelled energy per
iteration with that of a digital dense update.
"""

# %%
# The extended Rosenbrock function
# --------------------------------
# Moré, Garbow & Hillstrom (1981), problem 21, from its standard start.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import minimize as scipy_minimize

from analoglinalg.crossbar import CostLedger, Periphery
from analoglinalg.optimize import minimize


def rosenbrock(x):
    odd, even = x[0::2], x[1::2]
    r1, r2 = 10.0 * (even - odd ** 2), 1.0 - odd
    g = np.zeros_like(x)
    g[0::2] = -40.0 * odd * r1 - 2.0 * r2
    g[1::2] = 20.0 * r1
    return float(r1 @ r1 + r2 @ r2), g


n = 10
x0 = np.tile([-1.2, 1.0], n // 2)

# %%
# Convergence: analog against digital
# -----------------------------------
# The callback records the gradient norm after each iteration.
traces = {}


def run(name, solve):
    trace = []
    res = solve(lambda xk: trace.append(np.abs(rosenbrock(xk)[1]).max()))
    traces[name] = trace
    return res


run("SciPy BFGS (float64)", lambda cb: scipy_minimize(rosenbrock, x0, jac=True, method="BFGS",
                                                      callback=cb, options={"gtol": 1e-6}))
ideal = run("analog, ideal device", lambda cb: minimize(
    rosenbrock, x0, jac=True, callback=cb, device="ideal", periphery=Periphery.ideal(), rng=0,
    options={"gtol": 1e-6, "update_mode": "mean_field", "trust_ratio": None,
             "reprogram": "readout", "reprogram_repeats": 1}))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    protonic = run("analog, protonic_psg_2022", lambda cb: minimize(
        rosenbrock, x0, jac=True, callback=cb, rng=0, options={"gtol": 1e-6, "maxiter": 600}))

fig, ax = plt.subplots(figsize=(6.5, 4))
for name, trace in traces.items():
    ax.semilogy(np.arange(1, len(trace) + 1), trace, label=name)
ax.set(xlabel="iteration", ylabel=r"$\|\nabla f\|_\infty$", title=f"extended Rosenbrock, n={n}")
ax.legend()
fig.tight_layout()
print(f"protonic: {protonic.nit} iterations, {protonic.n_reprogram} re-programmings, "
      f"{protonic.nit - protonic.n_untrusted - protonic.n_fallback} of them with the "
      f"crossbar's direction")

# %%
# The ideal crossbar (trust test off, exact read-out) is full-memory BFGS and follows
# float64 BFGS. On the protonic device the crossbar's matrix errs by a few per cent of its
# column maxima (programming noise, 30 % pulse step spread, read noise), too coarse for this
# problem's condition number: the trust test then replaces it by ``gamma I`` and the digital
# window of the last ``memory`` pairs (an L-BFGS two-loop recursion) carries convergence.
#
# Energy per iteration against a digital update
# ---------------------------------------------
# A dense digital BFGS iteration costs about ``3 n^2`` multiply-accumulates (direction,
# ``H y`` and the rank-two update); the ledger prices them on the GPU baseline. The hybrid
# adds its own digital work (``res.n_digital_macs``: ``4 n m`` per direction and the
# ``O(n^2)`` replays of re-programmings), priced on the same baseline.
sizes = [10, 20, 40, 80]
analog, hybrid, digital = [], [], []
for m in sizes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = minimize(rosenbrock, np.tile([-1.2, 1.0], m // 2), jac=True, rng=1,
                       options={"maxiter": 15})
    analog.append(res.cost.energy / res.nit)
    # The hybrid's own digital work (two-loop window, replays) on the same GPU baseline.
    side = CostLedger()
    side.n_macs = res.n_digital_macs
    hybrid.append((res.cost.energy + side.digital_energy("gpu")) / res.nit)
    ledger = CostLedger()
    ledger.n_macs = 3 * m * m
    digital.append(ledger.digital_energy("gpu"))
fig, ax = plt.subplots(figsize=(6.5, 4))
ax.loglog(sizes, analog, "o-", label="protonic crossbar (reads, pulses, re-programming)")
ax.loglog(sizes, hybrid, "^-", label="crossbar + its digital side (GPU baseline)")
ax.loglog(sizes, digital, "s--", label=r"digital $3n^2$ MACs (GPU baseline)")
ax.set(xlabel="n", ylabel="J per iteration", title="modelled energy per BFGS iteration")
ax.legend()
fig.tight_layout()
