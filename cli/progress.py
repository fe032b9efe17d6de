"""Live collection progress on a terminal; plain lines when output is not a terminal."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from typing import TextIO

from collectors.runner import ProgressEvent


class TerminalProgress:
    """Renders :class:`ProgressEvent` s. Thread-safe: the runner calls it from worker threads."""

    def __init__(
        self, *, stream: TextIO | None = None, interactive: bool | None = None, min_interval_s: float = 0.1
    ) -> None:
        self._stream = stream or sys.stderr
        self._interactive = self._stream.isatty() if interactive is None else interactive
        self._lock = threading.Lock()
        self._last = 0.0
        self._min_interval = min_interval_s
        self._line_open = False

    def __call__(self, event: ProgressEvent) -> None:
        with self._lock:
            if self._interactive:
                self._render_bar(event)
            elif event.kind in ("phase", "account", "done"):
                self._stream.write(self._plain(event) + "\n")
                self._stream.flush()

    def _render_bar(self, event: ProgressEvent) -> None:
        now = time.monotonic()
        if event.kind == "call" and now - self._last < self._min_interval:
            return
        self._last = now
        if event.kind in ("phase", "done"):
            self._clear()
            self._stream.write(self._plain(event) + "\n")
        width = shutil.get_terminal_size((100, 20)).columns
        total = max(event.units_total, 1)
        frac = event.units_done / total if event.units_total else 0.0
        bar_w = 20
        filled = int(frac * bar_w)
        bar = "#" * filled + "." * (bar_w - filled)
        line = (
            f"[{bar}] accounts {event.accounts_done}/{event.accounts_total} "
            f"units {event.units_done}/{event.units_total} calls {event.calls}"
            f"{f' (replayed {event.replayed})' if event.replayed else ''} "
            f"errors {event.errors} denied {event.denied} throttled {event.throttled}"
        )
        where = " ".join(x for x in (event.account_id, event.region, event.service) if x)
        if where:
            line += f" | {where}"
        self._stream.write("\r" + line[: width - 1].ljust(width - 1))
        self._line_open = True
        self._stream.flush()

    def _clear(self) -> None:
        if self._line_open:
            width = shutil.get_terminal_size((100, 20)).columns
            self._stream.write("\r" + " " * (width - 1) + "\r")
            self._line_open = False

    def close(self) -> None:
        with self._lock:
            if self._line_open:
                self._stream.write("\n")
                self._line_open = False
                self._stream.flush()

    @staticmethod
    def _plain(event: ProgressEvent) -> str:
        counts = (
            f"accounts {event.accounts_done}/{event.accounts_total}, calls {event.calls}, "
            f"errors {event.errors}, denied {event.denied}, throttled {event.throttled}"
        )
        return f"{event.message} ({counts})"
