"""Randomized range finder and randomized SVD (Halko, Martinsson & Tropp 2011)."""

import numbers

import numpy as np
import scipy.linalg

from .._lib._random import as_generator
from .._lib._validation import check_choice, check_scalar
from ._operand import as_operand, crossbar_cost

__all__ = ["randomized_range_finder", "randomized_svd"]

_NORMALIZERS = ("auto", "QR", "LU", "none")


def _resolve_normalizer(normalizer, n_iter, analog):
    """``'auto'``: QR on analog operands, otherwise scikit-learn's rule.

    Every analog pass adds read noise; only an orthonormal block keeps that noise from being
    amplified by the next pass, so analog operands always get QR.
    """
    if normalizer != "auto":
        return normalizer
    if analog:
        return "QR"
    return "none" if n_iter <= 2 else "LU"


def _normalize(Y, normalizer):
    if normalizer == "QR":
        return scipy.linalg.qr(Y, mode="economic", check_finite=False)[0]
    if normalizer == "LU":
        return scipy.linalg.lu(Y, permute_l=True, check_finite=False)[0]
    return Y


def _draw_test_matrix(op, size, generator):
    omega = generator.standard_normal((op.shape[1], size))
    if op.dtype == np.float32:
        omega = omega.astype(np.float32)
    return omega


def _range_finder(op, size, n_iter, normalizer, generator, Q0=None):
    """HMT Algorithm 4.4: subspace iteration, normalised after every pass."""
    Q = _draw_test_matrix(op, size, generator) if Q0 is None else Q0
    for _ in range(n_iter):
        Q = _normalize(op.matmat(Q), normalizer)
        Q = _normalize(op.rmatmat(Q), normalizer)
    return scipy.linalg.qr(op.matmat(Q), mode="economic", check_finite=False)[0]


def _svd_flip(U, Vt, u_based):
    """Make the largest-magnitude entry of each column of U (or row of Vt) positive."""
    if u_based:
        pick = U[np.argmax(np.abs(U), axis=0), np.arange(U.shape[1])]
    else:
        pick = Vt[np.arange(Vt.shape[0]), np.argmax(np.abs(Vt), axis=1)]
    signs = np.where(pick < 0, -1, 1).astype(U.dtype)
    return U * signs, Vt * signs[:, None]


def _check_n_iter(n_iter, allow_auto):
    if allow_auto and isinstance(n_iter, str):
        return check_choice(n_iter, "n_iter", ("auto",))
    return check_scalar(n_iter, "n_iter", kind=numbers.Integral, low=0)


def randomized_range_finder(A, size, *, n_iter, power_iteration_normalizer="auto", rng=None,
                            device=None, periphery=None, return_cost=False):
    """Orthonormal basis for the dominant range of ``A`` (randomized subspace iteration).

    Parameters
    ----------
    A : ndarray, sparse matrix, LinearOperator or Crossbar, shape (m, n)
        The matrix. Only block products ``A @ X`` and ``A.H @ X`` are used. A Crossbar's
        products are analog reads; an array is programmed onto a new crossbar first when
        ``device`` is given.
    size : int
        Number of test vectors, ``>= 1``; the basis has ``min(m, size)`` columns.
    n_iter : int
        Number of power (subspace) iterations, ``>= 0``.
    power_iteration_normalizer : {'auto', 'QR', 'LU', 'none'}, default='auto'
        How the block is normalised after every pass. ``'auto'`` is ``'QR'`` for an analog
        operand and scikit-learn's rule otherwise (``'none'`` if ``n_iter <= 2`` else
        ``'LU'``).
    rng : None, int, SeedSequence, Generator or RandomState, optional
        Source of the Gaussian test matrix (drawn first) and of the crossbar's randomness.
    device : str or Device, optional
        Program an array ``A`` onto a crossbar with this device before sketching.
    periphery : Periphery, optional
        The crossbar's periphery (requires ``device``).
    return_cost : bool, default=False
        Also return the CostLedger of the crossbar used (``None`` on the digital path).

    Returns
    -------
    Q : ndarray, shape (m, min(m, size))
        Orthonormal columns approximately spanning the dominant range of ``A``.
    cost : CostLedger or None
        Only with ``return_cost=True``.

    Raises
    ------
    ValueError
        If ``A`` is not 2-D or holds NaN/inf, ``size`` or ``n_iter`` is out of range, or the
        normaliser is unknown.
    TypeError
        If ``A`` is complex or not numeric.

    See Also
    --------
    randomized_svd : The SVD built on this basis.

    Notes
    -----
    With a Gaussian ``Omega`` (n x size) the block ``Y = A Omega`` is alternately multiplied by
    ``A.T`` and ``A`` ``n_iter`` times, normalising after each product; the basis is
    ``Q = qr(Y)`` (HMT Algorithm 4.4). Normalising after every pass matters twice over on
    analog hardware: unnormalised iteration loses every direction below ``eps**(1/(2q+1))``
    even in exact floating point, and each analog read adds noise relative to the input.

    References
    ----------
    .. [1] N. Halko, P. G. Martinsson, J. A. Tropp, "Finding structure with randomness:
       probabilistic algorithms for constructing approximate matrix decompositions",
       SIAM Review 53(2):217-288, 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.sketch import randomized_range_finder
    >>> rng = np.random.default_rng(0)
    >>> A = rng.standard_normal((50, 5)) @ rng.standard_normal((5, 40))
    >>> Q = randomized_range_finder(A, 5, n_iter=2, rng=1)
    >>> Q.shape
    (50, 5)
    >>> bool(np.linalg.norm(A - Q @ (Q.T @ A)) < 1e-10 * np.linalg.norm(A))
    True
    """
    return_cost = bool(return_cost)
    generator = as_generator(rng)
    check_choice(power_iteration_normalizer, "power_iteration_normalizer", _NORMALIZERS)
    n_iter = _check_n_iter(n_iter, allow_auto=False)
    size = check_scalar(size, "size", kind=numbers.Integral, low=1)
    op, xb = as_operand(A, device=device, periphery=periphery, generator=generator)
    normalizer = _resolve_normalizer(power_iteration_normalizer, n_iter, xb is not None)
    Q = _range_finder(op, size, n_iter, normalizer, generator)
    return (Q, crossbar_cost(xb)) if return_cost else Q


def _randomized_svd(op, n_components, n_oversamples, n_iter, normalizer, transpose, flip_sign,
                    generator, analog):
    m, n = op.shape
    if n_iter == "auto":
        n_iter = 7 if n_components < 0.1 * min(m, n) else 4
    if transpose == "auto":
        transpose = m < n
    if transpose:
        op = op.T
    normalizer = _resolve_normalizer(normalizer, n_iter, analog)
    Q = _range_finder(op, n_components + n_oversamples, n_iter, normalizer, generator)
    B = op.project(Q)
    Uhat, s, Vt = scipy.linalg.svd(B, full_matrices=False, lapack_driver="gesdd",
                                   check_finite=False)
    U = Q @ Uhat
    if flip_sign:
        U, Vt = _svd_flip(U, Vt, u_based=not transpose)
    if transpose:
        return Vt[:n_components].T, s[:n_components], U[:, :n_components].T
    return U[:, :n_components], s[:n_components], Vt[:n_components]


def randomized_svd(A, n_components, *, n_oversamples=10, n_iter="auto",
                   power_iteration_normalizer="auto", transpose="auto", flip_sign=True,
                   rng=None, device=None, periphery=None, return_cost=False):
    """Truncated SVD by randomized subspace iteration, on arrays, operators or crossbars.

    Parameters
    ----------
    A : ndarray, sparse matrix, LinearOperator or Crossbar, shape (m, n)
        The matrix. Only block products ``A @ X`` and ``A.H @ X`` are used. A Crossbar's
        products are analog reads; an array is programmed onto a new crossbar first when
        ``device`` is given.
    n_components : int
        Number of singular triplets, ``1 <= n_components <= min(m, n)``.
    n_oversamples : int, default=10
        Extra test vectors; the sketch has ``n_components + n_oversamples`` columns.
    n_iter : int or 'auto', default='auto'
        Power iterations; ``'auto'`` is 7 if ``n_components < 0.1 min(m, n)`` else 4
        (scikit-learn's rule).
    power_iteration_normalizer : {'auto', 'QR', 'LU', 'none'}, default='auto'
        See :func:`randomized_range_finder`; ``'auto'`` is ``'QR'`` on analog operands.
    transpose : bool or 'auto', default='auto'
        Work on ``A.T``; ``'auto'`` does so when ``m < n``.
    flip_sign : bool, default=True
        Apply scikit-learn's sign convention: the largest-magnitude entry of each left singular
        vector is positive (of each right singular vector when transposed).
    rng : None, int, SeedSequence, Generator or RandomState, optional
        Source of the Gaussian test matrix (drawn first) and of the crossbar's randomness.
    device : str or Device, optional
        Program an array ``A`` onto a crossbar with this device first.
    periphery : Periphery, optional
        The crossbar's periphery (requires ``device``).
    return_cost : bool, default=False
        Append the CostLedger of the crossbar used (``None`` on the digital path).

    Returns
    -------
    U : ndarray, shape (m, n_components)
        Left singular vectors.
    s : ndarray, shape (n_components,)
        Singular values, descending.
    Vt : ndarray, shape (n_components, n)
        Right singular vectors (rows).
    cost : CostLedger or None
        Only with ``return_cost=True``.

    Raises
    ------
    ValueError
        If ``n_components``/``n_oversamples``/``n_iter`` are out of range, the normaliser is
        unknown, or ``A`` is not 2-D or holds NaN/inf.
    TypeError
        If ``A`` is complex or not numeric.

    See Also
    --------
    randomized_range_finder : The basis this SVD is built on.
    AnalogTruncatedSVD : The same as a scikit-learn transformer.

    Notes
    -----
    The basis ``Q`` of :func:`randomized_range_finder` with ``k + p`` columns gives
    ``B = Q.T A`` (computed as ``(A.H Q).T``, one more block product), whose small SVD
    ``B = Uhat S Vt`` yields ``U = Q Uhat`` (HMT Algorithm 5.1). With a Gaussian test matrix,
    ``k >= 2`` and ``p >= 2``, HMT Theorems 10.5/10.6 bound the expected error; on a crossbar a
    read-noise floor adds to these bounds (see the user guide).

    With an ndarray and the same random draws the result equals
    ``sklearn.utils.extmath.randomized_svd``. The one deliberate difference: on an analog
    operand ``'auto'`` normalises by QR after every pass, where scikit-learn would use no
    normalisation for ``n_iter <= 2``.

    References
    ----------
    .. [1] N. Halko, P. G. Martinsson, J. A. Tropp, "Finding structure with randomness:
       probabilistic algorithms for constructing approximate matrix decompositions",
       SIAM Review 53(2):217-288, 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.sketch import randomized_svd
    >>> rng = np.random.default_rng(0)
    >>> A = rng.standard_normal((60, 8)) @ rng.standard_normal((8, 40))
    >>> U, s, Vt = randomized_svd(A, 8, rng=0)
    >>> U.shape, s.shape, Vt.shape
    ((60, 8), (8,), (8, 40))
    >>> bool(np.allclose(s, np.linalg.svd(A, compute_uv=False)[:8]))
    True
    """
    return_cost = bool(return_cost)
    flip_sign = bool(flip_sign)
    generator = as_generator(rng)
    n_components = check_scalar(n_components, "n_components", kind=numbers.Integral, low=1)
    n_oversamples = check_scalar(n_oversamples, "n_oversamples", kind=numbers.Integral, low=0)
    n_iter = _check_n_iter(n_iter, allow_auto=True)
    check_choice(power_iteration_normalizer, "power_iteration_normalizer", _NORMALIZERS)
    if not isinstance(transpose, (bool, np.bool_)):
        check_choice(transpose, "transpose", ("auto",))
    shape = getattr(A, "shape", None)
    if shape is not None and len(shape) == 2:
        _check_components(n_components, shape)
    op, xb = as_operand(A, device=device, periphery=periphery, generator=generator)
    _check_components(n_components, op.shape)
    U, s, Vt = _randomized_svd(op, n_components, n_oversamples, n_iter,
                               power_iteration_normalizer, transpose, flip_sign, generator,
                               analog=xb is not None)
    return (U, s, Vt, crossbar_cost(xb)) if return_cost else (U, s, Vt)


def _check_components(n_components, shape):
    limit = min(shape)
    if n_components > limit:
        raise ValueError(f"n_components must be <= min(A.shape) = {limit}, got {n_components}")
