"""Frequent Directions: a deterministic, mergeable sketch of a stream of rows."""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .._lib._validation import check_scalar
from ._batches import row_batches

__all__ = ["FrequentDirections"]


class FrequentDirections(TransformerMixin, BaseEstimator):
    """Frequent Directions sketch ``B`` (``sketch_size x n_features``) of a row stream ``A``.

    Parameters
    ----------
    sketch_size : int, default 20
        Rows ``l`` of the sketch; a ``2l``-row buffer is kept.
    n_components : int, optional
        Right singular vectors of ``B`` exposed as ``components_`` (default: ``sketch_size``,
        capped at ``n_features``).
    batch_size : int, default 1024
        Rows per step of :meth:`fit` (one progress-bar tick each).
    verbose : bool, default False
        Show a progress bar in :meth:`fit`.

    Attributes
    ----------
    sketch_ : ndarray of shape (sketch_size, n_features)
        The sketch ``B``.
    components_ : ndarray of shape (n_components, n_features)
        Leading right singular vectors of ``B``.
    singular_values_ : ndarray of shape (n_components,)
        The matching singular values of ``B``.
    shrinkage_ : float
        Total shrinkage ``Delta``, an upper bound on ``||A^T A - B^T B||_2``.
    n_samples_seen_ : int
        Rows sketched so far.
    n_features_in_ : int
        Number of columns.

    See Also
    --------
    StreamingSVD : A randomized row-stream sketch that also supports general updates.

    Notes
    -----
    When the buffer is full, ``[~, sigma, V^T] = svd(buffer)``, ``delta = sigma_{l+1}^2`` and
    the buffer becomes ``diag(sqrt(sigma_{1..l}^2 - delta)) V^T_{1..l}``. For every
    ``k < l`` ([2]_, Theorem 1.1): ``0 <= A^T A - B^T B`` and
    ``||A^T A - B^T B||_2 <= ||A - A_k||_F^2 / (l - k)``, whatever the order of the rows; the
    same holds for the sketch of a union of streams built by :meth:`merge`.

    References
    ----------
    .. [1] E. Liberty, "Simple and deterministic matrix sketching", KDD 2013.
    .. [2] M. Ghashami, E. Liberty, J. M. Phillips and D. P. Woodruff, "Frequent Directions:
       simple and deterministic matrix sketching", SIAM J. Comput. 45(5), 1762-1792 (2016).

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.streaming import FrequentDirections
    >>> rng = np.random.default_rng(0)
    >>> A = rng.standard_normal((500, 30))
    >>> fd = FrequentDirections(sketch_size=10).fit(A)
    >>> gap = np.linalg.norm(A.T @ A - fd.sketch_.T @ fd.sketch_, 2)
    >>> bool(gap <= np.linalg.norm(A, "fro") ** 2 / 10)
    True
    """

    def __init__(self, sketch_size=20, *, n_components=None, batch_size=1024, verbose=False):
        self.sketch_size = sketch_size
        self.n_components = n_components
        self.batch_size = batch_size
        self.verbose = verbose

    def _validate_params(self):
        check_scalar(self.sketch_size, "sketch_size", kind=numbers.Integral, low=1)
        check_scalar(self.n_components, "n_components", kind=numbers.Integral, low=1,
                     high=self.sketch_size, allow_none=True)
        check_scalar(self.batch_size, "batch_size", kind=numbers.Integral, low=1)

    def fit(self, X, y=None):
        """Sketch the rows of ``X`` from scratch.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            The rows.
        y : None
            Ignored.

        Returns
        -------
        self : FrequentDirections
        """
        self._validate_params()
        X = validate_data(self, X, reset=True, dtype=np.float64)
        self._start(X.shape[1])
        for batch in row_batches(X, self.batch_size, verbose=self.verbose,
                                 desc="FrequentDirections"):
            self._insert(batch)
        self._finish()
        return self

    def partial_fit(self, X, y=None):
        """Add the rows of ``X`` to the sketch.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            The rows.
        y : None
            Ignored.

        Returns
        -------
        self : FrequentDirections
        """
        first = not hasattr(self, "_buffer")
        if first:
            self._validate_params()
        X = validate_data(self, X, reset=first, dtype=np.float64)
        if first:
            self._start(X.shape[1])
        self._insert(X)
        self._finish()
        return self

    def merge(self, other):
        """Absorb the sketch of another stream (same ``sketch_size`` and features).

        Parameters
        ----------
        other : FrequentDirections
            A fitted sketch; it is not modified.

        Returns
        -------
        self : FrequentDirections
            Now a sketch of the rows of both streams.

        Raises
        ------
        ValueError
            If the two sketches have different sizes or numbers of features.
        """
        check_is_fitted(self)
        check_is_fitted(other)
        if other.sketch_size != self.sketch_size or other.n_features_in_ != self.n_features_in_:
            raise ValueError(
                f"cannot merge a sketch of size {other.sketch_size} with "
                f"{other.n_features_in_} features into one of size {self.sketch_size} with "
                f"{self.n_features_in_} features"
            )
        self._insert(other.sketch_)
        self._delta += other.shrinkage_
        self.n_samples_seen_ += other.n_samples_seen_ - other.sketch_.shape[0]
        self._finish()
        return self

    def transform(self, X):
        """Project rows onto ``components_``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_components)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self.components_.T

    def _start(self, d):
        self._buffer = np.zeros((2 * self.sketch_size, d))
        self._filled = 0
        self._delta = 0.0
        self.n_samples_seen_ = 0

    def _insert(self, rows):
        ell2 = self._buffer.shape[0]
        pos = 0
        while pos < rows.shape[0]:
            take = min(ell2 - self._filled, rows.shape[0] - pos)
            self._buffer[self._filled:self._filled + take] = rows[pos:pos + take]
            self._filled += take
            pos += take
            if self._filled == ell2:
                self._filled, delta = _shrink(self._buffer, self.sketch_size)
                self._delta += delta
        self.n_samples_seen_ += rows.shape[0]

    def _finish(self):
        work = self._buffer.copy()
        _, delta = _shrink(work, self.sketch_size)
        self.sketch_ = work[:self.sketch_size]
        self.shrinkage_ = self._delta + delta
        n_comp = self.sketch_size if self.n_components is None else self.n_components
        n_comp = min(n_comp, self._buffer.shape[1])
        _, sigma, Vt = np.linalg.svd(self.sketch_, full_matrices=False)
        self.components_ = Vt[:n_comp]
        self.singular_values_ = sigma[:n_comp]


def _shrink(buffer, ell):
    """Shrink ``buffer`` in place to at most ``ell`` non-zero rows; return (rows, delta)."""
    _, sigma, Vt = np.linalg.svd(buffer, full_matrices=False)
    buffer[:] = 0.0
    if sigma.size <= ell:
        buffer[:sigma.size] = sigma[:, None] * Vt
        return sigma.size, 0.0
    delta = sigma[ell] ** 2
    buffer[:ell] = np.sqrt(np.maximum(sigma[:ell] ** 2 - delta, 0.0))[:, None] * Vt[:ell]
    return ell, float(delta)
