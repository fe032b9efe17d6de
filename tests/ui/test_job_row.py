"""JobRow: the status line, progress bar and Cancel shared by the diff view and the export dialog."""

from __future__ import annotations

import threading
from typing import Any

from ui.views.job_row import JobRow

TIMEOUT_MS = 10_000


def test_runs_a_job_says_its_progress_and_hides_when_done(qtbot: Any) -> None:
    row = JobRow(intro="Choose, then Go.", verb="Going", bar_width=200)
    qtbot.addWidget(row)
    row.show()
    states: list[bool] = []
    row.running_changed.connect(states.append)
    results: list[object] = []
    gate = threading.Event()

    def job(progress: Any, cancelled: Any) -> str:
        progress((2, 5, "step two"))
        gate.wait(5)
        return "done"

    assert not row.bar.isVisible() and not row.cancel_button.isVisible()
    row.start(job, succeeded=results.append, failed=results.append, status="Starting…")
    assert row.is_running() and row.bar.isVisible() and row.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: row.status.text() == "Going: step two", timeout=TIMEOUT_MS)
    assert (row.bar.value(), row.bar.maximum()) == (2, 5)
    gate.set()
    qtbot.waitUntil(lambda: row.worker is None, timeout=TIMEOUT_MS)
    assert results == ["done"] and states == [True, False]
    assert not row.bar.isVisible() and not row.cancel_button.isVisible()


def test_cancel_reaches_the_job_and_says_so(qtbot: Any) -> None:
    row = JobRow(intro="", verb="Going", bar_width=200)
    qtbot.addWidget(row)
    seen: list[bool] = []

    def job(progress: Any, cancelled: Any) -> None:
        while not cancelled():
            threading.Event().wait(0.01)
        seen.append(True)

    row.start(job, succeeded=lambda r: None, failed=lambda e: None, status="Starting…")
    row.cancel()
    assert row.status.text() == "Cancelling…" and not row.cancel_button.isEnabled()
    assert row.wait()
    qtbot.waitUntil(lambda: row.worker is None, timeout=TIMEOUT_MS)
    assert seen == [True]


def test_stop_waits_for_the_thread_and_does_nothing_when_idle(qtbot: Any) -> None:
    row = JobRow(intro="", verb="Going", bar_width=200)
    qtbot.addWidget(row)
    row.stop()  # idle: nothing to stop
    ended = threading.Event()

    def job(progress: Any, cancelled: Any) -> None:
        while not cancelled():
            threading.Event().wait(0.01)
        ended.set()

    row.start(job, succeeded=lambda r: None, failed=lambda e: None, status="Starting…")
    row.stop()
    assert ended.is_set()
    qtbot.waitUntil(lambda: row.worker is None, timeout=TIMEOUT_MS)
