"""Quasi-Newton optimisation with the Hessian approximation held on a crossbar.

The inverse Hessian (or inverse Jacobian) is stored on an analog crossbar: each search
direction is one analog matrix-vector product and each quasi-Newton update a short sum of
rank-1 pulse updates, while the line search and the O(n) vector work stay on the CPU.

Minimisation
------------
minimize      -- BFGS / SR1 / DFP on a crossbar, returns ``scipy.optimize.OptimizeResult``.
bfgs          -- analog BFGS as a ``scipy.optimize.minimize`` method (``method=bfgs``).
sr1           -- analog SR1 as a ``scipy.optimize.minimize`` method.
dfp           -- analog DFP as a ``scipy.optimize.minimize`` method.

Root finding
------------
root          -- Broyden's methods with the inverse Jacobian on a crossbar.
"""

from analoglinalg.optimize._minimize import bfgs, dfp, minimize, sr1
from analoglinalg.optimize._root import root

__all__ = ["minimize", "bfgs", "sr1", "dfp", "root"]
