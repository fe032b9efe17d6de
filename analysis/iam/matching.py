"""Matching of actions, resources, ARNs and principals, with wildcards and policy variables.

Case rules (IAM User Guide):
- "IAM JSON policy elements: Action": service prefixes and action names are case
  insensitive ("iam:ListAccessKeys" equals "IAM:listaccesskeys").
- "IAM JSON policy elements: Resource": ARNs are matched case-sensitively; ``*`` and
  ``?`` may appear in any segment, and a ``*`` "can expand to match beyond the colon
  boundaries", so a Resource pattern is one glob over the whole ARN.
- "IAM JSON policy elements: Condition operators", ARN operators: "Each of the six
  colon-delimited components of the ARN is checked separately", so ArnLike matches
  segment by segment.
- "IAM JSON policy elements: Principal": no partial wildcards; only ``"*"`` matches
  every principal, everything else is an exact ARN, account id or service name.
- "IAM policy elements: Variables and tags": ``${key}`` is replaced by the request's
  value; ``${*}``, ``${?}`` and ``${$}`` are literal characters; ``${key, 'default'}``
  gives a default when the key is absent; a variable whose key is absent makes the
  element not match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from analysis.model.policy_doc import Statement

# A resolver returns the key's values, () when the key is known to be absent, None when unknown.
Resolver = Callable[[str], "tuple[str, ...] | None"]

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_LITERALS = {"*": "*", "?": "?", "$": "$"}


class UnknownVariable(Exception):
    """A policy variable whose value the snapshot cannot know."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@lru_cache(maxsize=65536)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    # A pure cache of compiled patterns: no state beyond memoization.
    parts = []
    for ch in pattern:
        if ch == "*":
            parts.append(".*")
        elif ch == "?":
            parts.append(".")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    if pattern == "*":
        return True
    if "*" not in pattern and "?" not in pattern:
        return pattern.lower() == value.lower() if ignore_case else pattern == value
    if "?" not in pattern:
        if ignore_case:
            pattern, value = pattern.lower(), value.lower()
        return _star_match(tuple(pattern.split("*")), value)
    return _glob(pattern, ignore_case).fullmatch(value) is not None


def has_variables(text: str) -> bool:
    return "${" in text


def substitute(text: str, resolve: Resolver, *, as_glob: bool) -> str | None:
    """Replace ``${...}`` in ``text``.

    Returns None when a variable's key is absent from the request (the element then
    does not match); raises UnknownVariable when a key's value is unknown offline.
    With ``as_glob`` the substituted values are escaped so that their ``*`` and ``?``
    match literally, while the pattern's own wildcards keep their meaning.
    """
    out: list[str] = []
    pos = 0
    for m in _VARIABLE.finditer(text):
        out.append(text[pos : m.start()])
        pos = m.end()
        inner = m.group(1).strip()
        if inner in _LITERALS:
            out.append(_escape_glob(inner) if as_glob else inner)
            continue
        key, default = inner, None
        if "," in inner:
            key, _, rest = inner.partition(",")
            key = key.strip()
            default = rest.strip().strip("'\"")
        values = resolve(key)
        if values is None:
            raise UnknownVariable(key)
        if not values:
            if default is None:
                return None
            values = (default,)
        value = values[0]
        out.append(_escape_glob(value) if as_glob else value)
    out.append(text[pos:])
    return "".join(out)


_ESCAPE_MARK = "\x00"


def _escape_glob(value: str) -> str:
    # Literal wildcard characters coming from a variable's value: marked, then matched literally.
    return value.replace("*", _ESCAPE_MARK + "*").replace("?", _ESCAPE_MARK + "?")


def glob_match_escaped(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Like glob_match for a pattern produced by ``substitute(as_glob=True)``."""
    if _ESCAPE_MARK not in pattern:
        return glob_match(pattern, value, ignore_case=ignore_case)
    parts = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == _ESCAPE_MARK and i + 1 < len(pattern):
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.fullmatch("".join(parts), value, flags) is not None


def match_action(pattern: str, action: str) -> bool:
    """Case-insensitive glob over "service:Action"."""
    return glob_match(pattern, action, ignore_case=True)


def match_resource(pattern: str, resource: str, resolve: Resolver) -> bool:
    """Case-sensitive glob over the whole ARN; raises UnknownVariable for an unknown ``${...}``."""
    if pattern == "*":
        return True
    if resource == "*":
        # A request on "*" (actions without resource types) is matched only by "*" or by a
        # pattern that is itself all wildcards; a specific ARN does not cover every resource.
        return pattern.strip("*") == ""
    if has_variables(pattern):
        resolved = substitute(pattern, resolve, as_glob=True)
        return resolved is not None and glob_match_escaped(resolved, resource)
    return glob_match(pattern, resource)


def arn_match(pattern: str, value: str) -> bool:
    """ArnLike/ArnEquals: each of the six colon-separated parts matched on its own (case-sensitive)."""
    if pattern == "*":
        return True
    p_parts = pattern.split(":", 5)
    v_parts = value.split(":", 5)
    if len(p_parts) != 6 or len(v_parts) != 6:
        return False  # not an ARN of six components: ArnLike cannot match it

    return all(glob_match(p, v) for p, v in zip(p_parts, v_parts, strict=True))


def arn_account(arn: str) -> str | None:
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[4]:
        return parts[4]
    return None


def arn_service(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[2] if len(parts) == 6 else None


def arn_region(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[3] if len(parts) == 6 and parts[3] else None


# -- principals -------------------------------------------------------------------------------

PRINCIPAL_DIRECT = "direct"  # the statement names this principal's ARN (or its unique id)
PRINCIPAL_ACCOUNT = "account"  # the statement names the principal's account (root ARN or id)
PRINCIPAL_ANY = "any"  # "*" or {"AWS": "*"}


@dataclass(frozen=True, kw_only=True)
class PrincipalIdentity:
    """Who is asking, as a Principal element can name it."""

    arn: str
    account_id: str
    partition: str = "aws"
    unique_id: str | None = None  # AIDA.../AROA...: trust policies show it when the ARN was deleted
    service: str | None = None  # "lambda.amazonaws.com" for a service principal
    federated: str | None = None  # a SAML/OIDC provider ARN or web identity provider name

    @property
    def root_arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:root"


def match_principal(principal: Mapping[str, tuple[str, ...]], who: PrincipalIdentity) -> str | None:
    """How a Principal element covers ``who``: direct, account, any, or None."""
    best: str | None = None
    for ptype, values in principal.items():
        kind = ptype.lower()
        for value in values:
            found = _principal_value(kind, value, who)
            if found == PRINCIPAL_DIRECT:
                return found
            if found == PRINCIPAL_ACCOUNT or (found == PRINCIPAL_ANY and best is None):
                best = found
    return best


def _principal_value(kind: str, value: str, who: PrincipalIdentity) -> str | None:
    if kind == "*" or (kind == "aws" and value == "*"):
        return PRINCIPAL_ANY
    if kind == "aws":
        if value == who.arn or (who.unique_id is not None and value == who.unique_id):
            return PRINCIPAL_DIRECT
        if value == who.account_id or value == who.root_arn:
            return PRINCIPAL_ACCOUNT
        return None
    if kind == "service":
        return PRINCIPAL_DIRECT if who.service is not None and value.lower() == who.service.lower() else None
    if kind == "federated":
        return PRINCIPAL_DIRECT if who.federated is not None and value == who.federated else None
    return None


def excluded_by_not_principal(not_principal: Mapping[str, tuple[str, ...]], who: PrincipalIdentity) -> bool:
    """NotPrincipal: the statement applies to everyone except the principals listed.

    Naming the account excludes only the account's root user ("IAM JSON policy
    elements: NotPrincipal": to exclude a role session, list the role and its
    session ARNs), so only a direct match (or "*") excludes an IAM user or role.
    """
    found = match_principal(not_principal, who)
    if found in (PRINCIPAL_ANY, PRINCIPAL_DIRECT):
        return True
    return found == PRINCIPAL_ACCOUNT and who.arn == who.root_arn


# -- one statement ----------------------------------------------------------------------------

# (operator, key, values) of a condition that cannot be decided offline.
Unknown = tuple[str, str, tuple[str, ...]]


@dataclass(frozen=True)
class StatementMatch:
    applies: bool | None  # True: applies; False: does not; None: applies if ``unknown`` hold
    unknown: tuple[Unknown, ...] = ()
    principal: str | None = None  # for resource policies: direct | account | any


NO_MATCH = StatementMatch(applies=False)
ALL_ACTIONS = "*"


def match_statement(
    statement: Statement,
    *,
    action: str,
    resource: str,
    context: Resolver,
    who: PrincipalIdentity | None,
) -> StatementMatch:
    """Whether one statement applies to the request (``who`` given: check Principal/NotPrincipal).

    "IAM JSON policy elements": Action/NotAction, Resource/NotResource and
    Principal/NotPrincipal must all match, then the Condition block. A statement without
    Resource (trust policies, resource policies) applies to the resource it is attached to.
    """
    from analysis.iam.conditions import evaluate_condition  # conditions imports this module

    if statement.effect not in ("Allow", "Deny"):
        return NO_MATCH
    if action == ALL_ACTIONS:
        # The pseudo-request "every action" (is_admin): an Allow must cover every action,
        # a Deny with NotAction denies nearly all of them; a Deny of some actions does not.
        if statement.action is not None:
            if not any(p in ("*", "*:*") for p in statement.action):
                return NO_MATCH
        elif statement.not_action is None or statement.effect != "Deny":
            return NO_MATCH
    elif statement.action is not None:
        if not any(match_action(p, action) for p in statement.action):
            return NO_MATCH
    elif statement.not_action is not None:
        if any(match_action(p, action) for p in statement.not_action):
            return NO_MATCH
    else:
        return NO_MATCH
    unknown: list[Unknown] = []
    patterns = statement.resource if statement.resource is not None else statement.not_resource
    if patterns is not None:
        hit, pending = _any_resource(patterns, resource, context)
        if statement.resource is not None:
            if hit is False:
                return NO_MATCH
        elif hit is True:
            return NO_MATCH
        elif hit is None:
            pending = tuple(("NotResource", key, values) for (_, key, values) in pending)
        unknown.extend(pending)
    principal_kind: str | None = None
    if who is not None:
        if statement.principal is not None:
            principal_kind = match_principal(statement.principal, who)
            if principal_kind is None:
                return NO_MATCH
        elif statement.not_principal is not None:
            if excluded_by_not_principal(statement.not_principal, who):
                return NO_MATCH
            principal_kind = PRINCIPAL_ANY
        else:
            return NO_MATCH  # a resource policy statement must name who it is for
    if statement.condition:
        outcome = evaluate_condition(statement.condition, context)
        if outcome.holds is False:
            return NO_MATCH
        unknown.extend(outcome.unknown)
    if unknown:
        return StatementMatch(applies=None, unknown=tuple(unknown), principal=principal_kind)
    return StatementMatch(applies=True, principal=principal_kind)


def _any_resource(
    patterns: tuple[str, ...], resource: str, context: Resolver
) -> tuple[bool | None, tuple[Unknown, ...]]:
    pending: list[Unknown] = []
    for p in patterns:
        try:
            if match_resource(p, resource, context):
                return True, ()
        except UnknownVariable as exc:
            pending.append(("PolicyVariable", exc.key, (p,)))
    return (None, tuple(pending)) if pending else (False, ())


# -- compiled statements (the fast path) -------------------------------------------------------


@dataclass(frozen=True)
class Patterns:
    """A list of glob patterns as one test: exact values, star-only patterns matched by
    splitting on "*" (no regex to compile: most policy ARNs are distinct), and a regex
    for the rare patterns with "?"."""

    everything: bool
    exact: frozenset[str]
    stars: tuple[tuple[str, ...], ...]  # each pattern split on "*"
    regex: re.Pattern[str] | None

    def match(self, value: str) -> bool:
        if self.everything or value in self.exact:
            return True
        for parts in self.stars:
            if _star_match(parts, value):
                return True
        return self.regex is not None and self.regex.fullmatch(value) is not None


def _star_match(parts: tuple[str, ...], value: str) -> bool:
    """Whether ``value`` matches the pattern "parts[0]*parts[1]*...*parts[-1]"."""
    first, last = parts[0], parts[-1]
    if len(value) < len(first) + len(last) or not value.startswith(first) or not value.endswith(last):
        return False
    pos, end = len(first), len(value) - len(last)
    for middle in parts[1:-1]:
        found = value.find(middle, pos, end)
        if found < 0:
            return False
        pos = found + len(middle)
    return True


@lru_cache(maxsize=65536)
def compile_patterns(patterns: tuple[str, ...], *, lower: bool) -> Patterns:
    # Memoized on the pattern tuple: the same lists recur across thousands of policies.
    values = [p.lower() for p in patterns] if lower else list(patterns)
    exact = frozenset(v for v in values if "*" not in v and "?" not in v)
    wild = [v for v in values if v not in exact]
    everything = "*" in wild
    stars = tuple(tuple(w.split("*")) for w in wild if "?" not in w)
    questions = [w for w in wild if "?" in w]
    regex = None
    if questions and not everything:
        regex = re.compile("|".join(f"(?:{_glob(w, False).pattern})" for w in questions), re.DOTALL)
    return Patterns(everything=everything, exact=exact, stars=stars, regex=regex)


@dataclass(frozen=True)
class CompiledStatement:
    statement: Statement
    actions: Patterns | None  # None: the statement uses NotAction (or neither)
    not_actions: Patterns | None
    resources: Patterns | None  # None: no Resource element, or it has variables (slow path)
    not_resources: Patterns | None
    slow: bool  # policy variables in Resource/NotResource: use match_statement


def compile_statement(statement: Statement) -> CompiledStatement:
    res = statement.resource
    not_res = statement.not_resource
    slow = any(has_variables(p) for p in (*(res or ()), *(not_res or ())))
    return CompiledStatement(
        statement=statement,
        actions=compile_patterns(statement.action, lower=True) if statement.action is not None else None,
        not_actions=compile_patterns(statement.not_action, lower=True)
        if statement.not_action is not None
        else None,
        resources=compile_patterns(res, lower=False) if res is not None and not slow else None,
        not_resources=compile_patterns(not_res, lower=False) if not_res is not None and not slow else None,
        slow=slow,
    )


def service_keys(statement: Statement) -> tuple[str, ...] | None:
    """Lower-case service prefixes the statement's Action can match; None: any service (wildcard
    prefix, NotAction, or malformed)."""
    if statement.action is None:
        return None
    out: set[str] = set()
    for p in statement.action:
        prefix, sep, _ = p.lower().partition(":")
        if not sep or "*" in prefix or "?" in prefix:
            return None
        out.add(prefix)
    return tuple(out)


def fast_match(
    compiled: CompiledStatement,
    *,
    action: str,
    action_lower: str,
    resource: str,
    context: Resolver,
    who: PrincipalIdentity | None,
) -> StatementMatch:
    """match_statement with precompiled patterns; identical answers (tested)."""
    st = compiled.statement
    if compiled.slow or action == ALL_ACTIONS or st.effect not in ("Allow", "Deny"):
        return match_statement(st, action=action, resource=resource, context=context, who=who)
    if compiled.actions is not None:
        if not compiled.actions.match(action_lower):
            return NO_MATCH
    elif compiled.not_actions is not None:
        if compiled.not_actions.match(action_lower):
            return NO_MATCH
    else:
        return NO_MATCH
    if compiled.resources is not None:
        if resource == "*":
            if not any(p.strip("*") == "" for p in st.resource or ()):
                return NO_MATCH
        elif not compiled.resources.match(resource):
            return NO_MATCH
    elif compiled.not_resources is not None:
        if resource == "*":
            if any(p.strip("*") == "" for p in st.not_resource or ()):
                return NO_MATCH
        elif compiled.not_resources.match(resource):
            return NO_MATCH
    if who is None and not st.condition:
        return MATCH
    return match_statement_rest(st, context=context, who=who)


MATCH = StatementMatch(applies=True)


def match_statement_rest(
    statement: Statement, *, context: Resolver, who: PrincipalIdentity | None
) -> StatementMatch:
    """Principal and Condition of a statement whose Action and Resource already match."""
    from analysis.iam.conditions import evaluate_condition

    principal_kind: str | None = None
    if who is not None:
        if statement.principal is not None:
            principal_kind = match_principal(statement.principal, who)
            if principal_kind is None:
                return NO_MATCH
        elif statement.not_principal is not None:
            if excluded_by_not_principal(statement.not_principal, who):
                return NO_MATCH
            principal_kind = PRINCIPAL_ANY
        else:
            return NO_MATCH
    if statement.condition:
        outcome = evaluate_condition(statement.condition, context)
        if outcome.holds is False:
            return NO_MATCH
        if outcome.unknown:
            return StatementMatch(applies=None, unknown=outcome.unknown, principal=principal_kind)
    return StatementMatch(applies=True, principal=principal_kind)
