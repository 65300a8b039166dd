"""The quasi-Newton matrix held on a crossbar, with headroom management.

Only the public Crossbar API is used: ``from_matrix``, ``program``, ``matvec``, ``rmatvec``,
``matmat``, ``rank1_update``, ``cost``, and the attributes ``scale``, ``usable_range``,
``bit_length``, ``max_cycles`` and ``device.dw_min`` that say how much an update may change.
"""

import warnings

import numpy as np

from analoglinalg._lib._warnings import SaturationWarning

__all__ = ["_AnalogMatrix", "_new_crossbar"]


def _new_crossbar(M, *, device, periphery, rng, range_fraction):
    from analoglinalg.crossbar import Crossbar

    return Crossbar.from_matrix(M, device=device, periphery=periphery, rng=rng,
                                range_fraction=range_fraction)


class _AnalogMatrix:
    """A square matrix on a crossbar plus the O(n) digital bookkeeping that keeps it in range.

    ``from_matrix``/``program`` map the largest entry of each column to ``1 / headroom`` of
    the devices' range. Updates make entries grow, so before each pulse update the holder
    checks, in O(n) digital work, that (a) the entries stay inside the range: for a
    symmetric positive definite matrix (BFGS, DFP) through the exactly tracked diagonal
    (``|M_ij| <= sqrt(M_ii M_jj)``), otherwise through a running per-column bound
    ``sum |alpha| max|u| |v_j|``; and (b) no device needs more pulses than one update can
    give. If either fails, the matrix is read out with ``n`` analog reads, the update is added
    digitally, and the sum is programmed with fresh column scales ("rescale and re-program").
    An update that still reports saturated devices triggers the same read-out and re-program.
    Every read, pulse and programming step is on the crossbar's ledger.
    """

    _MARGIN = 0.9  # devices' own bounds vary device to device; stay clear of the nominal one

    def __init__(self, M0, *, device, periphery, rng, update_mode, headroom, spd,
                 readout_repeats=8):
        self.n = M0.shape[0]
        self.readout_repeats = readout_repeats
        self.update_mode = update_mode
        self.range_fraction = 1.0 / headroom
        self.spd = spd
        self.n_reprogram = 0
        self.n_saturated = 0
        self.xb = _new_crossbar(M0, device=device, periphery=periphery, rng=rng,
                                range_fraction=self.range_fraction)
        self._set_reference(M0)

    def _set_reference(self, M):
        self._diag = np.diag(M).astype(np.float64).copy()
        self._colbound = np.abs(M).max(axis=0).astype(np.float64)
        self._capacity = self._MARGIN * self.xb.scale * self.xb.usable_range

    @property
    def cost(self):
        return self.xb.cost

    def matvec(self, x):
        return np.asarray(self.xb.matvec(x), dtype=np.float64).reshape(-1)

    def rmatvec(self, x):
        return np.asarray(self.xb.rmatvec(x), dtype=np.float64).reshape(-1)

    def program(self, M):
        """Program a new matrix (a reset or a rescale), on the ledger."""
        if self.spd:
            M = 0.5 * (M + M.T)
        self.xb.program(M, range_fraction=self.range_fraction)
        self.n_reprogram += 1
        self._set_reference(M)

    def readout(self):
        """The matrix as the hardware reports it: ``repeats`` analog reads of each unit
        vector, averaged (read noise falls as ``1 / sqrt(repeats)``)."""
        eye = np.tile(np.eye(self.n), (1, self.readout_repeats))
        reads = np.asarray(self.xb.matmat(eye), dtype=np.float64)
        return reads.reshape(self.n, self.readout_repeats, self.n).mean(axis=1)

    def _predict(self, terms):
        """Per-column bound on ``|M_ij|`` after the update (and the updated diagonal)."""
        diag = self._diag.copy()
        for alpha, u, v in terms:
            diag += alpha * u * v
        bound = self._colbound.copy()
        for alpha, u, v in terms:
            bound += abs(alpha) * np.abs(u).max() * np.abs(v)
        if self.spd:
            dpos = np.maximum(diag, 0.0)
            bound = np.minimum(bound, np.sqrt(dpos.max() * dpos))
        return bound, diag

    def _pulses_fit(self, terms):
        dw = self.xb.device.dw_min
        limit = self._MARGIN * self.xb.bit_length * self.xb.max_cycles
        return all(abs(alpha) * np.abs(u).max() * np.abs(v / self.xb.scale).max() / dw <= limit
                   for alpha, u, v in terms)

    def update(self, terms):
        """Apply ``sum(alpha u v^T)``: by pulses if it fits, else by rescale and re-program."""
        bound, diag = self._predict(terms)
        if np.any(bound > self._capacity) or not self._pulses_fit(terms):
            M = self.readout()
            for alpha, u, v in terms:
                M += alpha * np.outer(u, v)
            self.program(M)
            return
        saturated = 0
        with warnings.catch_warnings():
            # Saturation is handled below (read out and re-program), so it is not news.
            warnings.simplefilter("ignore", SaturationWarning)
            for alpha, u, v in terms:
                saturated += self.xb.rank1_update(u, v, alpha,
                                                  mode=self.update_mode).n_saturated
        self._colbound, self._diag = bound, diag
        if saturated:
            self.n_saturated += saturated
            self.program(self.readout())
