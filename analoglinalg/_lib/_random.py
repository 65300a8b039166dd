"""Turning the ``rng`` / ``random_state`` conventions into a NumPy Generator."""

import numbers

import numpy as np

__all__ = ["as_generator", "spawn_seed"]


def as_generator(rng):
    """Return a :class:`numpy.random.Generator` for ``rng``.

    ``rng`` may be None (fresh entropy), an int, a :class:`numpy.random.SeedSequence`,
    a :class:`numpy.random.Generator` (returned as is, so state is shared) or a legacy
    :class:`numpy.random.RandomState` (scikit-learn's ``random_state``), from which a
    Generator is seeded deterministically.
    """
    if rng is None or isinstance(rng, (numbers.Integral, np.random.SeedSequence)):
        if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng < 0:
            raise ValueError(f"rng must be a non-negative integer seed, got {rng!r}")
        if isinstance(rng, bool):
            raise TypeError(f"rng must be None, an int, a SeedSequence or a Generator, got {rng!r}")
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, np.random.RandomState):
        return np.random.default_rng(rng.randint(0, 2**31 - 1, size=4))
    raise TypeError(
        f"rng must be None, an int, a SeedSequence, a Generator or a RandomState, got {rng!r}"
    )


def spawn_seed(generator):
    """Draw one 64-bit seed from ``generator`` for a counter-based kernel."""
    return int(generator.integers(0, 2**63 - 1, dtype=np.int64))
