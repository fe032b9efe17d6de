"""The snapshot's integrity digest.

The digest is a SHA-256 over, in order: the manifest entries (except the
digest itself), then every call row with the SHA-256 of each of its pages.
Page bodies are bound to their stored SHA-256 (checked when a page is read and
by a full verify), so changing any byte of any record changes the digest or
fails a page check.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

from snapshot.codec import canonical_json
from snapshot.schema import M_INTEGRITY_DIGEST

# The same text as canonical_json for rows of scalars, without building an encoder per row
# (a quarter of the digest's time on a 234k-call snapshot).
_encode_row = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode

CALL_COLUMNS = (
    "id",
    "call_key",
    "account_id",
    "region",
    "service",
    "operation",
    "parameters",
    "identity_arn",
    "started_at",
    "duration_ms",
    "outcome",
    "error_code",
    "error_message",
    "attempts",
    "page_count",
)


def record_sha256(row: tuple[object, ...] | list[object], page_digests: list[str]) -> str:
    """The SHA-256 of one call row (columns in CALL_COLUMNS order) and its pages' digests.

    Stored per row so that ``verify`` can name the record that changed.
    """
    h = hashlib.sha256(canonical_json(list(row)).encode("utf-8"))
    for d in page_digests:
        h.update(b" " + d.encode("ascii"))
    return h.hexdigest()


def compute_digest(conn: sqlite3.Connection) -> str:
    """The integrity digest of the database as it is now."""
    h = hashlib.sha256()
    h.update(b"manifest\n")
    for key, value in conn.execute("SELECT key, value FROM manifest ORDER BY key"):
        if key == M_INTEGRITY_DIGEST:
            continue
        h.update(canonical_json([key, value]).encode("utf-8"))
        h.update(b"\n")
    h.update(b"calls\n")
    page_cur = conn.execute("SELECT call_id, page_no, sha256 FROM pages ORDER BY call_id, page_no")
    pending = page_cur.fetchone()
    cols = ", ".join(CALL_COLUMNS)
    for row in conn.execute(f"SELECT {cols} FROM calls ORDER BY id"):
        h.update(_encode_row(list(row)).encode("utf-8"))
        h.update(b"\n")
        while pending is not None and pending[0] < row[0]:
            h.update(f"orphan {pending[0]} {pending[1]} {pending[2]}\n".encode())
            pending = page_cur.fetchone()
        while pending is not None and pending[0] == row[0]:
            h.update(f"  {pending[1]} {pending[2]}\n".encode())
            pending = page_cur.fetchone()
    # Pages that belong to no call are part of the file too: they change the digest.
    while pending is not None:
        h.update(f"orphan {pending[0]} {pending[1]} {pending[2]}\n".encode())
        pending = page_cur.fetchone()
    return h.hexdigest()
