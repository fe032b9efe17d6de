"""Every control has a PASS, a FAIL and a NOT_ASSESSED test: the bookkeeping behind that rule.

``tests/analysis/rules/conftest.py`` records the (control, status) of every Result a control builds
while a rules test runs, and at the end of a complete run of the rules tests fails the session
naming what is missing. A Result counts when a control's own code built it on an Inventory the
test made: not one a test wrote by hand, not one from a whole-catalogue assessment
(``assess(..., modules=None)``), not one about the demo organization (the demo tests check a
few headline findings; the statuses of every control are the business of the built inventories).

The decisions are pure functions, tested in ``test_status_coverage.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS

REQUIRED = (PASS, FAIL, NOT_ASSESSED)
RULES_DIR = Path(__file__).resolve().parent


def missing_statuses(
    seen: Iterable[tuple[str, str]], control_ids: Iterable[str], required: tuple[str, ...] = REQUIRED
) -> dict[str, tuple[str, ...]]:
    """Control id -> the required statuses no test produced (controls with none missing left out),
    in catalogue order."""
    have = set(seen)
    out: dict[str, tuple[str, ...]] = {}
    for control_id in control_ids:
        lacking = tuple(s for s in required if (control_id, s) not in have)
        if lacking:
            out[control_id] = lacking
    return out


def report_lines(missing: Mapping[str, tuple[str, ...]]) -> list[str]:
    """What the terminal shows: one line per control."""
    return [
        f"{control_id}: no test produces {', '.join(statuses)}" for control_id, statuses in missing.items()
    ]


@dataclass(frozen=True, kw_only=True)
class RulesRun:
    """What a pytest session did with the rules tests, as the check needs it."""

    test_files: Collection[Path]  # every test module on disk under the rules directory
    collected_files: Collection[Path]  # the modules of the collected rules items
    rules_items: int  # rules items after deselection
    rules_items_finished: int  # rules items whose run ended (passed, failed or skipped)
    deselected_rules_items: int  # rules items dropped by -k, -m, --deselect, --lf ...
    partial_selection: bool  # a node id (path::name) inside the rules directory was asked for
    failed: bool  # a rules test failed, or the session stopped (interrupted, internal or usage error)


def incomplete_reason(run: RulesRun) -> str | None:
    """Why this session cannot judge the rule (only part of the rules tests ran), or None."""
    if run.rules_items == 0:
        return "no rules test was collected"
    if run.failed:
        return "a rules test failed, or the session stopped"
    if run.partial_selection:
        return "single tests were selected by node id"
    if run.deselected_rules_items:
        return f"{run.deselected_rules_items} rules test(s) were deselected"
    absent = sorted(set(run.test_files) - set(run.collected_files))
    if absent:
        return f"{len(absent)} rules test file(s) were not collected (first: {absent[0].name})"
    if run.rules_items_finished < run.rules_items:
        return f"{run.rules_items - run.rules_items_finished} rules test(s) did not run"
    return None


def rules_test_files(root: Path = RULES_DIR) -> list[Path]:
    """The test modules pytest collects under ``root`` (its default ``test_*.py`` pattern)."""
    return sorted(p.resolve() for p in root.rglob("test_*.py") if "__pycache__" not in p.parts)


def in_rules_dir(path: Path, root: Path = RULES_DIR) -> bool:
    return path.resolve().is_relative_to(root)
