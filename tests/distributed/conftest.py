"""Clusters and the single-machine reference for the distributed tests."""

import numpy as np
import pytest

from analoglinalg import Crossbar
from analoglinalg.distributed import tile_seed

distributed = pytest.importorskip("distributed")


def _cluster(n_workers):
    return distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=False,
                                    dashboard_address=":0")


@pytest.fixture(scope="module", params=[1, 2, 4], ids=lambda n: f"{n}workers")
def client(request):
    """A threads-based cluster (fast); the tiles must not depend on its size."""
    with _cluster(request.param) as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def client2():
    with _cluster(2) as cluster, distributed.Client(cluster) as c:
        yield c


class Reference:
    """The same tiles built locally, one Crossbar per block, summed in block-column order."""

    def __init__(self, A, tile_shape, seed, **options):
        self.shape = A.shape
        self.rows = [slice(s, min(s + tile_shape[0], A.shape[0]))
                     for s in range(0, A.shape[0], tile_shape[0])]
        self.cols = [slice(s, min(s + tile_shape[1], A.shape[1]))
                     for s in range(0, A.shape[1], tile_shape[1])]
        self.tiles = [[Crossbar.from_matrix(A[r, c], rng=tile_seed(seed, i, j), **options)
                       for j, c in enumerate(self.cols)] for i, r in enumerate(self.rows)]

    def matmat(self, X):
        Y = np.zeros((self.shape[0], X.shape[1]))
        for i, r in enumerate(self.rows):
            for j, c in enumerate(self.cols):
                Y[r] += self.tiles[i][j].matmat(X[c])
        return Y.astype(np.result_type(np.float32, X.dtype))

    def rmatmat(self, X):
        Y = np.zeros((self.shape[1], X.shape[1]))
        for j, c in enumerate(self.cols):
            for i, r in enumerate(self.rows):
                Y[c] += self.tiles[i][j].rmatmat(X[r])
        return Y.astype(np.result_type(np.float32, X.dtype))

    def rank1_update(self, u, v, alpha, mode):
        for i, r in enumerate(self.rows):
            for j, c in enumerate(self.cols):
                self.tiles[i][j].rank1_update(u[r], v[c], alpha, mode=mode)

    def read(self):
        return np.block([[t.read() for t in row] for row in self.tiles])

    def ledger(self):
        total = self.tiles[0][0].cost.copy()
        total.reset()
        for row in self.tiles:
            for t in row:
                total.merge(t.cost)
        return total


@pytest.fixture
def reference():
    return Reference
