"""IAM policy documents as they come out of AWS APIs, normalized once.

The same JSON grammar serves identity policies, trust policies, SCPs/RCPs, and
resource policies (S3, KMS, SNS, SQS, Lambda, ECR, Secrets Manager). APIs hand it
over as a dict (boto3 decodes IAM's URL-encoded documents), as a JSON string
(S3 GetBucketPolicy, KMS GetKeyPolicy, Organizations DescribePolicy), or still
URL-encoded (some older IAM responses). Statements may be a single object, and
``Action``/``Resource``/``Principal``/condition values may be a string or a list
(IAM User Guide, "IAM JSON policy elements reference"). Parsing never raises:
a malformed document is kept with its raw text and the error.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

EFFECTS = ("Allow", "Deny")


@dataclass(frozen=True, kw_only=True)
class Statement:
    index: int  # position in the document, for evidence ("statement 2")
    sid: str | None
    effect: str  # "Allow" | "Deny" | whatever the document said (kept, flagged by ``problems``)
    # None when the element is absent; a tuple of strings otherwise.
    action: tuple[str, ...] | None = None
    not_action: tuple[str, ...] | None = None
    resource: tuple[str, ...] | None = None
    not_resource: tuple[str, ...] | None = None
    # Principal maps a principal type ("AWS", "Service", "Federated", "CanonicalUser", "*")
    # to its values; "Principal": "*" becomes {"*": ("*",)}.
    principal: Mapping[str, tuple[str, ...]] | None = None
    not_principal: Mapping[str, tuple[str, ...]] | None = None
    # Condition: operator -> key -> values (strings, as IAM compares them).
    condition: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict)
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class PolicyDocument:
    version: str | None
    statements: tuple[Statement, ...]
    id: str | None = None
    raw: Any = None  # the document as parsed JSON (or None if it did not parse)
    raw_text: str | None = None  # the text as received, when it came as text
    error: str | None = None  # why it could not be parsed (then ``statements`` is empty)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def problems(self) -> tuple[str, ...]:
        out = [self.error] if self.error else []
        for st in self.statements:
            out.extend(f"statement {st.index}: {p}" for p in st.problems)
        return tuple(out)


def parse_policy_document(value: Any) -> PolicyDocument:
    """Normalize a policy document given as a dict, a JSON string or a URL-encoded JSON string."""
    raw_text: str | None = None
    if value is None:
        return PolicyDocument(version=None, statements=(), error="no policy document")
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, str):
        raw_text = value
        parsed = _loads(value)
        if parsed is None:
            return PolicyDocument(
                version=None, statements=(), raw_text=raw_text, error="the policy document is not valid JSON"
            )
        value = parsed
    if not isinstance(value, dict | Mapping):
        return PolicyDocument(
            version=None,
            statements=(),
            raw=value,
            raw_text=raw_text,
            error=f"the policy document is a JSON {type(value).__name__}, not an object",
        )
    statements_raw = value.get("Statement")
    if statements_raw is None:
        return PolicyDocument(
            version=_str_or_none(value.get("Version")),
            statements=(),
            raw=value,
            raw_text=raw_text,
            id=_str_or_none(value.get("Id")),
            error="the policy document has no Statement",
        )
    if isinstance(statements_raw, dict | Mapping):
        statements_raw = [statements_raw]
    if not isinstance(statements_raw, list):
        return PolicyDocument(
            version=_str_or_none(value.get("Version")),
            statements=(),
            raw=value,
            raw_text=raw_text,
            error="Statement is neither an object nor a list",
        )
    statements = tuple(_statement(i, st) for i, st in enumerate(statements_raw))
    return PolicyDocument(
        version=_str_or_none(value.get("Version")),
        statements=statements,
        raw=value,
        raw_text=raw_text,
        id=_str_or_none(value.get("Id")),
    )


def _loads(text: str) -> Any:
    stripped = text.strip()
    for candidate in (stripped, urllib.parse.unquote(stripped), urllib.parse.unquote_plus(stripped)):
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return None


def _statement(index: int, raw: Any) -> Statement:
    if not isinstance(raw, dict | Mapping):
        return Statement(index=index, sid=None, effect="", raw={}, problems=("statement is not an object",))
    problems: list[str] = []
    effect = str(raw.get("Effect", ""))
    if effect not in EFFECTS:
        problems.append(f"Effect is {effect!r}, not Allow or Deny")
    action, not_action = _strings(raw, "Action", problems), _strings(raw, "NotAction", problems)
    if action is None and not_action is None:
        problems.append("neither Action nor NotAction")
    return Statement(
        index=index,
        sid=_str_or_none(raw.get("Sid")),
        effect=effect,
        action=action,
        not_action=not_action,
        resource=_strings(raw, "Resource", problems),
        not_resource=_strings(raw, "NotResource", problems),
        principal=_principal(raw.get("Principal"), "Principal", problems),
        not_principal=_principal(raw.get("NotPrincipal"), "NotPrincipal", problems),
        condition=_condition(raw.get("Condition"), problems),
        raw=raw,
        problems=tuple(problems),
    )


def _strings(raw: Mapping[str, Any], key: str, problems: list[str]) -> tuple[str, ...] | None:
    if key not in raw:
        return None
    return _as_strings(raw[key], key, problems)


def _as_strings(value: Any, what: str, problems: list[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, bool):
        return ("true" if value else "false",)
    if isinstance(value, int | float):
        return (str(value),)
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, bool):
                out.append("true" if item else "false")
            elif isinstance(item, int | float):
                out.append(str(item))
            else:
                problems.append(f"{what} has a non-string value {item!r}")
        return tuple(out)
    problems.append(f"{what} is a {type(value).__name__}, not a string or list")
    return ()


def _principal(value: Any, what: str, problems: list[str]) -> Mapping[str, tuple[str, ...]] | None:
    if value is None:
        return None
    if value == "*":
        return {"*": ("*",)}
    if isinstance(value, dict | Mapping):
        return {str(k): _as_strings(v, f"{what}.{k}", problems) for k, v in value.items()}
    problems.append(f'{what} is {value!r}: neither "*" nor an object')
    return {}


def _condition(value: Any, problems: list[str]) -> Mapping[str, Mapping[str, tuple[str, ...]]]:
    if value is None:
        return {}
    if not isinstance(value, dict | Mapping):
        problems.append("Condition is not an object")
        return {}
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for operator, keys in value.items():
        if not isinstance(keys, dict | Mapping):
            problems.append(f"Condition {operator} is not an object")
            continue
        out[str(operator)] = {
            str(k): _as_strings(v, f"Condition {operator} {k}", problems) for k, v in keys.items()
        }
    return out


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
