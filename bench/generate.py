"""A synthetic, realistic large-organization snapshot, written directly (no moto, no AWS).

Why: moto is far too slow to stand up 500 accounts with 200 roles each and a network in
every region, and the analysis and the GUI must be measured on an organization of that size.

How: the organization-level calls (Organizations, the collecting identity, AssumeRole
evidence, DescribeRegions) are written as the runner writes them (``bench/gen_org.py``).
Every account collector of ``collectors/registry.py`` is then *run*, with the real
``collectors.calls.CallExecutor``, against a synthetic AWS: a fake botocore client per
service whose answers come from the ``bench/gen_<area>.py`` modules (IAM, Identity Center,
network, logging and detection, data protection). The executor expands for-each, nested
(``inherit``), cross-service (``Op.service``) and region-restricted ops and the ``$target``
pseudo-source exactly as in a collection, classifies error answers (denied, absent, not
subscribed) with the collector's own codes, scrubs secrets, and writes each call; only its
clock is replaced by a deterministic one. The calls in the file are therefore, by
construction, the calls the collectors make; the pages are shaped as botocore parses
AWS's answers (the tests check both).

Everything is deterministic for a seed: the same seed gives the same page digests (the run
record in the manifest carries the real wall-clock time of generation and is the only thing
that differs). ``GeneratedOrg.counts`` says how many records of each kind the Inventory
must find (``analysis.model.inventory.Inventory.counts`` keys).
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from botocore import xform_name

from bench import gen_data, gen_iam, gen_identity, gen_loadbalancers, gen_monitoring, gen_network, gen_s3
from bench.gen_common import (
    AUDITOR_ROLE,
    AUDITOR_SESSION,
    COLLECTED_AT,
    DEFAULT_REGIONS,
    GLOBAL,
    MEMBER_ROLE,
    Answer,
    ApiError,
    FakeClient,
    Tally,
    _ident,
    _Recorder,
    iso,
)
from bench.gen_iam import AccountIam, build_account_iam
from bench.gen_org import CORE_ACCOUNTS, _ec2_regions_calls, _organizations_calls, _sts_calls, build_org
from bench.gen_org_policies import build_org_policies
from bench.gen_world import AccountContext, Handler, OrgFacts
from collectors import tool_version
from collectors.calls import CallExecutor, CallTarget, Counters
from collectors.registry import ACCOUNT_COLLECTORS, ALL_COLLECTORS, collectors_named
from collectors.runner import AccountOutcome, CollectionRequest
from collectors.spec import TARGET_SOURCE, Collector
from snapshot import SnapshotError, SnapshotWriter
from snapshot.schema import (
    M_ACCOUNT_OUTCOMES,
    M_FINISHED_AT,
    M_IDENTITY,
    M_MANAGEMENT_ACCOUNT_ID,
    M_ORGANIZATION_ID,
    M_SCOPE,
    M_STARTED_AT,
    M_TOOL_VERSION,
    OUTCOME_ACCESS_DENIED,
    OUTCOME_ERROR,
)

__all__ = ["DEFAULT_REGIONS", "AccountIam", "GeneratedOrg", "build_account_iam", "generate_snapshot", "main"]

ProgressFn = Callable[[int, int, str], None]

# Every area's answers, by (boto3 service, operation).
HANDLERS: dict[tuple[str, str], Handler] = {
    **gen_iam.HANDLERS,
    **gen_identity.HANDLERS,
    **gen_monitoring.HANDLERS,
    **gen_network.HANDLERS,
    **gen_loadbalancers.HANDLERS,
    **gen_data.HANDLERS,
    **gen_s3.HANDLERS,
}


@dataclass(frozen=True, kw_only=True)
class GeneratedOrg:
    """What was generated: enough for tests and benchmarks to know what to expect."""

    path: Path
    organization_id: str
    management_account_id: str
    root_id: str
    account_ids: tuple[str, ...]  # every account in the organization, management first
    collected_account_ids: tuple[str, ...]  # accounts that could be entered and were collected
    ou_ids: tuple[str, ...]
    regions: tuple[str, ...]
    services: tuple[str, ...]  # the collectors run (--services names)
    calls: int
    pages: int
    digest: str
    # Records of each kind the Inventory must hold ("network.vpcs": 812), as Inventory.counts() keys them.
    counts: Mapping[str, int] = field(default_factory=dict)
    outcomes: Mapping[str, int] = field(default_factory=dict)  # calls per outcome


def _method_names(collectors: Sequence[Collector]) -> dict[str, dict[str, str]]:
    """botocore method name -> operation, per boto3 service, for every op the collectors declare."""
    out: dict[str, dict[str, str]] = {}
    for collector in collectors:
        for op in collector.ops:
            service = op.service or collector.service
            out.setdefault(service, {})[xform_name(op.operation)] = op.operation
    return out


def _responder(ctx: AccountContext, region: str) -> Callable[[str, str, Mapping[str, Any]], Answer]:
    def respond(service: str, operation: str, params: Mapping[str, Any]) -> Answer:
        handler = HANDLERS.get((service, operation))
        if handler is None:
            # A collector op no area answers yet: fail loudly (the executor records it as an error,
            # and the tests look for error calls).
            return ApiError(
                code="SyntheticNotImplemented", message=f"bench has no answer for {service}:{operation}"
            )
        return handler(ctx, region, params)

    return respond


def _collect_account(
    executor: CallExecutor,
    collectors: Sequence[Collector],
    ctx: AccountContext,
    regions: Sequence[str],
    methods: Mapping[str, Mapping[str, str]],
) -> None:
    """What the runner's units do for one account (collectors/runner.py run_collector), in sequence."""
    for collector in collectors:
        for region in [GLOBAL] if collector.scope == "global" else regions:
            respond = _responder(ctx, region)
            clients: dict[str, FakeClient] = {}

            def client_for(
                service: str, _clients: dict[str, FakeClient] = clients, _respond: Any = respond
            ) -> Any:
                if service not in _clients:
                    _clients[service] = FakeClient(
                        service=service, respond=_respond, methods=methods.get(service, {})
                    )
                return _clients[service]

            target = CallTarget(
                account_id=ctx.id,
                region=region,
                service=collector.service,
                identity_arn=ctx.identity_arn,
                client=lambda c=collector.service, f=client_for: f(c),
                clients=client_for,
            )
            results: dict[str, list[Any]] = {TARGET_SOURCE: [{"AccountId": ctx.id, "Region": region}]}
            for op in collector.ops:
                executor.run_op(target, op, results)


def generate_snapshot(
    path: str | Path,
    *,
    accounts: int = 500,
    regions: Sequence[str] = DEFAULT_REGIONS,
    roles_per_account: int = 200,
    users_per_account: int = 50,
    services: Sequence[str] | None = None,
    seed: int = 0,
    progress: ProgressFn | None = None,
) -> GeneratedOrg:
    """Write a complete synthetic snapshot to ``path`` (which must not exist yet).

    ``services``: the collectors to run (``--services`` names; None: all). ``progress(done,
    total, message)`` is called after each account.
    """
    if accounts < 1:
        raise ValueError("accounts must be at least 1")
    if roles_per_account < 1 or users_per_account < 0:
        raise ValueError("roles_per_account must be at least 1 and users_per_account at least 0")
    selected = collectors_named(list(services or ()))  # raises ValueError on unknown names
    account_collectors = [c for c in ACCOUNT_COLLECTORS if c in selected and c.name != "sts"]
    org = build_org(accounts=accounts, seed=seed)
    policies = build_org_policies(org, regions=regions, seed=seed)
    facts = OrgFacts.build(
        org,
        seed=seed,
        regions=regions,
        roles_per_account=roles_per_account,
        users_per_account=users_per_account,
    )
    mgmt = org.management
    home_identity = f"arn:aws:sts::{mgmt.id}:assumed-role/{AUDITOR_ROLE}/{AUDITOR_SESSION}"
    tally = Tally()
    methods = _method_names(ALL_COLLECTORS)
    writer = SnapshotWriter.create(path, tool_version=tool_version())
    quiet = logging.getLogger("collectors")
    level = quiet.level
    # The executor logs every denied call at WARNING; a synthetic run has thousands by design.
    quiet.setLevel(logging.ERROR)
    try:
        rec = _Recorder(writer=writer, seed=seed)
        request = CollectionRequest(
            method="organizations",
            profile="audit-management",
            regions=tuple(regions),
            services=tuple(services or ()),
        )
        scope = request.to_manifest()
        scope["synthetic"] = {
            "generator": "bench.generate",
            "seed": seed,
            "accounts": accounts,
            "roles_per_account": roles_per_account,
            "users_per_account": users_per_account,
        }
        writer.set_manifest(M_SCOPE, scope)
        writer.set_manifest(M_TOOL_VERSION, tool_version())
        writer.set_manifest(M_STARTED_AT, iso(COLLECTED_AT).replace("+00:00", "Z"))
        id_rng = random.Random(f"identity:{seed}")
        identity = {
            "UserId": f"AROA{_ident(id_rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 17)}:{AUDITOR_SESSION}",
            "Account": mgmt.id,
            "Arn": home_identity,
        }
        rec.record(
            account_id=mgmt.id,
            service="sts",
            operation="GetCallerIdentity",
            identity_arn=home_identity,
            pages=[identity],
        )
        writer.set_manifest(M_IDENTITY, {k: identity.get(k) for k in ("Account", "Arn", "UserId")})
        _organizations_calls(rec, org, policies, home_identity, seed)
        writer.set_manifest(M_ORGANIZATION_ID, org.id)
        writer.set_manifest(M_MANAGEMENT_ACCOUNT_ID, mgmt.id)

        outcomes: dict[str, AccountOutcome] = {}
        current: list[AccountOutcome] = []

        def on_call(target: CallTarget, operation: str, outcome: str) -> None:
            if outcome == OUTCOME_ACCESS_DENIED:
                current[-1].denied_calls += 1
            elif outcome == OUTCOME_ERROR:
                current[-1].failed_calls += 1

        counters = Counters()
        executor = CallExecutor(writer=rec, counters=counters, cancelled=lambda: False, on_call=on_call)  # type: ignore[arg-type]
        collected: list[str] = []
        active = [a for a in org.accounts if a.status == "ACTIVE"]
        core = {kind for kind, _ in CORE_ACCOUNTS}
        for i, account in enumerate(sorted(active, key=lambda a: a.id)):
            out = AccountOutcome(account_id=account.id, name=account.name)
            outcomes[account.id] = out
            current.append(out)
            fate = random.Random(f"fate:{seed}:{account.id}").random()
            # About one member account in 70 no longer has the member role (created outside the
            # account factory): AssumeRole is denied and the account cannot be collected.
            assume_denied = account.kind not in core and fate < 0.015
            identity_arn = _sts_calls(rec, org, account, home_identity, assume_denied)
            if identity_arn is None:
                role_arn = f"arn:aws:iam::{account.id}:role/{MEMBER_ROLE}"
                out.status = "access_failed"
                out.detail = (
                    f"AssumeRole failed: AccessDenied User: {home_identity} is not authorized to perform: "
                    f"sts:AssumeRole on resource: {role_arn}"
                )
            else:
                _ec2_regions_calls(rec, account, identity_arn, regions, out)
                ctx = AccountContext(
                    facts=facts, account=account, identity_arn=identity_arn, tally=tally, fate=fate
                )
                _collect_account(executor, account_collectors, ctx, out.regions_collected, methods)
                out.status = "partial" if (out.denied_calls or out.failed_calls) else "collected"
                collected.append(account.id)
            if progress is not None:
                progress(i + 1, len(active), f"account {account.id} ({account.name}): {out.status}")
        for account in org.accounts:
            if account.status != "ACTIVE":
                outcomes[account.id] = AccountOutcome(
                    account_id=account.id,
                    name=account.name,
                    status="skipped",
                    detail=f"account status {account.status}",
                )
        writer.set_manifest(M_ACCOUNT_OUTCOMES, {k: asdict(v) for k, v in sorted(outcomes.items())})
        writer.set_manifest(M_FINISHED_AT, rec.now.isoformat(timespec="milliseconds").replace("+00:00", "Z"))
        digest = writer.finish(status="complete")
        by_outcome: dict[str, int] = {}
        for *_, outcome in writer.call_outcomes():
            by_outcome[outcome] = by_outcome.get(outcome, 0) + 1
    finally:
        quiet.setLevel(level)
        writer.close()
    return GeneratedOrg(
        path=Path(path),
        organization_id=org.id,
        management_account_id=mgmt.id,
        root_id=org.root_id,
        account_ids=tuple(a.id for a in org.accounts),
        collected_account_ids=tuple(collected),
        ou_ids=tuple(o.id for o in org.ous),
        regions=tuple(regions),
        services=tuple(dict.fromkeys(c.name for c in account_collectors)),
        calls=rec.calls,
        pages=rec.pages,
        digest=digest,
        counts=tally.counts(),
        outcomes=dict(sorted(by_outcome.items())),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description="Write a synthetic large-organization snapshot."
    )
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--roles", type=int, default=200, help="roles per account (default 200)")
    parser.add_argument("--users", type=int, default=50, help="IAM users per account (default 50)")
    parser.add_argument(
        "--regions", default=",".join(DEFAULT_REGIONS), help="comma-separated regions in scope"
    )
    parser.add_argument("--services", default="", help="comma-separated collectors (default: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="bench/out/org500.snapshot", help="the snapshot file to create")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    regions = tuple(r.strip() for r in args.regions.split(",") if r.strip())
    services = tuple(s.strip() for s in args.services.split(",") if s.strip())

    def progress(done: int, total: int, message: str) -> None:
        if not args.quiet and (done == total or done % 25 == 0):
            print(f"[{done}/{total}] {message}", file=sys.stderr)

    try:
        org = generate_snapshot(
            args.out,
            accounts=args.accounts,
            regions=regions,
            roles_per_account=args.roles,
            users_per_account=args.users,
            services=services or None,
            seed=args.seed,
            progress=progress,
        )
    except (SnapshotError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"{org.path}: organization {org.organization_id}, {len(org.account_ids)} accounts "
        f"({len(org.collected_account_ids)} collected), {org.calls} calls, {org.pages} pages"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
