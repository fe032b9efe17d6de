"""The assessment as OCSF Compliance Findings (class 2003), as Prowler writes and Security Hub reads them.

One finding per result, built from the assessment JSON document (``analysis.rules.report``), so
both outputs always agree. OCSF 1.1 (schema.ocsf.io, "Compliance Finding"): the required
attributes (``activity_id``, ``category_uid``, ``class_uid``, ``type_uid``, ``time``,
``severity_id``, ``metadata`` with ``product`` and ``version``, ``finding_info`` with ``uid`` and
``title``, ``compliance`` with ``standards`` and ``status``) and the recommended ones an importer
reads (``status_id``/``status``/``status_code``/``status_detail``, ``resources[]``, ``cloud``).

Status mapping: ``compliance.status_id`` is 1 Pass, 3 Fail, 2 Warning for NOT_ASSESSED (Security
Hub's WARNING: "some information is missing"), 99 Other for ERROR. ``status_code`` keeps our
status as assessed (PASS, FAIL, NOT_ASSESSED, ERROR), as Prowler keeps its own; a result the
workpaper waives is ``status_id`` 3 "Suppressed" (Prowler's muted findings), otherwise 1 "New".
What OCSF has no attribute for (OU path, evidence, waiver, note, practice) is under ``unmapped``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

OCSF_VERSION = "1.1.0"
CLASS_UID = 2003
CATEGORY_UID = 2
ACTIVITY_CREATE = 1
TYPE_UID = CLASS_UID * 100 + ACTIVITY_CREATE
PRODUCT_NAME = "AWS Org Audit Workbench"

SEVERITY_IDS: Mapping[str, tuple[int, str]] = {
    "informational": (1, "Informational"),
    "low": (2, "Low"),
    "medium": (3, "Medium"),
    "high": (4, "High"),
    "critical": (5, "Critical"),
}
COMPLIANCE_STATUS: Mapping[str, tuple[int, str]] = {
    "PASS": (1, "Pass"),
    "FAIL": (3, "Fail"),
    "NOT_ASSESSED": (2, "Warning"),
    "ERROR": (99, "Other"),
}


def ocsf_findings(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every result of the assessment document ``doc`` (``report.assessment_json``) as an OCSF finding."""
    return list(iter_ocsf_findings(doc, doc["results"]))


def iter_ocsf_findings(
    header: Mapping[str, Any], results: Iterable[Mapping[str, Any]]
) -> Iterator[dict[str, Any]]:
    """The findings of ``results`` (result dicts of the document whose other keys are ``header``)."""
    controls = {c["id"]: c for c in header["controls"]}
    snapshot = header.get("snapshot") or {}
    when = _time(snapshot.get("finished_at") or snapshot.get("started_at") or header.get("generated_at"))
    frameworks = header.get("frameworks") or {}
    product = {
        "name": PRODUCT_NAME,
        "vendor_name": PRODUCT_NAME,
        "uid": "aws-org-audit-workbench",
        "version": header.get("tool_version") or "",
    }
    org_id = snapshot.get("organization_id") or ""
    for r in results:
        yield _finding(r, controls.get(r["control_id"]), product, frameworks, org_id, when)


def write_ocsf(fh: TextIO, header: Mapping[str, Any], results: Iterable[Mapping[str, Any]]) -> int:
    """The findings as a JSON array, one per line, streamed; returns how many."""
    fh.write("[")
    n = 0
    for n, finding in enumerate(iter_ocsf_findings(header, results), start=1):
        fh.write(("\n" if n == 1 else ",\n") + json.dumps(finding, separators=(",", ":")))
    fh.write("\n]\n")
    return n


def _finding(
    r: Mapping[str, Any],
    control: Mapping[str, Any] | None,
    product: Mapping[str, Any],
    frameworks: Mapping[str, str],
    org_id: str,
    when: datetime,
) -> dict[str, Any]:
    severity_id, severity = SEVERITY_IDS.get(r.get("severity") or "", (0, "Unknown"))
    compliance_id, compliance_status = COMPLIANCE_STATUS.get(r["assessed_status"], (0, "Unknown"))
    waived = r["status"] == "WAIVED"
    mappings = r.get("mappings") or {}
    standards = [frameworks.get(k, k) for k in ("cis", "fsbp", "nist") if mappings.get(k)]
    requirements = [f"{k.upper()} {req}" for k in ("cis", "fsbp", "nist") for req in mappings.get(k) or ()]
    partition = (r.get("resource_arn") or "arn:aws").split(":")[1] if r.get("resource_arn") else "aws"
    region = r.get("region") or ""
    finding: dict[str, Any] = {
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": TYPE_UID,
        "type_name": "Compliance Finding: Create",
        "time": int(when.timestamp() * 1000),
        "time_dt": when.isoformat().replace("+00:00", "Z"),
        "severity_id": severity_id,
        "severity": severity,
        "status_id": 3 if waived else 1,
        "status": "Suppressed" if waived else "New",
        "status_code": r["assessed_status"],
        "status_detail": r.get("message") or "",
        "message": r.get("message") or "",
        "metadata": {
            "version": OCSF_VERSION,
            "product": dict(product),
            "event_code": r["control_id"],
            "profiles": ["cloud"],
        },
        "finding_info": {
            "uid": _uid(r["key"]),
            "title": r.get("title") or r["control_id"],
            "desc": (control or {}).get("rationale", ""),
            "types": [_practice(control)] if control else [],
            "created_time": int(when.timestamp() * 1000),
        },
        "compliance": {
            "control": r["control_id"],
            "standards": standards,
            "requirements": requirements,
            "status_id": compliance_id,
            "status": compliance_status,
            "status_code": r["assessed_status"],
            "status_detail": r.get("message") or "",
        },
        "resources": [
            {
                "uid": r.get("resource_arn") or r.get("resource_id") or "",
                "name": r.get("resource_id") or "",
                "type": (control or {}).get("service", ""),
                "region": region,
                "cloud_partition": partition,
                "group": {"name": (control or {}).get("service", "")},
                "owner": {
                    "account": {"uid": r.get("account_id") or "", "type": "AWS Account", "type_id": 10}
                },
            }
        ],
        "cloud": {
            "provider": "AWS",
            "region": region,
            "account": {
                "uid": r.get("account_id") or "",
                "name": r.get("account_name") or "",
                "type": "AWS Account",
                "type_id": 10,
            },
            "org": {"uid": org_id},
        },
        "remediation": {
            "desc": ((control or {}).get("remediation") or {}).get("console", ""),
        },
        "unmapped": {
            "ou_path": r.get("ou_path") or [],
            "practice": r.get("practice") or "",
            "status": r["status"],
            "evidence": r.get("evidence") or {},
            "waiver": r.get("waiver"),
            "note": r.get("note"),
            "key": r["key"],
        },
    }
    return finding


def _practice(control: Mapping[str, Any]) -> str:
    return str(control.get("practice_title") or control.get("practice") or "")


def _uid(key: str) -> str:
    """A stable finding id: the same result in a later run of the same snapshot keeps it."""
    return "awb-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _time(text: Any) -> datetime:
    if isinstance(text, str) and text:
        try:
            d = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return d if d.tzinfo else d.replace(tzinfo=UTC)
        except ValueError:
            pass
    return datetime.now(UTC).replace(microsecond=0)
