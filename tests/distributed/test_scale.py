"""A lazily built planted-low-rank matrix, programmed tile by tile, and randomized_svd on it."""

import numpy as np
import pytest

from analoglinalg.distributed import DistributedCrossbar
from analoglinalg.sketch import randomized_svd

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

RANK = 5
PLANTED = np.array([40.0, 30.0, 20.0, 15.0, 10.0])
SIGMA = 0.01


def _planted(n, block, seed):
    """``U diag(s) V^T + SIGMA * N`` as a lazy dask array (never formed on the client)."""
    rs = da.random.default_rng(seed)
    U, _ = da.linalg.qr(rs.standard_normal((n, RANK), chunks=(block, RANK)))
    V, _ = da.linalg.qr(rs.standard_normal((n, RANK), chunks=(block, RANK)))
    noise = rs.standard_normal((n, n), chunks=(block, block))
    A = ((U * PLANTED) @ V.T + SIGMA * noise).astype(np.float32)
    return A.rechunk((block, block)), U


def _check_recovery(n, block, n_workers):
    with distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=False,
                                  dashboard_address=":0", memory_limit=0) as cluster, \
            distributed.Client(cluster) as client:
        A, U_planted = _planted(n, block, seed=1)
        # Ideal devices are programmed open-loop (they have no programming noise): fast.
        xb = DistributedCrossbar(A, client, device="ideal", periphery="ideal", rng=3)
        assert xb.n_tiles == (n // block, n // block)
        U, s, Vt = randomized_svd(xb, RANK, n_iter=4, rng=0)
        U_planted = U_planted.compute()
    # Weyl: |s_i(A) - s_i| <= SIGMA ||N||_2, and ||N||_2 <= 2 sqrt(n) + 6 with probability
    # above 1 - 2 exp(-18) (Davidson-Szarek). Randomized SVD with 4 power iterations adds
    # a relative (||E|| / s_5)^9 error, far below this.
    noise_norm = SIGMA * (2 * np.sqrt(n) + 6)
    assert np.all(np.abs(s - PLANTED) <= noise_norm)
    # Wedin: sin of the largest angle between the subspaces <= ||E|| / (s_5 - ||E||).
    sin_max = noise_norm / (PLANTED[-1] - noise_norm)
    cosines = np.linalg.svd(U.T @ U_planted, compute_uv=False)
    assert cosines.min() >= np.sqrt(1 - sin_max ** 2)


def test_planted_low_rank_recovered_fast():
    _check_recovery(2000, 500, n_workers=2)


@pytest.mark.slow
def test_planted_low_rank_recovered_large():
    # 16000 x 16000 in 4000 x 4000 tiles: the devices' state (24 bytes per device, 6.1 GB)
    # is spread over 4 workers; the matrix itself is never formed anywhere.
    _check_recovery(16000, 4000, n_workers=4)
