"""Helpers shared by the benchmark scripts ``bench_*.py``.

A benchmark script is run as ``python benchmarks/bench_<module>.py`` (or through
``analoglinalg bench``), so its own folder is on ``sys.path`` and it imports
these helpers with ``from _common import best_time, blas_threads, print_table``.

Every timing runs inside :func:`blas_threads`: NumPy and SciPy ship separate
OpenBLAS builds whose thread pools otherwise compete for the cores and make
ratios meaningless. numba's own thread count is left alone (set
``NUMBA_NUM_THREADS`` in the environment before the first import of numba to
change it), because the parallel kernels are part of what is measured.
"""

import time
from contextlib import contextmanager

from threadpoolctl import threadpool_limits

__all__ = ["best_time", "blas_threads", "print_table"]


def best_time(fn, repeat=5, number=1):
    """Best wall time of one call of ``fn`` in seconds.

    ``fn`` is called ``number`` times in a row, ``repeat`` times over; the fastest
    run divided by ``number`` is returned, because slower runs measure other
    processes, not ``fn``. Warm up (numba compilation, caches) before calling.
    """
    if repeat < 1 or number < 1:
        raise ValueError(f"repeat and number must be >= 1, got repeat={repeat}, number={number}")
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, time.perf_counter() - start)
    return best / number


@contextmanager
def blas_threads(limits=1):
    """Pin the BLAS (and OpenMP) thread pools to ``limits`` threads inside the block."""
    with threadpool_limits(limits=limits):
        yield


def print_table(rows, headers):
    """Print ``rows`` (sequences of cells) as an aligned plain-text table.

    Floats are shown with four significant digits; everything else with ``str``.
    """
    cells = [[f"{c:.4g}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    widths = [max(len(c) for c in column) for column in zip(map(str, headers), *cells, strict=True)]
    print("  ".join(str(h).rjust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
