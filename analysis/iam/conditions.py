"""Condition operators: one small matcher per operator family, and the AND/OR rules around them.

Semantics from the IAM User Guide, "IAM JSON policy elements: Condition operators",
"Creating a condition with multiple context keys or values" and "Set operators for
multivalued context keys":
- several operators in a Condition block, and several keys under one operator: AND;
- several values for one key: OR for positive operators, NOR for negated ones
  (StringNotEquals with two values: the request value equals neither);
- a key absent from the request: positive operators are false, negated ones
  (StringNotLike, ArnNotLike...) are true, ``...IfExists`` is true, ``Null`` checks it;
- ``ForAllValues:`` is true when every request value matches (and when the key is
  absent or empty); ``ForAnyValue:`` when at least one does (false when absent);
- condition key names are case-insensitive, values are compared as the operator says.

A key whose value is unknown offline makes the condition *unknown*: the caller turns it
into a pending condition, never into a silent true or false.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from analysis.iam.matching import Resolver, UnknownVariable, arn_match, glob_match, has_variables, substitute

Compare = Callable[[str, str], bool]


def _string_equals(ctx: str, pol: str) -> bool:
    return ctx == pol


def _string_equals_ic(ctx: str, pol: str) -> bool:
    return ctx.casefold() == pol.casefold()


def _string_like(ctx: str, pol: str) -> bool:
    return glob_match(pol, ctx)


def _number(text: str) -> float:
    return float(text.strip())


def _numeric(op: Callable[[float, float], bool]) -> Compare:
    def compare(ctx: str, pol: str) -> bool:
        try:
            return op(_number(ctx), _number(pol))
        except ValueError:
            return False  # not a number: the values do not match

    return compare


def parse_date(text: str) -> datetime:
    """ISO 8601 (with or without time and zone) or epoch seconds, as the Date operators accept."""
    s = text.strip()
    if s.lstrip("-").isdigit():
        return datetime.fromtimestamp(int(s), tz=UTC)
    if s.endswith("Z") or s.endswith("z"):
        s = s[:-1] + "+00:00"
    value = datetime.fromisoformat(s)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _date(op: Callable[[datetime, datetime], bool]) -> Compare:
    def compare(ctx: str, pol: str) -> bool:
        try:
            return op(parse_date(ctx), parse_date(pol))
        except ValueError:
            return False

    return compare


def _bool(ctx: str, pol: str) -> bool:
    return ctx.strip().lower() == pol.strip().lower()


def _binary(ctx: str, pol: str) -> bool:
    try:
        return base64.b64decode(ctx, validate=True) == base64.b64decode(pol, validate=True)
    except (binascii.Error, ValueError):
        return ctx == pol


def _ip(ctx: str, pol: str) -> bool:
    try:
        address = ipaddress.ip_address(ctx.strip())
        network = ipaddress.ip_network(pol.strip(), strict=False)
    except ValueError:
        return False
    return address.version == network.version and address in network


def _arn(ctx: str, pol: str) -> bool:
    return arn_match(pol, ctx)


@dataclass(frozen=True)
class OperatorFamily:
    compare: Compare
    negated: bool
    variables: bool  # policy variables are substituted in the policy's values


# Base operator (lower case) -> how it compares. "IAM JSON policy elements: Condition operators".
OPERATORS: dict[str, OperatorFamily] = {
    "stringequals": OperatorFamily(_string_equals, False, True),
    "stringnotequals": OperatorFamily(_string_equals, True, True),
    "stringequalsignorecase": OperatorFamily(_string_equals_ic, False, True),
    "stringnotequalsignorecase": OperatorFamily(_string_equals_ic, True, True),
    "stringlike": OperatorFamily(_string_like, False, True),
    "stringnotlike": OperatorFamily(_string_like, True, True),
    "numericequals": OperatorFamily(_numeric(lambda a, b: a == b), False, False),
    "numericnotequals": OperatorFamily(_numeric(lambda a, b: a == b), True, False),
    "numericlessthan": OperatorFamily(_numeric(lambda a, b: a < b), False, False),
    "numericlessthanequals": OperatorFamily(_numeric(lambda a, b: a <= b), False, False),
    "numericgreaterthan": OperatorFamily(_numeric(lambda a, b: a > b), False, False),
    "numericgreaterthanequals": OperatorFamily(_numeric(lambda a, b: a >= b), False, False),
    "dateequals": OperatorFamily(_date(lambda a, b: a == b), False, False),
    "datenotequals": OperatorFamily(_date(lambda a, b: a == b), True, False),
    "datelessthan": OperatorFamily(_date(lambda a, b: a < b), False, False),
    "datelessthanequals": OperatorFamily(_date(lambda a, b: a <= b), False, False),
    "dategreaterthan": OperatorFamily(_date(lambda a, b: a > b), False, False),
    "dategreaterthanequals": OperatorFamily(_date(lambda a, b: a >= b), False, False),
    "bool": OperatorFamily(_bool, False, False),
    "binaryequals": OperatorFamily(_binary, False, False),
    "ipaddress": OperatorFamily(_ip, False, False),
    "notipaddress": OperatorFamily(_ip, True, False),
    "arnequals": OperatorFamily(_arn, False, True),
    "arnlike": OperatorFamily(_arn, False, True),
    "arnnotequals": OperatorFamily(_arn, True, True),
    "arnnotlike": OperatorFamily(_arn, True, True),
}


@dataclass(frozen=True)
class ParsedOperator:
    base: str  # lower case, without set prefix and IfExists
    set_op: str | None  # "forallvalues" | "foranyvalue" | None
    if_exists: bool


def parse_operator(operator: str) -> ParsedOperator:
    text = operator.strip()
    set_op = None
    prefix, sep, rest = text.partition(":")
    if sep and prefix.lower() in ("forallvalues", "foranyvalue"):
        set_op, text = prefix.lower(), rest
    lowered = text.lower()
    if_exists = lowered.endswith("ifexists") and lowered != "ifexists"
    if if_exists:
        lowered = lowered[: -len("ifexists")]
    return ParsedOperator(base=lowered, set_op=set_op, if_exists=if_exists)


# The outcome of one (operator, key): True, False, or None (unknown offline).
Tri = bool | None


def evaluate_key(operator: str, key: str, values: tuple[str, ...], context: Resolver) -> Tri:
    """One operator applied to one key with its policy values, against the request context."""
    parsed = parse_operator(operator)
    request_values = context(key)
    if parsed.base == "null":
        if request_values is None:
            return None
        # Null true: the key must be absent; Null false: present with a value.
        wanted_absent = any(v.strip().lower() == "true" for v in values)
        absent = len(request_values) == 0
        return absent if wanted_absent else not absent
    family = OPERATORS.get(parsed.base)
    if family is None:
        return None  # an operator IAM does not define: unknown, reported by the caller
    if request_values is None:
        return None
    if not request_values:
        if parsed.if_exists:
            return True
        if parsed.set_op == "forallvalues":
            return True
        if parsed.set_op == "foranyvalue":
            return False
        return family.negated
    policy_values = values
    if family.variables and any(has_variables(v) for v in values):
        resolved: list[str] = []
        for v in values:
            # UnknownVariable propagates: the caller reports the variable's key as pending.
            sub = substitute(v, context, as_glob=False)
            if sub is not None:
                resolved.append(sub)
        policy_values = tuple(resolved)

    def one(request_value: str) -> bool:
        hit = any(family.compare(request_value, p) for p in policy_values)
        return not hit if family.negated else hit

    if parsed.set_op == "forallvalues":
        return all(one(v) for v in request_values)
    if parsed.set_op == "foranyvalue":
        return any(one(v) for v in request_values)
    if family.negated:
        # No request value may match any policy value.
        return all(one(v) for v in request_values)
    return any(one(v) for v in request_values)


@dataclass(frozen=True)
class ConditionOutcome:
    holds: Tri  # True: every key holds; False: one fails; None: none fails but some are unknown
    unknown: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (operator, key, values) not decidable


def evaluate_condition(
    condition: Mapping[str, Mapping[str, tuple[str, ...]]], context: Resolver
) -> ConditionOutcome:
    """A whole Condition block: every operator and key must hold (AND)."""
    unknown: list[tuple[str, str, tuple[str, ...]]] = []
    for operator, keys in condition.items():
        for key, values in keys.items():
            try:
                result = evaluate_key(operator, key, values, context)
            except UnknownVariable as exc:
                unknown.append((operator, key, (*values, f"(${{{exc.key}}} unknown)")))
                continue
            if result is False:
                return ConditionOutcome(holds=False)
            if result is None:
                unknown.append((operator, key, tuple(values)))
    if unknown:
        return ConditionOutcome(holds=None, unknown=tuple(unknown))
    return ConditionOutcome(holds=True)


def is_known_operator(operator: str) -> bool:
    parsed = parse_operator(operator)
    return parsed.base == "null" or parsed.base in OPERATORS
