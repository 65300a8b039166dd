"""Saving and loading analoglinalg objects (`analoglinalg.io`).

save
    Write a crossbar, device, periphery, fitted estimator or sketch to one file, atomically.
load
    Read it back; truncated, corrupt, foreign or version-mismatched files are refused.

Crossbars, devices and peripheries are stored as plain arrays and JSON (no pickle). Every
other object (the scikit-learn estimators, :class:`~analoglinalg.streaming.ThreeSketch`,
...) is stored as a pickle inside a versioned, checksummed envelope, and :func:`load`
unpickles it only when called with ``allow_pickle=True``: unpickling runs code named by the
file, so only load such files from sources you trust.
"""

import dataclasses
import hashlib
import pickle
from pathlib import Path

import numpy as np

from . import __version__
from ._lib._persist import decode_header, read_header, read_npz, write_npz
from .crossbar import Crossbar, Periphery
from .crossbar._persist import FORMAT as _CROSSBAR_FORMAT
from .crossbar._persist import _device_from_json, _device_to_json
from .devices import Device

__all__ = ["load", "save"]

FORMAT = "analoglinalg.io"
VERSION = 1
_KINDS = ("device", "periphery", "pickle")


def _check_path(path):
    if not isinstance(path, (str, Path)) and not hasattr(path, "__fspath__"):
        raise TypeError(f"path must be a str or os.PathLike, got {path!r}")
    return Path(path)


def save(obj, path):
    """Write ``obj`` to ``path`` so that :func:`load` returns an equivalent object.

    Parameters
    ----------
    obj : Crossbar, Device, Periphery or another analoglinalg object
        A :class:`~analoglinalg.Crossbar` is written by :meth:`Crossbar.save
        <analoglinalg.Crossbar.save>`; a :class:`~analoglinalg.Device` or
        :class:`~analoglinalg.Periphery` as JSON; any other object whose class is defined in
        analoglinalg (fitted estimators, sketches) as a pickle in a versioned envelope with a
        SHA-256 checksum.
    path : str or os.PathLike
        The file to write. It is written to a temporary file first and renamed over
        ``path`` only when complete, so a failed save leaves a previous file intact.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    TypeError
        If ``obj`` is not an analoglinalg object or ``path`` is not a path.

    See Also
    --------
    load

    Notes
    -----
    Loading a crossbar, device or periphery reproduces it bit for bit, generator state and
    cost ledger included, so later reads and updates equal those of the original. A loaded
    estimator predicts and transforms exactly as the saved one did.

    Examples
    --------
    >>> import os, tempfile
    >>> from analoglinalg import get_device
    >>> from analoglinalg.io import load, save
    >>> path = save(get_device("protonic_psg_2022"), os.path.join(tempfile.mkdtemp(), "d.npz"))
    >>> load(path) == get_device("protonic_psg_2022")
    True
    """
    path = _check_path(path)
    if isinstance(obj, Crossbar):
        return obj.save(path)
    if isinstance(obj, Device):
        return _write(path, "device", obj, {"spec": _device_to_json(obj)}, {})
    if isinstance(obj, Periphery):
        return _write(path, "periphery", obj, {"spec": dataclasses.asdict(obj)}, {})
    module = type(obj).__module__
    if not (module == "analoglinalg" or module.startswith("analoglinalg.")):
        raise TypeError(f"obj must be an analoglinalg object, got an instance of "
                        f"{module}.{type(obj).__qualname__}")
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    extra = {"sha256": hashlib.sha256(payload).hexdigest(), "analoglinalg": __version__}
    return _write(path, "pickle", obj, extra,
                  {"payload": np.frombuffer(payload, dtype=np.uint8)})


def _write(path, kind, obj, extra, arrays):
    header = {"format": FORMAT, "version": VERSION, "kind": kind,
              "class": f"{type(obj).__module__}.{type(obj).__qualname__}"} | extra
    return write_npz(path, header, arrays)


def load(path, *, allow_pickle=False):
    """Read an object written by :func:`save` or by :meth:`analoglinalg.Crossbar.save`.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    allow_pickle : bool, default False
        Allow files holding pickled objects (estimators, sketches). Unpickling can run
        arbitrary code: pass True only for files you trust.

    Returns
    -------
    object
        The saved object.

    Raises
    ------
    ValueError
        If the file is truncated, corrupt (checksum mismatch), foreign, of another format
        version, pickled by another analoglinalg version, or pickled while ``allow_pickle``
        is False.
    TypeError
        If ``path`` is not a path or ``allow_pickle`` not a bool.

    See Also
    --------
    save

    Examples
    --------
    >>> import os, tempfile
    >>> from analoglinalg import Periphery
    >>> from analoglinalg.io import load, save
    >>> path = save(Periphery(adc_bits=10), os.path.join(tempfile.mkdtemp(), "p.npz"))
    >>> load(path).adc_bits
    10
    """
    path = _check_path(path)
    if not isinstance(allow_pickle, bool):
        raise TypeError(f"allow_pickle must be a bool, got {allow_pickle!r}")
    arrays = read_npz(path, FORMAT)
    if decode_header(path, arrays, FORMAT).get("format") == _CROSSBAR_FORMAT:
        return Crossbar.load(path)
    header = read_header(path, arrays, FORMAT, VERSION)
    kind = header.get("kind")
    if kind not in _KINDS:
        raise ValueError(f"{str(path)!r} holds an unknown kind of object {kind!r}")
    try:
        if kind == "device":
            return _device_from_json(header["spec"])
        if kind == "periphery":
            return Periphery(**header["spec"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{str(path)!r} is a corrupt {FORMAT} file ({exc!r})") from exc
    return _unpickle(path, header, arrays, allow_pickle)


def _unpickle(path, header, arrays, allow_pickle):
    cls = header.get("class")
    if not allow_pickle:
        raise ValueError(f"{str(path)!r} holds a pickled {cls}; loading it runs code from the "
                         "file, so pass allow_pickle=True only if you trust its source")
    if header.get("analoglinalg") != __version__:
        raise ValueError(f"{str(path)!r} was saved by analoglinalg {header.get('analoglinalg')!r}"
                         f"; this is analoglinalg {__version__} (refit and save again)")
    payload = arrays.get("payload")
    if payload is None or payload.dtype != np.uint8 or payload.ndim != 1:
        raise ValueError(f"{str(path)!r} is a corrupt {FORMAT} file (no payload)")
    data = payload.tobytes()
    if hashlib.sha256(data).hexdigest() != header.get("sha256"):
        raise ValueError(f"{str(path)!r} is a corrupt {FORMAT} file (checksum mismatch)")
    obj = pickle.loads(data)
    found = f"{type(obj).__module__}.{type(obj).__qualname__}"
    if found != cls:
        raise ValueError(f"{str(path)!r} should hold a {cls}, got a {found}")
    return obj
