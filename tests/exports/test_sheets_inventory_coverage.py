"""The Internet exposure, Coverage gaps and Waivers sheets on the demo organization, with a workpaper."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from analysis.rules.base import ERROR, FAIL, NOT_ASSESSED, Evidence, Result
from analysis.rules.report import judge
from analysis.workpaper import WAIVED, Note, SignOff, Waiver, Workpaper
from exports.options import ExportOptions
from exports.pack_data import PackData, build_pack_data
from exports.sheets import coverage, exposure, waivers
from tests.exports.inventory_sheets_support import account_id_named, table


def exposure_rows(data: PackData, options: ExportOptions | None = None) -> list[dict[str, Any]]:
    return table(exposure.SHEET, exposure.rows(data, options or ExportOptions()))


def coverage_rows(data: PackData, options: ExportOptions | None = None) -> list[dict[str, Any]]:
    return table(coverage.SHEET, coverage.rows(data, options or ExportOptions()))


def waiver_rows(data: PackData, options: ExportOptions | None = None) -> list[dict[str, Any]]:
    return table(waivers.SHEET, waivers.rows(data, options or ExportOptions()))


def first(data: PackData, status: str) -> Result:
    return next(r for r in data.assessment.results if r.status == status and r.account_id)


@pytest.fixture(scope="module")
def workpaper_pack(demo_pack: PackData, demo_snapshot_path: Path) -> PackData:
    """The demo with a workpaper: a waiver of a failing control, the same waiver again, an expired one,
    one by OU over NOT_ASSESSED results, a note and a sign-off."""
    failing = first(demo_pack, FAIL)
    unassessed = first(demo_pack, NOT_ASSESSED)
    ou = demo_pack.places.ou_ids(unassessed.account_id)[-1]
    waiver = Waiver(
        control_id=failing.control_id, reason="accepted risk", owner="ciso", created="2026-01-02T00:00:00Z"
    )
    wp = Workpaper(
        waivers=(
            waiver,
            waiver,  # identical: never applies, the first one does
            Waiver(
                control_id=failing.control_id,
                reason="old exception",
                owner="former-ciso",
                expires=date.today() - timedelta(days=3),
            ),
            Waiver(control_id=unassessed.control_id, reason="out of scope", owner="lead", ous=(ou,)),
        ),
        notes=(
            Note(
                control_id=failing.control_id,
                resource_arn=failing.resource_arn,
                account_id=failing.account_id,
                region=failing.region,
                text='=HYPERLINK("http://x","y") stays text',
                author="auditor",
                time="2026-02-03T04:05:06Z",
            ),
        ),
        signoff=SignOff(name="Reviewer One", time="2026-02-04T00:00:00Z", comment="fine"),
    )
    return build_pack_data(
        demo_snapshot_path,
        workpaper=wp,
        inventory=demo_pack.inventory,
        assessment=demo_pack.assessment,
        trust_graph=demo_pack.trust_graph,
        exposure=demo_pack.exposure,
    )


# -- Internet exposure -------------------------------------------------------------------------------


def test_exposure_sections_match_the_report(demo_pack: PackData) -> None:
    report = demo_pack.exposure
    assert report is not None and report.exposures
    rows = exposure_rows(demo_pack)
    sections = Counter(r["Section"] for r in rows)
    assert sections[exposure.EXPOSURE] == len(report.exposures)
    assert sections[exposure.HOP] == sum(len(e.hops) for e in report.exposures)
    assert sections[exposure.OPEN_RULE] == len(report.open_rules)
    assert sections[exposure.NOT_ASSESSED] == len(set(report.not_assessed))
    ssh = next(r for r in rows if r["Section"] == exposure.EXPOSURE and r["Protocol / ports"] == "tcp/22")
    assert ssh["Severity"] == "high" and ssh["Management services"] == "SSH" and ssh["Via"] == "direct"
    assert rows[0] == ssh  # management exposures first
    hops = [r for r in rows if r["Section"] == exposure.HOP and r["#"] == ssh["#"]]
    assert hops[0]["Hop kind"] == "internet" and hops[-1]["Hop kind"] == "network interface"
    assert any(
        h["Hop kind"] == "security group" and "tcp 22 from 0.0.0.0/0" in h["Rule / reason"] for h in hops
    )
    lb = next(r for r in rows if r["Via"] == "load balancer")
    assert lb["Listener"] == "tcp/80" and lb["Severity"] == "informational"
    gap = next(r for r in rows if r["Section"] == exposure.NOT_ASSESSED)
    assert gap["Account name"] == "legacy-closed" and "SUSPENDED" in gap["Rule / reason"]


def test_exposure_filter_and_not_analysed(demo_pack: PackData) -> None:
    web = account_id_named(demo_pack, "web-prod")
    rows = exposure_rows(demo_pack, ExportOptions(accounts=frozenset({web})))
    assert rows and {r["Account"] for r in rows if r["Account"]} == {web}
    none = exposure_rows(replace(demo_pack, exposure=None))
    assert len(none) == 1 and "not analysed" in str(none[0]["Rule / reason"])


# -- Coverage gaps -----------------------------------------------------------------------------------


def test_coverage_gaps_sections(demo_pack: PackData) -> None:
    inv = demo_pack.inventory
    rows = coverage_rows(demo_pack)
    sections = Counter(r["Section"] for r in rows)
    expected_calls = [g for g in inv.coverage.gaps() if g.operation != "*"]
    assert sections[coverage.COLLECTION] == len(expected_calls) > 0
    closed = account_id_named(demo_pack, "legacy-closed")
    account_rows = [r for r in rows if r["Section"] == coverage.ACCOUNT]
    assert [(r["Account"], r["Reason"]) for r in account_rows] == [
        (closed, "skipped: account status SUSPENDED")
    ]
    not_assessed = [r for r in rows if r["Section"] == "Not assessed"]
    assert sum(r["Count"] for r in not_assessed) == demo_pack.assessment.counts()[NOT_ASSESSED]
    assert sum(r["Count"] for r in rows if r["Section"] == "Error") == demo_pack.assessment.counts()[ERROR]
    denied = next(r for r in rows if r["State"] == "denied")
    assert "was denied" in denied["Reason"] and denied["Call ids"]


def test_coverage_counts_waived_results(workpaper_pack: PackData) -> None:
    rows = [r for r in coverage_rows(workpaper_pack) if r["Section"] == "Not assessed"]
    waived = sum(
        j.status == WAIVED
        for r, j in zip(workpaper_pack.assessment.results, workpaper_pack.judgements, strict=True)
        if r.status == NOT_ASSESSED
    )
    assert waived and sum(r["Waived"] for r in rows) == waived


def test_coverage_filter_and_nothing_missing(demo_pack: PackData) -> None:
    web = account_id_named(demo_pack, "web-prod")
    rows = coverage_rows(demo_pack, ExportOptions(accounts=frozenset({web})))
    assert rows and {r["Account"] for r in rows} == {web}
    org = demo_pack.inventory.organization
    clean_inventory = replace(
        demo_pack.inventory,
        organization=replace(org, gaps=()),
        manifest={**demo_pack.manifest, "account_outcomes": {}},
        coverage=type(demo_pack.inventory.coverage)(calls=(), manifest={}),
    )
    ok = Result(
        control_id="iam_root_mfa",
        status="PASS",
        account_id=web,
        region="global",
        resource_arn="arn:aws:iam::1:root",
        resource_id="root",
        message="fine",
        evidence=Evidence(),
    )
    assessment = replace(demo_pack.assessment, results=(ok,))
    places, judgements = judge(assessment, clean_inventory, None)
    clean = replace(
        demo_pack,
        inventory=clean_inventory,
        manifest=clean_inventory.manifest,
        assessment=assessment,
        judgements=judgements,
        places=places,
    )
    assert [r["Reason"] for r in coverage_rows(clean)] == [
        "Nothing is missing: every call was answered and every control assessed"
    ]


# -- Waivers -----------------------------------------------------------------------------------------


def test_no_workpaper_says_so(demo_pack: PackData) -> None:
    rows = waiver_rows(demo_pack)
    assert [r["Reason / note"] for r in rows] == [
        "No workpaper: no waiver or note applies to this assessment"
    ]


def test_waivers_notes_and_signoff(workpaper_pack: PackData) -> None:
    wp = workpaper_pack.workpaper
    assert wp is not None
    rows = waiver_rows(workpaper_pack)
    waiver_rows_ = [r for r in rows if r["Section"] == waivers.WAIVER]
    assert [r["#"] for r in waiver_rows_] == [1, 2, 3, 4]
    results = workpaper_pack.assessment.results
    failing = wp.waivers[0].control_id
    fails = sum(r.control_id == failing and r.status == FAIL for r in results)
    first_, duplicate, expired, by_ou = waiver_rows_
    assert (first_["Results waived"], first_["Results matched"]) == (fails, fails)
    assert (duplicate["Results waived"], duplicate["Results matched"]) == (0, fails)
    assert (expired["Results waived"], expired["Results matched"]) == (0, fails)
    assert expired["Expired"] == "Yes" and first_["Expired"] == "No" and first_["Expires"] == "no expiry"
    assert first_["Accounts"] == "any" and first_["Recorded"] == "2026-01-02T00:00:00Z"
    applied = sum(j.waiver is wp.waivers[3] for j in workpaper_pack.judgements)
    assert by_ou["Results waived"] == applied > 0
    ou = wp.waivers[3].ous[0]
    assert by_ou["OUs"] == f"{workpaper_pack.inventory.organization.units[ou].name} ({ou})"
    note = next(r for r in rows if r["Section"] == waivers.NOTE)
    assert (
        note["Reason / note"] == '=HYPERLINK("http://x","y") stays text'
        and note["Owner / author"] == "auditor"
    )
    sign = rows[-1]
    assert sign["Section"] == waivers.SIGN_OFF and sign["Reason / note"] == "signed off by Reviewer One: fine"


def test_waiver_filter(workpaper_pack: PackData) -> None:
    wp = workpaper_pack.workpaper
    assert wp is not None
    ou = wp.waivers[3].ous[0]
    outside = next(
        a for a in workpaper_pack.inventory.organization.accounts if ou not in workpaper_pack.places.ou_ids(a)
    )
    rows = waiver_rows(workpaper_pack, ExportOptions(accounts=frozenset({outside})))
    waiver_numbers = [r["#"] for r in rows if r["Section"] == waivers.WAIVER]
    assert waiver_numbers == [1, 2, 3]  # the OU waiver concerns no account in scope


def test_empty_workpaper(demo_pack: PackData) -> None:
    rows = waiver_rows(replace(demo_pack, workpaper=Workpaper()))
    assert [(r["Section"], r["Reason / note"]) for r in rows] == [
        (waivers.WAIVER, "The workpaper has no waivers"),
        (waivers.SIGN_OFF, "not signed off"),
    ]
