"""Crossbar.save / Crossbar.load: bit-exact round trip, refused corrupt files."""

import json
import os

import numpy as np
import pytest

from analoglinalg import Crossbar
from analoglinalg.crossbar._persist import _device_from_json, _device_to_json
from analoglinalg.devices import Device, PiecewiseStep, get_device


def _used_crossbar():
    rng = np.random.default_rng(0)
    xb = Crossbar.from_matrix(rng.standard_normal((20, 13)) / 4, tile_shape=(8, 8),
                              program="open_loop", rng=1)
    xb.matvec(np.ones(13))
    xb.rank1_update(rng.uniform(-1, 1, 20), rng.uniform(-1, 1, 13), 0.01)
    return xb


def test_round_trip_bit_exact(tmp_path):
    xb = _used_crossbar()
    path = xb.save(tmp_path / "xb.npz")
    yb = Crossbar.load(path)
    assert os.listdir(tmp_path) == ["xb.npz"]  # no temporary file left behind
    assert yb.shape == xb.shape and yb.dtype == xb.dtype and yb.tile_shape == xb.tile_shape
    assert yb.device == xb.device and yb.periphery == xb.periphery
    assert (yb.bit_length, yb.max_cycles) == (xb.bit_length, xb.max_cycles)
    np.testing.assert_array_equal(yb.scale, xb.scale)
    assert yb.cost.as_dict() == xb.cost.as_dict()
    for rx, ry in zip(xb.tiles, yb.tiles, strict=True):
        for tx, ty in zip(rx, ry, strict=True):
            for name in ("weights", "w_ref", "dw_up", "dw_down", "b_min", "b_max"):
                np.testing.assert_array_equal(getattr(ty.devices, name),
                                              getattr(tx.devices, name))
    x = np.linspace(-1, 1, 13)
    u, v = np.linspace(-1, 1, 20), np.linspace(1, -1, 13)
    for xb_ in (xb, yb):
        xb_.rank1_update(u, v, 0.02)
    np.testing.assert_array_equal(yb @ x, xb @ x)
    np.testing.assert_array_equal(yb.read(), xb.read())
    assert yb.cost.as_dict() == xb.cost.as_dict()


@pytest.mark.parametrize("name", ["protonic_psg_2022", "reram_gong_2018", "ideal",
                                  "rpu_gokmen_vlasov_2016"])
def test_device_json_round_trip(name):
    dev = get_device(name)
    assert _device_from_json(json.loads(json.dumps(_device_to_json(dev)))) == dev


def test_piecewise_device_json_round_trip():
    # JSON has no tuples: the node tuples must come back as tuples
    dev = Device(name="pw", response=PiecewiseStep(nodes_up=(1.0, 0.5, 0.2),
                                                   nodes_down=(0.2, 0.5, 1.0)), dw_min=0.01)
    assert _device_from_json(json.loads(json.dumps(_device_to_json(dev)))) == dev


def test_overwrite_is_atomic(tmp_path):
    path = tmp_path / "xb.npz"
    Crossbar((2, 2), rng=0).save(path)
    xb = _used_crossbar()
    xb.save(path)
    np.testing.assert_array_equal(Crossbar.load(path).read(), xb.read())


def test_refused_files(tmp_path):
    good = _used_crossbar().save(tmp_path / "good.npz")
    data = good.read_bytes()
    cases = {
        "truncated.npz": data[: len(data) // 2],
        "text.npz": b"not a crossbar",
        "empty.npz": b"",
    }
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ValueError, match="crossbar"):
            Crossbar.load(tmp_path / name)
    np.savez(tmp_path / "foreign.npz", a=np.ones(3))
    with pytest.raises(ValueError, match="not a analoglinalg.crossbar"):
        Crossbar.load(tmp_path / "foreign.npz")
    np.savez(tmp_path / "pickled.npz", header=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError):
        Crossbar.load(tmp_path / "pickled.npz")
    with np.load(good) as f:
        arrays = {k: f[k] for k in f.files}
    header = json.loads(arrays["header"].tobytes())
    header["version"] = 2
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    np.savez(tmp_path / "v2.npz", **arrays)
    with pytest.raises(ValueError, match="version 2"):
        Crossbar.load(tmp_path / "v2.npz")
    header["version"] = 1
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    del arrays["tile_0_0_weights"]
    np.savez(tmp_path / "missing.npz", **arrays)
    with pytest.raises(ValueError, match="corrupt"):
        Crossbar.load(tmp_path / "missing.npz")
