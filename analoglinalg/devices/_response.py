"""Pulse-response models: how far one pulse moves a device, as a function of its state.

A response model gives the state-dependent factors ``q_up(w)`` and ``q_down(w)`` that multiply
a device's nominal up and down steps. Every model is an immutable dataclass with a NumPy
implementation (the reference) and a ``(code, params, nodes)`` encoding that the numba
kernels in :mod:`analoglinalg.devices._kernels` evaluate the same way.

The families follow the update-once rules of aihwkit (Rasch et al., 2021) so that traces can
be cross-checked against it; the formulas are written from their documentation, not copied.
"""

from dataclasses import dataclass, field

import numpy as np

from .._lib._validation import check_finite_array, check_scalar

__all__ = [
    "ResponseModel",
    "ConstantStep",
    "LinearStep",
    "SoftBounds",
    "ExpStep",
    "PowStep",
    "PiecewiseStep",
]

CONSTANT, LINEAR, EXP, POW, PIECEWISE = 0, 1, 2, 3, 4


class ResponseModel:
    """Base class of the pulse-response families.

    Subclasses implement :meth:`q_up` and :meth:`q_down`, both evaluated at state ``w`` of a
    device whose bounds are ``w_min`` and ``w_max``. The factors multiply the device's
    nominal step: an up pulse moves ``w`` by ``dw_up * q_up(w)``, a down pulse by
    ``-dw_down * q_down(w)``.

    Examples
    --------
    >>> from analoglinalg.devices import SoftBounds
    >>> model = SoftBounds()
    >>> float(model.asymmetric_part(0.5, -1.0, 1.0))  # down steps exceed up steps above 0
    0.5
    """

    code = -1

    def q_up(self, w, w_min, w_max):
        """Relative size of an up step at state ``w``."""
        raise NotImplementedError

    def q_down(self, w, w_min, w_max):
        """Relative size of a down step at state ``w``."""
        raise NotImplementedError

    def symmetric_part(self, w, w_min, w_max):
        """``F(w) = (q_down + q_up) / 2``, the part of the response that follows the gradient."""
        return 0.5 * (self.q_down(w, w_min, w_max) + self.q_up(w, w_min, w_max))

    def asymmetric_part(self, w, w_min, w_max):
        """``G(w) = (q_down - q_up) / 2``, the part that drifts toward the symmetry point."""
        return 0.5 * (self.q_down(w, w_min, w_max) - self.q_up(w, w_min, w_max))

    def kernel_args(self):
        """``(code, params, nodes_up, nodes_down)`` for the numba kernels."""
        empty = np.zeros(1, dtype=np.float32)
        return self.code, np.asarray(self._params(), dtype=np.float32), empty, empty

    def _params(self):
        return [0.0]


@dataclass(frozen=True)
class ConstantStep(ResponseModel):
    """Every pulse moves the state by the same step until it is clipped at a bound.

    The device of the Gokmen & Vlasov (2016) RPU specification.

    Examples
    --------
    >>> from analoglinalg.devices import ConstantStep
    >>> ConstantStep().q_up([-0.5, 0.0, 0.5], -1.0, 1.0).tolist()
    [1.0, 1.0, 1.0]
    """

    code = CONSTANT

    def q_up(self, w, w_min, w_max):
        return np.ones_like(np.asarray(w, dtype=float))

    def q_down(self, w, w_min, w_max):
        return np.ones_like(np.asarray(w, dtype=float))


@dataclass(frozen=True)
class LinearStep(ResponseModel):
    """Step size linear in the state.

    ``q_up = 1 - gamma_up*w/w_max`` and ``q_down = 1 - gamma_down*w/w_min``. ``gamma = 1`` in
    both directions gives soft bounds (:class:`SoftBounds`). The electrochemical devices
    (Li-ion and metal-oxide ECRAM) are fitted by this family (aihwkit's ``LinearStepDevice``
    presets of Tang et al. 2018 and Kim et al. 2019).

    Parameters
    ----------
    gamma_up, gamma_down : float
        Slopes of the up and down step, non-negative.

    Examples
    --------
    >>> from analoglinalg.devices import LinearStep
    >>> model = LinearStep(gamma_up=0.1153, gamma_down=0.5085)
    >>> round(float(model.q_up(-0.8276, -0.8276, 1.1724)), 4)  # aihwkit's Li-ECRAM fit
    1.0814
    """

    gamma_up: float = 0.0
    gamma_down: float = 0.0
    code = LINEAR

    def __post_init__(self):
        check_scalar(self.gamma_up, "gamma_up", low=0.0)
        check_scalar(self.gamma_down, "gamma_down", low=0.0)

    def q_up(self, w, w_min, w_max):
        return 1.0 - self.gamma_up * np.asarray(w, dtype=float) / w_max

    def q_down(self, w, w_min, w_max):
        return 1.0 - self.gamma_down * np.asarray(w, dtype=float) / w_min

    def _params(self):
        return [self.gamma_up, self.gamma_down]


@dataclass(frozen=True)
class SoftBounds(LinearStep):
    """Steps shrink linearly to zero at the bounds.

    ``q_up = 1 - w/w_max`` and ``q_down = 1 - w/w_min``.

    Examples
    --------
    >>> from analoglinalg.devices import SoftBounds
    >>> SoftBounds().q_up([0.0, 0.3, 0.6], -0.6, 0.6).round(3).tolist()
    [1.0, 0.5, 0.0]
    """

    gamma_up: float = field(default=1.0, init=False)
    gamma_down: float = field(default=1.0, init=False)


@dataclass(frozen=True)
class ExpStep(ResponseModel):
    """Exponential step response, the ReRAM/PCM family.

    With ``z = 2*a*w/(w_max - w_min) + b``: ``q_up = max(0, 1 - A_up*exp(gamma_up*z))`` and
    ``q_down = max(0, 1 - A_down*exp(-gamma_down*z))``.

    Examples
    --------
    >>> from analoglinalg.devices import ExpStep
    >>> model = ExpStep(A_up=-1.18445, A_down=-0.081404, gamma_up=5.0, gamma_down=5.0,
    ...                 a=-0.5, b=-0.5)
    >>> round(float(model.q_up(0.0, -1, 1)), 3), round(float(model.q_down(0.0, -1, 1)), 3)
    (1.097, 1.992)
    """

    A_up: float = 0.00081
    A_down: float = 0.36833
    gamma_up: float = 12.44625
    gamma_down: float = 12.78785
    a: float = 0.244
    b: float = 0.2425
    code = EXP

    def __post_init__(self):
        for name in ("A_up", "A_down", "gamma_up", "gamma_down", "a", "b"):
            check_scalar(getattr(self, name), name)

    def _z(self, w, w_min, w_max):
        return 2.0 * self.a * np.asarray(w, dtype=float) / (w_max - w_min) + self.b

    def q_up(self, w, w_min, w_max):
        return np.maximum(0.0, 1.0 - self.A_up * np.exp(self.gamma_up * self._z(w, w_min, w_max)))

    def q_down(self, w, w_min, w_max):
        z = self._z(w, w_min, w_max)
        return np.maximum(0.0, 1.0 - self.A_down * np.exp(-self.gamma_down * z))

    def _params(self):
        return [self.A_up, self.A_down, self.gamma_up, self.gamma_down, self.a, self.b]


@dataclass(frozen=True)
class PowStep(ResponseModel):
    """Power-law step response (Fusi & Abbott 2007 style).

    With ``omega = (w_max - w)/(w_max - w_min)``: ``q_up = omega**gamma_up`` and
    ``q_down = (1 - omega)**gamma_down``, where ``gamma_up = gamma*(1 + up_down)`` and
    ``gamma_down = gamma*(1 - up_down)``.

    Examples
    --------
    >>> from analoglinalg.devices import PowStep
    >>> PowStep(gamma=2.0).q_up([-1.0, 0.0, 1.0], -1.0, 1.0).tolist()
    [1.0, 0.25, 0.0]
    """

    gamma: float = 1.0
    up_down: float = 0.0
    code = POW

    def __post_init__(self):
        check_scalar(self.gamma, "gamma", low=0.0, low_inclusive=False)
        check_scalar(self.up_down, "up_down", low=-1.0, high=1.0)

    def _omega(self, w, w_min, w_max):
        return np.clip((w_max - np.asarray(w, dtype=float)) / (w_max - w_min), 0.0, 1.0)

    def q_up(self, w, w_min, w_max):
        return self._omega(w, w_min, w_max) ** (self.gamma * (1.0 + self.up_down))

    def q_down(self, w, w_min, w_max):
        return (1.0 - self._omega(w, w_min, w_max)) ** (self.gamma * (1.0 - self.up_down))

    def _params(self):
        return [self.gamma * (1.0 + self.up_down), self.gamma * (1.0 - self.up_down)]


@dataclass(frozen=True, eq=False)
class PiecewiseStep(ResponseModel):
    """Lookup-table response: step factors at nodes equally spaced over ``[w_min, w_max]``.

    Between nodes the factor is interpolated linearly. Build one from a measured trace with
    :meth:`from_trace`.

    Parameters
    ----------
    nodes_up, nodes_down : array_like
        Non-negative step factors at equally spaced states (at least 2 nodes each).

    Examples
    --------
    >>> from analoglinalg.devices import PiecewiseStep
    >>> model = PiecewiseStep(nodes_up=(1.0, 0.0), nodes_down=(0.0, 1.0))
    >>> float(model.q_up(0.0, -1.0, 1.0)), float(model.q_down(0.5, -1.0, 1.0))
    (0.5, 0.75)
    """

    nodes_up: tuple = (1.0, 1.0)
    nodes_down: tuple = (1.0, 1.0)
    code = PIECEWISE

    def __post_init__(self):
        for name in ("nodes_up", "nodes_down"):
            nodes = check_finite_array(getattr(self, name), name, ndim=1)
            if nodes.size < 2:
                raise ValueError(f"{name} must have at least 2 nodes, got {nodes.size}")
            if np.any(nodes < 0):
                raise ValueError(f"{name} must be non-negative, got min {nodes.min()!r}")
            object.__setattr__(self, name, tuple(float(v) for v in nodes))

    def __eq__(self, other):
        return (type(other) is type(self) and self.nodes_up == other.nodes_up
                and self.nodes_down == other.nodes_down)

    def __hash__(self):
        return hash((type(self).__name__, self.nodes_up, self.nodes_down))

    @staticmethod
    def _interp(nodes, w, w_min, w_max):
        # Interpolate on the node index so that the bounds may be per-device arrays.
        position = (np.asarray(w, dtype=float) - w_min) / (np.asarray(w_max) - w_min)
        return np.interp(position * (len(nodes) - 1), np.arange(len(nodes)), nodes)

    def q_up(self, w, w_min, w_max):
        return self._interp(self.nodes_up, w, w_min, w_max)

    def q_down(self, w, w_min, w_max):
        return self._interp(self.nodes_down, w, w_min, w_max)

    def kernel_args(self):
        return (self.code, np.zeros(1, dtype=np.float32),
                np.asarray(self.nodes_up, dtype=np.float32),
                np.asarray(self.nodes_down, dtype=np.float32))

    @classmethod
    def from_trace(cls, up_trace, down_trace, *, n_nodes=32):
        """Fit a lookup table to measured up and down traces.

        Parameters
        ----------
        up_trace : array_like
            States (or conductances, affinely mapped) after each of a run of up pulses,
            starting with the state before the first pulse.
        down_trace : array_like
            The same for a run of down pulses.
        n_nodes : int, default 32
            Number of nodes of the table.

        Returns
        -------
        model : PiecewiseStep
            Nodes normalised so that the mean step over the range is 1.
        w_min, w_max, dw_min : float
            The range spanned by the traces and the mean step, for building a
            :class:`~analoglinalg.devices.Device`.

        Examples
        --------
        >>> import numpy as np
        >>> up = np.linspace(-1, 1, 101)
        >>> model, w_min, w_max, dw_min = PiecewiseStep.from_trace(up, up[::-1])
        >>> round(w_min, 3), round(w_max, 3), round(dw_min, 3)
        (-1.0, 1.0, 0.02)
        """
        check_scalar(n_nodes, "n_nodes", kind=int, low=2)
        up = check_finite_array(up_trace, "up_trace", ndim=1)
        down = check_finite_array(down_trace, "down_trace", ndim=1)
        for name, trace in (("up_trace", up), ("down_trace", down)):
            if trace.size < 3:
                raise ValueError(f"{name} must hold at least 3 states, got {trace.size}")
        w_min = float(min(up.min(), down.min()))
        w_max = float(max(up.max(), down.max()))
        if not w_max > w_min:
            raise ValueError("the traces must span a non-empty range of states")
        grid = np.linspace(w_min, w_max, n_nodes)
        half = 0.5 * (grid[1] - grid[0])

        def table(trace, sign):
            steps = sign * np.diff(trace)
            states = trace[:-1]
            nodes = np.empty(n_nodes)
            for k, g in enumerate(grid):
                near = np.abs(states - g) <= half
                nodes[k] = steps[near].mean() if np.any(near) else np.nan
            known = ~np.isnan(nodes)
            nodes = np.interp(grid, grid[known], nodes[known])
            return np.maximum(nodes, 0.0)

        up_nodes, down_nodes = table(up, 1.0), table(down, -1.0)
        dw_min = float(0.5 * (up_nodes.mean() + down_nodes.mean()))
        if not dw_min > 0:
            raise ValueError("the traces show no net movement in the pulse directions")
        return cls(tuple(up_nodes / dw_min), tuple(down_nodes / dw_min)), w_min, w_max, dw_min
