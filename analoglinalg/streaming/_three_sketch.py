"""The three-sketch streaming low-rank approximation of Tropp, Yurtsever, Udell and Cevher."""

import numbers

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from .._lib._random import as_generator, spawn_seed
from .._lib._validation import check_choice, check_finite_array, check_scalar
from ..crossbar import DigitalBaselines
from ._maps import TEST_MATRIX_KINDS, RandomMap
from ._sizes import _check_shape, sketch_sizes
from ._stores import DigitalStore
from ._updates import check_coefficients, check_index, check_update, row_factors, selection

__all__ = ["ThreeSketch", "ANALOG_MODES", "DIGITAL_ENERGY_PER_FLOP"]

ANALOG_MODES = (None, "test_matrices", "sketches")

#: Energy of one digital floating-point operation, J: half the GPU energy per
#: multiply-accumulate of :class:`~analoglinalg.crossbar.DigitalBaselines` (NVIDIA K40).
DIGITAL_ENERGY_PER_FLOP = DigitalBaselines().gpu_mac_energy / 2

# Tags of the five test matrices inside the map seed's spawn keys.
_MAPS = {"Upsilon": 0, "Omega": 1, "Phi": 2, "Psi": 3, "Theta": 4}


class ThreeSketch:
    """Streaming low-rank approximation of an ``m x n`` matrix from three linear sketches.

    The sketch keeps a co-range sketch ``X = Upsilon A`` (``k x n``), a range sketch
    ``Y = A Omega^T`` (``m x k``), a core sketch ``Z = Phi A Psi^T`` (``s x s``) and, when
    ``q > 0``, an error sketch ``W = Theta A`` (``q x n``) of a matrix ``A`` that is never
    stored. ``A`` starts at zero and changes only through linear updates
    ``A <- theta*A + eta*H``.

    Parameters
    ----------
    shape : tuple of int
        ``(m, n)``. ``m = 0`` is allowed for a stream of rows (see :meth:`extend_rows`).
    k : int
        Range and co-range sketch size, ``1 <= k <= n``.
    s : int
        Core sketch size, ``k <= s <= n``.
    q : int, default 0
        Error sketch size (0: no error sketch, no :meth:`error_estimate`).
    test_matrix : {"gaussian", "rademacher"}, default "gaussian"
        Distribution of the iid entries of the test matrices.
    analog : {None, "test_matrices", "sketches"}, default None
        Where the hardware comes in. ``None``: all digital (float64).
        ``"test_matrices"``: the test matrices are programmed onto crossbars once and every
        update streams through them as analog reads (noisy, quantised, costed).
        ``"sketches"``: ``X``, ``Y``, ``Z`` (and ``W``) are held in analog arrays and
        accumulated by rank-1 pulse updates, with the ping-pong scheme of ``flush_every``.
    device : str, default "protonic_psg_2022"
        Device preset of the crossbars (analog modes only).
    periphery : Periphery, optional
        Crossbar periphery (DAC, ADC, noise); the crossbar default when None.
    flush_every : int, optional
        ``analog="sketches"`` only: number of rank-1 updates an array takes before the second
        array of its ping-pong pair takes over, the first one's contents are read into the
        digital store and it is reset to its symmetry point. None: a single array per
        sketch that is never flushed.
    sketch_range : float or dict, optional
        ``analog="sketches"`` only: the largest entry magnitude an analog array must hold
        (sets the crossbar scale), one number for all sketches or a dict keyed by ``"X"``,
        ``"Y"``, ``"Z"``, ``"W"``. By default four times the largest entry of the first
        increment, times the square root of the number of rank-1 terms an array takes
        (``flush_every``, or ``m`` without flushing, as if each row were added once): the
        growth of a sum of independent terms.
    update_mode : {"stochastic", "deterministic", "mean_field"}, default "stochastic"
        Pulse scheme of the analog rank-1 updates.
    rng : None, int, SeedSequence or Generator, optional
        Source of the test matrices and of the crossbars' randomness.

    Attributes
    ----------
    shape : tuple of int
        Current ``(m, n)``.
    k, s, q : int
        Sketch sizes.
    n_updates : int
        Number of accepted updates.

    Raises
    ------
    ValueError
        If a size is out of range or an option is unknown.

    See Also
    --------
    sketch_sizes : The paper's rules for ``k`` and ``s``.
    ThreeSketch.from_rank : Constructor from a target rank and a storage budget.
    NystromSketch : The PSD counterpart.
    FrequentDirections : A deterministic row-stream sketch.

    Notes
    -----
    Reconstruction (Algorithm 3 of [1]_): ``Q = orth(Y)``, ``P = orth(X^T)``,
    ``C = (Phi Q)^+ Z ((Psi P)^+)^T``, ``A_hat = Q C P^T``; the rank-``r`` approximation
    truncates the SVD of ``C``. With Gaussian test matrices (Theorem 5.1 of [1]_)
    ``E ||A - A_hat||_F^2 <= (s-1)/(s-k-1) min_{rho<k-1} (k+rho-1)/(k-rho-1) tau_{rho+1}^2``
    (see :func:`three_sketch_error_bound`), and ``||W - Theta A_hat||_F^2 / q`` is an unbiased
    estimate of ``||A - A_hat||_F^2``. Storage: ``k(m+n) + s^2 (+ qn)`` numbers.

    Analog accumulators cannot scale their contents by ``theta``; a digital multiplier ``c``
    does (``sketch = store + c * array``) and each pulse update is issued with ``eta / c``.

    References
    ----------
    .. [1] J. A. Tropp, A. Yurtsever, M. Udell and V. Cevher, "Streaming low-rank matrix
       approximation with an application to scientific simulation", SIAM J. Sci. Comput.
       41(4), A2430-A2463 (2019).
    .. [2] L. Horesh, M. Onen, H. Avron, T. Gokmen, V. Kalantzis and S. Ubaru, "Matrix
       sketching using analog crossbar architectures", US patent 11,520,855 B2 (2022).

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.streaming import ThreeSketch
    >>> rng = np.random.default_rng(0)
    >>> A = rng.standard_normal((60, 5)) @ rng.standard_normal((5, 40))
    >>> sk = ThreeSketch((60, 40), k=8, s=17, rng=1)
    >>> for i in range(60):
    ...     _ = sk.update_rows(i, A[i:i + 1])
    >>> err = np.linalg.norm(sk.reconstruct(rank=5) - A) / np.linalg.norm(A)
    >>> bool(err < 1e-12)
    True
    """

    def __init__(self, shape, k, s, *, q=0, test_matrix="gaussian", analog=None,
                 device="protonic_psg_2022", periphery=None, flush_every=None,
                 sketch_range=None, update_mode="stochastic", rng=None):
        m, n = _check_shape_allow_zero(shape)
        k = check_scalar(k, "k", kind=numbers.Integral, low=1, high=n)
        s = check_scalar(s, "s", kind=numbers.Integral, low=k, high=n)
        if m:
            s = check_scalar(s, "s", kind=numbers.Integral, high=m)
        q = check_scalar(q, "q", kind=numbers.Integral, low=0)
        check_choice(test_matrix, "test_matrix", TEST_MATRIX_KINDS)
        check_choice(analog, "analog", ANALOG_MODES)
        if analog is not None and m == 0:
            raise ValueError("analog sketches need a fixed shape with m >= 1, got m = 0")
        if flush_every is not None:
            if analog != "sketches":
                raise ValueError(
                    f"flush_every applies to analog='sketches' only, got analog={analog!r}"
                )
            flush_every = check_scalar(flush_every, "flush_every", kind=numbers.Integral,
                                       low=1)
        ranges = sketch_range if isinstance(sketch_range, dict) else {
            name: sketch_range for name in ("X", "Y", "Z", "W")}
        if set(ranges) - {"X", "Y", "Z", "W"}:
            raise ValueError(f"sketch_range keys must be among 'X', 'Y', 'Z', 'W', got "
                             f"{sorted(ranges)}")
        ranges = {name: check_scalar(ranges.get(name), f"sketch_range[{name!r}]", low=0,
                                     low_inclusive=False, allow_none=True)
                  for name in ("X", "Y", "Z", "W")}
        check_choice(update_mode, "update_mode", ("stochastic", "deterministic", "mean_field"))
        self.k, self.s, self.q = int(k), int(s), int(q)
        self.test_matrix = test_matrix
        self.analog = analog
        self.flush_every = flush_every
        self.n_updates = 0
        self._m, self._n = m, n
        self._flops = 0
        self._cache = {}
        generator = as_generator(rng)
        seed = spawn_seed(generator)
        sizes = {"Upsilon": self.k, "Omega": self.k, "Phi": self.s, "Psi": self.s,
                 "Theta": self.q}
        self._maps = {name: RandomMap(sizes[name], seed, tag, test_matrix)
                      for name, tag in _MAPS.items()}
        shapes = {"X": (self.k, n), "Y": (m, self.k), "Z": (self.s, self.s)}
        if self.q:
            shapes["W"] = (self.q, n)
        self._map_crossbars = None
        if analog is None:
            self._stores = {name: DigitalStore(shp) for name, shp in shapes.items()}
            return
        from ._analog import AnalogStore, program_maps

        if analog == "test_matrices":
            dims = {"Upsilon": m, "Omega": n, "Phi": m, "Psi": n, "Theta": m}
            mats = {name: self._maps[name].columns(dims[name]) for name in _MAPS
                    if sizes[name]}
            self._map_crossbars = program_maps(mats, device, periphery, generator)
            self._stores = {name: DigitalStore(shp) for name, shp in shapes.items()}
        else:
            self._stores = {
                name: AnalogStore(shp, device=device, periphery=periphery,
                                  flush_every=flush_every, sketch_range=ranges[name],
                                  update_mode=update_mode, expected_terms=m, rng=generator)
                for name, shp in shapes.items()
            }

    @classmethod
    def from_rank(cls, shape, rank, *, storage=None, rule="natural", **kwargs):
        """A sketch sized by the rules of :func:`sketch_sizes`.

        Parameters
        ----------
        shape : tuple of int
            ``(m, n)``.
        rank : int
            Target rank of the fixed-rank approximation.
        storage : int, optional
            Storage budget in numbers (eqs. 5.6/5.7); without it ``k = 4r + 1``,
            ``s = 2k + 1`` (eq. 5.3).
        rule : {"natural", "flat"}, default "natural"
            Budget split, see :func:`sketch_sizes`.
        **kwargs
            Passed to :class:`ThreeSketch`.

        Returns
        -------
        ThreeSketch
            An empty sketch.

        Raises
        ------
        ValueError
            If the budget is below :func:`min_storage` or the sizes do not fit ``shape``.

        Examples
        --------
        >>> from analoglinalg.streaming import ThreeSketch
        >>> sk = ThreeSketch.from_rank((1000, 1000), 10, storage=23 * 2000, rng=0)
        >>> sk.k, sk.s
        (21, 63)
        """
        k, s = sketch_sizes(shape, rank, storage=storage, rule=rule)
        return cls(shape, k, s, **kwargs)

    @property
    def shape(self):
        return (self._m, self._n)

    @property
    def storage(self):
        """Numbers held by the sketch: ``k(m+n) + s^2 + qn``."""
        return self.k * (self._m + self._n) + self.s ** 2 + self.q * self._n

    # ----- the sketches ------------------------------------------------------------------
    def _sketch(self, name):
        if name not in self._stores:
            raise AttributeError(f"this sketch has no {name} (q = 0)")
        return np.array(self._stores[name].value(), copy=True)

    @property
    def X(self):
        """Co-range sketch ``Upsilon A``, ``(k, n)`` (a copy)."""
        return self._sketch("X")

    @property
    def Y(self):
        """Range sketch ``A Omega^T``, ``(m, k)`` (a copy)."""
        return self._sketch("Y")

    @property
    def Z(self):
        """Core sketch ``Phi A Psi^T``, ``(s, s)`` (a copy)."""
        return self._sketch("Z")

    @property
    def W(self):
        """Error sketch ``Theta A``, ``(q, n)`` (a copy); only when ``q > 0``."""
        return self._sketch("W")

    def test_matrices(self):
        """The digital test matrices ``Upsilon, Omega, Phi, Psi, Theta`` (copies).

        Returns
        -------
        dict of str to ndarray
            ``Upsilon`` ``(k, m)``, ``Omega`` ``(k, n)``, ``Phi`` ``(s, m)``, ``Psi``
            ``(s, n)``, ``Theta`` ``(q, m)``.
        """
        dims = {"Upsilon": self._m, "Omega": self._n, "Phi": self._m, "Psi": self._n,
                "Theta": self._m}
        return {name: np.array(self._maps[name].columns(dims[name])) for name in _MAPS}

    # ----- updates -----------------------------------------------------------------------
    def update(self, H, theta=1.0, eta=1.0):
        """Apply ``A <- theta*A + eta*H`` to every sketch.

        Parameters
        ----------
        H : array_like, sparse matrix or tuple (H_f, H_b)
            The ``(m, n)`` update, dense or sparse, or factored as ``H_f @ H_b.T`` with
            ``H_f`` of shape ``(m, r)`` and ``H_b`` of shape ``(n, r)``.
        theta, eta : float, default 1.0
            Finite coefficients.

        Returns
        -------
        self : ThreeSketch

        Raises
        ------
        ValueError
            For a wrong shape or non-finite entries or coefficients; the sketch is then
            unchanged.
        TypeError
            For complex or non-numeric input.
        """
        theta, eta = check_coefficients(theta, eta)
        kind, data = check_update(H, (self._m, self._n))
        return self._update(kind, data, theta, eta)

    def update_rows(self, index, values, *, eta=1.0):
        """Add ``eta * values`` to the rows ``index`` of ``A`` (row streaming).

        Parameters
        ----------
        index : int or array_like of int
            Row indices (``p`` of them, distinct).
        values : array_like of shape (p, n)
            The rows to add.
        eta : float, default 1.0
            Finite coefficient.

        Returns
        -------
        self : ThreeSketch

        Raises
        ------
        ValueError
            For indices out of range, repeated indices, a wrong shape or non-finite data.
        """
        _, eta = check_coefficients(1.0, eta)
        idx = _check_distinct_index(index, self._m)
        values = check_finite_array(values, "values", ndim=2, shape=(idx.size, self._n),
                                    dtype=np.float64)
        return self._update("factored", (selection(idx, self._m), values.T), 1.0, eta)

    def update_columns(self, index, values, *, eta=1.0):
        """Add ``eta * values`` to the columns ``index`` of ``A`` (column streaming).

        Parameters
        ----------
        index : int or array_like of int
            Column indices (``p`` of them, distinct).
        values : array_like of shape (m, p)
            The columns to add.
        eta : float, default 1.0
            Finite coefficient.

        Returns
        -------
        self : ThreeSketch

        Raises
        ------
        ValueError
            For indices out of range, repeated indices, a wrong shape or non-finite data.
        """
        _, eta = check_coefficients(1.0, eta)
        idx = _check_distinct_index(index, self._n)
        values = check_finite_array(values, "values", ndim=2, shape=(self._m, idx.size),
                                    dtype=np.float64)
        return self._update("factored", (values, selection(idx, self._n)), 1.0, eta)

    def extend_rows(self, rows):
        """Append rows to ``A`` (a stream of rows of unknown length; digital sketches only).

        Parameters
        ----------
        rows : array_like of shape (p, n)
            New rows; ``A`` becomes ``[A; rows]``.

        Returns
        -------
        self : ThreeSketch

        Raises
        ------
        ValueError
            For a wrong shape or non-finite data, or on an analog sketch (fixed shape).
        """
        if self.analog is not None:
            raise ValueError(
                f"extend_rows needs a digital sketch (analog=None), got analog={self.analog!r}"
            )
        rows = check_finite_array(rows, "rows", ndim=2, shape=(None, self._n),
                                  dtype=np.float64)
        p = rows.shape[0]
        self._stores["Y"].grow_rows(p)
        self._m += p
        idx = np.arange(self._m - p, self._m)
        return self._update("factored", (selection(idx, self._m), rows.T), 1.0, 1.0)

    def _apply_map(self, name, M):
        """``T_name @ M`` for the test matrix ``T_name``; ``M`` may be sparse."""
        T = self._maps[name].columns(M.shape[0])
        if self._map_crossbars is not None:
            dense = M.toarray() if sp.issparse(M) else np.asarray(M)
            return np.asarray(self._map_crossbars[name].matmat(dense), dtype=np.float64)
        nnz = M.nnz if sp.issparse(M) else M.size
        self._flops += 2 * T.shape[0] * nnz
        if sp.issparse(M):
            return np.asarray((M.T @ T.T).T)
        return T @ M

    def _increments(self, kind, data):
        if kind == "dense" or kind == "sparse":
            H = data
            HT = H.T
            inc = {"X": ("dense", self._apply_map("Upsilon", H)),
                   "Y": ("dense", self._apply_map("Omega", HT).T),
                   "Z": ("dense", self._apply_map("Phi", self._apply_map("Psi", HT).T))}
            if self.q:
                inc["W"] = ("dense", self._apply_map("Theta", H))
            return inc
        F, B = data
        inc = {"X": ("lowrank", self._apply_map("Upsilon", F), B),
               "Y": ("lowrank", F, self._apply_map("Omega", B)),
               "Z": ("lowrank", self._apply_map("Phi", F), self._apply_map("Psi", B))}
        if self.q:
            inc["W"] = ("lowrank", self._apply_map("Theta", F), B)
        return inc

    def _update(self, kind, data, theta, eta):
        if self.analog == "sketches" and kind != "factored":
            kind, data = "factored", row_factors(kind, data, self._m)
        increments = self._increments(kind, data)
        for name, store in self._stores.items():
            self._flops += store.apply(theta, eta, increments[name])
        self.n_updates += 1
        self._cache.clear()
        return self

    # ----- reconstruction ----------------------------------------------------------------
    def _core(self):
        if "core" not in self._cache:
            X, Y, Z = (self._stores[n].value() for n in ("X", "Y", "Z"))
            Q, _ = np.linalg.qr(Y)
            P, _ = np.linalg.qr(X.T)
            Phi = self._maps["Phi"].columns(self._m)
            Psi = self._maps["Psi"].columns(self._n)
            U1, T1 = np.linalg.qr(Phi @ Q)
            U2, T2 = np.linalg.qr(Psi @ P)
            core = sla.solve_triangular(T1, U1.T @ Z @ U2)
            core = sla.solve_triangular(T2, core.T).T
            Uc, sc, Vct = np.linalg.svd(core)
            self._cache["core"] = (Q @ Uc, sc, Vct @ P.T)
        return self._cache["core"]

    def factors(self, rank=None):
        """The approximation ``A_hat`` (or its rank-``rank`` truncation) as an SVD.

        Parameters
        ----------
        rank : int, optional
            Truncation rank, ``1 <= rank <= k``; None keeps all ``k`` terms.

        Returns
        -------
        U : ndarray of shape (m, r)
            Orthonormal columns.
        sigma : ndarray of shape (r,)
            Non-negative, decreasing.
        Vt : ndarray of shape (r, n)
            Orthonormal rows.

        Raises
        ------
        ValueError
            If ``rank`` is out of range.
        """
        rank = check_scalar(rank, "rank", kind=numbers.Integral, low=1, high=self.k,
                            allow_none=True)
        if self._m == 0:
            r = 0 if rank is None else rank
            return np.zeros((0, r)), np.zeros(r), np.zeros((r, self._n))
        U, sigma, Vt = self._core()
        r = sigma.size if rank is None else min(rank, sigma.size)
        return U[:, :r].copy(), sigma[:r].copy(), Vt[:r].copy()

    def reconstruct(self, rank=None):
        """``A_hat`` (or its best rank-``rank`` truncation) as a dense ``(m, n)`` array.

        Parameters
        ----------
        rank : int, optional
            Truncation rank, ``1 <= rank <= k``.

        Returns
        -------
        ndarray of shape (m, n)

        Raises
        ------
        ValueError
            If ``rank`` is out of range.
        """
        U, sigma, Vt = self.factors(rank)
        return (U * sigma) @ Vt

    def error_estimate(self, rank=None, *, squared=False):
        """A-posteriori estimate of ``||A - A_hat||_F`` from the error sketch.

        Parameters
        ----------
        rank : int, optional
            Estimate the error of the rank-``rank`` truncation instead.
        squared : bool, default False
            Return the estimate of the squared error, ``||W - Theta A_hat||_F^2 / q``, which
            is unbiased; its square root (the default) is slightly biased low.

        Returns
        -------
        float

        Raises
        ------
        ValueError
            If the sketch has no error sketch (``q = 0``) or ``rank`` is out of range.
        """
        if not self.q:
            raise ValueError("error_estimate needs an error sketch: construct with q >= 1")
        U, sigma, Vt = self.factors(rank)
        Theta = self._maps["Theta"].columns(self._m)
        resid = self._stores["W"].value() - ((Theta @ U) * sigma) @ Vt
        est = float(np.sum(resid * resid)) / self.q
        return est if squared else float(np.sqrt(est))

    # ----- cost --------------------------------------------------------------------------
    def cost_summary(self, *, energy_per_flop=DIGITAL_ENERGY_PER_FLOP):
        """Modelled cost of the updates so far: analog ledger plus digital arithmetic.

        Parameters
        ----------
        energy_per_flop : float, optional
            Energy of one digital flop in J (default: NVIDIA K40, 56 pJ).

        Returns
        -------
        dict
            ``analog_energy`` (J), ``analog_latency`` (s), ``n_reads``, ``n_pulses`` (update,
            programming and reset pulses) summed
            over every crossbar (zero for a digital sketch), ``digital_flops`` (the
            arithmetic the updates did on the CPU) and ``digital_energy`` (J), and
            ``energy`` = their total.
        """
        energy_per_flop = check_scalar(energy_per_flop, "energy_per_flop", low=0)
        crossbars = []
        if self._map_crossbars is not None:
            crossbars.extend(self._map_crossbars.values())
        for store in self._stores.values():
            crossbars.extend(getattr(store, "crossbars", ()))
        out = {"analog_energy": 0.0, "analog_latency": 0.0, "n_reads": 0, "n_pulses": 0}
        for xb in crossbars:
            out["analog_energy"] += float(xb.cost.energy)
            out["analog_latency"] += float(xb.cost.latency)
            out["n_reads"] += int(xb.cost.n_reads)
            out["n_pulses"] += int(xb.cost.n_device_pulses + xb.cost.n_programming_pulses)
        out["digital_flops"] = int(self._flops)
        out["digital_energy"] = self._flops * energy_per_flop
        out["energy"] = out["analog_energy"] + out["digital_energy"]
        return out


def _check_shape_allow_zero(shape):
    if (isinstance(shape, tuple) and len(shape) == 2 and isinstance(shape[0], numbers.Integral)
            and not isinstance(shape[0], bool) and shape[0] == 0):
        return 0, _check_shape((1, shape[1]))[1]
    return _check_shape(shape)


def _check_distinct_index(index, size):
    idx = check_index(index, size, "index")
    if np.unique(idx).size != idx.size:
        raise ValueError(f"index must not repeat entries, got {idx.tolist()}")
    return idx
