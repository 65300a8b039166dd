"""Streaming low-rank approximation (`analoglinalg.streaming`).

Sketches of a matrix that is never stored, updated as data stream in, held either digitally or
on simulated analog crossbars.

Sketches
--------
ThreeSketch
    Range, co-range and core sketches of Tropp, Yurtsever, Udell and Cevher (SISC 2019) under
    linear updates ``A <- theta*A + eta*H``; fixed-rank reconstruction and a-posteriori error
    estimate; analog test matrices or analog ping-pong accumulators.
NystromSketch
    Fixed-rank PSD approximation from a streamed range sketch (Tropp et al., NeurIPS 2017).
FrequentDirections
    Deterministic, mergeable row-stream sketch (Liberty 2013; Ghashami et al. 2016), a
    scikit-learn transformer.

Estimators
----------
StreamingSVD
    scikit-learn transformer with ``partial_fit``: truncated SVD of a row stream by a
    three-sketch.

Sizes, bounds and test data
---------------------------
sketch_sizes
    The paper's ``(k, s)`` from a rank and/or a storage budget (eqs. 5.3, 5.6, 5.7).
min_storage
    Smallest admissible storage budget.
three_sketch_error_bound
    Theorem 5.1 bound on ``E ||A - A_hat||_F^2``.
make_test_matrix
    The LowRank / PolyDecay / ExpDecay test families.
"""

from ._frequent_directions import FrequentDirections
from ._nystrom import NystromSketch
from ._sizes import min_storage, sketch_sizes, three_sketch_error_bound
from ._svd_estimator import StreamingSVD
from ._test_matrices import make_test_matrix
from ._three_sketch import ThreeSketch

__all__ = [
    "FrequentDirections",
    "NystromSketch",
    "StreamingSVD",
    "ThreeSketch",
    "make_test_matrix",
    "min_storage",
    "sketch_sizes",
    "three_sketch_error_bound",
]
