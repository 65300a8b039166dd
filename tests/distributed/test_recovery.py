"""A worker lost mid-computation: dask replays the lost tiles' histories, results unchanged."""

import os
import signal
import threading

import numpy as np
import pytest

from analoglinalg.distributed import DistributedCrossbar

distributed = pytest.importorskip("distributed")


@pytest.mark.slow
def test_killed_worker_is_recovered_bit_identically(reference):
    rng = np.random.default_rng(0)
    A = rng.standard_normal((120, 90)) / np.sqrt(90)
    tile = (40, 30)
    X = [rng.standard_normal((90, 3)) for _ in range(4)]
    u, v = rng.standard_normal(120), rng.standard_normal(90)
    ref = reference(A, tile, 7)
    expected = [ref.matmat(X[0]), ref.matmat(X[1])]
    ref.rank1_update(u, v, 0.01, "stochastic")
    expected += [ref.matmat(X[2]), ref.matmat(X[3])]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        xb = DistributedCrossbar(A, client, tile_shape=tile, rng=7)
        np.testing.assert_array_equal(xb @ X[0], expected[0])
        pids = client.run(os.getpid)
        victim = next(iter(client.who_has(xb._states[0][0]).values()))[0]
        # SIGKILL while the next read is in flight: the tiles on that worker and their
        # partial results are lost; the scheduler recomputes them from their histories.
        killer = threading.Timer(0.02, os.kill, (pids[victim], signal.SIGKILL))
        killer.start()
        got = xb @ X[1]
        killer.join()
        np.testing.assert_array_equal(got, expected[1])
        xb.rank1_update(u, v, 0.01, mode="stochastic")
        np.testing.assert_array_equal(xb @ X[2], expected[2])
        # Kill the other original worker between calls too.
        survivor = next(a for a in pids if a != victim)
        os.kill(pids[survivor], signal.SIGKILL)
        np.testing.assert_array_equal(xb @ X[3], expected[3])
        assert xb.cost.as_dict() == ref.ledger().as_dict()
