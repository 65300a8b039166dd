"""A fully connected layer whose weight matrix lives on crossbars."""

import numbers

import numpy as np

from .._lib._random import as_generator
from .._lib._validation import check_choice, check_finite_array, check_scalar
from ..crossbar import Crossbar
from ..devices import get_device

__all__ = ["AnalogLinear"]

_MODES = ("stochastic", "deterministic", "mean_field")
_INITS = ("glorot", "zeros")


class AnalogLinear:
    """``y = W x + b`` with ``W`` held by one or more crossbars.

    The forward pass is an analog read (:meth:`Crossbar.matmat`), the backward pass a
    transposed read (:meth:`Crossbar.rmatmat`), and the weight update is done by a training
    rule (:class:`AnalogSGD`, :class:`TikiTaka`, :class:`StochasticHamiltonianDescent`) as
    parallel pulsed rank-1 updates, one per sample (or by a conventional baseline,
    :class:`ReadWriteVerify`, :class:`DeviceCopies`). The visible weight is
    ``W = sum_k c_k W_k`` over the layer's arrays; a fresh layer has one array,
    ``"weight"``, with coefficient 1. The bias (if any) is digital.

    Parameters
    ----------
    n_in, n_out : int
        Input and output sizes; the crossbar has shape ``(n_out, n_in)``.
    device : Device or str, default "protonic_psg_2022"
        Device (or preset name) of the arrays.
    periphery : Periphery, "ideal" or None
        As for :class:`~analoglinalg.Crossbar`.
    bias : bool, default True
        Keep a digital bias vector.
    init : {"glorot", "zeros"}, default "glorot"
        ``"glorot"`` programs ``U(-a, a)`` weights, ``a = sqrt(6 / (n_in + n_out))``
        (Glorot & Bengio 2010); ``"zeros"`` starts from the zero matrix with every device at
        its symmetry point and ``scale`` matrix units per device unit.
    scale : float, default 1.0
        Matrix units per device unit when ``init="zeros"``.
    range_fraction : float, default 0.25
        With ``init="glorot"``, the fraction of the device range (symmetry point to bound)
        that the largest initial weight of a column takes; the rest is room to learn.
    update_mode : {"stochastic", "deterministic", "mean_field"}, default "stochastic"
        Mode of every :meth:`Crossbar.rank1_update` the training rules issue.
    rng : None, int, SeedSequence or Generator
        Initial weights and every crossbar's draws.

    Attributes
    ----------
    arrays : dict of str to Crossbar
        The crossbars, by role.
    coefficients : dict of str to float
        Coefficient of each array in the visible weight.
    bias : ndarray of shape (n_out,) or None
    n_clipped_updates : int
        Rank-1 updates that asked for more pulses than a crossbar can give in one update and
        were scaled down to the largest allowed (update management, as aihwkit's).
    n_saturated : int
        Devices found at a bound after an update, summed over the updates.

    See Also
    --------
    AnalogSGD, TikiTaka, StochasticHamiltonianDescent, ReadWriteVerify, DeviceCopies,
    AnalogMLP

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.nn import AnalogLinear
    >>> layer = AnalogLinear(3, 2, device="ideal", periphery="ideal", rng=0)
    >>> X = np.ones((4, 3))
    >>> bool(np.allclose(layer.forward(X), X @ layer.weight.T + layer.bias, atol=1e-5))
    True
    """

    def __init__(self, n_in, n_out, *, device="protonic_psg_2022", periphery=None, bias=True,
                 init="glorot", scale=1.0, range_fraction=0.25, update_mode="stochastic",
                 rng=None):
        check_scalar(n_in, "n_in", kind=numbers.Integral, low=1)
        check_scalar(n_out, "n_out", kind=numbers.Integral, low=1)
        device = get_device(device)
        check_choice(init, "init", _INITS)
        check_choice(update_mode, "update_mode", _MODES)
        scale = check_scalar(scale, "scale", low=0.0, low_inclusive=False)
        check_scalar(range_fraction, "range_fraction", low=0.0, high=1.0, low_inclusive=False)
        self.n_in, self.n_out = int(n_in), int(n_out)
        self.device = device
        self.periphery = periphery
        self.update_mode = update_mode
        self._rng = as_generator(rng)
        # Kept so that rules adding replicas of the weight array (DeviceCopies) can program
        # them with the same digital matrix and hence the same per-column scale.
        self._initial = None
        self._range_fraction = float(range_fraction)
        if init == "glorot":
            a = np.sqrt(6.0 / (n_in + n_out))
            W0 = self._rng.uniform(-a, a, size=(self.n_out, self.n_in))
            xb = Crossbar.from_matrix(W0, device=device, periphery=periphery,
                                      range_fraction=range_fraction, rng=self._rng)
            self._initial = W0
        else:
            xb = Crossbar((self.n_out, self.n_in), device=device, periphery=periphery,
                          scale=scale, rng=self._rng)
        self.arrays = {"weight": xb}
        self.coefficients = {"weight": 1.0}
        self.bias = np.zeros(self.n_out) if bias else None
        self.n_clipped_updates = 0
        self.n_saturated = 0
        self.rule_state = None

    # --- arrays ---------------------------------------------------------------------------
    def add_array(self, name, coefficient=0.0, *, device=None, scale=None):
        """Add a crossbar holding zero (devices at their symmetry point); return it.

        Parameters
        ----------
        name : str
            Role of the new array (must be new).
        coefficient : float, default 0.0
            Its coefficient in the visible weight.
        device : Device, str or None
            Its device; None uses the layer's.
        scale : float or None
            Matrix units per device unit; None copies the weight array's scale.

        Returns
        -------
        Crossbar
        """
        if name in self.arrays:
            raise ValueError(f"name must be a new array name, got {name!r} which exists")
        coefficient = check_scalar(coefficient, "coefficient")
        device = self.device if device is None else get_device(device)
        scale = self.arrays["weight"].scale if scale is None else check_scalar(
            scale, "scale", low=0.0, low_inclusive=False)
        xb = Crossbar((self.n_out, self.n_in), device=device, periphery=self.periphery,
                      scale=scale, rng=self._rng)
        self.arrays[name] = xb
        self.coefficients[name] = coefficient
        return xb

    @property
    def weight(self):
        """The visible weight ``sum_k c_k W_k``, read exactly (diagnostics, no cost)."""
        return sum(c * self.arrays[k].read() for k, c in self.coefficients.items() if c != 0)

    @property
    def n_devices(self):
        """Weight devices over all the layer's arrays (reference devices not counted)."""
        return sum(xb.shape[0] * xb.shape[1] for xb in self.arrays.values())

    @property
    def n_pulses(self):
        """Device pulses of updates plus programming/reset pulses, summed over the arrays."""
        return sum(xb.cost.n_device_pulses + xb.cost.n_programming_pulses
                   for xb in self.arrays.values())

    @property
    def energy(self):
        """Joules spent by all the layer's arrays (reads, updates, programming)."""
        return sum(xb.cost.energy for xb in self.arrays.values())

    # --- passes ---------------------------------------------------------------------------
    def forward(self, X):
        """Analog forward pass of a batch: ``X W^T + b``.

        Parameters
        ----------
        X : array_like of shape (batch, n_in)

        Returns
        -------
        ndarray of shape (batch, n_out)
        """
        return self._forward(check_finite_array(X, "X", ndim=2, shape=(None, self.n_in)))

    def _forward(self, X):
        # The body of forward for callers that validated X (the network's training loop).
        Y = None
        for name, c in self.coefficients.items():
            if c != 0:
                part = self.arrays[name].matmat(X.T).T
                Y = c * part if Y is None else Y + c * part
        if Y is None:
            Y = np.zeros((X.shape[0], self.n_out))
        if self.bias is not None:
            Y += self.bias
        return Y

    def backward(self, delta):
        """Analog transposed read of the output errors: ``delta W``.

        Parameters
        ----------
        delta : array_like of shape (batch, n_out)

        Returns
        -------
        ndarray of shape (batch, n_in)
        """
        return self._backward(check_finite_array(delta, "delta", ndim=2,
                                                 shape=(None, self.n_out)))

    def _backward(self, delta):
        G = None
        for name, c in self.coefficients.items():
            if c != 0:
                part = self.arrays[name].rmatmat(delta.T).T
                G = c * part if G is None else G + c * part
        if G is None:
            G = np.zeros((delta.shape[0], self.n_in))
        return G

    def pulse_update(self, name, u, v, alpha, mode=None):
        """``W_name <- W_name + alpha u v^T`` by one pulsed rank-1 update; return its report.

        An update that needs more pulses than one :meth:`Crossbar.rank1_update` allows is
        scaled down to the largest allowed and counted in ``n_clipped_updates``. ``mode``
        overrides the layer's ``update_mode`` for this update.
        """
        xb = self.arrays[name]
        u = np.asarray(u, dtype=float)
        v = np.asarray(v, dtype=float)
        need = abs(alpha) * np.abs(u).max(initial=0) * np.abs(v / xb.scale).max(initial=0)
        limit = 0.999 * xb.bit_length * xb.max_cycles * xb.device.dw_min
        if need > limit:
            alpha = alpha * limit / need
            self.n_clipped_updates += 1
        report = xb.rank1_update(u, v, alpha, mode=self.update_mode if mode is None else mode)
        self.n_saturated += report.n_saturated
        return report

    def pulse_updates(self, name, U, V, alpha, mode=None):
        """``W_name <- W_name + alpha U[b] V[b]^T`` for every ``b``, as one batched update.

        The same as :meth:`pulse_update` on each row pair in turn (each sample that needs
        more pulses than a crossbar allows is scaled down and counted in
        ``n_clipped_updates``), issued as one :meth:`Crossbar.rank1_updates
        <analoglinalg.Crossbar.rank1_updates>` call.

        Parameters
        ----------
        name : str
            The array to update.
        U : ndarray of shape (B, n_out)
        V : ndarray of shape (B, n_in)
        alpha : float
        mode : {"stochastic", "deterministic", "mean_field"} or None
            None uses the layer's ``update_mode``.

        Returns
        -------
        UpdateReport
            Totals over the batch.

        Examples
        --------
        >>> import numpy as np
        >>> from analoglinalg.nn import AnalogLinear
        >>> layer = AnalogLinear(2, 1, device="ideal", periphery="ideal", init="zeros",
        ...                      update_mode="mean_field", rng=0)
        >>> _ = layer.pulse_updates("weight", np.ones((2, 1)), np.array([[1.0, 0.0],
        ...                                                             [0.0, 2.0]]), 0.05)
        >>> np.round(layer.weight, 4), layer.n_clipped_updates
        (array([[0.05, 0.1 ]]), 0)
        """
        xb = self.arrays[name]
        U = np.asarray(U, dtype=float)
        V = np.asarray(V, dtype=float)
        need = (abs(alpha) * np.abs(U).max(axis=1, initial=0)
                * np.abs(V / xb.scale).max(axis=1, initial=0))
        limit = 0.999 * xb.bit_length * xb.max_cycles * xb.device.dw_min
        clipped = need > limit
        alphas = np.full(len(U), float(alpha))
        if clipped.any():
            alphas[clipped] = alpha * limit / need[clipped]
            self.n_clipped_updates += int(np.count_nonzero(clipped))
        report = xb.rank1_updates(U, V, alphas,
                                  mode=self.update_mode if mode is None else mode)
        self.n_saturated += report.n_saturated
        return report

    def __repr__(self):
        arrays = ", ".join(f"{k}*{c:g}" for k, c in self.coefficients.items())
        return (f"<AnalogLinear {self.n_in}->{self.n_out} on {self.device.name!r} "
                f"({arrays})>")
