"""Privilege-escalation edges for published techniques, one module per family.

Sources: Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation"
(21 methods), and PMapper's edge checkers. Principals the engine already judges admin of
their account are not examined again: their ``admin:`` edge says more.
"""

from __future__ import annotations

from collections.abc import Iterable

from analysis.trust.edges.base import BuildContext, Edge, engine_conditions, engine_statements


def add_escalation(
    ctx: BuildContext, *, source: str, target: str, technique: str, reason: str, decisions: Iterable[object]
) -> None:
    ds = tuple(decisions)
    ctx.add(
        Edge(
            source=source,
            target=target,
            kind="escalation",
            technique=technique,
            reason=reason,
            conditions=engine_conditions(ds),  # type: ignore[arg-type]
            statements=engine_statements(ds),  # type: ignore[arg-type]
            intra_org=True,
        )
    )


def candidates(ctx: BuildContext, account_id: str) -> Iterable[str]:
    """Principals of the account that are not already its administrators."""
    return (p for p in ctx.principals_by_account.get(account_id, ()) if p not in ctx.admins)
