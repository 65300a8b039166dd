"""Benchmark: randomized SVD (k = 20, 2000 x 1000) against scikit-learn, plus crossbar runs.

Rows: scikit-learn's ``randomized_svd`` (baseline), ``analoglinalg.sketch.randomized_svd`` on
the ndarray, on an ideal crossbar (ideal device and periphery; reads are float32 products)
and on the realistic protonic crossbar. Times are best of ``--repeats`` with BLAS pinned to one
thread; crossbar rows exclude programming (done once, like a stored matrix). Errors are
``||A - U S Vt||_2 / sigma_21``. The energy table compares the crossbar ledger of one SVD with
the same multiply-accumulates on the digital baselines of the CostLedger.

Run: ``python benchmarks/bench_sketch.py [--quick]``.
"""

import argparse
import time

import numpy as np
from sklearn.utils.extmath import randomized_svd as sk_randomized_svd
from threadpoolctl import threadpool_limits

from analoglinalg import Crossbar
from analoglinalg.crossbar import Periphery
from analoglinalg.sketch import randomized_svd


def _matrix(m, n, seed):
    # PolyDecayMed of Tropp et al. (R = 10, p = 1), rotated (numerics.md 5.1).
    rng = np.random.default_rng(seed)
    sigma = np.r_[np.ones(10), np.arange(2, n - 8, dtype=float) ** -1.0]
    U = np.linalg.qr(rng.standard_normal((m, n)))[0]
    V = np.linalg.qr(rng.standard_normal((n, n)))[0]
    return (U * sigma) @ V.T, sigma


def _best(fn, repeats):
    best, out = np.inf, None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller matrix, fewer repeats")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    m, n, k = (600, 300, 20) if args.quick else (2000, 1000, 20)
    repeats = 2 if args.quick else args.repeats
    A, sigma = _matrix(m, n, 0)

    def err(res):
        U, s, Vt = res[:3]
        return np.linalg.norm(A - (U * s) @ Vt, 2) / sigma[k]

    with threadpool_limits(1):
        rows = []
        t_ref, res = _best(lambda: sk_randomized_svd(A, k, random_state=0), repeats)
        rows.append(("scikit-learn (ndarray)", t_ref, err(res), None))
        t, res = _best(lambda: randomized_svd(A, k, rng=0), repeats)
        rows.append(("analoglinalg (ndarray)", t, err(res), None))
        ideal = Crossbar.from_matrix(A, device="ideal", periphery=Periphery.ideal(), rng=0)
        t, res = _best(lambda: randomized_svd(ideal, k, rng=0), repeats)
        rows.append(("analoglinalg (ideal crossbar)", t, err(res), None))
        proto = Crossbar.from_matrix(A, device="protonic_psg_2022", rng=0)
        proto.cost.reset()
        t, res = _best(lambda: randomized_svd(proto, k, rng=0), 1)
        rows.append(("analoglinalg (protonic crossbar)", t, err(res), proto.cost.copy()))

    print(f"randomized_svd, k={k}, {m}x{n} PolyDecayMed, n_iter='auto', 1 BLAS thread")
    print(f"{'path':34s} {'time (ms)':>10s} {'ratio':>7s} {'||E||_2/sigma_k+1':>18s}")
    for name, t, e, _ in rows:
        print(f"{name:34s} {1e3 * t:10.1f} {t / t_ref:7.2f} {e:18.4f}")
    cost = rows[-1][3]
    print()
    print("modelled cost of one SVD on the protonic crossbar (programming excluded)")
    print(f"{'':34s} {'energy (J)':>12s} {'vs crossbar':>12s}")
    print(f"{'crossbar reads (ledger)':34s} {cost.energy:12.3e} {1.0:12.1f}")
    for kind in ("cpu", "gpu", "asic"):
        e = cost.digital_energy(kind)
        print(f"{'digital ' + kind + ' (same MACs)':34s} {e:12.3e} {e / cost.energy:12.1f}")
    print(f"crossbar latency {cost.latency:.3e} s for {cost.n_reads} reads "
          f"({cost.tops_per_watt:.1f} TOPS/W)")


if __name__ == "__main__":
    main()
