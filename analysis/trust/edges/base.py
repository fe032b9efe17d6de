"""What every edge checker shares: the edge record, the build context, and the permission checks.

Checkers never evaluate every pair of principals. Trust policies name who they trust,
and each principal's own policies are indexed once (``PermissionIndex``): a cheap,
conservative pre-filter ("could any Allow statement of this principal match the
action?") picks the candidates, and only those go to the policy engine, which decides
with identity policies, boundaries, SCPs and RCPs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
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
    from analysis.model.iam import Role
    from analysis.model.inventory import Inventory
    from analysis.trust.edges.assume_role import TrustGrant

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


@dataclass(frozen=True, kw_only=True, slots=True)
class EdgeCondition:
    """A condition the edge depends on, as the policy states it."""

    operator: str
    key: str
    values: tuple[str, ...]
    origin: str  # "trust" (the role's trust policy) or "engine" (left pending by the evaluation)
    # From a Deny statement the engine could not settle offline: the edge exists only if the
    # condition does NOT hold (the Deny applies when it does). Allow conditions must hold.
    negated: bool = False

    def text(self) -> str:
        if self.operator == "NotCollected":
            return f"{self.key} was not collected ({', '.join(self.values)}) and could change the decision"
        text = f"{self.operator} {self.key} {list(self.values)}"
        return f"NOT {text} (a Deny applies if it holds)" if self.negated else text


@dataclass(frozen=True, kw_only=True, slots=True)
class Edge:
    """One way ``source`` can become, or gain the permissions of, ``target``.

    Slotted: a 500-account organization has about two million edges, and a per-instance
    ``__dict__`` would be most of their memory.
    """

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


@lru_cache(maxsize=1)
def _edge_slot_setters() -> tuple[Callable[[Edge, object], None], ...]:
    names = tuple(f.name for f in fields(Edge))
    if names != _EDGE_FIELDS:
        raise RuntimeError(f"edges_to() sets {_EDGE_FIELDS}, but Edge has {names}")
    return tuple(Edge.__dict__[name].__set__ for name in names)


_EDGE_FIELDS = (
    "source",
    "target",
    "kind",
    "technique",
    "reason",
    "conditions",
    "statements",
    "intra_org",
    "call_ids",
)


def edges_to(
    target: str,
    sources: Iterable[tuple[str, str, bool | None]],
    *,
    kind: str,
    technique: str,
    conditions: tuple[EdgeCondition, ...],
    statements: tuple[StatementRef, ...],
    call_ids: tuple[int, ...],
) -> Iterator[Edge]:
    """Edges to ``target`` that differ only in (source, reason, intra_org), equal to ``Edge(...)`` ones.

    They are built by setting the slots directly: an organization-wide trust makes one edge per
    account (1.8 million at 500 accounts), and the dataclass ``__init__`` (keyword arguments,
    frozen ``object.__setattr__`` per field) was a tenth of the build.
    """
    s_source, s_target, s_kind, s_technique, s_reason, s_conditions, s_statements, s_intra, s_calls = (
        _edge_slot_setters()
    )
    new = object.__new__
    for source, reason, intra_org in sources:
        edge = new(Edge)
        s_source(edge, source)
        s_target(edge, target)
        s_kind(edge, kind)
        s_technique(edge, technique)
        s_reason(edge, reason)
        s_conditions(edge, conditions)
        s_statements(edge, statements)
        s_intra(edge, intra_org)
        s_calls(edge, call_ids)
        yield edge


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
    # Built once and shared by the checkers: the account (or external-account) node id per
    # account, and every role's trust grants (four checkers read them).
    _account_nodes: dict[str, str] = field(default_factory=dict, repr=False)
    _grants: dict[str, tuple[TrustGrant, ...]] = field(default_factory=dict, repr=False)

    def node(self, node: Node) -> str:
        if node.id not in self.graph:
            self.graph.add_node(node.id, node=node)
        return node.id

    def account_node(self, account_id: str) -> str:
        """The in-organization account node, or the external-account node for any other account."""
        found = self._account_nodes.get(account_id)
        if found is not None:
            return found
        if self.org.in_org(account_id):
            name = self.inventory.account_name(account_id)
            found = self.node(
                Node(
                    id=account_node_id(account_id),
                    kind=ACCOUNT,
                    label=f"{name} ({account_id})" if name else account_id,
                    account_id=account_id,
                    in_organization=True,
                    detail="any principal of this account whose own policies allow it",
                )
            )
        else:
            found = self.node(
                Node(
                    id=external_node_id(account_id),
                    kind=EXTERNAL_ACCOUNT,
                    label=f"external account {account_id}",
                    account_id=account_id,
                    in_organization=False,
                    detail="an AWS account outside the organization",
                )
            )
        self._account_nodes[account_id] = found
        return found

    def trust_grants(self, role: Role) -> tuple[TrustGrant, ...]:
        """``trust_grants(role)``, computed once per role for the whole build."""
        found = self._grants.get(role.arn)
        if found is None:
            from analysis.trust.edges.assume_role import trust_grants

            found = tuple(trust_grants(role))
            self._grants[role.arn] = found
        return found

    def might_allow(self, principal_arn: str, action: str) -> bool:
        """The pre-filter alone: False when no Allow statement of the principal could match ``action``
        (``decide`` would then answer None for every resource)."""
        return self.permissions.might_allow(principal_arn, action)

    def add(self, edge: Edge) -> None:
        """Add ``edge``; several ways between the same two nodes are kept together on one graph edge.

        When both ends are nodes already (the checkers add them first), the edge goes straight
        into the DiGraph's successor and predecessor dicts, the dict-of-dict-of-dict structure
        networkx documents ("Subclasses (Advanced)" in ``nx.DiGraph``), as ``add_edge`` would
        put it: at 500 accounts the build adds two million edges, and ``has_edge`` plus
        ``add_edge`` were an eighth of the build.
        """
        source, target = edge.source, edge.target
        succ = self.graph._succ
        out = succ.get(source)
        if out is not None:
            data = out.get(target)
            if data is not None:
                if edge not in data["edges"]:
                    data["edges"] = (*data["edges"], edge)
                    data["conditional"] = data["conditional"] and edge.conditional
                return
            if target in succ:
                data = {"edges": (edge,), "conditional": edge.conditional}
                out[target] = data
                self.graph._pred[target][source] = data
                return
        self.graph.add_edge(source, target, edges=(edge,), conditional=edge.conditional)

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
    seen: dict[tuple[str, str, tuple[str, ...], bool], EdgeCondition] = {}
    for d in decisions:
        for c in d.conditions:
            key = (c.operator, c.key, tuple(c.values), c.negated)
            seen.setdefault(
                key,
                EdgeCondition(
                    operator=c.operator, key=c.key, values=tuple(c.values), origin="engine", negated=c.negated
                ),
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


def _any_of(patterns: Iterable[str]) -> re.Pattern[str] | None:
    """One regex that fully matches what any of the action ``patterns`` matches (None: no pattern)."""
    parts = [action_regex(p).pattern for p in dict.fromkeys(patterns)]
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE) if parts else None


class _Allows:
    """The Allow statements' action patterns of one set of identity policies, and the answers so far.

    Edge checkers ask the same (principal, action) once per target, and principals with the
    same policies ask the same questions: answers are kept per action, and one ``_Allows``
    serves every principal whose Allow patterns are the same.
    """

    __slots__ = ("_actions", "_memo", "_not_actions")

    def __init__(self, actions: tuple[str, ...], not_actions: tuple[tuple[str, ...], ...]) -> None:
        self._actions = _any_of(actions)
        # Allow + NotAction statements: each allows every action none of its patterns matches.
        self._not_actions = tuple(_any_of(nots) for nots in not_actions)
        self._memo: dict[str, bool] = {}

    def might_allow(self, action: str) -> bool:
        hit = self._memo.get(action)
        if hit is None:
            hit = (self._actions is not None and self._actions.fullmatch(action) is not None) or any(
                rx is None or rx.fullmatch(action) is None for rx in self._not_actions
            )
            self._memo[action] = hit
        return hit


class PermissionIndex:
    """Per principal, the action patterns of its identity policies' Allow statements, compiled once.

    Conservative: it ignores resources, conditions, denies, boundaries and SCPs (the engine
    decides those); it only rules out principals that cannot possibly be allowed.
    """

    def __init__(self, documents_for: Callable[[str], Iterable[PolicyDocument | None]]) -> None:
        self._documents_for = documents_for
        self._cache: dict[str, _Allows] = {}
        self._shared: dict[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]], _Allows] = {}

    def _allows(self, principal_arn: str) -> _Allows:
        found = self._cache.get(principal_arn)
        if found is None:
            patterns: list[str] = []
            nots: list[tuple[str, ...]] = []
            for doc in self._documents_for(principal_arn):
                for st in doc.statements if doc is not None else ():
                    if st.effect != "Allow":
                        continue
                    if st.action is not None:
                        patterns.extend(st.action)
                    if st.not_action is not None:
                        nots.append(tuple(st.not_action))
            key = (tuple(dict.fromkeys(patterns)), tuple(nots))
            found = self._shared.get(key)
            if found is None:
                found = _Allows(*key)
                self._shared[key] = found
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
