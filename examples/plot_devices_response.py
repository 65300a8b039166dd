"""
Device response curves and the protonic pulse law
=================================================

The experiment of Onen et al. (Science 2022, Fig. 2A): 1000 up pulses then 1000 down
pulses, the state read after each. First every preset's nominal device, then eight
devices of the protonic preset with their device-to-device spread and cycle-to-cycle
noise, then how the protonic step scales with pulse width and voltage.
"""

# %%
# Nominal response curves of all presets
# --------------------------------------
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from analoglinalg.devices import ProtonicPulseLaw, list_devices, response_curve

fig, ax = plt.subplots(figsize=(7, 4))
for name in list_devices():
    curve = response_curve(name, nominal=True)
    w = curve.w[:, 0]
    dev = curve.device
    ax.plot((w - dev.w_min) / (dev.w_max - dev.w_min), lw=1, label=name)
ax.set_xlabel("pulse number")
ax.set_ylabel("state, fraction of the range")
ax.legend(fontsize=7, ncol=2)
fig.tight_layout()

# %%
# Eight noisy protonic devices
# ----------------------------
curve = response_curve("protonic_psg_2022", n_devices=8, rng=0)
ax = curve.plot()
print(f"conductance after 1000 up pulses: "
      f"{np.round(curve.conductance[1000] * 1e9).astype(int)} nS")

# %%
# The pulse law
# -------------
# The step scales as ``t**1.2 * sinh(kappa*V)``; pulses longer than 40 ns are refused.
law = ProtonicPulseLaw()
widths = np.linspace(1e-9, 40e-9, 50)
voltages = np.linspace(1.0, 10.0, 50)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3.2))
ax1.plot(widths * 1e9, [law.step_scale(t, 10.0) for t in widths])
ax1.set_xlabel("pulse width (ns) at 10 V")
ax1.set_ylabel("step / step(5 ns, 10 V)")
ax2.semilogy(voltages, [law.step_scale(5e-9, v) for v in voltages])
ax2.set_xlabel("pulse voltage (V) at 5 ns")
fig.tight_layout()
print(f"half-select ratio step(10 V)/step(5 V) = "
      f"{law.step_scale(5e-9, 10) / law.step_scale(5e-9, 5):.0f}")
