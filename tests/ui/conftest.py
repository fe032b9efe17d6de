"""Every GUI test runs under the application's garbage-collection policy (collection on the GUI thread only).

Without it, a worker thread started by one test could run the cycle collector and free widgets or
workers left as garbage by an earlier test from that thread, which crashes Qt (see ui/gc_policy.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ui.gc_policy import GuiThreadGarbageCollector


@pytest.fixture(autouse=True)
def gui_thread_gc(qapp: Any) -> Iterator[GuiThreadGarbageCollector]:
    policy = GuiThreadGarbageCollector()
    policy.start()
    yield policy
    policy.stop()  # after pytest-qt closed the test's widgets: their garbage is freed here, on this thread
