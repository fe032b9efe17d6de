"""The workpaper: waiver matching (control pattern, resource fnmatch, accounts, OUs at any depth), expiry,
notes per finding, sign-off, atomic save, and a corrupt or concurrently changed file never
overwritten silently."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from analysis.workpaper import (
    WAIVED,
    Note,
    Waiver,
    Workpaper,
    WorkpaperError,
    check_beside,
    default_path,
    load_workpaper,
    parse_workpaper,
)

TODAY = date(2025, 6, 1)
ARN = "arn:aws:s3:::public-site-assets"


def judge(
    wp: Workpaper, *, status: str = "FAIL", control: str = "s3_bucket_public_read", **kw: object
) -> object:
    args = {
        "resource_arn": ARN,
        "account_id": "111111111111",
        "region": "eu-west-1",
        "ou_ids": ("r-1", "ou-a"),
    }
    args.update(kw)
    return wp.judge(control_id=control, status=status, today=TODAY, **args)  # type: ignore[arg-type]


def waiver(**kw: object) -> Waiver:
    base: dict[str, object] = {
        "control_id": "s3_bucket_public_read",
        "reason": "public website",
        "owner": "web",
    }
    base.update(kw)
    return Waiver(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("w", "applies"),
    [
        (waiver(), True),
        (waiver(control_id="s3_bucket_*"), True),
        (waiver(control_id="s3_bucket_public_write"), False),
        (waiver(resource_pattern="arn:aws:s3:::public-site-*"), True),
        (waiver(resource_pattern="arn:aws:s3:::private-*"), False),
        (waiver(accounts=("111111111111",)), True),
        (waiver(accounts=("222222222222",)), False),
        (waiver(ous=("ou-a",)), True),  # the account's parent
        (waiver(ous=("r-1",)), True),  # the root: any depth
        (waiver(ous=("ou-b",)), False),
        (waiver(accounts=("111111111111",), ous=("ou-b",)), False),  # both must hold
        (waiver(expires=date(2025, 6, 1)), True),  # the last day it applies
        (waiver(expires=date(2025, 5, 31)), False),
    ],
)
def test_waiver_matching(w: Waiver, applies: bool) -> None:
    j = judge(Workpaper(waivers=(w,)))
    assert (j.status == WAIVED) is applies  # type: ignore[attr-defined]


def test_expired_waiver_says_so_and_a_live_one_wins() -> None:
    old = waiver(expires=date(2024, 12, 31), reason="old exception", owner="ops")
    j = judge(Workpaper(waivers=(old,)))
    assert j.status == "FAIL"  # type: ignore[attr-defined]
    assert j.waiver_message == "waiver expired on 2024-12-31 (owner ops: old exception)"  # type: ignore[attr-defined]
    live = waiver(expires=date(2026, 1, 1))
    j = judge(Workpaper(waivers=(old, live)))
    assert j.status == WAIVED and j.waiver is live  # type: ignore[attr-defined]
    assert j.waiver_message == "waived by web until 2026-01-01: public website"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("status", "reported"), [("PASS", "PASS"), ("ERROR", "ERROR"), ("NOT_ASSESSED", WAIVED)]
)
def test_only_fail_and_not_assessed_are_waived(status: str, reported: str) -> None:
    assert judge(Workpaper(waivers=(waiver(),)), status=status).status == reported  # type: ignore[attr-defined]


def test_notes_are_keyed_by_control_resource_account_and_region() -> None:
    note = Note(
        control_id="s3_bucket_public_read",
        resource_arn=ARN,
        account_id="111111111111",
        region="eu-west-1",
        text="ask",
    )
    wp = Workpaper().with_note(note)
    assert judge(wp).note.text == "ask"  # type: ignore[attr-defined]
    assert judge(wp, region="us-east-1").note is None  # type: ignore[attr-defined]
    assert judge(wp, account_id="222222222222").note is None  # type: ignore[attr-defined]
    replaced = wp.with_note(Note(**{**note.to_json(), "text": "asked twice"}))
    assert [n.text for n in replaced.notes] == ["asked twice"]
    assert replaced.with_note(Note(**{**note.to_json(), "text": " "})).notes == ()


def test_round_trip_and_signoff(tmp_path: Path) -> None:
    folder = tmp_path / "audit"
    folder.mkdir()
    path = folder / "org.snapshot.workpaper.json"
    wp = (
        load_workpaper(path, missing_ok=True)
        .with_waiver(waiver(expires=date(2025, 12, 31), ous=("ou-a",)))
        .with_note(Note(control_id="c_x", resource_arn=ARN, account_id="1", region="global", text="n"))
        .signed_off("R. Viewer", time="2025-06-01T10:00:00Z")
    )
    saved = wp.save()
    again = load_workpaper(path)
    assert again.waivers[0].expires == date(2025, 12, 31) and again.waivers[0].ous == ("ou-a",)
    assert again.waivers[0].created  # stamped when added
    assert again.notes[0].text == "n" and again.notes[0].time
    assert again.signoff is not None and again.signoff.name == "R. Viewer"
    assert again.loaded_digest == saved.loaded_digest
    assert [p.name for p in folder.iterdir()] == [path.name]  # no temporary file left
    with pytest.raises(WorkpaperError, match="reviewer's name"):
        wp.signed_off("  ")


def test_a_waiver_removed_after_the_signoff_is_seen_in_a_later_session(tmp_path: Path) -> None:
    """The removal leaves no waiver behind; the workpaper's ``modified`` time is what tells."""
    path = tmp_path / "org.snapshot.workpaper.json"
    wp = load_workpaper(path, missing_ok=True).with_waiver(waiver()).signed_off("R. Viewer")
    assert not wp.changed_after_signoff
    wp.save()
    later = load_workpaper(path)
    assert later.signoff is not None and not later.changed_after_signoff
    later = later.signed_off("R. Viewer", time="2000-01-01T00:00:00Z").without_waiver(0)
    later.save()
    reopened = load_workpaper(path)
    assert reopened.waivers == () and reopened.modified
    assert reopened.changed_after_signoff
    assert json.loads(path.read_text())["modified"] == reopened.modified


def test_files_without_a_modified_time_still_read() -> None:
    doc = {
        "format": "awb-workpaper",
        "format_version": 1,
        "signoff": {"name": "R", "time": "2025-01-01T00:00:00Z"},
    }
    wp = parse_workpaper(json.dumps(doc))
    assert wp.modified == "" and not wp.changed_after_signoff
    with pytest.raises(WorkpaperError, match="modified must be a time"):
        parse_workpaper(json.dumps({**doc, "modified": 5}))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "awb-workpaper", "waivers": [', r"not valid JSON \(line 1, column 41"),
        ("[]", "not a workpaper"),
        ('{"format": "awb-workpaper", "format_version": 99}', "newer than this tool reads"),
        ('{"format": "awb-workpaper", "format_version": 1, "waivers": {}}', "waivers must be a list"),
        (
            '{"format": "awb-workpaper", "format_version": 1, "waivers": [{"control_id": "x", "owner": "o"}]}',
            r"waivers\[0\]: reason is missing",
        ),
        (
            '{"format": "awb-workpaper", "format_version": 1, "waivers": '
            '[{"control_id": "x", "owner": "o", "reason": "r", "expires": "next year"}]}',
            "is not a date like 2025-12-31",
        ),
    ],
)
def test_corrupt_workpapers_are_clear_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "wp.json"
    path.write_text(text)
    with pytest.raises(WorkpaperError, match=message):
        load_workpaper(path)


def test_a_corrupt_file_is_never_overwritten_silently(tmp_path: Path) -> None:
    path = tmp_path / "wp.json"
    path.write_text("{ half written")
    wp = Workpaper(path=path).with_waiver(waiver())
    with pytest.raises(WorkpaperError, match=r"not a valid workpaper.*not overwritten"):
        wp.save()
    assert path.read_text() == "{ half written"
    wp.save(backup=True)
    backups = list(tmp_path.glob("wp.json.bak-*"))
    assert len(backups) == 1 and backups[0].read_text() == "{ half written"
    assert load_workpaper(path).waivers[0].reason == "public website"


def test_a_file_changed_since_loading_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "wp.json"
    first = Workpaper().with_waiver(waiver()).save(path)
    mine = load_workpaper(path)
    theirs = load_workpaper(path).signed_off("Other")
    theirs.save()
    with pytest.raises(WorkpaperError, match="changed on disk since it was loaded"):
        mine.with_note(Note(control_id="c_x", resource_arn="", account_id="", region="", text="mine")).save()
    assert load_workpaper(path).signoff is not None  # theirs kept
    assert first.loaded_digest != load_workpaper(path).loaded_digest
    # a new workpaper never replaces an existing one either
    with pytest.raises(WorkpaperError, match="already exists"):
        Workpaper().save(path)


def test_beside_the_snapshot_never_the_snapshot(tmp_path: Path) -> None:
    snap = tmp_path / "org.snapshot"
    snap.write_bytes(b"sqlite")
    assert default_path(snap) == tmp_path / "org.snapshot.workpaper.json"
    check_beside(snap, default_path(snap))
    with pytest.raises(WorkpaperError, match="the snapshot itself"):
        check_beside(snap, snap)


def test_parse_accepts_what_save_writes() -> None:
    wp = Workpaper(waivers=(waiver(),), snapshot={"organization_id": "o-1"})
    assert parse_workpaper(json.dumps(wp.to_json())).waivers == wp.waivers
