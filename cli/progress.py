"""Live progress on a terminal, plain lines when stderr is not one: the collection's
(:class:`TerminalProgress`) and the analysis commands' steps (:class:`StepProgress`)."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Callable
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


class StepProgress:
    """Progress of the analysis commands (snapshot open, Inventory, trust graph, what-if) on stderr.

    ``phase(name)`` returns the ``progress(done, total, message)`` callback that
    ``build_inventory``, ``build_trust_graph`` and ``scp_what_if`` take. On a terminal, one bar
    line is rewritten in place and a plain line is left when a phase ends; otherwise one line
    per step (a step that repeats its message, such as a loop over principals, at most every
    ``plain_interval_s``), each with the time since the command started. stderr, so that
    ``--json`` output on stdout stays machine-readable.
    """

    def __init__(
        self,
        *,
        stream: TextIO | None = None,
        interactive: bool | None = None,
        min_interval_s: float = 0.1,
        plain_interval_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream or sys.stderr
        self._interactive = self._stream.isatty() if interactive is None else interactive
        self._clock = clock
        self._started = clock()
        self._min_interval = min_interval_s
        self._plain_interval = plain_interval_s
        self._last_draw = -1e9
        self._last_line: tuple[str, str, float] = ("", "", -1e9)  # phase, message, when
        self._line_open = False

    def elapsed(self) -> float:
        return self._clock() - self._started

    def note(self, text: str) -> None:
        """One plain line (e.g. "opening FILE"), whatever the mode."""
        self._clear()
        self._write_line(text)

    def phase(self, name: str) -> Callable[[int, int, str], None]:
        def report(done: int, total: int, message: str) -> None:
            self._report(name, done, total, message)

        return report

    def close(self) -> None:
        if self._line_open:
            self._stream.write("\n")
            self._line_open = False
            self._stream.flush()

    # -- rendering ------------------------------------------------------------------------------

    def _report(self, name: str, done: int, total: int, message: str) -> None:
        now = self._clock()
        finished = total > 0 and done >= total
        last_phase, last_message, last_when = self._last_line
        changed = (name, message) != (last_phase, last_message)
        text = f"{name} {done}/{total}: {message}" if total else f"{name}: {message}"
        if not self._interactive:
            if finished or changed or now - last_when >= self._plain_interval:
                self._write_line(text)
                self._last_line = (name, message, now)
            return
        if finished:
            self._clear()
            self._write_line(text)
            self._last_line = (name, message, now)
            return
        if not changed and now - self._last_draw < self._min_interval:
            return
        self._last_draw = now
        self._last_line = (name, message, now)
        width = shutil.get_terminal_size((100, 20)).columns
        bar_w = 20
        filled = int(bar_w * min(done, total) / total) if total else 0
        line = f"[{'#' * filled}{'.' * (bar_w - filled)}] {self._stamp()} {text}"
        self._stream.write("\r" + line[: width - 1].ljust(width - 1))
        self._line_open = True
        self._stream.flush()

    def _stamp(self) -> str:
        return f"{self.elapsed():6.1f}s"

    def _write_line(self, text: str) -> None:
        self._stream.write(f"{self._stamp()} {text}\n")
        self._stream.flush()

    def _clear(self) -> None:
        if self._line_open:
            width = shutil.get_terminal_size((100, 20)).columns
            self._stream.write("\r" + " " * (width - 1) + "\r")
            self._line_open = False
