"""The demo organization's Inventory for the control tests, and the rule that every control has a
PASS, a FAIL and a NOT_ASSESSED test.

The rule (see ``status_coverage.py``): while a test under this directory runs, every Result a
control builds is recorded as (control id, status). At the end of a session that ran every rules
test (``pytest tests/analysis/rules``, or the whole suite) without deselection and without a failing
rules test, a control lacking one of the three statuses fails the session and the terminal names
it. Running only some of the rules tests says nothing about the rule. (A failure elsewhere in the
suite does not silence it: the rules tests' statuses are still right.)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

import pytest

from tests.analysis.rules.status_coverage import (
    RulesRun,
    in_rules_dir,
    incomplete_reason,
    missing_statuses,
    report_lines,
    rules_test_files,
)


@dataclass
class _Recorder:
    assess_code: CodeType
    recording: bool = False
    seen: set[tuple[str, str]] = field(default_factory=set)
    demo_inventories: list[Any] = field(default_factory=list)
    rules_nodeids_finished: set[str] = field(default_factory=set)
    rules_failed: bool = False
    deselected_rules_items: int = 0
    restore: Callable[[], None] = lambda: None

    def counts(self, builder: FrameType) -> bool:
        """Whether a Result built in ``builder`` (the frame that called the constructor) counts."""
        if not builder.f_globals.get("__name__", "").startswith("analysis.rules."):
            return False  # written by a test, not built by a control
        frame: FrameType | None = builder
        while frame is not None:
            if frame.f_code is self.assess_code:
                local = frame.f_locals
                return local.get("modules") is not None and not self._is_demo(local.get("inventory"))
            if (
                frame.f_code.co_name == "evaluate"
                and "ctx" in frame.f_code.co_varnames
                and self._is_demo(getattr(frame.f_locals.get("ctx"), "inventory", None))
            ):
                return False
            frame = frame.f_back
        return True

    def _is_demo(self, inventory: object) -> bool:
        return any(inventory is demo for demo in self.demo_inventories)


_RECORDER = pytest.StashKey[_Recorder]()


def pytest_configure(config: pytest.Config) -> None:
    from analysis.rules import assessment
    from analysis.rules.base import Result

    recorder = _Recorder(assess_code=assessment.assess.__code__)
    original = Result.__post_init__

    def post_init(self: Result) -> None:
        original(self)
        if recorder.recording and recorder.counts(sys._getframe(2)):
            recorder.seen.add((self.control_id, self.status))

    def restore() -> None:
        Result.__post_init__ = original  # type: ignore[method-assign]

    Result.__post_init__ = post_init  # type: ignore[method-assign]
    recorder.restore = restore
    config.stash[_RECORDER] = recorder


def pytest_unconfigure(config: pytest.Config) -> None:
    recorder = config.stash.get(_RECORDER, None)
    if recorder is not None:
        recorder.restore()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    # Called for every item of the session (config.hook): record only during the rules tests.
    recorder = item.config.stash[_RECORDER]
    recorder.recording = in_rules_dir(item.path)
    try:
        outcome = yield
    finally:
        recorder.recording = False
    recorder.rules_nodeids_finished.add(item.nodeid)  # setup, call and teardown have run
    return outcome


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed and in_rules_dir(item.path):
        item.config.stash[_RECORDER].rules_failed = True  # setup, call or teardown
    return report


def pytest_deselected(items: list[pytest.Item]) -> None:
    for item in items:
        if in_rules_dir(item.path):
            item.config.stash[_RECORDER].deselected_rules_items += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    recorder = session.config.stash.get(_RECORDER, None)
    if recorder is None:
        return
    from analysis.rules.registry import controls

    items = [i for i in getattr(session, "items", []) if in_rules_dir(i.path)]
    run = RulesRun(
        test_files=rules_test_files(),
        collected_files={Path(i.path).resolve() for i in items},
        rules_items=len(items),
        rules_items_finished=len({i.nodeid for i in items} & recorder.rules_nodeids_finished),
        deselected_rules_items=recorder.deselected_rules_items,
        partial_selection=_node_ids_in_rules(session.config),
        # A failure elsewhere in the suite does not make the rules tests' statuses wrong; one of them
        # failing, or the session stopping early, might.
        failed=recorder.rules_failed or exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED),
    )
    if incomplete_reason(run) is not None:
        return  # only part of the rules tests ran: the rule cannot be judged
    missing = missing_statuses(recorder.seen, (c.id for c in controls()))
    if not missing:
        return
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.line("")
        reporter.write_sep("=", "controls without a PASS, FAIL and NOT_ASSESSED test", red=True)
        for line in report_lines(missing):
            reporter.write_line(line, red=True)


def _node_ids_in_rules(config: pytest.Config) -> bool:
    base = config.invocation_params.dir
    for arg in config.args:
        path, sep, _ = str(arg).partition("::")
        if sep and in_rules_dir(base / path):
            return True
    return False


@pytest.fixture(scope="session")
def demo_inventory(demo_snapshot_path: Path, request: pytest.FixtureRequest) -> Any:
    from analysis.model.inventory import build_inventory
    from snapshot import Snapshot

    with Snapshot.open(demo_snapshot_path) as snap:
        inventory = build_inventory(snap)
    # Results about the demo organization do not count towards the rule (see status_coverage.py).
    request.config.stash[_RECORDER].demo_inventories.append(inventory)
    return inventory
