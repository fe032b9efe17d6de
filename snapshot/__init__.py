"""The snapshot file: raw, hash-chained evidence of one collection (see docs/snapshot.md)."""

from snapshot.errors import (
    NewerSchemaError,
    NotASnapshotError,
    PageTamperedError,
    SnapshotCorruptError,
    SnapshotError,
    SnapshotTamperedError,
)
from snapshot.reader import INCOMPLETE, INTACT, TAMPERED, CallRow, Snapshot, VerifyReport, verify_snapshot
from snapshot.writer import CallRecord, SnapshotWriter, make_call_key, utc_now_iso

__all__ = [
    "INCOMPLETE",
    "INTACT",
    "TAMPERED",
    "CallRecord",
    "CallRow",
    "NewerSchemaError",
    "NotASnapshotError",
    "PageTamperedError",
    "Snapshot",
    "SnapshotCorruptError",
    "SnapshotError",
    "SnapshotTamperedError",
    "SnapshotWriter",
    "VerifyReport",
    "make_call_key",
    "utc_now_iso",
    "verify_snapshot",
]
