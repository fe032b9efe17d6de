"""The trust graph's findings as the IAM controls use them, computed once per assessment.

Trust-policy findings (public, external without ExternalId, outside the organization, OIDC
without ``sub``), administrators and escalation paths come from ``analysis.trust.findings`` as
they are (the escalation search: ``analysis.trust.escalation``, one pass over the graph). The
index is kept on the assessment context: the report (``report.collect_trust_findings``) reads the
same one when given the assessment's context.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from analysis.rules.base import Control, Evidence, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.iam._common import (
    AUTH_DETAILS,
    account_result,
    gc_paused,
    merge_ids,
    result,
    short_arn,
)

if TYPE_CHECKING:
    from analysis.trust.findings import TrustFinding
    from analysis.trust.graph import TrustGraph
    from analysis.trust.queries import Path


def trust_findings_by_kind(ctx: AssessmentContext) -> Mapping[str, Mapping[str, tuple[TrustFinding, ...]]]:
    """kind -> account id -> findings (the kinds of ``analysis.trust.findings`` the controls need)."""

    def build() -> Mapping[str, Mapping[str, tuple[TrustFinding, ...]]]:
        tg = ctx.trust_graph
        with gc_paused():
            return _by_kind(tg)

    return ctx.memo("iam.trust_findings", build)


def _by_kind(tg: TrustGraph) -> Mapping[str, Mapping[str, tuple[TrustFinding, ...]]]:
    from analysis.trust.findings import admin_findings, escalation_findings, trust_policy_findings

    out: dict[str, dict[str, list[TrustFinding]]] = defaultdict(lambda: defaultdict(list))
    for f in (*trust_policy_findings(tg), *admin_findings(tg), *escalation_findings(tg)):
        out[f.kind][f.account_id].append(f)
    return {k: {a: tuple(v) for a, v in m.items()} for k, m in out.items()}


def path_in_words(tg: TrustGraph, path: Path) -> tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...]]:
    """The hops of a trust path (each with its technique, reason and conditions), its statements and calls."""
    hops: list[str] = []
    statements: list[str] = []
    call_ids: list[int] = []
    for step in path.steps:
        edge = step.edges[0]
        conditions = "; ".join(c.text() for c in edge.conditions)
        hops.append(
            f"{tg.node(step.source).label} --[{edge.technique}]--> {tg.node(step.target).label}: {edge.reason}"
            + (f" (only if {conditions})" if conditions else "")
        )
        statements.extend(s.describe() for s in edge.statements)
        call_ids.extend(edge.call_ids)
    return tuple(hops), tuple(dict.fromkeys(statements)), tuple(dict.fromkeys(call_ids))


def trust_kind_results(
    ctx: AssessmentContext,
    control: Control,
    kind: str,
    *,
    pass_message: str,
    needs_organization: bool = False,
) -> Iterator[Result]:
    """One FAIL per trust finding of ``kind``; per account, PASS when there is none, NOT_ASSESSED on gaps."""
    if needs_organization and not ctx.inventory.organization.organization_id:
        for account_id in ctx.account_ids:
            yield ctx.not_assessed(
                control,
                account_id=account_id,
                region=GLOBAL,
                reason="the organization's accounts were not collected: inside and outside cannot be told apart",
            )
        return
    with gc_paused():
        results = _kind_results(ctx, control, kind, pass_message)
    yield from results


def _kind_results(ctx: AssessmentContext, control: Control, kind: str, pass_message: str) -> list[Result]:
    out: list[Result] = []
    found = trust_findings_by_kind(ctx).get(kind, {})
    for account_id in ctx.account_ids:
        # The account's roles and policies decide; Organizations calls live in the management
        # account only and are covered by ``needs_organization``.
        gap = ctx.gaps_or(control, account_id, GLOBAL, (AUTH_DETAILS,))
        if gap is not None:
            out.append(gap)
            continue
        findings = found.get(account_id, ())
        if not findings:
            out.append(account_result(ctx, control, account_id, passed=True, message=pass_message))
        out.extend(finding_result(ctx, control, f) for f in findings)
    return out


def finding_result(ctx: AssessmentContext, control: Control, f: TrustFinding) -> Result:
    hops: tuple[str, ...] = ()
    statements = f.statements
    call_ids = f.call_ids
    message = f"{f.title}: {f.detail}"
    if f.path is not None:
        hops, path_statements, path_calls = path_in_words(ctx.trust_graph, f.path)
        statements = tuple(dict.fromkeys((*statements, *path_statements)))
        call_ids = merge_ids(call_ids, path_calls)
        message = (
            f"{short_arn(f.resource)}: {f.detail.split('; path shown', 1)[0]} (path in {len(hops)} hop(s))."
        )
    return result(
        control,
        passed=False,
        account_id=f.account_id,
        resource_arn=f.resource,
        resource_id=short_arn(f.resource),
        message=message,
        evidence=Evidence(
            call_ids=call_ids,
            statements=statements,
            path=hops,
            values={"kind": f.kind, "finding_severity": f.severity, "detail": f.detail},
        ),
    )
