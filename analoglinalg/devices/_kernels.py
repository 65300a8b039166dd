"""numba kernels that apply pulses to arrays of devices, with their NumPy references.

Random numbers come from a counter-based generator: the variate for (seed, stream, counter) is
a pure function of those three integers, so results do not depend on the number of threads
or the order in which ``prange`` visits devices. Each variate is a 4-term Irwin-Hall sum
rescaled to mean 0 and variance 1 (support +-2*sqrt(3)); the cycle-to-cycle noise of the
device models only needs its first two moments, and the sum costs one hash instead of a
logarithm and a cosine.
"""

import math

import numpy as np
from numba import prange

from .._lib._numba import jit, pjit

__all__ = [
    "counter_normal",
    "counter_normal_reference",
    "step_factor",
    "apply_pulses",
    "apply_pulses_reference",
]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_STREAM = np.uint64(0xD1B54A32D192ED03)
_MASK16 = np.uint64(0xFFFF)
_SQRT3 = math.sqrt(3.0)


@jit
def _mix64(z):
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@jit
def counter_normal(seed, stream, counter):
    """Standardised variate for ``(seed, stream, counter)``; all three are uint64."""
    h = _mix64(seed + _GOLDEN * (np.uint64(1) + counter) + _STREAM * stream)
    total = 0.0
    for shift in range(4):
        field = (h >> np.uint64(16 * shift)) & _MASK16
        total += (float(field) + 0.5) / 65536.0
    return (total - 2.0) * _SQRT3


def counter_normal_reference(seed, stream, counter):
    """NumPy reference of :func:`counter_normal` for arrays of streams and counters."""
    with np.errstate(over="ignore"):
        stream = np.asarray(stream, dtype=np.uint64)
        counter = np.asarray(counter, dtype=np.uint64)
        z = np.uint64(seed) + _GOLDEN * (np.uint64(1) + counter) + _STREAM * stream
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        h = z ^ (z >> np.uint64(31))
    total = np.zeros(np.broadcast(stream, counter).shape)
    for shift in range(4):
        total += (((h >> np.uint64(16 * shift)) & _MASK16).astype(float) + 0.5) / 65536.0
    return (total - 2.0) * _SQRT3


@jit
def _interp_nodes(nodes, w, w_min, w_max):
    n = nodes.size
    t = (w - w_min) / (w_max - w_min) * (n - 1)
    if t <= 0.0:
        return nodes[0]
    if t >= n - 1:
        return nodes[n - 1]
    k = int(t)
    frac = t - k
    return nodes[k] * (1.0 - frac) + nodes[k + 1] * frac


@jit
def step_factor(w, up, b_min, b_max, code, params, nodes_up, nodes_down):
    """``q_up(w)`` or ``q_down(w)`` of the response model encoded by ``code`` and ``params``."""
    if code == 1:
        if up:
            return np.float32(1.0) - params[0] * w / b_max
        return np.float32(1.0) - params[1] * w / b_min
    if code == 2:
        z = np.float32(2.0) * params[4] * w / (b_max - b_min) + params[5]
        if up:
            y = np.float32(1.0) - params[0] * np.exp(params[2] * z)
        else:
            y = np.float32(1.0) - params[1] * np.exp(-params[3] * z)
        return max(y, np.float32(0.0))
    if code == 3:
        omega = min(max((b_max - w) / (b_max - b_min), np.float32(0.0)), np.float32(1.0))
        if up:
            return omega ** params[0]
        return (np.float32(1.0) - omega) ** params[1]
    if code == 4:
        if up:
            return np.float32(_interp_nodes(nodes_up, w, b_min, b_max))
        return np.float32(_interp_nodes(nodes_down, w, b_min, b_max))
    return np.float32(1.0)


@pjit
def apply_pulses(weights, w_ref, dw_up, dw_down, b_min, b_max, n_pulses, code, params,
                 nodes_up, nodes_down, sigma, seed):
    """Apply ``n_pulses[i]`` pulses (sign = direction) one at a time to device ``i``, in place.

    The state is held as ``weights = w - w_ref`` (what an array reads against its reference
    device). All arrays are flat float32 of one length except ``n_pulses`` (int) and the model
    arrays. Each pulse moves ``w`` by ``+-dw * q(w) * (1 + sigma*xi)`` and clips it to the
    device's bounds; arithmetic is float32, as on the reference simulator.
    """
    sigma32 = np.float32(sigma)
    for i in prange(weights.size):
        n = n_pulses[i]
        if n == 0:
            continue
        up = n > 0
        dw = dw_up[i] if up else -dw_down[i]
        x = weights[i] + w_ref[i]
        lo = b_min[i]
        hi = b_max[i]
        for k in range(abs(n)):
            q = step_factor(x, up, lo, hi, code, params, nodes_up, nodes_down)
            noise = np.float32(1.0)
            if sigma32 != 0:
                noise = np.float32(1.0) + sigma32 * np.float32(
                    counter_normal(seed, np.uint64(i), np.uint64(k)))
            x = x + dw * q * noise
            x = min(max(x, lo), hi)
        weights[i] = x - w_ref[i]


def apply_pulses_reference(weights, w_ref, dw_up, dw_down, b_min, b_max, n_pulses, model,
                           sigma, seed):
    """NumPy reference of :func:`apply_pulses`, written from the device equations.

    Returns the new ``weights`` instead of updating in place.
    """
    w = (weights + w_ref).astype(np.float64)
    for i in range(w.size):
        n = int(n_pulses[i])
        lo, hi = float(b_min[i]), float(b_max[i])
        for k in range(abs(n)):
            if n > 0:
                step = dw_up[i] * model.q_up(w[i], lo, hi)
            else:
                step = -dw_down[i] * model.q_down(w[i], lo, hi)
            noise = 1.0 + sigma * counter_normal_reference(seed, i, k) if sigma else 1.0
            w[i] = np.float32(min(max(float(w[i] + step * noise), lo), hi))
    return (w.astype(np.float32) - w_ref).astype(np.float32)
