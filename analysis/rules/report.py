"""The assessment as JSON: what ``main.py assess --json`` writes (schema: docs/assessment.md).

A stable public interface: keys are only ever added, never renamed or removed (``FORMAT_VERSION``
is raised when keys are added). Every result is written with its control's metadata (severity,
title, practice, framework mappings), where it is (account id and name, OU path, region,
resource ARN and id), its status as assessed and as reported (``WAIVED`` when the workpaper
waives it), and its evidence (snapshot call ids, statements, trust path, network hops, observed
values). Beside the results: every control's metadata, the internet exposures (the ``exposure``
command's JSON) and the trust findings. Pure and Qt-free.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from analysis.rules.base import (
    CIS_VERSION,
    ERROR,
    FAIL,
    FSBP_VERSION,
    NIST_VERSION,
    NOT_ASSESSED,
    PASS,
    PRACTICES,
    Control,
    Result,
)
from analysis.rules.frameworks import CIS_SECTIONS, NIST_FAMILIES
from analysis.workpaper import WAIVED, Judgement, Workpaper, judge_all, ou_ids_resolver

if TYPE_CHECKING:
    from analysis.model.inventory import Inventory
    from analysis.network.results import ExposureReport
    from analysis.rules.assessment import Assessment
    from analysis.trust.findings import TrustFinding
    from analysis.trust.graph import TrustGraph

FORMAT = "awb-assessment"
FORMAT_VERSION = 1

FRAMEWORKS: Mapping[str, str] = {
    "cis": f"CIS AWS Foundations Benchmark v{CIS_VERSION}",
    "fsbp": f"AWS Foundational Security Best Practices v{FSBP_VERSION}",
    "nist": f"NIST {NIST_VERSION}",
}


def jsonable(value: Any) -> Any:
    """``value`` with records as dicts, sequences as lists, mappings with string keys, dates as ISO text."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(v) for v in value), key=str)
    return str(value)


def result_key(result: Result) -> str:
    """The identity of a result across runs and snapshots: control, account, region, resource."""
    return f"{result.control_id}|{result.account_id}|{result.region}|{result.resource_arn}"


def control_json(control: Control) -> dict[str, Any]:
    return {
        "id": control.id,
        "title": control.title,
        "severity": control.severity,
        "practice": control.practice,
        "practice_title": PRACTICES[control.practice],
        "service": control.service,
        "scope": control.scope,
        "rationale": control.rationale,
        "remediation": {
            "console": control.remediation.console,
            "cli": control.remediation.cli,
            "terraform": control.remediation.terraform,
        },
        "mappings": mappings_json(control),
        "inputs": [
            {"service": i.service, "operation": i.operation, "regional": i.regional} for i in control.inputs
        ],
    }


def mappings_json(control: Control) -> dict[str, list[str]]:
    m = control.mappings
    return {"cis": list(m.cis), "fsbp": list(m.fsbp), "nist": list(m.nist)}


class OrgPlaces:
    """Account names and OU paths, looked up once per account."""

    def __init__(self, inventory: Inventory) -> None:
        self._inventory = inventory
        self._ou_ids = ou_ids_resolver(inventory.organization)
        self._cache: dict[str, tuple[str, list[str], list[str]]] = {}

    def ou_ids(self, account_id: str) -> tuple[str, ...]:
        return self._ou_ids(account_id)

    def place(self, account_id: str) -> tuple[str, list[str], list[str]]:
        """(account name, OU path names root first, OU path ids)."""
        if account_id not in self._cache:
            org = self._inventory.organization
            try:
                units = org.path_to(account_id) if account_id else []
            except KeyError:
                units = []
            self._cache[account_id] = (
                self._inventory.account_name(account_id) if account_id else "",
                [u.name or u.id for u in units],
                [u.id for u in units],
            )
        return self._cache[account_id]


def result_json(
    result: Result, control: Control | None, judgement: Judgement, places: OrgPlaces
) -> dict[str, Any]:
    name, ou_path, ou_ids = places.place(result.account_id)
    ev = result.evidence
    waiver = judgement.waiver or judgement.expired_waiver
    return {
        "key": result_key(result),
        "control_id": result.control_id,
        "status": judgement.status,
        "assessed_status": result.status,
        "severity": control.severity if control else "",
        "title": control.title if control else result.control_id,
        "service": control.service if control else "",
        "practice": control.practice if control else "",
        "account_id": result.account_id,
        "account_name": name,
        "ou_path": ou_path,
        "ou_ids": ou_ids,
        "region": result.region,
        "resource_arn": result.resource_arn,
        "resource_id": result.resource_id,
        "message": result.message,
        "mappings": mappings_json(control) if control else {"cis": [], "fsbp": [], "nist": []},
        "evidence": {
            "call_ids": list(ev.call_ids),
            "statements": list(ev.statements),
            "path": list(ev.path),
            "hops": list(ev.hops),
            "values": jsonable(ev.values),
        },
        "waiver": (
            {
                **waiver.to_json(),
                "applies": judgement.waiver is not None,
                "message": judgement.waiver_message,
            }
            if waiver is not None
            else None
        ),
        "note": judgement.note.to_json() if judgement.note else None,
    }


def trust_finding_json(finding: TrustFinding, tg: TrustGraph | None = None) -> dict[str, Any]:
    path = finding.path
    path_doc = None
    if path is not None:
        path_doc = {
            "nodes": list(path.nodes),
            "text": path.describe(tg) if tg is not None else " -> ".join(path.nodes),
            "escalation": path.escalation,
            "conditional": path.conditional,
            "steps": [
                {
                    "source": s.source,
                    "target": s.target,
                    "edges": [
                        {"kind": e.kind, "technique": e.technique, "reason": e.reason} for e in s.edges
                    ],
                }
                for s in path.steps
            ],
        }
    return {
        "kind": finding.kind,
        "severity": finding.severity,
        "resource": finding.resource,
        "account_id": finding.account_id,
        "title": finding.title,
        "detail": finding.detail,
        "call_ids": list(finding.call_ids),
        "statements": list(finding.statements),
        "path": path_doc,
    }


def judge(
    assessment: Assessment, inventory: Inventory, workpaper: Workpaper | None, *, today: date | None = None
) -> tuple[OrgPlaces, list[Judgement]]:
    places = OrgPlaces(inventory)
    judgements = judge_all(
        workpaper, assessment.results, ou_ids=places.ou_ids, today=today or datetime.now(UTC).date()
    )
    return places, judgements


class AssessmentDocument:
    """The document of docs/assessment.md, with its results produced one at a time.

    At 500 accounts an assessment has over half a million results: held as one dict tree and
    dumped as one string they took 8 GB. ``header`` has every key but ``results`` (the
    judgements are made once, up front); ``results()`` yields each result's dict; ``write``
    streams the document to a file; ``to_dict`` builds it whole (small assessments, tests).
    """

    def __init__(
        self,
        assessment: Assessment,
        *,
        inventory: Inventory,
        workpaper: Workpaper | None = None,
        exposure: ExposureReport | None = None,
        trust_findings: Sequence[TrustFinding] | None = None,
        trust_graph: TrustGraph | None = None,
        snapshot_path: str = "",
        tool_version: str = "",
        today: date | None = None,
    ) -> None:
        self._assessment = assessment
        self._controls = {c.id: c for c in assessment.controls}
        self._places, self._judgements = judge(assessment, inventory, workpaper, today=today)
        org = inventory.organization
        exposure_doc = None
        if exposure is not None:
            from analysis.network.serialize import exposure_report_json

            exposure_doc = exposure_report_json(exposure)
        self.header: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "tool_version": tool_version,
            "generated_at": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            "snapshot": {
                "path": snapshot_path,
                "organization_id": org.organization_id,
                "management_account_id": org.management_account_id,
                "started_at": inventory.manifest.get("started_at"),
                "finished_at": inventory.manifest.get("finished_at"),
            },
            "frameworks": dict(FRAMEWORKS),
            "practices": dict(PRACTICES),
            "workpaper": workpaper_summary(workpaper),
            "summary": summary_json(assessment, self._judgements, self._controls),
            "controls": [control_json(c) for c in assessment.controls],
            "results": None,  # streamed: see results()
            "exposure": exposure_doc,
            "trust_findings": (
                [trust_finding_json(f, trust_graph) for f in trust_findings]
                if trust_findings is not None
                else None
            ),
        }

    def __len__(self) -> int:
        return len(self._assessment.results)

    def results(self, progress: Callable[[int, int, str], None] | None = None) -> Iterator[dict[str, Any]]:
        report = progress or (lambda done, total, message: None)
        total = len(self._assessment.results)
        for i, (r, j) in enumerate(zip(self._assessment.results, self._judgements, strict=True)):
            if i % 20000 == 0:
                report(i, total, "results")
            yield result_json(r, self._controls.get(r.control_id), j, self._places)
        report(total, total, "results")

    def to_dict(self) -> dict[str, Any]:
        return {**self.header, "results": list(self.results())}

    def write(self, fh: TextIO, progress: Callable[[int, int, str], None] | None = None) -> None:
        """The document as JSON text: one key per line, one result per line (no indentation)."""
        fh.write("{")
        first = True
        for key, value in self.header.items():
            fh.write(("\n" if first else ",\n") + json.dumps(key) + ": ")
            first = False
            if key == "results":
                fh.write("[")
                for i, item in enumerate(self.results(progress)):
                    fh.write(("\n" if i == 0 else ",\n") + json.dumps(item, separators=(",", ":")))
                fh.write("\n]")
            else:
                fh.write(json.dumps(value))
        fh.write("\n}\n")


def assessment_json(assessment: Assessment, **kw: Any) -> dict[str, Any]:
    """The whole assessment document (docs/assessment.md) as one dict (``AssessmentDocument`` args)."""
    return AssessmentDocument(assessment, **kw).to_dict()


def workpaper_summary(workpaper: Workpaper | None) -> dict[str, Any] | None:
    if workpaper is None:
        return None
    return {
        "path": str(workpaper.path) if workpaper.path else "",
        "waivers": len(workpaper.waivers),
        "notes": len(workpaper.notes),
        "signoff": workpaper.signoff.to_json() if workpaper.signoff else None,
    }


def summary_json(
    assessment: Assessment, judgements: Iterable[Judgement], controls: Mapping[str, Control]
) -> dict[str, Any]:
    statuses: Counter[str] = Counter()
    failed_by_severity: Counter[str] = Counter()
    failed_by_practice: Counter[str] = Counter()
    for r, j in zip(assessment.results, judgements, strict=True):
        statuses[j.status] += 1
        if j.status == "FAIL":
            control = controls.get(r.control_id)
            if control is not None:
                failed_by_severity[control.severity] += 1
                failed_by_practice[control.practice] += 1
    return {
        "controls": len(assessment.controls),
        "results": len(assessment.results),
        "by_status": dict(sorted(statuses.items())),
        "failed_by_severity": dict(sorted(failed_by_severity.items())),
        "failed_by_practice": dict(sorted(failed_by_practice.items())),
        "seconds": round(assessment.seconds, 3),
    }


def collect_trust_findings(ctx: Any) -> list[TrustFinding]:
    """The trust findings of an assessment context, as the IAM controls compute them (one search).

    Give it the assessment's own context (``Assessment.context``): the IAM controls have then
    built the index (``trust_findings_by_kind``: trust policies, administrators and the escalation
    search of ``analysis.trust.escalation``) and it is read, not computed again (17 s at 500
    accounts). A fresh context computes it. The unused-credential kinds are not included: the IAM
    controls report those per user with the collection-time clock.
    """
    from analysis.rules.iam._trust import trust_findings_by_kind

    by_kind = trust_findings_by_kind(ctx)
    out = [f for per_account in by_kind.values() for findings in per_account.values() for f in findings]
    out.sort(key=lambda f: (f.kind, f.account_id, f.resource))
    return out


# -- pass rate per framework section (dashboard, Excel export) ------------------------------------

# Section names (CIS v5.0.0 top-level sections, NIST SP 800-53 Rev. 5 families) are those of
# analysis.rules.frameworks, where the mappings are checked.
SECTION_FRAMEWORKS = ("CIS", "FSBP", "NIST")


class StatusLike(Protocol):
    """A result or a findings row: what the pass rates read."""

    @property
    def control_id(self) -> str: ...

    @property
    def status(self) -> str: ...


@dataclasses.dataclass(frozen=True, kw_only=True)
class SectionRate:
    """The results of one framework section: PASS / (PASS + FAIL); waived, not assessed and errors apart."""

    framework: str  # "CIS" | "FSBP" | "NIST"
    section: str  # "1" (CIS), "S3" (FSBP service), "AC" (NIST family)
    title: str  # "Identity and Access Management", "S3", "Access Control"
    passed: int = 0
    failed: int = 0
    waived: int = 0
    not_assessed: int = 0
    errors: int = 0

    @property
    def rate(self) -> float | None:
        """Percentage passed of the decided results (None: nothing passed or failed)."""
        decided = self.passed + self.failed
        return 100.0 * self.passed / decided if decided else None

    @property
    def label(self) -> str:
        if not self.section:  # a whole framework
            return self.title
        if self.framework == "FSBP":
            return f"FSBP {self.section}"
        return f"{self.framework} {self.section} {self.title}"


def control_sections(control: Control) -> frozenset[tuple[str, str]]:
    """The (framework, section) pairs a control's mappings fall in: ("CIS", "1"), ("FSBP", "S3"), ("NIST", "AC")."""
    m = control.mappings
    return frozenset(
        [("CIS", i.split(".", 1)[0]) for i in m.cis]
        + [("FSBP", i.split(".", 1)[0]) for i in m.fsbp]
        + [("NIST", i.split("-", 1)[0].upper()) for i in m.nist]
    )


def section_title(framework: str, section: str) -> str:
    if framework == "CIS":
        return CIS_SECTIONS.get(section, f"Section {section}")
    if framework == "NIST":
        return NIST_FAMILIES.get(section, section)
    return section


def _section_order(key: tuple[str, str]) -> tuple[int, int, str]:
    framework, section = key
    number = int(section) if section.isdigit() else 1_000
    return (SECTION_FRAMEWORKS.index(framework), number, section.lower())


def _status_counts(items: Iterable[StatusLike], statuses: Sequence[str] | None) -> dict[str, Counter[str]]:
    """Per control id, its results by (reported) status (one counting pass in C: 300,000 rows in ~0.1 s)."""
    items = list(items)
    pairs = Counter(
        zip(
            (item.control_id for item in items),
            statuses if statuses is not None else (item.status for item in items),
            strict=True,  # a status per item, or a clear error
        )
    )
    per_control: dict[str, Counter[str]] = {}
    for (control_id, status), n in pairs.items():
        per_control.setdefault(control_id, Counter())[status] = n
    return per_control


def _rate(framework: str, section: str, title: str, c: Counter[str]) -> SectionRate:
    return SectionRate(
        framework=framework,
        section=section,
        title=title,
        passed=c[PASS],
        failed=c[FAIL],
        waived=c[WAIVED],
        not_assessed=c[NOT_ASSESSED],
        errors=c[ERROR],
    )


def pass_rates_by_section(
    items: Iterable[StatusLike], controls: Iterable[Control], *, statuses: Sequence[str] | None = None
) -> list[SectionRate]:
    """Per framework section, the results of the controls mapped into it, by status.

    ``items`` are results or findings rows (anything with ``control_id`` and ``status``); ``statuses``
    overrides each item's status (the workpaper's reported status, ``WAIVED`` included). A result
    counts once per section its control maps into (a control mapped to AC-2 and AC-6 counts once in
    AC). Every section a control of ``controls`` maps into is listed, with zeros when it has no
    results; results of controls not in ``controls`` are not counted. Ordered CIS, FSBP, NIST, then by
    section number or name.
    """
    sections = {c.id: control_sections(c) for c in controls}
    counts: dict[tuple[str, str], Counter[str]] = {k: Counter() for s in sections.values() for k in s}
    for control_id, by_status in _status_counts(items, statuses).items():
        for key in sections.get(control_id, ()):
            counts[key].update(by_status)
    return [_rate(*key, section_title(*key), counts[key]) for key in sorted(counts, key=_section_order)]


def pass_rates_by_framework(
    items: Iterable[StatusLike], controls: Iterable[Control], *, statuses: Sequence[str] | None = None
) -> list[SectionRate]:
    """Per framework (section ""), the results of the controls mapped to it: each result counted once.

    As :func:`pass_rates_by_section`; the title is the framework's full name and version.
    """
    frameworks = {c.id: {fw for fw, _ in control_sections(c)} for c in controls}
    counts: dict[str, Counter[str]] = {fw: Counter() for s in frameworks.values() for fw in s}
    for control_id, by_status in _status_counts(items, statuses).items():
        for fw in frameworks.get(control_id, ()):
            counts[fw].update(by_status)
    titles = dict(zip(SECTION_FRAMEWORKS, FRAMEWORKS.values(), strict=True))
    return [_rate(fw, "", titles[fw], counts[fw]) for fw in SECTION_FRAMEWORKS if fw in counts]
