"""One physical array: its devices, its periphery, and the analog operations on them."""

import numpy as np

from ..devices import DeviceArray
from ._kernels import apply_counts
from ._parasitics import ParasiticSolver
from ._read import add_noise, digitize, encode, read, read_constants

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
        self._read_constants = read_constants(periphery, device.read_noise)
        mid = device.conductance(device.symmetry_point())
        self._cell_read_power = 2.0 * float(mid) * device.read_voltage ** 2

    @property
    def shape(self):
        return self.devices.shape

    @property
    def weights(self):
        return self.devices.weights

    # --- reads ----------------------------------------------------------------------------
    def read(self, X, generator, ledger, out, row_scale, transpose=False):
        """Add the analog product of the tile (or its transpose) with ``X`` into ``out``.

        ``row_scale`` multiplies the rows of ``X`` on their way to the DAC (the matrix's
        column scales in a forward read). Returns the number of outputs clipped at the bound.
        """
        p = self.periphery
        W = self.weights.T if transpose else self.weights
        if self.parasitics is None:
            retry, clipped, activity, y = read(W, X, row_scale, self._read_constants, generator,
                                               out)
            self._account_read(*X.shape, activity, ledger)
            if not retry:
                return int(clipped)
            # Rare: recompute the encoding (deterministic) for the re-reads.
            xn, absmax, sumsq, _ = encode(X, row_scale, self._read_constants[0])
            colmax = np.abs(y).max(axis=0)
        else:
            xn, absmax, sumsq, activity = encode(X, row_scale, self._read_constants[0])
            self._account_read(*xn.shape, activity, ledger)
            y, colmax = self._integrate(W, xn, sumsq, generator, ledger, transpose)
        k = xn.shape[1]
        bound = np.zeros(k, dtype=np.float32)
        step = np.zeros(k, dtype=np.float32)
        if p.out_bound is not None:
            retries = np.zeros(k, dtype=np.int64)
            for _ in range(p.max_bound_retries if p.bound_management else 0):
                clipped = np.flatnonzero(colmax > p.out_bound * 2.0 ** retries)
                if clipped.size == 0:
                    break
                retries[clipped] += 1
                shrink = 2.0 ** retries[clipped]
                retry = xn[:, clipped] / shrink.astype(np.float32)
                y_retry, max_retry = self._integrate(W, retry, sumsq[clipped] / shrink ** 2,
                                                     generator, ledger, transpose)
                y[:, clipped] = y_retry * shrink.astype(np.float32)
                colmax[clipped] = max_retry * shrink
                ledger.n_reads += clipped.size
                self._account_read(*retry.shape, float(np.abs(retry).sum()), ledger)
            bound[:] = p.out_bound * 2.0 ** retries
            if p.adc_bits is not None:
                step[:] = bound * np.float32(2.0 / (2.0 ** p.adc_bits - 1.0))
        return digitize(y, bound, step, absmax, out)

    def _integrate(self, W, xn, sumsq, generator, ledger, transpose):
        """Noisy ``W xn`` and its column maxima (None when nothing needs them)."""
        p = self.periphery
        y = W @ xn if self.parasitics is None else self._wire_read(xn, ledger, transpose)
        sigma_dev = self.device.read_noise
        if p.out_noise or sigma_dev:
            sd = np.sqrt(p.out_noise ** 2 + sigma_dev ** 2 * sumsq)
            return y, add_noise(y, sd, generator.bit_generator.random_raw())
        return y, (np.abs(y).max(axis=0) if p.out_bound is not None else None)

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

    def _account_read(self, n_in, k, activity, ledger):
        p = self.periphery
        n_out = self.weights.size // n_in
        ledger.n_dac += n_in * k
        ledger.n_adc += n_out * k
        ledger.n_macs += n_in * n_out * k
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
