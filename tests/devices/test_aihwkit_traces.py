"""Cross-check of the device models against traces recorded with aihwkit 1.1.0.

The data and the aihwkit parameters are described in ``shared/data/aihwkit-traces/README.md``.
"""

from pathlib import Path

import numpy as np
import pytest

from analoglinalg.devices import ConstantStep, Device, LinearStep, SoftBounds, response_curve

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "aihwkit-traces"

pytestmark = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"aihwkit reference traces not found at {DATA} (shared/ missing)")

# Parameters from the README, aihwkit names; spreads are the aihwkit defaults it lists.
DEVICES = {
    "softbounds": Device(
        response=SoftBounds(), dw_min=0.001, w_min=-0.6, w_max=0.6,
        dw_min_dtod=0.3, dw_min_std=0.3, w_max_dtod=0.3, w_min_dtod=0.3, up_down_dtod=0.01),
    "ecram_li": Device(
        response=LinearStep(gamma_up=0.1153, gamma_down=0.5085), dw_min=0.002,
        w_min=-0.8276, w_max=1.1724, dw_min_dtod=0.1, up_down_dtod=0.01, w_min_dtod=0.05,
        w_max_dtod=0.05, dw_min_std=0.3),
    "ecram_mo": Device(
        response=LinearStep(gamma_up=0.4152, gamma_down=0.7342), dw_min=2.8214e-4,
        w_min=-0.8286, w_max=1.1714, dw_min_dtod=0.1, up_down_dtod=0.01, w_min_dtod=0.05,
        w_max_dtod=0.05, dw_min_std=2.0),
    "gokmen_vlasov_constantstep": Device(
        response=ConstantStep(), dw_min=0.0016, w_min=-1.0, w_max=1.0,
        dw_min_dtod=0.3, dw_min_std=0.3, up_down_dtod=0.01, w_min_dtod=0.3, w_max_dtod=0.3),
}


@pytest.mark.parametrize("name", sorted(DEVICES))
def test_nominal_trace_matches_aihwkit(name):
    ref = np.load(DATA / f"trace_{name}_nominal.npy")
    ours = response_curve(DEVICES[name], nominal=True, rng=0).w[:, 0]
    assert ours.shape == ref.shape == (2001,)
    # Both simulators work in float32: agreement to a couple of float32 ulps of the range.
    atol = 2 * np.finfo(np.float32).eps * np.max(np.abs(ref))
    np.testing.assert_allclose(ours, ref, rtol=0, atol=atol)


def _early_step(w, n=50):
    """Per device, the mean step of the first ``n`` up pulses (averages out c2c noise)."""
    return (w[n] - w[0]) / n


@pytest.mark.parametrize("name", sorted(DEVICES))
def test_default_spread_early_step_median_matches_aihwkit(name):
    # Values differ (independent random draws), so compare a robust statistic: the median
    # over devices of the mean step over the first 50 up pulses. Its standard error is
    # estimated from the spread of our devices (median SE ~ 1.2533 * std / sqrt(n)).
    # Known difference: aihwkit's 8 start states (the lower bounds) all lie inside the
    # nominal w_min (mean -0.464 for softbounds, nominal -0.6; -0.77 for the constant step,
    # nominal -1), consistent with the bound spread shrinking ranges inward, while our
    # spread is symmetric. It changes the soft-bounds step at the start by a few percent,
    # well inside the tolerance; it is not tested as equal.
    ref = np.load(DATA / f"trace_{name}_default_8dev.npy")
    assert ref.shape == (2001, 8)
    ours = response_curve(DEVICES[name], n_up=50, n_down=0, n_devices=256, rng=1).w
    s_ref, s_ours = _early_step(ref), _early_step(ours)
    se_ref = 1.2533 * np.std(s_ours) / np.sqrt(s_ref.size)
    se_ours = 1.2533 * np.std(s_ours) / np.sqrt(s_ours.size)
    diff = np.median(s_ref) - np.median(s_ours)
    assert abs(diff) <= 4 * np.hypot(se_ref, se_ours), (np.median(s_ref), np.median(s_ours))
