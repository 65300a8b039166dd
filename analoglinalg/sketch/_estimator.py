"""scikit-learn transformer: truncated SVD with the data matrix on a crossbar."""

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.sparsefuncs import mean_variance_axis
from sklearn.utils.validation import check_is_fitted, validate_data

from .._lib._random import as_generator
from .._lib._validation import check_choice, check_scalar
from ._operand import as_operand, crossbar_cost
from ._svd import _NORMALIZERS, _randomized_svd, _svd_flip

__all__ = ["AnalogTruncatedSVD"]


class AnalogTruncatedSVD(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Dimensionality reduction by randomized truncated SVD, sketched on a crossbar.

    Works like :class:`sklearn.decomposition.TruncatedSVD` with ``algorithm='randomized'``
    (no centering, so sparse input is fine). With ``device`` set, ``fit`` programs the data
    matrix onto a crossbar and every product of the randomized SVD is an analog read; the
    crossbar's ledger is kept in ``cost_``. ``transform`` projects digitally onto the fitted
    components.

    Parameters
    ----------
    n_components : int, default=2
        Number of components, ``1 <= n_components <= n_features``.
    n_oversamples : int, default=10
        Extra test vectors of the sketch.
    n_iter : int, default=5
        Power iterations (as TruncatedSVD's default).
    power_iteration_normalizer : {'auto', 'QR', 'LU', 'none'}, default='auto'
        See :func:`randomized_svd`.
    device : str, Device or None, default=None
        Device preset of the crossbar the data are programmed onto; ``None`` fits digitally.
    periphery : Periphery, optional
        The crossbar's periphery (requires ``device``).
    random_state : None, int, RandomState or Generator, default=None
        Seeds the test matrix and the crossbar.

    Attributes
    ----------
    components_ : ndarray, shape (n_components, n_features)
        Right singular vectors (rows).
    explained_variance_ : ndarray, shape (n_components,)
        Variance of the training data projected on each component.
    explained_variance_ratio_ : ndarray, shape (n_components,)
        ``explained_variance_`` over the total variance of the training data.
    singular_values_ : ndarray, shape (n_components,)
        Singular value estimates.
    cost_ : CostLedger or None
        Ledger of the crossbar used by ``fit`` (``None`` when digital).
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of str
        Feature names seen in ``fit`` (only when ``X`` has string column names).

    See Also
    --------
    randomized_svd : The function underneath.

    Notes
    -----
    Signs follow TruncatedSVD (``svd_flip`` with ``u_based_decision=False``). When the reads
    are noisy (any device but ``'ideal'``), refits with the same ``random_state`` are still
    identical, but results depend on the order and subset of the samples beyond rounding, so
    the estimator declares the ``non_deterministic`` tag.

    References
    ----------
    .. [1] N. Halko, P. G. Martinsson, J. A. Tropp, "Finding structure with randomness",
       SIAM Review 53(2):217-288, 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.sketch import AnalogTruncatedSVD
    >>> X = np.random.default_rng(0).standard_normal((30, 10))
    >>> svd = AnalogTruncatedSVD(n_components=3, random_state=0).fit(X)
    >>> svd.transform(X).shape
    (30, 3)
    """

    def __init__(self, n_components=2, *, n_oversamples=10, n_iter=5,
                 power_iteration_normalizer="auto", device=None, periphery=None,
                 random_state=None):
        self.n_components = n_components
        self.n_oversamples = n_oversamples
        self.n_iter = n_iter
        self.power_iteration_normalizer = power_iteration_normalizer
        self.device = device
        self.periphery = periphery
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.non_deterministic = self.device is not None and self.device != "ideal"
        return tags

    def fit(self, X, y=None):
        """Fit the components on ``X``.

        Parameters
        ----------
        X : array_like or sparse matrix, shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        self : AnalogTruncatedSVD
            The fitted estimator.
        """
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit on ``X`` and return its projection onto the components.

        Parameters
        ----------
        X : array_like or sparse matrix, shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        ndarray, shape (n_samples, n_components)
            ``X @ components_.T``.
        """
        X = validate_data(self, X, accept_sparse=["csr", "csc"], ensure_min_features=2,
                          dtype=[np.float64, np.float32])
        check_scalar(self.n_components, "n_components", kind=numbers.Integral, low=1,
                     high=X.shape[1])
        check_scalar(self.n_oversamples, "n_oversamples", kind=numbers.Integral, low=0)
        check_scalar(self.n_iter, "n_iter", kind=numbers.Integral, low=0)
        check_choice(self.power_iteration_normalizer, "power_iteration_normalizer", _NORMALIZERS)
        generator = as_generator(self.random_state)
        op, xb = as_operand(X, "X", device=self.device, periphery=self.periphery,
                            generator=generator)
        U, s, Vt = _randomized_svd(op, self.n_components, self.n_oversamples, self.n_iter,
                                   self.power_iteration_normalizer, "auto", False, generator,
                                   analog=xb is not None)
        U, Vt = _svd_flip(U, Vt, u_based=False)
        self.components_ = Vt.astype(X.dtype, copy=False)
        self.singular_values_ = s.astype(X.dtype, copy=False)
        self.cost_ = crossbar_cost(xb)
        X_new = self.transform(X)
        self.explained_variance_ = np.var(X_new, axis=0)
        if sp.issparse(X):
            full_var = mean_variance_axis(X, axis=0)[1].sum()
        else:
            full_var = np.var(X, axis=0).sum()
        self.explained_variance_ratio_ = self.explained_variance_ / full_var
        return X_new

    def transform(self, X):
        """Project ``X`` onto the components.

        Parameters
        ----------
        X : array_like or sparse matrix, shape (n_samples, n_features)
            Data.

        Returns
        -------
        ndarray, shape (n_samples, n_components)
            ``X @ components_.T``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=False,
                          dtype=[np.float64, np.float32])
        return np.asarray(X @ self.components_.T)

    def inverse_transform(self, X):
        """Map reduced data back to feature space: ``X @ components_``.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_components)
            Reduced data.

        Returns
        -------
        ndarray, shape (n_samples, n_features)
            The reconstruction.
        """
        check_is_fitted(self)
        X = np.asarray(X)
        return X @ self.components_

    @property
    def _n_features_out(self):
        return self.components_.shape[0]
