"""The exceptions of the exports package (Qt-free)."""

from __future__ import annotations


class ExportError(Exception):
    """The pack cannot be written: the message says why, in words a user can act on."""


class ExportCancelled(ExportError):
    """The user cancelled; nothing was left at the target."""
