"""Crossbar speed against NumPy, timed in the same run with BLAS pinned to one thread.

Targets (issue #3): matmat 1024x1024 with 256 columns, 8-bit DAC/ADC and read noise on, at
most 1.3x NumPy's float32 matmul; matvec 512x512 at most 2x NumPy; a 512x512 rank-1 update
with bit length 31 on a soft-bounds device with per-pulse noise in at most 3 ms; at most
24 bytes of state per device. numba uses its default thread count (set NUMBA_NUM_THREADS
before running to change it).

Run: ``python benchmarks/bench_crossbar.py [--repeat N]``.
"""

import argparse
import dataclasses

import numpy as np
from _common import best_time, blas_threads, print_table

from analoglinalg import Crossbar
from analoglinalg.devices import SoftBounds, get_device


def main(repeat):
    rng = np.random.default_rng(0)
    rows = []
    with blas_threads(1):
        A = rng.standard_normal((1024, 1024)).astype(np.float32)
        X = rng.standard_normal((1024, 256)).astype(np.float32)
        xb = Crossbar.from_matrix(A, program="open_loop", rng=0)
        xb @ X
        t_xb = best_time(lambda: xb @ X, repeat)
        t_np = best_time(lambda: A @ X, repeat)
        rows.append(("matmat 1024x1024 @ 256 cols", t_np * 1e3, t_xb * 1e3, t_xb / t_np, 1.3))

        B = A[:512, :512].copy()
        x = X[:512, 0].copy()
        xb = Crossbar.from_matrix(B, program="open_loop", rng=0)
        xb @ x
        # Microsecond calls: many more repeats for a best time that the scheduler spares.
        t_xb = best_time(lambda: xb @ x, repeat * 100)
        t_np = best_time(lambda: B @ x, repeat * 100)
        rows.append(("matvec 512x512", t_np * 1e3, t_xb * 1e3, t_xb / t_np, 2.0))

        device = dataclasses.replace(get_device("protonic_psg_2022"), response=SoftBounds())
        xb = Crossbar((512, 512), device=device, rng=0)
        u = rng.standard_normal(512)
        v = rng.standard_normal(512)
        alpha = 31 * device.dw_min / (np.abs(u).max() * np.abs(v).max())
        signs = iter(np.tile([1.0, -1.0], 10 * repeat + 10))
        xb.rank1_update(u, v, alpha)
        t_up = best_time(lambda: xb.rank1_update(u, v, next(signs) * alpha), repeat * 4)
        report = xb.rank1_update(u, v, alpha)
        rows.append((f"rank1_update 512x512 BL{report.bit_length}", float("nan"), t_up * 1e3,
                     float("nan"), float("nan")))
        per_device = sum(t.devices.nbytes for row in xb.tiles for t in row) / (512 * 512)
    print_table(rows, ["case", "numpy ms", "crossbar ms", "ratio", "goal ratio"])
    print(f"\nrank1_update: {t_up * 1e3:.2f} ms (goal 3 ms), {report.n_pulses} device pulses, "
          f"{t_up / max(report.n_pulses, 1) * 1e9:.1f} ns per simulated pulse")
    print(f"state: {per_device:.0f} bytes per device (goal <= 24)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    main(parser.parse_args().repeat)
