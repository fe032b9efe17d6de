"""Text as a worksheet cell holds it: Excel's cell limit counted as Excel counts, splitting, escapes.

Qt-free and openpyxl-free apart from openpyxl's own pattern of the characters XML 1.0 forbids.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

CELL_LIMIT = 32_767  # Excel's characters per cell


def excel_length(s: str) -> int:
    """The length Excel counts: UTF-16 code units (a character beyond U+FFFF counts two)."""
    if s.isascii():
        return len(s)
    return len(s.encode("utf-16-le")) // 2


def split_text(s: str, limit: int = CELL_LIMIT) -> list[str]:
    """``s`` in pieces of at most ``limit`` characters as Excel counts them, in order; ``"".join``
    gives ``s`` back (a character beyond U+FFFF is never split in two)."""
    if limit < 2:
        raise ValueError("limit must be at least 2")
    if not s:
        return [""]
    if s.isascii() or max(s) <= "\uffff":
        return [s[i : i + limit] for i in range(0, len(s), limit)]
    parts, start, units = [], 0, 0
    for i, ch in enumerate(s):
        width = 2 if ord(ch) > 0xFFFF else 1
        if units + width > limit:
            parts.append(s[start:i])
            start, units = i, 0
        units += width
    parts.append(s[start:])
    return parts


def escape_illegal(s: str) -> str:
    """``s`` with every character XML 1.0 forbids shown as ``\\xNN``."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", s)
