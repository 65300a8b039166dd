"""One place for numba compilation flags, so every kernel is compiled the same way.

``FASTMATH`` stays off: the device kernels must reproduce reference traces to float32
rounding, and the test suite compares kernels bit for bit with their NumPy references.
"""

import numba

__all__ = ["FASTMATH", "jit", "pjit"]

FASTMATH = False


def jit(func):
    """Serial nopython kernel, cached on disk."""
    return numba.njit(cache=True, nogil=True, fastmath=FASTMATH)(func)


def pjit(func):
    """Parallel nopython kernel (``prange`` over its outer loop), cached on disk."""
    return numba.njit(cache=True, nogil=True, parallel=True, fastmath=FASTMATH)(func)
