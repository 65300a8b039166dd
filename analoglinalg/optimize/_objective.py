"""Objective wrapper: argument passing, gradient (analytic, ``jac=True`` or finite
differences), evaluation counts and shape checks."""

import numpy as np

__all__ = ["_Objective"]


class _Objective:
    """Memoised ``x -> (f, g)`` with SciPy's ``nfev``/``njev`` bookkeeping.

    ``jac`` is a callable, ``True`` (``fun`` returns ``(f, g)``) or ``None`` (forward
    differences with step ``eps * max(1, |x_i|)``, ``n`` extra evaluations of ``fun``).
    """

    def __init__(self, fun, jac, args, n, eps):
        self.fun, self.jac, self.args, self.n, self.eps = fun, jac, tuple(args), n, eps
        self.nfev = 0
        self.njev = 0
        self._x = None
        self._fg = None

    def _f(self, x):
        self.nfev += 1
        out = self.fun(x, *self.args)
        if self.jac is True:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise ValueError(
                    "with jac=True, fun must return a tuple (f, g), "
                    f"got {type(out).__name__}"
                )
            f, g = out
            return self._scalar(f), g
        return self._scalar(out), None

    @staticmethod
    def _scalar(f):
        arr = np.asarray(f)
        if arr.size != 1:
            raise ValueError(f"fun must return a scalar, got an array of shape {arr.shape}")
        if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
            raise ValueError(f"fun must return a real scalar, got dtype {arr.dtype}")
        return float(arr.reshape(()))

    def _grad(self, g):
        g = np.asarray(g, dtype=np.float64)
        if g.shape != (self.n,):
            if g.size == self.n and g.ndim == 2 and 1 in g.shape:
                return g.reshape(self.n)
            raise ValueError(f"jac must return an array of shape ({self.n},), got {g.shape}")
        return g

    def __call__(self, x):
        if self._x is not None and np.array_equal(x, self._x):
            return self._fg
        x = np.array(x, dtype=np.float64, copy=True)
        f, g = self._f(x)
        if self.jac is True:
            self.njev += 1
            g = self._grad(g)
        elif callable(self.jac):
            if not np.isfinite(f):
                g = np.full(self.n, np.nan)
            else:
                self.njev += 1
                g = self._grad(self.jac(x, *self.args))
        elif np.isfinite(f):
            g = self._forward_difference(x, f)
        else:
            g = np.full(self.n, np.nan)
        self._x, self._fg = x, (f, g)
        return f, g

    def _forward_difference(self, x, f0):
        g = np.empty(self.n)
        for i in range(self.n):
            h = self.eps * max(1.0, abs(x[i]))
            xh = x.copy()
            xh[i] += h
            # Use the step actually representable in floating point.
            g[i] = (self._f(xh)[0] - f0) / (xh[i] - x[i])
        return g
