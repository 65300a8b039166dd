"""scikit-learn estimators around :class:`AnalogMLP`."""

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from tqdm.auto import tqdm

from .._lib._random import as_generator
from .._lib._validation import check_choice, check_scalar
from .._lib._warnings import SaturationWarning
from ..devices import get_device
from ._mlp import _ACTIVATIONS, _RULES, AnalogMLP, softmax
from ._rules import TrainingRule

__all__ = ["AnalogMLPClassifier", "AnalogMLPRegressor"]


class _AnalogMLPBase(BaseEstimator):
    _loss = None

    def __init__(self, hidden_layer_sizes=(16,), *, activation="relu", optimizer="sgd",
                 device="ideal", periphery="ideal", update_mode="mean_field",
                 learning_rate=0.1, batch_size=16, max_iter=10, random_state=None,
                 verbose=False):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.device = device
        self.periphery = periphery
        self.update_mode = update_mode
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self):
        hidden = self.hidden_layer_sizes
        if isinstance(hidden, numbers.Integral):
            hidden = (hidden,)
        hidden = tuple(hidden)
        for h in hidden:
            check_scalar(h, "hidden_layer_sizes entries", kind=numbers.Integral, low=1)
        check_choice(self.activation, "activation", _ACTIVATIONS)
        if not isinstance(self.optimizer, TrainingRule):
            check_choice(self.optimizer, "optimizer", tuple(_RULES))
        check_choice(self.update_mode, "update_mode",
                     ("stochastic", "deterministic", "mean_field"))
        get_device(self.device)
        check_scalar(self.learning_rate, "learning_rate", low=0.0, low_inclusive=False)
        check_scalar(self.batch_size, "batch_size", kind=numbers.Integral, low=1)
        check_scalar(self.max_iter, "max_iter", kind=numbers.Integral, low=1)
        return hidden

    def _init_network(self, n_in, n_out, hidden):
        self._rng = as_generator(self.random_state)
        self.network_ = AnalogMLP([n_in, *hidden, n_out], activation=self.activation,
                                  loss=self._loss, rule=self.optimizer, device=self.device,
                                  periphery=self.periphery, update_mode=self.update_mode,
                                  rng=self._rng)
        self.loss_curve_ = []
        self.n_iter_ = 0

    def _epochs(self, X, Y, n_epochs):
        n = X.shape[0]
        bs = min(self.batch_size, n)
        bar = tqdm(range(n_epochs), disable=not self.verbose, desc=type(self).__name__)
        for _ in bar:
            with warnings.catch_warnings():
                # Saturation is part of bounded-device training; it is counted in
                # n_saturated_ instead of warning on every update.
                warnings.simplefilter("ignore", SaturationWarning)
                self._epoch(X, Y, n, bs)
            bar.set_postfix(loss=f"{self.loss_curve_[-1]:.4f}")
        self.n_saturated_ = sum(layer.n_saturated for layer in self.network_.layers)
        return self

    def _epoch(self, X, Y, n, bs):
        order = self._rng.permutation(n)
        total = 0.0
        for start in range(0, n, bs):
            idx = order[start:start + bs]
            total += self.network_.train_step(X[idx], Y[idx], self.learning_rate) * len(idx)
        self.loss_curve_.append(total / n)
        self.n_iter_ += 1

    def _decision(self, X):
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self.network_.forward(X)


class AnalogMLPClassifier(ClassifierMixin, _AnalogMLPBase):
    """Multi-layer perceptron classifier trained on simulated crossbars.

    Softmax cross-entropy on a linear output layer; every weight matrix lives on crossbars
    of ``device`` and is trained by pulsed rank-1 updates under ``optimizer``.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default (16,)
    activation : {"relu", "tanh", "sigmoid"}, default "relu"
    optimizer : {"sgd", "tiki_taka", "shd", "rwv", "copies"} or TrainingRule, default "sgd"
        :class:`AnalogSGD`, :class:`TikiTaka`, :class:`StochasticHamiltonianDescent`, or
        the conventional baselines :class:`ReadWriteVerify` and :class:`DeviceCopies`
        (``k=4``), with their default settings; or a configured rule instance.
    device : Device or str, default "ideal"
    periphery : Periphery, "ideal" or None, default "ideal"
        None is the realistic default periphery.
    update_mode : {"stochastic", "deterministic", "mean_field"}, default "mean_field"
        Pulse model of the updates; ``"stochastic"`` is the hardware's coincidence scheme
        (each mini-batch is one batched update per array; about twice the simulation time
        of ``"mean_field"`` on the digits benchmark).
    learning_rate : float, default 0.1
    batch_size : int, default 16
    max_iter : int, default 10
        Epochs of :meth:`fit`.
    random_state : None, int or Generator
    verbose : bool, default False
        Show a tqdm progress bar over epochs.

    Attributes
    ----------
    classes_ : ndarray
    network_ : AnalogMLP
    loss_curve_ : list of float
        Mean training loss per epoch.
    n_iter_ : int
        Epochs run.
    n_saturated_ : int
        Devices found at a bound after an update, summed over all updates (the
        per-update :class:`~analoglinalg.SaturationWarning` is silenced during training).
    n_features_in_ : int

    See Also
    --------
    AnalogMLPRegressor, AnalogMLP

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from analoglinalg.nn import AnalogMLPClassifier
    >>> X, y = make_blobs(60, centers=[[-1, -1], [1, 1]], cluster_std=0.5, random_state=0)
    >>> clf = AnalogMLPClassifier(random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.9
    True
    """

    _loss = "cross_entropy"

    def fit(self, X, y):
        """Train for ``max_iter`` epochs from a fresh network; return self."""
        hidden = self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        self._init_network(X.shape[1], max(len(self.classes_), 2), hidden)
        return self._epochs(X, self._one_hot(y), self.max_iter)

    def partial_fit(self, X, y, classes=None):
        """One epoch over ``(X, y)``; the first call needs ``classes``. Return self."""
        first = not hasattr(self, "network_")
        hidden = self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64, reset=first)
        check_classification_targets(y)
        if first:
            if classes is None:
                raise ValueError("classes must be given on the first call to partial_fit")
            self.classes_ = np.unique(classes)
            self._init_network(X.shape[1], max(len(self.classes_), 2), hidden)
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(f"classes={np.unique(classes).tolist()!r} differs from the "
                             f"classes of the first call, {self.classes_.tolist()!r}")
        return self._epochs(X, self._one_hot(y), 1)

    def _one_hot(self, y):
        unknown = np.setdiff1d(np.unique(y), self.classes_)
        if unknown.size:
            raise ValueError(f"y contains labels {unknown.tolist()!r} not in classes "
                             f"{self.classes_.tolist()!r}")
        idx = np.searchsorted(self.classes_, y)
        Y = np.zeros((len(y), max(len(self.classes_), 2)))
        Y[np.arange(len(y)), idx] = 1.0
        return Y

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes)."""
        P = softmax(self._decision(X))
        # A single seen class gets probability one; the network still has two outputs.
        return P[:, :len(self.classes_)] if len(self.classes_) > 1 else P[:, :1] / P[:, :1]

    def score(self, X, y, sample_weight=None):
        """Mean accuracy of :meth:`predict` on ``(X, y)``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,)
        sample_weight : array_like of shape (n_samples,) or None

        Returns
        -------
        float
        """
        return super().score(X, y, sample_weight=sample_weight)

    def predict(self, X):
        """Most probable class of each sample."""
        scores = self._decision(X)
        return self.classes_[np.argmax(scores[:, :len(self.classes_)], axis=1)]


class AnalogMLPRegressor(RegressorMixin, _AnalogMLPBase):
    """Multi-layer perceptron regressor trained on simulated crossbars.

    Squared loss on a linear output layer; the targets are standardised internally so the
    pulsed updates stay within the devices' range. Parameters are as for
    :class:`AnalogMLPClassifier`.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default (16,)
    activation : {"relu", "tanh", "sigmoid"}, default "relu"
    optimizer : {"sgd", "tiki_taka", "shd", "rwv", "copies"} or TrainingRule, default "sgd"
    device : Device or str, default "ideal"
    periphery : Periphery, "ideal" or None, default "ideal"
    update_mode : {"stochastic", "deterministic", "mean_field"}, default "mean_field"
    learning_rate : float, default 0.1
    batch_size : int, default 16
    max_iter : int, default 10
    random_state : None, int or Generator
    verbose : bool, default False

    Attributes
    ----------
    network_ : AnalogMLP
    loss_curve_ : list of float
    n_iter_ : int
    n_features_in_ : int

    See Also
    --------
    AnalogMLPClassifier, AnalogMLP

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.nn import AnalogMLPRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, (100, 2))
    >>> y = X[:, 0] - 2 * X[:, 1]
    >>> reg = AnalogMLPRegressor(max_iter=50, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.9
    True
    """

    _loss = "squared"

    def fit(self, X, y):
        """Train for ``max_iter`` epochs from a fresh network; return self."""
        hidden = self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        Y = self._start(X, y, hidden)
        return self._epochs(X, Y, self.max_iter)

    def partial_fit(self, X, y):
        """One epoch over ``(X, y)``; return self."""
        first = not hasattr(self, "network_")
        hidden = self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True,
                             reset=first)
        if first:
            Y = self._start(X, y, hidden)
        else:
            Y = (y.reshape(len(y), -1) - self._y_mean) / self._y_std
            if Y.shape[1] != self._y_mean.shape[0]:
                raise ValueError(f"y must have {self._y_mean.shape[0]} outputs as in the "
                                 f"first call, got {Y.shape[1]}")
        return self._epochs(X, Y, 1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _start(self, X, y, hidden):
        self._single = y.ndim == 1
        Y = y.reshape(len(y), -1)
        self._y_mean = Y.mean(axis=0)
        std = Y.std(axis=0)
        self._y_std = np.where(std > 0, std, 1.0)
        self._init_network(X.shape[1], Y.shape[1], hidden)
        return (Y - self._y_mean) / self._y_std

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R^2 of :meth:`predict` on ``(X, y)``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array_like of shape (n_samples,) or None

        Returns
        -------
        float
        """
        return super().score(X, y, sample_weight=sample_weight)

    def predict(self, X):
        """Predicted targets, shape (n_samples,) or (n_samples, n_outputs)."""
        out = self._decision(X) * self._y_std + self._y_mean
        return out[:, 0] if self._single else out
