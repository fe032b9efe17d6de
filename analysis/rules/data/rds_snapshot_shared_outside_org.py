"""Manual RDS snapshots are not shared with accounts outside the organization."""

from __future__ import annotations

from collections.abc import Iterator

from analysis.rules.base import FAIL, HIGH, PASS, Control, Mappings, Remediation, Result
from analysis.rules.context import AssessmentContext
from analysis.rules.data._common import organization_accounts, result
from analysis.rules.data._rds import (
    CLUSTER_SNAPSHOT_ATTRIBUTES,
    LIST_CLUSTER_SNAPSHOTS,
    LIST_SNAPSHOTS,
    SNAPSHOT_ATTRIBUTES,
    attributes_gap,
    snapshot_listing_gaps,
)

CONTROL = Control(
    id="rds_snapshot_shared_outside_org",
    title="RDS snapshots are not shared with accounts outside the organization",
    severity=HIGH,
    practice="data",
    service="rds",
    scope="resource",
    rationale=(
        "Sharing a manual snapshot with an account lets that account copy and restore the whole "
        "database. Within the organization this is a controlled backup or migration path; to an "
        "account outside it, the data leaves every guardrail the organization has. Each external "
        "account named in the restore attribute must be a known, approved recipient."
    ),
    remediation=Remediation(
        console="RDS console > Snapshots > the snapshot > Actions > Share snapshot > remove the external account IDs > Save.",
        cli=(
            "aws rds modify-db-snapshot-attribute --db-snapshot-identifier <snapshot> "
            "--attribute-name restore --values-to-remove <account-id>"
        ),
        terraform=(
            "# Only the backup administrators may share snapshots (an SCP on the workload OUs):\n"
            'data "aws_iam_policy_document" "no_external_snapshot_share" {\n'
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
            'resource "aws_organizations_policy" "no_external_snapshot_share" {\n'
            '  name    = "no_external_snapshot_share"\n'
            '  type    = "SERVICE_CONTROL_POLICY"\n'
            "  content = data.aws_iam_policy_document.no_external_snapshot_share.json\n"
            "}"
        ),
    ),
    inputs=(LIST_SNAPSHOTS, SNAPSHOT_ATTRIBUTES, LIST_CLUSTER_SNAPSHOTS, CLUSTER_SNAPSHOT_ATTRIBUTES),
    # Neither Prowler nor Security Hub CSPM has a check of this meaning: no framework mapping. See
    # docs/mappings.md.
    mappings=Mappings(),
)


def evaluate(ctx: AssessmentContext) -> Iterator[Result]:
    yield from snapshot_listing_gaps(ctx, CONTROL)
    members, unknown = organization_accounts(ctx)
    for snap in ctx.inventory.rds.snapshots.values():
        gap = attributes_gap(ctx, CONTROL, snap)
        if gap is not None:
            yield gap
            continue
        accounts = [a for a in snap.restore_shared_with if a != "all" and a != snap.account_id]
        if not accounts:
            yield result(
                CONTROL,
                snap,
                PASS,
                f"Snapshot {snap.identifier} is shared with no other account.",
                resource_id=snap.identifier,
            )
            continue
        if members is None:
            yield ctx.not_assessed(
                CONTROL,
                account_id=snap.account_id,
                region=snap.region,
                reason=unknown,
                call_ids=snap.call_ids,
                resource_arn=snap.arn,
                resource_id=snap.identifier,
            )
            continue
        outside = [a for a in accounts if a not in members]
        values = {"restore": list(snap.restore_shared_with), "outside_accounts": outside}
        if outside:
            yield result(
                CONTROL,
                snap,
                FAIL,
                f"Snapshot {snap.identifier} can be restored by {', '.join(outside)}, outside the organization.",
                resource_id=snap.identifier,
                values=values,
            )
        else:
            yield result(
                CONTROL,
                snap,
                PASS,
                f"Snapshot {snap.identifier} is shared only within the organization ({', '.join(accounts)}).",
                resource_id=snap.identifier,
                values=values,
            )
