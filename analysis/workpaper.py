"""The auditor's workpaper: waivers, notes per finding and the reviewer's sign-off, beside the snapshot.

The snapshot is evidence and is never modified; the auditor's judgements live in a JSON file next
to it (``org.snapshot`` -> ``org.snapshot.workpaper.json`` by default), never inside it.

- A **waiver** accepts a result: control id, resource pattern (``fnmatch`` on the resource ARN),
  optionally accounts and/or OUs (an OU covers every account beneath it, at any depth), reason,
  owner and expiry date. It applies to ``FAIL`` and ``NOT_ASSESSED`` results; the result is then
  reported as ``WAIVED`` with the waiver's reason, owner and expiry, never hidden. On the day after
  its expiry date a waiver stops applying, and the result says "waiver expired on ...".
- A **note** is keyed by the finding it is about: control id + resource ARN + account + region.
- The **sign-off**: the reviewer's name and the time.

Saving is atomic (a temporary file in the same folder, then ``os.replace``). A workpaper that
cannot be read is a :class:`WorkpaperError` with the reason; ``save`` refuses to overwrite a
file that is not a valid workpaper, or that changed on disk since it was loaded, unless told to
keep a backup of it first (``backup=True``). Qt-free.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

FORMAT = "awb-workpaper"
FORMAT_VERSION = 1
SUFFIX = ".workpaper.json"
WAIVED = "WAIVED"
WAIVABLE = frozenset({"FAIL", "NOT_ASSESSED"})


class WorkpaperError(Exception):
    """The workpaper cannot be read, or saving it would lose someone's work: the message says why."""


@dataclass(frozen=True, kw_only=True)
class Waiver:
    control_id: str  # a control id; fnmatch patterns allowed ("s3_bucket_*")
    reason: str
    owner: str
    expires: date | None = None  # last day the waiver applies (None: until removed)
    resource_pattern: str = "*"  # fnmatch on the resource ARN
    accounts: tuple[str, ...] = ()  # account ids; empty: any
    ous: tuple[str, ...] = ()  # OU or root ids; an account beneath one at any depth matches
    created: str = ""  # ISO time the waiver was recorded

    def matches(self, *, control_id: str, resource_arn: str, account_id: str, ou_ids: Sequence[str]) -> bool:
        if not fnmatch.fnmatchcase(control_id, self.control_id):
            return False
        if not fnmatch.fnmatchcase(resource_arn, self.resource_pattern):
            return False
        if self.accounts and account_id not in self.accounts:
            return False
        return not self.ous or any(ou in self.ous for ou in ou_ids)

    def expired(self, today: date) -> bool:
        return self.expires is not None and today > self.expires

    def to_json(self) -> dict[str, Any]:
        return {
            "control_id": self.control_id,
            "resource_pattern": self.resource_pattern,
            "accounts": list(self.accounts),
            "ous": list(self.ous),
            "reason": self.reason,
            "owner": self.owner,
            "expires": self.expires.isoformat() if self.expires else None,
            "created": self.created,
        }


@dataclass(frozen=True, kw_only=True)
class Note:
    control_id: str
    resource_arn: str
    account_id: str
    region: str
    text: str
    author: str = ""
    time: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.control_id, self.resource_arn, self.account_id, self.region)

    def to_json(self) -> dict[str, Any]:
        return {
            "control_id": self.control_id,
            "resource_arn": self.resource_arn,
            "account_id": self.account_id,
            "region": self.region,
            "text": self.text,
            "author": self.author,
            "time": self.time,
        }


@dataclass(frozen=True, kw_only=True)
class SignOff:
    name: str
    time: str  # ISO-8601, UTC
    comment: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "time": self.time, "comment": self.comment}


@dataclass(frozen=True, kw_only=True)
class Judgement:
    """What the workpaper says about one result."""

    status: str  # the reported status: WAIVED, or the result's own
    waiver: Waiver | None = None  # the waiver that applies
    expired_waiver: Waiver | None = None  # a matching waiver past its expiry (none applies)
    note: Note | None = None

    @property
    def waiver_message(self) -> str:
        if self.waiver is not None:
            until = f" until {self.waiver.expires.isoformat()}" if self.waiver.expires else ""
            return f"waived by {self.waiver.owner}{until}: {self.waiver.reason}"
        if self.expired_waiver is not None and self.expired_waiver.expires is not None:
            w = self.expired_waiver
            return f"waiver expired on {w.expires.isoformat()} (owner {w.owner}: {w.reason})"  # type: ignore[union-attr]
        return ""


@dataclass(frozen=True, kw_only=True)
class Workpaper:
    waivers: tuple[Waiver, ...] = ()
    notes: tuple[Note, ...] = ()
    signoff: SignOff | None = None
    snapshot: Mapping[str, Any] = field(default_factory=dict)  # organization id, file name of the snapshot
    # ISO time of the last change to the waivers or notes ("" in files written before it was kept):
    # what tells, in a later session, that the workpaper changed after its sign-off (a removed
    # waiver leaves no other trace).
    modified: str = ""
    path: Path | None = None  # where it was loaded from or saved to
    loaded_digest: str | None = None  # SHA-256 of the file as loaded (None: new, never on disk)

    # -- queries ------------------------------------------------------------------------------------

    @property
    def changed_after_signoff(self) -> bool:
        """A waiver or note recorded, or one removed, after the sign-off (times compared as UTC)."""
        if self.signoff is None:
            return False
        signed = _parse_iso(self.signoff.time)
        if signed is None:
            return False
        stamps = [self.modified, *(w.created for w in self.waivers), *(n.time for n in self.notes)]
        return any((t := _parse_iso(s)) is not None and t > signed for s in stamps if s)

    def judge(
        self,
        *,
        control_id: str,
        status: str,
        resource_arn: str,
        account_id: str,
        region: str,
        ou_ids: Sequence[str] = (),
        today: date,
    ) -> Judgement:
        note = self._notes_by_key().get((control_id, resource_arn, account_id, region))
        if status not in WAIVABLE:
            return Judgement(status=status, note=note)
        applying: Waiver | None = None
        expired: Waiver | None = None
        for w in self.waivers:
            if not w.matches(
                control_id=control_id, resource_arn=resource_arn, account_id=account_id, ou_ids=ou_ids
            ):
                continue
            if w.expired(today):
                if expired is None or (w.expires or date.min) > (expired.expires or date.min):
                    expired = w
            elif applying is None:
                applying = w
        if applying is not None:
            return Judgement(status=WAIVED, waiver=applying, note=note)
        return Judgement(status=status, expired_waiver=expired, note=note)

    def _notes_by_key(self) -> dict[tuple[str, str, str, str], Note]:
        cached: dict[tuple[str, str, str, str], Note] | None = self.__dict__.get("_note_index")
        if cached is None:
            cached = {n.key: n for n in self.notes}
            object.__setattr__(self, "_note_index", cached)
        return cached

    # -- edits (a new Workpaper each time) ------------------------------------------------------------

    def with_waiver(self, waiver: Waiver) -> Workpaper:
        if not waiver.created:
            waiver = replace(waiver, created=_now_iso())
        return replace(self, waivers=(*self.waivers, waiver), modified=_now_iso())

    def without_waiver(self, index: int) -> Workpaper:
        return replace(self, waivers=self.waivers[:index] + self.waivers[index + 1 :], modified=_now_iso())

    def with_note(self, note: Note) -> Workpaper:
        """Set the note of a finding (replacing its earlier note); an empty text removes it."""
        if not note.time:
            note = replace(note, time=_now_iso())
        kept = tuple(n for n in self.notes if n.key != note.key)
        notes = kept if not note.text.strip() else (*kept, note)
        return replace(self, notes=notes, modified=_now_iso())

    def signed_off(self, name: str, *, comment: str = "", time: str | None = None) -> Workpaper:
        if not name.strip():
            raise WorkpaperError("the sign-off needs the reviewer's name")
        return replace(self, signoff=SignOff(name=name.strip(), time=time or _now_iso(), comment=comment))

    # -- file -----------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "snapshot": dict(self.snapshot),
            "waivers": [w.to_json() for w in self.waivers],
            "notes": [n.to_json() for n in self.notes],
            "signoff": self.signoff.to_json() if self.signoff else None,
            "modified": self.modified or None,
        }

    def save(self, path: str | os.PathLike[str] | None = None, *, backup: bool = False) -> Workpaper:
        """Write atomically; returns the workpaper as now on disk (its digest updated).

        Refuses (``WorkpaperError``) to replace a file that is not a readable workpaper, or one
        changed on disk since this workpaper was loaded, unless ``backup``: then that file is first
        copied to ``<name>.bak-<time>`` and the save goes ahead.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise WorkpaperError("no workpaper path to save to")
        if target.exists():
            existing = target.read_bytes()
            problem = _existing_problem(target, existing, self)
            if problem:
                if not backup:
                    raise WorkpaperError(
                        f"{target}: {problem}; not overwritten (save with a backup to replace it)"
                    )
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
                Path(f"{target}.bak-{stamp}").write_bytes(existing)
        data = (json.dumps(self.to_json(), indent=2, sort_keys=False) + "\n").encode("utf-8")
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return replace(self, path=target, loaded_digest=_digest(data))


def _existing_problem(target: Path, existing: bytes, wp: Workpaper) -> str:
    try:
        parse_workpaper(existing, source=str(target))
    except WorkpaperError as exc:
        return f"the file on disk is not a valid workpaper ({exc})"
    if wp.loaded_digest is None or wp.path is None or Path(wp.path).resolve() != target.resolve():
        return "a workpaper already exists there and this one was not loaded from it"
    if _digest(existing) != wp.loaded_digest:
        return "the file changed on disk since it was loaded (another window or person saved it)"
    return ""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _parse_iso(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# -- reading --------------------------------------------------------------------------------------------


def default_path(snapshot_path: str | os.PathLike[str]) -> Path:
    """The workpaper beside ``snapshot_path``: ``<snapshot file name>.workpaper.json``."""
    p = Path(snapshot_path)
    return p.with_name(p.name + SUFFIX)


def check_beside(snapshot_path: str | os.PathLike[str], workpaper_path: str | os.PathLike[str]) -> None:
    """The workpaper is a separate file: never the snapshot itself."""
    snap, wp = Path(snapshot_path), Path(workpaper_path)
    same = snap.absolute() == wp.absolute() or (snap.exists() and wp.exists() and snap.samefile(wp))
    if same:
        raise WorkpaperError(f"{wp}: this is the snapshot itself; the workpaper is a separate file beside it")


def load_workpaper(path: str | os.PathLike[str], *, missing_ok: bool = False) -> Workpaper:
    """Read a workpaper; a missing file is a new, empty one when ``missing_ok``."""
    p = Path(path)
    if not p.exists():
        if missing_ok:
            return Workpaper(path=p)
        raise WorkpaperError(f"{p}: no such workpaper file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise WorkpaperError(f"{p}: cannot be read ({exc.strerror or exc})") from exc
    wp = parse_workpaper(data, source=str(p))
    return replace(wp, path=p, loaded_digest=_digest(data))


def parse_workpaper(data: bytes | str, *, source: str = "workpaper") -> Workpaper:
    try:
        doc = json.loads(data)
    except UnicodeDecodeError as exc:
        raise WorkpaperError(f"{source}: not UTF-8 text ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise WorkpaperError(
            f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise WorkpaperError(f'{source}: not a workpaper (expected "format": "{FORMAT}")')
    version = doc.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise WorkpaperError(
            f"{source}: workpaper format version {version!r} is newer than this tool reads ({FORMAT_VERSION})"
        )
    waivers = tuple(
        _waiver(w, f"{source}: waivers[{i}]") for i, w in enumerate(_list(doc, "waivers", source))
    )
    notes = tuple(_note(n, f"{source}: notes[{i}]") for i, n in enumerate(_list(doc, "notes", source)))
    signoff_doc = doc.get("signoff")
    signoff = None
    if signoff_doc is not None:
        if not isinstance(signoff_doc, dict):
            raise WorkpaperError(f"{source}: signoff must be an object or null")
        signoff = SignOff(
            name=_text(signoff_doc, "name", f"{source}: signoff", required=True),
            time=_text(signoff_doc, "time", f"{source}: signoff", required=True),
            comment=_text(signoff_doc, "comment", f"{source}: signoff"),
        )
    snapshot = doc.get("snapshot") or {}
    if not isinstance(snapshot, dict):
        raise WorkpaperError(f"{source}: snapshot must be an object")
    modified = doc.get("modified") or ""
    if not isinstance(modified, str):
        raise WorkpaperError(f"{source}: modified must be a time (text) or null")
    return Workpaper(waivers=waivers, notes=notes, signoff=signoff, snapshot=snapshot, modified=modified)


def _list(doc: Mapping[str, Any], key: str, source: str) -> list[Any]:
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise WorkpaperError(f"{source}: {key} must be a list")
    return value


def _text(doc: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str:
    value = doc.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise WorkpaperError(f"{where}: {key} must be text")
    if required and not value.strip():
        raise WorkpaperError(f"{where}: {key} is missing")
    return value


def _ids(doc: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = doc.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise WorkpaperError(f"{where}: {key} must be a list of ids")
    return tuple(v.strip() for v in value)


def _waiver(doc: Any, where: str) -> Waiver:
    if not isinstance(doc, dict):
        raise WorkpaperError(f"{where}: must be an object")
    expires_text = doc.get("expires")
    expires = None
    if expires_text not in (None, ""):
        if not isinstance(expires_text, str):
            raise WorkpaperError(f"{where}: expires must be a date like 2025-12-31")
        try:
            expires = date.fromisoformat(expires_text[:10])
        except ValueError as exc:
            raise WorkpaperError(f"{where}: expires {expires_text!r} is not a date like 2025-12-31") from exc
    return Waiver(
        control_id=_text(doc, "control_id", where, required=True).strip(),
        resource_pattern=_text(doc, "resource_pattern", where).strip() or "*",
        accounts=_ids(doc, "accounts", where),
        ous=_ids(doc, "ous", where),
        reason=_text(doc, "reason", where, required=True),
        owner=_text(doc, "owner", where, required=True),
        expires=expires,
        created=_text(doc, "created", where),
    )


def _note(doc: Any, where: str) -> Note:
    if not isinstance(doc, dict):
        raise WorkpaperError(f"{where}: must be an object")
    return Note(
        control_id=_text(doc, "control_id", where, required=True),
        resource_arn=_text(doc, "resource_arn", where),
        account_id=_text(doc, "account_id", where),
        region=_text(doc, "region", where),
        text=_text(doc, "text", where),
        author=_text(doc, "author", where),
        time=_text(doc, "time", where),
    )


def ou_ids_resolver(organization: Any) -> Callable[[str], tuple[str, ...]]:
    """account id -> the ids of the root and OUs above it (cached): what a waiver's ``ous`` match."""
    cache: dict[str, tuple[str, ...]] = {}

    def ou_ids(account_id: str) -> tuple[str, ...]:
        if account_id not in cache:
            try:
                cache[account_id] = tuple(u.id for u in organization.path_to(account_id))
            except KeyError:
                cache[account_id] = ()
        return cache[account_id]

    return ou_ids


def judge_all(
    workpaper: Workpaper | None,
    results: Iterable[Any],
    *,
    ou_ids: Callable[[str], Sequence[str]],
    today: date,
) -> list[Judgement]:
    """One judgement per result (``Result`` records of ``analysis.rules.base``), in order."""
    out = []
    for r in results:
        if workpaper is None:
            out.append(Judgement(status=r.status))
            continue
        out.append(
            workpaper.judge(
                control_id=r.control_id,
                status=r.status,
                resource_arn=r.resource_arn,
                account_id=r.account_id,
                region=r.region,
                ou_ids=ou_ids(r.account_id) if r.account_id else (),
                today=today,
            )
        )
    return out
