"""The sketching routines on crossbars: the ideal device reproduces the digital path, the
realistic protonic device stays within HMT bounds plus a noise floor from its read model."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from analoglinalg import Crossbar
from analoglinalg.crossbar import CostLedger, Periphery
from analoglinalg.sketch import (
    AnalogSketch,
    AnalogTruncatedSVD,
    randomized_eigh,
    randomized_range_finder,
    randomized_svd,
    sketch_lstsq,
    sketch_precondition_lstsq,
)

# float32 storage on the ideal crossbar: products carry ~1e-7 relative rounding, amplified
# at most by the gap ratio of the recovered subspaces (here sigma_1/sigma_{k+1} ~ 1e2).
F32 = 1e-4


def _rotated(spectrum, m, seed):
    rng = np.random.default_rng(seed)
    n = spectrum.size
    U = np.linalg.qr(rng.standard_normal((m, n)))[0]
    V = np.linalg.qr(rng.standard_normal((n, n)))[0]
    return (U * spectrum) @ V.T


def _spectrum(family, n):
    head = np.ones(10)
    if family == "lowrank":
        return np.r_[head, np.full(n - 10, 1e-2)]
    if family == "poly":
        return np.r_[head, np.arange(2, n - 8, dtype=float) ** -1.0]
    return np.r_[head, 10.0 ** (-0.1 * np.arange(1, n - 9))]


def test_ideal_crossbar_matches_ndarray_svd():
    A = _rotated(np.r_[np.logspace(0, -1, 8), np.full(72, 1e-2)], 120, 0)
    ref = randomized_svd(A, 6, n_iter=2, power_iteration_normalizer="QR", rng=3)
    U, s, Vt, cost = randomized_svd(A, 6, n_iter=2, power_iteration_normalizer="QR", rng=3,
                                    device="ideal", periphery=Periphery.ideal(),
                                    return_cost=True)
    assert_allclose(s, ref[1], rtol=F32)
    assert_allclose(U, ref[0], atol=F32)
    assert_allclose(Vt, ref[2], atol=F32)
    # k + p = 16 columns, 2 iterations: 2*2 + 1 range passes and one projection.
    assert isinstance(cost, CostLedger) and cost.n_reads == 16 * 6
    assert cost.energy > 0 and cost.latency > 0
    # A crossbar passed in directly gives the same as programming the array here.
    xb = Crossbar.from_matrix(A, device="ideal", periphery=Periphery.ideal(), rng=0)
    Q = randomized_range_finder(xb, 16, n_iter=2, power_iteration_normalizer="QR", rng=3)
    Q_ref = randomized_range_finder(A, 16, n_iter=2, power_iteration_normalizer="QR", rng=3)
    assert_allclose(np.abs(Q.T @ Q_ref).diagonal(), 1, atol=F32)


def test_ideal_crossbar_matches_ndarray_eigh_and_lstsq():
    G = np.random.default_rng(1).standard_normal((60, 6))
    A = G @ G.T
    w, V = randomized_eigh(A, 6, rng=2, device="ideal", periphery=Periphery.ideal())
    w_ref, V_ref = randomized_eigh(A, 6, rng=2)
    assert_allclose(w, w_ref, rtol=F32)
    B = np.random.default_rng(2).standard_normal((300, 8))
    b = np.random.default_rng(3).standard_normal(300)
    x, cost = sketch_lstsq(B, b, sketch_size=32, rng=4, device="ideal",
                           periphery=Periphery.ideal(), return_cost=True)
    assert_allclose(x, sketch_lstsq(B, b, sketch_size=32, rng=4), rtol=F32)
    assert cost.n_reads == 9  # one read per column of A and one for b


@pytest.mark.parametrize("family", ["lowrank", "poly", "exp"])
def test_protonic_svd_within_hmt_plus_noise_floor(family):
    # Noise floor (derived in docs/user_guide/sketch.rst): the devices hold A + dA (dA is
    # measured exactly with read()); each analog pass with a unit-norm input x adds output
    # noise of std tau = c * max|scale * x|, c^2 = out_noise^2 + read_noise^2 ||x_n||^2 +
    # adc_step^2/12, i.e. a noise matrix of norm eta ~ tau (sqrt(m) + sqrt(l)) with
    # max|x| ~ sqrt(2 ln n / n) for a delocalised x. The held matrix, the range pass and
    # the projection (counted twice by the truncation) give err_2 <= HMT_2 + 3 (||dA|| + eta),
    # err_F <= HMT_F + 3 sqrt(2k) (||dA|| + eta).
    m, n, k, p = 160, 80, 10, 10
    sigma = _spectrum(family, n)
    A = _rotated(sigma, m, 5)
    xb = Crossbar.from_matrix(A, device="protonic_psg_2022", rng=6)
    dA = np.linalg.norm(xb.read() - A, 2)
    per, dev = xb.periphery, xb.device
    adc_step = 2 * per.out_bound / (2 ** per.adc_bits - 1)
    c = np.sqrt(per.out_noise ** 2 + dev.read_noise ** 2 * n / (2 * np.log(n))
                + adc_step ** 2 / 12)
    eta = c * xb.scale.max() * np.sqrt(2 * np.log(n) / n) * (np.sqrt(m) + np.sqrt(k + p))
    tail = np.sqrt(np.sum(sigma[k:] ** 2))
    hmt_2 = (1 + np.sqrt(k / (p - 1))) * sigma[k] + np.e * np.sqrt(k + p) / p * tail
    hmt_f = np.sqrt(1 + k / (p - 1)) * tail
    floor = dA + eta
    assert floor < 0.3 * sigma[0]  # the bound is not vacuous
    errs = []
    for seed in range(3):
        U, s, Vt = randomized_svd(xb, k, n_oversamples=p, n_iter=1, rng=seed)
        E = A - (U * s) @ Vt
        errs.append((np.linalg.norm(E, 2), np.linalg.norm(E)))
    err_2, err_f = np.mean(errs, axis=0)
    assert sigma[k] <= err_2 <= hmt_2 + 3 * floor
    assert tail <= err_f <= hmt_f + 3 * np.sqrt(2 * k) * floor


def test_protonic_sketch_precondition_still_exact():
    # The sketch is the only analog step; LSQR uses A digitally, so noise in S A only makes
    # the preconditioner worse, never the final residual.
    rng = np.random.default_rng(7)
    A = rng.standard_normal((1500, 20)) * np.logspace(0, -6, 20)
    b = rng.standard_normal(1500)
    res = sketch_precondition_lstsq(A, b, sketch_size=80, rng=8, device="protonic_psg_2022")
    r_ls = np.linalg.norm(A @ np.linalg.lstsq(A, b, rcond=None)[0] - b)
    assert res.success and res.rnorm <= r_ls * (1 + 1e-9)
    assert isinstance(res.cost, CostLedger) and res.cost.n_reads >= 21


def test_protonic_analog_sketch_values_and_cost():
    S = AnalogSketch(64, 16, device="protonic_psg_2022", rng=9)
    ideal = AnalogSketch(64, 16, device=None, rng=9).values()
    reads = S.cost.n_reads
    held = S.values()
    assert S.cost.n_reads - reads >= 16  # one read per row of S (more if re-read)
    reads = S.cost.n_reads
    assert np.array_equal(S.values(), held) and S.cost.n_reads == reads  # cached
    # Programming + one read's noise: relative Frobenius error of the read-back well below 1.
    rel = np.linalg.norm(held - ideal) / np.linalg.norm(ideal)
    assert 0 < rel < 0.2
    X = np.random.default_rng(10).standard_normal((5, 64))
    reads = S.cost.n_reads
    S.transform(X)
    assert S.cost.n_reads - reads >= 5


def test_estimator_on_crossbar_records_cost():
    X = np.random.default_rng(11).standard_normal((40, 12))
    est = AnalogTruncatedSVD(3, device="ideal", periphery=Periphery.ideal(),
                             random_state=0).fit(X)
    ref = AnalogTruncatedSVD(3, random_state=0).fit(X)
    assert_allclose(est.singular_values_, ref.singular_values_, rtol=F32)
    assert est.cost_.n_reads > 0
    assert AnalogTruncatedSVD(device="protonic_psg_2022").__sklearn_tags__().non_deterministic
