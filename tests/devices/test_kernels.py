"""numba kernels against their NumPy references, for every response family."""

import numba
import numpy as np
import pytest

from analoglinalg.devices import (
    ConstantStep,
    LinearStep,
    PiecewiseStep,
    PowStep,
    SoftBounds,
    get_device,
)
from analoglinalg.devices._kernels import apply_pulses, apply_pulses_reference

MODELS = {
    "constant": ConstantStep(),
    "linear": LinearStep(gamma_up=0.3, gamma_down=0.6),
    "softbounds": SoftBounds(),
    "exp_reram": get_device("reram_gong_2018").response,
    "pow": PowStep(gamma=1.5, up_down=0.2),
    "piecewise": PiecewiseStep(nodes_up=(1.5, 1.0, 0.7, 0.2), nodes_down=(0.1, 0.8, 1.2, 1.6)),
}


def _inputs(seed, n=50):
    gen = np.random.default_rng(seed)
    f32 = np.float32
    b_min = (-1 + 0.1 * gen.standard_normal(n)).astype(f32)
    b_max = (1 + 0.1 * gen.standard_normal(n)).astype(f32)
    w_ref = (0.1 * gen.standard_normal(n)).astype(f32)
    w = gen.uniform(b_min, b_max).astype(f32)
    weights = (w - w_ref).astype(f32)
    dw_up = (0.05 * (1 + 0.2 * gen.standard_normal(n))).astype(f32)
    dw_down = (0.05 * (1 + 0.2 * gen.standard_normal(n))).astype(f32)
    n_pulses = gen.integers(-20, 21, size=n).astype(np.int64)
    return weights, w_ref, dw_up, dw_down, b_min, b_max, n_pulses


@pytest.mark.parametrize("family", sorted(MODELS))
def test_apply_pulses_matches_reference(family):
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    model = MODELS[family]
    weights, w_ref, dw_up, dw_down, b_min, b_max, n_pulses = _inputs(11)
    sigma, seed = 0.3, np.uint64(987654321)
    code, params, nodes_up, nodes_down = model.kernel_args()
    ref = apply_pulses_reference(weights, w_ref, dw_up, dw_down, b_min, b_max, n_pulses,
                                 model, sigma, seed)
    compiled = weights.copy()
    apply_pulses(compiled, w_ref, dw_up, dw_down, b_min, b_max, n_pulses, code, params,
                 nodes_up, nodes_down, sigma, seed)
    # Steps of ~0.05 relative to float32 states of magnitude ~1: the kernel's float32
    # step factors differ from the float64 reference by ~1e-7 per pulse, <= 20 pulses.
    np.testing.assert_allclose(compiled, ref, rtol=0, atol=1e-5)
    assert not np.allclose(compiled, weights, atol=1e-3)
    python = weights.copy()
    getattr(apply_pulses, "py_func", apply_pulses)(
        python, w_ref, dw_up, dw_down, b_min, b_max, n_pulses, code, params, nodes_up,
        nodes_down, sigma, seed)
    np.testing.assert_array_equal(python, compiled)
