"""What every edge checker shares: the edge record, the build context, and the permission checks.

Checkers never evaluate every pair of principals. Trust policies name who they trust,
and each principal's own policies are indexed once (``PermissionIndex``): a cheap,
conservative pre-filter ("could any Allow statement of this principal match the
action?") picks the candidates, and only those go to the policy engine, which decides
with identity policies, boundaries, SCPs and RCPs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import networkx as nx

from analysis.model.policy_doc import PolicyDocument, Statement
from analysis.trust.nodes import (
    ACCOUNT,
    EXTERNAL_ACCOUNT,
    Node,
    account_node_id,
    external_node_id,
)

if TYPE_CHECKING:
    from analysis.iam import Decision, PolicyEngine, StatementRef
    from analysis.model.inventory import Inventory

# Decisions that make an edge: allowed, or allowed if conditions unknown offline hold.
ALLOW = "allow"
CONDITIONAL = "conditional"

# Condition keys an auditor reads on an edge (IAM User Guide, "AWS global condition context
# keys"; "Available keys for AWS STS"; OIDC keys are "<provider host>:sub|aud|amr").
RESTRICTING_KEYS = frozenset(
    {
        "sts:externalid",
        "aws:multifactorauthpresent",
        "aws:multifactorauthage",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:sourceip",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:userid",
        "aws:username",
        "saml:aud",
        "saml:sub",
        "saml:iss",
    }
)


@dataclass(frozen=True, kw_only=True)
class EdgeCondition:
    """A condition the edge depends on, as the policy states it."""

    operator: str
    key: str
    values: tuple[str, ...]
    origin: str  # "trust" (the role's trust policy) or "engine" (left pending by the evaluation)

    def text(self) -> str:
        return f"{self.operator} {self.key} {list(self.values)}"


@dataclass(frozen=True, kw_only=True)
class Edge:
    """One way ``source`` can become, or gain the permissions of, ``target``."""

    source: str
    target: str
    kind: str  # assume_role | assume_role_saml | assume_role_web_identity | identity_center | member_of
    #            | pass_role | admin | escalation
    technique: str  # e.g. "sts:AssumeRole", "iam:CreatePolicyVersion", "iam:PassRole+lambda:CreateFunction"
    reason: str  # one sentence an auditor reads
    conditions: tuple[EdgeCondition, ...] = ()
    statements: tuple[StatementRef, ...] = ()  # the statements that made it (trust and engine)
    intra_org: bool | None = None  # None: not between AWS accounts (services, federation)
    call_ids: tuple[int, ...] = ()

    @property
    def conditional(self) -> bool:
        return bool(self.conditions)


@dataclass(frozen=True, kw_only=True)
class OrgFacts:
    organization_id: str
    management_account_id: str
    account_ids: frozenset[str]
    account_paths: Mapping[str, str]  # account id -> "o-x/r-x/ou-a/ou-b/" (aws:PrincipalOrgPaths form)

    def in_org(self, account_id: str) -> bool:
        return account_id in self.account_ids


@dataclass
class BuildContext:
    """Mutable while the graph is built; the finished graph is frozen in ``TrustGraph``."""

    inventory: Inventory
    engine: PolicyEngine
    graph: nx.DiGraph
    org: OrgFacts
    permissions: PermissionIndex
    principals_by_account: Mapping[str, tuple[str, ...]]  # users and roles with IAM data, by account
    evaluations: int = 0
    admins: dict[str, Decision] = field(default_factory=dict)  # principal -> the engine's is_admin
    notes: list[str] = field(default_factory=list)

    def node(self, node: Node) -> str:
        if node.id not in self.graph:
            self.graph.add_node(node.id, node=node)
        return node.id

    def account_node(self, account_id: str) -> str:
        """The in-organization account node, or the external-account node for any other account."""
        if self.org.in_org(account_id):
            name = self.inventory.account_name(account_id)
            return self.node(
                Node(
                    id=account_node_id(account_id),
                    kind=ACCOUNT,
                    label=f"{name} ({account_id})" if name else account_id,
                    account_id=account_id,
                    in_organization=True,
                    detail="any principal of this account whose own policies allow it",
                )
            )
        return self.node(
            Node(
                id=external_node_id(account_id),
                kind=EXTERNAL_ACCOUNT,
                label=f"external account {account_id}",
                account_id=account_id,
                in_organization=False,
                detail="an AWS account outside the organization",
            )
        )

    def add(self, edge: Edge) -> None:
        """Add ``edge``; several ways between the same two nodes are kept together on one graph edge."""
        if self.graph.has_edge(edge.source, edge.target):
            data = self.graph.edges[edge.source, edge.target]
            if edge not in data["edges"]:
                data["edges"] = (*data["edges"], edge)
                data["conditional"] = data["conditional"] and edge.conditional
            return
        self.graph.add_edge(edge.source, edge.target, edges=(edge,), conditional=edge.conditional)

    def decide(self, principal_arn: str, action: str, resource: str) -> Decision | None:
        """The engine's decision when it allows (or allows under conditions); None otherwise.

        The pre-filter skips principals none of whose Allow statements could match.
        """
        if not self.permissions.might_allow(principal_arn, action):
            return None
        from analysis.iam import Request

        self.evaluations += 1
        decision = self.engine.evaluate(
            Request(principal_arn=principal_arn, action=action, resource=resource)
        )
        return decision if decision.decision in (ALLOW, CONDITIONAL) else None

    def decide_all(
        self, principal_arn: str, checks: Iterable[tuple[str, str]]
    ) -> tuple[Decision, ...] | None:
        """Every (action, resource) allowed, or None at the first that is not."""
        out: list[Decision] = []
        for action, resource in checks:
            d = self.decide(principal_arn, action, resource)
            if d is None:
                return None
            out.append(d)
        return tuple(out)


def engine_conditions(decisions: Iterable[Decision]) -> tuple[EdgeCondition, ...]:
    seen: dict[tuple[str, str, tuple[str, ...]], EdgeCondition] = {}
    for d in decisions:
        for c in d.conditions:
            key = (c.operator, c.key, tuple(c.values))
            seen.setdefault(
                key, EdgeCondition(operator=c.operator, key=c.key, values=tuple(c.values), origin="engine")
            )
    return tuple(seen.values())


def engine_statements(decisions: Iterable[Decision]) -> tuple[StatementRef, ...]:
    return tuple(dict.fromkeys(s for d in decisions for s in d.deciding))


def statement_conditions(st: Statement, origin: str = "trust") -> tuple[EdgeCondition, ...]:
    return tuple(
        EdgeCondition(operator=op, key=key, values=tuple(values), origin=origin)
        for op, keys in st.condition.items()
        for key, values in keys.items()
    )


# -- the pre-filter ----------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def action_regex(pattern: str) -> re.Pattern[str]:
    """IAM action wildcards: ``*`` any run, ``?`` one character, case-insensitive
    (IAM User Guide, "IAM JSON policy elements: Action")."""
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.IGNORECASE
    )


@dataclass(frozen=True)
class _Allows:
    patterns: tuple[re.Pattern[str], ...]
    not_actions: tuple[tuple[re.Pattern[str], ...], ...]  # Allow + NotAction statements
    # Answers so far, by action: edge checkers ask the same (principal, action) once per target,
    # and the regex matching was most of the graph's build time at 500 accounts.
    memo: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    def might_allow(self, action: str) -> bool:
        hit = self.memo.get(action)
        if hit is None:
            hit = any(p.fullmatch(action) for p in self.patterns) or any(
                not any(p.fullmatch(action) for p in nots) for nots in self.not_actions
            )
            self.memo[action] = hit
        return hit


class PermissionIndex:
    """Per principal, the action patterns of its identity policies' Allow statements, compiled once.

    Conservative: it ignores resources, conditions, denies, boundaries and SCPs (the engine
    decides those); it only rules out principals that cannot possibly be allowed.
    """

    def __init__(self, documents_for: Callable[[str], Iterable[PolicyDocument | None]]) -> None:
        self._documents_for = documents_for
        self._cache: dict[str, _Allows] = {}

    def _allows(self, principal_arn: str) -> _Allows:
        found = self._cache.get(principal_arn)
        if found is None:
            patterns: list[re.Pattern[str]] = []
            nots: list[tuple[re.Pattern[str], ...]] = []
            for doc in self._documents_for(principal_arn):
                for st in doc.statements if doc is not None else ():
                    if st.effect != "Allow":
                        continue
                    if st.action is not None:
                        patterns.extend(action_regex(a) for a in st.action)
                    if st.not_action is not None:
                        nots.append(tuple(action_regex(a) for a in st.not_action))
            found = _Allows(tuple(dict.fromkeys(patterns)), tuple(nots))
            self._cache[principal_arn] = found
        return found

    def might_allow(self, principal_arn: str, action: str) -> bool:
        return self._allows(principal_arn).might_allow(action)

    def might_allow_any(self, principal_arn: str, actions: Iterable[str]) -> bool:
        allows = self._allows(principal_arn)
        return any(allows.might_allow(a) for a in actions)


def statement_allows_action(st: Statement, action: str) -> bool:
    """Whether the statement's Action/NotAction covers ``action`` (effect not checked)."""
    if st.action is not None:
        return any(action_regex(a).fullmatch(action) for a in st.action)
    if st.not_action is not None:
        return not any(action_regex(a).fullmatch(action) for a in st.not_action)
    return False
