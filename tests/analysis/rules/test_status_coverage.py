"""The rule that every control has a PASS, a FAIL and a NOT_ASSESSED test: its pure parts.

conftest.py applies them at the end of the session; these tests say what they decide."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from analysis.rules.base import ERROR, FAIL, NOT_ASSESSED, PASS
from analysis.rules.registry import controls
from tests.analysis.rules.status_coverage import (
    RULES_DIR,
    RulesRun,
    in_rules_dir,
    incomplete_reason,
    missing_statuses,
    report_lines,
    rules_test_files,
)


def test_missing_statuses_names_what_each_control_lacks_in_catalogue_order() -> None:
    seen = {
        ("iam_root_mfa", PASS),
        ("iam_root_mfa", FAIL),
        ("iam_root_mfa", NOT_ASSESSED),
        ("iam_user_mfa", FAIL),
        ("iam_user_mfa", ERROR),  # ERROR is never required, and never stands in for another status
        ("unknown_control", PASS),  # a status of something outside the catalogue changes nothing
    }
    got = missing_statuses(seen, ["vpc_flow_logs_enabled", "iam_root_mfa", "iam_user_mfa"])
    assert got == {
        "vpc_flow_logs_enabled": (PASS, FAIL, NOT_ASSESSED),
        "iam_user_mfa": (PASS, NOT_ASSESSED),
    }
    assert list(got) == ["vpc_flow_logs_enabled", "iam_user_mfa"]
    assert missing_statuses(seen, ["iam_root_mfa"]) == {}
    assert report_lines(got) == [
        "vpc_flow_logs_enabled: no test produces PASS, FAIL, NOT_ASSESSED",
        "iam_user_mfa: no test produces PASS, NOT_ASSESSED",
    ]


def test_missing_statuses_on_the_real_catalogue() -> None:
    ids = [c.id for c in controls()]
    everything = {(i, s) for i in ids for s in (PASS, FAIL, NOT_ASSESSED)}
    assert missing_statuses(everything, ids) == {}
    one_gap = everything - {("detection_securityhub_standards", NOT_ASSESSED)}
    assert missing_statuses(one_gap, ids) == {"detection_securityhub_standards": (NOT_ASSESSED,)}


COMPLETE = RulesRun(
    test_files=[RULES_DIR / "a" / "test_x.py", RULES_DIR / "test_y.py"],
    collected_files={RULES_DIR / "a" / "test_x.py", RULES_DIR / "test_y.py"},
    rules_items=10,
    rules_items_finished=10,
    deselected_rules_items=0,
    partial_selection=False,
    failed=False,
)


def test_a_complete_run_is_judged() -> None:
    assert incomplete_reason(COMPLETE) is None


def test_partial_runs_are_not_judged() -> None:
    cases = {
        "no rules test was collected": replace(COMPLETE, rules_items=0, rules_items_finished=0),
        "a rules test failed, or the session stopped": replace(COMPLETE, failed=True),
        "single tests were selected by node id": replace(COMPLETE, partial_selection=True),
        "3 rules test(s) were deselected": replace(COMPLETE, deselected_rules_items=3),
        "1 rules test file(s) were not collected (first: test_x.py)": replace(
            COMPLETE, collected_files={RULES_DIR / "test_y.py"}
        ),
        "4 rules test(s) did not run": replace(COMPLETE, rules_items_finished=6),
    }
    for expected, run in cases.items():
        assert incomplete_reason(run) == expected


def test_the_rules_test_files_are_found_and_placed() -> None:
    files = rules_test_files()
    assert Path(__file__).resolve() in files
    assert RULES_DIR / "detection" / "test_guardduty.py" in files
    assert all(f.name.startswith("test_") and in_rules_dir(f) for f in files)
    assert not in_rules_dir(RULES_DIR.parent / "test_diff.py")
    assert in_rules_dir(RULES_DIR / "network" / "test_vpc.py")
