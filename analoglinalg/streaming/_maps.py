"""Random test matrices generated in column blocks, so a sketched dimension may grow."""

import numpy as np

__all__ = ["RandomMap", "TEST_MATRIX_KINDS"]

TEST_MATRIX_KINDS = ("gaussian", "rademacher")
_BLOCK = 256


class RandomMap:
    """A ``rows x cols`` random matrix whose columns are drawn lazily, block by block.

    Column block ``b`` comes from ``SeedSequence(seed, spawn_key=(tag, b))``, so the entries do
    not depend on how far, or in which steps, the matrix was grown: a sketch that learns its
    number of rows from a stream uses the same test matrix as one told the shape up front.
    """

    def __init__(self, rows, seed, tag, kind):
        self.rows = rows
        self._seed = seed
        self._tag = tag
        self._kind = kind
        self._matrix = np.empty((rows, 0))

    def _block(self, b):
        gen = np.random.default_rng(np.random.SeedSequence(self._seed, spawn_key=(self._tag, b)))
        if self._kind == "gaussian":
            return gen.standard_normal((self.rows, _BLOCK))
        return (2.0 * gen.integers(0, 2, size=(self.rows, _BLOCK)) - 1.0)

    def columns(self, n_cols):
        """The first ``n_cols`` columns (a view; generated on first use)."""
        have = self._matrix.shape[1]
        if have < n_cols:
            first, last = have // _BLOCK, -(-n_cols // _BLOCK)
            self._matrix = np.hstack([self._matrix]
                                     + [self._block(b) for b in range(first, last)])
        return self._matrix[:, :n_cols]
