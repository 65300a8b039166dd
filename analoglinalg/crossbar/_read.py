"""numba kernels of the read path: input encoding, output noise and output digitisation.

A tile read (:func:`read`) is ``encode`` (noise management and DAC), the float32 BLAS
product, the output noise of :class:`Periphery` step 4 and ``digitize`` (output bound, ADC,
input scale back), each step one compiled pass (the noise of a large read on all of numba's
threads); every variate is a function of the read's seed and the output's index, so a read
does not depend on the number of threads. A single vector (a matvec) takes all the steps
in one compiled call whose loops vectorise, since there Python between the steps would cost
as much as the steps. A column that passes the output bound under bound management returns
to the caller, which re-reads it with the same steps (:func:`encode`, :func:`add_noise`,
:func:`digitize`).

The output noise is Gaussian: :func:`counter_gaussian` runs Marsaglia & Tsang's ziggurat
method (2000; Doornik's 2005 formulation, 256 layers) on a counter-based uniform
source, so the variate of output ``e`` of a read is a pure function of the read's seed and
``e``.
"""

import math

import numpy as np
from numba import prange

from .._lib._numba import jit, twins
from ..devices._kernels import _mix64

__all__ = ["ZIGGURAT_X", "add_noise", "all_finite", "counter_gaussian", "digitize", "encode",
           "read", "read_constants"]

# Outputs from which a read draws its noise on all of numba's threads (262,144 outputs: 0.40
# against 0.57 ms on two cores); below, waking the thread team costs more than it saves.
PARALLEL_OUTPUTS = 1 << 15

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_STREAM = np.uint64(0xD1B54A32D192ED03)
_TO_UNIT = 2.0 ** -53
_TO_UNIT32 = 2.0 ** -32

# Ziggurat of the standard normal with 256 layers (Marsaglia & Tsang 2000): ``R`` is the start
# of the tail, ``V`` the common area of the layers. ``ZIGGURAT_X[i]`` is the right edge of
# layer ``i`` (``ZIGGURAT_X[0] = V / f(R)``, the base layer's width with its tail folded in).
_LAYERS = 256
_R = 3.6541528853610088
_V = 4.92867323399e-3


def _ziggurat_table(n=_LAYERS, r=_R, v=_V):
    x = np.zeros(n + 1)
    f = math.exp(-0.5 * r * r)
    x[0] = v / f
    x[1] = r
    for i in range(2, n):
        x[i] = math.sqrt(-2.0 * math.log(v / x[i - 1] + f))
        f = math.exp(-0.5 * x[i] * x[i])
    return x


ZIGGURAT_X = _ziggurat_table()
# numba freezes global arrays into the kernels as constants.
_TABLE = ZIGGURAT_X.copy()
_RATIO = ZIGGURAT_X[1:] / ZIGGURAT_X[:-1]
_DENSITY = np.exp(-0.5 * ZIGGURAT_X ** 2)
_LAYER_MASK = np.uint64(_LAYERS - 1)


@jit
def _hash(seed, stream, counter):
    return _mix64(seed + _GOLDEN * (np.uint64(1) + counter) + _STREAM * stream)


@jit
def _unit(h):
    """The top 53 bits of ``h`` as a float in (0, 1)."""
    return (float(np.int64(h >> np.uint64(11))) + 0.5) * _TO_UNIT


@jit
def _ziggurat_edge(seed, stream, h):
    """The rare part of :func:`counter_gaussian`: wedges, the tail and new attempts."""
    attempt = np.uint64(0)
    while True:
        layer = int(h & _LAYER_MASK)
        u = 2.0 * _unit(h) - 1.0
        x = u * _TABLE[layer]
        if abs(u) < _RATIO[layer]:
            return x
        g = _hash(seed, stream, attempt + np.uint64(1))
        attempt += np.uint64(2)
        h = _hash(seed, stream, attempt)
        if layer == 0:
            # The tail beyond R (Marsaglia 1964): accept R + e with e ~ Exp(R) under the bound.
            e = -math.log((float(g >> np.uint64(32)) + 0.5) * _TO_UNIT32) / _R
            d = -math.log((float(g & np.uint64(0xFFFFFFFF)) + 0.5) * _TO_UNIT32)
            if 2.0 * d > e * e:
                return _R + e if u > 0.0 else -(_R + e)
            continue
        # A point under the layer's top edge, uniform in height: accept under the density.
        low, high = _DENSITY[layer], _DENSITY[layer + 1]
        if low + _unit(g) * (high - low) < math.exp(-0.5 * x * x):
            return x


@jit
def _rectangle_attempt(seed, stream):
    """The ziggurat's first attempt: its abscissa, and whether the rectangle test kept it."""
    h = _hash(seed, stream, np.uint64(0))
    layer = h & _LAYER_MASK
    u = 2.0 * _unit(h) - 1.0
    return u * _TABLE[layer], abs(u) < _RATIO[layer]


@jit
def counter_gaussian(seed, stream):
    """Standard normal variate for ``(seed, stream)`` (uint64), by the ziggurat method.

    Attempt ``t`` uses counter ``2 t`` for the layer and abscissa and ``2 t + 1`` for the
    wedge or tail test. The first attempt's rectangle test (about 99 % of variates) is kept
    apart from the rest, so the common case compiles to a few straight-line instructions.
    """
    variate, accept = _rectangle_attempt(seed, stream)
    if accept:
        return variate
    return _ziggurat_edge(seed, stream, _hash(seed, stream, np.uint64(0)))


@jit
def all_finite(X):
    """Whether every entry of the 2-D array ``X`` is finite.

    ``|x| < inf`` is false for NaN and for infinities; and-ing it keeps the loop free of
    branches (it vectorises, and needs no early exit for the common all-finite case).
    """
    n, k = X.shape
    finite = True
    if k == 1:
        # A column vector: one loop, or the inner loop of one element would not vectorise.
        for i in range(n):
            finite &= abs(X[i, 0]) < np.inf
        return finite
    for i in range(n):
        for j in range(k):
            finite &= abs(X[i, j]) < np.inf
    return finite


@jit
def _encode(X, row_scale, levels, xn, absmax, sumsq):
    """``xn = DAC(X * row_scale / absmax)`` in float32; returns the input activity ``sum|xn|``.

    ``absmax[j]`` becomes the largest ``|X[i, j] * row_scale[i]|`` (1 for a zero column),
    ``sumsq[j]`` the squared norm of ``xn[:, j]``; ``levels <= 0`` means no DAC rounding.
    """
    n, k = X.shape
    absmax[:] = 0.0
    for i in range(n):
        s = row_scale[i]
        for j in range(k):
            a = abs(X[i, j] * s)
            absmax[j] = a if a > absmax[j] else absmax[j]
    inverse = np.empty(k)
    for j in range(k):
        absmax[j] = absmax[j] if absmax[j] > 0.0 else 1.0
        inverse[j] = 1.0 / absmax[j]
    sumsq[:] = 0.0
    activity = np.zeros(k)
    for i in range(n):
        s = row_scale[i]
        for j in range(k):
            v = np.float32(X[i, j] * s * inverse[j])
            if levels > 0:
                v = np.float32(np.rint(v * levels)) / levels
            xn[i, j] = v
            sumsq[j] += float(v) * float(v)
            activity[j] += abs(float(v))
    return activity.sum()


def _add_noise_rows(y, sd, seed):
    """``y[i, j] += sd[j] * N(0, 1)`` in place, rows in parallel in the parallel build.

    Two passes per row so the common case vectorises: the first adds the variates that pass
    the ziggurat's rectangle test (branch-free) and marks the others, the second completes
    the marked outputs through the full method. Variate ``e`` depends only on the seed and
    ``e``, so both builds give the same result.
    """
    n, k = y.shape
    pending = np.empty((n, k), dtype=np.bool_)
    for i in prange(n):
        for j in range(k):
            variate, accept = _rectangle_attempt(seed, np.uint64(i * k + j))
            pending[i, j] = not accept
            v = y[i, j] + sd[j] * np.float32(variate)
            y[i, j] = v if accept else y[i, j]
        for j in range(k):
            if pending[i, j]:
                y[i, j] += sd[j] * np.float32(counter_gaussian(seed, np.uint64(i * k + j)))


_add_noise_serial, _add_noise_parallel = twins(_add_noise_rows)


@jit
def _column_maxima(y, colmax):
    """``colmax[j]`` rises to ``max_i |y[i, j]|``."""
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            a = abs(y[i, j])
            colmax[j] = a if a > colmax[j] else colmax[j]


@jit
def _add_vector_noise(y, sd, seed):
    """:func:`_add_noise_rows` for one column, whose inner loops would hold one element (a
    kernel of its own: inlined into :func:`_read_vector`, its first loop did not vectorise)."""
    pending = np.empty(y.shape[0], dtype=np.bool_)
    for i in range(y.shape[0]):
        variate, accept = _rectangle_attempt(seed, np.uint64(i))
        pending[i] = not accept
        v = y[i] + sd * np.float32(variate)
        y[i] = v if accept else y[i]
    for i in range(y.shape[0]):
        if pending[i]:
            y[i] += sd * np.float32(counter_gaussian(seed, np.uint64(i)))


@jit
def _digitize(y, bound, step, absmax, out):
    """``out += ADC(clip(y, bound)) * absmax`` per column; returns the clipped count.

    ``bound[j] <= 0`` means no output bound and ``step[j] <= 0`` no ADC rounding.
    """
    clipped = 0
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            v = y[i, j]
            if bound[j] > 0 and abs(v) > bound[j]:
                v = bound[j] if v > 0 else -bound[j]
                clipped += 1
            if step[j] > 0:
                v = np.float32(np.rint(v / step[j])) * step[j]
            out[i, j] += float(v) * absmax[j]
    return clipped


@jit
def _read_vector(W, x, row_scale, levels, var_out, var_dev, seed, bound, manage, adc_factor,
                 y, out):
    """All the steps of :func:`read` for one input vector (a matvec), in one compiled call.

    The same steps, variates and results as a one-column :func:`read`, with loops that
    vectorise over rows; ``x``, ``y`` (the analog outputs, written) and ``out`` are 1-D.
    ``y`` is the caller's, because returning a new array costs a call more than the
    compiled steps take for a 512-vector (numba unpickles the array type to box it).
    """
    n = x.shape[0]
    absmax = 0.0
    for i in range(n):
        a = abs(x[i] * row_scale[i])
        absmax = a if a > absmax else absmax
    absmax = absmax if absmax > 0.0 else 1.0
    inverse = 1.0 / absmax
    xn = np.empty(n, dtype=np.float32)
    sumsq = 0.0
    activity = 0.0
    # Three loops without a branch inside, so that each vectorises.
    for i in range(n):
        xn[i] = np.float32(x[i] * row_scale[i] * inverse)
    if levels > 0:
        for i in range(n):
            xn[i] = np.float32(np.rint(xn[i] * levels)) / levels
    for i in range(n):
        v = float(xn[i])
        sumsq += v * v
        activity += abs(v)
    np.dot(W, xn, y)
    m = y.shape[0]
    colmax = np.float32(0.0)
    if var_out > 0.0 or var_dev > 0.0:
        _add_vector_noise(y, np.float32(math.sqrt(var_out + var_dev * sumsq)), seed)
    if bound > 0.0:
        for i in range(m):
            a = abs(y[i])
            colmax = a if a > colmax else colmax
    clipped = 0
    if not (manage and colmax > bound):
        step = bound * adc_factor
        for i in range(m):
            v = y[i]
            if bound > 0 and abs(v) > bound:
                v = bound if v > 0 else -bound
                clipped += 1
            if step > 0:
                v = np.float32(np.rint(v / step)) * step
            out[i] += float(v) * absmax
    return manage and colmax > bound, clipped, activity


def read_constants(periphery, read_noise):
    """The periphery's settings in the form :func:`read` takes them (computed once a tile)."""
    p = periphery
    return (np.float32(0.0 if p.dac_bits is None else 2.0 ** (p.dac_bits - 1) - 1.0),
            float(p.out_noise) ** 2, float(read_noise) ** 2,
            np.float32(0.0 if p.out_bound is None else p.out_bound),
            p.out_bound is not None and p.bound_management and p.max_bound_retries > 0,
            np.float32(0.0 if p.adc_bits is None or p.out_bound is None
                       else 2.0 / (2.0 ** p.adc_bits - 1.0)))


def read(W, X, row_scale, constants, generator, out):
    """One analog read of ``W @ X``, added into ``out`` unless a column needs a re-read.

    ``row_scale`` is float64 (the crossbar keeps its scales so); ``constants`` come from
    :func:`read_constants`. Returns ``(retry, clipped, activity, y)``: with ``retry`` set
    nothing was added to ``out`` and ``y`` (the noisy analog outputs, shape ``(m, k)``) goes
    to the caller's bound management; ``clipped`` counts outputs clipped at the bound and
    ``activity`` is ``sum |xn|`` for the ledger.
    """
    levels, var_out, var_dev, bound, manage, adc_factor = constants
    seed = np.uint64(generator.bit_generator.random_raw() if var_out or var_dev else 0)
    if X.shape[1] == 1:
        y = np.empty((W.shape[0], 1), dtype=np.float32)
        retry, clipped, activity = _read_vector(W, X[:, 0], row_scale, levels, var_out,
                                                var_dev, seed, bound, manage, adc_factor,
                                                y[:, 0], out[:, 0])
        return retry, clipped, activity, y
    xn, absmax, sumsq, activity = encode(X, row_scale, levels)
    y = W @ xn
    if var_out or var_dev:
        colmax = add_noise(y, np.sqrt(var_out + var_dev * sumsq), seed)
    else:
        colmax = np.abs(y).max(axis=0) if bound > 0 else None
    if manage and np.any(colmax > bound):
        return True, 0, activity, y
    bounds = np.full(X.shape[1], bound)
    return False, _digitize(y, bounds, bounds * adc_factor, absmax, out), activity, y


def encode(X, row_scale, levels):
    """Noise management and DAC of a read's inputs (the first step of :func:`read`).

    ``levels`` is the DAC's largest code, ``2**(bits - 1) - 1`` as float32 (0: no DAC), as
    :func:`read_constants` gives it. Returns ``(xn, absmax, sumsq, activity)``: the DAC
    codes as float32 values in ``[-1, 1]``, the per-column input scale, the columns'
    squared norms and ``sum |xn|``.
    """
    n, k = X.shape
    xn = np.empty((n, k), dtype=np.float32)
    absmax = np.empty(k)
    sumsq = np.empty(k)
    activity = _encode(X, row_scale, levels, xn, absmax, sumsq)
    return xn, absmax, sumsq, float(activity)


def add_noise(y, sd, seed):
    """Add ``sd[j] * N(0, 1)`` to each output of column ``j`` in place; return column maxima."""
    noise = _add_noise_parallel if y.size >= PARALLEL_OUTPUTS else _add_noise_serial
    noise(y, sd.astype(y.dtype), np.uint64(seed))
    colmax = np.zeros(y.shape[1], dtype=y.dtype)
    _column_maxima(y, colmax)
    return colmax


def digitize(y, bound, step, absmax, out):
    """Clip to ``bound``, round to the ADC ``step`` and add ``y * absmax`` into ``out``.

    ``bound`` and ``step`` are per-column float32 arrays (zero: none). Returns the number of
    clipped outputs.
    """
    return int(_digitize(y, bound, step, absmax, out))
