"""Updates per second of ThreeSketch against a straightforward NumPy three-sketch.

Run: ``python benchmarks/bench_streaming.py``. BLAS is pinned to one thread; each figure is the
best of several repeats; ratios compare with the baseline timed in the same run.
"""

import time

import numpy as np
from threadpoolctl import threadpool_limits

from analoglinalg.streaming import ThreeSketch

SHAPE = (1000, 1000)
RANK = 10
REPEATS = 5


class NaiveThreeSketch:
    """The textbook version: dense test matrices, every update formed as a dense H."""

    def __init__(self, test_matrices):
        self.T = test_matrices
        m, n = SHAPE
        k, s = test_matrices["Upsilon"].shape[0], test_matrices["Phi"].shape[0]
        self.X, self.Y, self.Z = np.zeros((k, n)), np.zeros((m, k)), np.zeros((s, s))

    def update(self, H, theta=1.0, eta=1.0):
        T = self.T
        self.X = theta * self.X + eta * T["Upsilon"] @ H
        self.Y = theta * self.Y + eta * H @ T["Omega"].T
        self.Z = theta * self.Z + eta * T["Phi"] @ H @ T["Psi"].T


def best_rate(step, n_updates):
    best = np.inf
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        for _ in range(n_updates):
            step()
        best = min(best, time.perf_counter() - t0)
    return n_updates / best


def main():
    rng = np.random.default_rng(0)
    sk = ThreeSketch.from_rank(SHAPE, RANK, rng=1)
    naive = NaiveThreeSketch(sk.test_matrices())
    u, v = rng.standard_normal(SHAPE[0]), rng.standard_normal(SHAPE[1])
    H = rng.standard_normal(SHAPE)
    cases = [
        ("rank-1 (factored)", lambda: sk.update((u[:, None], v[:, None]), theta=0.99),
         lambda: naive.update(np.outer(u, v), theta=0.99), 50),
        ("rank-1 (row)", lambda: sk.update_rows(7, v[None]),
         lambda: naive.update(np.outer(np.eye(SHAPE[0])[7], v)), 50),
        ("dense", lambda: sk.update(H, theta=0.99), lambda: naive.update(H, theta=0.99), 5),
    ]
    print(f"ThreeSketch {SHAPE[0]}x{SHAPE[1]}, k={sk.k}, s={sk.s}, 1 BLAS thread, "
          f"best of {REPEATS}")
    print(f"{'update':<20}{'ThreeSketch /s':>16}{'NumPy naive /s':>16}{'ratio':>10}")
    with threadpool_limits(1):
        for name, ours, base, n in cases:
            r_ours, r_base = best_rate(ours, n), best_rate(base, n)
            print(f"{name:<20}{r_ours:>16.1f}{r_base:>16.1f}{r_ours / r_base:>10.1f}")


if __name__ == "__main__":
    main()
