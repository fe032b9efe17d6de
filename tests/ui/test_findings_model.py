"""The findings model and its filter proxy: sort role order, every filter, the model tester, a large table."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Control, Evidence, Result
from analysis.rules.registry import controls
from ui.models.findings_model import (
    ROW_ROLE,
    SORT_ROLE,
    FindingsFilter,
    FindingsFilterProxy,
    FindingsModel,
    build_finding_rows,
)

PLACES = {
    "111111111111": ("prod-app", ["Root", "Workloads", "Prod"], ["r-1", "ou-w", "ou-p"]),
    "222222222222": ("sandbox", ["Root", "Sandbox"], ["r-1", "ou-s"]),
}


def place(account_id: str) -> tuple[str, list[str], list[str]]:
    return PLACES.get(account_id, ("", [], []))


def pick(severity: str, framework: str | None = None) -> Control:
    for c in controls():
        if c.severity != severity:
            continue
        if framework == "CIS-only-NIST" and (c.mappings.cis or not c.mappings.nist):
            continue
        return c
    raise LookupError(severity)


def result(
    control: Control, status: str, account: str, region: str, resource: str, message: str = ""
) -> Result:
    return Result(
        control_id=control.id,
        status=status,
        account_id=account,
        region=region,
        resource_arn=f"arn:aws:test:::{resource}",
        resource_id=resource,
        message=message or f"{control.id} {status}",
        evidence=Evidence(call_ids=(1,)),
    )


@pytest.fixture
def sample() -> tuple[list[Control], list[Result]]:
    crit, high, low = pick("critical"), pick("high"), pick("low")
    results = [
        result(low, FAIL, "111111111111", "eu-west-1", "bucket-a"),
        result(crit, FAIL, "222222222222", "us-east-1", "root"),
        result(high, PASS, "111111111111", "us-east-1", "role-x"),
        result(high, NOT_ASSESSED, "222222222222", "eu-west-1", "vpc-1", "ec2 DescribeVpcs was denied"),
        result(crit, PASS, "", "global", "o-org"),
    ]
    return [crit, high, low], results


def make_proxy(rows: list[Any]) -> tuple[FindingsModel, FindingsFilterProxy]:
    model = FindingsModel()
    proxy = FindingsFilterProxy()
    proxy.setSourceModel(model)
    model.set_rows(rows)
    return model, proxy


def column(proxy: FindingsFilterProxy, model: FindingsModel, key: str) -> list[str]:
    col = model.columns.index(key)
    return [proxy.index(r, col).data() for r in range(proxy.rowCount())]


def test_rows_carry_account_name_ou_path_and_frameworks(sample: Any) -> None:
    ctrls, results = sample
    rows = build_finding_rows(results, ctrls, place=place)
    assert rows[0].account_text == "prod-app (111111111111)"
    assert rows[0].ou_text == "Root / Workloads / Prod"
    assert rows[4].account_text == "(organization)"
    c = ctrls[2]
    expected = {
        n for n, ids in (("CIS", c.mappings.cis), ("FSBP", c.mappings.fsbp), ("NIST", c.mappings.nist)) if ids
    }
    assert rows[0].frameworks == expected
    assert rows[0].severity == "low" and rows[0].title == c.title


def test_unknown_control_still_shows_its_id(sample: Any) -> None:
    _, results = sample
    rows = build_finding_rows(results[:1], [], place=place)
    assert rows[0].title == results[0].control_id and rows[0].severity == ""


def test_sorting_by_severity_is_by_gravity_not_alphabet(sample: Any) -> None:
    ctrls, results = sample
    model, proxy = make_proxy(build_finding_rows(results, ctrls, place=place))
    proxy.sort(model.columns.index("severity"), Qt.SortOrder.AscendingOrder)
    assert column(proxy, model, "severity") == ["Critical", "Critical", "High", "High", "Low"]
    proxy.sort(model.columns.index("severity"), Qt.SortOrder.DescendingOrder)
    assert column(proxy, model, "severity")[0] == "Low"


def test_sorting_by_status_puts_failures_first(sample: Any) -> None:
    ctrls, results = sample
    model, proxy = make_proxy(build_finding_rows(results, ctrls, place=place))
    proxy.sort(model.columns.index("status"), Qt.SortOrder.AscendingOrder)
    assert column(proxy, model, "status") == ["Fail", "Fail", "Not assessed", "Pass", "Pass"]
    # within a status, the more severe first
    assert column(proxy, model, "severity")[:2] == ["Critical", "Low"]
    assert model.index(0, 0).data(SORT_ROLE) == 0


def test_each_filter(sample: Any) -> None:
    ctrls, results = sample
    rows = build_finding_rows(results, ctrls, place=place)
    _model, proxy = make_proxy(rows)

    def shown(**kw: Any) -> set[str]:
        proxy.set_filter(FindingsFilter(**kw))
        return {proxy.row_at(r).resource for r in range(proxy.rowCount())}

    assert shown() == {"bucket-a", "root", "role-x", "vpc-1", "o-org"}
    assert shown(statuses=frozenset({FAIL})) == {"bucket-a", "root"}
    assert shown(severities=frozenset({"critical"})) == {"root", "o-org"}
    assert shown(account_id="111111111111") == {"bucket-a", "role-x"}
    assert shown(ou_id="ou-w") == {"bucket-a", "role-x"}  # an OU covers the accounts beneath it
    assert shown(ou_id="r-1") == {"bucket-a", "root", "role-x", "vpc-1"}
    assert shown(region="eu-west-1") == {"bucket-a", "vpc-1"}
    assert shown(service=ctrls[2].service) >= {"bucket-a"}
    assert shown(practice=ctrls[0].practice) >= {"root", "o-org"}
    assert shown(text="  DENIED ") == {"vpc-1"}  # the message, case-insensitive, trimmed
    assert shown(text="prod-app") == {"bucket-a", "role-x"}
    assert shown(statuses=frozenset({FAIL}), account_id="222222222222") == {"root"}
    assert shown(control_id=ctrls[1].id) == {"role-x", "vpc-1"}
    assert shown(region="ap-south-1") == set()


def test_framework_filter_keeps_controls_mapped_to_it(sample: Any) -> None:
    ctrls, results = sample
    rows = build_finding_rows(results, ctrls, place=place)
    _, proxy = make_proxy(rows)
    for fw in ("CIS", "FSBP", "NIST"):
        proxy.set_filter(FindingsFilter(framework=fw))
        expected = {r.index for r in rows if fw in r.frameworks}
        assert {proxy.row_at(i).index for i in range(proxy.rowCount())} == expected


def test_filter_survives_a_sort_and_new_rows(sample: Any) -> None:
    ctrls, results = sample
    model, proxy = make_proxy(build_finding_rows(results, ctrls, place=place))
    proxy.set_filter(FindingsFilter(statuses=frozenset({FAIL})))
    proxy.sort(model.columns.index("resource"), Qt.SortOrder.DescendingOrder)
    assert column(proxy, model, "resource") == ["root", "bucket-a"]
    model.set_rows(build_finding_rows(results[:1], ctrls, place=place))
    assert column(proxy, model, "resource") == ["bucket-a"]


def test_selection_follows_its_row_through_a_sort(sample: Any) -> None:
    ctrls, results = sample
    model, _proxy = make_proxy(build_finding_rows(results, ctrls, place=place))
    from PySide6.QtCore import QPersistentModelIndex

    kept = QPersistentModelIndex(model.index(3, 0))
    row = kept.data(ROW_ROLE)
    model.sort(model.columns.index("severity"), Qt.SortOrder.DescendingOrder)
    assert kept.isValid() and model.index(kept.row(), 0).data(ROW_ROLE) is row


def test_model_tester(qtmodeltester: Any, sample: Any) -> None:
    ctrls, results = sample
    model, proxy = make_proxy(build_finding_rows(results, ctrls, place=place))
    qtmodeltester.check(model)
    proxy.set_filter(FindingsFilter(statuses=frozenset({FAIL, PASS})))
    qtmodeltester.check(proxy)


def test_many_rows_filter_and_sort(sample: Any) -> None:
    ctrls, results = sample
    many = [results[i % len(results)] for i in range(20_000)]
    model, proxy = make_proxy(build_finding_rows(many, ctrls, place=place))
    proxy.set_filter(FindingsFilter(statuses=frozenset({NOT_ASSESSED})))
    assert proxy.rowCount() == 4_000
    proxy.sort(model.columns.index("severity"), Qt.SortOrder.AscendingOrder)
    assert proxy.rowCount() == 4_000
    assert all(proxy.row_at(i).status == NOT_ASSESSED for i in (0, 1999, 3999))


def test_mappings_helper_covers_unmapped_frameworks() -> None:
    # a control mapped to NIST only is not in the CIS filter
    nist_only = [c for c in controls() if c.mappings.nist and not c.mappings.cis]
    if not nist_only:
        pytest.skip("every control maps to CIS")
    c = nist_only[0]
    rows = build_finding_rows([result(c, FAIL, "111111111111", "eu-west-1", "x")], [c], place=place)
    assert "CIS" not in rows[0].frameworks and "NIST" in rows[0].frameworks
