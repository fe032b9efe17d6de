"""Errors that say, in one line, what is wrong with a snapshot file."""

from __future__ import annotations


class SnapshotError(Exception):
    """A snapshot cannot be opened or written; the message is for the user."""


class NotASnapshotError(SnapshotError):
    pass


class SnapshotCorruptError(SnapshotError):
    pass


class NewerSchemaError(SnapshotError):
    pass


class SnapshotTamperedError(SnapshotError):
    """The file changed after collection. It can still be opened read-only on request."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


class PageTamperedError(SnapshotError):
    pass
