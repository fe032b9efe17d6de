"""``main.py collect``: read-only collection into a snapshot file.

Exit status: 0 every account collected; 3 finished, but some accounts or calls
could not be collected (see the summary and the log); 1 cancelled or sign-in
needed (the snapshot is resumable with --resume); 2 usage or file errors.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from cli.main import CliError
from cli.progress import TerminalProgress
from collectors.access import AccountAccess, OrganizationsAccess
from collectors.clients import ClientFactory
from collectors.registry import SELECTABLE
from collectors.runner import CollectionRequest, CollectionResult, collect
from snapshot import SnapshotError, SnapshotWriter
from snapshot.schema import M_SCOPE, M_STATUS

EXIT_OK, EXIT_STOPPED, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


def register(sub: Any) -> None:
    p = sub.add_parser(
        "collect",
        help="collect an organization read-only into a snapshot file",
        description="Collect the organization's structure and security configuration, read-only, into a "
        "snapshot file. Every call, its outcome and every response page are recorded.",
    )
    p.add_argument("--profile", help="AWS profile to start from (default: AWS_PROFILE or default)")
    p.add_argument("--out", help="the snapshot file to write (must not exist, unless --resume)")
    p.add_argument(
        "--resume",
        nargs="?",
        const=True,
        metavar="FILE",
        help="finish an interrupted collection (FILE, or the --out file) without redoing completed calls",
    )
    p.add_argument(
        "--via",
        choices=("organizations", "sso"),
        default=None,
        help="how to enter member accounts: assume a member role from the management account "
        "(organizations, default) or take IAM Identity Center role credentials (sso)",
    )
    p.add_argument(
        "--member-role",
        default=None,
        help="role assumed in each member account (default OrganizationAccountAccessRole)",
    )
    p.add_argument("--external-id", default=None, help="external id for the member role, if it requires one")
    p.add_argument(
        "--sso-role", default=None, help="permission set role to use in each account with --via sso"
    )
    p.add_argument("--accounts", nargs="+", default=None, metavar="ID", help="only these account ids")
    p.add_argument("--ous", nargs="+", default=None, metavar="OU", help="only accounts under these OU ids")
    p.add_argument("--regions", default=None, help="comma-separated regions (default: every enabled region)")
    p.add_argument(
        "--services",
        nargs="+",
        default=None,
        metavar="NAME",
        help=f"only these collectors ({', '.join(SELECTABLE)})",
    )
    p.add_argument("--workers", type=int, default=8, help="concurrent accounts/regions (default 8)")
    p.add_argument(
        "--retry-mode",
        choices=("standard", "adaptive"),
        default="standard",
        help="botocore retry mode (adaptive also rate-limits on throttling)",
    )
    p.add_argument("--max-attempts", type=int, default=10, help="botocore attempts per request (default 10)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path, resume = _target_path(args)
    if args.workers < 1 or args.workers > 64:
        raise CliError("--workers must be between 1 and 64")
    try:
        if resume:
            writer = SnapshotWriter.resume(path)
            request = _resumed_request(writer, args)
        else:
            request = _request_from_args(args)
            writer = SnapshotWriter.create(path, tool_version=_version())
    except SnapshotError as exc:
        raise CliError(str(exc)) from exc

    log_path = Path(str(path) + ".log")
    handler = _attach_log(log_path)
    progress = TerminalProgress()
    stop = threading.Event()
    previous = _install_interrupt(stop)
    try:
        factory = ClientFactory(
            retry_mode=args.retry_mode,
            max_attempts=args.max_attempts,
            max_pool=max(10, request.max_workers * 2),
        )
        access = _access_for(request, factory)
        logging.getLogger("collectors").info(
            "collect %s: %s", "resume" if resume else "start", request.to_manifest() | {"external_id": None}
        )
        result = collect(
            request=request,
            access=access,
            factory=factory,
            writer=writer,
            progress=progress,
            cancelled=stop.is_set,
        )
    finally:
        progress.close()
        signal.signal(signal.SIGINT, previous)
        writer.close()
        logging.getLogger("collectors").removeHandler(handler)
        handler.close()
    if result.calls == 0 and not resume:
        # Nothing was collected (the profile could not even be used): leave no empty file behind.
        path.unlink(missing_ok=True)
        raise CliError(result.message or "nothing was collected", status=EXIT_STOPPED)
    return _summarize(result, path, log_path)


def _target_path(args: argparse.Namespace) -> tuple[Path, bool]:
    if isinstance(args.resume, str):
        if args.out and Path(args.out) != Path(args.resume):
            raise CliError(
                "give the file to resume either as --resume FILE or as --out FILE --resume, not both"
            )
        return Path(args.resume), True
    if not args.out:
        raise CliError("--out FILE is required (the snapshot to write)")
    return Path(args.out), bool(args.resume)


def _request_from_args(args: argparse.Namespace) -> CollectionRequest:
    if args.via == "sso" and args.external_id:
        raise CliError("--external-id applies to --via organizations only")
    services = tuple(args.services or ())
    unknown = sorted(set(services) - set(SELECTABLE))
    if unknown:
        raise CliError(f"unknown service(s): {', '.join(unknown)} (known: {', '.join(SELECTABLE)})")
    regions = tuple(r.strip() for r in (args.regions or "").split(",") if r.strip())
    for account in args.accounts or ():
        if not (account.isdigit() and len(account) == 12):
            raise CliError(f"--accounts: {account!r} is not a 12-digit account id")
    return CollectionRequest(
        method=args.via or "organizations",
        profile=args.profile,
        member_role=args.member_role or "OrganizationAccountAccessRole",
        external_id=args.external_id,
        sso_role=args.sso_role,
        accounts=tuple(args.accounts or ()),
        ous=tuple(args.ous or ()),
        regions=regions,
        services=services,
        max_workers=args.workers,
    )


def _resumed_request(writer: SnapshotWriter, args: argparse.Namespace) -> CollectionRequest:
    status = writer.get_manifest(M_STATUS)
    scope = writer.get_manifest(M_SCOPE)
    if not isinstance(scope, dict):
        raise CliError(f"{writer.path} has no recorded scope to resume (status {status})")
    request = CollectionRequest.from_manifest(scope)
    # Credentials may be given afresh; the scope (accounts, regions, services) stays what was asked.
    overrides: dict[str, Any] = {"max_workers": args.workers}
    if args.profile:
        overrides["profile"] = args.profile
    if args.external_id:
        overrides["external_id"] = args.external_id
    return CollectionRequest(**{**request.__dict__, **overrides})


def _access_for(request: CollectionRequest, factory: ClientFactory) -> AccountAccess:
    if request.method == "sso":
        try:
            from collectors.auth.sso_access import SsoAccess
        except ImportError as exc:  # pragma: no cover - packaging error
            raise CliError(f"SSO access is unavailable: {exc}") from exc
        if not request.profile:
            raise CliError("--via sso needs --profile naming an SSO profile")
        return SsoAccess(factory=factory, profile=request.profile, sso_role=request.sso_role)
    return OrganizationsAccess(
        factory=factory,
        profile=request.profile,
        member_role=request.member_role,
        external_id=request.external_id,
    )


def _attach_log(log_path: Path) -> logging.Handler:
    try:
        handler: logging.Handler = logging.FileHandler(log_path, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write the log {log_path}: {exc}") from exc
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(message)s"))
    logger = logging.getLogger("collectors")
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    return handler


def _install_interrupt(stop: threading.Event) -> Any:
    def handler(signum: int, frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print("\ncancelling after the calls in flight (Ctrl-C again to abort)...", file=sys.stderr)

    try:
        return signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread (embedded use)
        return signal.getsignal(signal.SIGINT)


def _summarize(result: CollectionResult, path: Path, log_path: Path) -> int:
    out = sys.stdout
    problems = {k: v for k, v in result.accounts.items() if v.status not in ("collected",)}
    out.write(f"snapshot: {path}\n")
    out.write(
        f"status: {result.status}; {len(result.accounts)} account(s), {result.calls} calls "
        f"({result.replayed} replayed from the earlier run), {result.errors} errors, "
        f"{result.denied} denied, {result.throttled} throttled then ok\n"
    )
    for account_id, outcome in sorted(problems.items()):
        out.write(
            f"  {account_id} {outcome.name}: {outcome.status}"
            f"{': ' + outcome.detail if outcome.detail else ''}"
            f"{f' ({outcome.denied_calls} denied, {outcome.failed_calls} failed calls)' if outcome.denied_calls or outcome.failed_calls else ''}\n"
        )
    out.write(f"log: {log_path}\n")
    if result.status != "complete":
        print(
            f"error: collection stopped: {result.message}; resume with: main.py collect --resume {path}",
            file=sys.stderr,
        )
        return EXIT_STOPPED
    if problems or result.errors or result.denied:
        return EXIT_PARTIAL
    return EXIT_OK


def _version() -> str:
    from collectors import tool_version

    return tool_version()
