"""exports.options: validation with clear messages, and the scope queries."""

from __future__ import annotations

import pytest

from analysis.rules.base import Mappings
from exports.options import ALL_SHEETS, ExportOptions, ExportOptionsError


def test_defaults_are_everything() -> None:
    o = ExportOptions()
    assert o.sheets == ALL_SHEETS and o.include_pass
    assert o.accepts_account("111111111111", ())
    assert o.accepts_account("", ())  # organization-wide results are in scope with no filter
    assert o.accepts_status("PASS") and o.in_findings("PASS")
    assert o.accepts_control("low", Mappings(cis=("1.1",)))
    assert o.describe() == ["none: every result of every account, every sheet"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sheets": ("Cover", "Fidings")}, "unknown sheet 'Fidings'; sheets are: Cover, Summary"),
        ({"sheets": ()}, "at least one sheet"),
        ({"sheets": "Cover"}, "not 'Cover'"),
        ({"statuses": {"FAILED"}}, "unknown status 'FAILED'"),
        ({"severities": {"severe"}}, "unknown severity 'severe'"),
        ({"frameworks": {"pci"}}, "unknown framework 'pci'; known: cis, fsbp, nist"),
        ({"accounts": "111111111111"}, "single string"),
        ({"accounts": {""}}, "empty id"),
        ({"include_pass": "no"}, "True or False"),
    ],
)
def test_bad_options_are_refused_with_the_reason(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ExportOptionsError, match=message.replace("(", r"\(")):
        ExportOptions(**kwargs)  # type: ignore[arg-type]


def test_values_are_normalized() -> None:
    o = ExportOptions(
        statuses={"fail", "waived"},
        severities=["HIGH"],
        frameworks=("CIS",),
        sheets=("Evidence", "Cover", "Cover"),
        accounts=["111111111111"],
    )
    assert o.statuses == frozenset({"FAIL", "WAIVED"})
    assert o.severities == frozenset({"high"})
    assert o.frameworks == frozenset({"cis"})
    assert o.sheets == ("Cover", "Evidence")  # workbook order, once each
    assert o.accounts == frozenset({"111111111111"})


def test_account_and_ou_scope() -> None:
    o = ExportOptions(accounts={"111111111111"}, ous={"ou-a"})
    assert o.accepts_account("111111111111", ("r-1",))
    assert o.accepts_account("222222222222", ("r-1", "ou-a", "ou-b"))  # beneath ou-a at any depth
    assert not o.accepts_account("333333333333", ("r-1", "ou-c"))
    assert not o.accepts_account("", ())  # organization-wide: not about the accounts chosen
    assert any("organization-wide" in line for line in o.describe())


def test_severity_framework_and_status_filters() -> None:
    o = ExportOptions(
        severities={"critical", "high"}, frameworks={"fsbp"}, statuses={"FAIL"}, include_pass=False
    )
    assert o.accepts_control("high", Mappings(fsbp=("IAM.6",)))
    assert not o.accepts_control("high", Mappings(cis=("1.4",)))  # not mapped to FSBP
    assert not o.accepts_control("low", Mappings(fsbp=("IAM.6",)))
    assert not o.accepts_control("high", None)
    assert o.accepts_status("FAIL") and not o.accepts_status("WAIVED")
    assert not o.in_findings("PASS") and o.in_findings("FAIL")
    text = "\n".join(o.describe())
    assert "severities: critical, high" in text
    assert "controls mapped to: FSBP" in text
    assert "PASS results left out of the Findings sheet" in text


def test_sheets_left_out_are_described() -> None:
    o = ExportOptions(sheets=("Cover", "Findings"))
    assert any(line.startswith("sheets left out: Summary, Control matrix") for line in o.describe())
