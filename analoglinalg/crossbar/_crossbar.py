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
from ._kernels import (
    apply_counts_batch,
    coincidence_updates,
    mean_field_batch,
    pulses_needed,
    stochastic_plan,
)
from ._parasitics import WireResistance
from ._periphery import Periphery
from ._persist import load_crossbar, save_crossbar
from ._read import all_finite as _all_finite
from ._tile import Tile

__all__ = ["Crossbar", "UpdateReport"]

_MODES = ("stochastic", "deterministic", "mean_field")
_FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
_MAX_BIT_LENGTH = 64
# Constant and linear steps (and soft bounds): mean-field batches run in one kernel.
_LINEAR_CODES = (0, 1)


@dataclass(frozen=True)
class UpdateReport:
    """What one :meth:`Crossbar.rank1_update` did (totals, for :meth:`Crossbar.rank1_updates`).

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
        self._unit_scale = np.ones(shape[0])
        self._result_dtypes = {np.dtype(t): np.result_type(dtype, t) for t in _FLOAT_DTYPES}
        self._tiles = [[Tile(device, periphery, (r.stop - r.start, c.stop - c.start), self._rng,
                             parasitics)
                        for c in self._col_blocks] for r in self._row_blocks]
        self._tile_index = [((r, c), self._tiles[i][j])
                            for i, r in enumerate(self._row_blocks)
                            for j, c in enumerate(self._col_blocks)]

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
        # float64 scales whatever A's dtype: every read multiplies by them.
        colmax = np.abs(A).max(axis=0).astype(np.float64)
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
        """``((row slice, column slice), tile)`` for every tile, row by row."""
        return self._tile_index

    def _check_input(self, X):
        # The common operand (a finite float ndarray) costs one pass; anything else, or a
        # bad value, goes through the full check for its message.
        if (type(X) is np.ndarray and X.ndim == 2 and X.dtype in _FLOAT_DTYPES
                and _all_finite(X)):
            return X
        if np.iscomplexobj(X):
            raise TypeError("the crossbar multiplies real vectors only, got a complex input")
        return check_finite_array(X, "x", ndim=2)

    def _matmat(self, X):
        X = self._check_input(X)
        dtype = self._result_dtype(X.dtype)
        if len(self._tile_index) == 1:
            # One tile adds its read into zeros: it can round straight to the result dtype.
            Y = np.zeros((self.shape[0], X.shape[1]), dtype=dtype)
            n_clipped = self._tile_index[0][1].read(X, self._rng, self.cost, Y, self.scale)
        else:
            Y = np.zeros((self.shape[0], X.shape[1]))
            n_clipped = 0
            for (r, c), tile in self._tile_index:
                n_clipped += tile.read(X[c], self._rng, self.cost, Y[r], self.scale[c])
        self._finish_read(X.shape[1], n_clipped, Y.size)
        return Y.astype(dtype, copy=False)

    def _rmatmat(self, X):
        X = self._check_input(X)
        Y = np.zeros((self.shape[1], X.shape[1]))
        n_clipped = 0
        for (r, c), tile in self._each_tile():
            n_clipped += tile.read(X[r], self._rng, self.cost, Y[c], self._unit_scale[r],
                                   transpose=True)
        Y *= self.scale[:, None]
        self._finish_read(X.shape[1], n_clipped, Y.size)
        return Y.astype(self._result_dtype(X.dtype), copy=False)

    # A vector goes straight to the block read: LinearOperator's default would pass it
    # through the public matmat and its checks a second time.
    def _matvec(self, x):
        return self._matmat(np.reshape(x, (-1, 1)))

    def _rmatvec(self, x):
        return self._rmatmat(np.reshape(x, (-1, 1)))

    def _result_dtype(self, input_dtype):
        dtype = self._result_dtypes.get(input_dtype)
        return np.result_type(self.dtype, input_dtype) if dtype is None else dtype

    def _adjoint(self):
        return _CrossbarAdjoint(self)

    # SciPy's wrappers check shapes too, but their 'dimension mismatch' names neither the
    # operand nor its shape; these checks run first and say both. A plain ndarray vector
    # then skips SciPy's wrapper: a vector read is short enough for its overhead to show.
    def dot(self, x):
        if type(x) is np.ndarray and x.ndim == 1:
            return self.matvec(x)
        return super().dot(x)

    def __matmul__(self, x):
        if type(x) is np.ndarray and x.ndim == 1:
            return self.matvec(x)
        return super().__matmul__(x)

    def matvec(self, x):
        if type(x) is np.ndarray and x.shape == (self.shape[1],):
            return self._matmat(x[:, None])[:, 0]
        x = _check_operand(x, self.shape[1], vector=True)
        if type(x) is not np.ndarray:
            return super().matvec(x)
        return self._matvec(x).reshape((self.shape[0],) + x.shape[1:])

    def rmatvec(self, x):
        if type(x) is np.ndarray and x.shape == (self.shape[0],):
            return self._rmatmat(x[:, None])[:, 0]
        x = _check_operand(x, self.shape[0], vector=True)
        if type(x) is not np.ndarray:
            return super().rmatvec(x)
        return self._rmatvec(x).reshape((self.shape[1],) + x.shape[1:])

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
        A stochastic update is one sample of :meth:`rank1_updates` (the same kernel and
        counter-based pulse trains).
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
            # One sample of the batched path: the same kernel and pulse trains.
            pulses, saturated, cycles, bits = self._stochastic_updates(
                np.asarray(u, dtype=np.float64)[None], v[None], np.array([float(alpha)]),
                np.array([k]))
            report = UpdateReport(pulses, int(saturated[0]), int(cycles[0]), int(bits[0]))
        self.cost.n_updates += 1
        if report.n_saturated > 0.01 * m * n:
            warn(f"{report.n_saturated} devices saturated at their bounds; the update was not "
                 "applied in full", SaturationWarning)
        return report

    def rank1_updates(self, U, V, alpha=1.0, *, mode="stochastic"):
        """A batch of rank-1 updates ``A <- A + alpha_b U[b] V[b]^T``, applied in order.

        The result is that of ``B`` consecutive calls
        ``rank1_update(U[b], V[b], alpha_b, mode=mode)``: the same update management, bit
        length and cycles per sample, the same saturation counting and the same ledger
        totals (device and line pulses, ``n_updates``, energy, latency); samples whose
        update is zero are skipped as ``rank1_update`` skips them. The work is one kernel
        launch per tile instead of one Python call per sample.

        Parameters
        ----------
        U : array_like of shape (B, m)
            Row vectors ``u_b``, one per sample.
        V : array_like of shape (B, n)
            Column vectors ``v_b``.
        alpha : float or array_like of shape (B,), default 1.0
            One gain for every sample, or one per sample.
        mode : {"stochastic", "deterministic", "mean_field"}
            As for :meth:`rank1_update`.

        Returns
        -------
        UpdateReport
            Totals over the batch: ``n_pulses`` and ``n_saturated`` summed over the samples
            (as summing the reports of the consecutive calls), ``n_cycles`` the update cycles
            of all samples, ``bit_length`` the largest bit length any sample used.

        Raises
        ------
        ValueError
            Non-finite or wrongly shaped ``U``, ``V`` or ``alpha``, or a sample that needs
            more than ``bit_length * max_cycles`` pulses per device (the message names the
            first such sample). Nothing changes.

        Warns
        -----
        SaturationWarning
            Once per batch, when any sample leaves more than 1 % of the devices at a bound.

        See Also
        --------
        Crossbar.rank1_update : one update.

        Notes
        -----
        Devices of different rows never interact, so each tile's kernel runs its rows in
        parallel and, inside a row, the samples in order and then the columns: every device
        sees its updates in the order of the consecutive calls. ``deterministic`` and
        ``mean_field`` modes therefore give the states of the consecutive calls to the last
        bit (mean field runs in the kernel for constant and linear steps and soft bounds;
        other responses take the NumPy path sample by sample). ``stochastic`` mode draws
        the pulse trains of every sample and cycle in one pass from a counter-based
        generator seeded by the crossbar's ``rng`` (32-bit uniforms, a probability error
        below ``2**-32``), so it equals the consecutive calls in distribution, not draw for
        draw.

        Examples
        --------
        >>> import numpy as np
        >>> from analoglinalg import Crossbar
        >>> xb = Crossbar((3, 2), device="ideal", periphery="ideal", rng=0)
        >>> U, V = np.ones((4, 3)), np.ones((4, 2))
        >>> report = xb.rank1_updates(U, V, [0.01, 0.01, 0.01, -0.02], mode="deterministic")
        >>> report.n_pulses, xb.cost.n_updates  # 6 devices x (3 x 50 + 100) pulses
        (1500, 4)
        >>> np.round(xb.read(), 6).tolist()  # 3 x 0.01 - 0.02 in every entry
        [[0.01, 0.01], [0.01, 0.01], [0.01, 0.01]]
        """
        m, n = self.shape
        U = self._check_batch(U, "U", None, m)
        n_samples = U.shape[0]
        V = self._check_batch(V, "V", n_samples, n)
        if isinstance(alpha, numbers.Real):
            alpha = np.full(n_samples, float(check_scalar(alpha, "alpha")))
        else:
            alpha = check_finite_array(alpha, "alpha", ndim=1, dtype=np.float64,
                                       shape=(n_samples,))
        check_choice(mode, "mode", _MODES)
        V = V / self.scale
        k = pulses_needed(U, V, alpha, self.device.dw_min)
        limit = self.bit_length * self.max_cycles
        if n_samples and k.max() > limit:
            b = int(np.argmax(k > limit))
            raise ValueError(
                f"sample {b} of U, V (alpha={float(alpha[b])!r}) needs {math.ceil(k[b])} "
                f"pulses on the busiest device, more than bit_length * max_cycles = {limit}; "
                "split the update or raise max_cycles")
        active = np.flatnonzero(k > 0)
        if active.size == 0:
            return UpdateReport(0, 0, 0, 0)
        if active.size < n_samples:
            U, V, alpha, k = U[active], V[active], alpha[active], k[active]
        if mode == "mean_field":
            pulses, saturated, cycles, bits = self._mean_field_updates(U, V, alpha)
        elif mode == "deterministic":
            pulses, saturated, cycles, bits = self._deterministic_updates(U, V, alpha)
        else:
            pulses, saturated, cycles, bits = self._stochastic_updates(U, V, alpha, k)
        self.cost.n_updates += active.size
        crowded = int(np.count_nonzero(saturated > 0.01 * m * n)) if saturated.any() else 0
        if crowded:
            warn(f"{crowded} of {active.size} updates left more than 1 % of the devices "
                 f"saturated at their bounds (up to {int(saturated.max())}); they were not "
                 "applied in full", SaturationWarning)
        return UpdateReport(int(pulses), int(saturated.sum()), int(cycles.sum()),
                            int(bits.max()))

    @staticmethod
    def _check_batch(X, name, rows, cols):
        # Training passes float64 arrays of the right shape every mini-batch: check only
        # their finiteness. Anything else takes the full check, which words the errors.
        if (type(X) is np.ndarray and X.dtype == np.float64 and X.ndim == 2
                and X.shape[1] == cols and rows in (None, X.shape[0])
                and np.isfinite(X).all()):
            return X
        return check_finite_array(X, name, ndim=2, dtype=np.float64, shape=(rows, cols))

    def _seed(self):
        return int(self._rng.integers(0, 2**63 - 1))

    def _account_update(self, device_pulses, line_pulses, slots, n_cycles=1):
        energy = self.device.pulse_energy or 0.0
        self.cost.n_device_pulses += device_pulses
        self.cost.n_line_pulses += line_pulses
        self.cost.update_energy += (device_pulses * energy
                                    + self.periphery.line_energy(line_pulses))
        self.cost.latency += slots * (self.device.pulse_width or 0.0) \
            + n_cycles * self.periphery.update_overhead

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

    # The batched bodies get the active samples only (k > 0), with ``V`` already divided by
    # the column scales. Each puts its totals on the ledger and returns the device pulses
    # and the per-sample saturated devices, cycles and bit lengths.
    def _tile_kernel_args(self):
        return [(r, c, tile.devices, tile.kernel_args) for (r, c), tile in self._each_tile()]

    def _mean_field_updates(self, U, V, alpha):
        dw = self.device.dw_min
        model = self.device.response
        saturated = np.zeros(len(U), dtype=np.int64)
        if model.code in _LINEAR_CODES:
            gamma_up = getattr(model, "gamma_up", 0.0)
            gamma_down = getattr(model, "gamma_down", 0.0)
            for r, c, d, _ in self._tile_kernel_args():
                saturated += mean_field_batch(d.weights, d.w_ref, d.dw_up, d.dw_down, d.b_min,
                                              d.b_max, U[:, r], V[:, c], alpha, dw, model.code,
                                              gamma_up, gamma_down)
        else:
            # Other responses go sample by sample through the NumPy path: compiled, their
            # float64 arithmetic on float32 states does not reproduce NumPy's to the last
            # bit (LLVM narrows some of it to float32).
            for b in range(len(U)):
                delta = alpha[b] * np.outer(U[b], V[b])
                for (r, c), tile in self._each_tile():
                    saturated[b] += tile.mean_field_update(delta[r, c])
        absu, absv = np.abs(U), np.abs(V)
        pulses = np.rint(np.abs(alpha) * absu.sum(axis=1) * absv.sum(axis=1) / dw)
        # |alpha (u_i v_j)| is largest at the largest |u_i| and |v_j| (rounding is monotone).
        slots = np.ceil(np.abs(alpha * (absu.max(axis=1) * absv.max(axis=1))) / dw)
        pulses = int(pulses.sum())
        self._account_update(pulses, 0, float(slots.sum()), len(U))
        cycles = np.ceil(slots / self.bit_length).astype(np.int64)
        return pulses, saturated, cycles, np.zeros(1, dtype=np.int64)

    def _deterministic_updates(self, U, V, alpha):
        dw = self.device.dw_min
        tiles = self._tile_kernel_args()
        # Drawn in the order of the consecutive calls: one seed per sample and tile.
        seeds = self._rng.integers(0, 2**63 - 1, size=(len(U), len(tiles))).astype(np.uint64)
        pulses = 0
        saturated = np.zeros(len(U), dtype=np.int64)
        for t, (r, c, d, (code, params, nodes_up, nodes_down)) in enumerate(tiles):
            p, s = apply_counts_batch(d.weights, d.w_ref, d.dw_up, d.dw_down, d.b_min,
                                      d.b_max, U[:, r], V[:, c], alpha, dw,
                                      np.ascontiguousarray(seeds[:, t]), code, params,
                                      nodes_up, nodes_down, float(self.device.dw_min_std),
                                      False)
            pulses += p
            saturated += s
        # Counts are monotone in |u_i| and |v_j|: the busiest device sits at the largest
        # |u_i| and |v_j|, and a row (column) is pulsed iff its count there is non-zero.
        rows = np.arange(len(U))
        i_max, j_max = np.abs(U).argmax(axis=1), np.abs(V).argmax(axis=1)
        row_counts = np.rint(alpha[:, None] * (U * V[rows, j_max][:, None]) / dw)
        col_counts = np.rint(alpha[:, None] * (U[rows, i_max][:, None] * V) / dw)
        slots = np.abs(row_counts).max(axis=1)
        lines = np.count_nonzero(row_counts, axis=1) + np.count_nonzero(col_counts, axis=1)
        self._account_update(pulses, int((lines * slots).sum()), float(slots.sum()), len(U))
        cycles = np.ceil(slots / self.bit_length).astype(np.int64)
        return pulses, saturated, cycles, np.zeros(1, dtype=np.int64)

    def _stochastic_updates(self, U, V, alpha, k):
        tiles = self._tile_kernel_args()
        (row_trains, col_trains, row_negative, col_negative, cycle_start, cycles, bits,
         line_pulses, meets, seeds) = stochastic_plan(U, V, alpha, k, self.bit_length,
                                                      self.device.dw_min,
                                                      np.uint64(self._seed()), len(tiles))
        pulses = 0
        saturated = np.zeros(len(U), dtype=np.int64)
        sigma = float(self.device.dw_min_std)
        for t, (r, c, d, (code, params, nodes_up, nodes_down)) in enumerate(tiles):
            p, s = coincidence_updates(d.weights, d.w_ref, d.dw_up, d.dw_down, d.b_min,
                                       d.b_max, row_trains[:, r], col_trains[:, c],
                                       row_negative[:, r], col_negative[:, c], cycle_start,
                                       seeds[t], code, params, nodes_up, nodes_down, sigma,
                                       False, meets // len(tiles))
            pulses += p
            saturated += s
        self._account_update(pulses, int(line_pulses), float((cycles * bits).sum()),
                             int(cycles.sum()))
        return pulses, saturated, cycles, bits

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

