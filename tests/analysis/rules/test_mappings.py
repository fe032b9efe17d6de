"""Framework mappings: every id in the catalogue exists in its framework's list, the lists and
section lookups behave, and docs/mappings.md (the sources) says what the catalogue says.

The lists in analysis.rules.frameworks were taken from Prowler's cis_5.0_aws.json (CIS v5.0.0
numbers and titles) and the Security Hub CSPM user guide's list of controls of the AWS
Foundational Security Best Practices standard; docs/mappings.md records versions and commits.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.rules.base import Control, ControlDefinitionError, Input, Mappings, Remediation
from analysis.rules.frameworks import (
    CIS_RECOMMENDATIONS,
    CIS_SECTIONS,
    FSBP_CONTROLS,
    FSBP_ID,
    NIST_FAMILIES,
    NIST_ID,
    UnknownFrameworkId,
    cis_section,
    fsbp_service,
    nist_family,
)
from analysis.rules.registry import controls

DOC = Path(__file__).resolve().parents[3] / "docs" / "mappings.md"


def test_every_cis_id_is_a_v5_recommendation_number() -> None:
    used = {c for control in controls() for c in control.mappings.cis}
    assert used, "the catalogue maps to CIS"
    assert used <= set(CIS_RECOMMENDATIONS), used - set(CIS_RECOMMENDATIONS)


def test_every_fsbp_id_is_a_control_of_the_standard() -> None:
    used = {c for control in controls() for c in control.mappings.fsbp}
    assert used
    assert all(FSBP_ID.match(c) for c in used)
    assert used <= FSBP_CONTROLS, used - FSBP_CONTROLS


def test_every_nist_id_is_a_well_formed_control_of_a_rev5_family() -> None:
    used = {c for control in controls() for c in control.mappings.nist}
    assert used
    for c in used:
        match = NIST_ID.match(c)
        assert match is not None and match["family"] in NIST_FAMILIES, c


def test_the_cis_list_is_the_v5_benchmark() -> None:
    # 21 IAM, 4 + 4 + 1 storage, 9 logging, 16 monitoring, 8 networking recommendations.
    assert len(CIS_RECOMMENDATIONS) == 63
    by_section: dict[str, int] = {}
    for number in CIS_RECOMMENDATIONS:
        assert re.fullmatch(r"[1-5]\.\d+(\.\d+)?", number), number
        by_section[number.split(".")[0]] = by_section.get(number.split(".")[0], 0) + 1
        if number.count(".") == 2:
            assert number.rsplit(".", 1)[0] in CIS_SECTIONS, f"{number}: subsection named"
    assert by_section == {"1": 21, "2": 9, "3": 9, "4": 16, "5": 8}
    assert "5.1" not in CIS_RECOMMENDATIONS, "5.1 is a subsection heading, not a recommendation"


def test_security_hub_controls_outside_fsbp_are_not_fsbp_ids() -> None:
    # Security Hub CSPM controls of its CIS or NIST standards only (docs/mappings.md).
    for control in ("IAM.9", "IAM.15", "IAM.22", "CloudWatch.1", "EC2.13", "KMS.4", "S3.14", "WAF.11"):
        assert control not in FSBP_CONTROLS
    for control in ("IAM.6", "CloudTrail.1", "EC2.19", "RDS.11", "RDS.13", "SQS.3", "GuardDuty.10"):
        assert control in FSBP_CONTROLS


def test_section_lookups() -> None:
    assert cis_section("2.1.4") == ("2", "Storage")
    assert cis_section("1.20") == ("1", "Identity and Access Management")
    assert cis_section("5.1.1") == ("5", "Networking")
    assert nist_family("SC-7(3)") == ("SC", "System and Communications Protection")
    assert nist_family("AC-2") == ("AC", "Access Control")
    assert fsbp_service("IAM.6") == "IAM"
    assert fsbp_service("SecretsManager.4") == "SecretsManager"


@pytest.mark.parametrize(
    ("lookup", "value"),
    [
        (cis_section, "10.2"),
        (cis_section, "5.1"),
        (nist_family, "XX-1"),
        (nist_family, "AC-2(a)"),
        (nist_family, "AC-2(1)(2)"),
        (fsbp_service, "IAM.9"),
        (fsbp_service, "IAM-6"),
    ],
)
def test_unknown_ids_are_refused_with_the_id_named(lookup: object, value: str) -> None:
    with pytest.raises(UnknownFrameworkId, match=re.escape(repr(value))):
        lookup(value)  # type: ignore[operator]


def _control(mappings: Mappings) -> Control:
    return Control(
        id="iam_example_control",
        title="An example",
        severity="high",
        practice="identity",
        service="iam",
        rationale="Because.",
        remediation=Remediation(console="Do it.", cli="aws iam x", terraform='resource "x" "y" {}'),
        inputs=(Input(service="iam", operation="GetAccountSummary", regional=False),),
        mappings=mappings,
    )


@pytest.mark.parametrize(
    ("mappings", "complaint"),
    [
        (Mappings(cis=("10.2",)), "CIS '10.2'"),
        (Mappings(cis=("1.4", "1.4")), "cis lists an id twice"),
        (Mappings(fsbp=("CloudWatch.1",)), "FSBP 'CloudWatch.1'"),
        (Mappings(nist=("AC-2(a)",)), "NIST 'AC-2(a)'"),
        (Mappings(nist=("ZZ-2",)), "NIST 'ZZ-2'"),
    ],
)
def test_a_control_with_an_unknown_id_is_refused(mappings: Mappings, complaint: str) -> None:
    with pytest.raises(ControlDefinitionError, match=re.escape(complaint)):
        _control(mappings)


def test_a_control_without_published_counterpart_keeps_empty_mappings() -> None:
    assert _control(Mappings()).mappings == Mappings()


def _documented() -> dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """The table of docs/mappings.md: control -> (cis, fsbp, nist)."""
    rows: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not re.fullmatch(r"`[a-z0-9_]+`", cells[0]):
            continue

        def ids(cell: str) -> tuple[str, ...]:
            return () if cell in ("", "-") else tuple(i.strip() for i in cell.split(","))

        rows[cells[0].strip("`")] = (ids(cells[1]), ids(cells[2]), ids(cells[3]))
    return rows


def test_docs_mappings_table_matches_the_catalogue() -> None:
    documented = _documented()
    catalogue = {c.id: (c.mappings.cis, c.mappings.fsbp, c.mappings.nist) for c in controls()}
    assert set(documented) == set(catalogue), set(documented) ^ set(catalogue)
    wrong = {cid: (documented[cid], ids) for cid, ids in catalogue.items() if documented[cid] != ids}
    assert not wrong, wrong
