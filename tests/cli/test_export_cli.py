"""``main.py export`` and ``main.py verify`` of a bundle on the demo organization: the files written, the
options as given on the command line, verification text and JSON (intact, changed, unreadable), the
snapshot's verify output unchanged, user errors as one ``error:`` line (exit 2), Ctrl-C (exit 1,
nothing left at the targets), and the real command in a process without a display."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cli.main import main
from tests.exports.bundle_support import flip_byte, rewrite

REPO = Path(__file__).resolve().parents[2]
PROGRESS_LINE = re.compile(r"^ *\d+\.\ds \S.*$")
VERIFY_BUNDLE_KEYS = [
    "file",
    "kind",
    "status",
    "entries",
    "checked",
    "missing",
    "extra",
    "changed",
    "problems",
    "sums_sha256",
    "manifest",
]


@pytest.fixture(scope="module")
def snapshot(demo_snapshot_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export-cli") / "demo.snapshot"
    shutil.copyfile(demo_snapshot_path, path)
    return path


@pytest.fixture(scope="module")
def exported(snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("export-out")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main(
            ["export", str(snapshot), "--xlsx", str(out / "p.xlsx"), "--bundle", str(out / "b.zip")]
        )
    return {"status": status, "out": out, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}


def errors_of(err: str) -> list[str]:
    lines = err.splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert all(PROGRESS_LINE.match(line) for line in lines if not line.startswith("error: ")), lines
    return errors


def test_export_writes_both(exported: dict[str, Any]) -> None:
    assert exported["status"] == 0
    out: Path = exported["out"]
    assert sorted(p.name for p in out.iterdir()) == ["b.zip", "p.xlsx"]
    lines = exported["stdout"].splitlines()
    assert lines[0].startswith(f"workbook {out / 'p.xlsx'}: 13 sheet(s)")
    assert lines[1].startswith(f"bundle {out / 'b.zip'}: ")
    digest = re.search(r"SHA-256 of SHA256SUMS: ([0-9a-f]{64})", exported["stdout"])
    assert digest is not None
    assert errors_of(exported["stderr"]) == []
    with zipfile.ZipFile(out / "b.zip") as zf:
        assert zf.read("evidence-pack.xlsx") == (out / "p.xlsx").read_bytes()  # copied, not written again
        assert hashlib.sha256(zf.read("SHA256SUMS")).hexdigest() == digest.group(1)


def test_verify_bundle_text_and_json(exported: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    bundle = exported["out"] / "b.zip"
    assert main(["verify", str(bundle)]) == 0
    out = capsys.readouterr().out
    assert (
        out.startswith(f"{bundle}: intact (10 files checked; made ") and "from snapshot demo.snapshot" in out
    )
    assert main(["verify", str(bundle), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == VERIFY_BUNDLE_KEYS
    assert doc["status"] == "intact" and doc["kind"] == "bundle" and doc["problems"] == []
    assert doc["manifest"]["snapshot"]["file"] == "demo.snapshot"


def test_verify_changed_bundle(
    exported: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = tmp_path / "changed.zip"
    rewrite(
        exported["out"] / "b.zip", changed, change=lambda n, d: flip_byte(d) if n == "assessment.json" else d
    )
    assert main(["verify", str(changed)]) == 1
    out = capsys.readouterr().out
    assert "CHANGED" in out and "  - assessment.json: changed (its SHA-256 is not the one listed)" in out
    assert main(["verify", str(changed), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "changed" and doc["changed"] == ["assessment.json"]


def test_verify_unreadable_and_snapshot_unchanged(
    snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "fake.zip"
    fake.write_text("not a zip")
    assert main(["verify", str(fake)]) == 2
    err = capsys.readouterr().err
    assert errors_of(err) == [f"error: {fake}: not a zip file (File is not a zip file)"]
    assert main(["verify", str(snapshot), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == ["file", "integrity", "status", "calls", "pages", "problems"]
    assert doc["integrity"] == "intact"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "say what to write: --xlsx OUT.xlsx and/or --bundle OUT.zip"),
        (["--bundle", "{tmp}/x.zip", "--sheets", "Cover,Nope"], "unknown sheet 'Nope'; sheets are: Cover, "),
        (["--bundle", "{tmp}/x.zip", "--severity", "urgent"], "unknown severity 'urgent'"),
        (["--bundle", "{tmp}/x.xlsx"], "an evidence bundle's name ends in .zip"),
        (["--xlsx", "{tmp}/nowhere/x.xlsx"], "does not exist"),
        (["--bundle", "{tmp}/x.zip", "--exposure-images", "-1"], "--exposure-images: give 0 or more"),
    ],
)
def test_user_errors(
    snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    argv = ["export", str(snapshot), *(a.replace("{tmp}", str(tmp_path)) for a in args)]
    assert main(argv) == 2
    errors = errors_of(capsys.readouterr().err)
    assert len(errors) == 1 and message in errors[0]
    assert not list(tmp_path.glob("x.*"))


def test_missing_snapshot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(tmp_path / "absent.snapshot"), "--xlsx", str(tmp_path / "x.xlsx")]) == 2
    assert errors_of(capsys.readouterr().err) == [
        f"error: {tmp_path / 'absent.snapshot'}: no such snapshot file"
    ]


def test_tampered_snapshot_is_refused(
    snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    tampered = tmp_path / "tampered.snapshot"
    shutil.copyfile(snapshot, tampered)
    with contextlib.closing(sqlite3.connect(tampered)) as conn, conn:
        conn.execute("UPDATE pages SET sha256 = ? WHERE rowid = (SELECT min(rowid) FROM pages)", ("0" * 64,))
    assert main(["export", str(tampered), "--bundle", str(tmp_path / "t.zip")]) == 2
    errors = errors_of(capsys.readouterr().err)
    assert len(errors) == 1 and "modified since it was collected" in errors[0]
    assert not (tmp_path / "t.zip").exists()


def test_options_from_the_command_line(snapshot: Path, tmp_path: Path) -> None:
    from snapshot import Snapshot

    with Snapshot.open(snapshot) as snap:  # web-prod: two instances reachable from the internet
        outcomes = snap.manifest["account_outcomes"]
    account = next(a for a, o in outcomes.items() if o.get("name") == "web-prod")
    argv = [
        "export", str(snapshot), "--bundle", str(tmp_path / "o.zip"), "--account", account,
        "--status", "fail,not-assessed", "--framework", "CIS", "--no-pass", "--sheets", "cover, findings",
        "--exposure-images", "0",
    ]  # fmt: skip
    assert main(argv) == 0
    with zipfile.ZipFile(tmp_path / "o.zip") as zf:
        m = json.loads(zf.read("manifest.json"))
        names = zf.namelist()
    o = m["options"]
    assert o["accounts"] == [account] and o["statuses"] == ["FAIL", "NOT_ASSESSED"]
    assert o["frameworks"] == ["cis"] and o["include_pass"] is False and o["sheets"] == ["Cover", "Findings"]
    assert not [n for n in names if n.startswith("images/exposure-")]
    assert any("0 of 2 exposed resources drawn" in n for n in m["notes"])


def test_ctrl_c_leaves_nothing(
    snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import exports.bundle
    import exports.pack_data

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    with monkeypatch.context() as mp:
        mp.setattr(exports.pack_data, "build_pack_data", interrupted)
        assert main(["export", str(snapshot), "--bundle", str(tmp_path / "b.zip")]) == 1
    errors = errors_of(capsys.readouterr().err)
    assert len(errors) == 1 and errors[0].startswith("error: cancelled (Ctrl-C) after ")
    assert errors[0].endswith("; nothing was written")
    monkeypatch.setattr(exports.bundle, "write_bundle", interrupted)
    argv = ["export", str(snapshot), "--xlsx", str(tmp_path / "p.xlsx"), "--bundle", str(tmp_path / "b.zip")]
    assert main(argv) == 1
    errors = errors_of(capsys.readouterr().err)
    assert errors[0].endswith(f"; written before: {tmp_path / 'p.xlsx'}")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["p.xlsx"]


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="no sha256sum binary")
def test_real_command_without_a_display(snapshot: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    out = tmp_path / "real.zip"
    done = subprocess.run(
        [sys.executable, "main.py", "export", str(snapshot), "--bundle", str(out), "--sheets", "Cover"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    unzipped = tmp_path / "unzipped"
    with zipfile.ZipFile(out) as zf:
        zf.extractall(unzipped)
        pngs = [n for n in zf.namelist() if n.endswith(".png")]
    assert "images/ou-tree.png" in pngs and "images/trust-overview.png" in pngs and len(pngs) >= 3
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=unzipped, capture_output=True, text=True)
    assert (
        check.returncode == 0
        and check.stdout.count(": OK") == sum(1 for p in unzipped.rglob("*") if p.is_file()) - 1
    )
