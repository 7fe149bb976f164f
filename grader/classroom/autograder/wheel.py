"""A wheel of the running pytorch-tutor, made without a build backend or the network.

The files are those this process imports (`grader`, `reference`, `exercises`, `cli.py`: a clone,
an editable install or an installed wheel alike), the metadata is the installed distribution's,
so the version in the zip is exactly the one that built it. The archive is deterministic (sorted,
fixed timestamps): the same tree always gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import io
import zipfile
from importlib import metadata
from pathlib import Path

from grader.errors import TutorError

DIST = "pytorch-tutor"
PACKAGES = ("grader", "reference", "exercises")
MODULES = ("cli",)
STAMP = (1980, 1, 1, 0, 0, 0)


def wheel_name(version: str) -> str:
    return f"pytorch_tutor-{version}-py3-none-any.whl"


def build_wheel() -> tuple[str, bytes, str]:
    """(file name, the wheel's bytes, version)."""
    try:
        dist = metadata.distribution(DIST)
    except metadata.PackageNotFoundError:
        raise TutorError(f"{DIST} is not installed, so no wheel of it can be made.",
                         hint='Install it first: pip install -e . (in a clone) or pip install pytorch-tutor.') from None
    version, info = dist.version, f"pytorch_tutor-{dist.version}.dist-info"
    files = dict(_sources())
    files[f"{info}/METADATA"] = (dist.read_text("METADATA") or f"Metadata-Version: 2.1\nName: {DIST}\nVersion: {version}\n").encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: pytorch-tutor autograder\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files[f"{info}/entry_points.txt"] = (dist.read_text("entry_points.txt") or "").encode()
    files[f"{info}/top_level.txt"] = "".join(f"{n}\n" for n in (*PACKAGES, *MODULES)).encode()
    record = [f"{name},sha256={_digest(data)},{len(data)}" for name, data in sorted(files.items())]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    return wheel_name(version), zip_bytes(sorted(files.items())), version


def _sources():
    for name in PACKAGES:
        folder = Path(importlib.import_module(name).__file__).parent
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder.parent)
            if path.is_file() and not path.is_symlink() and "__pycache__" not in rel.parts and path.suffix != ".pyc":
                yield rel.as_posix(), path.read_bytes()
    for name in MODULES:
        path = Path(importlib.import_module(name).__file__)
        yield path.name, path.read_bytes()


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def zip_bytes(entries, modes: dict[str, int] | None = None) -> bytes:
    """A deterministic zip of (name, bytes) in the order given; `modes` gives Unix modes (default 0644)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            item = zipfile.ZipInfo(name, STAMP)
            item.external_attr = ((modes or {}).get(name, 0o644) | 0o100000) << 16
            item.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(item, data)
    return buffer.getvalue()
