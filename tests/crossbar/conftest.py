import numpy as np
import pytest

from analoglinalg import Crossbar


@pytest.fixture
def ideal_pair():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((7, 5))
    xb = Crossbar.from_matrix(A, device="ideal", periphery="ideal", dtype=np.float64, rng=1)
    return xb, xb.read()
