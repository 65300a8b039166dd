"""numba kernels of the crossbar: pulse counts and coincidence updates, with NumPy references.

A cross-point that receives ``c`` pulses in one update does not need ``c`` random draws: for
the linear-step family (constant step, linear step, soft bounds) the state after ``c`` pulses
in one direction is ``w* + (w - w*) * prod_k (1 - r*(1 + sigma*xi_k))`` (``w* = b/gamma`` the
fixed point of the step, ``r = dw*gamma/|b|``), and for a constant step the total is a sum
of ``c`` noisy steps. One variate per touched cross-point reproduces the mean and variance of
the product's logarithm (of the sum, for constant steps) to first order in the step. Other
response families apply the pulses one at a time, as does ``exact=True`` (the reference).

Every kernel works a row at a time in three passes: queue the devices that receive pulses
(their signed counts and float32 parameters, copied into contiguous scratch), compute their
new states, store them. The middle pass is written without branches for the linear-step
family, so it runs in SIMD lanes: a 512x512 stochastic update runs 1.8x faster on one
thread than with a loop that visits each device once (interleaved comparison).
"""

import math

import numpy as np
from numba import prange

from .._lib._numba import inline, jit, twins
from ..devices._kernels import _GOLDEN, _STREAM, _mix64, counter_normal, step_factor

__all__ = [
    "apply_counts",
    "apply_counts_batch",
    "coincidence_updates",
    "mean_field_batch",
    "pulses_needed",
    "stochastic_plan",
]

# Device visits below which a kernel runs serially: waking a thread team costs more than
# that much work (and far more on a loaded machine).
PARALLEL_WORK = 1 << 16
# The same for coincidence updates, counted in devices that receive pulses (each costs a
# few nanoseconds of device arithmetic).
PARALLEL_PULSED = 1 << 14
# Row blocks a kernel hands out (each allocates its scratch once, not once per row).
ROW_CHUNKS = 64
# The aggregated step evaluates exp(z) by its series below this |z| and (1 - r)^count by
# seven squarings below this count; the few devices outside take the scalar path.
_SERIES_LIMIT = 1e-2
_SHORT_COUNT = 1 << 7


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


@inline
def _aggregated_pulses(x, count, up, lo, hi, dw, gamma, sigma, xi, short):
    """``count`` pulses of the linear-step family in one draw ``xi`` (module docstring).

    Returns the new state and the exponent ``z`` of the noise factor. Written without
    branches so that a loop over devices vectorises: ``short`` (a constant where it is
    inlined) takes ``exp(z)`` by its series and ``(1 - r)^count`` by seven squarings, which
    the caller may use only while ``|z| < _SERIES_LIMIT`` and ``count < _SHORT_COUNT``.
    """
    sign = 1.0 if up else -1.0
    bound = hi if up else lo
    root = math.sqrt(count)
    # No fixed point on this side (constant step): a sum of ``count`` noisy steps.
    summed = x + sign * (count * dw + root * sigma * dw * xi)
    fixed = bound / gamma
    r = dw * gamma / abs(bound)
    # exp(count (log(1 - r) - a^2 / 2) + sqrt(count) a xi) with a = r sigma / (1 - r), as
    # (1 - r)^count by squaring times the exponential of a small argument: the library
    # logarithm and exponential were most of an update's cost.
    a = r * sigma / (1.0 - r)
    z = a * (root * xi - 0.5 * count * a)
    growth = _exp_series(z) if short or abs(z) < _SERIES_LIMIT else math.exp(z)
    decayed = fixed + (x - fixed) * (_power(1.0 - r, count, 7 if short else 63) * growth)
    drifting = gamma == 0.0 or bound == 0.0 or (bound < 0.0) == up
    y = summed if drifting else (decayed if r < 1.0 else fixed)
    return min(max(y, lo), hi), (0.0 if drifting or r >= 1.0 else z)


@inline
def _power(base, n, steps):
    """``base ** n`` by squaring for ``0 <= n < 2**steps`` (relative error ~ steps ulp)."""
    result = 1.0
    for _ in range(steps):
        result *= base if n & 1 else 1.0
        base *= base
        n >>= 1
    return result


@inline
def _exp_series(z):
    """``exp(z)`` by its Taylor series: truncation below 1.4e-15 for ``|z| < 1e-2``."""
    return 1.0 + z * (1.0 + z * (0.5 + z * (1.0 / 6.0 + z * (1.0 / 24.0 + z / 120.0))))


@inline
def _variate(sigma, seed, stream):
    """The one pulse-noise draw of a device in an update (0 without pulse noise)."""
    xi = counter_normal(seed, stream, np.uint64(0))
    return xi if sigma != 0.0 else 0.0


@jit
def _linear_slopes(code, params, exact):
    """Whether the aggregated path applies, and the up/down slopes it needs."""
    if code == 1:
        return not exact, float(params[0]), float(params[1])
    return code == 0 and not exact, 0.0, 0.0


@jit
def _scratch(cols):
    """Block buffers: columns, signed counts, (state, step, lower, upper bound), results."""
    return (np.empty(cols, dtype=np.int64), np.empty(cols, dtype=np.int64),
            np.empty((4, cols), dtype=np.float32), np.empty(cols))


@jit
def _queue(i, j, c, n, weights, w_ref, dw_up, dw_down, b_min, b_max, columns, counts, values):
    """Put device ``(i, j)`` with ``c`` signed pulses at slot ``n``; the next free slot.

    The slot is written either way and kept only when the device moves (``c != 0`` and a
    non-zero step), so the loop that calls this has no data-dependent branch.
    """
    # Both steps are loaded so that the choice is a select, not a branch on the pulse sign.
    step_up = dw_up[i, j]
    step_down = dw_down[i, j]
    dw = step_up if c > 0 else step_down
    columns[n] = j
    counts[n] = c
    values[0, n] = weights[i, j] + w_ref[i, j]
    values[1, n] = dw
    values[2, n] = b_min[i, j]
    values[3, n] = b_max[i, j]
    return n + ((c != 0) & (dw != 0.0))


@jit
def _pulse_block(n, columns, counts, values, out, linear, gamma_up, gamma_down, code, params,
                 nodes_up, nodes_down, sigma, seed, first_stream):
    """New states of the ``n`` queued devices into ``out`` (device stream: first + column)."""
    if linear:
        short = True
        for t in range(n):
            short &= abs(counts[t]) < _SHORT_COUNT
        if short:
            for t in range(n):
                c = counts[t]
                up = c > 0
                out[t], z = _aggregated_pulses(
                    float(values[0, t]), abs(c), up, float(values[2, t]), float(values[3, t]),
                    float(values[1, t]), gamma_up if up else gamma_down, sigma,
                    _variate(sigma, seed, first_stream + np.uint64(columns[t])), True)
                short &= abs(z) < _SERIES_LIMIT
            if short:
                return
        for t in range(n):
            c = counts[t]
            up = c > 0
            out[t] = _aggregated_pulses(
                float(values[0, t]), abs(c), up, float(values[2, t]), float(values[3, t]),
                float(values[1, t]), gamma_up if up else gamma_down, sigma,
                _variate(sigma, seed, first_stream + np.uint64(columns[t])), False)[0]
        return
    for t in range(n):
        c = counts[t]
        out[t] = _exact_pulses(float(values[0, t]), abs(c), c > 0, values[2, t], values[3, t],
                               float(values[1, t]), code, params, nodes_up, nodes_down, sigma,
                               seed, first_stream + np.uint64(columns[t]))


@jit
def _store_block(i, n, columns, values, out, weights, w_ref):
    """Write the new states of a block; how many of its devices ended at a bound."""
    saturated = 0
    for t in range(n):
        j = columns[t]
        x = out[t]
        weights[i, j] = np.float32(x) - w_ref[i, j]
        saturated += (x <= values[2, t]) | (x >= values[3, t])
    return saturated


@jit
def _apply_counts_row(i, weights, w_ref, dw_up, dw_down, b_min, b_max, counts, code, params,
                      nodes_up, nodes_down, sigma, seed, exact, scratch):
    columns, signed, values, out = scratch
    linear, gamma_up, gamma_down = _linear_slopes(code, params, exact)
    n = 0
    for j in range(weights.shape[1]):
        n = _queue(i, j, counts[i, j], n, weights, w_ref, dw_up, dw_down, b_min, b_max,
                   columns, signed, values)
    _pulse_block(n, columns, signed, values, out, linear, gamma_up, gamma_down, code, params,
                 nodes_up, nodes_down, sigma, seed, np.uint64(i * weights.shape[1]))
    return _store_block(i, n, columns, values, out, weights, w_ref)


def _apply_counts_rows(weights, saturated, *args):
    rows, cols = weights.shape
    chunks = min(rows, ROW_CHUNKS)
    for chunk in prange(chunks):
        scratch = _scratch(cols)
        for i in range(chunk * rows // chunks, (chunk + 1) * rows // chunks):
            saturated[i] = _apply_counts_row(i, weights, *args, scratch)


_apply_counts_serial, _apply_counts_parallel = twins(_apply_counts_rows)


def apply_counts(weights, w_ref, dw_up, dw_down, b_min, b_max, counts, code, params,
                 nodes_up, nodes_down, sigma, seed, exact):
    """Apply ``counts[i, j]`` signed pulses to each device of a 2-D array, in place.

    Returns the number of touched devices that ended at a bound.
    """
    saturated = np.zeros(weights.shape[0], dtype=np.int64)
    kernel = _apply_counts_parallel if weights.size > PARALLEL_WORK else _apply_counts_serial
    kernel(weights, saturated, w_ref, dw_up, dw_down, b_min, b_max, counts, code, params,
           nodes_up, nodes_down, sigma, seed, exact)
    return saturated.sum()


@jit
def _popcount(x):
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


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
                     nodes_down, sigma, exact, col_index, col_count, pulses, saturated,
                     touched, scratch):
    columns, counts, values, out = scratch
    cols = weights.shape[1]
    linear, gamma_up, gamma_down = _linear_slopes(code, params, exact)
    first_stream = np.uint64(i * cols)
    for b in range(cycle_start.size - 1):
        c0 = cycle_start[b]
        c1 = cycle_start[b + 1]
        single = c1 - c0 == 1
        negative = row_negative[b, i]
        n_pulses = 0
        n_saturated = 0
        for s in range(c0, c1):
            rb = row_bits[s, i]
            if rb == 0:
                continue
            n_firing = col_count[s]
            sparse = n_firing < cols
            n = 0
            for k in range(n_firing):
                j = col_index[s, k] if sparse else k
                hits = _popcount(rb & col_bits[s, j])
                n_pulses += hits
                if not single:
                    touched[j] |= hits != 0
                n = _queue(i, j, hits if negative == col_negative[b, j] else -hits, n, weights,
                           w_ref, dw_up, dw_down, b_min, b_max, columns, counts, values)
            _pulse_block(n, columns, counts, values, out, linear, gamma_up, gamma_down, code,
                         params, nodes_up, nodes_down, sigma, seeds[s], first_stream)
            landed = _store_block(i, n, columns, values, out, weights, w_ref)
            if single:
                n_saturated += landed
        # Over several cycles a device is judged once, by where the sample leaves it.
        if not single and n_pulses > 0:
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
    rows, cols = weights.shape
    pulses = np.zeros((rows, cycle_start.size - 1), dtype=np.int64)
    saturated = np.zeros_like(pulses)
    chunks = min(rows, ROW_CHUNKS)
    for chunk in prange(chunks):
        scratch = _scratch(cols)
        touched = np.zeros(cols, dtype=np.bool_)
        for i in range(chunk * rows // chunks, (chunk + 1) * rows // chunks):
            _coincidence_row(i, weights, w_ref, dw_up, dw_down, b_min, b_max, row_bits,
                             col_bits, row_negative, col_negative, cycle_start, seeds, code,
                             params, nodes_up, nodes_down, sigma, exact, col_index, col_count,
                             pulses, saturated, touched, scratch)
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
                code, params, nodes_up, nodes_down, sigma, exact, pulses, saturated, scratch):
    columns, counts, values, out = scratch
    cols = weights.shape[1]
    linear, gamma_up, gamma_down = _linear_slopes(code, params, exact)
    for b in range(U.shape[0]):
        a = alpha[b]
        ui = U[b, i]
        if a == 0.0 or ui == 0.0:
            continue
        n = 0
        for j in range(cols):
            c = int(np.rint(a * (ui * V[b, j]) / dw_min))
            pulses[i, b] += abs(c)
            n = _queue(i, j, c, n, weights, w_ref, dw_up, dw_down, b_min, b_max, columns,
                       counts, values)
        _pulse_block(n, columns, counts, values, out, linear, gamma_up, gamma_down, code,
                     params, nodes_up, nodes_down, sigma, seeds[b], np.uint64(i * cols))
        saturated[i, b] += _store_block(i, n, columns, values, out, weights, w_ref)


def _counts_rows(weights, *args):
    rows, cols = weights.shape
    chunks = min(rows, ROW_CHUNKS)
    for chunk in prange(chunks):
        scratch = _scratch(cols)
        for i in range(chunk * rows // chunks, (chunk + 1) * rows // chunks):
            _counts_row(i, weights, *args, scratch)


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
