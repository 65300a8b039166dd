"""StreamingSVD and the error handling of every sketch."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone

from analoglinalg.streaming import (
    StreamingSVD,
    ThreeSketch,
    min_storage,
    sketch_sizes,
)


def test_sketch_size_rules_reproduce_tabulated_pairs():
    shape = (1000, 1000)
    natural = [sketch_sizes(shape, 10, storage=t * 2000) for t in (23, 46, 92)]
    flat = [sketch_sizes(shape, 10, storage=t * 2000, rule="flat") for t in (23, 46, 92)]
    assert natural == [(21, 63), (42, 89), (79, 161)]
    assert flat == [(18, 100), (29, 184), (43, 313)]
    for r in (1, 5, 10):
        assert sketch_sizes(shape, r) == (4 * r + 1, 8 * r + 3)
    assert min_storage(shape, 10) == 12 * 2000 + 25 ** 2
    assert sketch_sizes(shape, 10, storage=min_storage(shape, 10)) == (12, 25)


def test_storage_below_minimum_is_rejected():
    with pytest.raises(ValueError, match=r"storage must be >= 24625 .* got 24624"):
        sketch_sizes((1000, 1000), 10, storage=24624)
    with pytest.raises(ValueError, match="rule"):
        sketch_sizes((1000, 1000), 10, rule="oracle")


BAD_UPDATES = [
    (np.ones((5, 4)), {}, ValueError, r"H must have shape \(6, 4\)"),
    (np.full((6, 4), np.nan), {}, ValueError, "H must be finite"),
    (np.ones((6, 4)), {"theta": np.inf}, ValueError, "theta must be finite"),
    (np.ones((6, 4)), {"eta": float("nan")}, ValueError, "eta must be finite"),
    ((np.ones((6, 2)), np.ones((4, 3))), {}, ValueError, "factored update"),
    (sp.csr_array((3, 4)), {}, ValueError, "shape"),
    (np.ones((6, 4), dtype=complex), {}, TypeError, "real"),
]


@pytest.mark.parametrize(("H", "kw", "exc", "match"), BAD_UPDATES)
def test_failed_update_leaves_sketch_unchanged(H, kw, exc, match):
    sk = ThreeSketch((6, 4), 2, 3, q=2, rng=0).update(np.arange(24.0).reshape(6, 4))
    before = {n: getattr(sk, n) for n in "XYZW"}
    with pytest.raises(exc, match=match):
        sk.update(H, **kw)
    for n, v in before.items():
        assert np.array_equal(getattr(sk, n), v)
    assert sk.n_updates == 1


def test_bad_row_and_column_updates():
    sk = ThreeSketch((6, 4), 2, 3, rng=0)
    with pytest.raises(ValueError, match="index entries must lie in"):
        sk.update_rows(6, np.ones((1, 4)))
    with pytest.raises(ValueError, match="must not repeat"):
        sk.update_columns([1, 1], np.ones((6, 2)))
    with pytest.raises(ValueError, match=r"values must have shape \(6, 1\)"):
        sk.update_columns(1, np.ones((5, 1)))
    with pytest.raises(ValueError, match="error_estimate needs an error sketch"):
        sk.error_estimate()
    with pytest.raises(ValueError, match="s must be"):
        ThreeSketch((6, 4), 3, 2)
    with pytest.raises(ValueError, match="analog must be one of"):
        ThreeSketch((6, 4), 2, 3, analog="optical")
    with pytest.raises(ValueError, match="flush_every applies"):
        ThreeSketch((6, 4), 2, 3, flush_every=10)
    analog = ThreeSketch((6, 4), 2, 3, analog="test_matrices", device="ideal", rng=0)
    with pytest.raises(ValueError, match="extend_rows needs a digital sketch"):
        analog.extend_rows(np.ones((1, 4)))
    assert sk.n_updates == 0


def test_streaming_svd_partial_fit_matches_fit_and_numpy():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((400, 5)) @ rng.standard_normal((5, 60)) \
        + 1e-3 * rng.standard_normal((400, 60))
    est = StreamingSVD(n_components=5, random_state=0)
    for chunk in np.array_split(A, 7):
        est.partial_fit(chunk)
    full = clone(est).fit(A)
    np.testing.assert_allclose(est.singular_values_, full.singular_values_, rtol=1e-12)
    s_ref = np.linalg.svd(A, compute_uv=False)
    # Rank-5 signal, noise 1e-3: the sketch's singular values are within the noise level.
    np.testing.assert_allclose(est.singular_values_, s_ref[:5], atol=0.05)
    assert est.n_samples_seen_ == 400
    assert est.transform(A).shape == (400, 5)
    tail = np.sqrt(np.sum(s_ref[5:] ** 2))
    assert 0.2 * tail <= est.error_estimate_ <= 5 * tail


def test_streaming_svd_progress_bar(capsys):
    A = np.random.default_rng(1).standard_normal((50, 8))
    StreamingSVD(n_components=2, batch_size=10, verbose=True, random_state=0).fit(A)
    assert "StreamingSVD" in capsys.readouterr().err
