"""The cycle collector runs on the GUI thread only while the policy is active (ui/gc_policy.py)."""

from __future__ import annotations

import gc
import threading
from typing import Any

from ui.gc_policy import GuiThreadGarbageCollector


class _Cycle:
    """A garbage cycle that records the thread that freed it."""

    def __init__(self, freed_in: list[str]) -> None:
        self.me = self
        self.freed_in = freed_in

    def __del__(self) -> None:
        self.freed_in.append(threading.current_thread().name)


def _allocate_in_a_worker() -> list[list[object]]:
    """What a worker building an inventory does: allocate, and keep, far more than generation 0's threshold."""
    kept: list[list[object]] = []

    def build() -> None:
        kept.extend([] for _ in range(100_000))

    worker = threading.Thread(target=build, name="worker")
    worker.start()
    worker.join()
    return kept


def test_without_the_policy_a_worker_thread_frees_gui_garbage(
    gui_thread_gc: GuiThreadGarbageCollector,
) -> None:
    """The hazard itself: CPython collects in whichever thread allocates."""
    gui_thread_gc.stop()
    gc.collect()
    gc.enable()
    try:
        freed_in: list[str] = []
        _Cycle(freed_in)
        built = _allocate_in_a_worker()
        assert freed_in == ["worker"]
        del built
    finally:
        gui_thread_gc.start()


def test_with_the_policy_garbage_is_freed_by_the_timer_on_the_gui_thread(qtbot: Any) -> None:
    policy = GuiThreadGarbageCollector(interval_ms=20)
    policy.start()
    try:
        assert not gc.isenabled()
        freed_in: list[str] = []
        _Cycle(freed_in)
        built = _allocate_in_a_worker()
        assert freed_in == []  # the worker allocated a lot and collected nothing
        qtbot.waitUntil(lambda: bool(freed_in), timeout=5_000)
        assert freed_in == [threading.main_thread().name]
        assert sum(policy.collections) >= 1
        del built
    finally:
        policy.stop()


def test_stop_collects_and_restores_automatic_collection() -> None:
    gc.enable()
    policy = GuiThreadGarbageCollector()
    policy.start()
    assert not gc.isenabled()
    freed_in: list[str] = []
    _Cycle(freed_in)
    policy.stop()
    assert freed_in == [threading.main_thread().name]
    assert gc.isenabled()


def test_analysis_code_pausing_the_collector_leaves_it_off_under_the_policy() -> None:
    """The analysis modules' ``gc.disable()`` ... ``if was_enabled: gc.enable()`` must not turn it back on."""
    from analysis.model.source import bulk_parsing

    policy = GuiThreadGarbageCollector()
    policy.start()
    try:
        with bulk_parsing():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        policy.stop()


def test_a_finished_worker_lets_go_of_its_listeners(qtbot: Any) -> None:
    """Listeners (lambdas capturing the worker) are disconnected after ``finished``: no cycle is left
    for the cyclic collector, so they are freed at once, on the GUI thread."""
    import weakref

    from ui.workers import FunctionWorker

    class Listener:
        def __init__(self) -> None:
            self.seen: list[object] = []

    listener = Listener()
    worker = FunctionWorker(job=lambda progress, cancelled: 42)
    worker.succeeded.connect(lambda result, w=worker, who=listener: who.seen.append((w, result)))
    gone = weakref.ref(listener)
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        worker.start()
    assert listener.seen == [(worker, 42)]
    listener.seen.clear()
    del listener
    assert gone() is None  # freed by reference counting, no collection needed
    worker.deleteLater()
