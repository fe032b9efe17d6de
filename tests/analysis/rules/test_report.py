"""The assessment document and its OCSF form on a built Inventory with made-up results: every field of
a result, account name and OU path, waivers applied, and the OCSF status and severity mapping."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from analysis.rules.assessment import Assessment
from analysis.rules.base import (
    FAIL,
    NOT_ASSESSED,
    PASS,
    Control,
    Evidence,
    Input,
    Mappings,
    Remediation,
    Result,
)
from analysis.rules.frameworks import CIS_SECTIONS, NIST_FAMILIES
from analysis.rules.ocsf import ocsf_findings
from analysis.rules.report import (
    SectionRate,
    assessment_json,
    control_sections,
    pass_rates_by_framework,
    pass_rates_by_section,
    result_key,
    section_title,
)
from analysis.workpaper import Waiver, Workpaper
from tests.analysis.rules.builders import ACCOUNTS, inventory_with

CONTROL = Control(
    id="iam_example_control",
    title="An example control",
    severity="high",
    practice="identity",
    service="iam",
    rationale="why",
    remediation=Remediation(console="click", cli="aws iam ...", terraform='resource "x" "y" {}'),
    inputs=(Input(service="iam", operation="GetAccountSummary", regional=False),),
    mappings=Mappings(cis=("1.4",), fsbp=("IAM.6",), nist=("AC-2",)),
)


def result(status: str, account: str, arn: str = "", **kw: Any) -> Result:
    return Result(
        control_id=CONTROL.id,
        status=status,
        account_id=account,
        region="global",
        resource_arn=arn or f"arn:aws:iam::{account}:root",
        resource_id=account,
        message=f"{status} here",
        **kw,
    )


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return inventory_with(tmp_path_factory.mktemp("report"), [])


def doc_for(inventory: Any, results: list[Result], workpaper: Workpaper | None = None) -> dict[str, Any]:
    assessment = Assessment(controls=(CONTROL,), results=tuple(results), seconds=0.5)
    return assessment_json(
        assessment, inventory=inventory, workpaper=workpaper, tool_version="9.9", today=date(2025, 6, 1)
    )


def test_result_fields_place_and_evidence(inventory: Any) -> None:
    a = ACCOUNTS[1]
    ev = Evidence(call_ids=(3, 4), statements=("s0",), path=("a", "b"), hops=("igw",), values={"n": (1, 2)})
    doc = doc_for(inventory, [result(FAIL, a, evidence=ev)])
    r = doc["results"][0]
    assert r["key"] == result_key(result(FAIL, a)) == f"{CONTROL.id}|{a}|global|arn:aws:iam::{a}:root"
    assert (r["status"], r["assessed_status"], r["severity"], r["title"]) == (
        FAIL,
        FAIL,
        "high",
        CONTROL.title,
    )
    assert r["account_name"] == inventory.account_name(a) and r["account_name"]
    org = inventory.organization
    assert r["ou_ids"] == [u.id for u in org.path_to(a)] and r["ou_ids"][0] in org.root_ids
    assert len(r["ou_path"]) == len(r["ou_ids"])
    assert r["mappings"] == {"cis": ["1.4"], "fsbp": ["IAM.6"], "nist": ["AC-2"]}
    assert r["evidence"] == {
        "call_ids": [3, 4],
        "statements": ["s0"],
        "path": ["a", "b"],
        "hops": ["igw"],
        "values": {"n": [1, 2]},
    }
    assert doc["controls"][0]["remediation"]["terraform"].startswith("resource")
    assert doc["summary"] == {
        "controls": 1,
        "results": 1,
        "by_status": {"FAIL": 1},
        "failed_by_severity": {"high": 1},
        "failed_by_practice": {"identity": 1},
        "seconds": 0.5,
    }
    assert doc["exposure"] is None and doc["trust_findings"] is None and doc["workpaper"] is None


def test_waiver_by_ou_applies_to_accounts_beneath_it(inventory: Any) -> None:
    org = inventory.organization
    a, b = ACCOUNTS[1], ACCOUNTS[2]
    parent = org.path_to(a)[-1].id
    beneath = {acc for acc in ACCOUNTS if org.path_to(acc) and parent in {u.id for u in org.path_to(acc)}}
    wp = Workpaper(waivers=(Waiver(control_id=CONTROL.id, ous=(parent,), reason="r", owner="o"),))
    doc = doc_for(inventory, [result(FAIL, acc) for acc in (a, b)], wp)
    statuses = {r["account_id"]: r["status"] for r in doc["results"]}
    assert statuses[a] == "WAIVED"
    assert statuses[b] == ("WAIVED" if b in beneath else FAIL)
    assert doc["summary"]["failed_by_severity"] == ({} if b in beneath else {"high": 1})
    assert doc["workpaper"]["waivers"] == 1


def test_ocsf_mapping(inventory: Any) -> None:
    a = ACCOUNTS[0]
    wp = Workpaper(waivers=(Waiver(control_id=CONTROL.id, accounts=(ACCOUNTS[2],), reason="r", owner="o"),))
    results = [
        result(PASS, a),
        result(FAIL, ACCOUNTS[1]),
        result(NOT_ASSESSED, ACCOUNTS[3]),
        result(FAIL, ACCOUNTS[2]),
    ]
    findings = ocsf_findings(doc_for(inventory, results, wp))
    got = [
        (
            f["status_code"],
            f["compliance"]["status_id"],
            f["compliance"]["status"],
            f["status_id"],
            f["status"],
        )
        for f in findings
    ]
    assert got == [
        ("PASS", 1, "Pass", 1, "New"),
        ("FAIL", 3, "Fail", 1, "New"),
        ("NOT_ASSESSED", 2, "Warning", 1, "New"),
        ("FAIL", 3, "Fail", 3, "Suppressed"),
    ]
    f = findings[1]
    assert (f["severity_id"], f["severity"]) == (4, "High")
    assert f["compliance"]["requirements"] == ["CIS 1.4", "FSBP IAM.6", "NIST AC-2"]
    assert f["compliance"]["standards"][0].startswith("CIS AWS Foundations Benchmark v")
    assert f["resources"][0]["uid"] == f"arn:aws:iam::{ACCOUNTS[1]}:root"
    assert f["cloud"]["account"]["uid"] == ACCOUNTS[1] and f["cloud"]["org"]["uid"].startswith("o-")
    assert f["metadata"]["product"]["version"] == "9.9"
    assert findings[3]["unmapped"]["waiver"]["owner"] == "o"
    # the uid is stable: the same result gives the same id in another run
    again = ocsf_findings(doc_for(inventory, results, wp))
    assert [x["finding_info"]["uid"] for x in again] == [x["finding_info"]["uid"] for x in findings]


def test_ocsf_uid_differs_per_result(inventory: Any, tmp_path: Path) -> None:
    findings = ocsf_findings(doc_for(inventory, [result(FAIL, acc) for acc in ACCOUNTS]))
    assert len({f["finding_info"]["uid"] for f in findings}) == len(ACCOUNTS)


# -- pass rate per framework section ---------------------------------------------------------------


def control(
    cid: str, *, cis: tuple[str, ...] = (), fsbp: tuple[str, ...] = (), nist: tuple[str, ...] = ()
) -> Control:
    return dataclasses.replace(CONTROL, id=cid, mappings=Mappings(cis=cis, fsbp=fsbp, nist=nist))


@dataclasses.dataclass(frozen=True)
class Row:
    """A findings row as the GUI has it: the reported status may be WAIVED."""

    control_id: str
    status: str


def of(cid: str, status: str) -> Row:
    return Row(cid, status)


def rates(items: Sequence[Any], controls: Sequence[Control], **kw: Any) -> dict[tuple[str, str], SectionRate]:
    return {(s.framework, s.section): s for s in pass_rates_by_section(items, controls, **kw)}


def test_sections_of_a_control_by_framework() -> None:
    c = control(
        "a_b", cis=("1.4", "2.1.1"), fsbp=("S3.1", "S3.8", "IAM.6"), nist=("AC-2", "AC-6(10)", "SC-7")
    )
    assert control_sections(c) == {
        ("CIS", "1"),
        ("CIS", "2"),
        ("FSBP", "S3"),
        ("FSBP", "IAM"),
        ("NIST", "AC"),
        ("NIST", "SC"),
    }
    assert section_title("CIS", "1") == "Identity and Access Management"
    assert section_title("CIS", "5") == "Networking"
    assert section_title("NIST", "AC") == "Access Control"
    assert section_title("FSBP", "S3") == "S3"


def test_pass_rate_is_pass_over_pass_and_fail_waived_and_not_assessed_apart() -> None:
    iam = control("iam_x_y", cis=("1.4",), nist=("AC-2", "AC-6"))
    s3 = control("s3_x_y", cis=("2.1.1",), fsbp=("S3.1",), nist=("SC-28",))
    items = [
        of(iam.id, PASS),
        of(iam.id, FAIL),
        of(iam.id, FAIL),
        of(iam.id, NOT_ASSESSED),
        of(iam.id, "WAIVED"),
        of(iam.id, "ERROR"),
        of(s3.id, NOT_ASSESSED),
        of("unknown_control", PASS),  # not in the catalogue given: not counted
    ]
    got = rates(items, [iam, s3])
    cis1 = got[("CIS", "1")]
    assert (cis1.passed, cis1.failed, cis1.waived, cis1.not_assessed, cis1.errors) == (1, 2, 1, 1, 1)
    assert cis1.rate == pytest.approx(100 / 3)
    assert (
        cis1.title == "Identity and Access Management"
        and cis1.label == "CIS 1 Identity and Access Management"
    )
    # mapped to AC-2 and AC-6: counted once in AC
    assert got[("NIST", "AC")].passed == 1 and got[("NIST", "AC")].failed == 2
    # not assessed only: no rate at all, never 100 %
    assert got[("CIS", "2")].rate is None and got[("CIS", "2")].not_assessed == 1
    assert got[("FSBP", "S3")].label == "FSBP S3" and got[("NIST", "SC")].title == (
        "System and Communications Protection"
    )
    assert list(got) == [("CIS", "1"), ("CIS", "2"), ("FSBP", "S3"), ("NIST", "AC"), ("NIST", "SC")]


def test_pass_rates_take_reported_statuses_and_list_sections_without_results() -> None:
    # Mappings are validated against the framework lists (analysis.rules.frameworks): real ids only.
    a = control("a_x_y", cis=("4.1",), fsbp=("CloudTrail.1",))
    b = control("b_x_y", cis=("5.5",), fsbp=("EC2.2",))
    items = [dataclasses.replace(result(FAIL, acc), control_id=a.id) for acc in ACCOUNTS[:2]]
    got = rates(items, [a, b], statuses=["WAIVED", FAIL])
    assert (got[("CIS", "4")].failed, got[("CIS", "4")].waived) == (1, 1)
    assert got[("CIS", "4")].rate == 0.0
    # b has no results: its sections are listed, empty
    assert got[("CIS", "5")] == SectionRate(framework="CIS", section="5", title="Networking")
    assert list(got)[:2] == [("CIS", "4"), ("CIS", "5")]
    assert list(got)[2:] == [("FSBP", "CloudTrail"), ("FSBP", "EC2")]


def test_pass_rates_by_section_on_the_catalogue() -> None:
    from analysis.rules.registry import controls

    catalogue = controls()
    got = rates([], catalogue)
    assert {k for k, _ in got} == {"CIS", "FSBP", "NIST"}
    assert {s for fw, s in got if fw == "CIS"} <= set(CIS_SECTIONS)
    assert {s for fw, s in got if fw == "NIST"} <= set(NIST_FAMILIES)
    assert all(r.rate is None for r in got.values())


def test_pass_rates_by_framework_count_each_result_once() -> None:
    a = control("a_x_y", cis=("1.4", "2.1.1"), nist=("AC-2", "SC-7"))
    b = control("b_x_y", fsbp=("S3.1",), nist=("AC-3",))
    items = [of(a.id, PASS), of(a.id, FAIL), of(b.id, FAIL), of(b.id, NOT_ASSESSED), of(b.id, "WAIVED")]
    got = {r.framework: r for r in pass_rates_by_framework(items, [a, b])}
    assert list(got) == ["CIS", "FSBP", "NIST"]
    assert (got["CIS"].passed, got["CIS"].failed) == (1, 1)  # in two CIS sections, counted once
    assert (got["NIST"].passed, got["NIST"].failed, got["NIST"].not_assessed, got["NIST"].waived) == (
        1,
        2,
        1,
        1,
    )
    assert got["FSBP"].rate == 0.0 and got["NIST"].rate == pytest.approx(100 / 3)
    assert got["CIS"].label.startswith("CIS AWS Foundations Benchmark v") and got["CIS"].section == ""
    assert pass_rates_by_framework(items, []) == []


def test_pass_rates_refuse_a_status_list_of_another_length() -> None:
    a = control("a_x_y", cis=("1.4",))
    with pytest.raises(ValueError):
        pass_rates_by_section([of(a.id, FAIL), of(a.id, PASS)], [a], statuses=[FAIL])
