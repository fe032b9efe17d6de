"""Build the demo snapshot: seed moto in-process, then run the real collection against it.

The collection is the same code an auditor runs against AWS (runner, access by
``OrganizationAccountAccessRole``, read-only guarded clients); only the endpoint
is moto's in-process mock. While it runs, the AWS environment variables are
replaced by fake credentials and empty config files, so a user's real profile,
endpoint or credentials can never be used, and they are restored afterwards.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from collectors import tool_version
from collectors.access import OrganizationsAccess
from collectors.clients import ClientFactory
from collectors.demo import DEMO_EXTRA_HINT, DemoBuildError, DemoUnavailable
from collectors.demo.seed import REGION, SEED_VERSION, seed_demo_organization
from collectors.runner import CollectionRequest, ProgressEvent, collect
from snapshot import INTACT, Snapshot, SnapshotError, SnapshotWriter

DEMO_REGIONS = ("us-east-1", "eu-west-1")
CACHE_DIR_NAME = "aws-org-audit-workbench"

# Environment variables that could point botocore at real credentials, profiles or endpoints.
_AWS_ENV_PREFIXES = ("AWS_", "MOTO_")
_ISOLATED_EXTRA = ("BOTO_CONFIG",)


@contextlib.contextmanager
def isolated_aws_environment() -> Iterator[None]:
    """Fake credentials and empty AWS config for the duration; the environment is restored after.

    botocore reads credentials, profiles, endpoints (AWS_ENDPOINT_URL*) and the config
    files from the environment ("Configuring environment variables", AWS CLI user
    guide); all of them are removed, so only moto can answer.
    """
    saved = {k: v for k, v in os.environ.items() if k.startswith(_AWS_ENV_PREFIXES) or k in _ISOLATED_EXTRA}
    with tempfile.TemporaryDirectory(prefix="aws-org-audit-demo-") as empty:
        try:
            for key in saved:
                del os.environ[key]
            os.environ.update(
                {
                    "AWS_ACCESS_KEY_ID": "testing",
                    "AWS_SECRET_ACCESS_KEY": "testing",
                    "AWS_DEFAULT_REGION": REGION,
                    "AWS_CONFIG_FILE": str(Path(empty) / "config"),
                    "AWS_SHARED_CREDENTIALS_FILE": str(Path(empty) / "credentials"),
                    "AWS_EC2_METADATA_DISABLED": "true",
                    # moto's ~1,200 built-in public AMIs (and the snapshots behind them) are created
                    # in every account's EC2 backend: slow, and not what a real account lists.
                    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
                }
            )
            yield
        finally:
            for key in [k for k in os.environ if k.startswith(_AWS_ENV_PREFIXES) or k in _ISOLATED_EXTRA]:
                del os.environ[key]
            os.environ.update(saved)


def _mock_aws() -> contextlib.AbstractContextManager[object]:
    try:
        from moto import mock_aws
    except ImportError as exc:
        raise DemoUnavailable(DEMO_EXTRA_HINT) from exc
    return mock_aws()


def build_demo_snapshot(
    path: Path,
    *,
    progress: Callable[[ProgressEvent], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Seed the demo organization and collect it into ``path`` (replaced atomically).

    The snapshot is written to a temporary file beside ``path`` and renamed only when
    the collection completed, so ``path`` is never a half-built file. Raises
    :class:`DemoUnavailable` without moto and :class:`DemoBuildError` on failure or cancel.
    """
    path = Path(path)
    report = progress or (lambda event: None)
    is_cancelled = cancelled or (lambda: False)
    mock = _mock_aws()
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.building")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with isolated_aws_environment(), mock:
            report(ProgressEvent(kind="phase", message="seeding the demo organization in moto"))
            try:
                seed_demo_organization()
            except (BotoCoreError, ClientError) as exc:
                raise DemoBuildError(f"seeding the demo organization in moto failed: {exc}") from exc
            if is_cancelled():
                raise DemoBuildError("building the demo snapshot was cancelled")
            factory = ClientFactory()
            writer = SnapshotWriter.create(tmp, tool_version=tool_version())
            try:
                result = collect(
                    request=CollectionRequest(
                        method="organizations",
                        regions=DEMO_REGIONS,
                    ),
                    access=OrganizationsAccess(factory=factory, profile=None),
                    factory=factory,
                    writer=writer,
                    progress=report,
                    cancelled=is_cancelled,
                )
            finally:
                writer.close()
        if result.status != "complete":
            raise DemoBuildError(f"building the demo snapshot stopped: {result.message or result.status}")
        # "partial" is expected: moto lacks some APIs (docs/demo.md lists them), and those calls are
        # recorded as errors, visible in the coverage view as they would be against AWS.
        failed = sorted(
            a.account_id
            for a in result.accounts.values()
            if a.status not in ("collected", "partial", "skipped")
        )
        if failed:
            raise DemoBuildError(f"the demo collection failed in account(s) {', '.join(failed)}")
        os.replace(tmp, path)
    except OSError as exc:
        raise DemoBuildError(
            f"cannot write the demo snapshot in {path.parent}: {exc.strerror or exc}"
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + "-journal").unlink(missing_ok=True)
    return path


# What the demo's emulator (moto 5.2) cannot answer, and what it answers as AWS does for a
# member account. These calls are recorded as they came back; the coverage view shows them.
EMULATOR_GAPS: dict[tuple[str, str], str] = {
    ("accessanalyzer", "ListAnalyzers"): "moto does not implement IAM Access Analyzer (404)",
    ("config", "DescribeComplianceByConfigRule"): "not implemented by moto",
    ("config", "DescribeConformancePacks"): "not implemented by moto",
    ("guardduty", "DescribeOrganizationConfiguration"): "not implemented by moto (404)",
    ("securityhub", "GetEnabledStandards"): "not implemented by moto (404)",
    ("sso-admin", "GetPermissionsBoundaryForPermissionSet"): "not implemented by moto",
    ("wafv2", "ListResourcesForWebACL"): "not implemented by moto",
}
EXPECTED_DENIALS: dict[tuple[str, str], str] = {
    ("securityhub", "DescribeOrganizationConfiguration"): "only the Security Hub administrator may call it",
}


def demo_snapshot_path() -> Path:
    """Where the demo snapshot is cached: per tool version and seed version."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    version = re.sub(r"[^\w.+-]", "_", tool_version())
    return Path(base) / CACHE_DIR_NAME / f"demo-{version}-{SEED_VERSION}.snapshot"


def _usable(path: Path) -> bool:
    try:
        with Snapshot.open(path) as snap:
            return snap.integrity == INTACT and snap.status == "complete"
    except SnapshotError:
        return False


def ensure_demo_snapshot(
    *, rebuild: bool = False, progress: Callable[[ProgressEvent], None] | None = None
) -> Path:
    """The cached demo snapshot, built first if it is missing, unusable, or ``rebuild`` is asked."""
    path = demo_snapshot_path()
    if not rebuild and path.exists() and _usable(path):
        return path
    return build_demo_snapshot(path, progress=progress)
