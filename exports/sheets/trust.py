"""The "Trust relationships" sheet: who can become whom, one row per edge of the trust graph.

Included: role assumption (``sts:AssumeRole`` from accounts, principals, ``*`` and AWS services),
federation (SAML, web identity), Identity Center (assignments, group membership, provisioning).
Left out: the escalation techniques and PassRole edges (the "Escalation paths" sheet shows
those that lead somewhere) and the administrator edges (the "IAM principals" sheet says who is an
administrator). At 500 accounts the graph has about two million edges, most of them escalation
and admin ones; the rows here are those the trust policies and federation make.

Each row: both ends (name, id, kind, account), the relationship, whether it stays in the
organization, the conditions it depends on (from the trust policy, or left pending by the policy
evaluation) and the statements that made it. Rows are in the graph's build order (deterministic
for a snapshot). With an account or OU filter: edges with either end in an account in scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from analysis.trust.edges.base import Edge, EdgeCondition
from analysis.trust.nodes import (
    EXTERNAL_ACCOUNT,
    EXTERNAL_PRINCIPAL,
    FEDERATED,
    OIDC_PROVIDER,
    PUBLIC,
    SAML_PROVIDER,
    SERVICE,
    SSO_GROUP,
    SSO_USER,
    Node,
)
from exports.sheets.inventory_common import Cells, Row, fit_row, in_scope, lines, or_note
from exports.xlsx_writer import Column, SheetSpec

if TYPE_CHECKING:
    from analysis.trust.graph import TrustGraph
    from exports.options import ExportOptions
    from exports.pack_data import PackData

INCLUDES = (
    "This sheet lists who can become whom: role assumption, federation (SAML, web identity), AWS service "
    "and Identity Center edges of the trust graph. Escalation techniques (PassRole, policy rewriting...) "
    "are on the Escalation paths sheet, administrators on the IAM principals sheet."
)
NO_GRAPH = "The trust graph was not built for this pack: trust relationships are not assessed"
# Edge kinds on other sheets (see the module docstring).
LEFT_OUT_KINDS = frozenset({"escalation", "pass_role", "admin", "controls"})

SHEET = SheetSpec(
    "Trust relationships",
    (
        # The first five are what a printed page shows: who becomes whom, how, and on what condition.
        Column("From", 40, wrap=True),
        Column("To", 40, wrap=True),
        Column("Relationship", 16, wrap=True),
        Column("Scope", 20, wrap=True),
        Column("Conditions", 44, wrap=True),
        Column("From kind", 14),
        Column("From account", 14),
        Column("To kind", 14),
        Column("To account", 14),
        Column("Technique", 28),
        Column("Conditional", 11),
        Column("Statements", 60),
        Column("Reason", 60),
    ),
    print_columns=5,
)
CELLS = Cells(SHEET)
_KEEP = CELLS.index(
    "From", "To", "Relationship", "From kind", "From account", "To kind", "To account", "Technique"
)
(_REASON,) = CELLS.index("Reason")
_ORIGIN_WORDS = {
    "trust": "trust policy",
    # An engine condition from a Deny statement reads "NOT ... (a Deny applies if it holds)".
    "engine": "left open by the policy evaluation offline",
}
_KIND_WORDS = {
    "assume_role": "assume role",
    "assume_role_saml": "SAML federation",
    "assume_role_web_identity": "web identity federation",
    "service_trust": "AWS service",
    "identity_center": "Identity Center",
    "member_of": "group member",
    "provisions": "provisions",
}


def rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    """First a row saying what the sheet includes (:data:`INCLUDES`), then one row per edge."""
    yield CELLS.note("From", INCLUDES)
    empty = (
        "No trust relationship has an end in the accounts in the pack's scope"
        if options.filters_accounts
        else "The trust graph has no role assumption, federation or Identity Center edge"
    )
    yield from or_note(_rows(data, options), CELLS.note("From", empty))


def _rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    tg = data.trust_graph
    if tg is None:
        yield CELLS.note("From", NO_GRAPH)
        return
    nodes: dict[str, tuple[str, str, str, bool]] = {}
    scope: dict[str, bool] = {}

    def node(node_id: str) -> tuple[str, str, str, bool]:
        """(cell text, kind, account, account in scope) of a node, once per node."""
        found = nodes.get(node_id)
        if found is None:
            n = tg.node(node_id)
            account = n.account_id or ""
            if account not in scope:
                scope[account] = in_scope(data, options, account) if account else False
            found = (node_words(n), n.kind.replace("_", " "), account, scope[account])
            nodes[node_id] = found
        return found

    for source, successors in tg.graph.adj.items():
        source_node = None
        for target, attrs in successors.items():
            edges: tuple[Edge, ...] = attrs["edges"]
            if all(e.kind in LEFT_OUT_KINDS for e in edges):
                continue
            src, dst = node(source), node(target)
            if options.filters_accounts and not (src[3] or dst[3]):
                continue
            if source_node is None:
                source_node = tg.node(source)
            for edge in edges:
                if edge.kind in LEFT_OUT_KINDS:
                    continue
                row = CELLS(
                    {
                        "From": src[0],
                        "To": dst[0],
                        "Relationship": _KIND_WORDS.get(edge.kind, edge.kind.replace("_", " ")),
                        "Scope": _scope_words(edge, source_node),
                        "Conditions": conditions_text(edge.conditions),
                        "From kind": src[1],
                        "From account": src[2],
                        "To kind": dst[1],
                        "To account": dst[2],
                        "Technique": edge.technique,
                        "Conditional": "Yes" if edge.conditional else "No",
                        "Statements": lines(s.describe() for s in edge.statements),
                        "Reason": edge.reason,
                    }
                )
                yield from fit_row(row, keep=_KEEP, mark=_REASON)


def node_words(n: Node) -> str:
    """A node's name, then its ARN on the next line; for the graph's own nodes (an account as "any
    of its principals", an external account, a service, an admin goal), what the node stands for."""
    if n.id.startswith("arn:"):
        return n.label if not n.label or n.label == n.id else f"{n.label}\n{n.id}"
    label = n.label or n.id
    return f"{label}\n{n.detail}" if n.detail and n.kind != EXTERNAL_ACCOUNT else label


def conditions_text(conditions: tuple[EdgeCondition, ...]) -> str:
    return lines(f"{c.text()} ({_ORIGIN_WORDS.get(c.origin, c.origin)})" for c in conditions)


def _scope_words(edge: Edge, source: Node) -> str:
    if source.kind == PUBLIC:
        return "public (any AWS principal)"
    if edge.intra_org is True:
        return "within the organization"
    if edge.intra_org is False or source.kind in (EXTERNAL_ACCOUNT, EXTERNAL_PRINCIPAL):
        return "from outside the organization"
    if source.kind in (SAML_PROVIDER, OIDC_PROVIDER, FEDERATED):
        return "federated identities"
    if source.kind == SERVICE:
        return "AWS service"
    if source.kind in (SSO_USER, SSO_GROUP) or edge.kind in ("identity_center", "member_of", "provisions"):
        return "Identity Center"
    return ""


def node_text(tg: TrustGraph, node_id: str) -> str:
    return node_words(tg.node(node_id)) if tg.graph.has_node(node_id) else node_id
