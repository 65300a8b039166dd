"""One place for numba compilation flags, so every kernel is compiled the same way.

``FASTMATH`` stays off: the device kernels must reproduce reference traces to float32
rounding, and the test suite compares kernels bit for bit with their NumPy references.
Division follows NumPy's error model (a zero divisor gives an infinity or NaN, no
exception): the kernels compute some quotients in lanes whose result they then discard, and
a check per division would keep such loops from vectorising.
"""

import types

import numba

__all__ = ["FASTMATH", "inline", "jit", "pjit", "twins"]

FASTMATH = False


def jit(func):
    """Serial nopython kernel, cached on disk."""
    return numba.njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")(func)


def inline(func):
    """Serial nopython kernel inlined into its callers by numba itself (before LLVM), so a
    constant argument prunes its branches and a loop that calls it can vectorise."""
    return numba.njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy",
                      inline="always")(func)


def pjit(func):
    """Parallel nopython kernel (``prange`` over its outer loop), cached on disk."""
    return numba.njit(cache=True, nogil=True, parallel=True, fastmath=FASTMATH,
                      error_model="numpy")(func)


def twins(func):
    """Serial and parallel compilations of ``func`` (``prange`` runs as ``range`` in the first).

    numba's disk cache keys a kernel by its qualified name and signature, not by its flags,
    so the serial twin is compiled from a copy under a name of its own: without it, one
    twin would load the other's machine code.
    """
    serial = types.FunctionType(func.__code__, func.__globals__, func.__name__,
                                func.__defaults__, func.__closure__)
    serial.__qualname__ = f"{func.__qualname__}_serial"
    return jit(serial), pjit(func)
