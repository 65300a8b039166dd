"""Bad input raises before any state, ledger or generator change."""

import numpy as np
import pytest

from analoglinalg import Crossbar
from analoglinalg.crossbar import Periphery


def state(xb):
    """Everything a refused call must leave unchanged."""
    return xb.read(), xb.cost.as_dict(), xb.rng.bit_generator.state


def assert_unchanged(xb, before):
    read, ledger, rng = before
    np.testing.assert_array_equal(xb.read(), read)
    assert xb.cost.as_dict() == ledger
    assert xb.rng.bit_generator.state == rng


@pytest.fixture
def xb():
    rng = np.random.default_rng(0)
    xb = Crossbar.from_matrix(rng.standard_normal((6, 4)), program="open_loop", rng=1)
    xb.matvec(np.ones(4))
    return xb


@pytest.mark.parametrize("x,exc", [
    (np.array([1.0, np.nan, 0.0, 1.0]), ValueError),
    (np.array([1.0, np.inf, 0.0, 1.0]), ValueError),
    (np.ones(5), ValueError),
    (np.ones((4, 2, 1)), ValueError),
    (np.ones(4) + 1j, TypeError),
])
def test_bad_read_input(xb, x, exc):
    before = state(xb)
    with pytest.raises(exc):
        xb.matvec(x)
    assert_unchanged(xb, before)


@pytest.mark.parametrize("call", [
    lambda xb: xb.rank1_update(np.full(6, np.nan), np.ones(4)),
    lambda xb: xb.rank1_update(np.ones(6), np.ones(5)),
    lambda xb: xb.rank1_update(np.ones(6), np.ones(4), np.inf),
    lambda xb: xb.rank1_update(np.ones(6), np.ones(4), 1e6),
    lambda xb: xb.rank1_update(np.ones(6), np.ones(4), 0.1, mode="exact"),
    lambda xb: xb.program(np.full((6, 4), np.nan)),
    lambda xb: xb.program(np.ones((4, 6))),
    lambda xb: xb.rmatmat(np.ones((5, 2))),
])
def test_bad_update_or_program(xb, call):
    before = state(xb)
    with pytest.raises(ValueError):
        call(xb)
    assert_unchanged(xb, before)


@pytest.mark.parametrize("kwargs", [dict(adc_bits=0), dict(dac_bits=-1), dict(out_noise=-0.1),
                                    dict(out_bound=0.0), dict(dac_energy=np.nan)])
def test_bad_periphery(kwargs):
    with pytest.raises(ValueError):
        Periphery(**kwargs)


def test_bad_construction():
    with pytest.raises(TypeError):
        Crossbar((3, 3), dtype=np.int32)
    with pytest.raises(ValueError):
        Crossbar((3, 0))
    with pytest.raises(ValueError):
        Crossbar((3, 3), scale=-1.0)
    with pytest.raises(ValueError):
        Crossbar.from_matrix(np.array([[1.0, np.inf]]))
