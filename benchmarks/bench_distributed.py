"""Benchmark: DistributedCrossbar matmat throughput vs workers, and its overhead.

Baseline: the single-process tiled ``Crossbar`` of the same size and tile shape, timed in the
same run. Workers are threads of one process (``LocalCluster(processes=False)``), one thread
each, so on a 2-core machine at most 2 tiles read at once; the dask scheduler runs on the same
cores. Run as ``python benchmarks/bench_distributed.py``.
"""

import numpy as np
from _common import best_time, blas_threads, print_table
from distributed import Client, LocalCluster

from analoglinalg import Crossbar
from analoglinalg.distributed import DistributedCrossbar

N, TILE, K = 4096, 1024, 64


def main():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((N, N)).astype(np.float32)
    X = rng.standard_normal((N, K))
    options = dict(device="ideal", periphery="ideal")
    with blas_threads(1):
        local = Crossbar.from_matrix(A, tile_shape=(TILE, TILE), rng=0, **options)
        local.matmat(X)
        base = best_time(lambda: local.matmat(X), repeat=3)
        rows = [("local Crossbar", "-", base, N * N * K / base / 1e9, 1.0)]
        for n_workers in (1, 2, 4):
            with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=False,
                              dashboard_address=":0", memory_limit=0) as cluster, \
                    Client(cluster) as client:
                xb = DistributedCrossbar(A, client, tile_shape=(TILE, TILE), rng=0, **options)
                xb.matmat(X)
                t = best_time(lambda xb=xb: xb.matmat(X), repeat=3)
                rows.append(("DistributedCrossbar", n_workers, t, N * N * K / t / 1e9, t / base))
    print(f"matmat of a {N}x{N} matrix in {TILE}x{TILE} tiles with {K} vectors")
    print_table(rows, ["operator", "workers", "seconds", "GMAC/s", "time / local"])


if __name__ == "__main__":
    main()
