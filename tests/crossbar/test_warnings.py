"""The crossbar's warnings carry counts and point at the caller's line."""

import numpy as np
import pytest

from analoglinalg import ClippingWarning, Crossbar, Device, Periphery, SaturationWarning


def _clipping_crossbar():
    periphery = Periphery(out_bound=1.0, bound_management=False)
    return Crossbar.from_matrix(np.ones((20, 20)), device="ideal", periphery=periphery, rng=0)


@pytest.mark.parametrize("call", [lambda xb: xb @ np.ones(20), lambda xb: xb.H @ np.ones(20),
                                  lambda xb: xb.matmat(np.ones((20, 2)))])
def test_clipping_warning_points_at_the_caller(call):
    xb = _clipping_crossbar()
    with pytest.warns(ClippingWarning, match="outputs were clipped at the output bound") as record:
        call(xb)
    assert record[0].filename == __file__


def test_saturation_warning_points_at_the_caller():
    coarse = Device(name="coarse", dw_min=0.1)  # bounds +-1: a change of 1.5 saturates
    xb = Crossbar((4, 4), device=coarse, periphery="ideal", rng=0)
    with pytest.warns(SaturationWarning, match="16 devices saturated") as record:
        xb.rank1_update(np.ones(4), np.ones(4), 1.5, mode="mean_field")
    assert record[0].filename == __file__
