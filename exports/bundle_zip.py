"""Zip entries for the evidence bundle: a fixed timestamp and order, each entry's size and SHA-256 recorded as
it is written (``exports.bundle`` builds the manifest and SHA256SUMS from them). Large text documents
are streamed into the zip, never held whole. Qt-free.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TextIO

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: every entry the same, runs comparable
_STORED = (".xlsx", ".png")  # already compressed


@dataclass(frozen=True, kw_only=True)
class BundleFile:
    path: str
    size: int
    sha256: str
    description: str


class ZipOut:
    """Adds entries with a fixed timestamp, recording each one's size and SHA-256 as it is written."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self._zf = zf
        self.files: list[BundleFile] = []

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
        info.compress_type = zipfile.ZIP_STORED if name.endswith(_STORED) else zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def add_bytes(self, name: str, data: bytes, description: str) -> BundleFile:
        self._zf.writestr(self._info(name), data)
        entry = BundleFile(
            path=name, size=len(data), sha256=hashlib.sha256(data).hexdigest(), description=description
        )
        self.files.append(entry)
        return entry

    def add_file(self, name: str, path: Path, description: str) -> BundleFile:
        digest = hashlib.sha256()
        size = 0
        with path.open("rb") as src, self._zf.open(self._info(name), "w", force_zip64=True) as dst:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                dst.write(chunk)
        entry = BundleFile(path=name, size=size, sha256=digest.hexdigest(), description=description)
        self.files.append(entry)
        return entry

    @contextmanager
    def text(self, name: str, description: str) -> Iterator[TextIO]:
        """A UTF-8 text entry written as a stream (large documents never held whole)."""
        with self._zf.open(self._info(name), "w", force_zip64=True) as dst:
            sink = _HashingSink(dst)
            fh = io.TextIOWrapper(io.BufferedWriter(sink, 1 << 16), encoding="utf-8", newline="\n")
            try:
                yield fh
                fh.flush()
            finally:
                sink.dropping = True  # after an error, what the freed wrappers still hold goes nowhere
                fh.detach()
        self.files.append(
            BundleFile(path=name, size=sink.size, sha256=sink.digest.hexdigest(), description=description)
        )


class _HashingSink(io.RawIOBase):
    def __init__(self, dst: IO[bytes]) -> None:
        self._dst = dst
        self.digest = hashlib.sha256()
        self.size = 0
        self.dropping = False

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        if self.dropping:
            return len(data)
        self._dst.write(data)
        self.digest.update(data)
        self.size += len(data)
        return len(data)
