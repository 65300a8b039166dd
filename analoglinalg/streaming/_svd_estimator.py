"""scikit-learn transformer: truncated SVD of a row stream through a three-sketch."""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .._lib._validation import check_scalar
from ._batches import row_batches
from ._three_sketch import ThreeSketch

__all__ = ["StreamingSVD"]


class StreamingSVD(TransformerMixin, BaseEstimator):
    """Truncated SVD of a stream of rows (samples) in one pass, by a three-sketch.

    Each :meth:`partial_fit` appends its rows to the sketched matrix, so the estimator can be
    driven by ``dask_ml.wrappers.Incremental`` or any loop over chunks; the number of rows
    need not be known in advance.

    Parameters
    ----------
    n_components : int, default 10
        Rank ``r`` of the approximation.
    k : int, optional
        Range/co-range sketch size (default ``4r + 1``, eq. 5.3 of Tropp et al. 2019, capped
        at ``n_features``).
    s : int, optional
        Core sketch size (default ``2k + 1``, capped at ``n_features``).
    n_error_probes : int, default 10
        Rows ``q`` of the error sketch; 0 disables ``error_estimate_``.
    batch_size : int, default 1024
        Rows per step of :meth:`fit` (one progress-bar tick each).
    random_state : None, int, Generator or RandomState, optional
        Seeds the test matrices.
    verbose : bool, default False
        Show a progress bar in :meth:`fit`.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        Approximate leading right singular vectors.
    singular_values_ : ndarray of shape (n_components,)
        Approximate leading singular values.
    error_estimate_ : float or None
        A-posteriori estimate of ``||A - A_r||_F`` for the rank-``r`` approximation.
    sketch_ : ThreeSketch
        The underlying sketch (its factors give the left singular vectors too).
    n_samples_seen_ : int
        Rows seen so far.
    n_features_in_ : int
        Number of columns.

    See Also
    --------
    ThreeSketch : The sketch, with general linear updates and analog back ends.
    FrequentDirections : A deterministic alternative.

    References
    ----------
    .. [1] J. A. Tropp, A. Yurtsever, M. Udell and V. Cevher, "Streaming low-rank matrix
       approximation with an application to scientific simulation", SIAM J. Sci. Comput.
       41(4), A2430-A2463 (2019).

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.streaming import StreamingSVD
    >>> rng = np.random.default_rng(0)
    >>> A = rng.standard_normal((300, 3)) @ rng.standard_normal((3, 40))
    >>> est = StreamingSVD(n_components=3, random_state=0)
    >>> for chunk in np.array_split(A, 5):
    ...     est = est.partial_fit(chunk)
    >>> s_ref = np.linalg.svd(A, compute_uv=False)[:3]
    >>> bool(np.allclose(est.singular_values_, s_ref))
    True
    """

    def __init__(self, n_components=10, *, k=None, s=None, n_error_probes=10,
                 batch_size=1024, random_state=None, verbose=False):
        self.n_components = n_components
        self.k = k
        self.s = s
        self.n_error_probes = n_error_probes
        self.batch_size = batch_size
        self.random_state = random_state
        self.verbose = verbose

    def _start(self, n_features):
        r = check_scalar(self.n_components, "n_components", kind=numbers.Integral, low=1,
                         high=n_features)
        k = self.k if self.k is not None else min(4 * r + 1, n_features)
        k = check_scalar(k, "k", kind=numbers.Integral, low=r, high=n_features)
        s = self.s if self.s is not None else min(2 * k + 1, n_features)
        s = check_scalar(s, "s", kind=numbers.Integral, low=k, high=n_features)
        q = check_scalar(self.n_error_probes, "n_error_probes", kind=numbers.Integral, low=0)
        check_scalar(self.batch_size, "batch_size", kind=numbers.Integral, low=1)
        self.sketch_ = ThreeSketch((0, n_features), k, s, q=q, rng=self.random_state)
        self.n_samples_seen_ = 0

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
        self : StreamingSVD
        """
        X = validate_data(self, X, reset=True, dtype=np.float64)
        self._start(X.shape[1])
        for batch in row_batches(X, self.batch_size, verbose=self.verbose, desc="StreamingSVD"):
            self.sketch_.extend_rows(batch)
        self.n_samples_seen_ = X.shape[0]
        self._finish()
        return self

    def partial_fit(self, X, y=None):
        """Append the rows of ``X`` to the sketched matrix.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            The rows.
        y : None
            Ignored.

        Returns
        -------
        self : StreamingSVD
        """
        first = not hasattr(self, "sketch_")
        X = validate_data(self, X, reset=first, dtype=np.float64)
        if first:
            self._start(X.shape[1])
        self.sketch_.extend_rows(X)
        self.n_samples_seen_ += X.shape[0]
        self._finish()
        return self

    def _finish(self):
        r = min(self.n_components, self.sketch_.k)
        if self.n_samples_seen_ == 0:
            self.components_ = np.zeros((r, self.n_features_in_))
            self.singular_values_ = np.zeros(r)
            self.error_estimate_ = None
            return
        _, sigma, Vt = self.sketch_.factors(r)
        self.components_ = Vt
        self.singular_values_ = sigma
        self.error_estimate_ = self.sketch_.error_estimate(r) if self.sketch_.q else None

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
