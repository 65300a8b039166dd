"""AnalogTruncatedSVD: scikit-learn's estimator checks and agreement with TruncatedSVD."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.decomposition import TruncatedSVD
from sklearn.utils.estimator_checks import parametrize_with_checks

from analoglinalg.sketch import AnalogTruncatedSVD


@parametrize_with_checks([
    AnalogTruncatedSVD(),
    AnalogTruncatedSVD(device="ideal", periphery="ideal"),
    AnalogTruncatedSVD(device="protonic_psg_2022"),
])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("sparse", [False, True])
def test_equals_truncated_svd(sparse, fixed_normal):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 30)) @ np.diag(np.logspace(0, -2, 30))
    if sparse:
        X = sp.csr_array(X * (rng.random(X.shape) < 0.3))
    ours = AnalogTruncatedSVD(5, random_state=4).fit(X)
    ref = TruncatedSVD(5, algorithm="randomized", random_state=fixed_normal(4)).fit(X)
    assert_allclose(ours.components_, ref.components_, atol=1e-12)
    assert_allclose(ours.singular_values_, ref.singular_values_, rtol=1e-12)
    assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=1e-6)
    assert_allclose(ours.transform(X), ref.transform(X), atol=1e-12)
    assert_allclose(ours.inverse_transform(ours.transform(X)),
                    ref.inverse_transform(ref.transform(X)), atol=1e-12)
    assert ours.cost_ is None


def test_bad_n_components():
    with pytest.raises(ValueError, match="n_components must be <= 4"):
        AnalogTruncatedSVD(5).fit(np.ones((6, 4)))
