"""One view of every matrix the sketching routines accept.

The randomized algorithms touch their input only through block products ``A @ X`` and
``A.H @ X`` (RandLAPACK's design; numerics.md 2.6), so a dense array, a sparse matrix, a
:class:`scipy.sparse.linalg.LinearOperator` and a Crossbar all go through the same code. A
dense array keeps NumPy's own products, which makes the digital path bit-compatible with
scikit-learn's.
"""

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator

from .._lib._validation import check_finite_array

__all__ = ["Operand", "as_operand", "check_device_args", "crossbar_cost", "is_analog"]


def _crossbar_type():
    # Imported late: the crossbar package imports nothing from here, but keeping the
    # dependency at call time lets the digital path run without building a Crossbar.
    from ..crossbar import Crossbar

    return Crossbar


def is_analog(obj):
    """True when ``obj`` is a Crossbar (its products are analog reads)."""
    return isinstance(obj, _crossbar_type())


class Operand:
    """Block products with a matrix-like ``A`` (dense, sparse or operator).

    ``transposed=True`` gives the same object acting as ``A.T`` without copying, which is
    how ``transpose='auto'`` works on a Crossbar (its transposed read drives the other side).
    """

    def __init__(self, A, kind, transposed=False):
        self.A = A
        self.kind = kind
        self.transposed = transposed

    @property
    def shape(self):
        m, n = self.A.shape
        return (n, m) if self.transposed else (m, n)

    @property
    def dtype(self):
        return np.dtype(getattr(self.A, "dtype", np.float64))

    @property
    def T(self):
        return Operand(self.A, self.kind, not self.transposed)

    def _forward(self, X):
        if self.kind == "operator":
            return np.asarray(self.A.matmat(X))
        return self.A @ X

    def _backward(self, X):
        if self.kind == "operator":
            return np.asarray(self.A.rmatmat(X))
        return self.A.T @ X

    def matmat(self, X):
        """``op(A) @ X`` for a 2-D block ``X``."""
        out = self._backward(X) if self.transposed else self._forward(X)
        return np.asarray(out)

    def rmatmat(self, X):
        """``op(A).T @ X`` for a 2-D block ``X``."""
        out = self._forward(X) if self.transposed else self._backward(X)
        return np.asarray(out)

    def project(self, Q):
        """``Q.T @ op(A)``; the dense path keeps NumPy's operation order."""
        if self.kind == "dense":
            return Q.T @ (self.A.T if self.transposed else self.A)
        return self.rmatmat(Q).T


def check_device_args(A, device, periphery):
    """Refuse ``device``/``periphery`` when ``A`` is already an operator."""
    if (device is not None or periphery is not None) and isinstance(A, LinearOperator):
        raise ValueError(
            "device and periphery apply only when A is an array (it is then programmed onto a "
            f"crossbar); got A of type {type(A).__name__} together with device={device!r}"
        )
    if periphery is not None and device is None:
        raise ValueError("periphery was given without device; pass device as well")


def as_operand(A, name="A", *, generator, device=None, periphery=None):
    """Validate ``A`` and wrap it; program it onto a crossbar when ``device`` is given.

    Returns ``(operand, crossbar)`` where ``crossbar`` is the Crossbar the products run on
    (``None`` on the digital path). The crossbar gets a child spawned from ``generator``, so
    its randomness never shifts the caller's own draws, and the digital path leaves
    ``generator`` untouched.
    """
    check_device_args(A, device, periphery)
    if isinstance(A, LinearOperator):
        if len(A.shape) != 2:
            raise ValueError(f"{name} must be 2-D, got shape {A.shape}")
        if np.issubdtype(np.dtype(A.dtype), np.complexfloating):
            raise TypeError(f"{name} must be real, got dtype {A.dtype}")
        xb = A if is_analog(A) else None
        return Operand(A, "operator"), xb
    if sp.issparse(A):
        if A.ndim != 2:
            raise ValueError(f"{name} must be 2-D, got shape {A.shape}")
        if np.issubdtype(A.dtype, np.complexfloating):
            raise TypeError(f"{name} must be real, got dtype {A.dtype}")
        A = sp.csr_array(A, dtype=A.dtype if A.dtype.kind == "f" else np.float64)
        if not np.all(np.isfinite(A.data)):
            raise ValueError(f"{name} must be finite, got NaN or infinite entries")
        if device is not None:
            A = A.toarray()
        else:
            return Operand(A, "sparse"), None
    A = check_finite_array(A, name, ndim=2)
    if device is not None:
        from ..crossbar import Crossbar

        xb = Crossbar.from_matrix(A, device=device, periphery=periphery,
                                  rng=generator.spawn(1)[0])
        return Operand(xb, "operator"), xb
    return Operand(A, "dense"), None


def crossbar_cost(*crossbars):
    """The ledger of the crossbar(s) a call used (``None`` on the digital path)."""
    used = [xb for xb in crossbars if xb is not None]
    if not used:
        return None
    total = used[0].cost.copy()
    for xb in used[1:]:
        total.merge(xb.cost)
    return total
