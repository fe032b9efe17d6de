"""The SCP what-if view's plain parts (no Qt): check a draft, run the what-if as a job, describe a row.

``check_draft`` reads a pasted policy as the ``scp-whatif`` command reads its file, so a bad draft
gets the same one-line message in both; ``whatif_job`` wraps ``scp_what_if`` for a worker.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.trust.graph import TrustGraph
    from analysis.trust.whatif import CutPath, LostPermission, WhatIfResult

Job = Callable[[Callable[[Any], None], Callable[[], bool]], "WhatIfResult | None"]


MAX_POLICY_CHARS = 1_000_000  # a policy document is at most 5,120 characters; far more is not a policy
EXAMPLE = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Deny", "Action": ["iam:CreateAccessKey", "iam:AttachRolePolicy"], "Resource": "*"}
  ]
}"""


class DraftError(ValueError):
    """Why a draft cannot be tested, in one line for the view."""


def check_draft(text: str) -> dict[str, Any]:
    """The draft as a policy document, checked the way the engine reads it (as ``scp-whatif`` does)."""
    from analysis.model.policy_doc import parse_policy_document

    if not text.strip():
        raise DraftError("Paste or load a draft policy (JSON) first.")
    if len(text) > MAX_POLICY_CHARS:
        raise DraftError("The text is far too large for a policy document.")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DraftError(f"Not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.") from None
    if not isinstance(raw, dict):
        raise DraftError("A policy document is a JSON object with a Statement.")
    doc = parse_policy_document(raw)
    if doc.error:
        raise DraftError(f"Not a valid policy: {doc.error}")
    for st in doc.statements:
        if st.problems:
            raise DraftError(f"Statement {st.index}: {'; '.join(st.problems)}")
    if not doc.statements:
        raise DraftError("The policy has no statements.")
    return raw


def whatif_job(
    tg: TrustGraph, *, document: dict[str, Any], target_id: str, policy_type: str, name: str
) -> Job:
    """The what-if as a worker job; progress is ``(done, total, message)``; None when cancelled."""

    class Cancelled(Exception):
        pass

    def job(progress: Any, cancelled: Any) -> WhatIfResult | None:
        from analysis.trust.whatif import scp_what_if

        def report(done: int, total: int, message: str) -> None:
            # scp_what_if has no cancel flag: its progress callback is where it stops.
            if cancelled():
                raise Cancelled()
            progress((done, total, message))

        try:
            return scp_what_if(
                tg,
                document=document,
                target_id=target_id,
                policy_type=policy_type,
                name=name,
                progress=report,
            )
        except Cancelled:
            return None

    return job


def describe_lost(tg: TrustGraph, lp: LostPermission) -> str:
    lines = [
        lp.principal,
        f"action: {lp.action} on *",
        f"today: {lp.before.summary()}",
        f"with the draft: {lp.after.summary()}",
    ]
    lines += ["", "Decided by:"]
    lines += [f"  {ref.text}" for ref in lp.after.deciding]
    lines += [f"  {r}" for r in lp.after.reasons]
    return "\n".join(lines)


def describe_cut(tg: TrustGraph, cut: CutPath) -> str:
    """The path that would be cut, hop by hop, with how each hop works today."""
    name = tg.inventory.account_name(cut.account_id) or cut.account_id
    lines = [f"Today {tg.node(cut.source).label} can reach admin of {name}; with the draft it cannot.", ""]
    for i, step in enumerate(cut.path.steps, start=1):
        a, b = tg.node(step.source), tg.node(step.target)
        lines.append(f"{i}. {a.label} ({a.kind.replace('_', ' ')}) → {b.label} ({b.kind.replace('_', ' ')})")
        for e in step.edges:
            lines.append(f"     {e.technique}: {e.reason}")
            lines.extend(f"       if {c.text()}" for c in e.conditions)
    return "\n".join(lines)


__all__ = [
    "EXAMPLE",
    "MAX_POLICY_CHARS",
    "DraftError",
    "check_draft",
    "describe_cut",
    "describe_lost",
    "whatif_job",
]
