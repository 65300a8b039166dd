"""A random sketching matrix held on a crossbar."""

import numbers

import numpy as np
from scipy.sparse.linalg import LinearOperator

from .._lib._random import as_generator
from .._lib._validation import check_choice, check_finite_array, check_scalar

__all__ = ["AnalogSketch"]

_DISTRIBUTIONS = ("gaussian", "rademacher")


class AnalogSketch(LinearOperator):
    """A random test matrix programmed once onto a crossbar, applied by analog reads.

    The operator ``S`` (``sketch_size x n_features``) has independent entries of mean 0 and
    variance ``1/sketch_size``, so that ``E[S.T S] = I``. It is drawn digitally, programmed onto
    a crossbar once, and from then on every product is an analog read: ``S @ X`` costs one
    read per column of ``X`` and :meth:`transform` one read per data row. The devices hold
    ``S`` only approximately (programming tolerance, quantisation); algorithms that only
    compare sketched quantities with each other (two-pass range finding, sketch-and-solve,
    sketch-and-precondition) never need the held values, single-pass ones read them back once
    with :meth:`values`.

    Parameters
    ----------
    n_features : int
        Length of the vectors being sketched (number of columns of ``S``).
    sketch_size : int
        Sketch dimension (number of rows of ``S``).
    distribution : {'gaussian', 'rademacher'}, default='gaussian'
        Entry distribution. Rademacher (``+-1/sqrt(sketch_size)``) entries need only two
        conductance levels.
    device : str, Device or None, default='protonic_psg_2022'
        Device preset of the crossbar; ``None`` keeps ``S`` digital (exact products, no cost).
    periphery : Periphery, optional
        The crossbar's periphery.
    rng : None, int, SeedSequence, Generator or RandomState, optional
        Source of ``S`` (drawn first) and of the crossbar's randomness.

    Attributes
    ----------
    crossbar : Crossbar or None
        The crossbar holding ``S`` (``None`` when digital).
    cost : CostLedger or None
        The crossbar's ledger: programming plus every read so far.

    See Also
    --------
    sketch_lstsq, sketch_precondition_lstsq : Least squares with a sketch.

    Notes
    -----
    For a Gaussian ``S`` with ``d`` rows and an ``n``-dimensional subspace, ``S`` is a subspace
    embedding with distortion about ``sqrt(n/d)`` (Gordon's theorem); read noise on every
    analog product adds an independent perturbation whose variance is set by the device and
    periphery.

    References
    ----------
    .. [1] D. P. Woodruff, "Sketching as a tool for numerical linear algebra", Foundations and
       Trends in Theoretical Computer Science 10(1-2):1-157, 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.sketch import AnalogSketch
    >>> S = AnalogSketch(100, 20, device=None, rng=0)
    >>> X = np.random.default_rng(1).standard_normal((5, 100))
    >>> S.transform(X).shape
    (5, 20)
    >>> bool(np.allclose(S.transform(X), X @ S.values().T))
    True
    """

    def __init__(self, n_features, sketch_size, *, distribution="gaussian",
                 device="protonic_psg_2022", periphery=None, rng=None):
        n_features = check_scalar(n_features, "n_features", kind=numbers.Integral, low=1)
        sketch_size = check_scalar(sketch_size, "sketch_size", kind=numbers.Integral, low=1)
        check_choice(distribution, "distribution", _DISTRIBUTIONS)
        if periphery is not None and device is None:
            raise ValueError("periphery was given without device; pass device as well")
        generator = as_generator(rng)
        super().__init__(np.dtype(np.float64), (sketch_size, n_features))
        self.distribution = distribution
        scale = 1.0 / np.sqrt(sketch_size)
        if distribution == "gaussian":
            matrix = scale * generator.standard_normal((sketch_size, n_features))
        else:
            matrix = scale * (2.0 * generator.integers(0, 2, (sketch_size, n_features)) - 1.0)
        if device is None:
            self.crossbar = None
            self._values = matrix
        else:
            from ..crossbar import Crossbar

            self.crossbar = Crossbar.from_matrix(matrix, device=device, periphery=periphery,
                                                 rng=generator.spawn(1)[0])
            self._values = None

    @property
    def cost(self):
        return None if self.crossbar is None else self.crossbar.cost

    def _matmat(self, X):
        if self.crossbar is None:
            return self._values @ X
        return np.asarray(self.crossbar.matmat(X), dtype=np.float64)

    def _rmatmat(self, X):
        if self.crossbar is None:
            return self._values.T @ X
        return np.asarray(self.crossbar.rmatmat(X), dtype=np.float64)

    def _matvec(self, x):
        return self._matmat(np.reshape(x, (-1, 1)))[:, 0]

    def _rmatvec(self, x):
        return self._rmatmat(np.reshape(x, (-1, 1)))[:, 0]

    def transform(self, X):
        """Sketch data rows: ``X @ S.T``, one analog read per row.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
            Data rows.

        Returns
        -------
        ndarray, shape (n_samples, sketch_size)
            The sketched rows.

        Raises
        ------
        ValueError
            If ``X`` is not 2-D with ``n_features`` columns or holds NaN/inf.
        """
        X = check_finite_array(X, "X", ndim=2, shape=(None, self.shape[1]))
        return self._matmat(X.T).T

    def values(self):
        """The matrix the sketch holds, read back once (cached).

        On a crossbar the read-back drives the transposed side with the ``sketch_size`` unit
        vectors (``sketch_size`` analog reads, on the ledger), so the values include the
        programming error and one read's noise; later calls return the cached copy.

        Returns
        -------
        ndarray, shape (sketch_size, n_features)
            The held test matrix.
        """
        if self._values is None:
            probes = np.eye(self.shape[0])
            self._values = np.asarray(self.crossbar.rmatmat(probes), dtype=np.float64).T
        return self._values.copy()
