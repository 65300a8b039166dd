"""Benchmark: crossbar reads with wire resistance (exact solve, first-order model).

Run ``python benchmarks/bench_parasitics.py [N]`` (default N = 512). Devices are uniform in
10-100 kohm; every line segment is 1e-4 of the smallest device resistance (1 ohm). The exact
model is reduced once to dense response matrices (timed separately) and then reused for a
matvec and a 256-column matmat; times are compared per input column with the ideal product
``G.T @ V``. A direct elimination has no convergence to monitor.
"""

import sys
import time

import numpy as np
from _common import best_time, blas_threads, print_table

from analoglinalg.crossbar._parasitics import ParasiticSolver, WireResistance

K = 256


def main(n=512):
    rng = np.random.default_rng(0)
    G = rng.uniform(1e-5, 1e-4, size=(n, n))
    r = 1e-4 / G.max()
    V = rng.uniform(0.0, 0.2, size=(n, K))
    rows = []
    with blas_threads(1):
        start = time.perf_counter()
        exact = ParasiticSolver(G, WireResistance(row_segment=r, col_segment=r))
        t_factor = time.perf_counter() - start
        first = ParasiticSolver(G, WireResistance(row_segment=r, col_segment=r,
                                                  method="first_order"))
        ideal_1 = best_time(lambda: G.T @ V[:, 0], repeat=20)
        ideal_k = best_time(lambda: G.T @ V, repeat=5) / K
        rows.append(("ideal G.T @ V", "matvec", ideal_1, 1.0))
        rows.append(("ideal G.T @ V", f"matmat/{K}", ideal_k, 1.0))
        for name, solver in (("exact", exact), ("first_order", first)):
            t1 = best_time(lambda s=solver: s.currents(V[:, 0]), repeat=3)
            tk = best_time(lambda s=solver: s.currents(V), repeat=1) / K
            rows.append((name, "matvec", t1, t1 / ideal_1))
            rows.append((name, f"matmat/{K}", tk, tk / ideal_k))
        I_exact, P_exact = exact.currents(V)
        I_first, _ = first.currents(V)
    ideal = G.T @ V
    print(f"N = {n}, segment resistance {r:.3g} ohm (1e-4 of the smallest device resistance)")
    print(f"factorisation (once per programmed state): {t_factor:.3g} s "
          "(dense response matrices by a sweep along the rows)")
    print_table(rows, ["model", "read", "s per column", "x ideal"])
    rel = lambda a, b: float(np.linalg.norm(a - b) / np.linalg.norm(b))  # noqa: E731
    print(f"IR-drop error (ideal product vs exact, relative to ideal): {rel(I_exact, ideal):.3g}")
    print(f"first-order model error (relative to exact):               {rel(I_first, I_exact):.3g}")
    device_power = np.einsum("ij,ik->k", G, V**2)  # ideal-model device dissipation
    print(f"mean wire dissipation per read: {P_exact.mean():.3g} W "
          f"(ideal-model device dissipation {device_power.mean():.3g} W)")
    print("convergence: direct elimination, no iteration (always 'converges')")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 512)
