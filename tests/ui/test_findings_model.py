"""The findings model (its own filter and sort): sort role order, every filter, replace_rows, the model tester."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QTableView

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Control, Evidence, Result
from analysis.rules.registry import controls
from ui.models.findings_model import (
    COLUMNS,
    ROW_ROLE,
    SEVERITY_ORDER,
    SORT_ROLE,
    STATUS_ORDER,
    WAIVED,
    FindingRow,
    FindingsFilter,
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


def make_model(rows: list[Any]) -> FindingsModel:
    model = FindingsModel()
    model.set_rows(rows)
    return model


def column(model: FindingsModel, key: str) -> list[str]:
    col = model.columns.index(key)
    return [model.index(r, col).data() for r in range(model.rowCount())]


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
    model = make_model(build_finding_rows(results, ctrls, place=place))
    model.sort(model.columns.index("severity"), Qt.SortOrder.AscendingOrder)
    assert column(model, "severity") == ["Critical", "Critical", "High", "High", "Low"]
    model.sort(model.columns.index("severity"), Qt.SortOrder.DescendingOrder)
    assert column(model, "severity")[0] == "Low"


def test_sorting_by_status_puts_failures_first(sample: Any) -> None:
    ctrls, results = sample
    model = make_model(build_finding_rows(results, ctrls, place=place))
    model.sort(model.columns.index("status"), Qt.SortOrder.AscendingOrder)
    assert column(model, "status") == ["Fail", "Fail", "Not assessed", "Pass", "Pass"]
    # within a status, the more severe first
    assert column(model, "severity")[:2] == ["Critical", "Low"]
    assert model.index(0, 0).data(SORT_ROLE) == 0


def test_each_filter(sample: Any) -> None:
    ctrls, results = sample
    rows = build_finding_rows(results, ctrls, place=place)
    model = make_model(rows)

    def shown(**kw: Any) -> set[str]:
        model.set_filter(FindingsFilter(**kw))
        return {model.row_at(r).resource for r in range(model.rowCount())}

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
    assert shown(account_id="999999999999") == set()
    assert model.total() == 5


def test_section_filter_keeps_controls_mapped_into_it(sample: Any) -> None:
    ctrls, results = sample
    rows = build_finding_rows(results, ctrls, place=place)
    model = make_model(rows)
    sections = {s for r in rows for s in r.sections}
    assert sections, "the sample controls map into framework sections"
    for section in sections:
        model.set_filter(FindingsFilter(section=section))
        expected = {r.index for r in rows if section in r.sections}
        assert {model.row_at(i).index for i in range(model.rowCount())} == expected
    model.set_filter(FindingsFilter(section=("CIS", "99")))
    assert model.rowCount() == 0


def test_framework_filter_keeps_controls_mapped_to_it(sample: Any) -> None:
    ctrls, results = sample
    rows = build_finding_rows(results, ctrls, place=place)
    model = make_model(rows)
    for fw in ("CIS", "FSBP", "NIST"):
        model.set_filter(FindingsFilter(framework=fw))
        expected = {r.index for r in rows if fw in r.frameworks}
        assert {model.row_at(i).index for i in range(model.rowCount())} == expected


def varied_rows() -> list[FindingRow]:
    """400 rows over several controls, accounts, regions, statuses and messages."""
    picked = [pick(s) for s in ("critical", "high", "medium", "low")] + list(controls()[:6])
    statuses = (FAIL, PASS, NOT_ASSESSED, FAIL, PASS)
    accounts = ("111111111111", "222222222222", "")
    results = [
        result(
            picked[i % len(picked)],
            statuses[i % 5],
            accounts[i % 3],
            ("eu-west-1", "us-east-1", "global")[i % 7 % 3],
            f"res-{(i * 37) % 101:03d}",
            message=f"message {(i * 13) % 17} {'Denied' if i % 4 == 0 else 'ok'}",
        )
        for i in range(400)
    ]
    rows = build_finding_rows(results, picked, place=place)
    return [replace(r, status=WAIVED) if i % 11 == 0 and r.status == FAIL else r for i, r in enumerate(rows)]


FILTERS = [
    FindingsFilter(),
    FindingsFilter(statuses=frozenset({FAIL, WAIVED})),
    FindingsFilter(severities=frozenset({"high", "low"}), region="eu-west-1"),
    FindingsFilter(account_id="", statuses=frozenset({PASS})),
    FindingsFilter(ou_id="ou-w", text="denied"),
    FindingsFilter(ou_id="r-1", framework="NIST"),
    FindingsFilter(framework="CIS", section=("CIS", "1")),
    FindingsFilter(section=("NIST", "AC"), text=" RES-00"),
    FindingsFilter(text="message 1 ok"),
    FindingsFilter(practice="identity", severities=frozenset({"critical"})),
    FindingsFilter(service="s3", statuses=frozenset({NOT_ASSESSED})),
    FindingsFilter(control_id=controls()[0].id, region="global"),
]


@pytest.mark.parametrize("f", FILTERS)
def test_filters_show_what_accepts_says_in_the_sort_order(f: FindingsFilter) -> None:
    rows = varied_rows()
    model = make_model(rows)
    col = model.columns.index("resource")
    model.sort(col, Qt.SortOrder.DescendingOrder)
    model.set_filter(f)
    everything = [model.row_at(i) for i in range(model.rowCount())]
    model.set_filter(FindingsFilter())
    in_order = [model.row_at(i) for i in range(model.rowCount())]
    model.set_filter(f)
    assert [r.index for r in everything] == [r.index for r in in_order if f.accepts(r)]
    assert model.shown_rows() == everything


def reference_order(rows: list[FindingRow], key: str, descending: bool) -> list[int]:
    """The order the old model gave: Python's sort over (sort key, severity, status, position)."""
    tie = {
        id(r): (SEVERITY_ORDER.get(r.severity, 9), STATUS_ORDER.get(r.status, 9), n)
        for n, r in enumerate(rows)
    }
    ordered = sorted(rows, key=lambda r: (r.sort_key(key), tie[id(r)]), reverse=descending)
    return [r.index for r in ordered]


@pytest.mark.parametrize("key", list(COLUMNS))
def test_every_column_sorts_by_its_sort_key_ties_by_severity_then_status(key: str) -> None:
    rows = varied_rows()
    model = FindingsModel(columns=list(COLUMNS))
    model.set_rows(rows)
    col = model.columns.index(key)
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        model.sort(col, order)
        got = [model.row_at(i).index for i in range(model.rowCount())]
        assert got == reference_order(rows, key, order == Qt.SortOrder.DescendingOrder)
        keys = [model.index(i, col).data(SORT_ROLE) for i in range(model.rowCount())]
        assert keys == sorted(keys, reverse=order == Qt.SortOrder.DescendingOrder)


def test_filter_survives_a_sort_and_new_rows(sample: Any) -> None:
    ctrls, results = sample
    model = make_model(build_finding_rows(results, ctrls, place=place))
    model.set_filter(FindingsFilter(statuses=frozenset({FAIL})))
    model.sort(model.columns.index("resource"), Qt.SortOrder.DescendingOrder)
    assert column(model, "resource") == ["root", "bucket-a"]
    model.set_rows(build_finding_rows(results[:1], ctrls, place=place))
    assert column(model, "resource") == ["bucket-a"]
    model.set_rows(build_finding_rows(list(reversed(results)), ctrls, place=place))
    assert column(model, "resource") == ["root", "bucket-a"]  # the sort is kept too


def test_selection_follows_its_row_through_a_sort_and_a_filter(sample: Any) -> None:
    ctrls, results = sample
    model = make_model(build_finding_rows(results, ctrls, place=place))
    kept = QPersistentModelIndex(model.index(3, 0))
    row = kept.data(ROW_ROLE)
    model.sort(model.columns.index("severity"), Qt.SortOrder.DescendingOrder)
    assert kept.isValid() and model.index(kept.row(), 0).data(ROW_ROLE) is row
    model.set_filter(FindingsFilter(statuses=frozenset({row.status})))
    assert kept.isValid() and model.row_at(kept.row()) is row
    other = next(s for s in (FAIL, PASS, NOT_ASSESSED) if s != row.status)
    model.set_filter(FindingsFilter(statuses=frozenset({other})))
    assert not kept.isValid()  # filtered out: it leaves the selection


def test_replace_rows_keeps_filter_sort_and_selection(qtbot: Any) -> None:
    rows = varied_rows()
    model = FindingsModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    model.set_rows(rows)
    model.sort(model.columns.index("status"), Qt.SortOrder.AscendingOrder)
    model.set_filter(FindingsFilter(statuses=frozenset({FAIL, WAIVED}), text="denied"))
    shown = model.rowCount()
    first = model.row_at(0)
    last = model.row_at(shown - 1)
    assert first.status == FAIL and last.status == WAIVED
    view.selectRow(shown - 1)
    view.selectionModel().select(
        model.index(0, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    # the workpaper waives the first failure and un-waives the last waived one
    new = list(model.rows())
    new[first.index] = replace(first, status=WAIVED)
    new[last.index] = replace(last, status=FAIL)
    changed_events: list[str] = []
    model.layoutChanged.connect(lambda *_: changed_events.append("layout"))
    model.modelReset.connect(lambda: changed_events.append("reset"))
    model.replace_rows(new)
    assert changed_events == ["layout"]
    assert model.rowCount() == shown and model.rows() == new
    statuses = [model.row_at(i).status for i in range(shown)]
    assert statuses == sorted(statuses, key=STATUS_ORDER.__getitem__)  # still sorted by status
    assert model.position_of(new[last.index]) < statuses.index(WAIVED)  # now a failure: among them
    assert model.position_of(new[first.index]) >= statuses.index(WAIVED)  # now waived: among them
    assert model.position_of(first) == -1  # the old record is not held any more
    selected = {model.row_at(i.row()).index for i in view.selectionModel().selectedRows()}
    assert selected == {first.index, last.index}  # the selection followed both rows
    # a row the filter no longer accepts leaves the table and the selection
    newer = list(new)
    newer[first.index] = replace(new[first.index], status=PASS)
    model.replace_rows(newer)
    assert model.rowCount() == shown - 1 and view.verticalHeader().count() == shown - 1
    assert {model.row_at(i.row()).index for i in view.selectionModel().selectedRows()} == {last.index}
    assert all(model.filter.accepts(model.row_at(i)) for i in range(model.rowCount()))
    # nothing changed: nothing emitted
    changed_events.clear()
    model.replace_rows(list(newer))
    assert changed_events == []
    # some rows only: each goes where the held row with its index is
    back = replace(newer[first.index], status=FAIL)
    model.replace_rows([back])
    assert model.rows()[first.index] is back and model.rowCount() == shown
    assert model.rows()[: first.index] == newer[: first.index]
    with pytest.raises(ValueError, match="no row with index 4000"):
        model.replace_rows([replace(back, index=4000)])


def test_filter_changes_the_views_row_count(qtbot: Any, sample: Any) -> None:
    ctrls, results = sample
    model = make_model(build_finding_rows(results, ctrls, place=place))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    assert view.verticalHeader().count() == 5
    model.set_filter(FindingsFilter(statuses=frozenset({FAIL})))
    assert view.verticalHeader().count() == 2
    model.set_filter(FindingsFilter())
    assert view.verticalHeader().count() == 5


def test_model_tester(qtmodeltester: Any) -> None:
    model = make_model(varied_rows())
    qtmodeltester.check(model)
    model.set_filter(FindingsFilter(statuses=frozenset({FAIL, PASS})))
    model.sort(model.columns.index("account"), Qt.SortOrder.DescendingOrder)
    new = [replace(r, status=PASS) if r.status == FAIL and r.index % 3 == 0 else r for r in model.rows()]
    model.replace_rows(new)
    qtmodeltester.check(model)
    model.set_filter(FindingsFilter(text="no such text"))
    qtmodeltester.check(model)


def test_many_rows_filter_and_sort(sample: Any) -> None:
    ctrls, results = sample
    many = [results[i % len(results)] for i in range(20_000)]
    model = make_model(build_finding_rows(many, ctrls, place=place))
    model.set_filter(FindingsFilter(statuses=frozenset({NOT_ASSESSED})))
    assert model.rowCount() == 4_000
    model.sort(model.columns.index("severity"), Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == 4_000
    assert all(model.row_at(i).status == NOT_ASSESSED for i in (0, 1999, 3999))


def test_mappings_helper_covers_unmapped_frameworks() -> None:
    # a control mapped to NIST only is not in the CIS filter
    nist_only = [c for c in controls() if c.mappings.nist and not c.mappings.cis]
    if not nist_only:
        pytest.skip("every control maps to CIS")
    c = nist_only[0]
    rows = build_finding_rows([result(c, FAIL, "111111111111", "eu-west-1", "x")], [c], place=place)
    assert "CIS" not in rows[0].frameworks and "NIST" in rows[0].frameworks
