"""WAFv2 web ACLs: rules, default action, associated resources and logging, per scope.

Pure. A web ACL's associations and logging come from per-ACL calls and carry their coverage
state: "no logging" (GetLoggingConfiguration answered WAFNonexistentItemException, state
``absent``) is distinguishable from a denied call. CloudFront-scope ACLs are associated by the
distributions themselves (their ``WebACLId``), not listed by ListResourcesForWebACL: their
``associations_state`` is ``not_collected`` with that reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.model.coverage import ERROR, NOT_COLLECTED, Coverage, CoverageState
from analysis.model.records import Record
from analysis.model.source import PageSource

SERVICE = "wafv2"
REGIONAL = "REGIONAL"
CLOUDFRONT = "CLOUDFRONT"
CLOUDFRONT_ASSOCIATIONS = (
    "CloudFront web ACLs are associated by each distribution's WebACLId (CloudFront is not collected here)"
)
_RANK = {"collected": 0, "absent": 1, "not_subscribed": 2, "region_disabled": 3, "denied": 4, "error": 5}


@dataclass(frozen=True, kw_only=True)
class WafRule:
    name: str
    priority: int | None
    action: str | None  # Allow | Block | Count | Captcha | Challenge (rules with their own statement)
    override_action: str | None  # None | Count (rule group references)
    statement_type: str  # ManagedRuleGroupStatement, RateBasedStatement, IPSetReferenceStatement, ...
    managed_rule_group: str | None = None  # "AWS/AWSManagedRulesCommonRuleSet"
    rule_group_arn: str | None = None  # RuleGroupReferenceStatement


@dataclass(frozen=True, kw_only=True)
class WafLogging:
    destinations: tuple[str, ...]
    redacted_fields: tuple[str, ...] = ()
    has_filter: bool = False  # a LoggingFilter drops some requests from the logs


@dataclass(frozen=True, kw_only=True)
class WebAcl(Record):
    name: str
    id: str
    scope: str  # REGIONAL | CLOUDFRONT
    default_action: str | None = None  # Allow | Block (None: GetWebACL not answered)
    rules: tuple[WafRule, ...] = ()
    detail_state: CoverageState  # GetWebACL
    associated_resources: tuple[str, ...] = ()  # ARNs
    associations_state: CoverageState  # worst of the ListResourcesForWebACL calls
    logging: WafLogging | None = None
    logging_state: CoverageState  # collected (logging on) | absent (no logging) | denied | ...


@dataclass(frozen=True, kw_only=True)
class WafListing:
    """One ListWebACLs answer, per account, region and scope: whether the ACL list is complete."""

    account_id: str
    region: str
    scope: str
    state: CoverageState
    truncated: bool = False  # NextMarker: more than one page of ACLs (not followed by the collector)


@dataclass(frozen=True, kw_only=True)
class WafInventory:
    web_acls: Mapping[str, WebAcl] = field(default_factory=dict)
    listings: Mapping[tuple[str, str, str], WafListing] = field(default_factory=dict)
    acl_by_resource: Mapping[str, str] = field(default_factory=dict)  # resource ARN -> web ACL ARN

    def web_acl_for(self, resource_arn: str) -> WebAcl | None:
        arn = self.acl_by_resource.get(resource_arn)
        return self.web_acls.get(arn) if arn else None


def normalize_waf(source: PageSource, coverage: Coverage) -> WafInventory:
    """Every web ACL listed, with its details, associations and logging."""
    listings: dict[tuple[str, str, str], WafListing] = {}
    for call in source.calls(SERVICE, "ListWebACLs"):
        scope = _str(call.parameters.get("Scope"))
        key = (call.account_id, call.region, scope)
        if key in listings:
            continue
        state = coverage.state(
            account_id=call.account_id,
            region=call.region,
            service=SERVICE,
            operation="ListWebACLs",
            parameters=call.parameters,
        )
        pages = source.snapshot.pages(call.id) if state.answered else []
        truncated = any(isinstance(p, dict) and p.get("NextMarker") for p in pages)
        listings[key] = WafListing(
            account_id=call.account_id, region=call.region, scope=scope, state=state, truncated=truncated
        )

    details: dict[str, tuple[dict[str, Any], int]] = {}
    for page in source.pages(SERVICE, "GetWebACL"):
        acl = _dict(page.body.get("WebACL"))
        if acl.get("ARN"):
            details[_str(acl["ARN"])] = (acl, page.call.id)

    resources: dict[str, list[str]] = defaultdict(list)
    assoc_calls: dict[str, list[Any]] = defaultdict(list)
    for call in source.calls(SERVICE, "ListResourcesForWebACL"):
        arn = _str(call.parameters.get("WebACLArn"))
        assoc_calls[arn].append(call)
    for page in source.pages(SERVICE, "ListResourcesForWebACL"):
        arn = _str(page.call.parameters.get("WebACLArn"))
        resources[arn].extend(_str(r) for r in _list(page.body.get("ResourceArns")) if _str(r))

    logging: dict[str, WafLogging] = {}
    for page in source.pages(SERVICE, "GetLoggingConfiguration"):
        cfg = _dict(page.body.get("LoggingConfiguration"))
        arn = _str(page.call.parameters.get("ResourceArn"))
        if cfg:
            logging[arn] = WafLogging(
                destinations=tuple(_str(d) for d in _list(cfg.get("LogDestinationConfigs"))),
                redacted_fields=tuple(
                    next(iter(f), "") for f in _list(cfg.get("RedactedFields")) if isinstance(f, dict)
                ),
                has_filter=bool(cfg.get("LoggingFilter")),
            )

    acls: dict[str, WebAcl] = {}
    for page in source.pages(SERVICE, "ListWebACLs"):
        scope = _str(page.call.parameters.get("Scope"))
        for summary in _list(page.body.get("WebACLs")):
            if not isinstance(summary, dict) or not summary.get("ARN") or summary["ARN"] in acls:
                continue
            arn, name, acl_id = _str(summary["ARN"]), _str(summary.get("Name")), _str(summary.get("Id"))
            where = {"account_id": page.account_id, "region": page.region, "service": SERVICE}
            detail_state = coverage.state(
                **where, operation="GetWebACL", parameters={"Scope": scope, "Name": name, "Id": acl_id}
            )
            logging_state = coverage.state(
                **where, operation="GetLoggingConfiguration", parameters={"ResourceArn": arn}
            )
            if scope == CLOUDFRONT:
                assoc_state = CoverageState(state=NOT_COLLECTED, reason=CLOUDFRONT_ASSOCIATIONS)
            else:
                assoc_state = _worst(coverage, page.account_id, page.region, assoc_calls.get(arn, []))
            acl, _ = details.get(arn, ({}, 0))
            call_ids = (page.call.id, *detail_state.call_ids, *assoc_state.call_ids, *logging_state.call_ids)
            acls[arn] = WebAcl(
                arn=arn,
                account_id=page.account_id,
                region=page.region,
                call_ids=tuple(dict.fromkeys(call_ids)),
                name=name,
                id=acl_id,
                scope=scope,
                default_action=next(iter(_dict(acl.get("DefaultAction"))), None) if acl else None,
                rules=tuple(_rule(r) for r in _list(acl.get("Rules")) if isinstance(r, dict)),
                detail_state=detail_state,
                associated_resources=tuple(dict.fromkeys(resources.get(arn, ()))),
                associations_state=assoc_state,
                logging=logging.get(arn),
                logging_state=logging_state,
            )
    by_resource = {r: acl.arn for acl in acls.values() for r in acl.associated_resources}
    return WafInventory(web_acls=acls, listings=listings, acl_by_resource=by_resource)


def _worst(coverage: Coverage, account_id: str, region: str, calls: list[Any]) -> CoverageState:
    if not calls:
        state = coverage.state(
            account_id=account_id, region=region, service=SERVICE, operation="ListResourcesForWebACL"
        )
        return CoverageState(state=NOT_COLLECTED, reason=state.reason)
    states = [
        coverage.state(
            account_id=account_id,
            region=region,
            service=SERVICE,
            operation="ListResourcesForWebACL",
            parameters=c.parameters,
        )
        for c in calls
    ]
    worst = max(states, key=lambda s: _RANK.get(s.state, _RANK[ERROR]))
    ids = tuple(i for s in states for i in s.call_ids)
    return CoverageState(state=worst.state, reason=worst.reason, call_ids=ids)


def _rule(item: Mapping[str, Any]) -> WafRule:
    statement = _dict(item.get("Statement"))
    statement_type = next(iter(statement), "")
    inner = _dict(statement.get(statement_type))
    managed = None
    if statement_type == "ManagedRuleGroupStatement":
        managed = f"{_str(inner.get('VendorName'))}/{_str(inner.get('Name'))}"
    return WafRule(
        name=_str(item.get("Name")),
        priority=item.get("Priority") if isinstance(item.get("Priority"), int) else None,
        action=next(iter(_dict(item.get("Action"))), None),
        override_action=next(iter(_dict(item.get("OverrideAction"))), None),
        statement_type=statement_type,
        managed_rule_group=managed,
        rule_group_arn=_str(inner.get("ARN")) or None
        if statement_type == "RuleGroupReferenceStatement"
        else None,
    )


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
