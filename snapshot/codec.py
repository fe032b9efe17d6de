"""How API responses become stored bytes, and back.

Pages are stored as received: JSON in the key order botocore produced,
datetimes as ISO-8601 strings, blobs as UTF-8 text where they decode (the
IAM credential report) and base64 otherwise, ``ResponseMetadata`` dropped.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Mapping
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return {"$base64": base64.b64encode(bytes(value)).decode("ascii")}
    if hasattr(value, "read"):  # a StreamingBody: never expected from List/Describe/Get metadata calls
        raise TypeError("streaming bodies are not stored")
    raise TypeError(f"cannot store a value of type {type(value).__name__}")


def page_json(page: Mapping[str, Any]) -> bytes:
    """The stored JSON of one response page (``ResponseMetadata`` dropped)."""
    body = {k: v for k, v in page.items() if k != "ResponseMetadata"}
    return json.dumps(body, default=_default, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def canonical_json(value: Any) -> str:
    """Key-sorted JSON, used for call parameters and digests."""
    return json.dumps(value, default=_default, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def compress(data: bytes) -> bytes:
    return zlib.compress(data, 6)


def decompress(data: bytes) -> bytes:
    return zlib.decompress(data)
