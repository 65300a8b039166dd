"""``DistributedCrossbar``: a tiled crossbar whose tiles live on the workers of a dask cluster."""

import math
import numbers
import operator
import warnings

import numpy as np
from scipy.sparse.linalg import LinearOperator

from .._lib._validation import check_choice, check_finite_array, check_scalar, check_vector
from .._lib._warnings import SaturationWarning
from ..crossbar import CostLedger, Crossbar, UpdateReport
from ..devices import get_device

__all__ = ["DistributedCrossbar", "tile_seed"]

_MODES = ("stochastic", "deterministic", "mean_field")
_INSTALL_HINT = ("analoglinalg.distributed needs dask and distributed; install them with "
                 "pip install 'analoglinalg[dask]'")


def _require_dask():
    # Imported on first use so that ``import analoglinalg.distributed`` works without dask.
    try:
        import dask.array as da
        import distributed
    except ImportError as exc:
        raise ImportError(_INSTALL_HINT) from exc
    return da, distributed


def _root_seed(rng):
    if rng is None:
        return np.random.SeedSequence()
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"rng must be a non-negative integer seed, got {rng!r}")
        return np.random.SeedSequence(int(rng))
    if isinstance(rng, np.random.Generator):
        return np.random.SeedSequence(int(rng.integers(0, 2**63 - 1)))
    raise TypeError(f"rng must be None, an int, a SeedSequence or a Generator, got {rng!r}")


def tile_seed(rng, i, j):
    """The seed of tile ``(i, j)`` of a :class:`DistributedCrossbar` built with ``rng``.

    Parameters
    ----------
    rng : int or numpy.random.SeedSequence
        The crossbar's ``rng``.
    i, j : int
        Block row and block column of the tile.

    Returns
    -------
    numpy.random.SeedSequence
        ``SeedSequence(entropy=root.entropy, spawn_key=root.spawn_key + (i, j))``: a function
        of the block index only, so the tiles do not depend on the number of workers or on
        the order in which they were programmed.

    Examples
    --------
    >>> from analoglinalg.distributed import tile_seed
    >>> tile_seed(7, 1, 2).spawn_key
    (1, 2)
    """
    if rng is None or isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be an int or a SeedSequence, got {rng!r}")
    root = _root_seed(rng)
    for name, value in (("i", i), ("j", j)):
        check_scalar(value, name, kind=numbers.Integral, low=0)
    return np.random.SeedSequence(entropy=root.entropy, spawn_key=root.spawn_key + (int(i), int(j)))


# --- tasks (run on the workers) --------------------------------------------------------------
# Every task takes a tile state ``(crossbar, last_result)`` and returns a new one, so each tile's
# history is a chain of tasks in the graph. A worker's loss is then repaired by dask replaying
# the chain from the block of the input array and the tile's seed, which gives the same bits.

def _program_tile(block, seed, options):
    xb = Crossbar.from_matrix(np.asarray(block), rng=seed, **options)
    return xb, xb.scale.copy()


def _read_tile(state, X, transpose):
    xb = state[0]
    return xb, (xb.rmatmat(X) if transpose else xb.matmat(X))


def _update_tile(state, u, v, alpha, mode):
    xb = state[0]
    return xb, xb.rank1_update(u, v, alpha, mode=mode)


def _tile_ledger(state):
    return state[0].cost.copy()


def _tile_matrix(state):
    return state[0].read()


def _sum_blocks(*blocks):
    out = np.zeros(blocks[0].shape, dtype=np.float64)
    for block in blocks:
        out += block
    return out


def _block_slices(chunks):
    out, start = [], 0
    for size in chunks:
        out.append(slice(start, start + size))
        start += size
    return out


class DistributedCrossbar(LinearOperator):
    """A tiled crossbar whose tiles live in the memory of the workers of a dask cluster.

    Every tile is a single-tile :class:`~analoglinalg.crossbar.Crossbar`.
    Block ``(i, j)`` of ``A`` (one chunk of the dask array) is programmed on a worker onto its
    own Crossbar seeded with :func:`tile_seed(rng, i, j) <tile_seed>`. Products run as one task
    per tile; the partial results are summed digitally in float64, per block row on the
    workers, in block-column order. The operator works with every SciPy solver and with
    :func:`analoglinalg.sketch.randomized_svd`.

    Parameters
    ----------
    A : dask.array.Array or array_like of shape (m, n)
        The matrix. A dask array is never computed as a whole: each worker computes the
        blocks it programs. Its chunks are the tiles unless ``tile_shape`` is given.
    client : distributed.Client
        The user's client; setting up the cluster is left to the user.
    tile_shape : (int, int) or None
        Physical array size (the input is rechunked to it). Required for a NumPy input.
    device, periphery, program, tol, range_fraction, dtype, bit_length, max_cycles
        As for :meth:`analoglinalg.crossbar.Crossbar.from_matrix`, for every tile.
    rng : None, int, SeedSequence or Generator
        Root seed of the tiles (a Generator gives one draw; None fresh entropy). The root is
        kept as :attr:`seed`, so the same crossbar can be rebuilt.

    Attributes
    ----------
    seed : numpy.random.SeedSequence
        The root of the tile seeds.
    row_blocks, col_blocks : list of slice
        Rows and columns of ``A`` held by each block row and block column of tiles.

    Raises
    ------
    ImportError
        If dask or distributed is not installed.
    TypeError
        If ``client`` is not a ``distributed.Client``, or ``rng`` or ``dtype`` is invalid.
    ValueError
        If ``A`` is not 2-D, ``tile_shape`` is missing for a NumPy input or not a pair of
        positive ints, or a programming option is out of range.

    See Also
    --------
    analoglinalg.crossbar.Crossbar : the single-process crossbar each tile is.
    tile_seed : the seed of one tile.

    Notes
    -----
    Each operation on a tile is a task that takes the tile's previous state and returns its
    new state and result, so the graph holds every tile's full history: if a worker is lost,
    the scheduler recomputes the tiles it held by replaying their histories (the programming
    from the block of ``A`` and the seed, then every read and update with the inputs embedded
    in the tasks), and the results are bit-identical to a run without the failure. The price
    is that the scheduler keeps those inputs for the crossbar's lifetime; tasks mutate the
    tile in place, so no tile is ever copied. Actors would avoid the history but a lost actor
    cannot be recomputed.

    Stochastic updates draw each tile's pulse trains from the tile's own generator (every
    tile has its own periphery), so they differ from those of a single tiled
    :class:`~analoglinalg.crossbar.Crossbar`, which shares one train per row across its tiles.

    Examples
    --------
    >>> import numpy as np
    >>> from distributed import Client, LocalCluster
    >>> from analoglinalg.distributed import DistributedCrossbar
    >>> cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
    ...                        dashboard_address=":0")
    >>> client = Client(cluster)
    >>> A = np.arange(12.0).reshape(3, 4)
    >>> xb = DistributedCrossbar(A, client, tile_shape=(2, 2), device="ideal",
    ...                          periphery="ideal", rng=0)
    >>> xb.n_tiles
    (2, 2)
    >>> np.round(xb @ np.ones(4), 4)
    array([ 6., 22., 38.])
    >>> client.close(); cluster.close()
    """

    def __init__(self, A, client, *, tile_shape=None, device="protonic_psg_2022",
                 periphery=None, program="auto", tol=None, range_fraction=0.75,
                 dtype=np.float32, bit_length=31, max_cycles=32, rng=None):
        da, distributed = _require_dask()
        if not isinstance(client, distributed.Client):
            raise TypeError(f"client must be a distributed.Client, got {type(client).__name__}")
        dense, A = self._as_dask(A, tile_shape, da)
        device = get_device(device)
        check_choice(program, "program", ("auto", "write_verify", "open_loop"))
        check_scalar(range_fraction, "range_fraction", low=0.0, high=1.0, low_inclusive=False)
        check_scalar(tol, "tol", low=0.0, low_inclusive=False, allow_none=True)
        check_scalar(bit_length, "bit_length", kind=numbers.Integral, low=1, high=64)
        check_scalar(max_cycles, "max_cycles", kind=numbers.Integral, low=1)
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64, got {dtype}")
        self.seed = _root_seed(rng)
        super().__init__(dtype, A.shape)
        self.client = client
        self.device = device
        self.bit_length = int(bit_length)
        self.max_cycles = int(max_cycles)
        self.row_blocks = _block_slices(A.chunks[0])
        self.col_blocks = _block_slices(A.chunks[1])
        options = dict(device=device, periphery=periphery, program=program, tol=tol,
                       range_fraction=range_fraction, dtype=dtype, bit_length=bit_length,
                       max_cycles=max_cycles)
        if dense is None:
            blocks = client.compute(A.to_delayed().ravel().tolist())
        else:
            # Each task carries only its own block: one graph holding the whole array would
            # be slow to send (and dask warns about it).
            blocks = [dense[r, c] for r in self.row_blocks for c in self.col_blocks]
        nj = len(self.col_blocks)
        self._states = [[client.submit(_program_tile, blocks[i * nj + j],
                                       tile_seed(self.seed, i, j), options, pure=False)
                         for j in range(nj)] for i in range(len(self.row_blocks))]
        # The per-column scales of every tile let rank1_update refuse an impossible update
        # before any tile changes; gathering them also surfaces programming errors here.
        self._scales = client.gather([[client.submit(operator.itemgetter(1), s, pure=False)
                                       for s in row] for row in self._states])

    @staticmethod
    def _as_dask(A, tile_shape, da):
        if tile_shape is not None:
            if (not isinstance(tile_shape, (tuple, list)) or len(tile_shape) != 2
                    or not all(isinstance(t, numbers.Integral) and not isinstance(t, bool)
                               and t >= 1 for t in tile_shape)):
                raise ValueError(f"tile_shape must be a pair of positive ints, got {tile_shape!r}")
            tile_shape = (int(tile_shape[0]), int(tile_shape[1]))
        dense = None
        if not isinstance(A, da.Array):
            if tile_shape is None:
                raise ValueError("tile_shape is required when A is not a dask array")
            dense = check_finite_array(A, "A", ndim=2)
            # Only the chunk layout of this array is used.
            A = da.empty(dense.shape, chunks=tile_shape, dtype=dense.dtype)
        elif A.ndim != 2:
            raise ValueError(f"A must be 2-D, got a dask array of shape {A.shape}")
        elif tile_shape is not None:
            A = A.rechunk(tile_shape)
        if np.issubdtype(A.dtype, np.complexfloating) or not np.issubdtype(A.dtype, np.number):
            raise TypeError(f"A must hold real numbers, got dtype {A.dtype}")
        return dense, A

    def _delayed(self, func):
        from dask import delayed

        return delayed(func, pure=False)

    def _set_states(self, futures):
        nj = len(self.col_blocks)
        self._states = [futures[i * nj:(i + 1) * nj] for i in range(len(self.row_blocks))]

    @property
    def n_tiles(self):
        """``(block rows, block columns)``."""
        return len(self.row_blocks), len(self.col_blocks)

    # --- reads ----------------------------------------------------------------------------
    def _check_input(self, X):
        if np.iscomplexobj(X):
            raise TypeError("the crossbar multiplies real vectors only, got a complex input")
        return check_finite_array(X, "x", ndim=2)

    def _read(self, X, transpose):
        X = self._check_input(X)
        out_dtype = np.result_type(self.dtype, X.dtype)
        ins, outs = ((self.row_blocks, self.col_blocks) if transpose
                     else (self.col_blocks, self.row_blocks))
        task = self._delayed
        partial = [[None] * len(ins) for _ in outs]
        states = []
        for i, r in enumerate(self.row_blocks):
            for j, c in enumerate(self.col_blocks):
                state = task(_read_tile)(self._states[i][j], X[r if transpose else c], transpose)
                states.append(state)
                out, k = (j, i) if transpose else (i, j)
                partial[out][k] = task(operator.itemgetter(1))(state)
        sums = [task(_sum_blocks)(*row) for row in partial]
        # One submission per call: the scheduler sees the whole read at once.
        futures = self.client.compute(states + sums, optimize_graph=False)
        self._set_states(futures[:len(states)])
        sums = futures[len(states):]
        Y = np.concatenate(self.client.gather(sums), axis=0)
        return Y.astype(out_dtype, copy=False)

    def _matmat(self, X):
        return self._read(X, transpose=False)

    def _rmatmat(self, X):
        return self._read(X, transpose=True)

    def _matvec(self, x):
        return self._matmat(np.reshape(x, (-1, 1)))

    def _rmatvec(self, x):
        return self._rmatmat(np.reshape(x, (-1, 1)))

    # --- updates --------------------------------------------------------------------------
    def rank1_update(self, u, v, alpha=1.0, *, mode="stochastic"):
        """``A <- A + alpha * u v^T`` by pulses, each tile with its slices of ``u`` and ``v``.

        Parameters
        ----------
        u : array_like of shape (m,)
        v : array_like of shape (n,)
        alpha : float, default 1.0
        mode : {"stochastic", "deterministic", "mean_field"}
            As for :meth:`analoglinalg.crossbar.Crossbar.rank1_update`.

        Returns
        -------
        UpdateReport
            Pulses and saturated devices summed over the tiles; cycles and bit length the
            largest of any tile (the tiles pulse in parallel).

        Raises
        ------
        ValueError
            Non-finite or wrongly sized ``u``/``v``, non-finite ``alpha``, an unknown mode,
            or an update that needs more than ``bit_length * max_cycles`` pulses on some
            device. Nothing changes.

        Warns
        -----
        SaturationWarning
            When more than 1 % of all devices end at a bound.
        """
        m, n = self.shape
        u = check_vector(u, "u", m)
        v = check_vector(v, "v", n)
        alpha = check_scalar(alpha, "alpha")
        check_choice(mode, "mode", _MODES)
        limit = self.bit_length * self.max_cycles
        for i, r in enumerate(self.row_blocks):
            umax = np.abs(u[r]).max(initial=0)
            for j, c in enumerate(self.col_blocks):
                k = (abs(alpha) * umax * np.abs(v[c] / self._scales[i][j]).max(initial=0)
                     / self.device.dw_min)
                if k > limit:
                    raise ValueError(
                        f"alpha={alpha!r} needs {math.ceil(k)} pulses on the busiest device of "
                        f"tile ({i}, {j}), more than bit_length * max_cycles = {limit}; split "
                        "the update or raise max_cycles")
        task = self._delayed
        states, reports = [], []
        for i, r in enumerate(self.row_blocks):
            for j, c in enumerate(self.col_blocks):
                state = task(_update_tile)(self._states[i][j], u[r], v[c], alpha, mode)
                states.append(state)
                reports.append(task(operator.itemgetter(1))(state))
        futures = self.client.compute(states + reports, optimize_graph=False)
        self._set_states(futures[:len(states)])
        reports = futures[len(states):]
        reports = self.client.gather(reports)
        report = UpdateReport(sum(x.n_pulses for x in reports),
                              sum(x.n_saturated for x in reports),
                              max(x.n_cycles for x in reports),
                              max(x.bit_length for x in reports))
        if report.n_saturated > 0.01 * m * n:
            warnings.warn(f"{report.n_saturated} devices saturated at their bounds; the update "
                          "was not applied in full", SaturationWarning, stacklevel=2)
        return report

    # --- diagnostics ----------------------------------------------------------------------
    @property
    def cost(self):
        """The tiles' ledgers, gathered from the workers and merged.

        Merged with :meth:`~analoglinalg.crossbar.CostLedger.merge`.

        Counts and energies are totals over the tiles. ``n_reads`` counts tile reads (input
        vectors times tiles) and ``latency`` adds up the tiles' latencies, as if they ran one
        after another: an upper bound, since the tiles of an accelerator run in parallel.
        """
        ledgers = self.client.gather([self.client.submit(_tile_ledger, s, pure=False)
                                      for row in self._states for s in row])
        total = CostLedger()
        for ledger in ledgers:
            total.merge(ledger)
        return total

    def read(self):
        """The matrix the devices hold now, gathered from the workers (float64, no cost).

        For diagnostics on matrices that fit in the client's memory.
        """
        blocks = self.client.gather([[self.client.submit(_tile_matrix, s, pure=False)
                                      for s in row] for row in self._states])
        return np.block(blocks)

    def __repr__(self):
        return (f"<{self.shape[0]}x{self.shape[1]} DistributedCrossbar of "
                f"{self.device.name!r} devices, {self.n_tiles[0]}x{self.n_tiles[1]} tiles, "
                f"dtype={self.dtype}>")
