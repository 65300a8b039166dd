"""Validation and normal forms of the linear updates ``A <- theta*A + eta*H``."""

import numpy as np
import scipy.sparse as sp

from .._lib._validation import check_finite_array, check_scalar

__all__ = ["check_coefficients", "check_index", "check_update", "row_factors", "selection"]


def check_coefficients(theta, eta):
    """Both update coefficients as finite Python floats."""
    return float(check_scalar(theta, "theta")), float(check_scalar(eta, "eta"))


def check_update(H, shape, name="H"):
    """Normalise ``H`` to ``("dense", array)``, ``("sparse", csr)`` or ``("factored", (F, B))``.

    ``F @ B.T`` is the factored update. Raises before anything is changed.
    """
    m, n = shape
    if isinstance(H, tuple):
        if len(H) != 2:
            raise ValueError(f"{name} given as a tuple must be (H_f, H_b), got {len(H)} items")
        F = check_finite_array(H[0], f"{name}[0] (H_f)", ndim=2, dtype=np.float64)
        B = check_finite_array(H[1], f"{name}[1] (H_b)", ndim=2, dtype=np.float64)
        if F.shape[0] != m or B.shape[0] != n or F.shape[1] != B.shape[1]:
            raise ValueError(
                f"factored update H_f @ H_b.T needs H_f of shape ({m}, r) and H_b of shape "
                f"({n}, r), got {F.shape} and {B.shape}"
            )
        return "factored", (F, B)
    if sp.issparse(H):
        if H.shape != (m, n):
            raise ValueError(f"{name} must have shape {(m, n)}, got {H.shape}")
        if np.iscomplexobj(H.data):
            raise TypeError(f"{name} must be real, got dtype {H.dtype}")
        csr = sp.csr_array(H, dtype=np.float64)
        if not np.all(np.isfinite(csr.data)):
            raise ValueError(f"{name} must be finite, got NaN or infinite stored entries")
        return "sparse", csr
    return "dense", check_finite_array(H, name, ndim=2, shape=(m, n), dtype=np.float64)


def check_index(index, size, name):
    """A 1-D integer index array into ``range(size)`` (negative indices wrap)."""
    idx = np.asarray(index)
    if idx.ndim == 0:
        idx = idx[None]
    if idx.ndim != 1 or not (np.issubdtype(idx.dtype, np.integer) or idx.size == 0):
        raise TypeError(f"{name} must be an int or a 1-D array of ints, got {index!r}")
    idx = idx.astype(np.intp)
    if idx.size and (idx.min() < -size or idx.max() >= size):
        raise ValueError(f"{name} entries must lie in [{-size}, {size}), got {index!r}")
    return np.where(idx < 0, idx + size, idx)


def selection(index, size):
    """The sparse ``size x len(index)`` matrix whose columns are ``e_index``."""
    p = index.size
    return sp.csc_array((np.ones(p), (index, np.arange(p))), shape=(size, p))


def row_factors(kind, data, m):
    """Factors ``(F, B)`` with ``F @ B.T == H`` and ``F`` made of unit columns where possible.

    The analog accumulators apply one rank-1 pulse update per column, so a dense or sparse
    ``H`` is split into its non-zero rows: ``H = sum_i e_i H[i]``.
    """
    if kind == "factored":
        return data
    if kind == "sparse":
        rows = np.unique(data.nonzero()[0])
        return selection(rows, m), data[rows].toarray().T
    rows = np.flatnonzero(np.any(data != 0, axis=1))
    return selection(rows, m), data[rows].T

