"""exports.verify: an intact bundle verifies; one changed byte in any entry, an added or a removed file,
or lists that disagree are reported by name; a non-zip, a foreign zip and unsafe entry names are refused."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from exports.bundle import MANIFEST, SUMS, write_bundle
from exports.options import ExportOptions
from exports.pack_data import PackData
from exports.verify import BundleUnreadable, is_bundle_file, unsafe_name, verify_bundle
from tests.exports.bundle_support import IMAGES, entries, flip_byte, rewrite


@pytest.fixture(scope="module")
def small_bundle(demo_pack: PackData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("verify") / "small.zip"
    write_bundle(demo_pack, path, options=ExportOptions(sheets=("Cover", "Summary")), images=IMAGES)
    return path


def test_intact(small_bundle: Path) -> None:
    report = verify_bundle(small_bundle)
    assert report.ok and report.status == "intact" and not report.problems
    assert report.checked == len(entries(small_bundle)) - 1  # every file but SHA256SUMS itself
    assert report.manifest["format"] == "awb-evidence-bundle"
    assert report.sums_sha256 and len(report.sums_sha256) == 64


def test_one_byte_changed_in_any_entry_is_named(small_bundle: Path, tmp_path: Path) -> None:
    names = list(entries(small_bundle))
    assert len(names) >= 8
    for name in names:
        out = tmp_path / f"changed-{names.index(name)}.zip"
        rewrite(small_bundle, out, change=lambda n, data, name=name: flip_byte(data) if n == name else data)
        report = verify_bundle(out)
        assert report.status == "changed", name
        if name == SUMS:  # the sums themselves changed: a digest no longer matches, or a line breaks
            assert report.problems, name
        else:
            assert name in report.changed, (name, report.problems)
            assert any(p.startswith(f"{name}: ") for p in report.problems), report.problems


def test_changed_in_place_without_rewriting_the_zip(small_bundle: Path, tmp_path: Path) -> None:
    """Bytes of a stored entry altered inside the zip file itself (its CRC no longer matches)."""
    with zipfile.ZipFile(small_bundle) as zf:
        info = zf.getinfo("images/ou-tree.png")
        offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw = bytearray(small_bundle.read_bytes())
    raw[offset + 20] ^= 0xFF
    out = tmp_path / "inplace.zip"
    out.write_bytes(bytes(raw))
    report = verify_bundle(out)
    assert report.status == "changed" and "images/ou-tree.png" in report.changed


def test_extra_and_missing_files(small_bundle: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.zip"
    rewrite(small_bundle, extra, add={"images/added.png": b"not listed"})
    report = verify_bundle(extra)
    assert report.status == "changed" and report.extra == ("images/added.png",)
    assert "images/added.png: in the bundle but listed nowhere (added)" in report.problems

    missing = tmp_path / "missing.zip"
    rewrite(small_bundle, missing, change=lambda n, data: None if n == "assessment.json" else data)
    report = verify_bundle(missing)
    assert report.status == "changed" and report.missing == ("assessment.json",)
    assert report.changed == ()

    no_sums = tmp_path / "nosums.zip"
    rewrite(small_bundle, no_sums, change=lambda n, data: None if n == SUMS else data)
    report = verify_bundle(no_sums)
    assert report.status == "changed" and any(SUMS in p for p in report.problems)
    assert report.checked == len(entries(small_bundle)) - 2  # still checked against the manifest


def test_manifest_and_sums_must_agree(small_bundle: Path, tmp_path: Path) -> None:
    """A file re-hashed in SHA256SUMS only (a forger's shortcut) is caught by the manifest."""
    files = entries(small_bundle)
    forged_png = b"forged"
    old = hashlib.sha256(files["images/ou-tree.png"]).hexdigest()
    new = hashlib.sha256(forged_png).hexdigest()
    sums = files[SUMS].replace(old.encode(), new.encode())
    out = tmp_path / "forged.zip"

    def change(name: str, data: bytes) -> bytes:
        return {"images/ou-tree.png": forged_png, SUMS: sums}.get(name, data)

    rewrite(small_bundle, out, change=change)
    report = verify_bundle(out)
    assert report.status == "changed" and "images/ou-tree.png" in report.changed
    assert any("disagree" in p for p in report.problems)


def test_unreadable_and_refused(small_bundle: Path, tmp_path: Path) -> None:
    not_zip = tmp_path / "fake.zip"
    not_zip.write_text("hello")
    with pytest.raises(BundleUnreadable, match="not a zip"):
        verify_bundle(not_zip)
    with pytest.raises(BundleUnreadable, match="no such file"):
        verify_bundle(tmp_path / "absent.zip")
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(BundleUnreadable, match="not an evidence bundle"):
        verify_bundle(foreign)
    for bad in ("../escape.txt", "images/../../escape.txt", "/etc/passwd", "C:/x.txt", "images\\x.png"):
        slip = tmp_path / "slip.zip"
        rewrite(small_bundle, slip, add={bad: b"payload"})
        with pytest.raises(BundleUnreadable, match="refused"):
            verify_bundle(slip)
    assert not (tmp_path.parent / "escape.txt").exists()
    dup = tmp_path / "dup.zip"
    with pytest.warns(UserWarning, match="Duplicate name"):
        rewrite(small_bundle, dup, add={MANIFEST: b"{}"})
    with pytest.raises(BundleUnreadable, match="more than once"):
        verify_bundle(dup)


def test_foreign_manifest_is_a_problem(small_bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.zip"
    rewrite(
        small_bundle,
        out,
        change=lambda n, data: json.dumps({"format": "x"}).encode() if n == MANIFEST else data,
    )
    report = verify_bundle(out)
    assert report.status == "changed"
    assert any("not a bundle manifest" in p for p in report.problems)


def test_names_and_kinds(small_bundle: Path, demo_pack: PackData, tmp_path: Path) -> None:
    assert unsafe_name("images/ou-tree.png") is None and unsafe_name("a/../b") is not None
    assert is_bundle_file(small_bundle) and not is_bundle_file(demo_pack.snapshot_path)
    renamed = tmp_path / "bundle.bin"
    renamed.write_bytes(small_bundle.read_bytes())
    assert is_bundle_file(renamed)  # by its content
    snap_named_zip = tmp_path / "snapshot.zip"
    snap_named_zip.write_bytes(demo_pack.snapshot_path.read_bytes()[:4096])
    assert not is_bundle_file(snap_named_zip)  # an SQLite file is a snapshot, whatever its name
