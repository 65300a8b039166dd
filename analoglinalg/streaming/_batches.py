"""Row batches for the estimators' ``fit``: one progress-bar tick per batch."""

from tqdm.auto import tqdm

__all__ = ["row_batches"]


def row_batches(X, batch_size, *, verbose, desc):
    """Consecutive blocks of ``batch_size`` rows of ``X`` (the last one may be shorter)."""
    starts = range(0, X.shape[0], batch_size)
    for start in tqdm(starts, disable=not verbose, desc=desc, unit="batch"):
        yield X[start:start + batch_size]
