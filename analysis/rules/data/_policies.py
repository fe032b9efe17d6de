"""Who a resource policy lets in: statements open to everyone, and the accounts it names.

Read statement by statement, as Security Hub and S3 judge "public" (S3 API reference,
PublicAccessBlockConfiguration, "Amazon S3 considers a bucket policy public unless..."; Security
Hub S3.2/KMS.5/Lambda.1: conditions count only with fixed values, no wildcards or variables):

- an ``Allow`` is *open to everyone* when its principal is ``"*"`` (``{"AWS": "*"}``, an ARN with a
  wildcard account, or ``NotPrincipal``) and no condition pins the caller down with a fixed value
  of a key that identifies it (source IP range, VPC or endpoint, source ARN/account/owner,
  principal organization/account/ARN, KMS caller account...) using a positive operator;
  ``...IfExists`` and ``ForAllValues`` pass when the key is absent, so they do not narrow;
- a ``Deny`` for everyone with a negated operator on such a key (``StringNotEquals
  aws:PrincipalOrgID``) narrows the Allows whose actions and resources it covers: the usual
  data-perimeter pattern.

RCPs and SCPs are deliberately not consulted: these controls judge the resource's own policy,
as Security Hub does; the policy engine answers what an organization policy adds.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from analysis.iam.matching import glob_match, match_action
from analysis.model.policy_doc import PolicyDocument, Statement

# Condition keys whose fixed value identifies who (or from where) the caller is.
NARROWING_KEYS = frozenset(
    {
        "aws:sourceip",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:userid",
        "kms:calleraccount",
        "s3:dataaccesspointaccount",
        "s3:dataaccesspointarn",
        "s3:x-amz-server-side-encryption-aws-kms-key-id",
        "lambda:eventsourcetoken",
    }
)
_POSITIVE = frozenset(
    {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"}
)
_NEGATED = frozenset(
    {
        "stringnotequals",
        "stringnotequalsignorecase",
        "stringnotlike",
        "arnnotequals",
        "arnnotlike",
        "notipaddress",
    }
)
_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True, kw_only=True)
class OpenStatement:
    """An Allow open to everyone: the statement and why it counts as open."""

    statement: Statement
    why: str

    def describe(self, where: str) -> str:
        return f"{where} {describe(self.statement)}: {self.why}"


def describe(statement: Statement) -> str:
    sid = f" (Sid: {statement.sid})" if statement.sid else ""
    return f"statement {statement.index}{sid}"


def _split_operator(operator: str) -> tuple[str, bool, str]:
    """(base operator lower-cased, IfExists?, set qualifier "" | "forallvalues" | "foranyvalue")."""
    op = operator.strip()
    qualifier = ""
    if ":" in op:
        qualifier, op = op.split(":", 1)
        qualifier = qualifier.lower()
    if_exists = op.lower().endswith("ifexists")
    base = op[: -len("IfExists")] if if_exists else op
    return base.lower(), if_exists, qualifier


def _fixed(key: str, value: str) -> bool:
    if not value or "*" in value or "?" in value or "${" in value:
        return False
    if key == "aws:sourceip":
        try:
            return ipaddress.ip_network(value, strict=False).prefixlen > 0
        except ValueError:
            return False
    return True


def narrowing_conditions(statement: Statement, *, negated: bool = False) -> tuple[str, ...]:
    """The conditions that pin the caller down (as text), positive ones, or negated ones for a Deny."""
    out: list[str] = []
    for operator, keys in statement.condition.items():
        base, if_exists, qualifier = _split_operator(operator)
        if negated:
            if base not in _NEGATED or qualifier == "foranyvalue":
                continue
        elif base not in _POSITIVE or if_exists or qualifier == "forallvalues":
            continue
        for key, values in keys.items():
            k = key.lower()
            if k in NARROWING_KEYS and values and all(_fixed(k, v) for v in values):
                out.append(f"{operator} {key} {list(values)}")
    return tuple(out)


def condition_values(statement: Statement, key: str) -> tuple[str, ...]:
    """Values a positive operator requires for ``key`` (lower-case) in this statement."""
    out: list[str] = []
    for operator, keys in statement.condition.items():
        base, if_exists, qualifier = _split_operator(operator)
        if base not in _POSITIVE or if_exists or qualifier == "forallvalues":
            continue
        for k, values in keys.items():
            if k.lower() == key:
                out.extend(values)
    return tuple(out)


def anyone(statement: Statement, *, services_count: bool) -> str | None:
    """Why the statement's principal is everyone, or None."""
    if statement.not_principal is not None:
        return "NotPrincipal grants everyone not listed"
    principal = statement.principal
    if principal is None:
        return None  # identity-policy shaped statement: no one is granted by a resource policy
    for kind, values in principal.items():
        for value in values:
            if value == "*":
                return 'Principal "*"' if kind == "*" else f'Principal {{"{kind}": "*"}}'
            if kind == "AWS" and "*" in value:
                return f"Principal {value} (a wildcard account)"
            if services_count and kind == "Service":
                return f"service principal {value} acting for any account"
    return None


def statement_covers(deny: Statement, allow: Statement) -> bool:
    """Whether a Deny's actions and resources cover every action and resource of an Allow."""
    if deny.not_action is not None or allow.action is None:
        return False
    if not all(any(match_action(d, a) for d in deny.action or ()) for a in allow.action):
        return False
    if deny.not_resource is not None:
        return False
    deny_resources = deny.resource or ("*",)
    allow_resources = allow.resource or ("*",)
    return all(any(glob_match(d, a) for d in deny_resources) for a in allow_resources)


def open_statements(
    doc: PolicyDocument | None,
    *,
    actions: Callable[[Statement], bool] | None = None,
    services_count: bool = False,
) -> list[OpenStatement]:
    """The Allow statements open to everyone (optionally only those granting ``actions``).

    ``services_count``: a service principal without a source condition counts as open (Lambda.1:
    a function invokable by ``s3.amazonaws.com`` for any bucket of any account).
    """
    if doc is None:
        return []
    perimeter = [
        st
        for st in doc.statements
        if st.effect == "Deny"
        and anyone(st, services_count=False) is not None
        and narrowing_conditions(st, negated=True)
    ]
    out: list[OpenStatement] = []
    for st in doc.statements:
        if st.effect != "Allow":
            continue
        why = anyone(st, services_count=services_count)
        if why is None or narrowing_conditions(st):
            continue
        if actions is not None and not actions(st):
            continue
        if any(statement_covers(deny, st) for deny in perimeter):
            continue
        conditions = [f"{op} {key}" for op, keys in st.condition.items() for key in keys]
        detail = f"conditions {conditions} do not identify the caller" if conditions else "no condition"
        out.append(OpenStatement(statement=st, why=f"{why}, {detail}"))
    return out


def grants_action(statement: Statement, wanted: Iterable[str]) -> bool:
    """Whether the statement's Action (or NotAction) grants any of the ``wanted`` actions."""
    wanted = tuple(wanted)
    if statement.not_action is not None:
        return any(not any(match_action(p, w) for p in statement.not_action) for w in wanted)
    return any(match_action(p, w) for p in statement.action or () for w in wanted)


def named_accounts(statement: Statement) -> tuple[str, ...]:
    """AWS account ids an Allow statement names as principals (account ids and principal ARNs),
    and those a ``*`` principal is restricted to by aws:PrincipalAccount / kms:CallerAccount."""
    out: list[str] = []
    principal = statement.principal or {}
    for value in principal.get("AWS", ()):
        if _ACCOUNT.match(value):
            out.append(value)
        else:
            parts = value.split(":", 5)
            if len(parts) == 6 and _ACCOUNT.match(parts[4]):
                out.append(parts[4])
    if anyone(statement, services_count=False) is not None:
        for key in ("aws:principalaccount", "kms:calleraccount"):
            out.extend(v for v in condition_values(statement, key) if _ACCOUNT.match(v))
    return tuple(dict.fromkeys(out))


def outside_grants(
    doc: PolicyDocument | None, *, owner: str, organization: frozenset[str], organization_id: str
) -> list[tuple[Statement, tuple[str, ...]]]:
    """Allow statements granting accounts outside the organization (and other organizations by id).

    The owner account is inside by definition. A statement restricted to this organization by
    aws:PrincipalOrgID is inside whatever else it names.
    """
    if doc is None:
        return []
    out: list[tuple[Statement, tuple[str, ...]]] = []
    for st in doc.statements:
        if st.effect != "Allow":
            continue
        orgs = condition_values(st, "aws:principalorgid")
        if organization_id and orgs and all(o == organization_id for o in orgs):
            continue
        outsiders = [a for a in named_accounts(st) if a != owner and a not in organization]
        outsiders += [f"organization {o}" for o in orgs if o != organization_id]
        if outsiders:
            out.append((st, tuple(outsiders)))
    return out
