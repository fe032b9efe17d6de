"""Opens a snapshot read-only, checks it, and gives random access to its records.

Every failure to open is a :class:`SnapshotError` whose message is one line a
user can act on; no sqlite traceback reaches them.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snapshot.codec import decompress, sha256_hex
from snapshot.errors import (
    NewerSchemaError,
    NotASnapshotError,
    PageTamperedError,
    SnapshotCorruptError,
    SnapshotError,
    SnapshotTamperedError,
)
from snapshot.integrity import CALL_COLUMNS, compute_digest, record_sha256
from snapshot.schema import (
    FORMAT_NAME,
    M_FORMAT,
    M_INTEGRITY_DIGEST,
    M_SCHEMA_VERSION,
    M_STATUS,
    SCHEMA_VERSION,
)

SQLITE_MAGIC = b"SQLite format 3\x00"

# Integrity states.
INTACT = "intact"
TAMPERED = "tampered"
INCOMPLETE = "incomplete"  # collection not finished (no digest yet): resume it


@dataclass(frozen=True, kw_only=True)
class CallRow:
    id: int
    call_key: str
    account_id: str
    region: str
    service: str
    operation: str
    parameters: dict[str, Any]
    identity_arn: str
    started_at: str
    duration_ms: float
    outcome: str
    error_code: str | None
    error_message: str | None
    attempts: int
    page_count: int


def _row_to_call(row: tuple[Any, ...]) -> CallRow:
    values = dict(zip(CALL_COLUMNS, row, strict=True))
    values["parameters"] = json.loads(values["parameters"])
    return CallRow(**values)


def open_existing(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """Connect to an existing file, rolling back a hot journal a killed writer left."""
    if not path.exists():
        raise SnapshotError(f"{path}: no such file")
    if path.is_dir():
        raise NotASnapshotError(f"{path} is a folder, not a snapshot file")
    with open(path, "rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if len(head) == 0:
        raise NotASnapshotError(f"{path} is empty: it is not a snapshot")
    if head != SQLITE_MAGIC:
        raise NotASnapshotError(f"{path} is not a snapshot file (not an SQLite database)")
    journal = Path(str(path) + "-journal")
    if journal.exists() and journal.stat().st_size > 0:
        # A collector was killed mid-write. SQLite restores the last committed state
        # when the file is next opened for writing; that is recovery, not modification.
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise SnapshotCorruptError(
                f"{path} was left mid-write by an interrupted collection; copy it together with "
                f"{journal.name} to a writable folder and open it there"
            )
        try:
            rw = sqlite3.connect(str(path))
            rw.execute("SELECT count(*) FROM sqlite_master").fetchone()
            rw.close()
        except sqlite3.DatabaseError as exc:
            raise SnapshotCorruptError(f"{path} is damaged and cannot be recovered ({exc})") from exc
    wal = Path(str(path) + "-wal")
    if wal.exists() or _header_says_wal(path):
        # A collection is running, or was killed before it folded its write-ahead log back:
        # fold it now (recovery of committed calls only) so that the file reads as one.
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise SnapshotCorruptError(
                f"{path} was left mid-collection; copy it together with {wal.name} to a writable folder "
                "and open it there"
            )
        try:
            rw = sqlite3.connect(str(path), timeout=0.5)
            rw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            rw.execute("PRAGMA journal_mode=DELETE")
            rw.close()
        except sqlite3.OperationalError as exc:
            raise SnapshotError(
                f"{path} is being written by a running collection ({exc}); open it when the collection ends"
            ) from exc
        except sqlite3.DatabaseError as exc:
            raise SnapshotCorruptError(f"{path} is damaged and cannot be recovered ({exc})") from exc
    uri = path.resolve().as_uri() + ("?mode=ro" if read_only else "")
    try:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)
    except sqlite3.Error as exc:
        raise SnapshotError(f"{path} cannot be opened ({exc})") from exc


def _header_says_wal(path: Path) -> bool:
    """SQLite's file format: bytes 18 and 19 of the header are 2 in WAL mode."""
    with open(path, "rb") as fh:
        head = fh.read(20)
    return len(head) == 20 and head[18] == 2 and head[19] == 2


def check_header(conn: sqlite3.Connection, path: Path) -> sqlite3.Connection:
    """Check that the database is a snapshot of a schema version this tool reads."""
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"manifest", "calls", "pages"} <= tables:
            raise NotASnapshotError(f"{path} is an SQLite database but not a snapshot (no snapshot tables)")
        rows = dict(
            conn.execute("SELECT key, value FROM manifest WHERE key IN (?, ?)", (M_FORMAT, M_SCHEMA_VERSION))
        )
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise SnapshotCorruptError(f"{path} is damaged or truncated ({exc})") from exc
    except SnapshotError:
        conn.close()
        raise
    try:
        fmt = json.loads(rows.get(M_FORMAT, "null"))
        version = json.loads(rows.get(M_SCHEMA_VERSION, "null"))
    except ValueError as exc:
        conn.close()
        raise SnapshotCorruptError(f"{path} has an unreadable manifest") from exc
    if fmt != FORMAT_NAME:
        conn.close()
        raise NotASnapshotError(f"{path} is not a snapshot file (format {fmt!r})")
    if not isinstance(version, int):
        conn.close()
        raise SnapshotCorruptError(f"{path} has no schema version in its manifest")
    if version > SCHEMA_VERSION:
        conn.close()
        raise NewerSchemaError(
            f"{path} uses snapshot schema version {version}; this tool reads up to version "
            f"{SCHEMA_VERSION}: update the workbench to open it"
        )
    return conn


class Snapshot:
    """A snapshot opened read-only. Pages are parsed on demand and hash-checked."""

    def __init__(
        self,
        *,
        path: Path,
        conn: sqlite3.Connection,
        manifest: dict[str, Any],
        integrity: str,
        problems: list[str],
    ) -> None:
        self.path = path
        self._conn = conn
        self.manifest = manifest
        self.integrity = integrity
        self.problems = problems

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, allow_tampered: bool = False) -> Snapshot:
        """Open and check the digest over all records.

        A tampered file raises :class:`SnapshotTamperedError` unless
        ``allow_tampered``; then it opens read-only with ``integrity == "tampered"``.
        """
        p = Path(path)
        conn = check_header(open_existing(p, read_only=True), p)
        try:
            manifest = {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM manifest")}
            stored = manifest.get(M_INTEGRITY_DIGEST)
            problems: list[str] = []
            if stored is None:
                integrity = INCOMPLETE
            elif compute_digest(conn) == stored:
                integrity = INTACT
            else:
                integrity = TAMPERED
                problems = ["the integrity digest over all records does not match the manifest"]
        except (sqlite3.DatabaseError, ValueError) as exc:
            conn.close()
            raise SnapshotCorruptError(f"{p} is damaged or truncated ({exc})") from exc
        if integrity == TAMPERED and not allow_tampered:
            conn.close()
            raise SnapshotTamperedError(
                f"{p} has been modified since it was collected (integrity digest mismatch); "
                "run 'verify' to see which records, or open it read-only as tampered",
                problems,
            )
        return cls(path=p, conn=conn, manifest=manifest, integrity=integrity, problems=problems)

    @property
    def status(self) -> str:
        return str(self.manifest.get(M_STATUS, "unknown"))

    def calls(
        self,
        *,
        service: str | None = None,
        operation: str | None = None,
        account_id: str | None = None,
        region: str | None = None,
    ) -> list[CallRow]:
        clauses, args = [], []
        for column, value in (
            ("service", service),
            ("operation", operation),
            ("account_id", account_id),
            ("region", region),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        cols = ", ".join(CALL_COLUMNS)
        try:
            rows = self._conn.execute(f"SELECT {cols} FROM calls{where} ORDER BY id", args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise SnapshotCorruptError(f"{self.path} is damaged ({exc})") from exc
        return [_row_to_call(r) for r in rows]

    def call(self, call_id: int) -> CallRow:
        cols = ", ".join(CALL_COLUMNS)
        row = self._conn.execute(f"SELECT {cols} FROM calls WHERE id = ?", (call_id,)).fetchone()
        if row is None:
            raise KeyError(call_id)
        return _row_to_call(row)

    def raw_pages(self, call_id: int) -> list[tuple[bytes, str]]:
        """(uncompressed JSON bytes, stored SHA-256) of each page, hash-checked."""
        try:
            rows = self._conn.execute(
                "SELECT page_no, body, sha256 FROM pages WHERE call_id = ? ORDER BY page_no", (call_id,)
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise SnapshotCorruptError(f"{self.path} is damaged ({exc})") from exc
        out = []
        for page_no, body, digest in rows:
            try:
                data = decompress(body)
            except Exception as exc:
                raise PageTamperedError(f"call {call_id} page {page_no} cannot be decompressed") from exc
            if sha256_hex(data) != digest:
                raise PageTamperedError(f"call {call_id} page {page_no} does not match its SHA-256")
            out.append((data, digest))
        return out

    def pages(self, call_id: int) -> list[Any]:
        return [json.loads(data) for data, _ in self.raw_pages(call_id)]

    def operation_pages(
        self, *, service: str, operation: str, account_id: str | None = None, region: str | None = None
    ) -> Iterator[tuple[int, Any]]:
        """(call id, parsed page) for every successful call of one operation, in one query, hash-checked.

        What normalizers read in bulk: one SQL round trip per operation instead of one per call.
        """
        clauses = ["c.service = ?", "c.operation = ?", "c.outcome IN (?, ?)"]
        args: list[Any] = [service, operation, "ok", "throttled_then_ok"]
        if account_id is not None:
            clauses.append("c.account_id = ?")
            args.append(account_id)
        if region is not None:
            clauses.append("c.region = ?")
            args.append(region)
        sql = (
            "SELECT p.call_id, p.page_no, p.body, p.sha256 FROM calls c JOIN pages p ON p.call_id = c.id"
            f" WHERE {' AND '.join(clauses)} ORDER BY c.id, p.page_no"
        )
        try:
            rows = self._conn.execute(sql, args)  # streamed: one operation's pages can be large
        except sqlite3.DatabaseError as exc:
            raise SnapshotCorruptError(f"{self.path} is damaged ({exc})") from exc
        for call_id, page_no, body, digest in rows:
            try:
                data = decompress(body)
            except Exception as exc:
                raise PageTamperedError(f"call {call_id} page {page_no} cannot be decompressed") from exc
            if sha256_hex(data) != digest:
                raise PageTamperedError(f"call {call_id} page {page_no} does not match its SHA-256")
            yield call_id, json.loads(data)

    def iter_pages(
        self, *, service: str, operation: str, account_id: str | None = None, region: str | None = None
    ) -> Iterator[tuple[CallRow, Any]]:
        """Each successful call's pages, with its call row."""
        for call in self.calls(service=service, operation=operation, account_id=account_id, region=region):
            for page in self.pages(call.id):
                yield call, page

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class VerifyReport:
    path: Path
    integrity: str
    status: str
    calls: int
    pages: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return self.integrity == INTACT and not self.problems


def verify_snapshot(path: str | os.PathLike[str]) -> VerifyReport:
    """Full check: every page against its SHA-256, and the digest over all records."""
    snap = Snapshot.open(path, allow_tampered=True)
    problems = list(snap.problems)
    pages = 0
    try:
        conn = snap._conn
        known = {
            r[0]: r for r in conn.execute("SELECT id, account_id, region, service, operation FROM calls")
        }
        for call_id, page_no, body, digest in conn.execute(
            "SELECT call_id, page_no, body, sha256 FROM pages ORDER BY call_id, page_no"
        ):
            pages += 1
            where = _describe_call(known.get(call_id), call_id, page_no)
            try:
                data = decompress(body)
            except Exception:
                problems.append(f"{where}: body cannot be decompressed")
                continue
            if sha256_hex(data) != digest:
                problems.append(f"{where}: body does not match its SHA-256")
            if call_id not in known:
                problems.append(f"{where}: page belongs to no call")
        counts = conn.execute("SELECT id, page_count FROM calls").fetchall()
        have = dict(conn.execute("SELECT call_id, count(*) FROM pages GROUP BY call_id").fetchall())
        cols = ", ".join(CALL_COLUMNS)
        for row in conn.execute(f"SELECT {cols}, record_sha256 FROM calls ORDER BY id").fetchall():
            digests = [
                d
                for (d,) in conn.execute(
                    "SELECT sha256 FROM pages WHERE call_id = ? ORDER BY page_no", (row[0],)
                )
            ]
            if record_sha256(row[:-1], digests) != row[-1]:
                problems.append(
                    f"{_describe_call(known.get(row[0]), row[0], None)}: record changed "
                    "(its fields or page digests no longer match its SHA-256)"
                )
        for call_id, page_count in counts:
            if have.get(call_id, 0) != page_count:
                problems.append(
                    f"{_describe_call(known.get(call_id), call_id, None)}: "
                    f"{have.get(call_id, 0)} pages stored, {page_count} recorded"
                )
        integrity = snap.integrity
        if integrity == INTACT and problems:
            integrity = TAMPERED
        return VerifyReport(
            path=snap.path,
            integrity=integrity,
            status=snap.status,
            calls=len(counts),
            pages=pages,
            problems=problems,
        )
    except sqlite3.DatabaseError as exc:
        raise SnapshotCorruptError(f"{snap.path} is damaged or truncated ({exc})") from exc
    finally:
        snap.close()


def _describe_call(row: tuple[Any, ...] | None, call_id: int, page_no: int | None) -> str:
    page = "" if page_no is None else f" page {page_no}"
    if row is None:
        return f"call {call_id}{page}"
    return f"call {call_id} ({row[3]}:{row[4]} in {row[1]}/{row[2]}){page}"
