"""One physical array: its devices, its periphery, and the analog operations on them."""

import numpy as np

from ..devices import DeviceArray
from ._kernels import apply_counts, coincidence_update
from ._parasitics import ParasiticSolver

__all__ = ["Tile"]


class Tile:
    """A physical array of ``shape`` devices with its own periphery.

    The tile works in device units: it reads ``y = W x`` with ``W = w - w_ref`` and applies
    pulses. Scaling to and from the user's matrix is the :class:`Crossbar`'s job.
    """

    def __init__(self, device, periphery, shape, generator, parasitics=None):
        self.device = device
        self.periphery = periphery
        self.parasitics = None if parasitics is None or parasitics.is_ideal else parasitics
        # Per read direction: the device states the solvers were built for, and the solvers
        # of the device array and of its reference array.
        self._solvers = {}
        self.devices = DeviceArray(device, shape, generator)
        self.kernel_args = device.response.kernel_args()
        mid = device.conductance(device.symmetry_point())
        self._cell_read_power = 2.0 * float(mid) * device.read_voltage ** 2

    @property
    def shape(self):
        return self.devices.shape

    @property
    def weights(self):
        return self.devices.weights

    # --- reads ----------------------------------------------------------------------------
    def read(self, X, generator, ledger, transpose=False):
        """Analog product of the tile (or its transpose) with the columns of ``X``."""
        p = self.periphery
        W = self.weights.T if transpose else self.weights
        # The scale stays in float64: a column of tiny values must not overflow 1/absmax.
        absmax = np.abs(X).max(axis=0).astype(np.float64)
        absmax[absmax == 0] = 1.0
        xn = (X / absmax).astype(W.dtype)
        if p.dac_bits is not None:
            levels = np.float32(2.0 ** (p.dac_bits - 1) - 1.0)
            xn *= levels
            np.rint(xn, out=xn)
            xn /= levels
        y = self._integrate(W, xn, generator, ledger, transpose)
        n_clipped = 0
        if p.out_bound is not None:
            retries = np.zeros(X.shape[1], dtype=np.int64)
            colmax = np.abs(y).max(axis=0)
            for _ in range(p.max_bound_retries if p.bound_management else 0):
                clipped = np.flatnonzero(colmax > p.out_bound * 2.0 ** retries)
                if clipped.size == 0:
                    break
                retries[clipped] += 1
                shrink = (2.0 ** retries[clipped]).astype(W.dtype)
                retry = xn[:, clipped] / shrink
                y[:, clipped] = self._integrate(W, retry, generator, ledger, transpose) * shrink
                colmax[clipped] = np.abs(y[:, clipped]).max(axis=0)
                ledger.n_reads += clipped.size
                self._account_read(retry, ledger)
            bound = (p.out_bound * 2.0 ** retries).astype(W.dtype)
            if np.any(colmax > bound):
                n_clipped = int(np.count_nonzero(np.abs(y) > bound))
                np.clip(y, -bound, bound, out=y)
            if p.adc_bits is not None:
                step = bound * np.float32(2.0 / (2.0 ** p.adc_bits - 1.0))
                y /= step
                np.rint(y, out=y)
                y *= step
        self._account_read(xn, ledger)
        return y * absmax, n_clipped

    def _integrate(self, W, xn, generator, ledger, transpose):
        p = self.periphery
        y = W @ xn if self.parasitics is None else self._wire_read(xn, ledger, transpose)
        sigma_dev = self.device.read_noise
        if p.out_noise or sigma_dev:
            variance = np.full(xn.shape[1], p.out_noise ** 2)
            if sigma_dev:
                variance += sigma_dev ** 2 * np.square(xn, dtype=np.float64).sum(axis=0)
            noise = generator.standard_normal(y.shape, dtype=np.float32)
            noise *= np.sqrt(variance).astype(np.float32)
            y += noise
        return y

    def _wire_read(self, xn, ledger, transpose):
        """``W xn`` as the array measures it through its resistive lines (device units).

        The inputs drive their lines at ``xn * read_voltage``; the output is the difference
        of the currents of the device array and of its reference array divided by
        ``read_voltage * dG/dw``. The forward read drives the columns of ``W`` (the
        solvers' input lines) and senses its rows; the transposed read swaps the roles.
        """
        d = self.device
        dev, ref = self._parasitic_solvers(transpose)
        V = xn.astype(np.float64) * d.read_voltage
        i_dev, p_dev = dev.currents(V)
        i_ref, p_ref = ref.currents(V)
        ledger.read_energy += float(p_dev.sum() + p_ref.sum()) * self.periphery.integration_time
        gain = d.read_voltage * (d.g_max - d.g_min) / (d.w_max - d.w_min)
        return ((i_dev - i_ref) / gain).astype(self.weights.dtype)

    def _parasitic_solvers(self, transpose):
        # The factorisation holds while the states do: compare with the states it was built
        # for (any write, reset, relaxation or load changes them) instead of trusting every
        # writer to invalidate it.
        d = self.devices
        cached = self._solvers.get(transpose)
        if (cached is not None and np.array_equal(cached[0], d.weights)
                and np.array_equal(cached[1], d.w_ref)):
            return cached[2]
        w_ref = d.w_ref.astype(np.float64)
        solvers = []
        for w in (d.weights.astype(np.float64) + w_ref, w_ref):
            # States past the nominal range can map below zero siemens; no device does.
            G = np.maximum(self.device.conductance(w), 0.0)
            solvers.append(ParasiticSolver(G if transpose else G.T, self.parasitics))
        self._solvers[transpose] = (d.weights.copy(), d.w_ref.copy(), tuple(solvers))
        return self._solvers[transpose][2]

    def _account_read(self, xn, ledger):
        p = self.periphery
        n_in, k = xn.shape
        n_out = self.weights.size // n_in
        ledger.n_dac += n_in * k
        ledger.n_adc += n_out * k
        ledger.n_macs += n_in * n_out * k
        activity = float(np.abs(xn).sum())
        ledger.read_energy += (k * (n_in * p.dac_energy + n_out * (p.adc_energy
                                                                   + p.integrator_energy))
                               + self._cell_read_power * p.integration_time * n_out * activity)

    # --- writes ---------------------------------------------------------------------------
    def apply_counts(self, counts, seed, exact=False):
        """Apply signed pulse counts (int array of the tile's shape); returns saturated count."""
        d = self.devices
        code, params, nodes_up, nodes_down = self.kernel_args
        return int(apply_counts(d.weights, d.w_ref, d.dw_up, d.dw_down, d.b_min, d.b_max,
                                counts, code, params, nodes_up, nodes_down,
                                float(self.device.dw_min_std), np.uint64(seed), exact))

    def coincidence_update(self, row_bits, col_bits, row_negative, col_negative, seed,
                           exact=False):
        """Stochastic pulse-train update; returns ``(device pulses, saturated)``."""
        d = self.devices
        code, params, nodes_up, nodes_down = self.kernel_args
        pulses, saturated = coincidence_update(
            d.weights, d.w_ref, d.dw_up, d.dw_down, d.b_min, d.b_max, row_bits, col_bits,
            row_negative, col_negative, code, params, nodes_up, nodes_down,
            float(self.device.dw_min_std), np.uint64(seed), exact)
        return int(pulses), int(saturated)

    def mean_field_update(self, delta):
        """Expected change of a pulsed update of ``delta`` (device units); returns saturated."""
        d = self.devices
        w = d.w
        model = self.device.response
        up = delta > 0
        factor = np.where(up, model.q_up(w, d.b_min, d.b_max) * d.dw_up,
                          model.q_down(w, d.b_min, d.b_max) * d.dw_down) / self.device.dw_min
        new = np.clip(w + delta * factor, d.b_min, d.b_max)
        touched = delta != 0
        new = np.where(touched & ~d.stuck, new, w)
        d.w = new
        return int(np.count_nonzero(touched & ((new <= d.b_min) | (new >= d.b_max))))

    def relax(self, dt):
        self.devices.relax(dt)

    def count_at_bounds(self, mask):
        """Number of devices selected by ``mask`` that sit at one of their bounds."""
        d = self.devices
        w = d.w
        return int(np.count_nonzero(mask & ((w <= d.b_min) | (w >= d.b_max))))

    def account_verify_read(self, ledger):
        """Put one write-verify read of the whole array (every device once) on the ledger."""
        ledger.n_verify_reads += 1
        ledger.read_energy += (self._cell_read_power * self.periphery.integration_time
                               * self.weights.size)
