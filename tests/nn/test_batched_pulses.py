"""A mini-batch as one batched update: the same as one pulsed update per sample."""

import numpy as np
import pytest

from analoglinalg import SaturationWarning
from analoglinalg.nn import AnalogLinear


def layers(mode):
    return [AnalogLinear(5, 4, device="protonic_psg_2022", update_mode=mode, rng=0)
            for _ in range(2)]


@pytest.mark.parametrize("mode", ["deterministic", "mean_field"])
def test_pulse_updates_equal_per_sample_updates_with_clipping(mode):
    """Samples needing more pulses than a crossbar gives are scaled down and counted, as
    ``pulse_update`` does one sample at a time; the resulting weights agree to the bit."""
    seq, bat = layers(mode)
    rng = np.random.default_rng(1)
    U = rng.uniform(-1, 1, (6, 4))
    V = rng.uniform(-1, 1, (6, 5))
    U[2] *= 1e3  # far beyond bit_length * max_cycles pulses: clipped
    V[4] = 0.0  # a zero update
    xb = seq.arrays["weight"]
    need = np.abs(U).max(1) * np.abs(V / xb.scale).max(1) * 0.1
    limit = 0.999 * xb.bit_length * xb.max_cycles * xb.device.dw_min
    assert np.count_nonzero(need > limit) == 1
    # the clipped sample still asks for bit_length * max_cycles pulses: the devices saturate
    with pytest.warns(SaturationWarning):
        for u, v in zip(U, V, strict=True):
            seq.pulse_update("weight", u, v, -0.1)
    with pytest.warns(SaturationWarning):
        report = bat.pulse_updates("weight", U, V, -0.1)
    np.testing.assert_array_equal(bat.weight, seq.weight)
    assert bat.n_clipped_updates == seq.n_clipped_updates == 1
    assert bat.n_saturated == seq.n_saturated == report.n_saturated > 0
    assert bat.arrays["weight"].cost.n_updates == xb.cost.n_updates == 5
