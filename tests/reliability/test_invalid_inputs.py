"""Hostile inputs: every public entry point refuses them cleanly.

For each generated invalid argument the call must raise ValueError or TypeError whose message
names the parameter and the value (or, for arrays, what is wrong with it), and every object
involved (crossbars, estimators, sketches, the caller's Generator) must be bit-identical
before and after. Each case is counted on the session tally (see conftest.py). With the
environment variable ``RELIABILITY_REPORT=1`` the tests do not stop at the first unclean case
but list every one in the terminal summary (a survey mode for finding all of them at once).
"""

import copy
import functools
import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analoglinalg import Crossbar, Device, Periphery, get_device
from analoglinalg.devices import response_curve
from analoglinalg.nn import AnalogMLPClassifier, AnalogMLPRegressor
from analoglinalg.sketch import (
    randomized_eigh,
    randomized_range_finder,
    randomized_svd,
    sketch_lstsq,
)
from analoglinalg.streaming import FrequentDirections, ThreeSketch

SETTINGS = settings(max_examples=45, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
NAN, INF = float("nan"), float("inf")
ARRAY_WORDS = ("NaN", "nan", "finite", "infinit", "shape", "length", "ndim", "dtype", "real",
               "complex", "2-D", "2D", "features", "array", "square", "symmetric", "rows")


def expect_refusal(tally, case, call, name, value, objects=(), value_words=None):
    """Run ``call``; record whether it was refused cleanly and assert so."""
    before = [tally.snapshot(o) for o in objects]
    problems = []
    try:
        call()
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        if name not in msg:
            problems.append(f"message does not name {name!r}: {msg!r}")
        words = value_words if value_words is not None else _value_words(value)
        if not any(w in msg for w in words):
            problems.append(f"message shows none of {words!r}: {msg!r}")
    except Exception as exc:  # noqa: BLE001 - any other class is a finding
        problems.append(f"raised {type(exc).__name__}: {exc}")
    else:
        problems.append("no error raised")
    after = [tally.snapshot(o) for o in objects]
    if after != before:
        problems.append(f"state changed by the failed call ({tally.difference(before, after)})")
    tally.record(f"{case} {name}={value!r}", not problems, "; ".join(problems))
    if os.environ.get("RELIABILITY_REPORT"):
        return  # survey mode: list every finding in the terminal summary
    assert not problems, f"{case} {name}={value!r}: " + "; ".join(problems)


def _value_words(value):
    if isinstance(value, np.ndarray):
        return ARRAY_WORDS
    words = {repr(value), str(value)}
    if isinstance(value, list):
        words.update(ARRAY_WORDS)
    if isinstance(value, type):
        try:
            words.add(np.dtype(value).name)
        except TypeError:
            pass
    if isinstance(value, float) and math.isfinite(value):
        words.add(f"{value:g}")
    if isinstance(value, tuple):
        words.add(repr(tuple(value)))
    return tuple(words)


# ----- strategies of invalid values -------------------------------------------------------
def not_number(none_ok=False):
    return st.sampled_from(["a", "", [1], b"1"] + ([] if none_ok else [None]))


def bad_int(low=1, high=None, none_ok=False):
    """Integral parameter in [low, high]: out-of-range ints, floats, bools, junk."""
    out_of_range = st.integers(max_value=low - 1, min_value=low - 1000)
    if high is not None:
        out_of_range = out_of_range | st.integers(min_value=high + 1, max_value=high + 1000)
    return out_of_range | st.sampled_from([1.5, 2.0, NAN, True]) | not_number(none_ok)


def bad_real(low=None, strict=False, high=None, none_ok=False):
    """Real parameter: NaN, inf, junk, and values outside its range."""
    s = st.sampled_from([NAN, INF, -INF]) | not_number(none_ok)
    if low is not None:
        s = s | st.floats(max_value=low, exclude_max=not strict, allow_nan=False,
                          allow_infinity=False, min_value=low - 1e6)
    if high is not None:
        s = s | st.floats(min_value=high, exclude_min=True, allow_nan=False,
                          allow_infinity=False, max_value=high + 1e6)
    return s


def bad_vector(n, structure=True):
    """Vectors of length n with a NaN/inf, or of another length, or complex/str/3-D."""
    def with_bad(k, bad):
        v = np.linspace(-1, 1, n)
        v[k % n] = bad
        return v
    nonfinite = (st.tuples(st.integers(0, n - 1), st.sampled_from([NAN, INF, -INF]))
                 .map(lambda t: with_bad(*t)))
    if not structure:
        return nonfinite | st.just(np.ones(n) * 1j)
    return (nonfinite | st.integers(1, 2 * n + 2).filter(lambda k: k != n).map(np.ones)
            | st.sampled_from([np.ones(n) * 1j, np.array(["a"] * n), np.ones((n, 2, 1))]))


def bad_matrix(shape, structure=True):
    m, n = shape

    def with_bad(i, j, bad):
        A = np.linspace(-1, 1, m * n).reshape(m, n)
        A[i % m, j % n] = bad
        return A
    nonfinite = (st.tuples(st.integers(0, m - 1), st.integers(0, n - 1),
                           st.sampled_from([NAN, INF])).map(lambda t: with_bad(*t)))
    if not structure:
        return nonfinite
    return nonfinite | st.sampled_from(list(STRUCTURE_CASES(shape).values()))


def STRUCTURE_CASES(shape):  # noqa: N802 - a table, like the constants around it
    """Arrays of the wrong kind for a matrix of ``shape``: 1-D, complex, 3-D, strings."""
    m, n = shape
    return {"1-D": np.ones(m), "complex": np.ones((m, n)) * 1j, "3-D": np.ones((m, n, 1)),
            "strings": np.array([["a"] * n] * m)}


def cases(table):
    """(parameter, invalid value) pairs from ``{parameter: strategy}``."""
    return st.sampled_from(sorted(table)).flatmap(
        lambda p: st.tuples(st.just(p), table[p]))


# ----- crossbars --------------------------------------------------------------------------
CROSSBAR_ARGS = {
    "shape": st.sampled_from([(0, 3), (3,), (2, -1), "ab", (2.0, 3), None, (True, 2), 3]),
    "device": st.sampled_from(["no_such_device", 3, None, 1.5]),
    "periphery": st.sampled_from(["real", 3, 1.5]),
    "scale": st.sampled_from([0.0, -1.0, NAN, INF, "abc", [1.0, 2.0], np.zeros(4)]),
    "tile_shape": st.sampled_from([(0, 2), (2,), "x", (1.5, 2)]),
    "dtype": st.sampled_from([np.int64, np.float16, "foo", complex]),
    "bit_length": bad_int(1, 64),
    "max_cycles": bad_int(1),
    "rng": st.sampled_from([-1, "seed", 1.5, True]),
}


@SETTINGS
@given(case=cases(CROSSBAR_ARGS))
def test_crossbar_construction(tally, case):
    name, value = case
    gen = np.random.default_rng(0)
    kwargs = {"rng": gen, name: value}
    shape = kwargs.pop("shape", (3, 4))
    expect_refusal(tally, "Crossbar()", lambda: Crossbar(shape, **kwargs), name, value,
                   objects=[gen] if name != "rng" else [])


def _crossbar():
    return copy.deepcopy(_built_crossbar())


@functools.cache
def _built_crossbar():
    xb = Crossbar.from_matrix(np.linspace(-1, 1, 12).reshape(3, 4), tile_shape=(2, 2),
                              program="open_loop", rng=3)
    xb.rank1_update(np.ones(3), np.ones(4), 0.01)
    return xb


_XB_METHODS = {
    # wrong lengths: see test_crossbar_wrong_length (SciPy's check comes first)
    "matvec.x": (bad_vector(4, structure=False), lambda xb, v: xb.matvec(v)),
    "rmatvec.x": (bad_vector(3, structure=False), lambda xb, v: xb.rmatvec(v)),
    "matmat.X": (bad_matrix((4, 2)), lambda xb, v: xb.matmat(v)),
    "rank1_update.u": (bad_vector(3), lambda xb, v: xb.rank1_update(v, np.ones(4))),
    "rank1_update.v": (bad_vector(4), lambda xb, v: xb.rank1_update(np.ones(3), v)),
    "rank1_update.alpha": (bad_real() | st.sampled_from([1e9, -1e12]),
                           lambda xb, v: xb.rank1_update(np.ones(3), np.ones(4), v)),
    "rank1_update.mode": (st.sampled_from(["x", None, 1, "Stochastic"]),
                          lambda xb, v: xb.rank1_update(np.ones(3), np.ones(4), mode=v)),
    "program.A": (bad_matrix((3, 4)) | st.sampled_from([np.ones((4, 3))]),
                  lambda xb, v: xb.program(v)),
    "program.program": (st.sampled_from(["x", None, 1]),
                        lambda xb, v: xb.program(np.ones((3, 4)), program=v)),
    "program.tol": (bad_real(0.0, none_ok=True), lambda xb, v: xb.program(np.ones((3, 4)), tol=v)),
    "program.range_fraction": (bad_real(0.0, high=1.0),
                               lambda xb, v: xb.program(np.ones((3, 4)), range_fraction=v)),
    "program.max_iter": (bad_int(1), lambda xb, v: xb.program(np.ones((3, 4)), max_iter=v)),
    "relax.dt": (bad_real(0.0, strict=True), lambda xb, v: xb.relax(v)),
}
_PARAM = {"matvec.x": "x", "rmatvec.x": "x", "matmat.X": "x"}


@SETTINGS
@given(case=cases({k: s for k, (s, _) in _XB_METHODS.items()}))
def test_crossbar_methods(tally, case):
    key, value = case
    xb = _crossbar()
    call = _XB_METHODS[key][1]
    name = _PARAM.get(key, key.split(".")[1])
    expect_refusal(tally, f"Crossbar.{key}", lambda: call(xb, value), name, value, [xb])


@pytest.mark.parametrize("method,x", [
    pytest.param("matvec", np.ones(9)),
    pytest.param("matvec", np.ones((4, 2, 1))),
    pytest.param("rmatvec", np.ones(4)),
    pytest.param("matmat", np.ones((5, 2))),
    pytest.param("rmatmat", np.ones((4, 2))),
    pytest.param("matvec", np.array(["a"] * 4)),
])
def test_crossbar_wrong_length(tally, method, x):
    xb = _crossbar()
    expect_refusal(tally, f"Crossbar.{method}.x", lambda: getattr(xb, method)(x), "x", x, [xb])


FROM_MATRIX_ARGS = {
    "A": bad_matrix((3, 4)),
    "program": st.sampled_from(["x", None, 1]),
    "tol": bad_real(0.0, none_ok=True),
    "range_fraction": bad_real(0.0, high=1.0),
    "device": st.sampled_from(["no_such_device", 3]),
    "tile_shape": st.sampled_from([(0, 2), "x"]),
    "bit_length": bad_int(1, 64),
}


@SETTINGS
@given(case=cases(FROM_MATRIX_ARGS))
def test_crossbar_from_matrix(tally, case):
    name, value = case
    gen = np.random.default_rng(0)
    kwargs = {"rng": gen, name: value}
    A = kwargs.pop("A", np.ones((3, 4)))
    expect_refusal(tally, "Crossbar.from_matrix", lambda: Crossbar.from_matrix(A, **kwargs),
                   name, value, [gen])


# ----- devices and periphery --------------------------------------------------------------
DEVICE_ARGS = {
    "dw_min": bad_real(0.0, strict=True),
    "w_min": st.sampled_from([NAN, INF, 1.0, 2.0, "a"]),
    "up_down": bad_real(-1.0, high=1.0) | st.sampled_from([1.0]),
    "dw_min_dtod": bad_real(0.0),
    "dw_min_std": bad_real(0.0),
    "read_noise": bad_real(0.0),
    "programming_noise": bad_real(0.0),
    "stuck_fraction": bad_real(0.0, high=1.0),
    "retention_tau": st.sampled_from([0.0, -1.0, NAN, "a"]),
    "g_min": bad_real(0.0, strict=True),
    "read_voltage": bad_real(0.0, strict=True),
    "pulse_width": st.sampled_from([0.0, -1e-9, NAN, "a"]),
    "pulse_energy": st.sampled_from([0.0, -1e-15, INF]),
    "response": st.sampled_from(["linear", 1, None]),
}


@SETTINGS
@given(case=cases(DEVICE_ARGS))
def test_device_construction(tally, case):
    name, value = case
    expect_refusal(tally, "Device()", lambda: Device(**{name: value}), name, value)


PERIPHERY_ARGS = {
    "dac_bits": bad_int(1, 24, none_ok=True),
    "adc_bits": bad_int(1, 24, none_ok=True),
    "out_noise": bad_real(0.0),
    "out_bound": bad_real(0.0, strict=True, none_ok=True),
    "bound_management": st.sampled_from([1, 0, "yes", None]),
    "max_bound_retries": bad_int(0, 30),
    "adc_energy": bad_real(0.0),
    "integration_time": bad_real(0.0),
    "line_capacitance": bad_real(0.0),
    "update_overhead": bad_real(0.0),
}


@SETTINGS
@given(case=cases(PERIPHERY_ARGS))
def test_periphery_construction(tally, case):
    name, value = case
    expect_refusal(tally, "Periphery()", lambda: Periphery(**{name: value}), name, value)


@pytest.mark.parametrize("value", ["no_such_device", "", 3, None, 1.5, ["ideal"]])
def test_get_device(tally, value):
    expect_refusal(tally, "get_device", lambda: get_device(value), "device"
                   if not isinstance(value, str) else "unknown device", value)


RESPONSE_CURVE_ARGS = {
    "device": st.sampled_from(["no_such_device", 3]),
    "n_up": bad_int(0),
    "n_down": bad_int(0),
    "n_devices": bad_int(1),
    "rng": st.sampled_from([-1, "seed", 1.5]),
}


@SETTINGS
@given(case=cases(RESPONSE_CURVE_ARGS))
def test_response_curve(tally, case):
    name, value = case
    gen = np.random.default_rng(0)
    kwargs = {"n_up": 3, "n_down": 3, "rng": gen, name: value}
    device = kwargs.pop("device", "protonic_psg_2022")
    expect_refusal(tally, "response_curve", lambda: response_curve(device, **kwargs), name,
                   value, [gen] if name != "rng" else [])


# ----- sketching ----------------------------------------------------------------------------
_A = np.linspace(-1, 1, 30).reshape(6, 5)
_PSD = _A.T @ _A

SKETCH_CASES = {
    "randomized_svd.A": (bad_matrix((6, 5)),
                         lambda A, g, v: randomized_svd(v, 2, rng=g)),
    "randomized_svd.n_components": (bad_int(1, 5), lambda A, g, v: randomized_svd(A, v, rng=g)),
    "randomized_svd.n_oversamples": (bad_int(0),
                                     lambda A, g, v: randomized_svd(A, 2, n_oversamples=v,
                                                                    rng=g)),
    "randomized_svd.n_iter": (bad_int(0) | st.just("fast"),
                              lambda A, g, v: randomized_svd(A, 2, n_iter=v, rng=g)),
    "randomized_svd.power_iteration_normalizer": (
        st.sampled_from(["qr", "x", None]),
        lambda A, g, v: randomized_svd(A, 2, power_iteration_normalizer=v, rng=g)),
    "randomized_svd.transpose": (st.sampled_from(["yes", None, 2]),
                                 lambda A, g, v: randomized_svd(A, 2, transpose=v, rng=g)),
    "randomized_range_finder.size": (bad_int(1),
                                     lambda A, g, v: randomized_range_finder(A, v, n_iter=1,
                                                                             rng=g)),
    "randomized_range_finder.n_iter": (bad_int(0),
                                       lambda A, g, v: randomized_range_finder(A, 2, n_iter=v,
                                                                               rng=g)),
    "randomized_eigh.A": (bad_matrix((5, 5)) | st.just(_A),
                          lambda A, g, v: randomized_eigh(v, 2, rng=g)),
    "randomized_eigh.n_components": (bad_int(1, 5),
                                     lambda A, g, v: randomized_eigh(_PSD, v, rng=g)),
    "sketch_lstsq.A": (bad_matrix((6, 5)) | st.just(_A.T),
                       lambda A, g, v: sketch_lstsq(v, np.ones(6), rng=g)),
    "sketch_lstsq.b": (bad_vector(6), lambda A, g, v: sketch_lstsq(_A, v, rng=g)),
    "sketch_lstsq.sketch_size": (bad_int(5, none_ok=True),
                                 lambda A, g, v: sketch_lstsq(_A, np.ones(6), sketch_size=v,
                                                              rng=g)),
}


@SETTINGS
@given(case=cases({k: s for k, (s, _) in SKETCH_CASES.items()}), on_crossbar=st.booleans())
def test_sketch_functions(tally, case, on_crossbar):
    key, value = case
    gen = np.random.default_rng(0)
    A = _crossbar() if on_crossbar else _A.copy()
    if on_crossbar and not key.startswith("randomized_svd") or key.endswith(".A"):
        A = _A.copy()
    call = SKETCH_CASES[key][1]
    expect_refusal(tally, key.split(".")[0], lambda: call(A, gen, value), key.split(".")[1],
                   value, [A, gen])


# ----- streaming ----------------------------------------------------------------------------
def _three_sketch(analog):
    return copy.deepcopy(_built_three_sketch(analog))


@functools.cache
def _built_three_sketch(analog):
    sk = ThreeSketch((5, 4), 2, 3, q=1, analog=analog, rng=0,
                     update_mode="deterministic" if analog else "stochastic")
    sk.update(np.linspace(-1, 1, 20).reshape(5, 4) / 4)
    return sk


UPDATE_CASES = {
    "H": bad_matrix((5, 4)) | st.sampled_from([np.ones((4, 5)), (np.ones((5, 1)),),
                                               (np.ones((5, 1)), np.ones((3, 1)))]),
    "theta": bad_real(),
    "eta": bad_real(),
}


@SETTINGS
@given(case=cases(UPDATE_CASES), analog=st.sampled_from([None, "sketches"]))
def test_three_sketch_update(tally, case, analog):
    name, value = case
    sk = _three_sketch(analog)
    kwargs = {"H": np.ones((5, 4)), name: value}
    words = ARRAY_WORDS + ("tuple",) if name == "H" else None
    expect_refusal(tally, "ThreeSketch.update", lambda: sk.update(**kwargs), name, value, [sk],
                   value_words=words)


@SETTINGS
@given(X=bad_matrix((6, 4), structure=False) | st.sampled_from([np.ones((6, 3)),
                                                                np.ones((6, 5))]),
       fitted=st.booleans())
def test_frequent_directions_partial_fit(tally, X, fitted):
    fd = FrequentDirections(sketch_size=2)
    if fitted:
        fd.partial_fit(np.linspace(-1, 1, 24).reshape(6, 4))
    if not fitted and X.ndim == 2 and X.shape[1] != 4 and X.dtype.kind == "f":
        return  # any number of features is valid on the first call
    expect_refusal(tally, "FrequentDirections.partial_fit", lambda: fd.partial_fit(X), "X", X,
                   [fd])


_SKLEARN_CHECK = pytest.mark.xfail(
    strict=True, reason="scikit-learn's validate_data reports a wrong kind of X ('Expected 2D "
    "array', 'Complex data not supported', 'could not convert string to float') without "
    "naming the parameter X")
_ESTIMATOR_FITS = {
    "FrequentDirections.partial_fit": lambda: (
        FrequentDirections(sketch_size=2).partial_fit(np.linspace(-1, 1, 24).reshape(6, 4)),
        lambda est, X: est.partial_fit(X), (6, 4)),
    "AnalogMLPClassifier.fit": lambda: (
        AnalogMLPClassifier(hidden_layer_sizes=(3,), max_iter=1, random_state=0),
        lambda est, X: est.fit(X, _YNN), (8, 3)),
    "AnalogMLPRegressor.fit": lambda: (
        AnalogMLPRegressor(hidden_layer_sizes=(3,), max_iter=1, random_state=0),
        lambda est, X: est.fit(X, _YNN), (8, 3)),
}


@pytest.mark.parametrize("case,kind", [
    pytest.param(c, k, marks=_SKLEARN_CHECK)
    for c in _ESTIMATOR_FITS for k in ("1-D", "complex", "3-D", "strings")])
def test_estimator_wrong_kind_of_X(tally, case, kind):
    est, call, shape = _ESTIMATOR_FITS[case]()
    X = STRUCTURE_CASES(shape)[kind]
    expect_refusal(tally, case, lambda: call(est, X), "X", X, [est])


@SETTINGS
@given(value=bad_int(1))
def test_frequent_directions_sketch_size(tally, value):
    fd = FrequentDirections(sketch_size=value)
    expect_refusal(tally, "FrequentDirections.partial_fit",
                   lambda: fd.partial_fit(np.ones((3, 4))), "sketch_size", value, [fd])


# ----- neural-network estimators ----------------------------------------------------------
NN_ARGS = {
    "hidden_layer_sizes": st.sampled_from([(0,), (-2,), (1.5,), ("a",), (4, 0)]),
    "activation": st.sampled_from(["softmax", None, 1]),
    "optimizer": st.sampled_from(["adam", None]),
    "update_mode": st.sampled_from(["exact", None]),
    "device": st.sampled_from(["no_such_device", 3]),
    "learning_rate": bad_real(0.0),
    "batch_size": bad_int(1),
    "max_iter": bad_int(1),
    "X": bad_matrix((8, 3), structure=False),
}
_XNN = np.linspace(-1, 1, 24).reshape(8, 3)
_YNN = np.array([0, 1] * 4)


@SETTINGS
@given(case=cases(NN_ARGS), cls=st.sampled_from([AnalogMLPClassifier, AnalogMLPRegressor]),
       refit=st.booleans())
def test_nn_estimator_fit(tally, case, cls, refit):
    name, value = case
    est = cls(hidden_layer_sizes=(3,), max_iter=1, random_state=0)
    if refit:
        est.fit(_XNN, _YNN)
    X = value if name == "X" else _XNN
    if name != "X":
        est.set_params(**{name: value})
    param = "hidden_layer_sizes" if name == "hidden_layer_sizes" else name
    expect_refusal(tally, f"{cls.__name__}.fit", lambda: est.fit(X, _YNN), param, value, [est],
                   value_words=ARRAY_WORDS if name == "X" else
                   _value_words(value) + tuple(str(v) for v in np.ravel([value])
                                               if not isinstance(value, str)))
