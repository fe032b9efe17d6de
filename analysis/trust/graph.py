"""Build the trust graph: who can become whom, and who can climb to admin, across the organization.

``build_trust_graph`` is a plain function (progress callback, cancel flag) the GUI runs in a
worker and the CLI and benchmark call directly. Nodes are the Inventory's principals plus
accounts, external accounts, identity providers, services, ``*`` and per-account ``admin``
goals; edges come from the checkers in ``analysis.trust.edges.EDGE_CHECKERS``, each asking
the policy engine only about the candidates a trust policy or a technique names.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx

from analysis.model.policy_doc import PolicyDocument
from analysis.trust.edges import EDGE_CHECKERS, BuildContext, Edge
from analysis.trust.edges.base import OrgFacts, PermissionIndex
from analysis.trust.edges.federation import oidc_host, provider_flavour
from analysis.trust.nodes import GROUP, OIDC_PROVIDER, ROLE, SAML_PROVIDER, USER, Node

if TYPE_CHECKING:
    from analysis.iam import Decision, PolicyEngine
    from analysis.model.inventory import Inventory

Progress = Callable[[int, int, str], None]


class TrustGraphCancelled(Exception):
    pass


@dataclass(frozen=True, kw_only=True)
class TrustGraph:
    """The built graph (networkx DiGraph) and what was learnt building it.

    Node attribute ``node``: a :class:`~analysis.trust.nodes.Node`. Edge attributes ``edges``
    (every :class:`~analysis.trust.edges.Edge` from u to v) and ``conditional`` (True when
    every way depends on conditions).
    """

    graph: nx.DiGraph
    inventory: Inventory
    org: OrgFacts
    admins: Mapping[str, Decision]  # principal ARN -> the engine's is_admin decision
    evaluations: int
    seconds: float
    permissions: PermissionIndex
    notes: tuple[str, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict)

    def node(self, node_id: str) -> Node:
        return self.graph.nodes[node_id]["node"]

    def edges_between(self, source: str, target: str) -> tuple[Edge, ...]:
        if not self.graph.has_edge(source, target):
            return ()
        return self.graph.edges[source, target]["edges"]

    def all_edges(self) -> Iterator[Edge]:
        for _, _, data in self.graph.edges(data=True):
            yield from data["edges"]


def org_facts(inventory: Inventory) -> OrgFacts:
    """The organization as trust evaluation needs it; accounts collected without an organization count in."""
    org = inventory.organization
    accounts = set(org.accounts)
    accounts.update(inventory.iam.accounts)
    paths: dict[str, str] = {}
    for account_id in org.accounts:
        try:
            chain = org.path_to(account_id)
        except KeyError:
            continue
        if chain:
            # aws:PrincipalOrgPaths values look like "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"
            paths[account_id] = "/".join([org.organization_id, *(u.id for u in chain)]) + "/"
    return OrgFacts(
        organization_id=org.organization_id,
        management_account_id=org.management_account_id,
        account_ids=frozenset(accounts),
        account_paths=paths,
    )


def build_trust_graph(
    inventory: Inventory,
    *,
    engine: PolicyEngine | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> TrustGraph:
    """Every trust, federation, Identity Center, PassRole, admin and escalation edge of ``inventory``."""
    from analysis.iam import PolicyEngine

    started = time.perf_counter()
    report = progress or (lambda done, total, message: None)
    is_cancelled = cancelled or (lambda: False)
    total = len(EDGE_CHECKERS) + 2
    report(0, total, "indexing principals")
    engine = engine or PolicyEngine(inventory=inventory)
    with _cyclic_gc_paused():
        return _build(inventory, engine, report, is_cancelled, started)


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the graph is built (the state is restored).

    The build allocates millions of small containers (edges, their tuples, networkx's
    dicts) and frees almost none. Left on, the collector keeps re-scanning them, and
    every full collection walks the whole Inventory too: at 500 accounts, six full
    collections took about a third of the build (37 s of 110 s). Nothing the build creates needs the cycle
    collector (reference counting frees its temporaries). At the end, ``gc.freeze`` then
    ``gc.unfreeze`` moves what the build allocated straight into the oldest generation
    ("Unfreeze the objects in the permanent generation, put them back into the oldest
    generation", Python docs, ``gc``), so the first collection afterwards does not scan
    millions of young objects at once.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def _build(
    inventory: Inventory,
    engine: PolicyEngine,
    report: Progress,
    is_cancelled: Callable[[], bool],
    started: float,
) -> TrustGraph:
    iam = inventory.iam
    total = len(EDGE_CHECKERS) + 2

    def documents(arn: str) -> Iterator[PolicyDocument | None]:
        for p in iam.policies_for(arn):
            yield p.document

    org = org_facts(inventory)
    ctx = BuildContext(
        inventory=inventory,
        engine=engine,
        graph=nx.DiGraph(),
        org=org,
        permissions=PermissionIndex(documents),
        principals_by_account=_principals_by_account(inventory),
    )
    _add_principal_nodes(ctx)
    timings: dict[str, float] = {}
    for i, (name, checker) in enumerate(EDGE_CHECKERS.items(), start=1):
        if is_cancelled():
            raise TrustGraphCancelled()
        report(i, total, f"edges: {name.replace('_', ' ')}")
        t0 = time.perf_counter()
        checker(ctx)
        timings[name] = time.perf_counter() - t0
    report(total, total, "trust graph ready")
    return TrustGraph(
        graph=ctx.graph,
        inventory=inventory,
        org=org,
        admins=dict(ctx.admins),
        evaluations=ctx.evaluations,
        seconds=time.perf_counter() - started,
        permissions=ctx.permissions,
        notes=tuple(ctx.notes),
        timings=timings,
    )


def _principals_by_account(inventory: Inventory) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = defaultdict(list)
    for arn, user in inventory.iam.users.items():
        out[user.account_id].append(arn)
    for arn, role in inventory.iam.roles.items():
        out[role.account_id].append(arn)
    return {k: tuple(v) for k, v in out.items()}


def _add_principal_nodes(ctx: BuildContext) -> None:
    iam = ctx.inventory.iam
    for account_id in sorted(ctx.org.account_ids):
        ctx.account_node(account_id)
    for user in iam.users.values():
        ctx.node(
            Node(id=user.arn, kind=USER, label=user.name, account_id=user.account_id, in_organization=True)
        )
    for role in iam.roles.values():
        detail = "service-linked role" if role.service_linked else ""
        ctx.node(
            Node(
                id=role.arn,
                kind=ROLE,
                label=role.name,
                account_id=role.account_id,
                in_organization=True,
                detail=detail,
            )
        )
    for group in iam.groups.values():
        ctx.node(
            Node(
                id=group.arn, kind=GROUP, label=group.name, account_id=group.account_id, in_organization=True
            )
        )
    for arn, saml in iam.saml_providers.items():
        ctx.node(
            Node(
                id=arn,
                kind=SAML_PROVIDER,
                label=f"SAML {saml.arn.rsplit('/', 1)[-1]}",
                account_id=saml.account_id,
            )
        )
    for arn, oidc in iam.oidc_providers.items():
        host = oidc_host(arn)
        ctx.node(
            Node(
                id=arn,
                kind=OIDC_PROVIDER,
                label=f"{provider_flavour(host)} {host}",
                account_id=oidc.account_id,
                detail=f"client ids: {', '.join(oidc.client_ids)}" if oidc.client_ids else "",
            )
        )
