"""Re-judging rows, waiver lookups, the session's file state and the Waive dialog's checks (no window)."""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from analysis.rules.base import ERROR, FAIL, NOT_ASSESSED, PASS, Result
from analysis.workpaper import (
    WAIVED,
    Note,
    SignOff,
    Waiver,
    Workpaper,
    WorkpaperError,
    default_path,
    judge_all,
)
from ui.models.findings_model import FindingRow, build_finding_rows
from ui.views.workpaper_panel import judgement_html, scope_text
from ui.views.workpaper_session import (
    RowIndex,
    WaiverLookup,
    WorkpaperSession,
    fnmatch_escape,
    judge_rows,
    literal,
)
from ui.views.workpaper_waive import MAX_WAIVERS, SCOPE_ANY, SCOPE_OUS, WaiveDialog

TODAY = date(2025, 6, 30)
PLACES = {
    "111111111111": ("prod", ["Root", "Workloads", "Prod"], ["r-1", "ou-w", "ou-p"]),
    "222222222222": ("dev", ["Root", "Workloads", "Dev"], ["r-1", "ou-w", "ou-d"]),
    "333333333333": ("log", ["Root", "Security"], ["r-1", "ou-s"]),
}
STATUSES = (FAIL, NOT_ASSESSED, PASS, ERROR)


def place(account_id: str) -> tuple[str, list[str], list[str]]:
    return PLACES.get(account_id, ("", [], []))


def make_rows(n: int = 1200) -> list[FindingRow]:
    """Results over five controls, three accounts and the organization, with ARNs full of fnmatch syntax."""
    results = []
    for i in range(n):
        account = ("111111111111", "222222222222", "333333333333", "")[i % 4]
        results.append(
            Result(
                control_id=f"s3_bucket_{('public', 'tls', 'logging', 'versioning', 'kms')[i % 5]}",
                status=STATUSES[(i // 3) % 4],
                account_id=account,
                region=("us-east-1", "eu-west-1", "global")[i % 3],
                resource_arn=f"arn:aws:s3:::bucket-{i % 97}" + ("[x]*?" if i % 11 == 0 else ""),
                resource_id=f"bucket-{i % 97}",
                message=f"result {i}",
            )
        )
    return build_finding_rows(results, [], place=place)


def waivers() -> tuple[Waiver, ...]:
    w = {"reason": "accepted", "owner": "team"}
    return (
        Waiver(control_id="s3_bucket_public", resource_pattern=fnmatch_escape("arn:aws:s3:::bucket-11[x]*?"), **w),
        Waiver(control_id="s3_bucket_tls", resource_pattern="arn:aws:s3:::bucket-1*", accounts=("222222222222",), **w),
        Waiver(control_id="s3_bucket_*", resource_pattern="*bucket-5", ous=("ou-w",), **w),
        Waiver(control_id="s3_bucket_logging", resource_pattern="*", expires=date(2025, 6, 29), **w),
        Waiver(control_id="s3_bucket_kms", resource_pattern="arn:aws:s3:::bucket-7", expires=TODAY, **w),
        Waiver(control_id="s3_bucket_versioning", resource_pattern="arn:aws:s3:::bucket-2?", ous=("r-1",), **w),
        Waiver(control_id="s3_bucket_kms", resource_pattern="arn:aws:s3:::bucket-7", **w),  # duplicate key
    )  # fmt: skip


def test_judge_rows_agrees_with_the_workpaper_rules() -> None:
    rows = make_rows()
    wp = Workpaper(waivers=waivers())
    expected = judge_all(wp, [r.result for r in rows], ou_ids=lambda a: tuple(place(a)[2]), today=TODAY)
    judged, changed = judge_rows(rows, wp, today=TODAY)
    assert [r.status for r in judged] == [j.status for j in expected]
    assert 0 < len(changed) < len(rows)
    assert {r.index for r in changed} == {
        r.index for r, j in zip(rows, expected, strict=True) if j.status == WAIVED
    }
    # unchanged rows are the very same objects (the model finds what changed by identity)
    assert all(new is old for new, old in zip(judged, rows, strict=True) if new.status == old.status)
    # re-judging judged rows with the waivers gone brings every status back, and only those rows change
    back, undone = judge_rows(judged, Workpaper(), today=TODAY)
    assert [r.status for r in back] == [r.result.status for r in rows]
    assert {r.index for r in undone} == {r.index for r in changed}
    assert judge_rows(judged, wp, today=TODAY)[1] == []


def test_expiry_is_inclusive_of_its_last_day() -> None:
    rows = [
        r for r in make_rows() if r.control_id == "s3_bucket_kms" and r.result.resource_arn.endswith("-7")
    ]
    rows = [r for r in rows if r.result.status == FAIL]
    assert rows
    last_day = Workpaper(waivers=(Waiver(control_id="s3_bucket_kms", resource_pattern="*", reason="r", owner="o", expires=TODAY),))  # fmt: skip
    assert {r.status for r in judge_rows(rows, last_day, today=TODAY)[0]} == {WAIVED}
    assert {r.status for r in judge_rows(rows, last_day, today=date(2025, 7, 1))[0]} == {FAIL}


@pytest.mark.parametrize("text", ["arn:aws:s3:::a*b", "x?y", "[z]", "plain", "", "a[*]b", "]["])
def test_escape_matches_exactly_the_text(text: str) -> None:
    pattern = fnmatch_escape(text)
    assert fnmatch.fnmatchcase(text, pattern)
    assert literal(pattern) == text
    for other in (text + "x", "x" + text, text.replace("*", "q"), text.replace("?", "q")):
        if other != text:
            assert not fnmatch.fnmatchcase(other, pattern)


@pytest.mark.parametrize("pattern", ["a*", "a?", "[abc]", "[!a]", "arn:*:s3"])
def test_patterns_with_wildcards_are_not_literal(pattern: str) -> None:
    assert literal(pattern) is None


def test_lookup_and_index_find_what_brute_force_finds() -> None:
    rows = make_rows()
    lookup = WaiverLookup(waivers())
    index = RowIndex(rows)
    for w in waivers():
        brute = [
            r
            for r in rows
            if w.matches(
                control_id=r.control_id,
                resource_arn=r.result.resource_arn,
                account_id=r.account_id,
                ou_ids=r.ou_ids,
            )
        ]
        assert sorted(r.index for r in index.matching(w)) == [r.index for r in brute]
        assert all(w in lookup.candidates(r.control_id, r.result.resource_arn) for r in brute)


def test_session_new_workpaper_is_written_on_the_first_edit(tmp_path: Path) -> None:
    snapshot = tmp_path / "org.snapshot"
    snapshot.write_bytes(b"not read here")
    session = WorkpaperSession(today=lambda: TODAY)
    session.open_for(snapshot, organization_id="o-123")
    assert not session.on_disk and "not saved yet" in session.status_text()
    assert not default_path(snapshot).exists()
    wp = session.workpaper
    assert wp is not None and wp.snapshot == {"organization_id": "o-123", "file": "org.snapshot"}
    assert session.edit(
        wp.with_note(Note(control_id="c", resource_arn="a", account_id="1", region="r", text="t"))
    )
    doc = json.loads(default_path(snapshot).read_text())
    assert doc["snapshot"]["organization_id"] == "o-123" and doc["notes"][0]["text"] == "t"
    assert (
        session.on_disk and not session.dirty and session.status_text() == "Workpaper: 0 waiver(s), 1 note(s)"
    )
    with pytest.raises(WorkpaperError):
        session.sign_off("  ")
    assert json.loads(default_path(snapshot).read_text())["signoff"] is None


def test_signoff_text_and_edits_recorded_after_it(tmp_path: Path) -> None:
    snapshot = tmp_path / "org.snapshot"
    signed = SignOff(name="R. Viewer", time="2025-01-02T10:00:00Z", comment="fine")
    before = Waiver(control_id="c", reason="r", owner="o", created="2025-01-01T09:00:00Z")
    Workpaper(waivers=(before,), signoff=signed).save(default_path(snapshot))
    session = WorkpaperSession(today=lambda: TODAY)
    session.open_for(snapshot)
    assert session.signoff_text() == "Signed off by R. Viewer at 2025-01-02 10:00 UTC: fine"
    assert not session.changed_after_signoff()
    late = Note(
        control_id="c", resource_arn="", account_id="", region="", text="later", time="2025-01-03T08:00:00Z"
    )
    Workpaper(waivers=(before,), notes=(late,), signoff=signed).save(default_path(snapshot), backup=True)
    session.open_for(snapshot)  # a later note in the file: flagged, though this session changed nothing
    assert session.changed_after_signoff()
    assert session.signoff_text().endswith("(the workpaper was changed after this sign-off)")
    assert "changed since" in session.status_text()


def test_judgement_html_escapes_untrusted_text() -> None:
    wp = Workpaper(
        waivers=(Waiver(control_id="c", reason="<b>x</b>", owner="<i>o</i>", accounts=("1",)),),
        notes=(
            Note(control_id="c", resource_arn="a", account_id="1", region="r", text="<script>", author="me"),
        ),
    )
    j = wp.judge(control_id="c", status=FAIL, resource_arn="a", account_id="1", region="r", today=TODAY)
    text = judgement_html(j)
    assert "&lt;script&gt;" in text and "&lt;b&gt;x&lt;/b&gt;" in text and "<script>" not in text
    assert scope_text(wp.waivers[0], {"1": "prod"}) == "account prod (1)"


# -- the Waive dialog's checks ----------------------------------------------------------------------


@dataclass
class Unit:
    id: str
    name: str
    parent_id: str | None = None


class FakeOrganization:
    """The parts of OrganizationModel the dialog reads."""

    def __init__(self) -> None:
        self.accounts = {a: Unit(a, v[0], v[2][-1]) for a, v in PLACES.items()}
        self.units = {"r-1": Unit("r-1", "Root"), "ou-w": Unit("ou-w", "Workloads", "r-1"),
                      "ou-p": Unit("ou-p", "Prod", "ou-w"), "ou-d": Unit("ou-d", "Dev", "ou-w"),
                      "ou-s": Unit("ou-s", "Security", "r-1")}  # fmt: skip

    def path_to(self, node_id: str) -> list[Any]:
        node = self.units.get(node_id) or self.accounts[node_id]
        path = []
        while node.parent_id is not None:
            node = self.units[node.parent_id]
            path.insert(0, node)
        return path


def dialog_for(qtbot: Any, rows: list[FindingRow], all_rows: list[FindingRow]) -> WaiveDialog:
    dialog = WaiveDialog(rows=rows, index=RowIndex(all_rows), organization=FakeOrganization(), today=TODAY)
    qtbot.addWidget(dialog)
    dialog.reason_edit.setPlainText("accepted")
    dialog.owner_edit.setText("owner")
    return dialog


def test_waive_dialog_refuses_a_waiver_that_misses_its_result(qtbot: Any) -> None:
    rows = make_rows()
    row = next(r for r in rows if r.status == FAIL and r.account_id == "111111111111")
    dialog = dialog_for(qtbot, [row], rows)
    assert dialog.problems() == []
    assert dialog.build_waivers()[0].accounts == ("111111111111",)
    dialog.pattern_edit.setText("arn:aws:s3:::somewhere-else")
    assert any("does not cover the result" in p for p in dialog.problems())
    dialog.pattern_edit.setText("arn:aws:s3:::bucket-*")
    dialog._update_matches()
    assert "matches" in dialog.matches_label.text() and dialog.problems() == []
    dialog.radios[SCOPE_OUS].setChecked(True)
    assert "Tick at least one OU, or choose another scope." in dialog.problems()
    labels = [dialog.ou_list.item(i).text() for i in range(dialog.ou_list.count())]
    assert "Root / Workloads / Dev (ou-d)" in labels
    dialog.ou_list.item(labels.index("Root / Workloads / Dev (ou-d)")).setCheckState(Qt.CheckState.Checked)
    assert any("does not cover the result" in p for p in dialog.problems())  # prod is not beneath Dev
    dialog.ou_list.item(labels.index("Root / Workloads (ou-w)")).setCheckState(Qt.CheckState.Checked)
    assert dialog.problems() == [] and set(dialog.build_waivers()[0].ous) == {"ou-d", "ou-w"}
    dialog.reason_edit.setPlainText(" ")
    dialog.accept()
    assert dialog.errors_label.text() == "The reason is required." and dialog.waivers == []


def test_waive_dialog_for_several_results(qtbot: Any) -> None:
    rows = make_rows()
    chosen = rows[:40]
    dialog = dialog_for(qtbot, chosen, rows)
    waivable = [r for r in chosen if r.status in (FAIL, NOT_ASSESSED)]
    assert "can be waived" in dialog.intro.text() and "left out" in dialog.intro.text()
    dialog.radios[SCOPE_ANY].setChecked(True)
    dialog.accept()
    keys = {(r.control_id, fnmatch_escape(r.result.resource_arn)) for r in waivable}
    assert {(w.control_id, w.resource_pattern) for w in dialog.waivers} == keys
    assert len(dialog.waivers) == len(keys) and all(not w.accounts for w in dialog.waivers)
    judged, _ = judge_rows(rows, Workpaper(waivers=tuple(dialog.waivers)), today=TODAY)
    assert all(judged[r.index].status == WAIVED for r in waivable)


def test_waive_dialog_caps_the_number_of_waivers(qtbot: Any) -> None:
    results = [
        Result(control_id="c", status=FAIL, account_id="111111111111", region="us-east-1",
               resource_arn=f"arn:aws:s3:::b{i}", resource_id=f"b{i}", message="")
        for i in range(MAX_WAIVERS + 1)
    ]  # fmt: skip
    rows = build_finding_rows(results, [], place=place)
    dialog = dialog_for(qtbot, rows, rows)
    assert any(f"select at most {MAX_WAIVERS}" in p for p in dialog.problems())
