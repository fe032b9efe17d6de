"""The demo organization (docs/demo.md, "Data protection"): every seeded weakness is found, its good
counterpart passes, and no data control raises."""

from __future__ import annotations

from typing import Any

from analysis.rules.assessment import assess
from analysis.rules.base import ERROR, FAIL, PASS
from analysis.rules.registry import control_modules


def test_demo_data_findings(demo_inventory: Any) -> None:
    modules = [m for m in control_modules() if m.__name__.startswith("analysis.rules.data.")]
    results = assess(demo_inventory, modules=modules).results
    assert not [r for r in results if r.status == ERROR]
    status: dict[tuple[str, str], str] = {}
    for r in results:
        status[(r.control_id, r.resource_id)] = r.status

    def find(control: str, contains: str) -> str:
        matches = {s for (c, rid), s in status.items() if c == control and contains in rid}
        assert len(matches) == 1, f"{control} on {contains}: {matches}"
        return matches.pop()

    fails = [
        ("s3_bucket_public_read", "web-prod-public-site"),  # Principal "*" s3:GetObject
        ("s3_bucket_public_read", "payments-dev-exports"),  # public-read canned ACL
        ("s3_bucket_versioning", "payments-prod-reports"),
        ("lambda_function_not_public", "payments-webhook"),
        ("lambda_function_url_auth", "web-render"),
        ("lambda_runtime_supported", "legacy-report"),  # python3.7
        ("rds_instance_not_public", "payments-reporting"),
        ("rds_instance_storage_encrypted", "payments-reporting"),
        ("rds_snapshot_not_public", "reporting-export"),
        ("sns_topic_not_public", "web-events"),
        ("ecr_repository_not_public", "base-images"),
        ("data_resource_policy_outside_org", "payment-events"),  # the vendor account may send
        ("data_resource_policy_outside_org", "payments/db-master"),  # the vendor account may read
        ("secretsmanager_rotation_enabled", "payments/db-master"),
    ]
    for control, resource in fails:
        assert find(control, resource) == FAIL, (control, resource)
    passes = [
        ("s3_bucket_tls_only", "example-corp-cloudtrail-"),
        ("s3_bucket_kms_encryption", "example-corp-cloudtrail-"),
        ("s3_bucket_public_read", "web-prod-access-logs"),
        ("lambda_function_not_public", "payments-settlement"),  # S3 restricted by SourceAccount/SourceArn
        ("lambda_function_url_auth", "web-admin-api"),
        ("rds_instance_not_public", "payments-ledger"),
        ("rds_snapshot_not_public", "ledger-before-upgrade"),
        ("ecr_repository_not_public", "payments-api"),
    ]
    for control, resource in passes:
        assert find(control, resource) == PASS, (control, resource)
    kms = {r.message for r in results if r.control_id.startswith("kms_") and r.status == FAIL}
    assert any("alias/web-shared" in m for m in kms)  # key policy Principal "*"
    assert any("alias/legacy-app" in m for m in kms)  # rotation off
    assert any("scheduled for deletion" in m for m in kms)  # sandbox key pending deletion
