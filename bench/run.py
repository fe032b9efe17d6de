"""The benchmarks: ``python -m bench.run [--accounts N] [--only NAME]`` prints one figure per line.

Every measured step runs in a fresh Python process (``--step NAME``, which prints
one JSON line), so that its peak memory is its own: the figure is the process's
peak resident set size, ``resource.getrusage(RUSAGE_SELF).ru_maxrss``, which
includes the interpreter and the modules it imported (reported separately as
"baseline", measured after the imports and before the work).

Figures:

- ``collection``: the runner's ``CallExecutor`` (collectors/calls.py: read-only
  guard, pagination, scrubbing, for-each expansion, one SQLite transaction per
  call into a real snapshot) against ``bench.fake_endpoint`` in its own process,
  next to a bare botocore loop making the same calls at the same concurrency.
- ``generate``: writing the synthetic N-account snapshot (cached under bench/out/).
- ``open``: ``Snapshot.open`` with its integrity digest check over all records.
- ``ou-tree``: open plus ``analysis.model.organizations.build_organization``.
- ``inventory``: open plus ``analysis.model.inventory.build_inventory`` (every area), with the
  record counts per area, checked against what the generator says it wrote.
- ``iam`` (issue 4), on the Inventory built in the same process: policy evaluations per second
  for single requests (cold: a fresh ``PolicyEngine``, each request evaluated once; warm: the
  same requests again on that engine), the time and peak memory of ``build_trust_graph`` with
  every escalation edge, and the time of "who can reach admin in account X" (the slowest and
  the median over a sample of accounts, plus the management account).
- ``network`` (issue 5), on the Inventory built in the same process (timed apart): the network
  index (``analysis.network.build_network_index``), then the whole-organization internet exposure
  (``internet_exposure``: every interface, directly and through load balancers) and the network
  findings, with their counts; the peak memory after each.

- ``export`` (issue 7): 100,000 synthetic findings through the workbook's Findings path
  (``exports.sheets.findings`` into ``exports.xlsx_writer``) next to a bare openpyxl write-only
  loop writing the same rows, each in its own process: time, CPU and peak memory, and the ratio
  (see ``bench/export_bench.py``).

Timings are never asserted anywhere; they are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.export_bench import figure_export, step_export

STEPS = (
    "collection",
    "generate",
    "open",
    "ou-tree",
    "inventory",
    "iam",
    "network",
    "assess",
    "findings-view",
    "export",
)
OUT_DIR = Path(__file__).resolve().parent / "out"
REPO = Path(__file__).resolve().parent.parent


def _peak_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def snapshot_path(accounts: int) -> Path:
    return OUT_DIR / f"org{accounts}.snapshot"


def _sidecar(accounts: int) -> Path:
    return OUT_DIR / f"org{accounts}.generate.json"


# -- steps (each runs in its own process) -------------------------------------------------


def step_generate(args: argparse.Namespace) -> dict[str, Any]:
    from bench.generate import generate_snapshot

    target = snapshot_path(args.accounts)
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    baseline = _peak_mb()
    t0 = time.perf_counter()
    org = generate_snapshot(partial, accounts=args.accounts, seed=args.seed)
    elapsed = time.perf_counter() - t0
    os.replace(partial, target)  # a killed run never leaves a half-written cache behind
    return {
        "seconds": elapsed,
        "peak_mb": _peak_mb(),
        "baseline_mb": baseline,
        "file_mb": target.stat().st_size / 1e6,
        "calls": org.calls,
        "pages": org.pages,
        "accounts": len(org.account_ids),
        "counts": dict(org.counts),
        "outcomes": dict(org.outcomes),
    }


def step_open(args: argparse.Namespace) -> dict[str, Any]:
    from snapshot import Snapshot

    baseline = _peak_mb()
    t0 = time.perf_counter()
    snap = Snapshot.open(snapshot_path(args.accounts))
    elapsed = time.perf_counter() - t0
    integrity = snap.integrity
    snap.close()
    return {"seconds": elapsed, "peak_mb": _peak_mb(), "baseline_mb": baseline, "integrity": integrity}


def step_ou_tree(args: argparse.Namespace) -> dict[str, Any]:
    from snapshot import Snapshot

    try:
        from analysis.model.organizations import build_organization
    except ImportError as exc:  # a colleague's module, not written yet
        return {"available": False, "reason": f"analysis.model.organizations.build_organization: {exc}"}
    baseline = _peak_mb()
    t0 = time.perf_counter()
    snap = Snapshot.open(snapshot_path(args.accounts))
    org = build_organization(snap)
    elapsed = time.perf_counter() - t0
    sizes = {name: len(getattr(org, name)) for name in ("ous", "accounts") if hasattr(org, name)}
    snap.close()
    return {"available": True, "seconds": elapsed, "peak_mb": _peak_mb(), "baseline_mb": baseline, **sizes}


def step_inventory(args: argparse.Namespace) -> dict[str, Any]:
    from analysis.model.inventory import build_inventory
    from snapshot import Snapshot

    baseline = _peak_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    snap = Snapshot.open(snapshot_path(args.accounts))
    opened = time.perf_counter() - t0
    inventory = build_inventory(snap)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    counts = inventory.counts()
    snap.close()
    result = {
        "seconds": elapsed,
        "cpu_seconds": cpu,  # this process's CPU time: steadier than wall time on a shared machine
        "open_seconds": opened,
        "peak_mb": _peak_mb(),
        "baseline_mb": baseline,
        "counts": counts,
        "records": sum(counts.values()),
    }
    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        build_inventory(Snapshot.open(snapshot_path(args.accounts)))
        prof.disable()
        out = OUT_DIR / "inventory.prof"
        prof.dump_stats(str(out))
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        result["profile"] = str(out)
    return result


# Actions the single-request figure asks about: a mix of what the trust graph and the
# simulator ask (AssumeRole, PassRole, escalation actions) and ordinary data-plane calls.
IAM_BENCH_ACTIONS = (
    "s3:GetObject",
    "sts:AssumeRole",
    "iam:PassRole",
    "iam:CreatePolicyVersion",
    "iam:AttachRolePolicy",
    "ec2:RunInstances",
    "kms:Decrypt",
    "lambda:UpdateFunctionCode",
    "dynamodb:PutItem",
    "iam:CreateUser",
)


def step_iam(args: argparse.Namespace) -> dict[str, Any]:
    import statistics

    from analysis.iam import PolicyEngine, Request
    from analysis.model.inventory import build_inventory
    from analysis.trust import build_trust_graph
    from analysis.trust.queries import who_can_reach_admin
    from snapshot import Snapshot

    baseline = _peak_mb()
    t0 = time.perf_counter()
    inventory = build_inventory(Snapshot.open(snapshot_path(args.accounts)))
    inventory_s = time.perf_counter() - t0
    inventory_mb = _peak_mb()

    # Single requests: every k-th principal (deterministic), each with every bench action.
    principals = sorted([*inventory.iam.users, *inventory.iam.roles])
    step = max(1, len(principals) // max(1, args.iam_requests // len(IAM_BENCH_ACTIONS)))
    requests = [
        Request(principal_arn=p, action=a, resource="*")
        for p in principals[::step]
        for a in IAM_BENCH_ACTIONS
    ][: args.iam_requests]
    engine = PolicyEngine(inventory=inventory)
    outcomes: dict[str, int] = {}
    # The first evaluation also loads the action catalogue and compiles lazily: timed on its own.
    t0 = time.perf_counter()
    first = engine.evaluate(requests[0])
    first_s = time.perf_counter() - t0
    outcomes[first.decision] = 1
    t0 = time.perf_counter()
    for r in requests[1:]:
        d = engine.evaluate(r)
        outcomes[d.decision] = outcomes.get(d.decision, 0) + 1
    cold_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for r in requests:
        engine.evaluate(r)
    warm_s = time.perf_counter() - t0

    # The whole trust graph with escalation edges, on a fresh engine (nothing pre-warmed).
    before_graph_mb = _peak_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    tg = build_trust_graph(inventory, engine=PolicyEngine(inventory=inventory))
    graph_s, graph_cpu = time.perf_counter() - t0, time.process_time() - c0
    graph_mb = _peak_mb()
    escalation = sum(1 for e in tg.all_edges() if e.kind in ("escalation", "pass_role"))

    # "Who can reach admin in account X" on a sample of accounts plus the management account, timed
    # as the GUI's result list needs it: every source with its distance and its first shortest path
    # (Reach.first_path). Then, apart, every shortest path of every source (up to 20 each, with
    # whether more exist), as `main.py paths --to-admin` writes them.
    accounts = sorted(tg.org.account_ids)
    sample = sorted({*accounts[:: max(1, len(accounts) // 20)], tg.org.management_account_id} - {""})
    query_s: dict[str, float] = {}
    all_paths_s: dict[str, float] = {}
    sources: dict[str, int] = {}
    paths_listed: dict[str, int] = {}
    for account in sample:
        t0 = time.perf_counter()
        reach = who_can_reach_admin(tg, account)
        first_paths = [r.first_path for r in reach]
        query_s[account] = time.perf_counter() - t0
        sources[account] = len(first_paths)
        t0 = time.perf_counter()
        reach = who_can_reach_admin(tg, account)
        paths_listed[account] = sum(len(r.paths) for r in reach)  # .paths finds .truncated too
        all_paths_s[account] = time.perf_counter() - t0
    slowest = max(query_s, key=lambda a: query_s[a])
    slowest_all = max(all_paths_s, key=lambda a: all_paths_s[a])
    return {
        "baseline_mb": baseline,
        "inventory_seconds": inventory_s,
        "inventory_peak_mb": inventory_mb,
        "requests": len(requests),
        "outcomes": outcomes,
        "first_request_seconds": first_s,
        "cold_per_s": (len(requests) - 1) / cold_s if cold_s > 0 else 0.0,
        "warm_per_s": len(requests) / warm_s,
        "graph_seconds": graph_s,
        "graph_cpu_seconds": graph_cpu,
        "graph_peak_mb": graph_mb,
        "before_graph_peak_mb": before_graph_mb,
        "nodes": tg.graph.number_of_nodes(),
        "edges": tg.graph.number_of_edges(),
        "escalation_edges": escalation,
        "evaluations": tg.evaluations,
        "graph_timings": dict(tg.timings),
        "query_accounts": len(sample),
        "query_max_seconds": query_s[slowest],
        "query_max_account": slowest,
        "query_max_sources": sources[slowest],
        "query_median_seconds": statistics.median(query_s.values()),
        "all_paths_max_seconds": all_paths_s[slowest_all],
        "all_paths_max_account": slowest_all,
        "all_paths_max_paths": paths_listed[slowest_all],
        "all_paths_median_seconds": statistics.median(all_paths_s.values()),
        "query_management_seconds": query_s.get(tg.org.management_account_id),
        "query_management_sources": sources.get(tg.org.management_account_id),
    }


def step_network(args: argparse.Namespace) -> dict[str, Any]:
    from collections import Counter

    from analysis.model.inventory import build_inventory
    from snapshot import Snapshot

    try:
        from analysis.network import build_network_index, internet_exposure
        from analysis.network.findings import network_findings
    except ImportError as exc:  # the engine of a colleague, not written yet
        return {"available": False, "reason": f"analysis.network: {exc}"}
    baseline = _peak_mb()
    t0 = time.perf_counter()
    snap = Snapshot.open(snapshot_path(args.accounts))
    inventory = build_inventory(snap)
    snap.close()
    inventory_s, inventory_mb = time.perf_counter() - t0, _peak_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    index = build_network_index(inventory)
    index_s = time.perf_counter() - t0
    index_mb = _peak_mb()
    t1 = time.perf_counter()
    report = internet_exposure(inventory, index=index)
    exposure_s, cpu = time.perf_counter() - t1, time.process_time() - c0
    exposure_mb = _peak_mb()
    t0 = time.perf_counter()
    findings = network_findings(inventory, report)
    findings_s = time.perf_counter() - t0
    exposures = report.exposures
    return {
        "available": True,
        "baseline_mb": baseline,
        "inventory_seconds": inventory_s,
        "inventory_peak_mb": inventory_mb,
        "index_seconds": index_s,
        "index_peak_mb": index_mb,
        "exposure_seconds": exposure_s,
        "cpu_seconds": cpu,  # index + exposure, this process's CPU time
        "exposure_peak_mb": exposure_mb,
        "engine_seconds": report.seconds,
        "interfaces_checked": report.interfaces_checked,
        "interfaces_total": len(inventory.network.network_interfaces),
        "exposures": len(exposures),
        "interfaces_exposed": len({e.network_interface_id for e in exposures}),
        "accounts_exposed": len({e.account_id for e in exposures}),
        "via_load_balancer": sum(1 for e in exposures if e.via == "load_balancer"),
        "management_exposures": sum(1 for e in exposures if e.management),
        "open_rules": len(report.open_rules),
        "open_rules_reachable": sum(1 for r in report.open_rules if r.reachable_on),
        "not_assessed": len(report.not_assessed),
        "findings_seconds": findings_s,
        "findings": dict(Counter(f"{f.kind}:{f.status}" for f in findings)),
        "peak_mb": _peak_mb(),
    }


def step_assess(args: argparse.Namespace) -> dict[str, Any]:
    """Every control on the snapshot as ``main.py assess --json`` runs it: the Inventory first (timed
    apart), then, with the cyclic garbage collector paused as the command pauses it, the assessment
    (the trust graph, the exposure and every control), then what ``--json`` adds (the trust findings
    read from the assessment's context, and the streamed document). ``--profile``: cProfile of the
    assessment (bench/out/assess.prof) and of the ``--json`` part (bench/out/assess-json.prof); the
    times printed are then the profiled ones."""
    import gc
    from collections import Counter, defaultdict

    from analysis.model.inventory import build_inventory
    from analysis.network import internet_exposure
    from analysis.rules.assessment import assess, gc_paused
    from analysis.rules.registry import control_modules
    from analysis.rules.report import AssessmentDocument, collect_trust_findings
    from analysis.trust.graph import build_trust_graph
    from snapshot import Snapshot

    baseline = _peak_mb()
    t0 = time.perf_counter()
    snap = Snapshot.open(snapshot_path(args.accounts))
    inventory = build_inventory(snap)
    snap.close()
    inventory_s, inventory_mb = time.perf_counter() - t0, _peak_mb()
    modules = control_modules()
    area_of = {m.CONTROL.id: m.__name__.split(".")[2] for m in modules}
    full_collections = [0]

    def count_full(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            full_collections[0] += 1

    gc.callbacks.append(count_full)
    profiler = _Profiler(args.profile)
    with gc_paused():
        t0, c0 = time.perf_counter(), time.process_time()
        with profiler.run("assess.prof"):
            graph = build_trust_graph(inventory)
            graph_s = time.perf_counter() - t0
            t1 = time.perf_counter()
            exposure = internet_exposure(inventory)
            exposure_s = time.perf_counter() - t1
            result = assess(inventory, modules=modules, trust_graph=graph, exposure=exposure)
        assess_s, assess_cpu = time.perf_counter() - t0, time.process_time() - c0
        assess_mb = _peak_mb()
        # What ``main.py assess --json`` adds: the trust findings (the index the IAM controls built,
        # read from the assessment's context) and the document, streamed to a file.
        t0, c0 = time.perf_counter(), time.process_time()
        with profiler.run("assess-json.prof"):
            findings = collect_trust_findings(result.context)
            trust_s = time.perf_counter() - t0
            t1 = time.perf_counter()
            doc = AssessmentDocument(
                result, inventory=inventory, exposure=exposure, trust_findings=findings, trust_graph=graph
            )
            with tempfile.TemporaryFile("w+", encoding="utf-8") as fh:
                doc.write(fh)
                document_bytes = fh.tell()
            document_s = time.perf_counter() - t1
        json_s, json_cpu = time.perf_counter() - t0, time.process_time() - c0
    gc.callbacks.remove(count_full)
    by_area: dict[str, float] = defaultdict(float)
    for control_id, seconds in result.timings.items():
        by_area[area_of.get(control_id, "?")] += seconds
    slowest = sorted(result.timings.items(), key=lambda kv: -kv[1])[:5]
    return {
        "baseline_mb": baseline,
        "inventory_seconds": inventory_s,
        "inventory_peak_mb": inventory_mb,
        "assess_seconds": assess_s,
        "assess_cpu_seconds": assess_cpu,
        "assess_peak_mb": assess_mb,
        "trust_graph_seconds": graph_s,
        "exposure_seconds": exposure_s,
        "controls_seconds": result.seconds,
        "controls": len(result.controls),
        "results": len(result.results),
        "by_status": dict(Counter(r.status for r in result.results)),
        "by_area_seconds": dict(sorted(by_area.items())),
        "slowest": slowest,
        "trust_findings": len(findings),
        "trust_findings_seconds": trust_s,
        "document_seconds": document_s,
        "document_mb": document_bytes / 1e6,
        "json_seconds": json_s,
        "json_cpu_seconds": json_cpu,
        "full_collections": full_collections[0],
        "profiles": profiler.written,
        "peak_mb": _peak_mb(),
    }


class _Profiler:
    """cProfile of a block into bench/out/NAME when enabled (its top lines go to stderr); else nothing."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.written: list[str] = []

    @contextlib.contextmanager
    def run(self, name: str) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        try:
            yield
        finally:
            prof.disable()
            out = OUT_DIR / name
            prof.dump_stats(str(out))
            self.written.append(str(out))
            print(f"-- {name}", file=sys.stderr)
            pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(30)


def step_collection(args: argparse.Namespace) -> dict[str, Any]:
    """Runner vs bare botocore against the fake endpoint at ``AWS_ENDPOINT_URL``."""
    import botocore.session

    from bench.fake_endpoint import bench_account
    from collectors import iam as iam_collector
    from collectors.calls import CallExecutor, CallTarget, Counters
    from collectors.clients import ClientFactory
    from snapshot import SnapshotWriter

    account = bench_account(users=args.users, roles=10, seed=args.seed)
    user_pages = [{"UserDetailList": [{"UserName": u["UserName"]} for u in account.users]}]
    ops = {op.operation: op for op in iam_collector.COLLECTOR.ops}
    factory = ClientFactory(max_pool=max(10, args.threads))

    def bare_round(first_account: int) -> tuple[int, float]:
        session = botocore.session.Session()
        clients = [
            session.create_client("iam", region_name="us-east-1", config=factory.config)
            for _ in range(args.units)
        ]

        def unit(i: int) -> int:
            client, calls = clients[i], 0
            key_ids: list[str] = []
            for user in account.users:
                for page in client.get_paginator("list_access_keys").paginate(UserName=user["UserName"]):
                    calls += 1
                    key_ids.extend(k["AccessKeyId"] for k in page["AccessKeyMetadata"])
            for key_id in key_ids:
                client.get_access_key_last_used(AccessKeyId=key_id)
                calls += 1
            return calls

        t0 = time.perf_counter()
        calls = _timed_pool(unit, args.units, args.threads)
        return calls, time.perf_counter() - t0

    def runner_round(first_account: int, tmp: Path, sequential: bool = False) -> tuple[int, float]:
        writer = SnapshotWriter.create(tmp / f"runner{first_account}.snapshot", tool_version="bench")
        counters = Counters()
        executor = CallExecutor(writer=writer, counters=counters, cancelled=lambda: False)
        home = factory.profile_session(None)
        # One light session and one guarded client per account, as the runner makes them.
        clients = [
            factory.client(factory.credentials_session(home.get_credentials()), "iam", "us-east-1")
            for _ in range(args.units)
        ]

        def unit(i: int) -> int:
            target = CallTarget(
                account_id=str(first_account + i),
                region="global",
                service="iam",
                identity_arn=f"arn:aws:sts::{first_account + i}:assumed-role/OrganizationAccountAccessRole/bench",
                client=lambda: clients[i],
            )
            results: dict[str, list[Any]] = {"GetAccountAuthorizationDetails": list(user_pages)}
            executor.run_op(target, ops["ListAccessKeys"], results)
            executor.run_op(target, ops["GetAccessKeyLastUsed"], results)
            return 0

        t0 = time.perf_counter()
        if sequential:  # in this thread, so that cProfile sees the calls
            for i in range(args.units):
                unit(i)
        else:
            _timed_pool(unit, args.units, args.threads)
        elapsed = time.perf_counter() - t0
        writer.close()
        return counters.calls, elapsed

    results: dict[str, Any] = {"threads": args.threads, "units": args.units}
    with tempfile.TemporaryDirectory(prefix="awb-bench-") as tmp_name:
        tmp = Path(tmp_name)
        # Warm up both paths once (service model loading, connection pools), then measure.
        args_units, args.units = args.units, min(2, args.units)
        bare_round(100000000000)
        runner_round(100000000000, tmp)
        args.units = args_units
        for mode, fn in (
            ("bare", lambda: bare_round(200000000000)),
            ("runner", lambda: runner_round(300000000000, tmp)),
        ):
            calls, elapsed = fn()  # timed around the calls only: clients are made before
            results[mode] = {"calls": calls, "seconds": elapsed, "calls_per_s": calls / elapsed}
        if args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            runner_round(400000000000, tmp, sequential=True)
            prof.disable()
            out = OUT_DIR / "collection-runner.prof"
            OUT_DIR.mkdir(parents=True, exist_ok=True)
            prof.dump_stats(str(out))
            stats = pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative")
            stats.print_stats(30)
            results["profile"] = str(out)
    return results


def _timed_pool(unit: Callable[[int], int], units: int, threads: int) -> int:
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return sum(pool.map(unit, range(units)))


def step_findings_view(args: argparse.Namespace) -> dict[str, Any]:
    """300,000 synthetic results into the findings view (offscreen): load, every filter, every sort, re-judging."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from dataclasses import replace
    from functools import partial

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, STATUSES, Evidence, Result
    from analysis.rules.registry import controls
    from ui.models.findings_model import WAIVED, FindingsFilter, FindingsModel, build_finding_rows
    from ui.views.findings_view import FindingsView

    app = QApplication.instance() or QApplication([])
    n = 300_000
    ctrls = controls()
    accounts = [f"{100000000000 + i}" for i in range(args.accounts)]
    regions = ("us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2")
    statuses = (FAIL, PASS, PASS, NOT_ASSESSED, *STATUSES)
    results = [
        Result(
            control_id=ctrls[i % len(ctrls)].id,
            status=statuses[i % len(statuses)],
            account_id=accounts[i % len(accounts)],
            region=regions[i % len(regions)],
            resource_arn=f"arn:aws:s3:::bucket-{i}",
            resource_id=f"bucket-{i}",
            message=f"synthetic result {i}",
            evidence=Evidence(call_ids=(i,)),
        )
        for i in range(n)
    ]
    places = {
        a: (f"acct-{a[-4:]}", ["Root", f"OU {int(a) % 20}"], ["r-1", f"ou-{int(a) % 20}"]) for a in accounts
    }
    baseline = _peak_mb()
    t0 = time.perf_counter()
    rows = build_finding_rows(results, ctrls, place=places.__getitem__)
    rows_seconds = time.perf_counter() - t0

    ops: list[tuple[str, float, int]] = []

    def timed(name: str, action: Callable[[], object], model: FindingsModel) -> None:
        start = time.perf_counter()
        action()
        model.rowCount()
        ops.append((name, time.perf_counter() - start, model.rowCount()))

    # What the auditor waits for when the assessment ends: the view loaded, choices filled, sorted.
    view = FindingsView()
    view.resize(1500, 900)
    t0 = time.perf_counter()
    view.set_findings(rows, ctrls, None)
    app.processEvents()
    view_seconds = time.perf_counter() - t0
    view.clear()

    model = FindingsModel()

    def load() -> None:
        model.set_rows(rows)
        model.sort(0)

    timed("load + sort by status", load, model)
    service = ctrls[0].service
    filters = (
        ("status Fail", FindingsFilter(statuses=frozenset({FAIL}))),
        ("severity high", FindingsFilter(severities=frozenset({"high"}))),
        (
            "status Fail + severity high",
            FindingsFilter(statuses=frozenset({FAIL}), severities=frozenset({"high"})),
        ),
        ("account", FindingsFilter(account_id=accounts[len(accounts) // 2])),
        ("OU", FindingsFilter(ou_id="ou-3")),
        ("region", FindingsFilter(region="eu-west-1")),
        (f"service {service}", FindingsFilter(service=service)),
        ("framework CIS", FindingsFilter(framework="CIS")),
        ("section NIST AC", FindingsFilter(section=("NIST", "AC"))),
        ("search bucket-29999", FindingsFilter(text="bucket-29999")),
        ("search 'synthetic' (every row)", FindingsFilter(text="synthetic")),
        ("status Fail + search 'result 1'", FindingsFilter(statuses=frozenset({FAIL}), text="result 1")),
        ("no filter", FindingsFilter()),
    )
    for name, f in filters:
        timed(f"filter: {name}", partial(model.set_filter, f), model)
    model.set_filter(FindingsFilter(statuses=frozenset({FAIL})))
    for col, key in enumerate(model.columns):
        timed(f"sort: {key} (first time)", partial(model.sort, col, Qt.SortOrder.AscendingOrder), model)
        timed(f"sort: {key} descending", partial(model.sort, col, Qt.SortOrder.DescendingOrder), model)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    held = model.rows()
    waived = [replace(r, status=WAIVED) if r.status == FAIL and r.index % 5 == 0 else r for r in held]
    changed = sum(a is not b for a, b in zip(held, waived, strict=True))
    timed(f"replace_rows: {changed:,} failures waived", partial(model.replace_rows, waived), model)
    app.processEvents()
    return {
        "rows": n,
        "rows_seconds": rows_seconds,
        "view_seconds": view_seconds,
        "ops": ops,
        "peak_mb": _peak_mb(),
        "baseline_mb": baseline,
    }


def figure_findings_view(args: argparse.Namespace) -> str:
    r = _run_step("findings-view", args)
    if "failed" in r:
        return f"findings view: {r['failed']}"
    lines = [
        f"findings view, {r['rows']:,} results (offscreen): rows built {r['rows_seconds']:.2f} s (in the worker), "
        f"view loaded (model, choices, sort) {r['view_seconds']:.2f} s; peak {r['peak_mb']:.0f} MB "
        f"(baseline {r['baseline_mb']:.0f} MB)"
    ]
    lines += [f"  {name}: {seconds * 1000:.0f} ms ({shown:,} shown)" for name, seconds, shown in r["ops"]]
    return "\n".join(lines)


STEP_FUNCTIONS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "collection": step_collection,
    "generate": step_generate,
    "open": step_open,
    "ou-tree": step_ou_tree,
    "inventory": step_inventory,
    "iam": step_iam,
    "network": step_network,
    "assess": step_assess,
    "findings-view": step_findings_view,
    "export": step_export,
}


# -- the driver ---------------------------------------------------------------------------


def _run_step(name: str, args: argparse.Namespace, env: dict[str, str] | None = None) -> dict[str, Any]:
    cmd = [
        sys.executable,
        "-m",
        "bench.run",
        "--step",
        name,
        "--accounts",
        str(args.accounts),
        "--seed",
        str(args.seed),
        "--threads",
        str(args.threads),
        "--units",
        str(args.units),
        "--users",
        str(args.users),
        "--iam-requests",
        str(args.iam_requests),
    ]
    if args.profile:
        cmd.append("--profile")
    proc = subprocess.run(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"failed": f"step {name} exited with status {proc.returncode}"}
    return dict(json.loads(lines[-1]))


def _isolated_aws_env(tmp: Path, endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "AKIABENCHBENCHBENCH0",
            "AWS_SECRET_ACCESS_KEY": "bench-not-a-secret",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": str(tmp / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "credentials"),
            "AWS_ENDPOINT_URL": endpoint,
        }
    )
    return env


def figure_collection(args: argparse.Namespace) -> str:
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.fake_endpoint", "--users", str(args.users), "--roles", "10"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        if not url.startswith("http://"):
            return "collection: the fake endpoint did not start"
        with tempfile.TemporaryDirectory(prefix="awb-bench-aws-") as tmp:
            r = _run_step("collection", args, env=_isolated_aws_env(Path(tmp), url))
    finally:
        server.terminate()
        server.wait(timeout=10)
    if "failed" in r:
        return f"collection: {r['failed']}"
    runner, bare = r["runner"]["calls_per_s"], r["bare"]["calls_per_s"]
    return (
        f"collection: runner {runner:.0f} calls/s vs bare botocore {bare:.0f} calls/s at {r['threads']} threads "
        f"({100 * runner / bare:.0f} %; {r['runner']['calls']} calls each, {r['units']} accounts)"
    )


def figure_generate(args: argparse.Namespace) -> str:
    path, sidecar = snapshot_path(args.accounts), _sidecar(args.accounts)
    if path.exists() and sidecar.exists() and not args.regenerate:
        r = json.loads(sidecar.read_text())
        note = " (cached; --regenerate to measure again)"
    else:
        path.unlink(missing_ok=True)
        r = _run_step("generate", args)
        if "failed" in r:
            return f"generate {args.accounts} accounts: {r['failed']}"
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        sidecar.write_text(json.dumps(r, indent=2))
        note = ""
    return (
        f"generate {args.accounts} accounts: {r['seconds']:.1f} s, peak {r['peak_mb']:.0f} MB "
        f"(baseline {r['baseline_mb']:.0f} MB), file {r['file_mb']:.0f} MB, {r['calls']} calls{note}"
    )


def figure_open(args: argparse.Namespace) -> str:
    r = _run_step("open", args)
    if "failed" in r:
        return f"open snapshot (digest check): {r['failed']}"
    return (
        f"open snapshot (digest check): {r['seconds']:.2f} s, peak {r['peak_mb']:.0f} MB "
        f"(baseline {r['baseline_mb']:.0f} MB), {r['integrity']}"
    )


def figure_ou_tree(args: argparse.Namespace) -> str:
    r = _run_step("ou-tree", args)
    if "failed" in r:
        return f"open to OU tree: {r['failed']}"
    if not r.get("available"):
        return f"open to OU tree: not available yet ({r['reason']})"
    sizes = ", ".join(f"{v} {k}" for k, v in r.items() if k in ("ous", "accounts"))
    return (
        f"open to OU tree: {r['seconds']:.2f} s, peak {r['peak_mb']:.0f} MB (baseline {r['baseline_mb']:.0f} MB)"
        + (f", {sizes}" if sizes else "")
    )


def figure_inventory(args: argparse.Namespace) -> str:
    r = _run_step("inventory", args)
    if "failed" in r:
        return f"open to Inventory: {r['failed']}"
    line = (
        f"open to Inventory: {r['seconds']:.2f} s (open {r['open_seconds']:.2f} s; CPU {r['cpu_seconds']:.2f} s), "
        f"peak {r['peak_mb']:.0f} MB "
        f"(baseline {r['baseline_mb']:.0f} MB), {r['records']} records"
    )
    sidecar = _sidecar(args.accounts)
    written = json.loads(sidecar.read_text()).get("counts") if sidecar.exists() else None
    if written is not None:
        line += (
            ", counts equal what the generator wrote"
            if written == r["counts"]
            else ", COUNTS DIFFER from the generator's"
        )
    by_area: dict[str, list[str]] = {}
    for key, n in r["counts"].items():
        area, kind = key.split(".", 1)
        by_area.setdefault(area, []).append(f"{kind} {n}")
    return line + "".join(f"\n  {area}: {', '.join(kinds)}" for area, kinds in by_area.items())


def figure_iam(args: argparse.Namespace) -> str:
    r = _run_step("iam", args)
    if "failed" in r:
        return f"iam: {r['failed']}"
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(r["outcomes"].items()))
    slowest = sorted(r["graph_timings"].items(), key=lambda kv: -kv[1])[:3]
    management = (
        f"; management account {r['query_management_seconds'] * 1000:.0f} ms "
        f"({r['query_management_sources']} sources)"
        if r["query_management_seconds"] is not None
        else ""
    )
    return (
        f"iam single requests: cold {r['cold_per_s']:.0f} evaluations/s, warm {r['warm_per_s']:.0f} evaluations/s "
        f"(first request {r['first_request_seconds'] * 1000:.0f} ms with the catalogue load; "
        f"{r['requests']} requests: {outcomes}; Inventory first: {r['inventory_seconds']:.1f} s, "
        f"peak {r['inventory_peak_mb']:.0f} MB)\n"
        f"trust graph with escalation edges: {r['graph_seconds']:.1f} s (CPU {r['graph_cpu_seconds']:.1f} s), "
        f"peak {r['graph_peak_mb']:.0f} MB (was {r['before_graph_peak_mb']:.0f} MB with the Inventory; "
        f"baseline {r['baseline_mb']:.0f} MB), {r['nodes']} nodes, {r['edges']} edges "
        f"({r['escalation_edges']} escalation/PassRole), {r['evaluations']} evaluations; slowest checkers: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in slowest)
        + f"\nwho can reach admin in account X (every source, its distance and first path): slowest "
        f"{r['query_max_seconds'] * 1000:.0f} ms (account {r['query_max_account']}, {r['query_max_sources']} "
        f"sources), median {r['query_median_seconds'] * 1000:.0f} ms over {r['query_accounts']} accounts"
        f"{management}; with every shortest path (up to 20 per source): slowest "
        f"{r['all_paths_max_seconds'] * 1000:.0f} ms ({r['all_paths_max_paths']} paths), "
        f"median {r['all_paths_median_seconds'] * 1000:.0f} ms"
    )


def figure_network(args: argparse.Namespace) -> str:
    r = _run_step("network", args)
    if "failed" in r:
        return f"network: {r['failed']}"
    if not r.get("available"):
        return f"network: not available yet ({r['reason']})"
    total = r["index_seconds"] + r["exposure_seconds"]
    findings = ", ".join(f"{k} {v}" for k, v in sorted(r["findings"].items()))
    return (
        f"internet exposure, whole organization: {total:.1f} s (index {r['index_seconds']:.1f} s, exposure "
        f"{r['exposure_seconds']:.1f} s; CPU {r['cpu_seconds']:.1f} s), peak {r['exposure_peak_mb']:.0f} MB "
        f"(was {r['inventory_peak_mb']:.0f} MB with the Inventory; baseline {r['baseline_mb']:.0f} MB; "
        f"Inventory first: {r['inventory_seconds']:.1f} s)\n"
        f"  {r['interfaces_checked']} of {r['interfaces_total']} interfaces checked: {r['exposures']} exposures on "
        f"{r['interfaces_exposed']} interfaces in {r['accounts_exposed']} accounts ({r['via_load_balancer']} through "
        f"load balancers, {r['management_exposures']} on management ports); {r['open_rules']} open rules, "
        f"{r['open_rules_reachable']} reachable; {r['not_assessed']} not assessed\n"
        f"  network findings: {r['findings_seconds']:.1f} s: {findings}"
    )


def figure_assess(args: argparse.Namespace) -> str:
    r = _run_step("assess", args)
    if "failed" in r:
        return f"assess: {r['failed']}"
    areas = ", ".join(f"{k} {v:.1f} s" for k, v in r["by_area_seconds"].items())
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(r["by_status"].items()))
    slowest = ", ".join(f"{k} {v:.1f} s" for k, v in r["slowest"])
    return (
        f"assessment, {r['controls']} controls: {r['assess_seconds']:.1f} s (CPU {r['assess_cpu_seconds']:.1f} s), "
        f"peak {r['assess_peak_mb']:.0f} MB (was {r['inventory_peak_mb']:.0f} MB with the Inventory; Inventory first: "
        f"{r['inventory_seconds']:.1f} s)\n"
        f"  {r['results']} results: {statuses}\n"
        f"  trust graph {r['trust_graph_seconds']:.1f} s, exposure {r['exposure_seconds']:.1f} s, controls "
        f"{r['controls_seconds']:.1f} s; per area: {areas}\n"
        f"  slowest controls: {slowest}\n"
        f"  assess --json adds: {r['json_seconds']:.1f} s (CPU {r['json_cpu_seconds']:.1f} s): trust findings "
        f"{r['trust_findings_seconds']:.1f} s ({r['trust_findings']}, read from the assessment), document "
        f"{r['document_seconds']:.1f} s ({r['document_mb']:.0f} MB of JSON); peak {r['peak_mb']:.0f} MB; "
        f"{r['full_collections']} full garbage collection(s)"
        + (f"\n  profiles: {', '.join(r['profiles'])}" if r["profiles"] else "")
    )


FIGURES: dict[str, Callable[[argparse.Namespace], str]] = {
    "collection": figure_collection,
    "generate": figure_generate,
    "open": figure_open,
    "ou-tree": figure_ou_tree,
    "inventory": figure_inventory,
    "iam": figure_iam,
    "network": figure_network,
    "assess": figure_assess,
    "findings-view": figure_findings_view,
    "export": figure_export,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description="Print the benchmark figures.")
    parser.add_argument("--accounts", type=int, default=500, help="size of the synthetic organization (500)")
    parser.add_argument("--only", choices=STEPS, help="one figure only")
    parser.add_argument(
        "--threads", type=int, default=8, help="collection concurrency (8, the runner's default)"
    )
    parser.add_argument("--units", type=int, default=24, help="accounts in the collection figure (24)")
    parser.add_argument(
        "--users", type=int, default=50, help="IAM users per account in the collection figure"
    )
    parser.add_argument(
        "--iam-requests", type=int, default=2000, help="single requests in the iam figure (2000)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--regenerate", action="store_true", help="generate the cached snapshot again")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile one runner round on one thread (collection), the Inventory build (inventory), "
        "or the assessment and its --json part (assess)",
    )
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if min(args.accounts, args.threads, args.units, args.users, args.iam_requests) < 1:
        print(
            "error: --accounts, --threads, --units, --users and --iam-requests must be at least 1",
            file=sys.stderr,
        )
        return 2
    if args.step:
        print(json.dumps(STEP_FUNCTIONS[args.step](args)), flush=True)
        return 0
    steps = [args.only] if args.only else list(STEPS)
    needs_file = any(s in ("open", "ou-tree", "inventory", "iam", "network", "assess") for s in steps)
    if needs_file and "generate" not in steps and not snapshot_path(args.accounts).exists():
        steps.insert(0, "generate")
    for name in steps:
        print(FIGURES[name](args), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
