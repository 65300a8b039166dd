"""Atomic file writes and ``.npz`` files with a JSON header, shared by every ``save``/``load``.

A saved file is one uncompressed ``.npz`` archive whose member ``header`` holds UTF-8 JSON as
``uint8`` (``format`` and ``version`` first), next to plain numeric arrays; nothing is
pickled by NumPy (``allow_pickle=False`` on reading).
"""

import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

__all__ = ["atomic_write", "decode_header", "read_header", "read_npz", "write_npz"]


def atomic_write(path, write):
    """Call ``write(fileobj)`` on a temporary file next to ``path``, then rename it over ``path``.

    The rename happens only after ``write`` returned and the data reached the disk, so a
    crash (an exception, a killed process) leaves any previous ``path`` intact and no
    temporary file behind. Returns ``path`` as a :class:`pathlib.Path`.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp makes the file private (0600); give it the permissions open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def write_npz(path, header, arrays):
    """Atomically write ``arrays`` (name -> ndarray) and the JSON ``header`` to ``path``."""
    members = {"header": np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)}
    members.update(arrays)
    return atomic_write(path, lambda f: np.savez(f, **members))


def read_npz(path, fmt):
    """Every member of the ``.npz`` file ``path``; ValueError naming ``fmt`` if unreadable."""
    # np.load leaves the file open when the zip directory is broken: own the handle.
    with open(path, "rb") as fh:
        try:
            with np.load(fh, allow_pickle=False) as data:
                return {name: data[name] for name in data.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as exc:
            raise ValueError(f"{str(path)!r} is not a readable {fmt} file ({exc})") from exc


def decode_header(path, arrays, fmt):
    """The JSON header of ``arrays`` as a dict (any format); ValueError naming ``fmt`` if absent."""
    if "header" not in arrays or arrays["header"].dtype != np.uint8:
        raise ValueError(f"{str(path)!r} is not a {fmt} file (no header)")
    try:
        header = json.loads(arrays["header"].tobytes().decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{str(path)!r} has a corrupt header ({exc})") from exc
    if not isinstance(header, dict):
        raise ValueError(f"{str(path)!r} is not a {fmt} file (format None)")
    return header


def read_header(path, arrays, fmt, version):
    """The decoded header of ``arrays``, checked to be of format ``fmt`` and ``version``."""
    header = decode_header(path, arrays, fmt)
    if header.get("format") != fmt:
        raise ValueError(f"{str(path)!r} is not a {fmt} file (format {header.get('format')!r})")
    if header.get("version") != version:
        raise ValueError(f"{str(path)!r} has {fmt} version {header.get('version')!r}; "
                         f"this analoglinalg reads version {version}")
    return header
