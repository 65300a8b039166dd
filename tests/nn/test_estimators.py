"""scikit-learn's estimator checks for the analog MLP estimators.

Checks that train to an accuracy threshold run every sample as a pulsed update (seconds
each); they and the SHD-optimizer variant are marked slow in ``conftest.py``.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from analoglinalg.nn import AnalogMLPClassifier, AnalogMLPRegressor


@parametrize_with_checks([AnalogMLPClassifier(), AnalogMLPRegressor(),
                          AnalogMLPClassifier(optimizer="shd")])
def test_sklearn_compatible(estimator, check):
    check(estimator)
