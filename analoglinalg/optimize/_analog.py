"""The quasi-Newton matrix held on a crossbar, with headroom management.

Only the public Crossbar API is used: ``from_matrix``, ``program``, ``matmat``,
``rank1_update``, ``cost``, and the public attributes ``scale``, ``usable_range``,
``bit_length``, ``max_cycles`` and ``device.dw_min`` that say how much an update may change.
"""

import warnings

import numpy as np

from analoglinalg._lib._warnings import SaturationWarning

__all__ = ["_AnalogMatrix", "_calibrated_periphery", "_check_device"]

# Largest output bound the calibration picks: the crossbar's default ADC range (aihwkit's).
_DEFAULT_OUT_BOUND = 12.0


def _check_device(device):
    """Reject an unknown preset name or a non-device before any hardware is built."""
    from analoglinalg.devices import Device, get_device

    if isinstance(device, str):
        try:
            get_device(device)
        except KeyError as exc:
            raise ValueError(f"device: {exc.args[0]}") from None
    elif not isinstance(device, Device):
        raise TypeError(f"device must be a preset name or a Device, got {device!r}")


def _calibrated_periphery(M, device, range_fraction, growth):
    """The default :class:`Periphery` with its ADC range calibrated to ``M``'s largest row sum.

    After noise management the inputs lie in ``[-1, 1]``, so an output of ``W x`` is at most
    the ``l1`` norm of its row of ``W`` (device units). The ADC full scale is set to the
    largest such row sum of ``M`` as it will be programmed (``range_fraction`` of the device
    range per column maximum), times ``growth`` (room for updates to grow the entries
    before a re-programming; 1 for a fixed matrix), capped at the default 12. A smaller
    full scale gives a finer ADC step (``2 out_bound / (2^bits - 1)``); the output noise
    stays at its absolute default; and an output that does outgrow the range is re-read
    with a halved input by bound management. This is the one-off ADC range calibration of a tile.
    """
    from analoglinalg.crossbar import Periphery
    from analoglinalg.devices import get_device

    dev = get_device(device)
    usable = 0.5 * (dev.w_max - dev.w_min)
    colmax = np.abs(M).max(axis=0)
    colmax = np.where(colmax > 0, colmax, max(colmax.max(), 1.0))
    W = M * (usable * range_fraction / colmax)
    rowsum = float(np.abs(W).sum(axis=1).max())
    bound = min(_DEFAULT_OUT_BOUND, growth * rowsum)
    return Periphery(out_bound=bound)


class _AnalogMatrix:
    """A square matrix on a crossbar plus the O(n) digital bookkeeping that keeps it in range.

    ``from_matrix``/``program`` map the largest entry of each column to ``1 / headroom`` of
    the devices' range. Updates make entries grow, so before each pulse update the holder
    checks, in O(n) digital work, that (a) the entries stay inside the range: for a
    symmetric positive definite matrix (BFGS, DFP) through the exactly tracked diagonal
    (``|M_ij| <= sqrt(M_ii M_jj)``), otherwise through a running per-column bound
    ``sum |alpha| max|u| |v_j|``; and (b) no device needs more pulses than one update can
    give. If either fails, the matrix is re-programmed with fresh column scales: either a
    target the caller computes digitally (``update(terms, target)``), or the read-out
    (``n`` averaged analog reads) plus the update added digitally. An update that still
    reports saturated devices triggers the same re-programming.
    Every product is the average of ``repeats`` reads (read noise falls as
    ``1 / sqrt(repeats)``). Every read, pulse and programming step is on the ledger.
    """

    _MARGIN = 0.9  # devices' own bounds vary device to device; stay clear of the nominal one

    def __init__(self, M0, *, device, periphery, rng, update_mode, headroom, spd,
                 repeats=1, readout_repeats=8, program="auto"):
        from analoglinalg.crossbar import Crossbar

        self.n = M0.shape[0]
        self.repeats = repeats
        self.readout_repeats = max(readout_repeats, repeats)
        self.update_mode = update_mode
        self.program_kind = program
        self.range_fraction = 1.0 / headroom
        self.spd = spd
        self.n_reprogram = 0
        self.n_saturated = 0
        self.digital_macs = 0
        if periphery is None:
            periphery = _calibrated_periphery(M0, device, self.range_fraction, headroom)
        self.xb = Crossbar.from_matrix(M0, device=device, periphery=periphery, rng=rng,
                                       range_fraction=self.range_fraction, program=program)
        self._set_reference(M0)

    def _set_reference(self, M):
        self._diag = np.diag(M).astype(np.float64).copy()
        self._colbound = np.abs(M).max(axis=0).astype(np.float64)
        self._capacity = self._MARGIN * self.xb.scale * self.xb.usable_range

    @property
    def cost(self):
        return self.xb.cost

    def _averaged(self, X, repeats, transpose=False):
        X = np.atleast_2d(np.asarray(X, dtype=np.float64).T).T
        k = X.shape[1]
        op = self.xb.T if transpose else self.xb
        reads = np.asarray(op.matmat(np.tile(X, (1, repeats))), dtype=np.float64)
        return reads.reshape(-1, repeats, k).mean(axis=1)

    def matvec(self, x):
        return self._averaged(x[:, None], self.repeats)[:, 0]

    def rmatvec(self, x):
        return self._averaged(x[:, None], self.repeats, transpose=True)[:, 0]

    def program(self, M):
        """Program a new matrix (a reset or a rescale), on the ledger."""
        if self.spd:
            M = 0.5 * (M + M.T)
        self.xb.program(M, range_fraction=self.range_fraction, program=self.program_kind)
        self.n_reprogram += 1
        self._set_reference(M)

    def readout(self):
        """The matrix as the hardware reports it: ``readout_repeats`` analog reads of each
        unit vector, averaged."""
        return self._averaged(np.eye(self.n), self.readout_repeats)

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

    def update(self, terms, target=None):
        """Apply ``sum(alpha u v^T)``: by pulses if it fits, else by re-programming.

        ``target`` is ``None`` (re-program the read-out plus the update) or a callable
        returning the matrix to program instead (a digital replay of recent pairs).
        """
        bound, diag = self._predict(terms)
        if np.any(bound > self._capacity) or not self._pulses_fit(terms):
            self._reprogram(terms, target)
            return
        saturated = 0
        with warnings.catch_warnings():
            # Saturation is handled below (re-program), so it is not news.
            warnings.simplefilter("ignore", SaturationWarning)
            for alpha, u, v in terms:
                saturated += self.xb.rank1_update(u, v, alpha,
                                                  mode=self.update_mode).n_saturated
        self._colbound, self._diag = bound, diag
        if saturated:
            self.n_saturated += saturated
            self._reprogram([], target)

    def _reprogram(self, terms, target):
        if target is not None:
            self.program(target())
            return
        M = self.readout()
        for alpha, u, v in terms:
            M += alpha * np.outer(u, v)
        self.digital_macs += self.n * self.n * (len(terms) + self.readout_repeats)
        self.program(M)
