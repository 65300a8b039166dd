"""Synthetic matrices with controlled spectra, as in the experiments of Tropp et al. (2019)."""

import numbers

import numpy as np
import scipy.sparse as sp

from .._lib._random import as_generator
from .._lib._validation import check_choice, check_scalar

__all__ = ["make_test_matrix"]

_LEVELS = {
    "lowrank": {"low": 1e-4, "med": 1e-2, "high": 1e-1},
    "polydecay": {"slow": 0.5, "med": 1.0, "fast": 2.0},
    "expdecay": {"slow": 0.01, "med": 0.1, "fast": 0.5},
}


def make_test_matrix(kind, n, *, effective_rank=10, level="med", param=None, rng=None):
    """One of the three synthetic test families of Tropp, Yurtsever, Udell and Cevher.

    Parameters
    ----------
    kind : {"lowrank", "polydecay", "expdecay"}
        ``"lowrank"``: ``diag(1, ..., 1, 0, ..., 0) + (xi/n) G G^T`` with ``G`` an ``n x n``
        standard normal matrix (a dense PSD matrix). ``"polydecay"``:
        ``diag(1, ..., 1, 2**-p, 3**-p, ..., (n-R+1)**-p)``. ``"expdecay"``:
        ``diag(1, ..., 1, 10**-q, 10**-2q, ..., 10**-(n-R)q)``. ``R`` ones in each case.
    n : int
        Side of the square matrix.
    effective_rank : int, default 10
        Number ``R`` of unit singular values, ``1 <= R <= n``.
    level : str, default "med"
        Named parameter value: ``"low"``, ``"med"``, ``"high"`` noise ``xi`` = 1e-4, 1e-2, 1e-1
        for ``"lowrank"``; ``"slow"``, ``"med"``, ``"fast"`` decay ``p`` = 0.5, 1, 2 or
        ``q`` = 0.01, 0.1, 0.5 for the decay families. Ignored when ``param`` is given.
    param : float, optional
        The noise level ``xi`` or decay rate ``p`` / ``q`` itself (positive).
    rng : None, int, SeedSequence or Generator, optional
        Randomness for ``"lowrank"`` (the decay families are deterministic).

    Returns
    -------
    A : ndarray or scipy.sparse.dia_array of shape (n, n)
        Dense for ``"lowrank"``; a sparse diagonal array for the decay families, so that
        sketching a large one costs ``O(n)`` per test-matrix row.
    singular_values : ndarray of shape (n,)
        The singular values of ``A`` in decreasing order (exact for the decay families,
        computed with :func:`numpy.linalg.eigvalsh` for ``"lowrank"``).

    Raises
    ------
    ValueError
        For an unknown ``kind`` or ``level``, or sizes out of range.

    See Also
    --------
    ThreeSketch : The sketch these matrices exercise.

    References
    ----------
    .. [1] J. A. Tropp, A. Yurtsever, M. Udell and V. Cevher, "Streaming low-rank matrix
       approximation with an application to scientific simulation", SIAM J. Sci. Comput.
       41(4), A2430-A2463 (2019), Section 7.

    Examples
    --------
    >>> from analoglinalg.streaming import make_test_matrix
    >>> A, sv = make_test_matrix("polydecay", 100, effective_rank=5)
    >>> A.shape, [round(float(x), 3) for x in sv[4:7]]
    ((100, 100), [1.0, 0.5, 0.333])
    """
    check_choice(kind, "kind", tuple(_LEVELS))
    n = check_scalar(n, "n", kind=numbers.Integral, low=1)
    effective_rank = check_scalar(effective_rank, "effective_rank", kind=numbers.Integral,
                                  low=1, high=n)
    if param is None:
        check_choice(level, "level", tuple(_LEVELS[kind]))
        param = _LEVELS[kind][level]
    else:
        param = check_scalar(param, "param", low=0, low_inclusive=False)
    generator = as_generator(rng) if kind == "lowrank" else None
    return _make_test_matrix(kind, n, effective_rank, param, generator)


def _make_test_matrix(kind, n, R, param, generator):
    if kind == "lowrank":
        G = generator.standard_normal((n, n))
        A = (param / n) * (G @ G.T)
        A[np.arange(R), np.arange(R)] += 1.0
        sv = np.sort(np.abs(np.linalg.eigvalsh(A)))[::-1]
        return A, sv
    tail = np.arange(1, n - R + 1, dtype=np.float64)
    if kind == "polydecay":
        tail = (tail + 1.0) ** (-param)
    else:
        tail = 10.0 ** (-param * tail)
    sv = np.concatenate([np.ones(R), tail])
    return sp.dia_array((sv[None, :], [0]), shape=(n, n)), sv
