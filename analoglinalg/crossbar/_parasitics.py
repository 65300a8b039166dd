"""Line (wire) resistance of a crossbar read: the resistive network solved by Kirchhoff's laws."""

import math
import numbers
from dataclasses import dataclass

import numpy as np
from scipy.linalg import solveh_banded
from scipy.linalg.lapack import dpotrf, dpotri

from .._lib._validation import check_choice, check_finite_array

__all__ = ["ParasiticSolver", "WireResistance"]

_METHODS = ("exact", "first_order")
# Cell-block size (rows * outputs * right-hand sides) of one vectorised first-order pass;
# bounds the temporary arrays to a few tens of MB whatever the batch size.
_FIRST_ORDER_BLOCK = 1 << 22


def _spd_inverse(A):
    """Inverse of a symmetric positive definite matrix by its Cholesky factor."""
    c, info = dpotrf(A, lower=False)
    if info == 0:
        c, info = dpotri(c, lower=False)
    if info != 0:
        raise np.linalg.LinAlgError(f"nodal matrix is not positive definite (LAPACK info {info})")
    return np.triu(c) + np.triu(c, 1).T


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
        ``"exact"`` solves the nodal equations exactly (once per programmed state);
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
    ``"exact"``: the nodal equations of the network (one unknown per row node and per column
    node, ``2 m n`` at most) are solved once, when the solver is built, for the response
    of the whole array: a matrix ``M`` with ``I = M @ V`` and a quadratic form ``Q`` with
    wire dissipation ``V @ Q @ V``. Each column line is eliminated by banded solves; the
    row lines are then eliminated one cell column at a time from their open ends, carrying
    the admittance of the cells already eliminated (a dense ``m x m`` Cholesky inverse per
    cell column, so ``O(n m**3)`` work in all and ``O(n m)`` memory). Every read, and every
    column of a batch, is then one dense product, about the cost of the ideal read. A
    direct elimination cannot fail to converge, unlike the fixed-point iteration of
    CrossSim, which stalls or diverges once the wire resistance exceeds about ``1e-4`` of
    the device resistance at ``256 x 256``. Build a new solver after the conductances
    change (a :class:`~analoglinalg.crossbar.Crossbar` with ``parasitics`` does so on the
    first read after a change).

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
        if parasitics.method == "exact" and not parasitics.is_ideal:
            self._build_response()

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
    def _column_line(self, g_col, g_last, Gj):
        """What the column subnetwork ``j`` looks like from its cells' row nodes ``r``.

        Returns ``C`` (current drawn out of the row nodes is ``C r``), ``a`` (output current
        ``a @ r``) and ``K`` (power in the column's wires is ``r @ K @ r``).
        """
        m = Gj.size
        if math.isinf(g_col):
            if math.isinf(g_last):  # the line is held at ground
                return np.diag(Gj), Gj.copy(), np.zeros((m, m))
            # One node: c = Gj @ r / s with s its total conductance.
            s = g_last + Gj.sum()
            return np.diag(Gj) - np.outer(Gj, Gj) / s, g_last * Gj / s, \
                g_last * np.outer(Gj, Gj) / s ** 2
        band = np.zeros((2, m))
        band[0, 1:] = -g_col
        band[1] = Gj + 2.0 * g_col
        band[1, 0] -= g_col  # the top end is open
        band[1, -1] += g_last - g_col
        # A is tridiagonal, so A^-1 and A^-1 diag(G) A^-1 cost O(m**2) by banded solves.
        Ainv = solveh_banded(band, np.eye(m))
        AGA = solveh_banded(band, Gj[:, None] * Ainv)
        B = Gj[:, None] * Ainv * Gj  # diag(G) A^-1 diag(G)
        C = np.diag(Gj) - B
        K = Gj[:, None] * (Ainv - AGA) * Gj
        return C, g_last * Ainv[-1] * Gj, K

    def _build_response(self):
        p = self.parasitics
        G = self.G
        m, n = self.shape
        inv = lambda r: 1.0 / r if r > 0 else math.inf  # noqa: E731
        g_row, g_drv = inv(p.row_segment), inv(p.row_segment + p.driver)
        g_col, g_last = inv(p.col_segment), inv(p.col_segment + p.sense)
        # Sweep from the open far end of the rows towards the drivers. After column j:
        # S (admittance of columns j.. seen from r_j), Y (outputs j.. as rows acting on r_j)
        # and Phi (their wire dissipation as a quadratic form in r_j).
        Y = np.empty((n, m))
        S, Y[-1], Phi = self._column_line(g_col, g_last, G[:, -1])
        for j in range(n - 2, -1, -1):
            C, a, K = self._column_line(g_col, g_last, G[:, j])
            if math.isinf(g_row):  # every row is one node: columns add in parallel
                S, Phi = C + S, K + Phi
            else:
                T, U = self._segment(g_row, S)  # r_{j+1} = T r_j, segment drop U r_j
                Y[j + 1:] = Y[j + 1:] @ T
                S = C + g_row * U  # g (I - T) = g S (gI + S)^-1, the segment in series
                Phi = K + g_row * (U @ U) + T @ Phi @ T
            Y[j] = a
        if math.isinf(g_drv):  # rows held at their source voltages
            self._M, self._Q = Y, Phi
        else:
            T, U = self._segment(g_drv, S)
            self._M = Y @ T
            self._Q = g_drv * (U @ U) + T @ Phi @ T
        self._Q = 0.5 * (self._Q + self._Q.T)

    @staticmethod
    def _segment(g, S):
        """``T = g (gI + S)^-1`` and ``U = I - T``, for a segment ``g`` feeding ``S``."""
        Z = _spd_inverse(S + g * np.eye(S.shape[0]))
        T = g * Z
        # S Z equals I - g Z; the product avoids the cancellation when g >> |S|.
        U = S @ Z
        return T, 0.5 * (U + U.T)

    def _exact(self, X):
        I = self._M @ X
        P = np.einsum("ik,ik->k", X, self._Q @ X)
        return I, P

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
