"""The ``export`` benchmark: 100,000 findings through the workbook's Findings path, next to a bare loop.

Each variant runs in its own process (``python -m bench.run --step export`` with
``AWB_EXPORT_VARIANT``), so that its peak memory is its own:

- ``rows``: the Findings rows generated (sorted, every column built) and thrown away: the share of
  the time that is not writing;
- ``pack``: ``exports.sheets.findings.rows`` through ``exports.xlsx_writer.XlsxWriter`` (every string
  checked and typed as text, quotePrefix where needed, wrapped columns with row heights, a hyperlink
  to Evidence per row, colour rules, autofilter) and saved: the workbook's Findings path;
- ``bare``: the same generated rows (a link as its text) appended to a bare openpyxl write-only
  sheet and saved: what openpyxl alone costs for the same cells;
- ``pack-lean``: the pack path with the rationale and remediation columns left empty: what repeating
  the control's text on each of its rows costs in time and file size.

The results are synthetic but shaped like real ones: the real controls (titles, rationale,
remediation, mappings), 500 accounts, ARNs and messages of real length, a tenth of the failures
waived, each citing one or two snapshot calls.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

N_FINDINGS = 100_000
VARIANTS = ("rows", "pack", "bare", "pack-lean")
LEAN_COLUMNS = (
    "Rationale",
    "Remediation (console)",
    "Remediation (CLI)",
    "Remediation (Terraform)",
)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class _Places:
    """What the Findings rows read of ``analysis.rules.report.OrgPlaces``."""

    def place(self, account_id: str) -> tuple[str, list[str], list[str]]:
        n = int(account_id[-3:]) if account_id else 0
        return (f"account-{n:03d}", ["Root", f"Workloads-{n % 6}", f"Prod-{n % 18}"], ["r-1", "ou-a", "ou-b"])

    def ou_ids(self, account_id: str) -> tuple[str, ...]:
        return ("r-1", "ou-a", "ou-b")


def synthetic_pack(n: int = N_FINDINGS, accounts: int = 500) -> Any:
    """A PackData with ``n`` results of the real controls (only what the Findings path reads)."""
    from datetime import date

    from analysis.rules.assessment import Assessment
    from analysis.rules.base import ERROR, FAIL, NOT_ASSESSED, PASS, Evidence, Result
    from analysis.rules.registry import controls
    from analysis.workpaper import WAIVED, Judgement, Waiver
    from exports.pack_data import PackData

    ctrls = controls()
    statuses = (FAIL, PASS, FAIL, PASS, NOT_ASSESSED, PASS, FAIL, ERROR, PASS, PASS)
    regions = ("us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2")
    waiver = Waiver(
        control_id="*",
        reason="accepted until the migration ends",
        owner="cloud-security",
        expires=date(2031, 1, 1),
    )
    results, judgements = [], []
    for i in range(n):
        account = f"{100000000000 + i % accounts}"
        region = regions[i % len(regions)]
        status = statuses[i % len(statuses)]
        results.append(
            Result(
                control_id=ctrls[i % len(ctrls)].id,
                status=status,
                account_id=account,
                region=region,
                resource_arn=f"arn:aws:ec2:{region}:{account}:security-group/sg-{i:017x}",
                resource_id=f"sg-{i:017x}",
                message=f"Security group sg-{i:017x} allows tcp 22 from 0.0.0.0/0 (rule sgr-{i:017x}); "
                "the rule is attached to 2 network interfaces",
                evidence=Evidence(call_ids=(1 + i % 50_000, 50_001 + i % 7) if i % 3 else (1 + i % 50_000,)),
            )
        )
        if status == FAIL and i % 10 == 0:
            judgements.append(Judgement(status=WAIVED, waiver=waiver))
        else:
            judgements.append(Judgement(status=status))
    assessment = Assessment(controls=tuple(ctrls), results=tuple(results), seconds=0.0)
    return PackData(
        snapshot_path=Path("synthetic.snapshot"),
        snapshot_sha256="0" * 64,
        integrity="intact",
        manifest={},
        inventory=cast(Any, None),
        assessment=assessment,
        judgements=judgements,
        places=cast(Any, _Places()),
        workpaper=None,
        exposure=None,
        trust_graph=None,
        trust_findings=(),
        tool_version="bench",
        generated_at="2025-01-01T00:00:00Z",
    )


def _findings_rows(data: Any, *, lean: bool = False) -> Iterator[tuple[Any, ...]]:
    from exports.options import ExportOptions
    from exports.sheets import findings

    # Evidence rows as the pack places them: one call per row, in call id order, after the header.
    def where(call_id: int) -> tuple[str, int]:
        return ("Evidence", call_id + 1)

    rows = findings.rows(data, ExportOptions(), evidence=where)
    if not lean:
        return rows
    drop = {i for i, c in enumerate(findings.SHEET.columns) if c.name in LEAN_COLUMNS}
    return (tuple(None if i in drop else v for i, v in enumerate(row)) for row in rows)


def step_export(args: argparse.Namespace) -> dict[str, Any]:
    import openpyxl

    from exports.sheets import findings
    from exports.xlsx_writer import Link, XlsxWriter

    variant = os.environ.get("AWB_EXPORT_VARIANT", "pack")
    if variant not in VARIANTS:
        raise SystemExit(f"AWB_EXPORT_VARIANT must be one of {VARIANTS}")
    data = synthetic_pack()
    baseline = _peak_mb()
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "findings.xlsx"
        t0, c0 = time.perf_counter(), time.process_time()
        rows = 0
        if variant == "rows":
            for _ in _findings_rows(data):
                rows += 1
        elif variant in ("pack", "pack-lean"):
            with XlsxWriter() as writer:
                writer.reserve(findings.SHEET)
                rows = writer.write(findings.SHEET, _findings_rows(data, lean=variant == "pack-lean")).rows
                writer.save(target)
        else:
            wb = openpyxl.Workbook(write_only=True)
            ws = wb.create_sheet(findings.SHEET.title)
            ws.append(findings.SHEET.header)
            for row in _findings_rows(data):
                ws.append([v.text if isinstance(v, Link) else v for v in row])
                rows += 1
            wb.save(target)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        size = target.stat().st_size / 1e6 if target.exists() else 0.0
    return {
        "variant": variant,
        "rows": rows,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": _peak_mb(),
        "baseline_mb": baseline,
        "file_mb": size,
    }


def figure_export(args: argparse.Namespace) -> str:
    from bench.run import _run_step

    got = {}
    for variant in VARIANTS:
        env = dict(os.environ, AWB_EXPORT_VARIANT=variant)
        got[variant] = _run_step("export", args, env=env)
        if "failed" in got[variant]:
            return f"export ({variant}): {got[variant]['failed']}"
    rows, pack, bare, lean = (got[v] for v in VARIANTS)

    def line(name: str, r: dict[str, Any]) -> str:
        size = f", file {r['file_mb']:.1f} MB" if r["file_mb"] else ""
        return (
            f"  {name}: {r['seconds']:.1f} s (CPU {r['cpu_seconds']:.1f} s), peak {r['peak_mb']:.0f} MB "
            f"(baseline {r['baseline_mb']:.0f} MB){size}"
        )

    return "\n".join(
        [
            f"export, Findings sheet of {pack['rows']:,} findings: pack path / bare openpyxl loop = "
            f"{pack['seconds'] / bare['seconds']:.2f}x wall, {pack['cpu_seconds'] / bare['cpu_seconds']:.2f}x CPU "
            "(aim: within 1.5x)",
            line("pack path (exports.xlsx_writer + sheets.findings)", pack),
            line("bare openpyxl write-only loop, same rows", bare),
            line("rows generated only (in both figures above)", rows),
            line("pack path without rationale and remediation text", lean),
        ]
    )
