"""Shared fixtures of the reliability suite: the invalid-input tally and object snapshots."""

import json
import os

import numpy as np
import pytest
import scipy.sparse as sp

_CASES = {}


def _totals():
    return {"tried": len(_CASES), "clean": sum(ok for ok, _ in _CASES.values()),
            "failures": sorted(f"{key}: {detail}" for key, (ok, detail) in _CASES.items()
                               if not ok)}


class Tally:
    """Counts distinct invalid-input cases and those handled cleanly.

    A case is clean when the call raised ValueError or TypeError naming the parameter and
    the value and left every object involved unchanged. Hypothesis replays a case while
    shrinking; each distinct ``(case, parameter, value)`` counts once.
    """

    def record(self, case, ok, detail=""):
        _CASES[case] = (ok, detail)

    @staticmethod
    def snapshot(obj):
        return snapshot(obj)

    @staticmethod
    def difference(a, b):
        return first_difference(a, b)


@pytest.fixture(scope="session")
def tally(tmp_path_factory):
    yield Tally()
    out = tmp_path_factory.getbasetemp() / "invalid_input_tally.json"
    out.write_text(json.dumps(_totals(), indent=1))


def pytest_terminal_summary(terminalreporter):
    totals = _totals()
    if totals["tried"]:
        terminalreporter.write_line(
            f"reliability: {totals['tried']} distinct invalid-input cases tried, "
            f"{totals['clean']} handled cleanly")
        if os.environ.get("RELIABILITY_REPORT"):
            for line in totals["failures"]:
                terminalreporter.write_line(f"  not clean: {line}")


def snapshot(obj, _seen=None):
    """A nested, comparable image of ``obj``'s complete state (arrays bit for bit).

    Generators are captured by their bit-generator state, arrays by dtype, shape and bytes,
    objects by their ``__dict__`` (and ``__slots__``); shared and cyclic references are
    visited once.
    """
    seen = set() if _seen is None else _seen
    if isinstance(obj, (str, bytes, int, float, complex, bool, type(None), type)):
        # NaN != NaN: compare floats by their bits
        return ("f", float(obj).hex()) if isinstance(obj, float) else obj
    if isinstance(obj, np.ndarray):
        return ("nd", obj.dtype.str, obj.shape, np.ascontiguousarray(obj).tobytes())
    if isinstance(obj, np.generic):
        return ("np", obj.dtype.str, obj.tobytes())
    if isinstance(obj, np.random.Generator):
        return ("rng", repr(obj.bit_generator.state))
    if isinstance(obj, np.random.RandomState):
        return ("rs", repr(obj.get_state(legacy=False)))
    if sp.issparse(obj):
        return ("sp", snapshot(obj.toarray()))
    if callable(obj) and not hasattr(obj, "__dict__"):
        return ("fn", repr(obj))
    if id(obj) in seen:
        return ("ref", type(obj).__name__)
    seen.add(id(obj))
    if isinstance(obj, dict):
        return ("dict", [(snapshot(k, seen), snapshot(v, seen)) for k, v in obj.items()])
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [snapshot(v, seen) for v in obj])
    if isinstance(obj, (set, frozenset)):
        return ("set", sorted(repr(v) for v in obj))
    state = {}
    if hasattr(obj, "__dict__"):
        state.update(vars(obj))
    for cls in type(obj).__mro__:
        for name in getattr(cls, "__slots__", ()):
            if hasattr(obj, name):
                state[name] = getattr(obj, name)
    if not state:
        return ("obj", type(obj).__name__, repr(obj))
    # ``state`` is a temporary: its id may be reused, so it must not enter ``seen``.
    return ("obj", type(obj).__name__,
            [(k, snapshot(v, seen)) for k, v in state.items()])


def first_difference(a, b, path="state"):
    """Where two snapshots first differ (a short description), or None."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}/{i}")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {str(a)[:120]} -> {str(b)[:120]}"
