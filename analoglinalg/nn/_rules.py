"""Training rules: how a layer's gradient becomes pulses on its crossbars."""

import numbers

import numpy as np

from .._lib._validation import check_finite_array, check_scalar
from ..devices import get_device
from ._layer import AnalogLinear

__all__ = ["AnalogSGD", "DeviceCopies", "ReadWriteVerify", "StochasticHamiltonianDescent",
           "TikiTaka", "TrainingRule"]


class TrainingRule:
    """Common interface of the training rules.

    A rule is stateless; what it needs to remember about a layer (extra arrays, step
    counters) lives on the layer (``layer.arrays``, ``layer.rule_state``). ``prepare(layer)``
    adds the arrays the rule needs (idempotent); ``step(layer, x, delta, lr)`` applies one
    mini-batch, where the weight gradient is ``sum_b delta_b x_b^T`` (the loss's ``1/batch``
    is already in ``delta``).

    See Also
    --------
    AnalogSGD, TikiTaka, StochasticHamiltonianDescent, ReadWriteVerify, DeviceCopies

    Examples
    --------
    >>> from analoglinalg.nn import AnalogLinear, AnalogSGD, TikiTaka
    >>> sorted(AnalogSGD().prepare(AnalogLinear(3, 2, device="ideal", rng=0)).arrays)
    ['weight']
    """

    def prepare(self, layer):
        """Add the arrays this rule needs to ``layer`` (no-op if present); return ``layer``."""
        if not isinstance(layer, AnalogLinear):
            raise TypeError(f"layer must be an AnalogLinear, got {type(layer).__name__}")
        layer.rule_state = getattr(layer, "rule_state", None) or {"steps": 0, "column": 0}
        self._prepare(layer)
        return layer

    def _prepare(self, layer):
        pass

    def step(self, layer, x, delta, lr):
        """Apply one mini-batch to ``layer``.

        Parameters
        ----------
        layer : AnalogLinear
        x : array_like of shape (batch, n_in)
            The layer's inputs.
        delta : array_like of shape (batch, n_out)
            Gradient of the (mean) loss with respect to the layer's outputs.
        lr : float
            Learning rate (positive).

        Returns
        -------
        AnalogLinear
            ``layer``.
        """
        self.prepare(layer)
        x = check_finite_array(x, "x", ndim=2, shape=(None, layer.n_in))
        delta = check_finite_array(delta, "delta", ndim=2, shape=(x.shape[0], layer.n_out))
        lr = check_scalar(lr, "lr", low=0.0, low_inclusive=False)
        return self._apply(layer, x, delta, lr)

    def _apply(self, layer, x, delta, lr):
        # The body of step for a prepared layer and validated arguments (the training loop).
        self._step(layer, x, delta, lr)
        if layer.bias is not None:
            layer.bias -= lr * delta.sum(axis=0)
        layer.rule_state["steps"] += 1
        return layer

    def _pulse_batch(self, layer, name, x, delta, lr):
        layer.pulse_updates(name, delta, x, -lr)


class AnalogSGD(TrainingRule):
    """Analog SGD: the gradient is pulsed straight into the weight array.

    Each sample gives one parallel rank-1 update ``W <- W - lr delta x^T`` (Gokmen & Vlasov
    2016). With an asymmetric device the expected update is
    ``-lr g F(W) - lr |g| G(W)`` (``F``, ``G`` the symmetric and asymmetric parts of the
    response, :meth:`Device.symmetric_part <analoglinalg.devices.Device.symmetric_part>`), so
    under gradient noise the fixed point is biased toward the devices' symmetry point.

    See Also
    --------
    TikiTaka, StochasticHamiltonianDescent

    References
    ----------
    .. [1] T. Gokmen and Y. Vlasov, "Acceleration of deep neural network training with
       resistive cross-point devices", Front. Neurosci. 10:333 (2016).

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.nn import AnalogLinear, AnalogSGD
    >>> layer = AnalogLinear(2, 1, device="ideal", periphery="ideal", init="zeros",
    ...                      update_mode="mean_field", rng=0)
    >>> _ = AnalogSGD().step(layer, np.array([[1.0, 2.0]]), np.array([[-1.0]]), lr=0.05)
    >>> np.round(layer.weight, 4)
    array([[0.05, 0.1 ]])
    """

    def _step(self, layer, x, delta, lr):
        self._pulse_batch(layer, "weight", x, delta, lr)

    def __repr__(self):
        return "AnalogSGD()"


class _TwoArrayRule(TrainingRule):
    _fast = "fast"

    def _prepare(self, layer):
        if self._fast not in layer.arrays:
            fast = layer.add_array(self._fast, self.gamma, device=self.fast_device)
            if self._zero_shift:
                fast.reset()

    def _transfer_columns(self, layer, columns):
        fast = layer.arrays[self._fast]
        eye = np.zeros((layer.n_in, len(columns)))
        eye[columns, np.arange(len(columns))] = 1.0
        read = fast.matmat(eye)
        layer.pulse_updates("weight", read.T, eye.T, self.transfer_lr)

    def _transfer_rows(self, layer):
        fast = layer.arrays[self._fast]
        eye = np.eye(layer.n_out)
        read = fast.rmatmat(eye)
        layer.pulse_updates("weight", eye, read.T, self.transfer_lr)


def _check_common(gamma, transfer_every, transfer_lr, fast_device):
    gamma = check_scalar(gamma, "gamma", low=0.0)
    check_scalar(transfer_every, "transfer_every", kind=numbers.Integral, low=1)
    transfer_lr = check_scalar(transfer_lr, "transfer_lr", low=0.0, low_inclusive=False)
    if fast_device is not None:
        fast_device = get_device(fast_device)
    return gamma, int(transfer_every), transfer_lr, fast_device


class TikiTaka(_TwoArrayRule):
    """Tiki-Taka (v1): a fast array ``A`` takes the gradient, a slow array ``C`` the transfers.

    The visible weight is ``W = gamma A + C`` (``C`` is the layer's ``"weight"`` array).
    Every mini-batch the per-sample gradients are pulsed into ``A``; every
    ``transfer_every`` mini-batches ``n_columns`` columns of ``A`` are read with one-hot
    inputs (analog reads) and written into ``C`` by rank-1 updates
    ``C <- C + transfer_lr A e_j e_j^T``, cycling through the columns (Gokmen & Haensch
    2020). ``A``'s device asymmetry decays it toward its symmetry point (where its
    reference sits), which is what lets the coupled system reach the true minimiser.

    Parameters
    ----------
    gamma : float, default 0.0
        Weight of ``A`` in the visible weight (aihwkit's default 0: forward through ``C``).
    transfer_every : int, default 1
        Mini-batches between transfers.
    transfer_lr : float, default 1.0
        Gain of the transfer.
    n_columns : int, default 1
        Columns transferred per transfer.
    fast_device : Device, str or None
        Device of ``A``; None uses the layer's.

    See Also
    --------
    AnalogSGD, StochasticHamiltonianDescent

    References
    ----------
    .. [1] T. Gokmen and W. Haensch, "Algorithm for training neural networks on resistive
       device arrays", Front. Neurosci. 14:103 (2020).

    Examples
    --------
    >>> from analoglinalg.nn import AnalogLinear, TikiTaka
    >>> layer = TikiTaka().prepare(AnalogLinear(3, 2, device="ideal", rng=0))
    >>> sorted(layer.arrays)
    ['fast', 'weight']
    """

    _zero_shift = False

    def __init__(self, gamma=0.0, transfer_every=1, transfer_lr=1.0, n_columns=1,
                 fast_device=None):
        self.gamma, self.transfer_every, self.transfer_lr, self.fast_device = _check_common(
            gamma, transfer_every, transfer_lr, fast_device)
        check_scalar(n_columns, "n_columns", kind=numbers.Integral, low=1)
        self.n_columns = int(n_columns)

    def _step(self, layer, x, delta, lr):
        self._pulse_batch(layer, self._fast, x, delta, lr)
        state = layer.rule_state
        if (state["steps"] + 1) % self.transfer_every == 0:
            k = min(self.n_columns, layer.n_in)
            columns = [(state["column"] + i) % layer.n_in for i in range(k)]
            state["column"] = (state["column"] + k) % layer.n_in
            self._transfer_columns(layer, columns)

    def __repr__(self):
        return (f"TikiTaka(gamma={self.gamma!r}, transfer_every={self.transfer_every}, "
                f"transfer_lr={self.transfer_lr!r}, n_columns={self.n_columns})")


class StochasticHamiltonianDescent(_TwoArrayRule):
    """Stochastic Hamiltonian Descent (SHD), as reconstructed from the paper's abstract.

    **This is a reconstruction.** The full text of Onen et al. (2022) was not available to
    us; the dynamics below follow the abstract's description (minimise a Hamiltonian that
    includes the device asymmetry, by analogy with classical mechanics) and are written
    down in the project's research notes. Treat the update schedule as ours, not the
    paper's.

    The layer's ``"weight"`` array ``C`` is the position, a second array ``A`` (the
    ``"momentum"`` array, reference zero-shifted to its symmetry point by
    :meth:`Crossbar.reset <analoglinalg.Crossbar.reset>`) the momentum. Each mini-batch the
    per-sample gradients are pulsed into ``A`` (``A <- A - lr g`` in expectation, plus the
    asymmetric part ``-lr |g| G_A(A)``), then every ``transfer_every`` mini-batches the whole
    of ``A`` is read and written into ``C`` (``C <- C + transfer_lr A``). In continuous time
    this is ``dC/dt = lambda A``, ``dA/dt = -eta grad E(C) - eta |grad E| G_A(A)`` with the
    Lyapunov function

    ``H(C, A) = E(C) + lambda / (2 eta) ||A||^2``,  ``dH/dt = -lambda sum |g_i| G_A(A_i) A_i <= 0``

    (``G_A(a) a >= 0`` for a device referenced at its symmetry point). The device asymmetry
    is the friction: the flow stops only at ``A = 0`` and ``grad E(C) = 0``, the true
    minimiser, whatever the asymmetry; a perfectly symmetric ``A`` gives an undamped
    oscillation.

    Parameters
    ----------
    transfer_lr : float, default 0.1
        ``lambda`` per transfer.
    transfer_every : int, default 1
        Mini-batches between transfers (``lambda_eff = transfer_lr / transfer_every``).
    gamma : float, default 0.0
        Weight of ``A`` in the visible weight ``W = C + gamma A``.
    zero_shift : bool, default True
        Reset ``A`` to its symmetry point when it is created (pulses on its ledger).
    fast_device : Device, str or None
        Device of ``A``; None uses the layer's.

    See Also
    --------
    TikiTaka, AnalogSGD

    Notes
    -----
    Compared with :class:`TikiTaka` the difference is the schedule (the whole of ``A`` is
    transferred, so the pair is a heavy-ball flow with the Hamiltonian above) and the
    explicit zero-shift of ``A``. A row-wise transfer is used when ``A`` has fewer rows than
    columns (fewer rank-1 updates).

    References
    ----------
    .. [1] M. Onen, T. Gokmen, T. K. Todorov, T. Nowicki, J. A. del Alamo, J. Rozen,
       W. Haensch and S. Kim, "Neural network training with asymmetric crosspoint
       elements", Front. Artif. Intell. 5:891624 (2022), arXiv:2201.13377.
    .. [2] C. J. Maddison, D. Paulin, Y. W. Teh, B. O'Donoghue and A. Doucet, "Hamiltonian
       descent methods", arXiv:1809.05042 (2018).

    Examples
    --------
    >>> from analoglinalg.nn import AnalogLinear, StochasticHamiltonianDescent
    >>> layer = StochasticHamiltonianDescent().prepare(AnalogLinear(3, 2, device="ideal",
    ...                                                              rng=0))
    >>> sorted(layer.arrays)
    ['momentum', 'weight']
    """

    _fast = "momentum"

    def __init__(self, transfer_lr=0.1, transfer_every=1, gamma=0.0, zero_shift=True,
                 fast_device=None):
        self.gamma, self.transfer_every, self.transfer_lr, self.fast_device = _check_common(
            gamma, transfer_every, transfer_lr, fast_device)
        self.zero_shift = bool(zero_shift)

    @property
    def _zero_shift(self):
        return self.zero_shift

    def _step(self, layer, x, delta, lr):
        self._pulse_batch(layer, self._fast, x, delta, lr)
        if (layer.rule_state["steps"] + 1) % self.transfer_every == 0:
            if layer.n_out < layer.n_in:
                self._transfer_rows(layer)
            else:
                self._transfer_columns(layer, list(range(layer.n_in)))

    def hamiltonian(self, layer, energy, lr):
        """``H = E(C) + lambda_eff / (2 lr) ||A||_F^2`` for this layer.

        Parameters
        ----------
        layer : AnalogLinear
            A layer prepared by this rule.
        energy : float
            The loss ``E`` at the layer's current ``C``.
        lr : float
            The learning rate ``eta`` of the steps.

        Returns
        -------
        float
        """
        lr = check_scalar(lr, "lr", low=0.0, low_inclusive=False)
        energy = check_scalar(energy, "energy")
        if self._fast not in layer.arrays:
            raise ValueError("layer has no momentum array; call prepare(layer) first")
        A = layer.arrays[self._fast].read()
        lam = self.transfer_lr / self.transfer_every
        return float(energy + lam / (2.0 * lr) * np.sum(A * A))

    def __repr__(self):
        return (f"StochasticHamiltonianDescent(transfer_lr={self.transfer_lr!r}, "
                f"transfer_every={self.transfer_every}, gamma={self.gamma!r}, "
                f"zero_shift={self.zero_shift})")


class ReadWriteVerify(TrainingRule):
    """Conventional remedy 1: read the weights, compute the targets, write-verify them.

    Each mini-batch the weight gradient ``G = delta^T x`` is accumulated digitally; then,
    row after row of the weight array (only rows with a non-zero gradient), the controller
    reads the row, sets the target ``row - lr G_i``, writes the increment with one pulsed
    rank-1 update on that row (``e_i v^T``), and repeats verify-read / correct until every
    device of the row is within ``tol`` of its target or ``max_iter`` corrections are spent
    (a device that missed by less than ``tol`` is left alone).
    Like :meth:`Crossbar.program <analoglinalg.Crossbar.program>`, the controller learns
    each device's response per requested unit from its last correction, so devices with a
    state-dependent (asymmetric) step still converge in a few rounds.

    Because the weight is *programmed* to a target rather than nudged, the device asymmetry
    leaves a residual of at most ``tol`` per step instead of a bias: on
    ``E = 1/2 ||w - w*||^2`` the stationary mean is within ``tol / lr`` of ``w*`` (device
    units). The price is parallelism: one update per row instead of one per sample, each
    followed by a verify read, issued serially, so the ledger's latency grows with the
    number of rows; plus the digital memory and arithmetic for ``G``.

    Parameters
    ----------
    tol : float or None
        Verify tolerance in device units. None: the larger of the device's ``dw_min`` and
        twice its read noise (as :meth:`Crossbar.program <analoglinalg.Crossbar.program>`).
    max_iter : int, default 10
        Correction rounds per row after the first write.

    See Also
    --------
    AnalogSGD, DeviceCopies, StochasticHamiltonianDescent

    Notes
    -----
    The verify read is :meth:`Crossbar.verify_read <analoglinalg.Crossbar.verify_read>`: the
    device state with the device's read noise (not the inference periphery's ADC, whose step
    is far coarser than one pulse), on the crossbar's ledger as verify reads. Corrections
    use deterministic pulse counts when the layer's ``update_mode`` is ``"stochastic"`` (a
    write-verify controller sends definite pulses) and the layer's mode otherwise.

    References
    ----------
    .. [1] M. Onen et al., "Neural network training with asymmetric crosspoint elements",
       Front. Artif. Intell. 5:891624 (2022) (the conventional remedies it contrasts with).
    .. [2] T. Gokmen and Y. Vlasov, Front. Neurosci. 10:333 (2016) (why serial row-wise
       writes forfeit the O(1) parallel update).

    Examples
    --------
    >>> import numpy as np
    >>> from analoglinalg.nn import AnalogLinear, ReadWriteVerify
    >>> layer = AnalogLinear(2, 1, device="ideal", periphery="ideal", init="zeros",
    ...                      update_mode="mean_field", rng=0)
    >>> _ = ReadWriteVerify().step(layer, np.array([[1.0, 2.0]]), np.array([[-1.0]]), lr=0.05)
    >>> np.round(layer.weight, 4)
    array([[0.05, 0.1 ]])
    """

    def __init__(self, tol=None, max_iter=10):
        self.tol = check_scalar(tol, "tol", low=0.0, low_inclusive=False, allow_none=True)
        check_scalar(max_iter, "max_iter", kind=numbers.Integral, low=0)
        self.max_iter = int(max_iter)

    def _step(self, layer, x, delta, lr):
        xb = layer.arrays["weight"]
        G = delta.T @ x
        mode = "deterministic" if layer.update_mode == "stochastic" else layer.update_mode
        tol = self.tol
        if tol is None:
            tol = max(xb.device.dw_min, 2.0 * xb.device.read_noise)
        for i in np.flatnonzero(np.any(G != 0, axis=1)):
            self._write_row(layer, xb, i, lr * G[i], tol, mode)

    def _write_row(self, layer, xb, i, step, tol, mode):
        e = np.zeros(layer.n_out)
        e[i] = 1.0
        observed = xb.verify_read([i])[0]
        target = observed - step
        gain = np.ones(layer.n_in)
        # The increment itself is always written (an increment below the verify tolerance
        # is not lost); verify rounds then correct the devices that missed by more than tol.
        request = -step
        for _ in range(self.max_iter + 1):
            if not request.any():
                break
            layer.pulse_update("weight", e, request, 1.0, mode=mode)
            new = xb.verify_read([i])[0]
            # Only a response well above the verify noise says anything about the gain.
            reliable = np.abs(request / xb.scale) >= 4.0 * tol
            gain[reliable] = np.clip((new - observed)[reliable] / request[reliable],
                                     1.0 / 50.0, 5.0)
            observed = new
            error = target - observed
            request = np.where(np.abs(error / xb.scale) > tol, error / gain, 0.0)

    def __repr__(self):
        return f"ReadWriteVerify(tol={self.tol!r}, max_iter={self.max_iter})"


class DeviceCopies(TrainingRule):
    """Conventional remedy 2: ``k`` device arrays per weight, averaged.

    The visible weight is ``W = (1/k) sum_j W_j`` over the layer's ``"weight"`` array and
    ``k - 1`` replicas (``"copy1"``, ...), programmed with the same initial matrix. Every
    sample's gradient is pulsed into each replica by the same parallel rank-1 update as
    :class:`AnalogSGD`. Independent pulse-to-pulse (cycle-to-cycle) noise and
    device-to-device spreads average out (variance ``1/k``), but every replica has the same
    response ``F``, ``G``, so the asymmetry bias of analog SGD is unchanged. The price is
    area (``k`` devices per weight) and energy (``k`` times the update pulses and reads).

    Parameters
    ----------
    k : int, default 4
        Devices per weight.

    Raises
    ------
    ValueError
        From :meth:`prepare`, if the layer's weight array has already been updated (the
        replicas must start from the same matrix).

    See Also
    --------
    AnalogSGD, ReadWriteVerify, StochasticHamiltonianDescent

    References
    ----------
    .. [1] M. Onen et al., "Neural network training with asymmetric crosspoint elements",
       Front. Artif. Intell. 5:891624 (2022) (the conventional remedies it contrasts with).

    Examples
    --------
    >>> from analoglinalg.nn import AnalogLinear, DeviceCopies
    >>> layer = DeviceCopies(k=3).prepare(AnalogLinear(3, 2, device="ideal", rng=0))
    >>> sorted(layer.arrays), layer.n_devices
    (['copy1', 'copy2', 'weight'], 18)
    """

    def __init__(self, k=4):
        check_scalar(k, "k", kind=numbers.Integral, low=1)
        self.k = int(k)

    def _names(self):
        return ["weight"] + [f"copy{j}" for j in range(1, self.k)]

    def _prepare(self, layer):
        if all(name in layer.arrays for name in self._names()):
            return
        weight = layer.arrays["weight"]
        if weight.cost.n_updates:
            raise ValueError("layer must not have been updated before DeviceCopies prepares "
                             f"it, got {weight.cost.n_updates} updates on its weight array")
        for name in self._names()[1:]:
            xb = layer.add_array(name, 1.0 / self.k)
            if layer._initial is not None:
                xb.program(layer._initial, range_fraction=layer._range_fraction)
        layer.coefficients["weight"] = 1.0 / self.k

    def _step(self, layer, x, delta, lr):
        for name in self._names():
            self._pulse_batch(layer, name, x, delta, lr)

    def __repr__(self):
        return f"DeviceCopies(k={self.k})"
