"""What normalizers read: a snapshot's calls, indexed once, and their pages parsed on demand.

Raw pages stay compressed in SQLite and are parsed only when a normalizer asks
for them. ``bulk_parsing`` pauses the garbage collector while many small objects
are created (parsing is several times faster without it: see
shared/reference/notes-moto-and-speed.md).
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from snapshot.reader import CallRow
from snapshot.schema import SUCCESS_OUTCOMES


class SnapshotLike(Protocol):
    manifest: dict[str, Any]

    def calls(
        self,
        *,
        service: str | None = ...,
        operation: str | None = ...,
        account_id: str | None = ...,
        region: str | None = ...,
    ) -> list[CallRow]: ...

    def pages(self, call_id: int) -> list[Any]: ...


@dataclass(frozen=True, kw_only=True)
class Page:
    """One response page with the call it belongs to (for evidence)."""

    call: CallRow
    body: dict[str, Any]

    @property
    def account_id(self) -> str:
        return self.call.account_id

    @property
    def region(self) -> str:
        return self.call.region


class PageSource:
    """Indexed access to a snapshot's calls and pages."""

    def __init__(self, snapshot: SnapshotLike) -> None:
        self.snapshot = snapshot
        self.manifest = snapshot.manifest
        self._by_op: dict[tuple[str, str], list[CallRow]] = defaultdict(list)
        self._by_id: dict[int, CallRow] = {}
        for call in snapshot.calls():
            self._by_op[(call.service, call.operation)].append(call)
            self._by_id[call.id] = call
        # One query per operation where the snapshot offers it (snapshot.Snapshot does).
        self._bulk = getattr(snapshot, "operation_pages", None)

    def all_calls(self) -> Iterator[CallRow]:
        for calls in self._by_op.values():
            yield from calls

    def calls(
        self, service: str, operation: str, *, account_id: str | None = None, region: str | None = None
    ) -> list[CallRow]:
        return [
            c
            for c in self._by_op.get((service, operation), ())
            if (account_id is None or c.account_id == account_id) and (region is None or c.region == region)
        ]

    def pages(
        self, service: str, operation: str, *, account_id: str | None = None, region: str | None = None
    ) -> Iterator[Page]:
        """Pages of the successful calls of one operation, in call order."""
        if self._bulk is not None:
            for call_id, body in self._bulk(
                service=service, operation=operation, account_id=account_id, region=region
            ):
                if isinstance(body, dict):
                    yield Page(call=self._by_id[call_id], body=body)
            return
        for call in self.calls(service, operation, account_id=account_id, region=region):
            if call.outcome in SUCCESS_OUTCOMES:
                for body in self.snapshot.pages(call.id):
                    if isinstance(body, dict):
                        yield Page(call=call, body=body)

    def first_page(
        self,
        service: str,
        operation: str,
        *,
        account_id: str,
        region: str,
        parameters: dict[str, Any] | None = None,
    ) -> Page | None:
        for call in self.calls(service, operation, account_id=account_id, region=region):
            if parameters is not None and call.parameters != parameters:
                continue
            if call.outcome in SUCCESS_OUTCOMES:
                for body in self.snapshot.pages(call.id):
                    return Page(call=call, body=body)
        return None

    def call_for(
        self,
        service: str,
        operation: str,
        *,
        account_id: str,
        region: str,
        parameters: dict[str, Any] | None = None,
    ) -> CallRow | None:
        """The call of an operation with exactly these parameters (None: not asked)."""
        for call in self.calls(service, operation, account_id=account_id, region=region):
            if parameters is None or call.parameters == parameters:
                return call
        return None


@contextmanager
def bulk_parsing() -> Iterator[None]:
    """Pause the cyclic garbage collector while creating many small objects."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was just built is long-lived: move it out of the collector's generations so that the
        # next collection does not start by scanning all of it (a ~2 s pause at 500 accounts) —
        # also when collection stays off here (the GUI collects on its own thread: ui/gc_policy.py).
        gc.freeze()
        if was_enabled:
            gc.enable()
