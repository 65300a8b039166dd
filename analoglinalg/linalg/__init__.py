"""Linear solvers that put the O(n^2) work on a crossbar and keep float64 accuracy.

Solvers
-------
solve                    -- mixed-precision refinement: float64 residuals, analog inner solves.
SolveResult              -- the result object of :func:`solve`.

Preconditioning
---------------
crossbar_preconditioner  -- a crossbar as ``M`` for SciPy's Krylov solvers.
"""

from analoglinalg.linalg._solve import SolveResult, crossbar_preconditioner, solve

__all__ = ["solve", "SolveResult", "crossbar_preconditioner"]
