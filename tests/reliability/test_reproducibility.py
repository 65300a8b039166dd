"""Same seed, same bits: across fresh processes, with and without numba's JIT, 1 or 2 threads.

Each configuration runs ``_repro_case.py`` in a fresh interpreter (``sys.executable``) and
compares the SHA-256 of every result with the reference run. Runs with parallel numba
kernels on several threads are marked slow: on a loaded 2-core machine OpenMP's barriers make
them ten times slower than the single-thread runs.
"""

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CASE = Path(__file__).with_name("_repro_case.py")
REFERENCE = "1 numba thread (run 1)"
CONFIGS = {
    REFERENCE: {"NUMBA_NUM_THREADS": "1"},
    "1 numba thread (run 2)": {"NUMBA_NUM_THREADS": "1"},
    "NUMBA_DISABLE_JIT=1": {"NUMBA_DISABLE_JIT": "1"},
    "2 numba threads": {"NUMBA_NUM_THREADS": "2"},
    "default threads": {},
}
SLOW = ("2 numba threads", "default threads")


@functools.cache
def run(config):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env.update(CONFIGS[config])
    proc = subprocess.run([sys.executable, str(CASE)], env=env, text=True, timeout=600,
                          capture_output=True)
    assert proc.returncode == 0, f"{config}: exit status {proc.returncode}\n{proc.stderr}"
    return json.loads(proc.stdout)


@pytest.mark.parametrize("config", [
    pytest.param(c, marks=[pytest.mark.slow] if c in SLOW else [])
    for c in CONFIGS if c != REFERENCE])
def test_bit_identical(config):
    reference = run(REFERENCE)
    assert set(reference) == {"program", "updates", "reads", "ledger", "randomized_svd",
                              "three_sketch", "mlp"}
    result = run(config)
    differing = [k for k in reference if result[k] != reference[k]]
    assert not differing, f"{config} differs from {REFERENCE!r} in {differing}"
