"""Writes a snapshot during collection.

Each API call and all its pages are written in one transaction, so a collector
killed at any moment leaves a file that holds only complete calls. A resumed
collection asks the writer for the calls already answered and replays their
stored pages instead of calling AWS again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snapshot.codec import canonical_json, compress, decompress, page_json, sha256_hex
from snapshot.errors import SnapshotError
from snapshot.integrity import compute_digest, record_sha256
from snapshot.reader import check_header, open_existing
from snapshot.schema import (
    DDL,
    FINAL_OUTCOMES,
    FORMAT_NAME,
    M_FINISHED_AT,
    M_FORMAT,
    M_INTEGRITY_DIGEST,
    M_RUNS,
    M_SCHEMA_VERSION,
    M_STARTED_AT,
    M_STATUS,
    M_TOOL_VERSION,
    SCHEMA_VERSION,
)


def utc_now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def make_call_key(
    account_id: str, region: str, service: str, operation: str, parameters: Mapping[str, Any]
) -> str:
    return "|".join((account_id, region, service, operation, canonical_json(dict(parameters))))


@dataclass(frozen=True, kw_only=True)
class CallRecord:
    """What was called, by whom, when, and how it ended."""

    account_id: str
    region: str
    service: str
    operation: str
    parameters: Mapping[str, Any]
    identity_arn: str
    started_at: str
    duration_ms: float
    outcome: str
    error_code: str | None = None
    error_message: str | None = None
    attempts: int = 1

    @property
    def call_key(self) -> str:
        return make_call_key(self.account_id, self.region, self.service, self.operation, self.parameters)


@dataclass(frozen=True, kw_only=True)
class StoredCall:
    call_id: int
    outcome: str
    error_code: str | None
    error_message: str | None


class SnapshotWriter:
    """Thread-safe writer; one per collection run."""

    def __init__(self, *, path: Path, conn: sqlite3.Connection, resumed: bool) -> None:
        self.path = path
        self._conn = conn
        self._lock = threading.Lock()
        self.resumed = resumed
        self._run_started = utc_now_iso()
        self._closed = False
        # Every stored call by key, in memory: resume and in-run dedupe look here, not in SQLite.
        self._stored: dict[str, StoredCall] = {}
        for call_id, key, outcome, code, message in conn.execute(
            "SELECT id, call_key, outcome, error_code, error_message FROM calls"
        ):
            self._stored[key] = StoredCall(
                call_id=call_id, outcome=outcome, error_code=code, error_message=message
            )
        self._max_id = max((c.call_id for c in self._stored.values()), default=0)

    # -- opening ---------------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike[str], *, tool_version: str) -> SnapshotWriter:
        p = Path(path)
        if p.exists():
            raise SnapshotError(f"{p} already exists: choose a new file, or resume it with --resume")
        p.parent.mkdir(parents=True, exist_ok=True)
        conn = _connect_rw(p)
        with conn:
            conn.executescript(DDL)
            now = utc_now_iso()
            for key, value in (
                (M_FORMAT, FORMAT_NAME),
                (M_SCHEMA_VERSION, SCHEMA_VERSION),
                (M_TOOL_VERSION, tool_version),
                (M_STARTED_AT, now),
                (M_STATUS, "collecting"),
                (M_RUNS, []),
            ):
                conn.execute("INSERT INTO manifest (key, value) VALUES (?, ?)", (key, json.dumps(value)))
        return cls(path=p, conn=conn, resumed=False)

    @classmethod
    def resume(cls, path: str | os.PathLike[str]) -> SnapshotWriter:
        p = Path(path)
        if not p.exists():
            raise SnapshotError(f"{p} does not exist: nothing to resume")
        # Validates the header (and rolls back a hot journal left by a killed run).
        check_header(open_existing(p, read_only=True), p).close()
        conn = _connect_rw(p)
        with conn:
            conn.execute("DELETE FROM manifest WHERE key = ?", (M_INTEGRITY_DIGEST,))
            conn.execute("UPDATE manifest SET value = ? WHERE key = ?", (json.dumps("collecting"), M_STATUS))
        return cls(path=p, conn=conn, resumed=True)

    # -- manifest ----------------------------------------------------------------

    def get_manifest(self, key: str, default: Any = None) -> Any:
        with self._lock:
            row = self._conn.execute("SELECT value FROM manifest WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_manifest(self, key: str, value: Any) -> None:
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT INTO manifest (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    # -- calls ---------------------------------------------------------------------

    def completed_call(self, call_key: str) -> StoredCall | None:
        """The stored call with this key if it has a final outcome (resume skips it)."""
        with self._lock:
            stored = self._stored.get(call_key)
        if stored is None or stored.outcome not in FINAL_OUTCOMES:
            return None
        return stored

    def stored_pages(self, call_id: int) -> list[Any]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT body FROM pages WHERE call_id = ? ORDER BY page_no", (call_id,)
            ).fetchall()
        return [json.loads(decompress(r[0])) for r in rows]

    def record_call(self, record: CallRecord, pages: Sequence[Mapping[str, Any]]) -> int:
        """Write a call and all its pages atomically; returns the call id.

        A call with the same key and a non-final outcome (a transient error from an
        earlier run) is replaced.
        """
        encoded = [page_json(p) for p in pages]
        blobs = [(compress(b), sha256_hex(b)) for b in encoded]
        key = record.call_key
        with self._lock:
            call_id = self._write_call(record, key, blobs)
            self._max_id = call_id
            self._stored[key] = StoredCall(
                call_id=call_id,
                outcome=record.outcome,
                error_code=record.error_code,
                error_message=record.error_message,
            )
        return call_id

    def _write_call(self, record: CallRecord, key: str, blobs: list[tuple[bytes, str]]) -> int:
        """One transaction; the caller holds the lock."""
        with self._conn:
            old = self._stored.get(key)
            if old is not None:
                self._conn.execute("DELETE FROM pages WHERE call_id = ?", (old.call_id,))
                self._conn.execute("DELETE FROM calls WHERE id = ?", (old.call_id,))
            call_id = self._max_id + 1
            fields = (
                call_id,
                key,
                record.account_id,
                record.region,
                record.service,
                record.operation,
                canonical_json(dict(record.parameters)),
                record.identity_arn,
                record.started_at,
                round(record.duration_ms, 3),
                record.outcome,
                record.error_code,
                record.error_message,
                record.attempts,
                len(blobs),
            )
            digest_of_record = record_sha256(fields, [d for _, d in blobs])
            self._conn.execute(
                "INSERT INTO calls (id, call_key, account_id, region, service, operation, parameters, identity_arn,"
                " started_at, duration_ms, outcome, error_code, error_message, attempts, page_count, record_sha256)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*fields, digest_of_record),
            )
            self._conn.executemany(
                "INSERT INTO pages (call_id, page_no, body, sha256) VALUES (?, ?, ?, ?)",
                [(call_id, i, body, digest) for i, (body, digest) in enumerate(blobs)],
            )
        return call_id

    def calls_of(self, service: str, operation: str) -> list[tuple[int, dict[str, Any]]]:
        """(call id, parameters) of the successful calls of one operation, in order."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, parameters FROM calls WHERE service = ? AND operation = ? AND outcome IN (?, ?)"
                " ORDER BY id",
                (service, operation, "ok", "throttled_then_ok"),
            ).fetchall()
        return [(r[0], json.loads(r[1])) for r in rows]

    def call_outcomes(self) -> Iterable[tuple[str, str, str, str, str]]:
        """(account, region, service, operation, outcome) of every stored call."""
        with self._lock:
            return self._conn.execute(
                "SELECT account_id, region, service, operation, outcome FROM calls ORDER BY id"
            ).fetchall()

    # -- finishing -------------------------------------------------------------------

    def finish(self, *, status: str) -> str:
        """Close the run: record it, write the integrity digest, and return it."""
        runs = list(self.get_manifest(M_RUNS, []))
        runs.append(
            {
                "started_at": self._run_started,
                "finished_at": utc_now_iso(),
                "resumed": self.resumed,
                "status": status,
            }
        )
        self.set_manifest(M_RUNS, runs)
        self.set_manifest(M_STATUS, status)
        self.set_manifest(M_FINISHED_AT, runs[-1]["finished_at"])
        with self._lock, self._conn:
            digest = compute_digest(self._conn)
            self._conn.execute(
                "INSERT INTO manifest (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (M_INTEGRITY_DIGEST, json.dumps(digest)),
            )
        self._single_file()
        return digest

    def _single_file(self) -> None:
        """Fold the write-ahead log into the database and leave one portable file."""
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.execute("PRAGMA journal_mode=DELETE")

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            # If this fails the file stays in WAL mode; the reader recovers it (reader.open_existing).
            with contextlib.suppress(sqlite3.Error):
                self._single_file()
            with self._lock:
                self._conn.close()

    def __enter__(self) -> SnapshotWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect_rw(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    conn.isolation_level = "DEFERRED"
    # While collecting: write-ahead log with NORMAL sync. Each call is still its own
    # transaction, safe against a killed process (what resume is for), without a disk sync per
    # call (which cost ~1 ms a call and serialized the workers: bench/README.md). When the run
    # ends the log is folded back and the file returns to a rollback journal: one portable file.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn
