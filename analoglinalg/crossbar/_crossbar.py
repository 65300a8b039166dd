"""``Crossbar``: a matrix held in analog arrays, usable wherever SciPy takes a LinearOperator."""

import math
import numbers
from dataclasses import dataclass

import numpy as np
from scipy.sparse.linalg import LinearOperator

from .._lib._random import as_generator
from .._lib._validation import check_choice, check_finite_array, check_scalar, check_vector
from .._lib._warnings import ClippingWarning, SaturationWarning, warn
from ..devices import get_device
from ._cost import CostLedger
from ._kernels import pack_pulse_trains
from ._parasitics import WireResistance
from ._periphery import Periphery
from ._persist import load_crossbar, save_crossbar
from ._tile import Tile

__all__ = ["Crossbar", "UpdateReport"]

_MODES = ("stochastic", "deterministic", "mean_field")
_MAX_BIT_LENGTH = 64


@dataclass(frozen=True)
class UpdateReport:
    """What one :meth:`Crossbar.rank1_update` did.

    Attributes
    ----------
    n_pulses : int
        Pulses that reached devices (expected count in ``mean_field`` mode).
    n_saturated : int
        Touched devices that ended at one of their bounds.
    n_cycles : int
        Update cycles used (an update needing more than ``bit_length`` pulses per device is
        split into several cycles).
    bit_length : int
        Pulse slots per cycle (stochastic mode), else 0.

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg import Crossbar
    >>> xb = Crossbar((3, 2), device="ideal", periphery="ideal", rng=0)
    >>> report = xb.rank1_update(np.ones(3), np.ones(2), 0.01, mode="deterministic")
    >>> report.n_pulses, report.n_saturated  # 6 devices x 0.01 / dw_min (2e-4)
    (300, 0)
    """

    n_pulses: int
    n_saturated: int
    n_cycles: int
    bit_length: int


def _resolve_periphery(periphery):
    if periphery is None:
        return Periphery()
    if isinstance(periphery, Periphery):
        return periphery
    if periphery == "ideal":
        return Periphery.ideal()
    raise TypeError(f"periphery must be None, 'ideal' or a Periphery, got {periphery!r}")


def _resolve_shape(shape, name="shape"):
    if (not isinstance(shape, (tuple, list)) or len(shape) != 2
            or not all(isinstance(s, numbers.Integral) and not isinstance(s, bool)
                       for s in shape)):
        raise ValueError(f"{name} must be a pair of positive ints, got {shape!r}")
    if min(shape) < 1:
        raise ValueError(f"{name} must be a pair of positive ints, got {tuple(shape)!r}")
    return int(shape[0]), int(shape[1])


class Crossbar(LinearOperator):
    """A matrix ``A`` held in crossbar arrays of programmable resistors.

    ``A = W * scale`` column by column, where ``W`` is the devices' state relative to their
    reference devices (each at its own symmetry point). Products with ``A`` and ``A.H`` are
    analog reads through the periphery (DAC, read noise, output bound, ADC); ``rank1_update``
    changes ``A`` by parallel pulses; every operation is counted on the :class:`CostLedger`.

    Parameters
    ----------
    shape : (int, int)
        ``(m, n)``.
    device : Device or str, default "protonic_psg_2022"
        The device (or preset name).
    periphery : Periphery, "ideal" or None
        None gives the realistic default :class:`Periphery`.
    scale : float or array of shape (n,), default 1.0
        Matrix units per device unit, per column.
    tile_shape : (int, int) or None
        Physical array size; larger matrices are split into tiles with their own periphery
        whose results are summed digitally. None: one tile.
    dtype : numpy dtype, default float32
        The operator's dtype; products return ``result_type(dtype, x.dtype)``.
    bit_length : int, default 31
        Pulse slots of one stochastic update cycle (at most 64).
    max_cycles : int, default 32
        Most update cycles one :meth:`rank1_update` may use.
    rng : None, int, SeedSequence or Generator
        Device draws, read noise and pulse trains.
    parasitics : WireResistance or None
        Resistance of each tile's lines, drivers and sense amplifiers. None (or all zero):
        reads are the ideal product. Otherwise every read solves the tile's resistive
        network (device array and reference array) for its inputs, factorised once per
        programmed state, and the wire dissipation goes on the ledger's ``read_energy``.

    Raises
    ------
    TypeError
        If ``parasitics`` is not None or a :class:`WireResistance`.

    See Also
    --------
    Crossbar.from_matrix : program a given matrix.
    WireResistance : the line resistances and the solution method.

    Notes
    -----
    Read noise independent per device and Gaussian with standard deviation ``sigma`` gives
    each output of ``W x`` an error ``N(0, sigma**2 * ||x||**2)``; it is drawn at the output
    (``m`` numbers per input vector instead of ``m*n``), which is exact in distribution.

    With ``parasitics`` a tile's forward read drives its columns (the inputs) at
    ``x * read_voltage`` and senses its rows; the transposed read drives the rows and senses
    the columns, with the same :class:`WireResistance` (see :class:`ParasiticSolver` for the
    geometry). The measured current difference of device and reference arrays is divided by
    ``read_voltage * dG/dw`` to give device units, so zero resistance gives ``W x`` exactly.

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg import Crossbar
    >>> A = np.arange(6.0).reshape(2, 3)
    >>> xb = Crossbar.from_matrix(A, device="ideal", periphery="ideal", rng=0)
    >>> np.round(xb @ np.ones(3), 4)
    array([ 3., 12.])
    >>> np.round(xb.H @ np.ones(2), 4)
    array([3., 5., 7.])
    """

    def __init__(self, shape, *, device="protonic_psg_2022", periphery=None, scale=1.0,
                 tile_shape=None, dtype=np.float32, bit_length=31, max_cycles=32, rng=None,
                 parasitics=None):
        shape = _resolve_shape(shape)
        device = get_device(device)
        periphery = _resolve_periphery(periphery)
        try:
            dtype = np.dtype(dtype)
        except TypeError as exc:
            raise TypeError(f"dtype must be float32 or float64, got {dtype!r}") from exc
        if dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64, got {dtype}")
        tile_shape = shape if tile_shape is None else _resolve_shape(tile_shape, "tile_shape")
        check_scalar(bit_length, "bit_length", kind=numbers.Integral, low=1, high=_MAX_BIT_LENGTH)
        check_scalar(max_cycles, "max_cycles", kind=numbers.Integral, low=1)
        scale = self._check_scale(scale, shape[1])
        if parasitics is not None and not isinstance(parasitics, WireResistance):
            raise TypeError(f"parasitics must be None or a WireResistance, got {parasitics!r}")
        super().__init__(dtype, shape)
        self.device = device
        self.periphery = periphery
        self.tile_shape = tile_shape
        self.bit_length = int(bit_length)
        self.max_cycles = int(max_cycles)
        self.scale = scale
        self.parasitics = parasitics
        self.cost = CostLedger()
        self._rng = as_generator(rng)
        self._row_blocks = self._blocks(shape[0], tile_shape[0])
        self._col_blocks = self._blocks(shape[1], tile_shape[1])
        self._tiles = [[Tile(device, periphery, (r.stop - r.start, c.stop - c.start), self._rng,
                             parasitics)
                        for c in self._col_blocks] for r in self._row_blocks]

    @staticmethod
    def _blocks(size, block):
        return [slice(start, min(start + block, size)) for start in range(0, size, block)]

    @staticmethod
    def _check_scale(scale, n):
        try:
            scale = np.asarray(scale, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"scale must be a positive number or array, got {scale!r}") from exc
        if scale.ndim == 0:
            scale = np.full(n, float(scale))
        if scale.shape != (n,):
            raise ValueError(f"scale must be a scalar or have shape ({n},), got {scale.shape}")
        if not np.all(np.isfinite(scale)) or np.any(scale <= 0):
            raise ValueError("scale must be finite and positive, got "
                             f"min {scale.min()!r}, max {scale.max()!r}")
        return scale

    # --- construction ---------------------------------------------------------------------
    @classmethod
    def from_matrix(cls, A, *, device="protonic_psg_2022", periphery=None,
                    program="auto", tol=None, range_fraction=0.75, column_scaling=True,
                    tile_shape=None, dtype=np.float32, bit_length=31, max_cycles=32, rng=None,
                    parasitics=None):
        """Program ``A`` onto a new crossbar.

        Parameters
        ----------
        A : array_like of shape (m, n)
            Finite real matrix (sparse input is densified).
        device, periphery, tile_shape, dtype, bit_length, max_cycles, rng, parasitics
            As for :class:`Crossbar`.
        program : {"auto", "write_verify", "open_loop"}, default "auto"
            Closed-loop programming (read, pulse, repeat until within ``tol``) or one
            open-loop write with the device's programming noise. ``"auto"`` writes devices
            without programming noise open-loop (exactly) and the others by write-verify.
        tol : float or None
            Write-verify tolerance in device units; default the larger of ``dw_min`` and
            twice the read noise (a tighter target cannot be verified with single reads).
        range_fraction : float, default 0.75
            Fraction of half the device range that the largest entry of each column (of the
            whole matrix, without ``column_scaling``) is mapped to; the rest is headroom for
            updates.
        column_scaling : bool, default True
            One digital scale per column (the most precision per column) or one for the
            whole matrix (every entry gets the same headroom, which suits matrices that are
            updated, such as an inverse Hessian).

        Returns
        -------
        Crossbar
        """
        if hasattr(A, "toarray"):
            A = A.toarray()
        A = check_finite_array(A, "A", ndim=2)
        # Checked before the crossbar draws its devices from ``rng``: a refused call must
        # leave the caller's generator untouched.
        cls._check_program_args(program, tol, range_fraction, 30, column_scaling)
        xb = cls(A.shape, device=device, periphery=periphery, tile_shape=tile_shape,
                 dtype=dtype, bit_length=bit_length, max_cycles=max_cycles, rng=rng,
                 parasitics=parasitics)
        xb.program(A, program=program, tol=tol, range_fraction=range_fraction,
                   column_scaling=column_scaling)
        return xb

    @property
    def usable_range(self):
        """Half the nominal device range: the largest magnitude a programmed entry can take."""
        return 0.5 * (self.device.w_max - self.device.w_min)

    def program(self, A, *, program="auto", tol=None, range_fraction=0.75, max_iter=30,
                column_scaling=True):
        """Program a new matrix ``A`` (same shape) with a new scale.

        The reference devices move to the middle of their devices' ranges, which leaves the
        most room for signed entries. Parameters are as for :meth:`from_matrix`; ``max_iter``
        bounds the write-verify rounds. Returns ``self``.
        """
        if hasattr(A, "toarray"):
            A = A.toarray()
        A = check_finite_array(A, "A", ndim=2, shape=self.shape)
        tol = self._check_program_args(program, tol, range_fraction, max_iter, column_scaling)
        colmax = np.abs(A).max(axis=0)
        if not column_scaling:
            colmax = np.full_like(colmax, colmax.max())
        fallback = colmax.max() if colmax.max() > 0 else self.usable_range * range_fraction
        colmax = np.where(colmax > 0, colmax, fallback)
        self.scale = colmax / (self.usable_range * range_fraction)
        target = A / self.scale
        if tol is None:
            tol = max(self.device.dw_min, 2.0 * self.device.read_noise)
        if program == "auto":
            program = "open_loop" if self.device.programming_noise == 0 else "write_verify"
        for (r, c), tile in self._each_tile():
            tile.devices.set_reference("middle")
            block = target[r, c].astype(np.float32)
            if program == "write_verify":
                self._write_verify(tile, block, tol, max_iter)
            else:
                self._open_loop(tile, block)
        return self

    @staticmethod
    def _check_program_args(program, tol, range_fraction, max_iter, column_scaling):
        check_choice(program, "program", ("auto", "write_verify", "open_loop"))
        if not isinstance(column_scaling, bool):
            raise TypeError(f"column_scaling must be a bool, got {column_scaling!r}")
        check_scalar(range_fraction, "range_fraction", low=0.0, high=1.0, low_inclusive=False)
        tol = check_scalar(tol, "tol", low=0.0, low_inclusive=False, allow_none=True)
        check_scalar(max_iter, "max_iter", kind=numbers.Integral, low=1)
        return tol

    def _write_verify(self, tile, target, tol, max_iter):
        # The controller learns each device's step from its last response, so devices far
        # from the nominal step (device-to-device spread) still converge in a few rounds.
        d = tile.devices
        sigma = self.device.read_noise
        dw = self.device.dw_min
        step = np.full(d.shape, dw)
        previous = counts = None
        limit = 4 * self.device.n_states
        for _ in range(max_iter):
            observed = d.weights.astype(np.float64)
            if sigma:
                observed = observed + sigma * self._rng.standard_normal(d.shape)
            tile.account_verify_read(self.cost)
            if counts is not None:
                reliable = np.abs(counts) >= 8
                measured = (observed - previous)[reliable] / counts[reliable]
                step[reliable] = np.clip(measured, dw / 50, dw * 5)
            error = target - observed
            counts = np.where(np.abs(error) > tol, np.rint(error / step), 0)
            counts = np.clip(counts, -limit, limit).astype(np.int64)
            counts[d.stuck] = 0
            if not counts.any():
                break
            previous = observed
            tile.apply_counts(counts, self._seed())
            self._account_programming(tile, counts)

    def _open_loop(self, tile, target):
        d = tile.devices
        counts = np.rint((target - d.weights) / self.device.dw_min).astype(np.int64)
        counts[d.stuck] = 0
        noisy = target + self.device.programming_noise * self._rng.standard_normal(d.shape)
        new = np.clip(noisy + d.w_ref, d.b_min, d.b_max)
        d.w = np.where(d.stuck, d.w, new)
        self._account_programming(tile, counts)

    def _account_programming(self, tile, counts):
        n = int(np.abs(counts).sum())
        self.cost.n_programming_pulses += n
        energy = self.device.pulse_energy or 0.0
        self.cost.programming_energy += n * energy + self.periphery.line_energy(
            np.count_nonzero(counts.any(axis=1)) + np.count_nonzero(counts.any(axis=0)))
        self.cost.latency += int(np.abs(counts).max(initial=0)) * (self.device.pulse_width
                                                                   or 0.0)

    def reset(self):
        """Return every device to its symmetry point and zero-shift the references (``A = 0``).

        Alternating pulses drive each device to its symmetry point, where its reference is
        then set (Kim et al. 2019). The pulses (``|w - w_sym| / dw_min`` per device) go on the
        ledger. Returns ``self``.
        """
        for _, tile in self._each_tile():
            d = tile.devices
            d.set_reference("symmetry")
            counts = np.rint(-d.weights / self.device.dw_min).astype(np.int64)
            counts[d.stuck] = 0
            self._account_programming(tile, counts)
            d.weights[~d.stuck] = 0.0
        return self

    def relax(self, dt):
        """Let ``dt`` seconds of retention pass: states decay toward their symmetry points."""
        check_scalar(dt, "dt", low=0.0)
        for _, tile in self._each_tile():
            tile.relax(dt)
        return self

    # --- reads ----------------------------------------------------------------------------
    def _each_tile(self):
        for i, r in enumerate(self._row_blocks):
            for j, c in enumerate(self._col_blocks):
                yield (r, c), self._tiles[i][j]

    def _check_input(self, X):
        if np.iscomplexobj(X):
            raise TypeError("the crossbar multiplies real vectors only, got a complex input")
        return check_finite_array(X, "x", ndim=2)

    def _matmat(self, X):
        X = self._check_input(X)
        out_dtype = np.result_type(self.dtype, X.dtype)
        Xs = X * self.scale[:, None]
        Y = np.zeros((self.shape[0], X.shape[1]), dtype=np.float64)
        n_clipped = 0
        for (r, c), tile in self._each_tile():
            y, clipped = tile.read(Xs[c], self._rng, self.cost)
            Y[r] += y
            n_clipped += clipped
        self._finish_read(X.shape[1], n_clipped, Y.size)
        return Y.astype(out_dtype, copy=False)

    def _rmatmat(self, X):
        X = self._check_input(X)
        out_dtype = np.result_type(self.dtype, X.dtype)
        Y = np.zeros((self.shape[1], X.shape[1]), dtype=np.float64)
        n_clipped = 0
        for (r, c), tile in self._each_tile():
            y, clipped = tile.read(X[r], self._rng, self.cost, transpose=True)
            Y[c] += y
            n_clipped += clipped
        Y *= self.scale[:, None]
        self._finish_read(X.shape[1], n_clipped, Y.size)
        return Y.astype(out_dtype, copy=False)

    def _adjoint(self):
        return _CrossbarAdjoint(self)

    # SciPy's wrappers check shapes too, but their 'dimension mismatch' names neither the
    # operand nor its shape; these checks run first and say both.
    def matvec(self, x):
        return super().matvec(_check_operand(x, self.shape[1], vector=True))

    def rmatvec(self, x):
        return super().rmatvec(_check_operand(x, self.shape[0], vector=True))

    def matmat(self, X):
        return super().matmat(_check_operand(X, self.shape[1], vector=False))

    def rmatmat(self, X):
        return super().rmatmat(_check_operand(X, self.shape[0], vector=False))

    def _finish_read(self, k, n_clipped, n_outputs):
        p = self.periphery
        self.cost.n_reads += k
        self.cost.latency += k * (p.integration_time + p.adc_time)
        if n_clipped > 0.01 * n_outputs:
            warn(f"{n_clipped} of {n_outputs} outputs were clipped at the output bound; the "
                 "read is inaccurate (raise out_bound or enable bound_management)",
                 ClippingWarning)

    def verify_read(self, rows=None):
        """Read stored rows device by device, as a write-verify controller does.

        Each device is sensed on its own (no DAC/ADC range to share), so the result is the
        stored value plus the device's read noise, in matrix units. Every row read goes on the
        ledger as a verify read (one integration and conversion time, one input and ``n``
        output conversions).

        Parameters
        ----------
        rows : array_like of int or None
            Rows to read; None reads all of them.

        Returns
        -------
        ndarray of shape (len(rows), n)

        Examples
        --------
        >>> import numpy as np
        >>> from analoglinalg import Crossbar
        >>> xb = Crossbar.from_matrix(np.eye(3), device="ideal", rng=0)
        >>> xb.verify_read([1]).round(6).tolist(), xb.cost.n_verify_reads
        ([[0.0, 1.0, 0.0]], 1)
        """
        m, n = self.shape
        rows = np.arange(m) if rows is None else np.asarray(rows)
        if rows.ndim != 1 or not np.issubdtype(rows.dtype, np.integer) or (
                rows.size and (rows.min() < -m or rows.max() >= m)):
            raise ValueError(f"rows must be a 1-D array of row indices below {m}, got {rows!r}")
        observed = self.read()[rows]
        sigma = self.device.read_noise
        if sigma:
            observed += sigma * self.scale * self._rng.standard_normal(observed.shape)
        p = self.periphery
        k = rows.size
        self.cost.n_verify_reads += k
        self.cost.latency += k * (p.integration_time + p.adc_time)
        self.cost.read_energy += k * (p.dac_energy + n * (p.adc_energy + p.integrator_energy))
        return observed

    def read(self):
        """The matrix the devices hold now, exactly (float64; diagnostics, no cost)."""
        out = np.empty(self.shape)
        for (r, c), tile in self._each_tile():
            out[r, c] = tile.weights
        return out * self.scale

    # --- updates --------------------------------------------------------------------------
    def rank1_update(self, u, v, alpha=1.0, *, mode="stochastic"):
        """``A <- A + alpha * u v^T``, done the way the hardware does it.

        Parameters
        ----------
        u : array_like of shape (m,)
        v : array_like of shape (n,)
        alpha : float, default 1.0
        mode : {"stochastic", "deterministic", "mean_field"}
            ``stochastic``: rows and columns emit Bernoulli pulse trains of ``bit_length``
            slots; a device receives one pulse per coincidence (Gokmen & Vlasov 2016), with
            update management as in aihwkit's ``UpdateParameters``. ``deterministic``: each
            device receives ``round(|delta| / dw_min)`` pulses. ``mean_field``: the expected
            change of the pulsed update, no pulse noise (fast tests).

        Returns
        -------
        UpdateReport

        Raises
        ------
        ValueError
            Non-finite or wrongly sized ``u``/``v``, non-finite ``alpha``, or an update that
            needs more than ``bit_length * max_cycles`` pulses per device. Nothing changes.

        Warns
        -----
        SaturationWarning
            When more than 1 % of the devices end at a bound.

        Notes
        -----
        With ``k = |alpha| max|u| max|v/scale| / dw_min`` the update needs ``ceil(k)``
        pulses on the busiest device. Stochastic mode uses ``BL = min(ceil(k), bit_length)``
        slots per cycle and ``ceil(k / bit_length)`` cycles; the probabilities are
        ``p_i = A|u_i|``, ``q_j = B|v_j|`` with ``A*B = |alpha| / (cycles*BL*dw_min)`` and
        ``A max|u| = B max|v|`` (update management), so ``E[pulses_ij] = |delta_ij| / dw_min``.
        """
        m, n = self.shape
        u = check_vector(u, "u", m)
        v = check_vector(v, "v", n)
        alpha = check_scalar(alpha, "alpha")
        check_choice(mode, "mode", _MODES)
        v = v / self.scale
        dw = self.device.dw_min
        k = abs(alpha) * np.abs(u).max(initial=0) * np.abs(v).max(initial=0) / dw
        limit = self.bit_length * self.max_cycles
        if k > limit:
            raise ValueError(
                f"alpha={alpha!r} needs {math.ceil(k)} pulses on the busiest device, more than "
                f"bit_length * max_cycles = {limit}; split the update or raise max_cycles")
        if k == 0:
            return UpdateReport(0, 0, 0, 0)
        if mode == "mean_field":
            report = self._mean_field_update(u, v, alpha)
        elif mode == "deterministic":
            report = self._deterministic_update(u, v, alpha)
        else:
            report = self._stochastic_update(u, v, alpha, k)
        self.cost.n_updates += 1
        if report.n_saturated > 0.01 * m * n:
            warn(f"{report.n_saturated} devices saturated at their bounds; the update was not "
                 "applied in full", SaturationWarning)
        return report

    def _seed(self):
        return int(self._rng.integers(0, 2**63 - 1))

    def _account_update(self, device_pulses, line_pulses, slots):
        energy = self.device.pulse_energy or 0.0
        self.cost.n_device_pulses += device_pulses
        self.cost.n_line_pulses += line_pulses
        self.cost.update_energy += (device_pulses * energy
                                    + self.periphery.line_energy(line_pulses))
        self.cost.latency += slots * (self.device.pulse_width or 0.0) \
            + self.periphery.update_overhead

    def _stochastic_update(self, u, v, alpha, k):
        dw = self.device.dw_min
        cycles = math.ceil(k / self.bit_length)
        bl = min(math.ceil(k / cycles), self.bit_length)
        umax, vmax = np.abs(u).max(), np.abs(v).max()
        c = abs(alpha) / (cycles * bl * dw)
        a = math.sqrt(c * vmax / umax)
        b = math.sqrt(c * umax / vmax)
        p_rows = np.minimum(1.0, a * np.abs(u))
        p_cols = np.minimum(1.0, b * np.abs(v))
        row_negative = (u < 0) ^ (alpha < 0)
        col_negative = v < 0
        pulses = saturated = 0
        # Over several cycles a device that stays at a bound must be counted once: remember
        # which devices any cycle touched and count those at a bound at the end.
        touched = {} if cycles > 1 else None
        for _ in range(cycles):
            row_bits, row_pulses = pack_pulse_trains(p_rows, bl, self._rng)
            col_bits, col_pulses = pack_pulse_trains(p_cols, bl, self._rng)
            cycle_pulses = 0
            for (r, c), tile in self._each_tile():
                p, s = tile.coincidence_update(row_bits[r], col_bits[c], row_negative[r],
                                               col_negative[c], self._seed())
                cycle_pulses += p
                saturated += s
                if touched is not None:
                    hit = (row_bits[r][:, None] & col_bits[c][None, :]) != 0
                    touched[id(tile)] = touched.get(id(tile), False) | hit
            self._account_update(cycle_pulses, row_pulses + col_pulses, bl)
            pulses += cycle_pulses
        if touched is not None:
            saturated = sum(tile.count_at_bounds(touched[id(tile)])
                            for _, tile in self._each_tile() if id(tile) in touched)
        return UpdateReport(pulses, saturated, cycles, bl)

    def _deterministic_update(self, u, v, alpha):
        delta = alpha * np.outer(u, v) / self.device.dw_min
        counts = np.rint(delta).astype(np.int64)
        pulses = saturated = 0
        for (r, c), tile in self._each_tile():
            block = counts[r, c]
            saturated += tile.apply_counts(block, self._seed())
            pulses += int(np.abs(block).sum())
        slots = int(np.abs(counts).max())
        lines = int(np.count_nonzero(counts.any(axis=1)) + np.count_nonzero(counts.any(axis=0)))
        self._account_update(pulses, lines * slots, slots)
        return UpdateReport(pulses, saturated, math.ceil(slots / self.bit_length), 0)

    def _mean_field_update(self, u, v, alpha):
        delta = alpha * np.outer(u, v)
        saturated = 0
        for (r, c), tile in self._each_tile():
            saturated += tile.mean_field_update(delta[r, c])
        pulses = int(round(np.abs(delta).sum() / self.device.dw_min))
        slots = math.ceil(np.abs(delta).max() / self.device.dw_min)
        self._account_update(pulses, 0, slots)
        return UpdateReport(pulses, saturated, math.ceil(slots / self.bit_length), 0)

    # --- persistence ----------------------------------------------------------------------
    def save(self, path):
        """Write the complete state to one ``.npz`` file (atomically, no pickle).

        Every tile's device arrays, the column scales, the device, periphery and update
        settings, the generator's state and the ledger go into ``path``, so :meth:`load`
        gives a crossbar whose later reads and updates are bit-identical to this one's.

        Parameters
        ----------
        path : str or os.PathLike
            The file to write; an existing file is replaced only once the new one is complete.

        Returns
        -------
        pathlib.Path
            ``path``.

        See Also
        --------
        Crossbar.load
        """
        return save_crossbar(self, path)

    @classmethod
    def load(cls, path):
        """Read a crossbar written by :meth:`save`.

        Parameters
        ----------
        path : str or os.PathLike

        Returns
        -------
        Crossbar

        Raises
        ------
        ValueError
            A truncated, corrupt or foreign file, or one of another format version.

        Examples
        --------
        >>> import os, tempfile
        >>> import numpy as np
        >>> from analoglinalg import Crossbar
        >>> xb = Crossbar.from_matrix(np.eye(3), device="ideal", rng=0)
        >>> path = os.path.join(tempfile.mkdtemp(), "xb.npz")
        >>> _ = xb.save(path)
        >>> bool(np.array_equal(Crossbar.load(path).read(), xb.read()))
        True
        """
        return load_crossbar(cls, path)

    # --- odds and ends --------------------------------------------------------------------
    @property
    def tiles(self):
        """The tiles as a nested list (row blocks by column blocks)."""
        return self._tiles

    @property
    def rng(self):
        """The crossbar's Generator (read noise, pulse trains, device draws)."""
        return self._rng

    def __repr__(self):
        tiles = f"{len(self._row_blocks)}x{len(self._col_blocks)} tiles"
        return (f"<{self.shape[0]}x{self.shape[1]} Crossbar of {self.device.name!r} devices, "
                f"{tiles}, dtype={self.dtype}>")


def _check_operand(x, n, *, vector):
    """Raise a ValueError naming ``x`` and its shape unless it fits an operand of length ``n``."""
    if hasattr(x, "shape") and not hasattr(x, "toarray"):
        shape = tuple(x.shape)
        if vector:
            ok = shape in ((n,), (n, 1))
            want = f"({n},) or ({n}, 1)"
        else:
            ok = len(shape) == 2 and shape[0] == n
            want = f"({n}, k)"
        if not ok:
            raise ValueError(f"x must have shape {want} for this {n}-input operator, got {shape}")
    return x


class _CrossbarAdjoint(LinearOperator):
    """``A.H`` of a crossbar: reads the same array from the other side."""

    def __init__(self, crossbar):
        super().__init__(crossbar.dtype, (crossbar.shape[1], crossbar.shape[0]))
        self._crossbar = crossbar

    def _matmat(self, X):
        return self._crossbar._rmatmat(X)

    def _rmatmat(self, X):
        return self._crossbar._matmat(X)

    def _adjoint(self):
        return self._crossbar

