"""
Crossbar basics: reads, a CG solve and the ledger
=================================================

Program a 200 x 200 symmetric positive definite matrix onto protonic devices (Onen et al.,
Science 2022) with the realistic default periphery, compare its analog reads with NumPy's
product, solve a linear system with SciPy's conjugate gradients on the crossbar and on the
dense matrix, and print what the hardware did.
"""

# %%
# Program the matrix
# ------------------
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.sparse.linalg import cg

from analoglinalg import Crossbar

rng = np.random.default_rng(0)
n = 200
Q = np.linalg.qr(rng.standard_normal((n, n)))[0]
A = Q @ np.diag(np.linspace(1.0, 10.0, n)) @ Q.T  # SPD, condition number 10
xb = Crossbar.from_matrix(A, device="protonic_psg_2022", rng=1)
program_error = np.linalg.norm(xb.read() - A) / np.linalg.norm(A)
print(f"relative programming error ||read() - A|| / ||A|| = {program_error:.2e}")

# %%
# Read error
# ----------
# 100 random vectors; the error of each output relative to the norm of its exact product.
# The output noise (0.06 in units where the largest device weight is 0.75 and the largest
# input 1) is what dominates here: this matrix's columns are led by their diagonal entry, so
# a typical normalised output is only a few tenths and the signal-to-noise ratio is ~5.
X = rng.standard_normal((n, 100))
Y = xb.matmat(X)
exact = A @ X
rel = (Y - exact) / np.linalg.norm(exact, axis=0)
print(f"relative read error (Frobenius) = "
      f"{np.linalg.norm(Y - exact) / np.linalg.norm(exact):.2e}")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.hist(rel.ravel(), bins=80, color="C0")
ax.set_xlabel("(analog - NumPy) / ||A x||")
ax.set_ylabel("outputs")
ax.set_title("Read error of the protonic crossbar")
fig.tight_layout()

# %%
# Conjugate gradients on the crossbar
# -----------------------------------
# CG converges on the noisy operator to the accuracy its reads allow.
b = rng.standard_normal(n)
x_dense, _ = cg(A, b, rtol=1e-8)
x_analog, info = cg(xb, b, rtol=1e-2, maxiter=100)
x_true = np.linalg.solve(A, b)
print(f"dense CG error  {np.linalg.norm(x_dense - x_true) / np.linalg.norm(x_true):.2e}")
print(f"analog CG error {np.linalg.norm(x_analog - x_true) / np.linalg.norm(x_true):.2e}"
      f" (info={info})")

# %%
# The ledger
# ----------
print(xb.cost.summary())
