"""The open snapshot's workpaper in the GUI: loaded beside the snapshot, edited, saved at once.

:class:`WorkpaperSession` holds the one :class:`~analysis.workpaper.Workpaper` of the open snapshot
(``<snapshot>.workpaper.json``). Every edit replaces it in memory, emits ``changed`` (the rows are
re-judged) and saves atomically at once. A save that fails (a read-only folder, a full disk, a file
changed on disk by someone else, a corrupt file that was never loaded) keeps the edit in memory and
emits ``save_failed``; nothing on disk is replaced without the user's say, and then only after a
copy of the old file is kept (``Workpaper.save(backup=True)``).

:func:`judge_rows` re-judges the findings rows without re-running the assessment: one loop over the
rows, where only ``FAIL`` / ``NOT_ASSESSED`` results of a control some waiver names are looked at.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from analysis.workpaper import (
    WAIVABLE,
    WAIVED,
    Judgement,
    Waiver,
    Workpaper,
    WorkpaperError,
    default_path,
    load_workpaper,
)
from ui.models.findings_model import FindingRow


def utc_today() -> date:
    """Expiry is judged on the UTC date, as ``main.py assess`` does (docs/assessment.md)."""
    return datetime.now(UTC).date()


def fnmatch_escape(text: str) -> str:
    """``text`` as an ``fnmatch`` pattern that matches exactly it (``*``, ``?`` and ``[`` made literal)."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def time_text(iso: str) -> str:
    """``2025-01-02T10:00:00Z`` -> ``2025-01-02 10:00 UTC`` (the text as given when it does not parse)."""
    parsed = _parse_time(iso)
    if parsed is None:
        return iso
    return parsed.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _parse_time(iso: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(iso.strip())
    except (ValueError, AttributeError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def literal(pattern: str) -> str | None:
    """The one text an ``fnmatch`` pattern matches when it has no wildcard (``[*]`` is a literal ``*``)."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "[" and i + 2 < len(pattern) and pattern[i + 2] == "]" and pattern[i + 1] in "*?[":
            out.append(pattern[i + 1])
            i += 3
            continue
        if c in "*?[":
            return None
        out.append(c)
        i += 1
    return "".join(out)


def waiver_matches(waiver: Waiver, row: FindingRow) -> bool:
    r = row.result
    return waiver.matches(
        control_id=row.control_id, resource_arn=r.resource_arn, account_id=row.account_id, ou_ids=row.ou_ids
    )


class WaiverLookup:
    """The waivers that may match a (control, resource): exact ones by key, patterns by control."""

    def __init__(self, waivers: Sequence[Waiver]) -> None:
        self._waivers = tuple(waivers)
        self._exact: dict[tuple[str, str], list[Waiver]] = {}
        self._patterns: dict[str, tuple[Waiver, ...]] = {}
        self._loose: list[Waiver] = []  # control or resource given as a pattern
        for w in self._waivers:
            control, arn = literal(w.control_id), literal(w.resource_pattern)
            if control is not None and arn is not None:
                self._exact.setdefault((control, arn), []).append(w)
            else:
                self._loose.append(w)

    def candidates(self, control_id: str, resource_arn: str) -> list[Waiver]:
        loose = self._patterns.get(control_id)
        if loose is None:
            loose = self._patterns[control_id] = tuple(
                w for w in self._loose if fnmatch.fnmatchcase(control_id, w.control_id)
            )
        exact = self._exact.get((control_id, resource_arn))
        return [*exact, *loose] if exact else list(loose)


class RowIndex:
    """The rows by control, and by resource ARN within a control (built on first need): which rows a
    waiver matches, without a pass over every row."""

    def __init__(self, rows: Sequence[FindingRow]) -> None:
        self.by_control: dict[str, list[FindingRow]] = {}
        for row in rows:
            self.by_control.setdefault(row.control_id, []).append(row)
        self._by_arn: dict[str, dict[str, list[FindingRow]]] = {}

    def _arns(self, control_id: str) -> dict[str, list[FindingRow]]:
        arns = self._by_arn.get(control_id)
        if arns is None:
            arns = self._by_arn[control_id] = {}
            for row in self.by_control.get(control_id, []):
                arns.setdefault(row.result.resource_arn, []).append(row)
        return arns

    def matching(self, waiver: Waiver) -> list[FindingRow]:
        """The rows ``waiver`` matches, whatever their status (it applies to FAIL / NOT_ASSESSED ones)."""
        control, arn = literal(waiver.control_id), literal(waiver.resource_pattern)
        if control is not None and arn is not None:
            candidates: Sequence[FindingRow] = self._arns(control).get(arn, [])
        elif control is not None:
            candidates = self.by_control.get(control, [])
        else:
            candidates = [
                r
                for cid, rows in self.by_control.items()
                if fnmatch.fnmatchcase(cid, waiver.control_id)
                for r in rows
            ]
        return [r for r in candidates if waiver_matches(waiver, r)]


def matching_rows(waiver: Waiver, rows: Sequence[FindingRow]) -> list[FindingRow]:
    """The rows ``waiver`` matches (one waiver: no index kept)."""
    return RowIndex(rows).matching(waiver)


def judge_rows(
    rows: Sequence[FindingRow], workpaper: Workpaper | None, *, today: date
) -> tuple[list[FindingRow], list[FindingRow]]:
    """(every row judged, the rows whose reported status changed), in the order of ``rows``.

    A waivable (FAIL / NOT_ASSESSED) result is WAIVED when a waiver that has not expired matches
    it: ``Workpaper.judge``'s rule, asked of the few waivers that may match (``WaiverLookup``).
    """
    lookup = WaiverLookup(workpaper.waivers if workpaper is not None else ())
    any_waiver = workpaper is not None and bool(workpaper.waivers)
    out = list(rows)
    changed: list[FindingRow] = []
    for pos, row in enumerate(rows):
        r = row.result
        status = r.status
        if any_waiver and status in WAIVABLE:
            for w in lookup.candidates(row.control_id, r.resource_arn):
                if not w.expired(today) and waiver_matches(w, row):
                    status = WAIVED
                    break
        if status != row.status:
            new = replace(row, status=status)
            out[pos] = new
            changed.append(new)
    return out, changed


class WorkpaperSession(QObject):
    """The workpaper of the open snapshot, its file state and its edits (no widgets)."""

    changed = Signal()  # waivers or notes changed: re-judge the rows
    state_changed = Signal()  # saved, unsaved, unreadable, signed off: the status lines
    save_failed = Signal(str, bool)  # the message; True when saving with a backup would get past it

    def __init__(self, *, today: Callable[[], date] = utc_today, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.workpaper: Workpaper | None = None  # None: no snapshot open
        self.load_error = ""  # why the file beside the snapshot could not be read (it is left alone)
        self.save_error = ""  # why the last save failed ("" when saved)
        self.dirty = False  # edits in memory not on disk
        self.edited_after_signoff = False  # an edit made in this session after the sign-off

    # -- file ---------------------------------------------------------------------------------------

    @property
    def path(self) -> Path | None:
        return self.workpaper.path if self.workpaper is not None else None

    @property
    def on_disk(self) -> bool:
        return self.workpaper is not None and self.workpaper.loaded_digest is not None

    def open_for(self, snapshot_path: str | Path, *, organization_id: str = "") -> None:
        """Load the workpaper beside ``snapshot_path``; missing: a new one, written on the first edit."""
        path = default_path(snapshot_path)
        self.load_error = self.save_error = ""
        self.dirty = self.edited_after_signoff = False
        try:
            wp = load_workpaper(path, missing_ok=True)
        except WorkpaperError as exc:
            wp = Workpaper(path=path)  # judged without it; the file is never replaced unasked
            self.load_error = str(exc)
        if wp.loaded_digest is None and not wp.snapshot:
            wp = replace(wp, snapshot={"organization_id": organization_id, "file": Path(snapshot_path).name})
        self.workpaper = wp
        self.changed.emit()
        self.state_changed.emit()

    def close(self) -> None:
        self.workpaper = None
        self.load_error = self.save_error = ""
        self.dirty = self.edited_after_signoff = False
        self.changed.emit()
        self.state_changed.emit()

    def save(self, *, backup: bool = False) -> bool:
        """Write the workpaper (atomically); False, with ``save_failed`` emitted, when it could not be."""
        if self.workpaper is None:
            return False
        try:
            saved = self.workpaper.save(backup=backup)
        except WorkpaperError as exc:
            message, can_backup = str(exc), True
        except OSError as exc:
            message = f"{self.workpaper.path}: could not be written ({exc.strerror or exc})"
            can_backup = False
        else:
            self.workpaper = saved
            self.dirty = False
            self.save_error = self.load_error = ""
            self.state_changed.emit()
            return True
        self.save_error = message
        self.state_changed.emit()
        self.save_failed.emit(message, can_backup)
        return False

    # -- edits --------------------------------------------------------------------------------------

    def edit(self, new: Workpaper) -> bool:
        """Replace the workpaper's waivers or notes with ``new``'s; re-judge; save. False: not saved."""
        if self.workpaper is None:
            return False
        if self.workpaper.signoff is not None:
            self.edited_after_signoff = True  # shown next to the sign-off, which is kept
        self.workpaper = new
        self.dirty = True
        self.changed.emit()
        return self.save()

    def sign_off(self, name: str, *, comment: str = "") -> bool:
        """Record the reviewer's sign-off (replacing an earlier one) and save. Raises on an empty name."""
        if self.workpaper is None:
            return False
        self.workpaper = self.workpaper.signed_off(name, comment=comment.strip())
        self.edited_after_signoff = False
        self.dirty = True
        return self.save()

    # -- what the views show ------------------------------------------------------------------------

    def judgement(self, row: FindingRow) -> Judgement | None:
        """What the workpaper says about ``row`` (None: no workpaper)."""
        if self.workpaper is None:
            return None
        r = row.result
        return self.workpaper.judge(
            control_id=row.control_id,
            status=r.status,
            resource_arn=r.resource_arn,
            account_id=row.account_id,
            region=r.region,
            ou_ids=row.ou_ids,
            today=self.today(),
        )

    def changed_after_signoff(self) -> bool:
        """Whether a waiver or note was recorded after the sign-off (or any edit made since, this session)."""
        wp = self.workpaper
        if wp is None or wp.signoff is None:
            return False
        if self.edited_after_signoff:
            return True
        return wp.changed_after_signoff

    def signoff_text(self) -> str:
        """``Signed off by X at T`` (with the comment, and a warning when edited since); "" when none."""
        wp = self.workpaper
        if wp is None or wp.signoff is None:
            return ""
        s = wp.signoff
        text = f"Signed off by {s.name} at {time_text(s.time)}"
        if s.comment:
            text += f": {s.comment}"
        if self.changed_after_signoff():
            text += " (the workpaper was changed after this sign-off)"
        return text

    def status_text(self) -> str:
        """One line for the status bar."""
        wp = self.workpaper
        if wp is None:
            return ""
        if self.dirty:
            head = "Workpaper: unsaved changes (Workpaper › Save to retry)"
        elif self.load_error:
            head = "Workpaper unreadable, not applied (the file is left as it is)"
        else:
            head = f"Workpaper: {len(wp.waivers)} waiver(s), {len(wp.notes)} note(s)"
            if not self.on_disk:
                head += " (not saved yet)"
        signed = wp.signoff
        if signed is not None:
            head += f" · signed off by {signed.name} at {time_text(signed.time)}"
            if self.changed_after_signoff():
                head += ", changed since"
        return head
