"""
Why device asymmetry breaks SGD
===============================

Minimise :math:`E(w) = \\tfrac12\\|w - w^*\\|^2` with noisy gradients on soft-bounds
devices, whose up and down steps differ away from the symmetry point
(:math:`F(w) = 1`, :math:`G(w) = w`). Analog SGD settles at a biased point, pulled toward
the symmetry point 0 by the term :math:`-\\alpha|g|G(w)`; Tiki-Taka and (our reconstruction
of) Stochastic Hamiltonian Descent move the asymmetry into a second array, where it acts
as friction, and reach :math:`w^*`.
"""

# %%
# Trajectories of one weight vector (N x 1 crossbar, mean-field pulsed updates).
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from analoglinalg.devices import ConstantStep, Device, SoftBounds
from analoglinalg.nn import AnalogLinear, AnalogSGD, StochasticHamiltonianDescent, TikiTaka

soft = Device(name="soft", response=SoftBounds(), dw_min=1e-3, w_min=-1, w_max=1)
symmetric = Device(name="symmetric", response=ConstantStep(), dw_min=1e-3, w_min=-1, w_max=1)
w_star = np.full(16, 0.6)
lr, noise, n_steps = 0.02, 0.5, 3000


def run(rule, device):
    layer = AnalogLinear(1, w_star.size, device=device, periphery="ideal", bias=False,
                         init="zeros", update_mode="mean_field", rng=0)
    rng = np.random.default_rng(1)
    path = []
    for _ in range(n_steps):
        w = layer.arrays["weight"].read()[:, 0]
        path.append(w.mean())
        g = w - w_star + noise * rng.standard_normal(w.size)
        rule.step(layer, np.ones((1, 1)), g[None, :], lr)
    return np.array(path)


paths = {
    "analog SGD (soft bounds)": run(AnalogSGD(), soft),
    "Tiki-Taka (A soft, C symmetric)": run(TikiTaka(transfer_lr=0.05, fast_device=soft),
                                           symmetric),
    "SHD (A soft, C symmetric)": run(StochasticHamiltonianDescent(transfer_lr=0.05,
                                                                  fast_device=soft), symmetric),
}

fig, ax = plt.subplots(figsize=(7, 4))
for label, path in paths.items():
    ax.plot(path, label=label, lw=1)
ax.axhline(w_star[0], color="k", ls="--", label="$w^*$")
ax.set(xlabel="step", ylabel="mean weight over 16 chains", title="noisy quadratic, mean-field")
ax.legend(fontsize=8)
fig.tight_layout()

for label, path in paths.items():
    print(f"{label:34s} mean of last 1500 steps: {path[-1500:].mean():.3f}")
