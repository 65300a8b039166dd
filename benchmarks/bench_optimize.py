"""Benchmark: analog BFGS vs SciPy BFGS and L-BFGS-B on the extended Rosenbrock function.

Prints wall time (best of ``REPEATS``), iterations, function evaluations and the modelled
hardware energy per iteration of the analog runs next to the energy of a digital O(n^2)
inverse-Hessian update on the ledger's baselines (``CostLedger.digital_energy``), the
energy of the hybrid's own digital side (two-loop window and replays, ``n_digital_macs`` at
the GPU baseline), re-programmings per iteration and the fraction of iterations whose
direction used the crossbar (the rest passed the trust test or descent check only with the
scaled identity). Usage:
``python benchmarks/bench_optimize.py [n ...]`` (default 100 500). Not a test.
"""

import sys
import time
import warnings

import numpy as np
from scipy.optimize import minimize as scipy_minimize
from threadpoolctl import threadpool_limits

from analoglinalg.crossbar import CostLedger, Periphery
from analoglinalg.optimize import minimize

REPEATS = 3  # digital solvers; the protonic runs take seconds each and run once
GTOL = 1e-5


def rosenbrock(x):
    """Extended Rosenbrock (Moré, Garbow & Hillstrom 1981, problem 21) with its gradient."""
    odd, even = x[0::2], x[1::2]
    r1, r2 = 10.0 * (even - odd ** 2), 1.0 - odd
    g = np.zeros_like(x)
    g[0::2] = -40.0 * odd * r1 - 2.0 * r2
    g[1::2] = 20.0 * r1
    return float(r1 @ r1 + r2 @ r2), g


def best_of(solve, repeats=REPEATS):
    times, res = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        res = solve()
        times.append(time.perf_counter() - start)
    return min(times), res


def main(sizes):
    for n in sizes:
        report(n, run_size(n))


def run_size(n):
    """Run the four solvers on extended Rosenbrock of size ``n``; name -> (seconds, result)."""
    x0 = np.tile([-1.2, 1.0], n // 2)
    opts = {"gtol": GTOL, "maxiter": 20 * n}
    runs = {
        "scipy BFGS": lambda: scipy_minimize(rosenbrock, x0, jac=True, method="BFGS",
                                             options=opts),
        "scipy L-BFGS-B": lambda: scipy_minimize(rosenbrock, x0, jac=True, method="L-BFGS-B",
                                                 options=opts),
        # Exact device: trust test off and exact read-out, i.e. full-memory BFGS.
        "analog BFGS ideal": lambda: minimize(
            rosenbrock, x0, jac=True, device="ideal", periphery=Periphery.ideal(), rng=0,
            options={**opts, "update_mode": "mean_field", "trust_ratio": None,
                     "reprogram": "readout", "reprogram_repeats": 1}),
        "analog BFGS protonic": lambda: minimize(rosenbrock, x0, jac=True, rng=0,
                                                 options=opts),
    }
    results = {}
    with warnings.catch_warnings():
        # Saturation/clipping warnings of the protonic run are part of what is measured.
        warnings.simplefilter("ignore")
        for name, solve in runs.items():
            results[name] = best_of(solve, 1 if "protonic" in name else REPEATS)
    return results


def report(n, results):
    t_bfgs = results["scipy BFGS"][0]
    nit_lbfgs = results["scipy L-BFGS-B"][1].nit
    # A digital dense BFGS iteration: direction, H y and the rank-two update, ~3 n^2 MACs.
    digital = CostLedger()
    digital.n_macs = 3 * n * n
    print(f"\nextended Rosenbrock, n = {n} (gtol {GTOL:g}; digital best of {REPEATS})")
    print(f"{'solver':22s} {'ok':>5s} {'wall s':>9s} {'/BFGS':>7s} {'nit':>6s} "
          f"{'nit/LBFGS':>9s} {'nfev':>6s} {'J/iter':>9s} {'+dig J/it':>9s} "
          f"{'GPU J/iter':>10s} {'reprog/it':>9s} {'crossbar':>8s}")
    for name, (t, res) in results.items():
        cost = res.get("cost")
        nit = max(res.nit, 1)
        e_it = dig_it = reprog = used = f"{'-':>9s}"
        if cost is not None:
            # The hybrid's digital side (two-loop window, replays) at the GPU baseline.
            dig = CostLedger()
            dig.n_macs = res.n_digital_macs
            e_it = f"{cost.energy / nit:9.2e}"
            dig_it = f"{dig.digital_energy('gpu') / nit:9.2e}"
            reprog = f"{res.n_reprogram / nit:9.2f}"
            used = f"{1 - (res.n_untrusted + res.n_fallback) / nit:8.2f}"
        print(f"{name:22s} {res.success!s:>5s} {t:9.3f} {t / t_bfgs:7.2f} {res.nit:6d} "
              f"{res.nit / nit_lbfgs:9.2f} {res.nfev:6d} {e_it} {dig_it} "
              f"{digital.digital_energy('gpu'):10.2e} {reprog} {used}")


if __name__ == "__main__":
    with threadpool_limits(1):
        main([int(a) for a in sys.argv[1:]] or [100, 500])
