"""Input validation: every public function checks its arguments here first.

Messages name the parameter, the constraint and the value received, and every check
runs before any state changes.
"""

import numbers

import numpy as np

__all__ = [
    "check_finite_array",
    "check_scalar",
    "check_choice",
    "check_vector",
]


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    return repr(value)


def check_scalar(value, name, *, kind=numbers.Real, low=None, high=None,
                 low_inclusive=True, high_inclusive=True, allow_none=False):
    """Validate a scalar parameter and return it as a Python number.

    Raises ``TypeError`` for the wrong type and ``ValueError`` for a non-finite value or a
    value outside ``[low, high]`` (bounds inclusive unless told otherwise).
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"{name} must be a {kind.__name__.lower()} number, got {_describe(value)}")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, numbers.Real) and not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        op = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {op} {low}, got {value!r}")
    if high is not None and (value > high or (value == high and not high_inclusive)):
        op = "<=" if high_inclusive else "<"
        raise ValueError(f"{name} must be {op} {high}, got {value!r}")
    return value


def check_choice(value, name, choices):
    """Validate that ``value`` is one of ``choices`` (strings compared exactly)."""
    if value not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {valid}, got {value!r}")
    return value


def check_finite_array(value, name, *, ndim=None, dtype=None, shape=None, copy=False):
    """Convert ``value`` to a real floating ndarray and check it.

    Raises ``TypeError`` for non-numeric or complex data, ``ValueError`` for a wrong number
    of dimensions, a wrong shape (``None`` entries in ``shape`` match anything) or NaN/inf.
    """
    if hasattr(value, "toarray") or hasattr(value, "tocsr"):
        raise TypeError(f"{name} must be a dense array, got a sparse matrix")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like, got {_describe(value)}") from exc
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number)
                                     or array.dtype == np.bool_):
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
    if np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real, got dtype {array.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            raise ValueError(
                f"{name} must have ndim in {allowed}, got an array of shape {array.shape}"
            )
    if shape is not None:
        if len(shape) != array.ndim or any(
            s is not None and s != a for s, a in zip(shape, array.shape, strict=True)
        ):
            want = tuple("*" if s is None else s for s in shape)
            raise ValueError(f"{name} must have shape {want}, got {array.shape}")
    target = dtype if dtype is not None else (
        array.dtype if np.issubdtype(array.dtype, np.floating) else np.float64
    )
    array = np.array(array, dtype=target, copy=True) if copy else np.asarray(array, dtype=target)
    if not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} must be finite, got {bad} NaN or infinite entries")
    return array


def check_vector(value, name, size, *, dtype=None):
    """A finite 1-D vector of length ``size`` (an ``(size, 1)`` column is flattened)."""
    array = check_finite_array(value, name, ndim=(1, 2), dtype=dtype)
    if array.ndim == 2:
        if array.shape[1] != 1:
            raise ValueError(f"{name} must be a vector of length {size}, got shape {array.shape}")
        array = array[:, 0]
    if array.shape[0] != size:
        raise ValueError(f"{name} must have length {size}, got {array.shape[0]}")
    return array
