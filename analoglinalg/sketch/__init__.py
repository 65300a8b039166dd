"""Randomized sketching on analog crossbars.

Randomized low-rank approximation and least squares whose matrix products may run on a
simulated crossbar of programmable resistors. Every routine touches its matrix only through
block products ``A @ X`` and ``A.H @ X``, so it accepts an ndarray, a sparse matrix, any
:class:`scipy.sparse.linalg.LinearOperator` or a :class:`~analoglinalg.crossbar.Crossbar`.

Low-rank approximation
----------------------
randomized_range_finder
    Orthonormal basis for the dominant range (HMT Algorithm 4.4).
randomized_svd
    Truncated SVD, scikit-learn's signature, defaults and sign convention.
randomized_eigh
    Nystrom eigendecomposition of a positive semidefinite matrix (stable shifted form).
AnalogTruncatedSVD
    scikit-learn transformer (fit / transform / inverse_transform) on a crossbar.

Least squares
-------------
sketch_lstsq
    Sketch-and-solve.
sketch_precondition_lstsq
    Sketch-and-precondition (Blendenpik / LSRN) with warm-started LSQR.

Sketching operators
-------------------
AnalogSketch
    A random test matrix programmed once onto a crossbar; data stream through it, one
    analog read per vector.

Hardware cost
-------------
Functions that return arrays keep scikit-learn's / SciPy's return values; ``return_cost=True``
appends the CostLedger of the crossbar the call used (``None`` on the digital path). Result
objects (:func:`sketch_precondition_lstsq`) carry it as ``result.cost``; estimators and
:class:`AnalogSketch` expose ``cost``.
"""

from ._analog_sketch import AnalogSketch
from ._estimator import AnalogTruncatedSVD
from ._lstsq import sketch_lstsq, sketch_precondition_lstsq
from ._nystrom import randomized_eigh
from ._svd import randomized_range_finder, randomized_svd

__all__ = [
    "AnalogSketch",
    "AnalogTruncatedSVD",
    "randomized_eigh",
    "randomized_range_finder",
    "randomized_svd",
    "sketch_lstsq",
    "sketch_precondition_lstsq",
]
