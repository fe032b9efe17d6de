"""Manual RDS snapshots are not public (RDS.1)."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import CRITICAL, FAIL, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import result
from analysis.rules.data._rds import (
    CLUSTER_SNAPSHOT_ATTRIBUTES,
    LIST_CLUSTER_SNAPSHOTS,
    LIST_SNAPSHOTS,
    SNAPSHOT_ATTRIBUTES,
    attributes_gap,
    snapshot_listing_gaps,
)

CONTROL = Control(
    id="rds_snapshot_not_public",
    title="RDS snapshots are not public",
    severity=CRITICAL,
    practice="data",
    service="rds",
    scope="resource",
    rationale=(
        "A manual DB or cluster snapshot whose restore attribute lists 'all' can be copied and "
        "restored by every AWS account: the whole database, with its users' password hashes, "
        "leaves the organization with one API call. Unencrypted snapshots are the worst case; an "
        "encrypted one still exposes its existence and metadata."
    ),
    remediation=Remediation(
        console="RDS console > Snapshots > the snapshot > Actions > Share snapshot > DB snapshot visibility: Private > Save.",
        cli=(
            "aws rds modify-db-snapshot-attribute --db-snapshot-identifier <snapshot> "
            "--attribute-name restore --values-to-remove all"
        ),
        terraform=(
            "# Only the backup administrators may share snapshots (an SCP on the workload OUs):\n"
            'data "aws_iam_policy_document" "deny_public_snapshots" {\n'
            "  statement {\n"
            '    effect    = "Deny"\n'
            '    actions   = ["rds:ModifyDBSnapshotAttribute", "rds:ModifyDBClusterSnapshotAttribute"]\n'
            '    resources = ["*"]\n'
            "    condition {\n"
            '      test     = "ArnNotLike"\n'
            '      variable = "aws:PrincipalARN"\n'
            '      values   = ["arn:aws:iam::*:role/backup-admin"]\n'
            "    }\n"
            "  }\n"
            "}\n"
            'resource "aws_organizations_policy" "deny_public_snapshots" {\n'
            '  name    = "deny_public_snapshots"\n'
            '  type    = "SERVICE_CONTROL_POLICY"\n'
            "  content = data.aws_iam_policy_document.deny_public_snapshots.json\n"
            "}"
        ),
    ),
    inputs=(LIST_SNAPSHOTS, SNAPSHOT_ATTRIBUTES, LIST_CLUSTER_SNAPSHOTS, CLUSTER_SNAPSHOT_ATTRIBUTES),
    # Same check as Security Hub CSPM RDS.1; Prowler rds_snapshots_public_access. NIST from Security Hub's
    # related requirements. See docs/mappings.md.
    mappings=Mappings(
        fsbp=("RDS.1",),
        nist=(
            "AC-21",
            "AC-3",
            "AC-3(7)",
            "AC-4",
            "AC-4(21)",
            "AC-6",
            "SC-7",
            "SC-7(11)",
            "SC-7(16)",
            "SC-7(20)",
            "SC-7(21)",
            "SC-7(3)",
            "SC-7(4)",
            "SC-7(9)",
        ),
    ),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from snapshot_listing_gaps(ctx, CONTROL)
    for snap in ctx.inventory.rds.snapshots.values():
        gap = attributes_gap(ctx, CONTROL, snap)
        if gap is not None:
            yield gap
            continue
        values = {"restore": list(snap.restore_shared_with), "Encrypted": snap.encrypted}
        if snap.public:
            clear = " and unencrypted" if snap.encrypted is False else ""
            yield result(
                CONTROL,
                snap,
                FAIL,
                f"{snap.kind.capitalize()} snapshot {snap.identifier} is public{clear}: any AWS account can restore it.",
                resource_id=snap.identifier,
                values=values,
            )
        else:
            yield result(
                CONTROL,
                snap,
                PASS,
                f"Snapshot {snap.identifier} is not public.",
                resource_id=snap.identifier,
                values=values,
            )
