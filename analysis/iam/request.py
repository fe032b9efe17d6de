"""What one evaluation asks and what it answers: the interface the trust graph and the views build on.

Kept free of any engine logic so that consumers (trust graph, simulator, CLI) can
import the types without the catalogue or the inventory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from analysis.model.policy_doc import PolicyDocument

ALLOW = "allow"
EXPLICIT_DENY = "explicit_deny"
IMPLICIT_DENY = "implicit_deny"
CONDITIONAL = "conditional"

# StatementRef.kind values.
KIND_IDENTITY = "identity"
KIND_GROUP = "group"
KIND_BOUNDARY = "boundary"
KIND_SESSION = "session"
KIND_SCP = "scp"
KIND_RCP = "rcp"
KIND_RESOURCE = "resource"
KIND_TRUST = "trust"


@dataclass(frozen=True, kw_only=True)
class Request:
    """One API call to decide.

    ``context`` holds condition keys whose values the caller knows (key names in any
    case). An empty tuple means "known to be absent from the request". A key that is
    neither given here nor derivable from the Inventory (principal account, ARN,
    organization, tags...) is unknown offline and yields a ``conditional`` decision.
    """

    principal_arn: str  # user or role ARN (for an assumed-role session, the role's ARN)
    action: str  # "service:Action", case-insensitive
    resource: str  # an ARN, or "*"
    context: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    session_policies: tuple[PolicyDocument, ...] = ()


@dataclass(frozen=True, kw_only=True)
class StatementRef:
    """Where a statement that mattered lives, for evidence."""

    kind: str  # identity | group | boundary | session | scp | rcp | resource | trust
    policy: str  # policy ARN, "<principal ARN>:inline/<name>", Organizations policy id, or resource ARN
    where: str  # e.g. "OU Prod (ou-...)", "account 1111", "attached to role X", "bucket policy of B"
    index: int  # statement index in the document
    sid: str | None
    effect: str

    @cached_property
    def text(self) -> str:
        sid = f" ({self.sid})" if self.sid else ""
        return f"{self.effect} statement {self.index}{sid} of {self.kind} policy {self.policy}, {self.where}"

    def describe(self) -> str:
        return self.text


@dataclass(frozen=True, kw_only=True)
class PendingCondition:
    """A condition whose truth cannot be known offline.

    For an Allow statement the request is allowed only if the condition holds. For a
    Deny statement (``negated``) the statement denies when ALL of its conditions hold:
    the request is allowed only if at least one of that statement's negated conditions
    does not hold. Conditions of one statement share the same ``statement``.

    Two pseudo-operators describe missing evidence rather than a policy condition:
    ``PolicyVariable`` (a ``${...}`` in a Resource whose value is unknown) and
    ``NotCollected`` (a policy the snapshot does not hold, e.g. a denied bucket policy
    or SCP content; ``key`` names it, ``values`` say why).
    """

    operator: str  # e.g. "StringEquals"
    key: str  # e.g. "aws:PrincipalOrgID"
    values: tuple[str, ...]
    statement: StatementRef
    negated: bool = False

    def describe(self) -> str:
        values = ", ".join(self.values)
        if self.operator == "NotCollected":
            return f"{self.key} was not collected ({values}) and could change the decision"
        text = f"{self.operator} {self.key} [{values}]"
        return f"NOT ({text}) for {self.statement.describe()}" if self.negated else text


@dataclass(frozen=True, kw_only=True)
class Decision:
    decision: str  # "allow" | "explicit_deny" | "implicit_deny" | "conditional"
    deciding: tuple[StatementRef, ...]  # statements that decided (the deny, or the allows at each layer)
    conditions: tuple[
        PendingCondition, ...
    ] = ()  # for "conditional": allowed if these hold (unknown offline)
    reasons: tuple[str, ...] = ()  # the evaluation, step by step, in words an auditor reads

    @property
    def allowed(self) -> bool:
        return self.decision == ALLOW

    @property
    def possibly_allowed(self) -> bool:
        """Allowed, or allowed under conditions the snapshot cannot settle."""
        return self.decision in (ALLOW, CONDITIONAL)

    def summary(self) -> str:
        """One line for tables and the CLI."""
        if self.decision == CONDITIONAL:
            return "allowed if " + " and ".join(c.describe() for c in self.conditions)
        return self.decision.replace("_", " ")


@dataclass(frozen=True, kw_only=True)
class AttachedPolicy:
    """A policy document with where it comes from: what the engine evaluates, and what a
    what-if analysis adds (a draft SCP or RCP at an OU)."""

    kind: str  # a StatementRef kind
    policy: str  # as StatementRef.policy
    where: str
    document: PolicyDocument
