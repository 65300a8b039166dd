"""save/load of every stateful object: bit-exact round trips, refused bad files, atomic writes."""

import json
import os
import warnings

import numpy as np
import pytest

import analoglinalg
from analoglinalg import Crossbar, Periphery, SaturationWarning, get_device
from analoglinalg.crossbar import WireResistance
from analoglinalg.devices import Device, PiecewiseStep, list_devices
from analoglinalg.io import load, save
from analoglinalg.nn import AnalogMLPClassifier, AnalogMLPRegressor
from analoglinalg.sketch import AnalogTruncatedSVD
from analoglinalg.streaming import FrequentDirections, StreamingSVD, ThreeSketch

RNG = np.random.default_rng(0)
X = RNG.standard_normal((30, 6))
Y_CLASS = (X[:, 0] + X[:, 1] > 0).astype(int)


@pytest.mark.parametrize("name", list_devices())
def test_device_round_trip(tmp_path, name):
    dev = get_device(name)
    assert load(save(dev, tmp_path / "d.npz")) == dev


def test_custom_device_round_trip(tmp_path):
    dev = Device(name="pw", response=PiecewiseStep(nodes_up=(1.0, 0.5, 0.2),
                                                   nodes_down=(0.2, 0.5, 1.0)),
                 dw_min=0.01, retention_tau=float("inf"), pulse_energy=1e-15)
    back = load(save(dev, tmp_path / "d.npz"))
    assert back == dev and isinstance(back.response.nodes_up, tuple)


@pytest.mark.parametrize("periphery", [Periphery(), Periphery.ideal(),
                                       Periphery.gokmen_vlasov_2016(), Periphery(adc_bits=None)])
def test_periphery_round_trip(tmp_path, periphery):
    assert load(save(periphery, tmp_path / "p.npz")) == periphery


def test_crossbar_round_trip_through_io(tmp_path, tally):
    xb = Crossbar.from_matrix(RNG.standard_normal((7, 5)) / 3, tile_shape=(4, 4), rng=2)
    xb.rank1_update(np.ones(7), np.linspace(-1, 1, 5), 0.01)
    yb = load(save(xb, tmp_path / "xb.npz"))
    assert type(yb) is Crossbar
    assert tally.snapshot(yb.tiles) == tally.snapshot(xb.tiles)
    assert yb.rng.bit_generator.state == xb.rng.bit_generator.state
    assert yb.cost.as_dict() == xb.cost.as_dict()
    for c in (xb, yb):
        c.rank1_update(np.linspace(1, -1, 7), np.ones(5), 0.02)
    np.testing.assert_array_equal(yb @ np.ones(5), xb @ np.ones(5))


def test_crossbar_with_parasitics_round_trip(tmp_path):
    wires = WireResistance(row_segment=50.0, col_segment=40.0, driver=10.0)
    xb = Crossbar.from_matrix(np.ones((4, 3)), device="ideal", periphery="ideal",
                              parasitics=wires, rng=0)
    yb = load(save(xb, tmp_path / "xb.npz"))
    assert yb.parasitics == wires
    x = np.linspace(1, 2, 3)
    y = xb @ x
    assert abs(y - xb.read() @ x).max() > 1e-6  # the IR drop is there ...
    np.testing.assert_array_equal(yb @ x, y)  # ... and survives the round trip


def _fitted():
    with warnings.catch_warnings():
        # a few analog accumulator devices may saturate; that is not under test here
        warnings.simplefilter("ignore", SaturationWarning)
        return _fit_all()


def _fit_all():
    sk = ThreeSketch((8, 6), 3, 5, q=2, rng=1)
    sk.update(X[:8])
    ska = ThreeSketch((8, 6), 2, 3, analog="sketches", update_mode="deterministic", rng=1)
    ska.update(np.linspace(-1, 1, 48).reshape(8, 6) / 4)
    return {
        "AnalogTruncatedSVD": AnalogTruncatedSVD(2, device="protonic_psg_2022",
                                                 random_state=0).fit(X),
        "ThreeSketch": sk,
        "ThreeSketch(analog)": ska,
        "FrequentDirections": FrequentDirections(3).fit(X),
        "StreamingSVD": StreamingSVD(2, random_state=0).fit(X),
        "AnalogMLPClassifier": AnalogMLPClassifier((4,), max_iter=2, random_state=0).fit(
            X, Y_CLASS),
        "AnalogMLPRegressor": AnalogMLPRegressor(
            (4,), max_iter=2, device="protonic_psg_2022", periphery=None,
            update_mode="stochastic", random_state=0).fit(X, X[:, 2]),
    }


def _outputs(obj):
    if isinstance(obj, ThreeSketch):
        return obj.reconstruct(rank=2)
    if hasattr(obj, "predict"):
        return obj.predict(X)
    return obj.transform(X)


_NAMES = ["AnalogTruncatedSVD", "ThreeSketch", "ThreeSketch(analog)", "FrequentDirections",
          "StreamingSVD", "AnalogMLPClassifier", "AnalogMLPRegressor"]


@pytest.fixture(scope="module")
def fitted():
    return _fitted()


@pytest.mark.parametrize("name", _NAMES)
def test_estimator_round_trip(tmp_path, tally, fitted, name):
    obj = fitted[name]
    back = load(save(obj, tmp_path / "est.npz"), allow_pickle=True)
    assert type(back) is type(obj)
    assert tally.snapshot(back) == tally.snapshot(obj)
    np.testing.assert_array_equal(_outputs(back), _outputs(obj))


@pytest.mark.parametrize("name", ["ThreeSketch(analog)", "FrequentDirections",
                                  "AnalogMLPRegressor"])
def test_loaded_estimator_continues_identically(tmp_path, name):
    # a loaded object carries its generators: further work equals the original's
    a = _fitted()[name]
    b = load(save(a, tmp_path / "est.npz"), allow_pickle=True)
    for obj in (a, b):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SaturationWarning)
            if isinstance(obj, ThreeSketch):
                obj.update(np.linspace(1, -1, 48).reshape(8, 6) / 8)
            elif hasattr(obj, "predict"):
                obj.partial_fit(X[:10], X[:10, 2])
            else:
                obj.partial_fit(X[:10])
    np.testing.assert_array_equal(_outputs(b), _outputs(a))


def test_pickles_need_allow_pickle(tmp_path, fitted):
    path = save(fitted["FrequentDirections"], tmp_path / "fd.npz")
    with pytest.raises(ValueError, match="allow_pickle=True"):
        load(path)
    with pytest.raises(TypeError, match="allow_pickle"):
        load(path, allow_pickle="yes")


def test_refuses_foreign_objects(tmp_path):
    with pytest.raises(TypeError, match="analoglinalg object"):
        save({"a": 1}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="path"):
        save(get_device("ideal"), 3)
    assert not os.listdir(tmp_path)


def _members(path):
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def _rewrite(path, members, header=None):
    if header is not None:
        members = dict(members, header=np.frombuffer(json.dumps(header).encode(), np.uint8))
    np.savez(path, **members)
    return path


def test_refused_files(tmp_path, fitted):
    good = save(fitted["StreamingSVD"], tmp_path / "good.npz")
    data = good.read_bytes()
    members = _members(good)
    header = json.loads(members["header"].tobytes())
    bad = {
        "truncated": (data[: len(data) // 2], "not a readable"),
        "empty": (b"", "not a readable"),
        "text": (b"hello", "not a readable"),
    }
    for name, (content, match) in bad.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ValueError, match=match):
            load(tmp_path / name, allow_pickle=True)
    flipped = members["payload"].copy()
    flipped[len(flipped) // 2] ^= 0xFF
    cases = [
        (dict(members, payload=flipped), None, "checksum mismatch"),
        ({k: v for k, v in members.items() if k != "payload"}, None, "no payload"),
        (members, header | {"version": 2}, "version 2"),
        (members, header | {"analoglinalg": "0.0.1"}, "saved by analoglinalg '0.0.1'"),
        (members, header | {"format": "other"}, "not a analoglinalg.io file"),
        (members, header | {"kind": "weights"}, "unknown kind"),
        (members, header | {"class": "analoglinalg.streaming.FrequentDirections"},
         "should hold a analoglinalg.streaming.FrequentDirections"),
        ({"a": np.ones(3)}, None, "no header"),
    ]
    for i, (arrays, hdr, match) in enumerate(cases):
        path = _rewrite(tmp_path / f"case{i}.npz", arrays, hdr)
        with pytest.raises(ValueError, match=match):
            load(path, allow_pickle=True)
    dev = save(get_device("ideal"), tmp_path / "dev.npz")
    dev_members = _members(dev)
    dev_header = json.loads(dev_members["header"].tobytes())
    dev_header["spec"]["dw_min"] = -1.0
    with pytest.raises(ValueError, match="corrupt"):
        load(_rewrite(tmp_path / "dev_bad.npz", dev_members, dev_header))
    assert analoglinalg.__version__ == header["analoglinalg"]


def _crash_midway(monkeypatch):
    def savez(f, **arrays):
        f.write(b"PK\x03\x04 half a zip")
        raise OSError("disk full (simulated)")
    monkeypatch.setattr(np, "savez", savez)


@pytest.mark.parametrize("kind", ["crossbar", "device", "estimator"])
def test_crash_during_save_keeps_previous_file(tmp_path, monkeypatch, fitted, kind):
    old, new = {
        "crossbar": (Crossbar((2, 3), rng=0), Crossbar((4, 4), device="ideal", rng=1)),
        "device": (get_device("ideal"), get_device("protonic_psg_2022")),
        "estimator": (fitted["FrequentDirections"], fitted["StreamingSVD"]),
    }[kind]
    path = save(old, tmp_path / "obj.npz")
    before = path.read_bytes()
    _crash_midway(monkeypatch)
    with pytest.raises(OSError, match="disk full"):
        save(new, path)
    with pytest.raises(OSError, match="disk full"):
        save(new, tmp_path / "fresh.npz")
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["obj.npz"]  # no temporary or partial file
    back = load(path, allow_pickle=True)
    assert type(back) is type(old)
