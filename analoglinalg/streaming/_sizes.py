"""Sketch sizes for the three-sketch method and its a-priori error bound.

Real field throughout (``alpha = 1`` in the notation of Tropp, Yurtsever, Udell and Cevher,
SISC 2019); the complex-field rules differ only by ``alpha = 0``.
"""

import math
import numbers

import numpy as np
from scipy.optimize import brentq

from .._lib._validation import check_choice, check_finite_array, check_scalar

__all__ = ["min_storage", "sketch_sizes", "three_sketch_error_bound"]

_ALPHA = 1


def _check_shape(shape):
    if (not isinstance(shape, tuple) or len(shape) != 2
            or not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and d >= 1
                       for d in shape)):
        raise ValueError(f"shape must be a tuple of two positive integers, got {shape!r}")
    return int(shape[0]), int(shape[1])


def min_storage(shape, rank):
    """Smallest storage budget for which :func:`sketch_sizes` accepts ``rank``.

    Parameters
    ----------
    shape : tuple of int
        ``(m, n)``, the shape of the streamed matrix.
    rank : int
        Target rank ``r`` of the fixed-rank approximation.

    Returns
    -------
    int
        ``T_min = (r + 2)(m + n) + (2r + 5)**2``, the storage (in numbers) of the smallest
        sketch with ``k = r + 2`` and ``s = 2k + 1``.

    Raises
    ------
    ValueError
        If ``shape`` is not two positive integers or ``rank`` is not a positive integer.

    See Also
    --------
    sketch_sizes : The sizes themselves.

    Notes
    -----
    The rules of [1]_ need ``k >= r + alpha + 1`` and ``s >= 2k + alpha`` at the natural
    budget; with ``alpha = 1`` (real field) that is ``(r + 2)(m + n) + (2r + 5)**2``.

    References
    ----------
    .. [1] J. A. Tropp, A. Yurtsever, M. Udell and V. Cevher, "Streaming low-rank matrix
       approximation with an application to scientific simulation", SIAM J. Sci. Comput.
       41(4), A2430-A2463 (2019).

    Examples
    --------
    >>> from analoglinalg.streaming import min_storage
    >>> min_storage((1000, 1000), 10)
    24625
    """
    m, n = _check_shape(shape)
    rank = check_scalar(rank, "rank", kind=numbers.Integral, low=1)
    return _min_storage(m, n, rank)


def _min_storage(m, n, rank):
    return (rank + _ALPHA + 1) * (m + n) + (2 * rank + 3 * _ALPHA + 2) ** 2


def sketch_sizes(shape, rank, *, storage=None, rule="natural"):
    """Range/co-range size ``k`` and core size ``s`` of a three-sketch.

    Parameters
    ----------
    shape : tuple of int
        ``(m, n)``, the shape of the streamed matrix.
    rank : int
        Target rank ``r``.
    storage : int, optional
        Storage budget ``T`` in numbers (``k(m + n) + s**2`` is used). Without a budget the
        rank-only rule (eq. 5.3 of [1]_) applies.
    rule : {"natural", "flat"}, default "natural"
        How a budget is split: ``"natural"`` (eq. 5.6) takes the largest ``k`` with
        ``s ~ 2k + 1`` filling the budget, good for decaying spectra; ``"flat"`` (eq. 5.7)
        favours a larger core, good for flat spectral tails.

    Returns
    -------
    k : int
        Number of rows of the co-range sketch and columns of the range sketch.
    s : int
        Side of the core sketch.

    Raises
    ------
    ValueError
        If an argument is malformed, if ``storage`` is below :func:`min_storage`, or if the
        sizes do not fit the matrix (``s > min(m, n)``).

    See Also
    --------
    min_storage : The smallest admissible budget.
    ThreeSketch.from_rank : Builds a sketch with these sizes.

    Notes
    -----
    With ``alpha = 1``:

    * no budget (5.3): ``k = 4r + 1``, ``s = 2k + 1``;
    * natural (5.6): ``k = max(r + 2, floor((sqrt((m+n+4)**2 + 16(T-1)) - (m+n+4)) / 8))``,
      ``s = floor(sqrt(T - k(m+n)))``;
    * flat (5.7): ``k`` solves ``(T + s**2)(k**2 - r**2) = 2 r s**2 (s - k)`` with
      ``s**2 = T - k(m+n)``, rounded down and kept ``>= r + 2``; ``s = floor(sqrt(T - k(m+n)))``.

    References
    ----------
    .. [1] J. A. Tropp, A. Yurtsever, M. Udell and V. Cevher, "Streaming low-rank matrix
       approximation with an application to scientific simulation", SIAM J. Sci. Comput.
       41(4), A2430-A2463 (2019).

    Examples
    --------
    >>> from analoglinalg.streaming import sketch_sizes
    >>> sketch_sizes((1000, 1000), 10)
    (41, 83)
    >>> sketch_sizes((1000, 1000), 10, storage=46 * 2000)
    (42, 89)
    >>> sketch_sizes((1000, 1000), 10, storage=46 * 2000, rule="flat")
    (29, 184)
    """
    m, n = _check_shape(shape)
    rank = check_scalar(rank, "rank", kind=numbers.Integral, low=1)
    check_choice(rule, "rule", ("natural", "flat"))
    if storage is not None:
        storage = check_scalar(storage, "storage", kind=numbers.Integral)
        t_min = _min_storage(m, n, rank)
        if storage < t_min:
            raise ValueError(
                f"storage must be >= {t_min} (the minimum for rank {rank} and shape "
                f"{(m, n)}), got {storage}"
            )
    k, s = _sketch_sizes(m, n, rank, storage, rule)
    if s > min(m, n):
        raise ValueError(
            f"sketch sizes k={k}, s={s} do not fit shape {(m, n)}: need s <= {min(m, n)}; "
            f"lower rank or storage"
        )
    return k, s


def _sketch_sizes(m, n, rank, storage, rule):
    a = _ALPHA
    if storage is None:
        k = 4 * rank + a
        return k, 2 * k + a
    T = storage
    if rule == "natural":
        b = m + n + 4 * a
        k = int(math.floor((math.sqrt(b * b + 16 * (T - a * a)) - b) / 8))
    else:
        def balance(kk):
            s2 = T - kk * (m + n)
            return (T + s2) * (kk * kk - rank * rank) - 2 * rank * s2 * (math.sqrt(s2) - kk)

        # balance < 0 at k = r and > 0 where the core vanishes, so the root is bracketed.
        k_hi = T / (m + n)
        k = int(math.floor(brentq(balance, float(rank), k_hi, xtol=1e-10)))
    k = max(rank + a + 1, k)
    s = int(math.isqrt(T - k * (m + n)))
    return k, s


def three_sketch_error_bound(singular_values, k, s):
    """A-priori bound on the mean squared error of the three-sketch approximation.

    Parameters
    ----------
    singular_values : array_like of shape (p,)
        Singular values of the sketched matrix (any order; zeros may be omitted).
    k : int
        Range/co-range sketch size, ``k >= 2``.
    s : int
        Core sketch size, ``s >= k + 2``.

    Returns
    -------
    float
        ``(s - 1)/(s - k - 1) * min_{rho < k - 1} (k + rho - 1)/(k - rho - 1) * tau_{rho+1}**2``
        where ``tau_j**2 = sum_{i >= j} sigma_i**2``; it bounds ``E ||A - A_hat||_F**2`` for
        Gaussian test matrices.

    Raises
    ------
    ValueError
        If the singular values are not finite and non-negative or ``k``, ``s`` are too small.

    See Also
    --------
    ThreeSketch.reconstruct : The approximation the bound is about.

    Notes
    -----
    Theorem 5.1 of [1]_ in the real field. For the rank-``r`` truncation it implies
    ``E ||A - [[A_hat]]_r||_F <= tau_{r+1} + 2 sqrt(bound)``.

    References
    ----------
    .. [1] J. A. Tropp, A. Yurtsever, M. Udell and V. Cevher, "Streaming low-rank matrix
       approximation with an application to scientific simulation", SIAM J. Sci. Comput.
       41(4), A2430-A2463 (2019).

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.streaming import three_sketch_error_bound
    >>> sv = 1.0 / np.arange(1, 101)
    >>> round(three_sketch_error_bound(sv, 10, 21), 4)
    1.0955
    """
    sv = check_finite_array(singular_values, "singular_values", ndim=1)
    if np.any(sv < 0):
        raise ValueError("singular_values must be non-negative, got a negative entry")
    k = check_scalar(k, "k", kind=numbers.Integral, low=_ALPHA + 1)
    s = check_scalar(s, "s", kind=numbers.Integral, low=k + _ALPHA + 1)
    sq = np.sort(np.asarray(sv, dtype=np.float64) ** 2)[::-1]
    # tail[j] = tau_{j+1}^2 = sum_{i > j} sigma_i^2 (1-based i).
    tail = np.concatenate([np.cumsum(sq[::-1])[::-1], [0.0]])
    rho = np.arange(0, k - _ALPHA)
    tau2 = tail[np.minimum(rho, tail.size - 1)]
    factor = (k + rho - _ALPHA) / (k - rho - _ALPHA)
    return float((s - _ALPHA) / (s - k - _ALPHA) * np.min(factor * tau2))
