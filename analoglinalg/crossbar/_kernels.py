"""numba kernels of the crossbar: pulse counts and coincidence updates, with NumPy references.

A cross-point that receives ``c`` pulses in one update does not need ``c`` random draws: for
the linear-step family (constant step, linear step, soft bounds) the state after ``c`` pulses
in one direction is ``w* + (w - w*) * prod_k (1 - r*(1 + sigma*xi_k))`` (``w* = b/gamma`` the
fixed point of the step, ``r = dw*gamma/|b|``), and for a constant step the total is a sum
of ``c`` noisy steps. One variate per touched cross-point reproduces the mean and variance of
the product's logarithm (of the sum, for constant steps) to first order in the step. Other
response families apply the pulses one at a time, as does ``exact=True`` (the reference).

The per-device loops call the aggregated step with scalars only and pass the response's
arrays just to the one-at-a-time path: a call that passes arrays costs a reference-count
increment and decrement per array, more than the aggregated step itself.
"""

import math

import numpy as np
from numba import prange

from .._lib._numba import jit, twins
from ..devices._kernels import _GOLDEN, _STREAM, _mix64, counter_normal, step_factor

__all__ = [
    "apply_counts",
    "apply_counts_batch",
    "coincidence_updates",
    "mean_field_batch",
    "pulses_needed",
    "stochastic_plan",
]

_LINEAR_FAMILY = (0, 1)
# Device visits below which a kernel runs serially: waking a thread team costs more than
# that much work (and far more on a loaded machine).
PARALLEL_WORK = 1 << 16
# The same for coincidence updates, counted in devices that receive pulses (each costs tens
# of nanoseconds of device arithmetic).
PARALLEL_PULSED = 1 << 14


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
    # exp(count (log(1 - r) - a^2 / 2) + sqrt(count) a xi) with a = r sigma / (1 - r), as
    # (1 - r)^count by squaring times the exponential of a small argument: the library
    # logarithm and exponential were most of an update's cost.
    a = r * sigma / (1.0 - r)
    factor = _power(1.0 - r, count) * _exp_small(a * (math.sqrt(count) * xi - 0.5 * count * a))
    return min(max(fixed + (x - fixed) * factor, lo), hi)


@jit
def _power(base, n):
    """``base ** n`` for an integer ``n >= 0``, by squaring (relative error ~ log2(n) ulp)."""
    result = 1.0
    while n > 0:
        if n & 1:
            result *= base
        base *= base
        n >>= 1
    return result


@jit
def _exp_small(z):
    """``exp(z)``; below 1e-2 in magnitude by its Taylor series (truncation < 1.4e-15)."""
    if abs(z) < 1e-2:
        return 1.0 + z * (1.0 + z * (0.5 + z * (1.0 / 6.0 + z * (1.0 / 24.0 + z / 120.0))))
    return math.exp(z)


@jit
def _linear_slopes(code, params, exact):
    """Whether the aggregated path applies, and the up/down slopes it needs."""
    if code == 1:
        return not exact, float(params[0]), float(params[1])
    return code == 0 and not exact, 0.0, 0.0


@jit
def _apply_counts_row(i, weights, w_ref, dw_up, dw_down, b_min, b_max, counts, code, params,
                      nodes_up, nodes_down, sigma, seed, exact, saturated):
    cols = weights.shape[1]
    linear, gamma_up, gamma_down = _linear_slopes(code, params, exact)
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
        x, stream = float(weights[i, j] + w_ref[i, j]), np.uint64(i * cols + j)
        if linear:
            x = _aggregated_pulses(x, abs(c), up, float(lo), float(hi), float(dw),
                                   gamma_up if up else gamma_down, sigma, seed, stream)
        else:
            x = _exact_pulses(x, abs(c), up, lo, hi, float(dw), code, params, nodes_up,
                              nodes_down, sigma, seed, stream)
        weights[i, j] = np.float32(x) - w_ref[i, j]
        if x <= lo or x >= hi:
            saturated[i] += 1


def _apply_counts_rows(weights, *args):
    for i in prange(weights.shape[0]):
        _apply_counts_row(i, weights, *args)


_apply_counts_serial, _apply_counts_parallel = twins(_apply_counts_rows)


def apply_counts(weights, w_ref, dw_up, dw_down, b_min, b_max, counts, code, params,
                 nodes_up, nodes_down, sigma, seed, exact):
    """Apply ``counts[i, j]`` signed pulses to each device of a 2-D array, in place.

    Returns the number of touched devices that ended at a bound.
    """
    saturated = np.zeros(weights.shape[0], dtype=np.int64)
    kernel = _apply_counts_parallel if weights.size > PARALLEL_WORK else _apply_counts_serial
    kernel(weights, w_ref, dw_up, dw_down, b_min, b_max, counts, code, params, nodes_up,
           nodes_down, sigma, seed, exact, saturated)
    return saturated.sum()


@jit
def _popcount(x):
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return int((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


# Batched updates: a batch of rank-1 updates applies its samples in order, each device seeing
# its own sequence, as consecutive single updates would apply them. Every kernel comes in a
# parallel and a serial build of the same per-row body; small batches take the serial one.

_INV_2_32 = 1.0 / 4294967296.0
_MASK32 = np.uint64(0xFFFFFFFF)


@jit
def _pulse_train(p, n_bits, seed, stream):
    """``n_bits`` Bernoulli(``p``) slots packed into a uint64, and how many fired."""
    word = np.uint64(0)
    fired = 0
    h = np.uint64(0)
    for t in range(n_bits):
        # One hash gives the 32-bit uniforms of two slots.
        if t % 2 == 0:
            h = _mix64(seed + _GOLDEN * (np.uint64(1) + np.uint64(t // 2)) + _STREAM * stream)
        else:
            h = h >> np.uint64(32)
        if (float(h & _MASK32) + 0.5) * _INV_2_32 < p:
            word |= np.uint64(1) << np.uint64(t)
            fired += 1
    return word, fired


@jit
def stochastic_plan(U, V, alpha, k, bit_length, dw_min, seed, n_tiles):
    """Cycles, bit lengths and packed pulse trains of a batch of stochastic updates.

    Sample ``b`` (needing ``k[b] > 0`` pulses on its busiest device) gets
    ``ceil(k / bit_length)`` cycles of ``min(ceil(k / cycles), bit_length)`` slots and the
    update management of :meth:`Crossbar.rank1_update`: row probabilities ``a |u_i|``,
    column probabilities ``b |v_j|`` with ``a b = |alpha| / (cycles * bits * dw_min)`` and
    ``a max|u| = b max|v|``. Slot ``t`` of a line fires when a 32-bit uniform of the
    counter-based generator (``seed``, one stream per cycle and line, counter ``t // 2``)
    is below its probability (an error below ``2**-32``).

    Returns ``(row_trains, col_trains, row_negative, col_negative, cycle_start, cycles,
    bits, line_pulses, meets, seeds)``: trains of shape ``(total cycles, m)`` and
    ``(total cycles, n)``, the pulse signs per sample, the first cycle of each sample
    (``B + 1`` entries), the pulses the trains hold, the number of (device, cycle) pairs
    whose row and column both fire (the work of the update kernel), and the pulse-noise
    seed of every tile and cycle, shape ``(n_tiles, total cycles)``, hashed from ``seed``.
    """
    n_samples, m = U.shape
    n = V.shape[1]
    cycles = np.empty(n_samples, dtype=np.int64)
    bits = np.empty(n_samples, dtype=np.int64)
    cycle_start = np.zeros(n_samples + 1, dtype=np.int64)
    for b in range(n_samples):
        cycles[b] = math.ceil(k[b] / bit_length)
        bits[b] = min(math.ceil(k[b] / cycles[b]), bit_length)
        cycle_start[b + 1] = cycle_start[b] + cycles[b]
    total = cycle_start[n_samples]
    row_trains = np.zeros((total, m), dtype=np.uint64)
    col_trains = np.zeros((total, n), dtype=np.uint64)
    row_negative = np.empty((n_samples, m), dtype=np.bool_)
    col_negative = np.empty((n_samples, n), dtype=np.bool_)
    line_pulses = 0
    meets = 0
    for b in range(n_samples):
        umax = 0.0
        for i in range(m):
            umax = max(umax, abs(U[b, i]))
            row_negative[b, i] = (U[b, i] < 0.0) != (alpha[b] < 0.0)
        vmax = 0.0
        for j in range(n):
            vmax = max(vmax, abs(V[b, j]))
            col_negative[b, j] = V[b, j] < 0.0
        gain = abs(alpha[b]) / (cycles[b] * bits[b] * dw_min)
        a = math.sqrt(gain * vmax / umax)
        c = math.sqrt(gain * umax / vmax)
        for s in range(cycle_start[b], cycle_start[b + 1]):
            rows_firing = 0
            for i in range(m):
                p = min(1.0, a * abs(U[b, i]))
                if p > 0.0:
                    row_trains[s, i], fired = _pulse_train(p, bits[b], seed,
                                                           np.uint64(s * (m + n) + i))
                    line_pulses += fired
                    rows_firing += row_trains[s, i] != 0
            cols_firing = 0
            for j in range(n):
                p = min(1.0, c * abs(V[b, j]))
                if p > 0.0:
                    col_trains[s, j], fired = _pulse_train(p, bits[b], seed,
                                                           np.uint64(s * (m + n) + m + j))
                    line_pulses += fired
                    cols_firing += col_trains[s, j] != 0
            meets += rows_firing * cols_firing
    seeds = np.empty((n_tiles, total), dtype=np.uint64)
    for t in range(n_tiles):
        for s in range(total):
            # Streams past the last line's: no pulse-train variate reuses these inputs.
            seeds[t, s] = _mix64(seed + _GOLDEN + _STREAM * np.uint64(total * (m + n)
                                                                     + t * total + s))
    return (row_trains, col_trains, row_negative, col_negative, cycle_start, cycles, bits,
            line_pulses, meets, seeds)


@jit
def pulses_needed(U, V, alpha, dw_min):
    """``|alpha_b| max|U[b]| max|V[b]| / dw_min`` per sample, in NumPy's order of operations."""
    k = np.empty(U.shape[0])
    for b in range(U.shape[0]):
        umax = 0.0
        for i in range(U.shape[1]):
            umax = max(umax, abs(U[b, i]))
        vmax = 0.0
        for j in range(V.shape[1]):
            vmax = max(vmax, abs(V[b, j]))
        k[b] = abs(alpha[b]) * umax * vmax / dw_min
    return k


@jit
def _active_columns(col_bits):
    """Per cycle, the columns whose train fires at all (the only ones a row can meet)."""
    n_cycles, cols = col_bits.shape
    index = np.empty((n_cycles, cols), dtype=np.int64)
    count = np.zeros(n_cycles, dtype=np.int64)
    for s in range(n_cycles):
        for j in range(cols):
            if col_bits[s, j] != 0:
                index[s, count[s]] = j
                count[s] += 1
    return index, count


@jit
def _coincidence_row(i, weights, w_ref, dw_up, dw_down, b_min, b_max, row_bits, col_bits,
                     row_negative, col_negative, cycle_start, seeds, code, params, nodes_up,
                     nodes_down, sigma, exact, col_index, col_count, pulses, saturated):
    cols = weights.shape[1]
    linear, gamma_up, gamma_down = _linear_slopes(code, params, exact)
    touched = np.zeros(cols, dtype=np.bool_)
    for b in range(cycle_start.size - 1):
        c0 = cycle_start[b]
        c1 = cycle_start[b + 1]
        single = c1 - c0 == 1
        negative = row_negative[b, i]
        n_pulses = 0
        n_saturated = 0
        several_hit = False
        for s in range(c0, c1):
            rb = row_bits[s, i]
            if rb == 0:
                continue
            seed = seeds[s]
            n_firing = col_count[s]
            sparse = n_firing < cols
            for k in range(n_firing):
                j = col_index[s, k] if sparse else k
                hits = rb & col_bits[s, j]
                if hits == 0:
                    continue
                c = _popcount(hits)
                n_pulses += c
                if not single:
                    touched[j] = True
                    several_hit = True
                up = negative == col_negative[b, j]
                dw = dw_up[i, j] if up else dw_down[i, j]
                if dw == 0.0:
                    continue
                lo = b_min[i, j]
                hi = b_max[i, j]
                ref = w_ref[i, j]
                x, stream = float(weights[i, j] + ref), np.uint64(i * cols + j)
                if linear:
                    x = _aggregated_pulses(x, c, up, float(lo), float(hi), float(dw),
                                           gamma_up if up else gamma_down, sigma, seed, stream)
                else:
                    x = _exact_pulses(x, c, up, lo, hi, float(dw), code, params, nodes_up,
                                      nodes_down, sigma, seed, stream)
                weights[i, j] = np.float32(x) - ref
                if single and (x <= lo or x >= hi):
                    n_saturated += 1
        # Over several cycles a device is judged once, by where the sample leaves it.
        if several_hit:
            for j in range(cols):
                if touched[j]:
                    touched[j] = False
                    w = weights[i, j] + w_ref[i, j]
                    if w <= b_min[i, j] or w >= b_max[i, j]:
                        n_saturated += 1
        pulses[i, b] += n_pulses
        saturated[i, b] += n_saturated


def _coincidence_rows(weights, w_ref, dw_up, dw_down, b_min, b_max, row_bits, col_bits,
                      row_negative, col_negative, cycle_start, seeds, code, params, nodes_up,
                      nodes_down, sigma, exact):
    col_index, col_count = _active_columns(col_bits)
    pulses = np.zeros((weights.shape[0], cycle_start.size - 1), dtype=np.int64)
    saturated = np.zeros_like(pulses)
    for i in prange(weights.shape[0]):
        _coincidence_row(i, weights, w_ref, dw_up, dw_down, b_min, b_max, row_bits, col_bits,
                         row_negative, col_negative, cycle_start, seeds, code, params,
                         nodes_up, nodes_down, sigma, exact, col_index, col_count, pulses,
                         saturated)
    return pulses.sum(), saturated.sum(axis=0)


_coincidence_serial, _coincidence_parallel = twins(_coincidence_rows)


def coincidence_updates(weights, w_ref, dw_up, dw_down, b_min, b_max, row_bits, col_bits,
                        row_negative, col_negative, cycle_start, seeds, code, params,
                        nodes_up, nodes_down, sigma, exact, meets=None):
    """A batch of stochastic-pulse rank-1 updates (Gokmen & Vlasov 2016), in place.

    Sample ``b`` uses the cycles ``cycle_start[b]:cycle_start[b + 1]`` of ``row_bits`` and
    ``col_bits`` (shape ``(cycles, rows)`` and ``(cycles, cols)``); cycle ``s`` draws its
    pulse noise from ``seeds[s]``. A device touched by a one-cycle sample is counted as
    saturated when the pulses leave it at a bound; over several cycles, when it ends the
    sample at a bound (as :meth:`Crossbar.rank1_update` counts). ``meets``, the devices
    whose row and column both fire summed over the cycles (counted here if None), picks
    the serial or the parallel build. Returns the device pulses (total) and the saturated
    devices per sample.
    """
    if meets is None:
        meets = np.count_nonzero(row_bits, axis=1) @ np.count_nonzero(col_bits, axis=1)
    kernel = _coincidence_parallel if meets > PARALLEL_PULSED else _coincidence_serial
    pulses, saturated = kernel(weights, w_ref, dw_up, dw_down, b_min, b_max, row_bits,
                               col_bits, row_negative, col_negative, cycle_start, seeds, code,
                               params, nodes_up, nodes_down, sigma, exact)
    return int(pulses), saturated


@jit
def _counts_row(i, weights, w_ref, dw_up, dw_down, b_min, b_max, U, V, alpha, dw_min, seeds,
                code, params, nodes_up, nodes_down, sigma, exact, pulses, saturated):
    cols = weights.shape[1]
    linear, gamma_up, gamma_down = _linear_slopes(code, params, exact)
    for b in range(U.shape[0]):
        a = alpha[b]
        ui = U[b, i]
        if a == 0.0 or ui == 0.0:
            continue
        for j in range(cols):
            c = int(np.rint(a * (ui * V[b, j]) / dw_min))
            if c == 0:
                continue
            pulses[i, b] += abs(c)
            up = c > 0
            dw = dw_up[i, j] if up else dw_down[i, j]
            if dw == 0.0:
                continue
            lo = b_min[i, j]
            hi = b_max[i, j]
            x, stream = float(weights[i, j] + w_ref[i, j]), np.uint64(i * cols + j)
            if linear:
                x = _aggregated_pulses(x, abs(c), up, float(lo), float(hi), float(dw),
                                       gamma_up if up else gamma_down, sigma, seeds[b], stream)
            else:
                x = _exact_pulses(x, abs(c), up, lo, hi, float(dw), code, params, nodes_up,
                                  nodes_down, sigma, seeds[b], stream)
            weights[i, j] = np.float32(x) - w_ref[i, j]
            if x <= lo or x >= hi:
                saturated[i, b] += 1


def _counts_rows(weights, *args):
    for i in prange(weights.shape[0]):
        _counts_row(i, weights, *args)


_counts_serial, _counts_parallel = twins(_counts_rows)


def apply_counts_batch(weights, w_ref, dw_up, dw_down, b_min, b_max, U, V, alpha, dw_min,
                       seeds, code, params, nodes_up, nodes_down, sigma, exact):
    """A batch of deterministic rank-1 updates (:func:`apply_counts`), in place.

    Sample ``b`` gives device ``(i, j)`` ``rint(alpha[b] * (U[b, i] * V[b, j]) / dw_min)``
    signed pulses, with pulse noise from ``seeds[b]``; the arithmetic is that of
    :meth:`Crossbar.rank1_update`. Returns the device pulses (total) and the saturated
    devices per sample.
    """
    rows, cols = weights.shape
    pulses = np.zeros((rows, U.shape[0]), dtype=np.int64)
    saturated = np.zeros((rows, U.shape[0]), dtype=np.int64)
    kernel = _counts_parallel if rows * cols * U.shape[0] > PARALLEL_WORK else _counts_serial
    kernel(weights, w_ref, dw_up, dw_down, b_min, b_max, U, V, alpha, float(dw_min), seeds,
           code, params, nodes_up, nodes_down, sigma, exact, pulses, saturated)
    return int(pulses.sum()), saturated.sum(axis=0)


@jit
def _mean_field_row(i, weights, w_ref, dw_up, dw_down, b_min, b_max, U, V, alpha, dw_min,
                    code, gamma_up, gamma_down, saturated):
    cols = weights.shape[1]
    for b in range(U.shape[0]):
        a = alpha[b]
        ui = U[b, i]
        for j in range(cols):
            w = weights[i, j] + w_ref[i, j]
            x = float(w)
            delta = a * (ui * V[b, j])
            if delta != 0.0:
                lo = b_min[i, j]
                hi = b_max[i, j]
                if dw_up[i, j] != 0.0 or dw_down[i, j] != 0.0:
                    # q(w) as LinearStep.q_up / q_down evaluate it (1 for a constant step)
                    if delta > 0.0:
                        q = 1.0 - gamma_up * x / float(hi) if code == 1 else 1.0
                        factor = q * float(dw_up[i, j]) / dw_min
                    else:
                        q = 1.0 - gamma_down * x / float(lo) if code == 1 else 1.0
                        factor = q * float(dw_down[i, j]) / dw_min
                    x = min(max(x + delta * factor, float(lo)), float(hi))
                if x <= lo or x >= hi:
                    saturated[i, b] += 1
            # Untouched devices too: the NumPy path rewrites every state each update.
            weights[i, j] = np.float32(x) - w_ref[i, j]


def _mean_field_rows(weights, *args):
    for i in prange(weights.shape[0]):
        _mean_field_row(i, weights, *args)


_mean_field_serial, _mean_field_parallel = twins(_mean_field_rows)


def mean_field_batch(weights, w_ref, dw_up, dw_down, b_min, b_max, U, V, alpha, dw_min,
                     code, gamma_up, gamma_down):
    """A batch of mean-field rank-1 updates (``Tile.mean_field_update``), in place.

    For the constant-step (``code`` 0) and linear-step (``code`` 1, slopes in float64)
    responses. Sample ``b`` adds ``delta = alpha[b] * (U[b, i] * V[b, j])`` times the
    device's expected response per pulse, ``q(w) dw / dw_min``, clipped to the bounds, in
    the float64 arithmetic of the NumPy path; every device's state is rewritten as
    ``float32(w) - w_ref`` as that path does. Returns the saturated devices per sample.
    """
    rows, cols = weights.shape
    saturated = np.zeros((rows, U.shape[0]), dtype=np.int64)
    kernel = (_mean_field_parallel if rows * cols * U.shape[0] > PARALLEL_WORK
              else _mean_field_serial)
    kernel(weights, w_ref, dw_up, dw_down, b_min, b_max, U, V, alpha, float(dw_min), code,
           float(gamma_up), float(gamma_down), saturated)
    return saturated.sum(axis=0)
