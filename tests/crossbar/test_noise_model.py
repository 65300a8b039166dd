"""The read error of a noisy crossbar matches the documented noise model."""

import numpy as np

from analoglinalg import Crossbar
from analoglinalg.crossbar import Periphery


def test_gaussian_read_error_variance():
    """Periphery step 4: each output of the normalised read gets N(0, out_noise**2 +
    read_noise**2 * ||x_n||**2) with x_n = (x * scale) / max|x * scale|; the digital side
    multiplies back max|x * scale|. With converters and bound off, and xb.read() as the
    reference (programming error excluded), the errors standardised by that prediction are
    iid N(0, 1)."""
    rng = np.random.default_rng(11)
    A = rng.standard_normal((25, 64)) / 8
    p = Periphery(dac_bits=None, adc_bits=None, out_bound=None)
    xb = Crossbar.from_matrix(A, device="protonic_psg_2022", periphery=p, dtype=np.float64,
                              rng=12)
    R = xb.read()
    x = rng.choice([-1.0, 1.0], 64)  # a large ||x_n|| makes the read-noise term visible
    K = 400
    Y = xb.matmat(np.repeat(x[:, None], K, axis=1))
    xs = x * xb.scale
    xn = xs / np.abs(xs).max()
    sigma = np.sqrt(p.out_noise**2 + xb.device.read_noise**2 * xn @ xn) * np.abs(xs).max()
    z = (Y - (R @ x)[:, None]) / sigma
    n = z.size
    # sum z^2 ~ chi2(n): mean n, sd sqrt(2n); mean z ~ N(0, 1/n). Five standard deviations.
    assert abs((z**2).sum() - n) < 5 * np.sqrt(2 * n)
    assert abs(z.mean()) < 5 / np.sqrt(n)
    # a model that forgets the read-noise term is rejected by the same test
    sigma_wrong = p.out_noise * np.abs(xs).max()
    zw = (Y - (R @ x)[:, None]) / sigma_wrong
    assert abs((zw**2).sum() - n) > 5 * np.sqrt(2 * n)


def test_default_read_error_matches_model():
    """The realistic default (8-bit DAC and ADC, bound 12): against the read() matrix applied
    to the DAC-rounded input, the error is the Gaussian noise plus ADC rounding, of variance
    (out_noise**2 + read_noise**2 * ||x_q||**2 + step**2 / 12) * max|x s|**2 per output with
    step = 2 * 12 / 255. The rounding is not exactly uniform when the noise is smaller than a
    step, so the mean squared error is checked to a factor of 1.5 rather than by chi-square."""
    rng = np.random.default_rng(13)
    A = rng.standard_normal((40, 40)) / np.sqrt(40)
    xb = Crossbar.from_matrix(A, dtype=np.float64, rng=14)
    p, R = xb.periphery, xb.read()
    X = rng.standard_normal((40, 50))
    Y = xb.matmat(X)
    assert xb.cost.n_reads == 50  # no bound-management re-reads
    xs = X * xb.scale[:, None]
    a = np.abs(xs).max(axis=0)
    levels = 2.0 ** (p.dac_bits - 1) - 1
    xq = np.rint(xs / a * levels) / levels
    ref = R @ (xq * a / xb.scale[:, None])
    step = 2 * p.out_bound / (2.0 ** p.adc_bits - 1)
    var = (p.out_noise**2 + xb.device.read_noise**2 * (xq**2).sum(axis=0) + step**2 / 12) * a**2
    ratio = np.mean((Y - ref) ** 2) / np.mean(var)
    assert 1 / 1.5 < ratio < 1.5, ratio
    rel = np.linalg.norm(Y - A @ X) / np.linalg.norm(A @ X)
    assert 1e-3 < rel < 0.2
