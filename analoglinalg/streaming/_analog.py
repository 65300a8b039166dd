"""Analog back ends of ThreeSketch: test matrices on crossbars, and ping-pong accumulators.

The accumulators follow the crossbar sketching patent of Horesh, Onen et al. (US 11,520,855
B2): an array takes rank-1 pulse updates for one period, its contents are then copied into a
digital store (the patent's "dynamic correction" device) while a second array takes over, and
the first array is reset to its symmetry point.
"""

import math

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from ..crossbar import Crossbar

__all__ = ["AnalogStore", "program_maps", "read_contents"]


def program_maps(mats, device, periphery, generator):
    """Program each test matrix onto its own crossbar (once, on the ledger)."""
    return {name: Crossbar.from_matrix(T, device=device, periphery=periphery, rng=generator)
            for name, T in mats.items()}


def _probes(size):
    """``size x N`` rows of a Sylvester-Hadamard matrix: ``P @ P.T == N * I``, ``N < 2 size``."""
    N = 1 << max(0, math.ceil(math.log2(size)))
    return sla.hadamard(N)[:size].astype(np.float64), N


def read_contents(xb):
    """Estimate the matrix a crossbar holds by analog reads with Hadamard probes.

    Reading with ``+-1`` probes instead of unit vectors makes each output sum many devices, so
    the per-read output noise and ADC step are shared by the ``N`` probes: the entry error is
    ``1/sqrt(N)`` of that of an entry-by-entry read. The longer side is probed: more reads,
    but each output averages more devices.
    """
    m, n = xb.shape
    if n >= m:
        P, N = _probes(n)
        return np.asarray(xb.matmat(P), dtype=np.float64) @ P.T / N
    P, N = _probes(m)
    return (np.asarray(xb.rmatmat(P), dtype=np.float64) @ P.T / N).T


class AnalogStore:
    """A sketch accumulated on analog arrays: ``sketch = store + c * array_contents``.

    ``c`` is a digital multiplier that absorbs the ``theta`` of the linear updates (arrays
    cannot rescale their contents); pulses are issued with ``alpha = eta / c``.
    """

    analog = True

    def __init__(self, shape, *, device, periphery, flush_every, sketch_range, update_mode,
                 expected_terms, rng):
        # sketch_range: None (estimated from the first increment) or the range itself.
        self.shape = shape
        self._device, self._periphery, self._rng = device, periphery, rng
        self.flush_every = flush_every
        self.sketch_range = sketch_range
        self.update_mode = update_mode
        self._expected_terms = expected_terms
        self._store = np.zeros(shape)
        self._c = 1.0
        self._since_flush = 0
        self._active = 0
        self.crossbars = []
        self.n_flushes = 0
        self._value = None

    def _build(self, first_increment):
        if self.sketch_range is None:
            terms = self.flush_every if self.flush_every is not None else self._expected_terms
            peak = float(np.abs(first_increment).max())
            self.sketch_range = 4.0 * (peak if peak > 0 else 1.0) * math.sqrt(terms)
        count = 2 if self.flush_every is not None else 1
        for _ in range(count):
            xb = Crossbar(self.shape, device=self._device, periphery=self._periphery,
                          rng=self._rng)
            xb.scale = np.full(self.shape[1], self.sketch_range / xb.usable_range)
            self.crossbars.append(xb)

    def value(self):
        if self._value is None:
            if not self.crossbars:
                self._value = self._store.copy()
            else:
                self._value = self._store + self._c * read_contents(
                    self.crossbars[self._active])
        return self._value

    def _flush(self):
        xb = self.crossbars[self._active]
        self._store += self._c * read_contents(xb)
        xb.reset()
        self._active = (self._active + 1) % len(self.crossbars)
        self._c = 1.0
        self._since_flush = 0
        self.n_flushes += 1

    def apply(self, theta, eta, increment):
        """Apply ``S <- theta*S + eta*L R^T`` by rank-1 pulse updates; returns digital flops."""
        _, L, R = increment
        L = L.toarray() if sp.issparse(L) else np.asarray(L)
        R = R.toarray() if sp.issparse(R) else np.asarray(R)
        self._value = None
        flops = self._store.size if theta != 1.0 else 0
        if not self.crossbars:
            if L.shape[1] == 0:
                self._store *= theta
                return flops
            self._build(np.outer(L[:, 0], R[:, 0]) * eta)
        if theta == 0.0:
            self._store[:] = 0.0
            if self._since_flush:
                self.crossbars[self._active].reset()
                self._since_flush = 0
            self._c = 1.0
        else:
            self._store *= theta
            self._c *= theta
        for j in range(L.shape[1]):
            if self.flush_every is not None and self._since_flush >= self.flush_every:
                self._flush()
            self._pulse(L[:, j], R[:, j], eta / self._c)
            self._since_flush += 1
        return flops

    def _pulse(self, u, v, alpha):
        xb = self.crossbars[self._active]
        limit = xb.bit_length * xb.max_cycles
        need = abs(alpha) * np.abs(u).max() * np.abs(v / xb.scale).max() / xb.device.dw_min
        # One call may not exceed the pulse budget of an update cycle; split large steps.
        pieces = max(1, math.ceil(need / (0.9 * limit)))
        for _ in range(pieces):
            xb.rank1_update(u, v, alpha / pieces, mode=self.update_mode)
