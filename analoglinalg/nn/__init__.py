"""Neural-network training on crossbars: analog layers, asymmetry-aware training rules, MLPs.

Layers and networks
-------------------
AnalogLinear      A fully connected layer whose weight lives on crossbars.
AnalogMLP         A multi-layer perceptron of AnalogLinear layers.

Training rules
--------------
TrainingRule                  Common interface (``prepare``, ``step``).
AnalogSGD                     Pulses straight into the weight array.
TikiTaka                      Fast/slow array pair with column transfers (Gokmen & Haensch 2020).
StochasticHamiltonianDescent  Position/momentum array pair with a Hamiltonian (reconstruction).
ReadWriteVerify               Baseline: read, compute targets, row-by-row write-verify.
DeviceCopies                  Baseline: k device arrays per weight, averaged.

Estimators
----------
AnalogMLPClassifier, AnalogMLPRegressor   scikit-learn estimators.
"""

from ._estimators import AnalogMLPClassifier, AnalogMLPRegressor
from ._layer import AnalogLinear
from ._mlp import AnalogMLP
from ._rules import (
    AnalogSGD,
    DeviceCopies,
    ReadWriteVerify,
    StochasticHamiltonianDescent,
    TikiTaka,
    TrainingRule,
)

__all__ = [
    "AnalogLinear",
    "AnalogMLP",
    "AnalogMLPClassifier",
    "AnalogMLPRegressor",
    "AnalogSGD",
    "DeviceCopies",
    "ReadWriteVerify",
    "StochasticHamiltonianDescent",
    "TikiTaka",
    "TrainingRule",
]
