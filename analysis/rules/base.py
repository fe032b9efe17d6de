"""Controls and their results: the metadata every control declares, validated, and what it returns.

One control per module (``analysis/rules/<area>/<control_id>.py``) declares ``CONTROL`` (a
:class:`Control`) and ``evaluate(ctx) -> Iterable[Result]``. The metadata is validated when the
module is imported, so a control with a bad mapping, severity or practice fails every test run.

Statuses: ``PASS``, ``FAIL``, ``NOT_ASSESSED`` (inputs not collected, denied, region disabled:
with the reason) and ``ERROR`` (the control raised; the message says what). A control never
passes on missing data: :meth:`AssessmentContext.coverage_gap` is how a control learns that its
inputs were not answered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from analysis.rules.frameworks import CIS_RECOMMENDATIONS, FSBP_CONTROLS, NIST_FAMILIES, NIST_ID

PASS = "PASS"
FAIL = "FAIL"
NOT_ASSESSED = "NOT_ASSESSED"
ERROR = "ERROR"
STATUSES = (FAIL, ERROR, NOT_ASSESSED, PASS)

CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL = "critical", "high", "medium", "low", "informational"
SEVERITIES = (CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL)

# The practices of the multi-account security white paper each control serves.
PRACTICES: Mapping[str, str] = {
    "governance": "Centralized governance",
    "identity": "Strong identity and access management",
    "monitoring": "Continuous monitoring and auditing",
    "network": "Network security",
    "data": "Data protection",
    "response": "Automated incident response",
    "review": "Regular reviews",
}

CIS_VERSION = "5.0.0"  # CIS AWS Foundations Benchmark, the version Security Hub CSPM supports as current
FSBP_VERSION = "1.0.0"
NIST_VERSION = "SP 800-53 Rev. 5"

_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


class ControlDefinitionError(ValueError):
    """A control's metadata is invalid (raised at import: the test run fails)."""


@dataclass(frozen=True, kw_only=True)
class Remediation:
    console: str  # console steps
    cli: str  # AWS CLI commands
    terraform: str  # a Terraform snippet


@dataclass(frozen=True, kw_only=True)
class Mappings:
    """Published counterparts of a control; a field stays empty where no source gives one.

    How each was derived, and from which source, is in docs/mappings.md; the lists the ids are
    checked against are in :mod:`analysis.rules.frameworks`.
    """

    cis: tuple[str, ...] = ()  # CIS AWS Foundations Benchmark v5.0.0 recommendation numbers ("1.4")
    fsbp: tuple[str, ...] = ()  # AWS Foundational Security Best Practices control ids ("IAM.6")
    nist: tuple[str, ...] = ()  # NIST SP 800-53 Rev. 5 controls ("AC-2", "AC-6(10)")


def _mapping_problems(mappings: Mappings) -> list[str]:
    """Ids that are not in the framework's list (analysis.rules.frameworks), and repeated ids."""
    problems = [
        f"CIS {c!r} is not a CIS AWS Foundations Benchmark v5.0.0 recommendation number"
        for c in mappings.cis
        if c not in CIS_RECOMMENDATIONS
    ]
    problems += [
        f"FSBP {c!r} is not a control of the AWS Foundational Security Best Practices standard (like IAM.6)"
        for c in mappings.fsbp
        if c not in FSBP_CONTROLS
    ]
    for c in mappings.nist:
        match = NIST_ID.match(c)
        if match is None or match["family"] not in NIST_FAMILIES:
            problems.append(f"NIST {c!r} is not a SP 800-53 Rev. 5 control like AC-2 or AC-2(1)")
    for name in ("cis", "fsbp", "nist"):
        ids = getattr(mappings, name)
        if len(set(ids)) != len(ids):
            problems.append(f"{name} lists an id twice: {ids}")
    return problems


@dataclass(frozen=True, kw_only=True)
class Input:
    """One collected operation a control reads (its coverage decides NOT_ASSESSED)."""

    service: str  # the snapshot's service name ("iam", "ec2", "s3", ...)
    operation: str  # the API operation ("GetAccountSummary")
    regional: bool = True  # False: read once per account (global services, us-east-1 or the home region)


@dataclass(frozen=True, kw_only=True)
class Control:
    id: str  # == the module name, enforced by a test
    title: str
    severity: str
    practice: str  # a key of PRACTICES
    service: str  # the AWS service the control is about ("iam", "cloudtrail", "organizations"...)
    rationale: str
    remediation: Remediation
    inputs: tuple[Input, ...]
    mappings: Mappings
    scope: str = "resource"  # "organization" | "account" | "region" | "resource": what one result is about

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not _ID.match(self.id):
            problems.append(f"id {self.id!r} must be snake_case with an area prefix (e.g. iam_root_mfa)")
        if self.severity not in SEVERITIES:
            problems.append(f"severity {self.severity!r} is not one of {SEVERITIES}")
        if self.practice not in PRACTICES:
            problems.append(f"practice {self.practice!r} is not one of {tuple(PRACTICES)}")
        if self.scope not in ("organization", "account", "region", "resource"):
            problems.append(f"scope {self.scope!r} is not organization/account/region/resource")
        for name in ("title", "rationale", "service"):
            if not getattr(self, name).strip():
                problems.append(f"{name} is empty")
        for name in ("console", "cli", "terraform"):
            if not getattr(self.remediation, name).strip():
                problems.append(f"remediation.{name} is empty")
        if not self.inputs:
            problems.append("inputs is empty: say which collected operations the control reads")
        problems += _mapping_problems(self.mappings)
        if problems:
            raise ControlDefinitionError(f"control {self.id}: " + "; ".join(problems))


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """What decided a result: snapshot call ids, and the statements, path or hops where they apply."""

    call_ids: tuple[int, ...] = ()
    statements: tuple[str, ...] = ()  # "identity policy AdminAccess statement 0 (Sid: All)"
    path: tuple[str, ...] = ()  # a trust path in words, hop by hop
    hops: tuple[str, ...] = ()  # network hops in words, each with its deciding rule
    values: Mapping[str, object] = field(default_factory=dict)  # the observed values ("MaxPasswordAge": 180)


@dataclass(frozen=True, kw_only=True)
class Result:
    control_id: str
    status: str
    account_id: str  # "" for organization-wide results
    region: str  # "global" for global resources
    resource_arn: str  # the resource, account ("arn:aws:::account/123...") or organization ARN
    resource_id: str
    message: str  # why this status, in one or two sentences
    evidence: Evidence = field(default_factory=Evidence)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {STATUSES}")
