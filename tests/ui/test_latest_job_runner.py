"""``LatestJobRunner``: one job at a time, only the newest request's outcome is delivered (pytest-qt)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from ui.workers import LatestJobRunner

TIMEOUT_MS = 10_000


@pytest.fixture
def runner(qtbot: Any) -> Iterator[LatestJobRunner]:
    """Parented, as in the views (the owner outlives the workers it deletes later)."""
    owner = QWidget()
    qtbot.addWidget(owner)
    job_runner = LatestJobRunner(owner)
    yield job_runner
    job_runner.wait()


def blocking(started: threading.Event, release: threading.Event, value: str) -> Any:
    def job(progress: Any, cancelled: Any) -> str:
        started.set()
        while not cancelled() and not release.is_set():
            release.wait(0.01)
        return value

    return job


def test_only_the_newest_request_runs_after_the_current_one(qtbot: Any, runner: LatestJobRunner) -> None:
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []
    succeeded: list[tuple[str, object]] = []
    cancelled: list[str] = []
    runner.succeeded.connect(lambda label, result: succeeded.append((label, result)))
    runner.cancelled.connect(cancelled.append)
    runner.run("first", blocking(started, release, "first result"))
    assert started.wait(5)
    runner.run("second", lambda p, c: ran.append("second") or "second result")
    runner.run("third", lambda p, c: ran.append("third") or "third result")
    assert cancelled == ["first", "second"]  # first asked to stop; second replaced before it started
    assert runner.label == "third" and runner.is_busy()
    with qtbot.waitSignal(runner.idle, timeout=TIMEOUT_MS):
        pass
    assert ran == ["third"] and succeeded == [("third", "third result")]
    assert not runner.is_busy()


def test_cancel_drops_the_result_and_failures_are_delivered(qtbot: Any, runner: LatestJobRunner) -> None:
    started, release = threading.Event(), threading.Event()
    succeeded: list[object] = []
    failed: list[object] = []
    runner.succeeded.connect(lambda _label, result: succeeded.append(result))
    runner.failed.connect(lambda _label, error: failed.append(error))
    runner.run("slow", blocking(started, release, "late"))
    assert started.wait(5)
    with qtbot.waitSignal(runner.idle, timeout=TIMEOUT_MS):
        runner.cancel()
    assert succeeded == []

    def broken(progress: Any, cancelled: Any) -> None:
        raise ValueError("bad input")

    with qtbot.waitSignal(runner.idle, timeout=TIMEOUT_MS):
        runner.run("broken", broken)
    assert [str(e) for e in failed] == ["bad input"]


def test_wait_stops_the_running_job(qtbot: Any, runner: LatestJobRunner) -> None:
    started, release = threading.Event(), threading.Event()
    runner.run("slow", blocking(started, release, "x"))
    runner.run("next", lambda p, c: "never")
    assert started.wait(5)
    assert runner.wait()  # cancels it, forgets "next", returns once the thread has ended
    with qtbot.waitSignal(runner.idle, timeout=TIMEOUT_MS):
        pass
    assert not runner.is_busy()
