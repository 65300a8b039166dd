"""The read kernels: the ziggurat Gaussian, the fused read against NumPy, thread independence."""

import copy

import numba
import numpy as np
import pytest
from scipy import stats

from analoglinalg import Crossbar
from analoglinalg.crossbar import Periphery
from analoglinalg.crossbar._read import ZIGGURAT_X, add_noise, all_finite, read, read_constants


def _gaussians(shape, seed):
    z = np.zeros(shape, dtype=np.float32)
    add_noise(z, np.ones(shape[1]), seed)
    return z.astype(np.float64)


def test_ziggurat_table_has_equal_areas():
    """Every layer of the ziggurat has area V (Marsaglia & Tsang 2000): x_i (f(x_{i+1}) -
    f(x_i)) for the layers, and R f(R) + the tail integral for the base. The layers are
    built from V, so they match it to rounding; the base checks the published pair (R, V)
    to V's 12 digits, and the top layer, built last, collects their rounding (1e-9)."""
    x = ZIGGURAT_X
    f = np.exp(-0.5 * x**2)
    base = x[1] * f[1] + np.sqrt(2 * np.pi) * stats.norm.sf(x[1])
    layers = x[1:-1] * (f[2:] - f[1:-1])
    v = x[0] * f[1]
    np.testing.assert_allclose(layers[:-1], v, rtol=1e-13)
    np.testing.assert_allclose(base, v, rtol=1e-11)
    np.testing.assert_allclose(layers[-1], v, rtol=1e-8)
    assert x[-1] == 0.0 and np.all(np.diff(x[1:]) < 0)


def test_gaussian_distribution():
    """One million variates: chi-square over 100 equiprobable bins, the two moments within
    five standard errors, and the tail beyond R (its own code path) at 2 sf(R)."""
    z = _gaussians((1000, 1000), seed=123).ravel()
    n = z.size
    edges = stats.norm.ppf(np.linspace(0, 1, 101))
    counts = np.histogram(z, edges)[0]
    assert stats.chisquare(counts).pvalue > 1e-4
    assert abs(z.mean()) < 5 / np.sqrt(n)
    assert abs(z.var() - 1) < 5 * np.sqrt(2 / n)
    tail = np.count_nonzero(np.abs(z) > ZIGGURAT_X[1])
    expected = n * 2 * stats.norm.sf(ZIGGURAT_X[1])
    assert abs(tail - expected) < 5 * np.sqrt(expected)
    # a biased generator fails the same test: uniform variates of unit variance
    u = (np.random.default_rng(0).random(n) - 0.5) * np.sqrt(12)
    assert stats.chisquare(np.histogram(u, edges)[0]).pvalue < 1e-4


def test_gaussian_is_a_function_of_seed_and_position():
    a = _gaussians((300, 200), seed=7)
    b = _gaussians((300, 200), seed=7)
    c = _gaussians((300, 200), seed=8)
    np.testing.assert_array_equal(a, b)
    assert np.corrcoef(a.ravel(), c.ravel())[0, 1] < 0.01
    # output e = i k + j gets the variate of e whatever the array's shape
    np.testing.assert_array_equal(_gaussians((600, 100), seed=7).ravel(), a.ravel())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_all_finite(dtype):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 30)).astype(dtype)
    assert all_finite(X) and all_finite(X.T)
    for bad in (np.nan, np.inf, -np.inf):
        Y = X.copy()
        Y[rng.integers(40), rng.integers(30)] = bad
        assert not all_finite(Y) and not all_finite(Y.T)
    big = np.full((3, 3), np.finfo(dtype).max, dtype=dtype)
    assert all_finite(big)  # finite values whose sum overflows are still finite


@pytest.mark.parametrize("shape", [(40, 30, 1), (300, 256, 160)])  # serial and parallel
def test_read_equals_numpy_reference(shape):
    """The fused read against the periphery's steps written in NumPy (DAC, product, the same
    Gaussians scaled by the predicted deviation, input scale back), with the ADC off so the
    comparison is not at the mercy of a rounding tie."""
    m, n, k = shape
    rng = np.random.default_rng(1)
    W = (rng.standard_normal((m, n)) / 4).astype(np.float32)
    X = rng.standard_normal((n, k))
    row_scale = rng.uniform(0.5, 2.0, n)
    p = Periphery(adc_bits=None, out_bound=None)
    generator = np.random.default_rng(2)
    twin = copy.deepcopy(generator)
    out = np.zeros((m, k))
    retry, clipped, *_ = read(W, X, row_scale, read_constants(p, 0.01), generator, out)
    assert not retry and clipped == 0
    xs = X * row_scale[:, None]
    a = np.abs(xs).max(axis=0)
    xq = (np.rint((xs / a).astype(np.float32) * np.float32(127)) / np.float32(127))
    sd = np.sqrt(p.out_noise**2 + 0.01**2 * (xq.astype(np.float64) ** 2).sum(axis=0))
    z = _gaussians((m, k), twin.bit_generator.random_raw())
    ref = ((W @ xq).astype(np.float64) + sd * z) * a
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-5 * np.abs(ref).max())
    assert np.abs(out - ref).max() < 1e-3 * (sd * a).min()  # far below the noise itself


def test_reads_do_not_depend_on_thread_count():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((300, 300))
    X = rng.standard_normal((300, 200))
    results = []
    before = numba.get_num_threads()
    try:
        for threads in (1, before):
            numba.set_num_threads(threads)
            xb = Crossbar.from_matrix(A, program="open_loop", rng=4)
            results.append((xb @ X, xb.H @ X))
    finally:
        numba.set_num_threads(before)
    for a, b in zip(*results, strict=True):
        np.testing.assert_array_equal(a, b)


def test_bound_management_rereads_noisy_columns():
    """A column whose noisy output passes the bound is re-read with a halved input, and the
    re-read is on the ledger; the result stays within the noise of the exact product."""
    rng = np.random.default_rng(5)
    A = rng.standard_normal((20, 20))
    p = Periphery(dac_bits=None, adc_bits=None, out_bound=1.0, out_noise=0.01)
    xb = Crossbar.from_matrix(A, device="ideal", periphery=p, rng=6)
    X = np.ones((20, 3))
    Y = xb @ X
    assert xb.cost.n_reads > 3
    np.testing.assert_allclose(Y, xb.read() @ X, atol=0.1 * np.abs(A @ X).max())


def test_serial_and_parallel_noise_agree_bit_for_bit():
    """Large reads draw their noise on all of numba's threads: the same variates."""
    from analoglinalg.crossbar import _read

    rng = np.random.default_rng(8)
    y = rng.standard_normal((700, 90)).astype(np.float32)
    sd = rng.uniform(0.5, 2.0, 90).astype(np.float32)
    serial, parallel = y.copy(), y.copy()
    _read._add_noise_serial(serial, sd, np.uint64(9))
    _read._add_noise_parallel(parallel, sd, np.uint64(9))
    np.testing.assert_array_equal(serial, parallel)
    assert not np.array_equal(serial, y)
