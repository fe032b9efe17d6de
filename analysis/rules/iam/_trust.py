"""The trust graph's findings as the IAM controls use them, computed once per assessment.

Trust-policy findings (public, external without ExternalId, outside the organization, OIDC
without ``sub``) and administrators come from ``analysis.trust`` as they are. Escalation paths
are searched here differently from ``analysis.trust.findings.trust_findings``: that function asks
"who can reach admin of X" for every account X, each a reverse search plus a shortest path per
principal found, which grows with accounts x principals (15 s at 50 accounts, not finished after
several minutes at 500). Here the search starts from the few principals that can reach an
escalation edge at all, and one forward search per principal, over (node, escalated yet?) states,
finds every account whose administrator it reaches *only* by escalating: linear in the part of the
graph those principals reach. (Candidate to replace the per-account loop in analysis/trust/findings.py.)
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from analysis.rules.base import Control, Evidence, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.iam._common import (
    AUTH_DETAILS,
    account_result,
    gc_paused,
    memo,
    merge_ids,
    result,
    short_arn,
)

if TYPE_CHECKING:
    from analysis.trust.findings import TrustFinding
    from analysis.trust.graph import TrustGraph
    from analysis.trust.queries import Path

ESCALATION = "escalation_path_to_admin"
ADMIN_KIND = "principal_with_admin"


def trust_findings_by_kind(ctx: AssessmentContext) -> Mapping[str, Mapping[str, tuple[TrustFinding, ...]]]:
    """kind -> account id -> findings (the kinds of ``analysis.trust.findings`` the controls need)."""

    def build() -> Mapping[str, Mapping[str, tuple[TrustFinding, ...]]]:
        tg = ctx.trust_graph
        with gc_paused():
            return _by_kind(tg)

    return memo(ctx, "trust_findings", build)


def _by_kind(tg: TrustGraph) -> Mapping[str, Mapping[str, tuple[TrustFinding, ...]]]:
    from analysis.trust.findings import _trust_policy_findings

    out: dict[str, dict[str, list[TrustFinding]]] = defaultdict(lambda: defaultdict(list))
    for f in (*_trust_policy_findings(tg), *_admin_findings(tg), *escalation_findings(tg)):
        out[f.kind][f.account_id].append(f)
    return {k: {a: tuple(v) for a, v in m.items()} for k, m in out.items()}


def _admin_findings(tg: TrustGraph) -> Iterator[TrustFinding]:
    """Every principal the engine judged an administrator (as ``trust_findings`` reports them)."""
    from analysis.trust.findings import MEDIUM, TrustFinding
    from analysis.trust.nodes import account_of_arn

    iam = tg.inventory.iam
    for principal, decision in sorted(tg.admins.items()):
        record = iam.users.get(principal) or iam.roles.get(principal)
        yield TrustFinding(
            kind=ADMIN_KIND,
            severity=MEDIUM,
            resource=principal,
            account_id=account_of_arn(principal) or "",
            title="Principal with administrator permissions",
            detail="; ".join(decision.reasons[-3:]),
            call_ids=record.call_ids if record else (),
            statements=tuple(s.describe() for s in decision.deciding),
        )


def escalation_findings(tg: TrustGraph) -> Iterator[TrustFinding]:
    """One finding per user or role that reaches some account's administrator only by escalating.

    "Only by escalating": the admin node is reachable from the principal in the trust graph,
    and not in the graph without escalation-only hops. Reachability is computed for every node
    at once as bit sets of admin nodes over the graph's strongly connected components (twice:
    with and without escalation hops), on the part of the graph the candidates reach.
    """
    from analysis.trust.findings import HIGH, TrustFinding
    from analysis.trust.nodes import ADMIN, ROLE, USER, account_of_arn
    from analysis.trust.queries import ESCALATION_KINDS

    graph = tg.graph
    # Escalation-only hops: every way from u to v is an escalation (PassRole + compute, policy
    # rewriting...). Where a plain edge also exists, escalating adds nothing.
    # (Two million edges at 500 accounts: the adjacency dicts are read directly, and the first
    # edge's kind settles most pairs.)
    escalation_only: set[tuple[str, str]] = set()
    for u, successors in graph.adj.items():
        for v, data in successors.items():
            edges = data["edges"]
            if edges and edges[0].kind in ESCALATION_KINDS and all(e.kind in ESCALATION_KINDS for e in edges):
                escalation_only.add((u, v))
    if not escalation_only:
        return
    candidates = [
        n for n in _around(graph.pred, {u for u, _ in escalation_only}) if tg.node(n).kind in (USER, ROLE)
    ]
    region = _around(graph.adj, set(candidates))
    full = {n: [m for m in graph.adj[n] if m in region] for n in region}
    plain = {n: [m for m in succ if (n, m) not in escalation_only] for n, succ in full.items()}
    admins = sorted(n for n in region if tg.node(n).kind == ADMIN)
    own = {n: 1 << i for i, n in enumerate(admins)}
    reach_full = _reach_bits(full, own)
    reach_plain = _reach_bits(plain, own)
    for start in sorted(candidates):
        only = reach_full[start] & ~reach_plain[start]
        if not only:
            continue
        targets = [a for a in admins if only & own[a]]
        accounts = [t.split(":", 1)[1] for t in targets]
        home = account_of_arn(start) or ""
        shown = f"admin:{home}" if home in accounts else targets[0]
        path = _shortest_path(tg, full, reach_full, start, shown, own[shown])
        record = tg.inventory.iam.users.get(start) or tg.inventory.iam.roles.get(start)
        yield TrustFinding(
            kind=ESCALATION,
            severity=HIGH,
            resource=start,
            account_id=home,
            title=f"Privilege escalation path to admin of {len(accounts)} account(s)",
            detail=f"escalates to administrator of {', '.join(accounts[:10])}"
            + (f" and {len(accounts) - 10} more" if len(accounts) > 10 else "")
            + f"; path shown to admin of {shown.split(':', 1)[1]}: {path.describe(tg)}",
            call_ids=record.call_ids if record else (),
            path=path,
        )


def _around(links: Mapping[str, Mapping[str, object]], start: set[str]) -> set[str]:
    """``start`` and every node reachable from it along ``links`` (successors or predecessors)."""
    seen = set(start)
    queue = deque(start)
    while queue:
        n = queue.popleft()
        for m in links[n]:
            if m not in seen:
                seen.add(m)
                queue.append(m)
    return seen


def _reach_bits(succ: Mapping[str, list[str]], own: Mapping[str, int]) -> dict[str, int]:
    """For every node, the OR of ``own`` bits of the nodes it reaches (itself included).

    Iterative Tarjan: a strongly connected component is completed after every component it
    reaches, so its bits are its members' bits plus those of its already completed successors.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    comp: dict[str, int] = {}
    comp_bits: list[int] = []
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in succ:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(succ[root]))]
        while work:
            n, it = work[-1]
            for m in it:
                if m not in index:
                    index[m] = low[m] = len(index)
                    stack.append(m)
                    on_stack.add(m)
                    work.append((m, iter(succ[m])))
                    break
                if m in on_stack and index[m] < low[n]:
                    low[n] = index[m]
            else:
                work.pop()
                if work and low[n] < low[work[-1][0]]:
                    low[work[-1][0]] = low[n]
                if low[n] == index[n]:
                    cid = len(comp_bits)
                    members = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp[w] = cid
                        members.append(w)
                        if w == n:
                            break
                    bits = 0
                    for w in members:
                        bits |= own.get(w, 0)
                        for m in succ[w]:
                            c = comp[m]
                            if c != cid:
                                bits |= comp_bits[c]
                    comp_bits.append(bits)
    return {n: comp_bits[c] for n, c in comp.items()}


def _shortest_path(
    tg: TrustGraph, succ: Mapping[str, list[str]], reach: Mapping[str, int], start: str, target: str, bit: int
) -> Path:
    """A shortest path from ``start`` to ``target``, searching only nodes that can reach it."""
    from analysis.trust.queries import Path, Step

    parent: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue and target not in parent:
        n = queue.popleft()
        for m in succ[n]:
            if m not in parent and reach[m] & bit:
                parent[m] = n
                queue.append(m)
    hops: list[tuple[str, str]] = []
    node = target
    while (prev := parent[node]) is not None:
        hops.append((prev, node))
        node = prev
    return Path(
        steps=tuple(Step(source=u, target=v, edges=tg.edges_between(u, v)) for u, v in reversed(hops))
    )


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
