"""numba kernels of the crossbar: pulse counts and coincidence updates, with NumPy references.

A cross-point that receives ``c`` pulses in one update does not need ``c`` random draws: for
the linear-step family (constant step, linear step, soft bounds) the state after ``c`` pulses
in one direction is ``w* + (w - w*) * prod_k (1 - r*(1 + sigma*xi_k))`` (``w* = b/gamma`` the
fixed point of the step, ``r = dw*gamma/|b|``), and for a constant step the total is a sum
of ``c`` noisy steps. One variate per touched cross-point reproduces the mean and variance of
the product's logarithm (of the sum, for constant steps) to first order in the step. Other
response families apply the pulses one at a time, as does ``exact=True`` (the reference).
"""

import math

import numpy as np
from numba import prange

from .._lib._numba import jit, pjit
from ..devices._kernels import counter_normal, step_factor

__all__ = [
    "apply_counts",
    "coincidence_update",
    "pack_pulse_trains",
    "coincidence_counts_reference",
]

_LINEAR_FAMILY = (0, 1)


@jit
def _exact_pulses(x, count, up, lo, hi, dw, code, params, nodes_up, nodes_down, sigma, seed,
                  stream):
    """``count`` pulses applied one at a time (the reference path)."""
    sign = 1.0 if up else -1.0
    for k in range(count):
        q = step_factor(np.float32(x), up, lo, hi, code, params, nodes_up, nodes_down)
        noise = 1.0
        if sigma != 0.0:
            noise = 1.0 + sigma * counter_normal(seed, stream, np.uint64(k))
        x = min(max(x + sign * dw * q * noise, lo), hi)
    return x


@jit
def _aggregated_pulses(x, count, up, lo, hi, dw, gamma, sigma, seed, stream):
    """``count`` pulses of the linear-step family in one draw (see the module docstring)."""
    sign = 1.0 if up else -1.0
    bound = hi if up else lo
    xi = 0.0
    if sigma != 0.0:
        xi = counter_normal(seed, stream, np.uint64(0))
    if gamma == 0.0 or bound == 0.0 or (bound < 0.0) == up:
        spread = math.sqrt(count) * sigma * dw
        return min(max(x + sign * (count * dw + spread * xi), lo), hi)
    fixed = bound / gamma
    r = dw * gamma / abs(bound)
    if r >= 1.0:
        return min(max(fixed, lo), hi)
    log_mean = count * (math.log1p(-r) - 0.5 * (r * sigma / (1.0 - r)) ** 2)
    log_std = math.sqrt(count) * r * sigma / (1.0 - r)
    return min(max(fixed + (x - fixed) * math.exp(log_mean + log_std * xi), lo), hi)


@jit
def _linear_slopes(code, params, exact):
    """Whether the aggregated path applies, and the up/down slopes it needs."""
    if code == 1:
        return not exact, float(params[0]), float(params[1])
    return code == 0 and not exact, 0.0, 0.0


@jit
def _device_pulses(x, count, up, lo, hi, dw, linear, gamma, code, params, nodes_up,
                   nodes_down, sigma, seed, stream):
    """State after ``count`` pulses in one direction: aggregated or one at a time."""
    if linear:
        return _aggregated_pulses(x, count, up, float(lo), float(hi), dw, gamma, sigma, seed,
                                  stream)
    return _exact_pulses(x, count, up, lo, hi, dw, code, params, nodes_up, nodes_down, sigma,
                         seed, stream)


@pjit
def apply_counts(weights, w_ref, dw_up, dw_down, b_min, b_max, counts, code, params,
                 nodes_up, nodes_down, sigma, seed, exact):
    """Apply ``counts[i, j]`` signed pulses to each device of a 2-D array, in place.

    Returns the number of touched devices that ended at a bound.
    """
    rows, cols = weights.shape
    linear, gamma_up, gamma_down = _linear_slopes(code, params, exact)
    saturated = np.zeros(rows, dtype=np.int64)
    for i in prange(rows):
        for j in range(cols):
            c = counts[i, j]
            if c == 0:
                continue
            up = c > 0
            dw = dw_up[i, j] if up else dw_down[i, j]
            if dw == 0.0:
                continue
            lo = b_min[i, j]
            hi = b_max[i, j]
            x = _device_pulses(float(weights[i, j] + w_ref[i, j]), abs(c), up, lo, hi,
                               float(dw), linear, gamma_up if up else gamma_down, code, params,
                               nodes_up, nodes_down, sigma, seed, np.uint64(i * cols + j))
            weights[i, j] = np.float32(x) - w_ref[i, j]
            if x <= lo or x >= hi:
                saturated[i] += 1
    return saturated.sum()


@jit
def _popcount(x):
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return int((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@pjit
def coincidence_update(weights, w_ref, dw_up, dw_down, b_min, b_max, row_bits, col_bits,
                       row_negative, col_negative, code, params, nodes_up, nodes_down, sigma,
                       seed, exact):
    """Stochastic-pulse rank-1 update (Gokmen & Vlasov 2016), in place.

    ``row_bits[i]`` and ``col_bits[j]`` hold the pulse trains (one bit per slot); device
    ``(i, j)`` receives ``popcount(row_bits[i] & col_bits[j])`` pulses, up when the signs of
    its row and column agree (``row_negative[i] == col_negative[j]``), down otherwise.
    Returns ``(device pulses, devices saturated)``.
    """
    rows, cols = weights.shape
    linear, gamma_up, gamma_down = _linear_slopes(code, params, exact)
    pulses = np.zeros(rows, dtype=np.int64)
    saturated = np.zeros(rows, dtype=np.int64)
    for i in prange(rows):
        rb = row_bits[i]
        if rb == 0:
            continue
        for j in range(cols):
            c = _popcount(rb & col_bits[j])
            if c == 0:
                continue
            up = row_negative[i] == col_negative[j]
            dw = dw_up[i, j] if up else dw_down[i, j]
            pulses[i] += c
            if dw == 0.0:
                continue
            lo = b_min[i, j]
            hi = b_max[i, j]
            x = _device_pulses(float(weights[i, j] + w_ref[i, j]), c, up, lo, hi, float(dw),
                               linear, gamma_up if up else gamma_down, code, params, nodes_up,
                               nodes_down, sigma, seed, np.uint64(i * cols + j))
            weights[i, j] = np.float32(x) - w_ref[i, j]
            if x <= lo or x >= hi:
                saturated[i] += 1
    return pulses.sum(), saturated.sum()


def pack_pulse_trains(probabilities, bit_length, generator):
    """Bernoulli pulse trains packed into uint64: bit ``t`` of entry ``i`` fires with ``p_i``.

    Returns the packed trains and the total number of pulses they hold (line pulses).
    """
    fires = generator.random((probabilities.size, bit_length)) < probabilities[:, None]
    weights = np.left_shift(np.uint64(1), np.arange(bit_length, dtype=np.uint64))
    return (fires.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64), int(fires.sum())


def coincidence_counts_reference(row_bits, col_bits, row_negative, col_negative):
    """Signed pulse counts of :func:`coincidence_update`, by unpacking the bits in NumPy."""
    shifts = np.arange(64, dtype=np.uint64)
    rows = ((row_bits[:, None] >> shifts) & np.uint64(1)).astype(np.int64)
    cols = ((col_bits[:, None] >> shifts) & np.uint64(1)).astype(np.int64)
    counts = rows @ cols.T
    sign = np.where(row_negative[:, None] == col_negative[None, :], 1, -1)
    return counts * sign
