"""Saving and loading a :class:`Crossbar`: one ``.npz`` file with a JSON header, no pickle."""

import dataclasses
import math

import numpy as np

from .. import devices as _devices
from .._lib._persist import read_header, read_npz, write_npz
from ..devices import Device, ProtonicPulseLaw, ResponseModel
from ._cost import _COUNTERS, _ENERGIES, CostLedger, DigitalBaselines
from ._parasitics import WireResistance
from ._periphery import Periphery

__all__ = ["load_crossbar", "save_crossbar"]

FORMAT = "analoglinalg.crossbar"
VERSION = 1
_TILE_ARRAYS = ("weights", "w_ref", "dw_up", "dw_down", "b_min", "b_max")


def _init_fields(obj):
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.init}


def _device_to_json(device):
    out = _init_fields(device)
    out["response"] = {"class": type(device.response).__name__,
                       "fields": _init_fields(device.response)}
    if device.pulse_law is not None:
        out["pulse_law"] = _init_fields(device.pulse_law)
    return out


def _response_classes():
    return {name: getattr(_devices, name) for name in _devices.__all__
            if isinstance(getattr(_devices, name), type)
            and issubclass(getattr(_devices, name), ResponseModel)}


def _device_from_json(spec):
    spec = dict(spec)
    response = spec.pop("response")
    classes = _response_classes()
    if response["class"] not in classes:
        raise ValueError(f"unknown response model {response['class']!r} in the saved device")
    # JSON turns tuples (PiecewiseStep nodes) into lists; the dataclasses expect tuples.
    fields = {k: tuple(v) if isinstance(v, list) else v for k, v in response["fields"].items()}
    spec["response"] = classes[response["class"]](**fields)
    if spec.get("pulse_law") is not None:
        spec["pulse_law"] = ProtonicPulseLaw(**spec["pulse_law"])
    return Device(**spec)


def _header(xb):
    ledger = xb.cost
    return {
        "format": FORMAT,
        "version": VERSION,
        "shape": list(xb.shape),
        "tile_shape": list(xb.tile_shape),
        "dtype": np.dtype(xb.dtype).name,
        "bit_length": xb.bit_length,
        "max_cycles": xb.max_cycles,
        "device": _device_to_json(xb.device),
        "periphery": dataclasses.asdict(xb.periphery),
        "parasitics": (None if xb.parasitics is None
                       else dataclasses.asdict(xb.parasitics)),
        "rng_state": xb.rng.bit_generator.state,
        "ledger": {name: getattr(ledger, name) for name in _COUNTERS + _ENERGIES}
        | {"latency": ledger.latency},
        "baselines": dataclasses.asdict(ledger.baselines),
        "tile_grid": [len(xb.tiles), len(xb.tiles[0])],
    }


def save_crossbar(xb, path):
    """Write ``xb``'s complete state to ``path`` atomically (temporary file, then rename)."""
    arrays = {"scale": np.asarray(xb.scale, dtype=np.float64)}
    for i, row in enumerate(xb.tiles):
        for j, tile in enumerate(row):
            for name in _TILE_ARRAYS:
                arrays[f"tile_{i}_{j}_{name}"] = getattr(tile.devices, name)
    return write_npz(path, _header(xb), arrays)


def load_crossbar(cls, path):
    """Rebuild a crossbar of class ``cls`` saved by :func:`save_crossbar`."""
    arrays = read_npz(path, FORMAT)
    header = read_header(path, arrays, FORMAT, VERSION)
    try:
        return _rebuild(cls, header, arrays)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{str(path)!r} is a corrupt {FORMAT} file ({exc!r})") from exc


def _rebuild(cls, header, arrays):
    state = header["rng_state"]
    bit_generator = getattr(np.random, state["bit_generator"], None)
    if not (isinstance(bit_generator, type)
            and issubclass(bit_generator, np.random.BitGenerator)):
        raise ValueError(f"unknown bit generator {state['bit_generator']!r}")
    xb = cls(tuple(header["shape"]), device=_device_from_json(header["device"]),
             periphery=Periphery(**header["periphery"]), scale=arrays["scale"],
             tile_shape=tuple(header["tile_shape"]), dtype=np.dtype(header["dtype"]),
             bit_length=header["bit_length"], max_cycles=header["max_cycles"],
             rng=np.random.Generator(bit_generator()),
             parasitics=(None if header.get("parasitics") is None
                         else WireResistance(**header["parasitics"])))
    if [len(xb.tiles), len(xb.tiles[0])] != header["tile_grid"]:
        raise ValueError("the saved tile grid does not match the tile shape")
    for i, row in enumerate(xb.tiles):
        for j, tile in enumerate(row):
            for name in _TILE_ARRAYS:
                saved = arrays[f"tile_{i}_{j}_{name}"]
                if saved.shape != tile.shape or saved.dtype != np.float32:
                    raise ValueError(f"tile ({i}, {j}) array {name!r} has {saved.dtype} shape "
                                     f"{saved.shape}, expected float32 {tile.shape}")
                setattr(tile.devices, name, saved.copy())
    xb.rng.bit_generator.state = state
    ledger = CostLedger(DigitalBaselines(**header["baselines"]))
    for name, value in header["ledger"].items():
        if name not in _COUNTERS + _ENERGIES + ("latency",):
            raise ValueError(f"unknown ledger field {name!r}")
        if not math.isfinite(value):
            raise ValueError(f"ledger field {name!r} is not finite: {value!r}")
        setattr(ledger, name, value)
    xb.cost = ledger
    return xb
