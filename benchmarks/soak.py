"""Soak run: many pulsed rank-1 updates and streaming updates, checking health as they go.

Run: ``python benchmarks/soak.py [--updates N] [--stream-updates N] [--size M]``. Not part of
``analoglinalg bench`` (its name is not ``bench_*``): the defaults (10^6 pulsed updates on a
256 x 256 protonic crossbar, 10^5 ThreeSketch rank-1 updates) take a long time; the script
prints the rate and an estimate of the remaining time as it goes.

Every ``--check-every`` updates it asserts that no device state is NaN or outside its own
bounds (to one float32 ulp: states are stored relative to their references), that every
counter of the cost ledger and its energy and latency never decreased, and records traced
Python memory (``tracemalloc``) and the process's peak resident size (``getrusage``). Memory
is "flat" when the traced memory at the end is within ``--memory-slack`` of the first check.
BLAS is pinned to one thread.
"""

import argparse
import resource
import sys
import time
import tracemalloc
import warnings

import numpy as np
from _common import blas_threads, print_table

from analoglinalg import Crossbar, SaturationWarning
from analoglinalg.streaming import ThreeSketch

MiB = 2.0 ** 20


def _rss_peak_mib():
    # ru_maxrss is KiB on Linux, bytes on macOS
    scale = 1.0 if sys.platform == "darwin" else 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / MiB


class Monitor:
    """Rate, ETA and memory figures of one soak phase."""

    def __init__(self, name, total, check_every):
        self.name, self.total, self.check_every = name, total, check_every
        self.start = time.perf_counter()
        self.last_print = self.start
        self.memory = []

    def check(self, done):
        current, _ = tracemalloc.get_traced_memory()
        self.memory.append(current / MiB)
        now = time.perf_counter()
        if now - self.last_print > 10 or done == self.total:
            rate = done / (now - self.start)
            eta = (self.total - done) / rate
            print(f"  {self.name}: {done:>9,d}/{self.total:,d}  {rate:9.1f} /s  "
                  f"ETA {eta:7.0f} s  traced {current / MiB:7.2f} MiB", flush=True)
            self.last_print = now

    def summary(self, done, extra):
        elapsed = time.perf_counter() - self.start
        growth = self.memory[-1] - self.memory[0] if self.memory else 0.0
        return [self.name, done, elapsed, done / elapsed, self.memory[0] if self.memory else 0.0,
                growth, _rss_peak_mib()] + extra


def _check_crossbar(xb, previous):
    for row in xb.tiles:
        for tile in row:
            d = tile.devices
            w = d.weights + d.w_ref
            if not np.all(np.isfinite(w)):
                raise AssertionError("NaN or infinite device state")
            ulp = np.spacing(np.maximum(np.abs(d.b_min), np.abs(d.b_max)))
            if np.any(w < d.b_min - ulp) or np.any(w > d.b_max + ulp):
                raise AssertionError("device state outside its bounds")
    ledger = xb.cost.as_dict()
    ledger.pop("tops_per_watt")
    for name, value in ledger.items():
        if value < previous.get(name, 0):
            raise AssertionError(f"ledger {name} decreased: {previous[name]} -> {value}")
        if not np.isfinite(value) or value < 0:
            raise AssertionError(f"ledger {name} is {value}")
    return ledger


def soak_crossbar(n_updates, size, alpha, check_every, seed):
    rng = np.random.default_rng(seed)
    xb = Crossbar((size, size), device="protonic_psg_2022", rng=rng.spawn(1)[0])
    ledger = _check_crossbar(xb, {})
    monitor = Monitor("crossbar rank-1", n_updates, check_every)
    saturated = pulses = 0
    done = 0
    with warnings.catch_warnings():
        # a random walk reaches the bounds; the count is reported below instead
        warnings.simplefilter("ignore", SaturationWarning)
        while done < n_updates:
            block = min(check_every, n_updates - done)
            U = rng.uniform(-1, 1, (block, size))
            V = rng.uniform(-1, 1, (block, size))
            for u, v in zip(U, V, strict=True):
                report = xb.rank1_update(u, v, alpha)
                saturated += report.n_saturated
                pulses += report.n_pulses
            done += block
            ledger = _check_crossbar(xb, ledger)
            monitor.check(done)
    if xb.cost.n_updates != n_updates or xb.cost.n_device_pulses != pulses:
        raise AssertionError("ledger counts disagree with the update reports")
    return monitor.summary(done, [f"{pulses / done:.1f} pulses/update, "
                                  f"{saturated / done:.2f} saturated/update"])


def soak_stream(n_updates, size, rank, check_every, seed):
    rng = np.random.default_rng(seed)
    sk = ThreeSketch.from_rank((size, size), rank, q=4, rng=rng.spawn(1)[0])
    monitor = Monitor("ThreeSketch rank-1", n_updates, check_every)
    done = 0
    while done < n_updates:
        block = min(check_every, n_updates - done)
        U = rng.standard_normal((block, size, 1)) / np.sqrt(size)
        V = rng.standard_normal((block, size, 1)) / np.sqrt(size)
        for u, v in zip(U, V, strict=True):
            sk.update((u, v), theta=0.999)
        done += block
        if not all(np.all(np.isfinite(a)) for a in (sk.X, sk.Y, sk.Z, sk.W)):
            raise AssertionError("NaN or infinite sketch entry")
        monitor.check(done)
    err = sk.error_estimate(rank)
    if not np.isfinite(err):
        raise AssertionError("non-finite error estimate")
    return monitor.summary(done, [f"error estimate {err:.3g}"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=float, default=1e6,
                        help="pulsed rank-1 updates of the crossbar (default 1e6)")
    parser.add_argument("--stream-updates", type=float, default=1e5,
                        help="rank-1 updates of the ThreeSketch (default 1e5)")
    parser.add_argument("--size", type=int, default=256, help="crossbar side (default 256)")
    parser.add_argument("--alpha", type=float, default=0.01,
                        help="update step alpha in A += alpha u v^T (default 0.01)")
    parser.add_argument("--check-every", type=int, default=1000,
                        help="updates between health checks (default 1000)")
    parser.add_argument("--memory-slack", type=float, default=1.0,
                        help="allowed traced-memory growth in MiB (default 1)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    n_xb, n_stream = int(args.updates), int(args.stream_updates)
    if min(n_xb, n_stream) < 0 or args.check_every < 1 or args.size < 1:
        parser.error("counts must be >= 0 and --check-every, --size >= 1")
    print(f"soak: {n_xb:,d} pulsed rank-1 updates on a {args.size}x{args.size} protonic "
          f"crossbar, {n_stream:,d} ThreeSketch rank-1 updates")
    tracemalloc.start()
    rows = []
    with blas_threads(1):
        if n_xb:
            rows.append(soak_crossbar(n_xb, args.size, args.alpha, args.check_every, args.seed))
        if n_stream:
            rows.append(soak_stream(n_stream, args.size, 10, args.check_every, args.seed))
    tracemalloc.stop()
    print()
    print_table(rows, ["phase", "updates", "seconds", "updates/s", "traced MiB (start)",
                       "traced growth MiB", "peak RSS MiB", "notes"])
    flat = all(row[5] <= args.memory_slack for row in rows)
    print(f"\nno NaN, every state within its bounds, ledger monotone; memory "
          f"{'flat' if flat else 'GROWING'} (slack {args.memory_slack} MiB)")
    return 0 if flat else 1


if __name__ == "__main__":
    sys.exit(main())
