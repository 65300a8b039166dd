"""Demo section: program a matrix on a crossbar, its read error, one CG solve, the ledger."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy.sparse.linalg import cg  # noqa: E402

from analoglinalg.crossbar import Crossbar  # noqa: E402

__all__ = ["run"]


def run(outdir, quick, rng):
    """Program an SPD matrix on the protonic preset; return a Markdown summary."""
    n = 60 if quick else 200
    Q = np.linalg.qr(rng.standard_normal((n, n)))[0]
    A = Q @ np.diag(np.linspace(1.0, 10.0, n)) @ Q.T
    xb = Crossbar.from_matrix(A, device="protonic_psg_2022", rng=rng)
    program_error = np.linalg.norm(xb.read() - A) / np.linalg.norm(A)
    X = rng.standard_normal((n, 50))
    Y = xb.matmat(X)
    exact = A @ X
    read_error = np.linalg.norm(Y - exact) / np.linalg.norm(exact)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist(((Y - exact) / np.linalg.norm(exact, axis=0)).ravel(), bins=60)
    ax.set_xlabel("(analog - NumPy) / ||A x||")
    ax.set_ylabel("outputs")
    ax.set_title(f"{n}x{n} protonic crossbar: read error")
    fig.tight_layout()
    path = outdir / "crossbar_read_error.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    b = rng.standard_normal(n)
    x_true = np.linalg.solve(A, b)
    xb.cost.reset()
    x, info = cg(xb, b, rtol=1e-2, maxiter=100)
    cg_error = np.linalg.norm(x - x_true) / np.linalg.norm(x_true)
    return "\n".join([
        f"A {n}x{n} SPD matrix (condition number 10) on `protonic_psg_2022` devices with the "
        "default periphery.",
        "",
        f"- programming error ||read() - A|| / ||A||: {program_error:.2e}",
        f"- read error ||xb @ X - A X|| / ||A X|| (50 vectors): {read_error:.2e}",
        f"- `scipy.sparse.linalg.cg` on the crossbar: relative error {cg_error:.2e} "
        f"(info={info})",
        "",
        f"![read error]({path.name})",
        "",
        "Ledger of the CG solve:",
        "",
        "```",
        xb.cost.summary(),
        "```",
    ]), {f"CG solve, {n}x{n} protonic": xb.cost}
