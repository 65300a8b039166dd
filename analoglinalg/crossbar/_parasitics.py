"""Line (wire) resistance of a crossbar read: the resistive network solved by Kirchhoff's laws."""

import math
import numbers
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from .._lib._validation import check_choice, check_finite_array

__all__ = ["ParasiticSolver", "WireResistance"]

_METHODS = ("exact", "first_order")
# Cell-block size (rows * outputs * right-hand sides) of one vectorised first-order pass;
# bounds the temporary arrays to a few tens of MB whatever the batch size.
_FIRST_ORDER_BLOCK = 1 << 22


@dataclass(frozen=True)
class WireResistance:
    """Parasitic resistances of a crossbar's lines and periphery, in ohms.

    Parameters
    ----------
    row_segment : float, default 0.0
        Resistance of one segment of an input (row) line: between the driver and the first
        cell, and between neighbouring cells.
    col_segment : float, default 0.0
        Resistance of one segment of an output (column) line: between neighbouring cells,
        and between the last cell and the sense amplifier.
    driver : float, default 0.0
        Output resistance of each row driver (DAC).
    sense : float, default 0.0
        Input resistance of each column's sense amplifier (ideally a virtual ground).
    method : {"exact", "first_order"}, default "exact"
        ``"exact"`` solves the nodal equations with a sparse LU factorisation;
        ``"first_order"`` keeps the first-order term of the expansion in the resistances
        (cheap, accurate while the relative IR drop is small; see :class:`ParasiticSolver`).

    Raises
    ------
    ValueError
        If a resistance is negative or not finite, or ``method`` is unknown.
    TypeError
        If a resistance is not a real number.

    Examples
    --------
    >>> from analoglinalg.crossbar._parasitics import WireResistance
    >>> WireResistance(row_segment=1.0, col_segment=1.0).total_segments
    2.0
    """

    row_segment: float = 0.0
    col_segment: float = 0.0
    driver: float = 0.0
    sense: float = 0.0
    method: str = "exact"

    def __post_init__(self):
        for name in ("row_segment", "col_segment", "driver", "sense"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"{name} must be a real number of ohms, got {value!r}")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite resistance >= 0 ohms, got {value!r}")
            object.__setattr__(self, name, float(value))
        check_choice(self.method, "method", _METHODS)

    @property
    def total_segments(self):
        """``row_segment + col_segment`` (ohms)."""
        return self.row_segment + self.col_segment

    @property
    def is_ideal(self):
        """True when every resistance is zero: the read is then the ideal product."""
        return not (self.row_segment or self.col_segment or self.driver or self.sense)


class ParasiticSolver:
    """Output currents of a crossbar read with resistive lines.

    Geometry (the convention of badcrossbar [1]_): ``G[i, j]`` is the conductance of the
    device joining input row ``i`` (``m`` rows) to output column ``j`` (``n`` columns). Row
    ``i`` is driven at its left end (before column 0) by a source ``V[i]`` through the driver
    resistance and one row segment, with one more row segment between each pair of
    neighbouring cells; its right end is open. Column ``j`` is sensed at its bottom end
    (after row ``m - 1``): one column segment joins neighbouring cells and one joins the last
    cell to the sense amplifier, which holds the line at virtual ground through the sense
    resistance; its top end is open. The output is the current into each sense amplifier;
    with no parasitics it is the ideal product ``G.T @ V``.

    Parameters
    ----------
    G : array_like of shape (m, n)
        Device conductances in siemens (finite, >= 0).
    parasitics : WireResistance
        The line, driver and sense resistances and the solution method.

    Raises
    ------
    ValueError
        If ``G`` is not a finite 2-D array of non-negative conductances.
    TypeError
        If ``parasitics`` is not a :class:`WireResistance`.

    See Also
    --------
    WireResistance : the parameters.

    Notes
    -----
    ``"exact"``: with every resistor stamped into the nodal conductance matrix ``L`` (one
    unknown per row node and per column node, ``2 m n`` at most; a line of zero segment
    resistance is one node, and one fixed at its source or at ground if its driver or sense
    resistance is zero too) the node voltages solve ``L x = b(V)``. ``L`` depends only on the
    programmed state, so it is LU-factorised once here (SuperLU) and every read, and every
    column of a batch, is a pair of triangular solves. A direct solve cannot fail to converge,
    unlike the fixed-point iteration of CrossSim, which stalls or diverges once the wire
    resistance exceeds about ``1e-4`` of the device resistance at ``256 x 256``.
    Build a new solver after the conductances change.

    ``"first_order"``: the cell currents are taken as ideal, ``G[i, j] V[i]``, the line
    currents they imply give the IR drops along every row and column (cumulative sums), and
    the output is recomputed once with those node voltages. This is the first step of the
    fixed-point iteration; its error is second order in ``R G N**2`` (``N`` the line length).
    Measured (``examples/plot_crossbar_parasitics.py``) with ``G`` uniform in
    ``[Gmax/10, Gmax]``, inputs uniform in ``[0, 0.2]`` V and both segment resistances
    ``r / Gmax``, at ``N = 64``: relative error of the first-order model against the exact
    solve 0.03 % at ``r = 1e-5`` (ideal product off by 1.5 %), 2.6 % at ``r = 1e-4``
    (ideal off by 13 %) and 230 % at ``r = 1e-3`` (ideal off by 59 %). Use it
    only where the ideal model is off by less than about 10 %.

    The dissipation returned is ``sum(I**2 R)`` over every parasitic resistor (line segments,
    drivers, sense resistances) for each read, in watts.

    References
    ----------
    .. [1] D. Joksas and A. Mehonic, "badcrossbar: A Python tool for computing and plotting
       currents and voltages in passive crossbar arrays", SoftwareX 12, 100617 (2020).
    .. [2] A. Chen, "A comprehensive crossbar array model with solutions for line resistance
       and nonlinear device characteristics", IEEE Trans. Electron Devices 60(4), 1318 (2013).

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.crossbar._parasitics import ParasiticSolver, WireResistance
    >>> rng = np.random.default_rng(0)
    >>> G = rng.uniform(1e-5, 1e-4, size=(8, 4))
    >>> solver = ParasiticSolver(G, WireResistance(row_segment=1.0, col_segment=1.0))
    >>> I, P = solver.currents(np.full(8, 0.2))
    >>> I.shape, bool(np.all(I < G.T @ np.full(8, 0.2)))
    ((4,), True)
    """

    def __init__(self, G, parasitics):
        G = check_finite_array(G, "G", ndim=2, dtype=np.float64)
        if np.any(G < 0):
            raise ValueError(f"G must hold conductances >= 0 siemens, got min {G.min()!r}")
        if not isinstance(parasitics, WireResistance):
            raise TypeError(f"parasitics must be a WireResistance, got {parasitics!r}")
        self.G = G
        self.parasitics = parasitics
        self.shape = G.shape
        self._lu = None
        if parasitics.method == "exact" and not parasitics.is_ideal:
            self._build_network()

    @property
    def method(self):
        """The solution method, from :attr:`parasitics`."""
        return self.parasitics.method

    def currents(self, V):
        """Output currents and parasitic dissipation of reads with input voltages ``V``.

        Parameters
        ----------
        V : array_like of shape (m,) or (m, k)
            Row voltages in volts; each column of a 2-D ``V`` is one read.

        Returns
        -------
        I : ndarray of shape (n,) or (n, k)
            Currents into the sense amplifiers, in amperes.
        P : float or ndarray of shape (k,)
            Power dissipated in the parasitic resistors per read, in watts.

        Raises
        ------
        ValueError
            If ``V`` has the wrong shape or non-finite entries.
        """
        m = self.shape[0]
        V = check_finite_array(V, "V", ndim=(1, 2), dtype=np.float64)
        if V.shape[0] != m:
            raise ValueError(f"V must have {m} rows (one per input line), got shape {V.shape}")
        vector = V.ndim == 1
        X = V[:, None] if vector else V
        if self.parasitics.is_ideal:
            I, P = self.G.T @ X, np.zeros(X.shape[1])
        elif self.method == "exact":
            I, P = self._exact(X)
        else:
            I, P = self._first_order(X)
        if vector:
            return I[:, 0], float(P[0])
        return I, P

    # --- exact nodal solve ----------------------------------------------------------------
    def _line_nodes(self, n_lines, length, segment, end, offset):
        """Node index of every cell of ``n_lines`` lines; -1 marks a node fixed by its source.

        Returns the index array of shape ``(n_lines, length)``, the number of unknowns it
        uses, and the conductance to the source of each line (``inf`` when fixed).
        """
        end_g = 1.0 / (segment + end) if segment + end > 0 else math.inf
        if segment > 0:
            idx = offset + np.arange(n_lines * length).reshape(n_lines, length)
            return idx, n_lines * length, end_g
        if end > 0:
            idx = offset + np.repeat(np.arange(n_lines)[:, None], length, axis=1)
            return idx, n_lines, end_g
        return np.full((n_lines, length), -1), 0, end_g

    def _build_network(self):
        p = self.parasitics
        m, n = self.shape
        # Rows: cell order along a row is j = 0..n-1 from the driver; columns: i = m-1..0
        # from the sense amplifier, so the transposed index arrays keep the same layout.
        rows, n_r, g_drv = self._line_nodes(m, n, p.row_segment, p.driver, 0)
        cols_t, n_c, g_sns = self._line_nodes(n, m, p.col_segment, p.sense, n_r)
        cols = cols_t.T[::-1]  # (m, n), cols[i, j] for cell (i, j); index 0 along a line at i=m-1
        n_unknowns = n_r + n_c
        # Each resistor: terminals a and b, each an unknown's index or -1 for a fixed node,
        # and for a fixed node the input row that sets it (-1: ground).
        a, b, sa, sb, g = [], [], [], [], []

        def add(ta, tb, fa, fb, cond):
            for lst, val in ((a, ta), (b, tb), (sa, fa), (sb, fb), (g, cond)):
                lst.append(np.broadcast_to(val, ta.shape).ravel())

        row_id = np.arange(m)[:, None]
        first = rows[:, :1]
        add(rows, cols, np.where(rows < 0, row_id, -1), -1, self.G)
        if p.row_segment > 0:
            add(rows[:, 1:], rows[:, :-1], -1, -1, 1.0 / p.row_segment)
        if p.row_segment > 0 or p.driver > 0:
            add(first, np.full_like(first, -1), -1, row_id, g_drv)
        if p.col_segment > 0:
            add(cols[:-1], cols[1:], -1, -1, 1.0 / p.col_segment)
        if p.col_segment > 0 or p.sense > 0:
            add(cols[-1:], np.full((1, n), -1), -1, -1, g_sns)
        a, b, sa, sb, g = map(np.concatenate, (a, b, sa, sb, g))
        n_res = a.size
        n_dev = m * n
        Au = self._incidence(a, b, n_unknowns)
        Av = self._incidence(sa, sb, m)
        Dg = sp.diags(g)
        L = (Au.T @ Dg @ Au).tocsc()
        self._rhs = -(Au.T @ Dg @ Av).tocsr()
        # Output j = sum of device currents into column j (KCL: nothing else leaves it).
        sel = sp.csr_matrix((g[:n_dev], (np.tile(np.arange(n), m), np.arange(n_dev))),
                            shape=(n, n_res))
        self._out_u = (sel @ Au).tocsr()
        self._out_v = (sel @ Av).tocsr()
        wires = slice(n_dev, n_res)
        self._wire_u, self._wire_v, self._wire_g = Au[wires], Av[wires], g[wires]
        self._n_unknowns = n_unknowns
        if n_unknowns:
            # L is symmetric positive definite: a symmetric ordering and no pivoting keep the
            # fill of the LU factors that of a Cholesky factor.
            self._lu = splu(L, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                            options={"SymmetricMode": True})

    @staticmethod
    def _incidence(a, b, size):
        """Sparse ``(n_res, size)`` map whose row r is ``e[a[r]] - e[b[r]]`` (-1 dropped)."""
        k = np.arange(a.size)
        ua, ub = a >= 0, b >= 0
        return sp.csr_matrix(
            (np.concatenate([np.ones(ua.sum()), -np.ones(ub.sum())]),
             (np.concatenate([k[ua], k[ub]]), np.concatenate([a[ua], b[ub]]))),
            shape=(a.size, size))

    def _exact(self, X):
        if self._n_unknowns:
            # SuperLU's multi-right-hand-side solve measured about 2x slower than one
            # contiguous solve per column (scipy 1.17), so solve column by column.
            B = np.ascontiguousarray(np.asarray(self._rhs @ X).T)
            x = np.stack([self._lu.solve(b) for b in B], axis=1)
        else:
            x = np.zeros((0, X.shape[1]))
        I = self._out_u @ x + self._out_v @ X
        drop = self._wire_u @ x + self._wire_v @ X
        P = self._wire_g @ (drop * drop)
        return np.asarray(I), np.asarray(P)

    # --- first-order model ----------------------------------------------------------------
    def _first_order(self, X):
        p = self.parasitics
        m, n = self.shape
        k = X.shape[1]
        I = np.empty((n, k))
        P = np.empty(k)
        step = max(1, _FIRST_ORDER_BLOCK // (m * n))
        for start in range(0, k, step):
            block = slice(start, min(start + step, k))
            I[:, block], P[block] = self._first_order_block(X[:, block], p)
        return I, P

    def _first_order_block(self, X, p):
        G = self.G
        cell = G[:, :, None] * X[:, None, :]  # ideal cell currents, (m, n, k)
        # Row segment s (s = 0 from the driver) carries the current of cells j >= s.
        row_seg = np.cumsum(cell[:, ::-1], axis=1)[:, ::-1]
        row_drop = p.driver * row_seg[:, :1] + p.row_segment * np.cumsum(row_seg, axis=1)
        # Column segment below cell i carries the current of cells i' <= i.
        col_seg = np.cumsum(cell, axis=0)
        col_rise = (p.sense * col_seg[-1:]
                    + p.col_segment * np.cumsum(col_seg[::-1], axis=0)[::-1])
        I = X.T @ G - np.einsum("ij,ijk->kj", G, row_drop + col_rise)
        P = (p.driver * np.einsum("ik,ik->k", row_seg[:, 0], row_seg[:, 0])
             + p.row_segment * np.einsum("ijk,ijk->k", row_seg, row_seg)
             + p.sense * np.einsum("jk,jk->k", col_seg[-1], col_seg[-1])
             + p.col_segment * np.einsum("ijk,ijk->k", col_seg, col_seg))
        return I.T, P
