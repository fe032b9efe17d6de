"""The network analysis answers as JSON-ready dicts: the ``exposure`` and ``path`` commands' output.

A public interface (docs/cli.md): keys are only ever added, never renamed or removed. Every
record of ``analysis.network.results`` is written with all its fields, under their field
names, in field order, so a field added to a record appears in the JSON with no change here;
a few derived keys are added beside them (``label`` of a port range, ``reachable`` of an open
rule, ``summary`` of a report). Values are made JSON-safe: tuples become lists, nested records
dicts, anything else that is not a JSON scalar (an ``ipaddress`` network, say) its string.
Pure and Qt-free.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from typing import Any

from analysis.network.findings import NetworkFinding
from analysis.network.results import (
    Endpoint,
    Exposure,
    ExposureReport,
    Hop,
    NotAssessed,
    OpenRule,
    PathResult,
    PortRange,
    VpcLink,
)

# Version of the JSON shapes below; raised only when keys are added.
FORMAT_VERSION = 1


def to_jsonable(value: Any) -> Any:
    """``value`` with records as dicts, sequences as lists and mappings with string keys."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, PortRange):
        return port_range_json(value)
    if isinstance(value, Hop):
        return hop_json(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _record_json(value)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((to_jsonable(v) for v in value), key=str)
    return str(value)


def _record_json(record: Any) -> dict[str, Any]:
    return {f.name: to_jsonable(getattr(record, f.name)) for f in dataclasses.fields(record)}


def port_range_json(ports: PortRange) -> dict[str, Any]:
    """``{"protocol", "from_port", "to_port", "label"}``; ``label`` is e.g. ``tcp/22``."""
    return {**_record_json(ports), "label": ports.label()}


def hop_json(hop: Hop) -> dict[str, Any]:
    """Every field of the hop; ``detail`` (the structured rule) made JSON-safe."""
    return _record_json(hop)


def exposure_json(exposure: Exposure) -> dict[str, Any]:
    return _record_json(exposure)


def open_rule_json(rule: OpenRule) -> dict[str, Any]:
    """The rule, and ``reachable``: whether any interface is reachable through it (path level)."""
    return {**_record_json(rule), "reachable": bool(rule.reachable_on)}


def not_assessed_json(item: NotAssessed) -> dict[str, Any]:
    return _record_json(item)


def exposure_report_json(
    report: ExposureReport,
    *,
    exposures: Iterable[Exposure] | None = None,
    open_rules: Iterable[OpenRule] | None = None,
    not_assessed: Iterable[NotAssessed] | None = None,
) -> dict[str, Any]:
    """The report; ``exposures``/``open_rules``/``not_assessed`` replace the report's (a filtered view)."""
    shown_exposures = tuple(report.exposures if exposures is None else exposures)
    shown_rules = tuple(report.open_rules if open_rules is None else open_rules)
    shown_gaps = tuple(report.not_assessed if not_assessed is None else not_assessed)
    return {
        "format_version": FORMAT_VERSION,
        "interfaces_checked": report.interfaces_checked,
        "seconds": report.seconds,
        "summary": exposure_summary(shown_exposures, shown_rules, shown_gaps),
        "exposures": [exposure_json(e) for e in shown_exposures],
        "open_rules": [open_rule_json(r) for r in shown_rules],
        "not_assessed": [not_assessed_json(n) for n in shown_gaps],
        "notes": list(report.notes),
    }


def exposure_summary(
    exposures: Iterable[Exposure], open_rules: Iterable[OpenRule], not_assessed: Iterable[NotAssessed]
) -> dict[str, Any]:
    """Counts an auditor reads first: exposed interfaces, management exposures, rule-level-only rules."""
    exposures, open_rules = tuple(exposures), tuple(open_rules)
    management = [e for e in exposures if e.management]
    return {
        "exposures": len(exposures),
        "interfaces_exposed": len({e.network_interface_id for e in exposures}),
        "instances_exposed": len({e.instance_id for e in exposures if e.instance_id}),
        "accounts_exposed": len({e.account_id for e in exposures}),
        "via_load_balancer": sum(1 for e in exposures if e.via == "load_balancer"),
        "management_exposures": len(management),
        "management_services": sorted({m for e in management for m in e.management}),
        "open_rules": len(open_rules),
        "open_rules_reachable": sum(1 for r in open_rules if r.reachable_on),
        "not_assessed": len(tuple(not_assessed)),
    }


def endpoint_json(endpoint: Endpoint) -> dict[str, Any]:
    return _record_json(endpoint)


def path_result_json(result: PathResult) -> dict[str, Any]:
    """The path query's answer: both endpoints resolved, the verdict, the hops and what blocks it."""
    return {"format_version": FORMAT_VERSION, **_record_json(result)}


def vpc_link_json(link: VpcLink) -> dict[str, Any]:
    return _record_json(link)


def network_finding_json(finding: NetworkFinding) -> dict[str, Any]:
    """A network finding (analysis.network.findings): every field; ``not_assessed`` an object or null."""
    return _record_json(finding)
