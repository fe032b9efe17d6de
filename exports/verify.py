"""Verify an evidence bundle (``exports.bundle``) as a recipient would: every entry against SHA256SUMS and
the manifest, without unzipping anything.

The bundle is *intact* when every file SHA256SUMS lists is present with that SHA-256, the manifest
lists the same files with the same sizes and digests, and nothing else is in the zip. Otherwise it is
*changed*, and the report names the files missing, extra or changed. A file that is not a zip, or a
zip this tool could not have written (entry names that would land outside the folder it is unzipped
into, the same name twice), is refused with :class:`BundleUnreadable`: nothing in it is trusted or
extracted. Qt-free.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path, PurePosixPath
from typing import Any

from exports.bundle import BUNDLE_FORMAT, MANIFEST, SUMS

__all__ = ["BundleUnreadable", "BundleVerifyReport", "is_bundle_file", "verify_bundle"]

INTACT = "intact"
CHANGED = "changed"
_SUM_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")
_MAX_SMALL = 64 << 20  # SHA256SUMS or a manifest larger than this is not one we wrote


class BundleUnreadable(Exception):
    """The file cannot be verified as a bundle: the message says why, in one line."""


@dataclass(frozen=True, kw_only=True)
class BundleVerifyReport:
    path: Path
    status: str  # "intact" | "changed"
    entries: int  # files in the zip (folders not counted)
    checked: int  # files whose SHA-256 was recomputed
    missing: tuple[str, ...] = ()  # listed (SHA256SUMS or manifest) but not in the zip
    extra: tuple[str, ...] = ()  # in the zip but listed nowhere
    changed: tuple[str, ...] = ()  # present, but not the SHA-256 (or size) listed
    problems: tuple[str, ...] = ()  # every finding in words, one line each
    manifest: Mapping[str, Any] = field(default_factory=dict)  # what it says about itself (when readable)
    sums_sha256: str | None = None  # SHA-256 of SHA256SUMS: compare with the one given separately

    @property
    def ok(self) -> bool:
        return self.status == INTACT


def is_bundle_file(path: str | PathLike[str]) -> bool:
    """Should ``path`` be verified as a bundle (a zip, or named .zip) rather than as a snapshot?"""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return p.suffix.lower() == ".zip"
    if head.startswith(b"SQLite format 3\x00"):
        return False  # a snapshot, whatever its name
    return p.suffix.lower() == ".zip" or head[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def verify_bundle(path: str | PathLike[str]) -> BundleVerifyReport:
    p = Path(path)
    if not p.is_file():
        raise BundleUnreadable(f"{p}: no such file")
    try:
        zf = zipfile.ZipFile(p)
    except zipfile.BadZipFile as exc:
        raise BundleUnreadable(f"{p}: not a zip file ({exc})") from exc
    except OSError as exc:
        raise BundleUnreadable(f"{p}: cannot be read ({exc.strerror or exc})") from exc
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        names = [i.filename for i in infos]
        for name in names:
            why = unsafe_name(name)
            if why:
                raise BundleUnreadable(
                    f"{p}: refused: entry {name!r} {why}; this is not a bundle the tool wrote"
                )
        duplicates = sorted({n for n in names if names.count(n) > 1}) if len(set(names)) != len(names) else []
        if duplicates:
            raise BundleUnreadable(f"{p}: refused: entry {duplicates[0]!r} appears more than once")
        by_name = {i.filename: i for i in infos}
        if SUMS not in by_name and MANIFEST not in by_name:
            raise BundleUnreadable(f"{p}: not an evidence bundle (neither {SUMS} nor {MANIFEST} is in it)")
        try:
            return _verify(p, zf, by_name)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
            raise BundleUnreadable(f"{p}: the zip is damaged ({exc})") from exc
        except OSError as exc:
            raise BundleUnreadable(f"{p}: cannot be read ({exc.strerror or exc})") from exc


def unsafe_name(name: str) -> str | None:
    """Why an entry name could write outside the folder a zip is unzipped into (None: it cannot)."""
    if "\\" in name:
        return "contains a backslash"
    if "\x00" in name:
        return "contains a NUL character"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "is an absolute path"
    if any(part == ".." for part in PurePosixPath(name).parts):
        return "climbs out of the folder (..)"
    return None


def _verify(p: Path, zf: zipfile.ZipFile, by_name: Mapping[str, zipfile.ZipInfo]) -> BundleVerifyReport:
    problems: list[str] = []
    changed: set[str] = set()
    sums: dict[str, str] = {}
    sums_sha256: str | None = None
    if SUMS in by_name:
        raw = _read_small(zf, by_name[SUMS])
        sums_sha256 = hashlib.sha256(raw).hexdigest()
        sums = _parse_sums(raw, problems)
        if SUMS in sums:
            problems.append(f"{SUMS} lists itself")
    else:
        problems.append(f"{SUMS} is missing: checked against {MANIFEST} only")
    manifest: dict[str, Any] = {}
    listed: dict[str, tuple[int | None, str]] = {}
    if MANIFEST in by_name:
        manifest = _parse_manifest(_read_small(zf, by_name[MANIFEST]), problems)
        for entry in manifest.get("files") or []:
            if isinstance(entry, Mapping) and isinstance(entry.get("path"), str):
                size = entry.get("size")
                listed[entry["path"]] = (
                    size if isinstance(size, int) else None,
                    str(entry.get("sha256", "")),
                )
    elif MANIFEST not in sums:
        problems.append(f"{MANIFEST} is missing")
    # What each list should cover: SHA256SUMS every file but itself; the manifest every file but
    # itself and SHA256SUMS.
    for name in sorted(set(sums) & set(listed)):
        if sums[name] != listed[name][1]:
            problems.append(f"{name}: SHA256SUMS and {MANIFEST} disagree on its SHA-256")
            changed.add(name)
    if sums and listed:
        for name in sorted(set(sums) - set(listed) - {MANIFEST}):
            problems.append(f"{name}: in {SUMS} but not in {MANIFEST}")
            changed.add(name)
        for name in sorted(set(listed) - set(sums)):
            problems.append(f"{name}: in {MANIFEST} but not in {SUMS}")
            changed.add(name)
    expected = set(sums) | set(listed)
    missing = sorted(n for n in expected if n not in by_name)
    for name in missing:
        problems.append(f"{name}: missing from the bundle")
    extra = sorted(n for n in by_name if n not in expected and n not in (SUMS, MANIFEST))
    if MANIFEST in by_name and sums and MANIFEST not in sums:
        extra.append(MANIFEST)
    for name in extra:
        problems.append(f"{name}: in the bundle but listed nowhere (added)")
    checked = 0
    for name in sorted(n for n in expected if n in by_name):
        digest, size = _hash_entry(zf, by_name[name])
        checked += 1
        want_sum = sums.get(name)
        want_size, want_manifest = listed.get(name, (None, None))
        if (want_sum is not None and digest != want_sum) or (
            want_manifest is not None and digest != want_manifest
        ):
            problems.append(f"{name}: changed (its SHA-256 is not the one listed)")
            changed.add(name)
        elif want_size is not None and size != want_size:
            problems.append(f"{name}: changed (size {size}, listed {want_size})")
            changed.add(name)
    status = INTACT if not problems else CHANGED
    return BundleVerifyReport(
        path=p,
        status=status,
        entries=len(by_name),
        checked=checked,
        missing=tuple(missing),
        extra=tuple(extra),
        changed=tuple(sorted(changed - set(missing))),
        problems=tuple(problems),
        manifest=manifest,
        sums_sha256=sums_sha256,
    )


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > _MAX_SMALL:
        raise BundleUnreadable(f"{info.filename} is {info.file_size} bytes: not one this tool wrote")
    with zf.open(info) as fh:
        return fh.read(_MAX_SMALL + 1)


def _parse_sums(raw: bytes, problems: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(f"{SUMS} is not text")
        return out
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        m = _SUM_LINE.match(line)
        if m is None:
            problems.append(f"{SUMS} line {n} is not '<sha256>  <file>'")
            continue
        digest, name = m.groups()
        if name in out and out[name] != digest:
            problems.append(f"{SUMS} lists {name} twice with different digests")
        out[name] = digest
    return out


def _parse_manifest(raw: bytes, problems: list[str]) -> dict[str, Any]:
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(f"{MANIFEST} is not valid JSON ({exc})")
        return {}
    if not isinstance(doc, dict) or doc.get("format") != BUNDLE_FORMAT:
        problems.append(f'{MANIFEST} is not a bundle manifest (expected "format": "{BUNDLE_FORMAT}")')
        return doc if isinstance(doc, dict) else {}
    if not isinstance(doc.get("files"), list):
        problems.append(f"{MANIFEST} has no list of files")
    return doc


def _hash_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, int]:
    """SHA-256 and size of an entry's content. A damaged entry (zip CRC error) reads as changed content."""
    digest = hashlib.sha256()
    size = 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    except (zipfile.BadZipFile, zlib.error):
        return "", size  # "Bad CRC-32": the stored bytes were altered in place
    return digest.hexdigest(), size
