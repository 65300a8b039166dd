"""A small multi-layer perceptron built from analog layers."""

import numbers

import numpy as np

from .._lib._random import as_generator
from .._lib._validation import check_choice, check_finite_array, check_scalar
from ._layer import AnalogLinear
from ._rules import (
    AnalogSGD,
    DeviceCopies,
    ReadWriteVerify,
    StochasticHamiltonianDescent,
    TikiTaka,
    TrainingRule,
)

__all__ = ["AnalogMLP"]

_ACTIVATIONS = ("relu", "tanh", "sigmoid")
_LOSSES = ("cross_entropy", "squared")
_RULES = {"sgd": AnalogSGD, "tiki_taka": TikiTaka, "shd": StochasticHamiltonianDescent,
          "rwv": ReadWriteVerify, "copies": DeviceCopies}


def _activate(name, Z):
    if name == "relu":
        return np.maximum(Z, 0.0)
    if name == "tanh":
        return np.tanh(Z)
    return 0.5 * (1.0 + np.tanh(0.5 * Z))  # overflow-free logistic


def _derivative(name, Z, A):
    if name == "relu":
        return (Z > 0).astype(float)
    if name == "tanh":
        return 1.0 - A * A
    return A * (1.0 - A)


def softmax(Z):
    """Row-wise softmax, shifted by the row maximum so it cannot overflow."""
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def resolve_rule(rule):
    """A :class:`TrainingRule` from an instance or a name of ``_RULES``."""
    if isinstance(rule, TrainingRule):
        return rule
    check_choice(rule, "optimizer", tuple(_RULES))
    return _RULES[rule]()


class AnalogMLP:
    """A multi-layer perceptron whose every weight matrix lives on crossbars.

    Hidden layers use ``activation``; the output layer is linear (logits for
    ``loss="cross_entropy"``, which applies a softmax, values for ``loss="squared"``).
    Forward and backward passes are analog reads; the updates are issued by ``rule``.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_in, hidden..., n_out)``, at least two entries.
    activation : {"relu", "tanh", "sigmoid"}, default "relu"
    loss : {"cross_entropy", "squared"}, default "cross_entropy"
    rule : TrainingRule or {"sgd", "tiki_taka", "shd", "rwv", "copies"}, default "sgd"
    device : Device or str, default "protonic_psg_2022"
        Device of every layer.
    periphery : Periphery, "ideal" or None
        As for :class:`~analoglinalg.Crossbar`.
    update_mode : {"stochastic", "deterministic", "mean_field"}, default "stochastic"
        Mode of the pulsed updates.
    rng : None, int, SeedSequence or Generator

    See Also
    --------
    AnalogLinear, AnalogMLPClassifier, AnalogMLPRegressor

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.nn import AnalogMLP
    >>> net = AnalogMLP([4, 8, 3], device="ideal", periphery="ideal",
    ...                 update_mode="mean_field", rng=0)
    >>> net.forward(np.ones((5, 4))).shape
    (5, 3)
    """

    def __init__(self, layer_sizes, *, activation="relu", loss="cross_entropy", rule="sgd",
                 device="protonic_psg_2022", periphery=None, update_mode="stochastic",
                 rng=None):
        sizes = list(layer_sizes)
        if len(sizes) < 2:
            raise ValueError(f"layer_sizes must have at least 2 entries, got {sizes!r}")
        for s in sizes:
            check_scalar(s, "layer_sizes entries", kind=numbers.Integral, low=1)
        check_choice(activation, "activation", _ACTIVATIONS)
        check_choice(loss, "loss", _LOSSES)
        self.rule = resolve_rule(rule)
        self.activation = activation
        self.loss = loss
        rng = as_generator(rng)
        self.layers = [AnalogLinear(a, b, device=device, periphery=periphery,
                                    update_mode=update_mode, rng=rng)
                       for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
        for layer in self.layers:
            self.rule.prepare(layer)
        self._cache = None

    def forward(self, X):
        """Outputs (logits or values) for a batch ``X`` of shape (batch, n_in)."""
        A = check_finite_array(X, "X", ndim=2, shape=(None, self.layers[0].n_in))
        cache = []
        for i, layer in enumerate(self.layers):
            Z = layer._forward(A)
            out = Z if i == len(self.layers) - 1 else _activate(self.activation, Z)
            cache.append((A, Z, out))
            A = out
        self._cache = cache
        return A

    def loss_value(self, output, Y):
        """Mean loss of outputs ``output`` against targets ``Y`` (one-hot for cross-entropy)."""
        if self.loss == "cross_entropy":
            Z = output - output.max(axis=1, keepdims=True)
            logp = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
            return float(-np.sum(Y * logp) / len(Y))
        return float(0.5 * np.sum((output - Y) ** 2) / len(Y))

    def train_step(self, X, Y, lr):
        """One forward/backward/update pass on a mini-batch; return the batch loss.

        Parameters
        ----------
        X : array_like of shape (batch, n_in)
        Y : array_like of shape (batch, n_out)
            One-hot labels (cross-entropy) or targets (squared loss).
        lr : float

        Returns
        -------
        float
            The mean loss before the update.
        """
        lr = check_scalar(lr, "lr", low=0.0, low_inclusive=False)
        output = self.forward(X)
        Y = check_finite_array(Y, "Y", ndim=2, shape=(output.shape[0], output.shape[1]))
        loss = self.loss_value(output, Y)
        probs = softmax(output) if self.loss == "cross_entropy" else output
        delta = (probs - Y) / len(Y)
        for i in range(len(self.layers) - 1, -1, -1):
            A_in, _, _ = self._cache[i]
            back = self.layers[i]._backward(delta) if i > 0 else None
            # Arrays built here and a layer prepared in __init__: the rule's checks are done.
            self.rule._apply(self.layers[i], A_in, delta, lr)
            if i > 0:
                _, Z_prev, A_prev = self._cache[i - 1]
                delta = back * _derivative(self.activation, Z_prev, A_prev)
        return loss

    @property
    def n_pulses(self):
        """Device pulses (updates, programming, resets) over all layers."""
        return sum(layer.n_pulses for layer in self.layers)

    @property
    def energy(self):
        """Joules spent by all layers' crossbars."""
        return sum(layer.energy for layer in self.layers)
