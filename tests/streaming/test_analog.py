"""ThreeSketch analog paths: ideal hardware gives the digital sketch; noise follows the model."""

import numpy as np
import pytest

from analoglinalg.crossbar import Periphery
from analoglinalg.streaming import ThreeSketch

M, N, K, S = 40, 30, 6, 13


def _stream(rng):
    return rng.standard_normal((M, 3)) @ rng.standard_normal((3, N)) \
        + 0.05 * rng.standard_normal((M, N))


@pytest.mark.parametrize("analog", ["test_matrices", "sketches"])
def test_ideal_hardware_reproduces_digital_sketch(analog):
    A = _stream(np.random.default_rng(0))
    digital = ThreeSketch((M, N), K, S, q=3, rng=1)
    kw = {"update_mode": "mean_field"} if analog == "sketches" else {}
    sk = ThreeSketch((M, N), K, S, q=3, rng=1, analog=analog, device="ideal",
                     periphery=Periphery.ideal(), **kw)
    for i in range(M):
        digital.update_rows(i, A[i:i + 1])
        sk.update_rows(i, A[i:i + 1])
    for name in ("X", "Y", "Z", "W"):
        want = getattr(digital, name)
        # float32 device storage: relative rounding ~6e-8 per entry, summed over M updates.
        np.testing.assert_allclose(getattr(sk, name), want, rtol=0,
                                   atol=1e-5 * np.abs(want).max())
    cost = sk.cost_summary()
    assert cost["analog_energy"] > 0 and cost["n_reads"] > 0


def test_test_matrix_read_noise_matches_periphery_model():
    """Each read of an update column h gets output noise sigma * max_i |scale_i h_i|."""
    sigma = 0.02
    rng = np.random.default_rng(2)
    H = rng.standard_normal((M, N))
    per = Periphery(dac_bits=None, adc_bits=None, out_noise=sigma, out_bound=None,
                    bound_management=False)
    sk = ThreeSketch((M, N), K, S, rng=3, analog="test_matrices", device="ideal",
                     periphery=per).update(H)
    U = sk.test_matrices()["Upsilon"]
    # Crossbar.from_matrix maps each column's largest entry to 0.75 of the device range (1).
    scale = np.abs(U).max(axis=0) / 0.75
    std = sigma * np.abs(scale[:, None] * H).max(axis=0)
    z = (sk.X - U @ H) / std[None, :]
    dof = z.size
    assert abs(np.mean(z ** 2) - 1) <= 4 * np.sqrt(2 / dof)


def test_reconstruction_error_degrades_gracefully_with_read_noise():
    """Independent zero-mean sketch noise adds to the squared error in proportion to sigma^2."""
    A = _stream(np.random.default_rng(4))
    excess = []
    sigmas = (0.0, 0.005, 0.01, 0.02)
    for sigma in sigmas:
        per = Periphery(dac_bits=None, adc_bits=None, out_noise=sigma, out_bound=None,
                        bound_management=False)
        errs = [np.linalg.norm(A - ThreeSketch((M, N), K, S, rng=seed, analog="test_matrices",
                                               device="ideal", periphery=per)
                               .update(A).reconstruct(3)) ** 2 for seed in range(8)]
        excess.append(np.mean(errs))
    extra = np.diff(excess)
    assert np.all(extra > 0)
    growth = (np.array(excess[1:]) - excess[0]) / np.array(sigmas[1:]) ** 2
    # sigma^2 law: the coefficient is the same at every noise level (within the Monte-Carlo
    # spread of 8 seeds, about a factor 1.5 here).
    assert growth.max() / growth.min() <= 1.5


@pytest.mark.slow
def test_ping_pong_beats_single_accumulator_on_long_churning_stream():
    """A rank-3 signal, then 600 +g/-g pairs: asymmetric steps pull a busy array to its
    symmetry point; flushing into the digital store protects what was learned."""
    rng = np.random.default_rng(0)
    m, n = 60, 50
    L = rng.standard_normal((m, 3)) @ rng.standard_normal((3, n))
    stream = [(i, L[i]) for i in range(m)]
    for _ in range(600):
        r, g = int(rng.integers(m)), rng.standard_normal(n)
        stream += [(r, g), (r, -g)]
    digital = ThreeSketch((m, n), 7, 15, rng=1)
    peak = dict.fromkeys("XYZ", 0.0)
    for r, v in stream:
        digital.update_rows(r, v[None])
        peak = {k: max(p, np.abs(getattr(digital, k)).max()) for k, p in peak.items()}
    ranges = {k: 1.2 * p for k, p in peak.items()}
    err = {}
    for flush in (None, 60):
        sk = ThreeSketch((m, n), 7, 15, rng=1, analog="sketches", device="protonic_psg_2022",
                         flush_every=flush, sketch_range=ranges, update_mode="mean_field")
        for r, v in stream:
            sk.update_rows(r, v[None])
        err[flush] = np.linalg.norm(L - sk.reconstruct(3)) / np.linalg.norm(L)
    assert err[60] < err[None]
