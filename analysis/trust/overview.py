"""The organization at a glance: the trust graph collapsed to one node per account.

At 500 accounts the trust graph holds well over 5,000 principals; nobody reads that drawn
node by node, and a force layout of it takes minutes. Auditors first want the shape: which
accounts can get into which, how many ways, and whether any of them is an escalation. So
every node of an organization account is folded into its account, everything outside the
organization into a few aggregated groups (external accounts, identity providers, AWS
services, ``*``, Identity Center identities), and the edges between two groups are counted
by category. One pass over the edges; a plain function the GUI runs in a worker.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from analysis.trust.graph import TrustGraph
from analysis.trust.nodes import (
    ADMIN,
    EXTERNAL_ACCOUNT,
    EXTERNAL_PRINCIPAL,
    FEDERATED,
    OIDC_PROVIDER,
    PERMISSION_SET,
    PUBLIC,
    SAML_PROVIDER,
    SERVICE,
    SSO_GROUP,
    SSO_USER,
    Node,
    account_node_id,
)

ACCOUNT_GROUP = "account"
OUTSIDE_GROUP = "outside"

# Aggregated groups for everything that is not in an organization account: id -> label.
OUTSIDE_EXTERNAL = "outside:external"
OUTSIDE_FEDERATED = "outside:federated"
OUTSIDE_SERVICE = "outside:service"
OUTSIDE_PUBLIC = "outside:public"
OUTSIDE_IDENTITY_CENTER = "outside:identity_center"
OUTSIDE_OTHER = "outside:other"
OUTSIDE_LABELS = {
    OUTSIDE_EXTERNAL: "external accounts and principals",
    OUTSIDE_FEDERATED: "identity providers",
    OUTSIDE_SERVICE: "AWS services",
    OUTSIDE_PUBLIC: "* (anyone)",
    OUTSIDE_IDENTITY_CENTER: "Identity Center users and groups",
    OUTSIDE_OTHER: "other",
}
_OUTSIDE_BY_KIND = {
    EXTERNAL_ACCOUNT: OUTSIDE_EXTERNAL,
    EXTERNAL_PRINCIPAL: OUTSIDE_EXTERNAL,
    SAML_PROVIDER: OUTSIDE_FEDERATED,
    OIDC_PROVIDER: OUTSIDE_FEDERATED,
    FEDERATED: OUTSIDE_FEDERATED,
    SERVICE: OUTSIDE_SERVICE,
    PUBLIC: OUTSIDE_PUBLIC,
    SSO_USER: OUTSIDE_IDENTITY_CENTER,
    SSO_GROUP: OUTSIDE_IDENTITY_CENTER,
    PERMISSION_SET: OUTSIDE_IDENTITY_CENTER,
}

# Edge categories, from the trust-graph edge kinds (analysis.trust.edges.base.Edge.kind).
TRUST = "trust"
ESCALATION = "escalation"
ADMIN_EDGE = "admin"
CATEGORY_OF_KIND = {
    "escalation": ESCALATION,
    "pass_role": ESCALATION,
    "admin": ADMIN_EDGE,
}
CATEGORY_ORDER = (TRUST, ESCALATION, ADMIN_EDGE)

Progress = Callable[[str], None]


class OverviewCancelled(Exception):
    pass


@dataclass(frozen=True, kw_only=True)
class OverviewNode:
    """One account of the organization, or one aggregated group of outsiders."""

    id: str  # "account:<id>" (the trust graph's account node id) or "outside:<group>"
    group: str  # ACCOUNT_GROUP | OUTSIDE_GROUP
    label: str
    account_id: str | None = None
    parent_id: str | None = None  # the account's OU (or root); None for outsiders
    ou_path: tuple[str, ...] = ()  # names of the root and OUs above the account, outermost first
    members: tuple[str, ...] = ()  # trust-graph node ids folded into it (sorted)
    kinds: Mapping[str, int] = field(default_factory=dict)  # members by node kind
    admins: tuple[str, ...] = ()  # members with an admin edge to this account's admin goal
    internal: Mapping[str, int] = field(default_factory=dict)  # edges between its own members, by category


@dataclass(frozen=True, kw_only=True)
class OverviewEdge:
    """Every trust-graph edge from one group to another, counted by category."""

    source: str
    target: str
    counts: Mapping[str, int]  # category -> number of node pairs (a pair counts once per category)
    conditional: int  # pairs whose every way depends on conditions
    pairs: tuple[tuple[str, str], ...]  # the trust-graph node pairs, in the graph's order

    @property
    def total(self) -> int:
        return len(self.pairs)

    @property
    def escalation(self) -> int:
        return self.counts.get(ESCALATION, 0)

    def describe(self) -> str:
        """E.g. ``12 trust edges, 3 escalation (2 conditional)``."""
        parts: list[str] = []
        for category in CATEGORY_ORDER:
            n = self.counts.get(category, 0)
            if n and not parts:
                parts.append(f"{n} {category} edge{'' if n == 1 else 's'}")
            elif n:
                parts.append(f"{n} {category}")
        text = ", ".join(parts) or "no edges"
        return text + (f" ({self.conditional} conditional)" if self.conditional else "")


@dataclass(frozen=True, kw_only=True)
class AccountOverview:
    nodes: Mapping[str, OverviewNode]
    edges: tuple[OverviewEdge, ...]  # sorted by (source, target)
    group_of: Mapping[str, str]  # trust-graph node id -> overview node id (kept nodes only)

    def edges_of(self, overview_id: str) -> tuple[list[OverviewEdge], list[OverviewEdge]]:
        """(outgoing, incoming) aggregated edges of one overview node."""
        out = [e for e in self.edges if e.source == overview_id]
        inc = [e for e in self.edges if e.target == overview_id]
        return out, inc


def overview_group(tg: TrustGraph, node: Node) -> str:
    """The overview node a trust-graph node folds into."""
    if node.account_id is not None and tg.org.in_org(node.account_id):
        return account_node_id(node.account_id)
    return _OUTSIDE_BY_KIND.get(node.kind, OUTSIDE_OTHER)


def build_account_overview(
    tg: TrustGraph,
    *,
    keep: Callable[[Node], bool] | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> AccountOverview:
    """The trust graph with every organization account collapsed into one node.

    ``keep`` filters trust-graph nodes first (an account or kind filter): dropped nodes and
    their edges are not counted, and an account none of whose nodes is kept is not shown.
    Every organization account has its account node in the trust graph, so it is shown
    (alone) even when nothing of it was collected.
    """
    report = progress or (lambda message: None)
    is_cancelled = cancelled or (lambda: False)
    graph = tg.graph
    report(f"grouping {graph.number_of_nodes()} nodes by account")
    group_of: dict[str, str] = {}
    members: dict[str, list[str]] = defaultdict(list)
    for n, data in graph.nodes(data=True):
        node: Node = data["node"]
        if keep is not None and not keep(node):
            continue
        g = overview_group(tg, node)
        group_of[n] = g
        members[g].append(n)
    if is_cancelled():
        raise OverviewCancelled()
    report(f"counting {graph.number_of_edges()} edges between accounts")
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    conditional: Counter[tuple[str, str]] = Counter()
    pairs: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    internal: dict[str, dict[str, int]] = defaultdict(dict)
    admins: dict[str, set[str]] = defaultdict(set)
    category_of = CATEGORY_OF_KIND
    # Plain loops over the adjacency: about two million edges at 500 accounts.
    for i, (u, targets) in enumerate(graph.adjacency()):
        if i % 2_000 == 0 and is_cancelled():
            raise OverviewCancelled()
        gu = group_of.get(u)
        if gu is None:
            continue
        for v, data in targets.items():
            gv = group_of.get(v)
            if gv is None:
                continue
            edges = data["edges"]
            if len(edges) == 1:
                categories: Iterable[str] = (category_of.get(edges[0].kind, TRUST),)
            else:
                categories = {category_of.get(e.kind, TRUST) for e in edges}
            if ADMIN_EDGE in categories and graph.nodes[v]["node"].kind == ADMIN:
                admins[gv].add(u)
            key = (gu, gv)
            tally = internal[gu] if gu == gv else counts[key]
            for c in categories:  # (Counter.update is several times slower here)
                tally[c] = tally.get(c, 0) + 1
            if gu == gv:
                continue
            pairs[key].append((u, v))
            if data.get("conditional"):
                conditional[key] += 1
    nodes: dict[str, OverviewNode] = {}
    org = tg.inventory.organization
    for account_id in sorted(tg.org.account_ids):
        gid = account_node_id(account_id)
        if gid not in members:
            continue  # every node of the account filtered out
        name = tg.inventory.account_name(account_id)
        parent_id: str | None = None
        ou_path: tuple[str, ...] = ()
        record = org.accounts.get(account_id)
        if record is not None:
            parent_id = record.parent_id
            try:
                ou_path = tuple(u.name for u in org.path_to(account_id))
            except KeyError:
                ou_path = ()
        nodes[gid] = _node(
            gid,
            group=ACCOUNT_GROUP,
            label=name or account_id,
            account_id=account_id,
            parent_id=parent_id,
            ou_path=ou_path,
            members=members.get(gid, []),
            tg=tg,
            admins=admins.get(gid, set()),
            internal=internal.get(gid, {}),
        )
    for gid in sorted(g for g in members if g.startswith("outside:")):
        nodes[gid] = _node(
            gid,
            group=OUTSIDE_GROUP,
            label=OUTSIDE_LABELS[gid],
            members=members[gid],
            tg=tg,
            admins=set(),
            internal=internal.get(gid, {}),
        )
    edges = tuple(
        OverviewEdge(
            source=s,
            target=t,
            counts=counts[(s, t)],
            conditional=conditional[(s, t)],
            pairs=tuple(pairs[(s, t)]),
        )
        for s, t in sorted(counts)
        if s in nodes and t in nodes
    )
    report(f"{len(nodes)} groups, {len(edges)} aggregated edges")
    return AccountOverview(nodes=nodes, edges=edges, group_of=group_of)


def _node(
    gid: str,
    *,
    group: str,
    label: str,
    members: list[str],
    tg: TrustGraph,
    admins: set[str],
    internal: dict[str, int],
    account_id: str | None = None,
    parent_id: str | None = None,
    ou_path: tuple[str, ...] = (),
) -> OverviewNode:
    kinds = Counter(tg.node(m).kind for m in members)
    return OverviewNode(
        id=gid,
        group=group,
        label=label,
        account_id=account_id,
        parent_id=parent_id,
        ou_path=ou_path,
        members=tuple(sorted(members)),
        kinds=dict(sorted(kinds.items())),
        admins=tuple(sorted(admins)),
        internal=dict(internal),
    )


__all__ = [
    "ACCOUNT_GROUP",
    "ADMIN_EDGE",
    "ESCALATION",
    "OUTSIDE_GROUP",
    "OUTSIDE_LABELS",
    "TRUST",
    "AccountOverview",
    "OverviewCancelled",
    "OverviewEdge",
    "OverviewNode",
    "build_account_overview",
    "overview_group",
]
