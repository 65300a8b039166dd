"""Digital sketch storage: the all-digital path and the store the analog arrays flush into."""

import numpy as np
import scipy.sparse as sp

__all__ = ["DigitalStore"]


class DigitalStore:
    """A sketch held as a float64 array, updated by ``S <- theta*S + eta*increment``."""

    analog = False

    def __init__(self, shape):
        self._value = np.zeros(shape)

    @property
    def shape(self):
        return self._value.shape

    def value(self):
        return self._value

    def apply(self, theta, eta, increment):
        """``increment`` is ``("dense", D)`` or ``("lowrank", L, R)`` meaning ``L @ R.T``.

        Returns the number of floating-point operations spent.
        """
        v = self._value
        flops = 0
        if theta != 1.0:
            v *= theta
            flops += v.size
        if increment[0] == "dense":
            v += eta * increment[1]
            return flops + 2 * v.size
        L, R = increment[1], increment[2]
        v += np.asarray((eta * L) @ R.T)
        # A sparse L (row or column selection) touches only its non-zero rows.
        nnz = L.nnz if sp.issparse(L) else L.size
        return flops + 2 * nnz * R.shape[0]

    def grow_rows(self, rows):
        self._value = np.vstack([self._value, np.zeros((rows, self._value.shape[1]))])
