"""Python's cycle collector, run on the GUI thread only.

CPython runs a cyclic collection in whichever thread happens to allocate past the threshold. In
this application the worker threads allocate millions of objects (inventory, trust graph,
assessment), so the collector would often run there, and it would free any unreachable cycle that
holds a Qt object — a widget, a model, a worker whose Python wrapper sat in a cycle with the lambdas
connected to its signals — from that worker thread. Qt objects must be destroyed in their own
thread; destroying one elsewhere while the GUI thread delivers it an event crashes the process
(the CI run that died with SIGSEGV in ``test_findings_view`` was this). pyqtgraph documents the same
remedy (``pyqtgraph.util.garbage_collector``): disable automatic collection and collect on a timer
in the GUI thread.

Full (generation 2) collections walk every tracked object; with a 500-account organization loaded
that takes seconds, so they back off: after one that took ``t`` seconds, the next waits at least
``FULL_BACKOFF * t`` seconds (the GUI thread spends at most ~2 % of its time in full collections).
The analysis code's own ``gc.disable()``/``gc.enable()`` pairs restore the previous state, so they
leave automatic collection off while this policy is active.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500
FULL_BACKOFF = 50.0


class GuiThreadGarbageCollector(QObject):
    """Turns automatic collection off and collects, generation by generation, on a GUI-thread timer."""

    def __init__(self, *, interval_ms: int = INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._next_full = 0.0  # time.monotonic() before which no full collection runs
        self.collections = [0, 0, 0]  # how many of each generation this policy ran
        self.active = False

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()
        self.active = True

    def stop(self) -> None:
        """Stop the timer, collect once here, and give automatic collection back its earlier state."""
        self._timer.stop()
        self.active = False
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def check(self) -> None:
        """Collect the generations whose counts passed their thresholds (as CPython would), here."""
        count0, count1, count2 = gc.get_count()
        t0, t1, t2 = self._threshold
        if count0 <= t0:
            return
        if count1 > t1 and count2 > t2 and time.monotonic() >= self._next_full:
            started = time.monotonic()
            gc.collect(2)
            elapsed = time.monotonic() - started
            self._next_full = time.monotonic() + FULL_BACKOFF * elapsed
            self.collections[2] += 1
        elif count1 > t1:
            gc.collect(1)
            self.collections[1] += 1
        else:
            gc.collect(0)
            self.collections[0] += 1
