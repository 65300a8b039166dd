"""Nystrom eigendecomposition of a positive semidefinite matrix."""

import numbers

import numpy as np
import scipy.linalg

from .._lib._random import as_generator
from .._lib._validation import check_scalar
from ._operand import as_operand, crossbar_cost

__all__ = ["randomized_eigh"]


def _nystrom(op, n_components, size, generator):
    """Stable shifted Nystrom (Tropp, Yurtsever, Udell & Cevher 2017, Alg. 3)."""
    n = op.shape[0]
    # An orthonormal test matrix gives the same Nystrom approximation as the Gaussian one
    # (it is invariant under Omega -> Omega T) and the best-conditioned analog inputs.
    omega = scipy.linalg.qr(generator.standard_normal((n, size)), mode="economic",
                            check_finite=False)[0]
    Y = np.asarray(op.matmat(omega), dtype=np.float64)
    core = omega.T @ Y
    # The shift keeps the Cholesky factor well conditioned. eps ||Y|| absorbs rounding (as in
    # the paper). On a noisy operator two more terms: the exact core Omega.T A Omega is
    # symmetric, so its antisymmetric part measures the noise in Y, and -lambda_min covers
    # noise that made the symmetrised core indefinite. Omega.T Omega = I, so the shift adds
    # exactly nu I to the core and is removed from the eigenvalues at the end.
    asym = np.linalg.norm(core - core.T, 2)
    core = 0.5 * (core + core.T)
    lam_min = scipy.linalg.eigvalsh(core, subset_by_index=[0, 0], check_finite=False)[0]
    nu = np.finfo(np.float64).eps * np.linalg.norm(Y, 2) + asym + max(0.0, -lam_min)
    C = scipy.linalg.cholesky(core + nu * np.eye(size), lower=False, check_finite=False)
    F = scipy.linalg.solve_triangular(C, (Y + nu * omega).T, trans="T", check_finite=False).T
    U, s, _ = scipy.linalg.svd(F, full_matrices=False, check_finite=False)
    w = np.maximum(s[:n_components] ** 2 - nu, 0.0)
    V = U[:, :n_components]
    pick = V[np.argmax(np.abs(V), axis=0), np.arange(n_components)]
    return w, V * np.where(pick < 0, -1.0, 1.0)


def randomized_eigh(A, n_components, *, n_oversamples=10, rng=None, device=None,
                    periphery=None, return_cost=False):
    """Leading eigenpairs of a symmetric positive semidefinite matrix by a Nystrom sketch.

    Parameters
    ----------
    A : ndarray, sparse matrix, LinearOperator or Crossbar, shape (n, n)
        Symmetric positive semidefinite matrix. Only one block product ``A @ Omega`` is used
        (a single pass). An array is programmed onto a new crossbar first when ``device`` is
        given.
    n_components : int
        Number of eigenpairs, ``1 <= n_components <= n``.
    n_oversamples : int, default=10
        Extra test vectors; the sketch has ``min(n, n_components + n_oversamples)`` columns.
    rng : None, int, SeedSequence, Generator or RandomState, optional
        Source of the test matrix (drawn first) and of the crossbar's randomness.
    device : str or Device, optional
        Program an array ``A`` onto a crossbar with this device first.
    periphery : Periphery, optional
        The crossbar's periphery (requires ``device``).
    return_cost : bool, default=False
        Append the CostLedger of the crossbar used (``None`` on the digital path).

    Returns
    -------
    w : ndarray, shape (n_components,)
        Eigenvalue estimates, descending, non-negative.
    V : ndarray, shape (n, n_components)
        Orthonormal eigenvector estimates (largest-magnitude entry of each positive).
    cost : CostLedger or None
        Only with ``return_cost=True``.

    Raises
    ------
    ValueError
        If ``A`` is not square (or a dense ``A`` not symmetric), holds NaN/inf, or
        ``n_components``/``n_oversamples`` are out of range.

    See Also
    --------
    randomized_svd : For general (non-PSD) matrices.

    Notes
    -----
    With ``Y = A Omega`` (``Omega`` orthonormal, ``n x l``) the Nystrom approximation is
    ``A_nys = Y (Omega.T Y)^+ Y.T``. It is computed stably: shift ``Y_nu = Y + nu Omega``, take
    the Cholesky factor ``C`` of ``Omega.T Y_nu``, the SVD ``Y_nu C^-1 = U Sigma V.T``, and
    return ``U`` with ``max(Sigma^2 - nu, 0)``. The shift ``nu`` is ``eps ||Y||_2`` plus, on a
    noisy operator, the norm of the core's antisymmetric part (an estimate of the read noise,
    since ``Omega.T A Omega`` is symmetric) and whatever makes the symmetrised core positive
    definite; eigenvalues below ``nu`` are indistinguishable from noise and come out as 0.
    For a Gaussian test matrix the fixed-rank approximation satisfies
    ``E||A - [A_nys]_r||_* <= (1 + r/(l - r - 1)) ||A - [A]_r||_*`` (Schatten-1).

    References
    ----------
    .. [1] J. A. Tropp, A. Yurtsever, M. Udell, V. Cevher, "Fixed-rank approximation of a
       positive-semidefinite matrix from streaming data", NeurIPS 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.sketch import randomized_eigh
    >>> rng = np.random.default_rng(0)
    >>> G = rng.standard_normal((100, 5))
    >>> w, V = randomized_eigh(G @ G.T, 5, rng=1)
    >>> bool(np.allclose(w, np.linalg.eigvalsh(G @ G.T)[::-1][:5]))
    True
    """
    return_cost = bool(return_cost)
    generator = as_generator(rng)
    n_components = check_scalar(n_components, "n_components", kind=numbers.Integral, low=1)
    n_oversamples = check_scalar(n_oversamples, "n_oversamples", kind=numbers.Integral, low=0)
    shape = getattr(A, "shape", None)
    if shape is not None and (len(shape) != 2 or shape[0] != shape[1]):
        raise ValueError(f"A must be a square 2-D matrix, got shape {shape}")
    if shape is not None and n_components > shape[0]:
        raise ValueError(f"n_components must be <= A.shape[0] = {shape[0]}, got {n_components}")
    if isinstance(A, np.ndarray) and A.dtype.kind in "fiu" and np.all(np.isfinite(A)):
        scale = np.linalg.norm(A, 1)
        if np.linalg.norm(A - A.T, 1) > 100 * A.shape[0] * np.finfo(np.float64).eps * scale:
            raise ValueError("A must be symmetric, got a dense array with A != A.T")
    op, xb = as_operand(A, device=device, periphery=periphery, generator=generator)
    size = min(op.shape[0], n_components + n_oversamples)
    w, V = _nystrom(op, n_components, size, generator)
    return (w, V, crossbar_cost(xb)) if return_cost else (w, V)
