"""Shared fixtures of the device tests."""

import numba
import pytest


@pytest.fixture(autouse=True)
def _one_numba_thread():
    # Many tests launch the pulse kernel thousands of times on a handful of devices; on a
    # loaded 2-core machine the OpenMP thread wake-up then dominates (up to ms per launch).
    # Results do not depend on the thread count (counter-based random numbers); the kernel
    # test runs with all threads to keep the parallel path covered.
    previous = numba.get_num_threads()
    numba.set_num_threads(1)
    yield
    numba.set_num_threads(previous)
