"""The IAM controls on the demo organization (docs/demo.md lists the weaknesses seeded there)."""

from __future__ import annotations

from typing import Any

from analysis.rules.assessment import assess
from analysis.rules.base import ERROR, FAIL
from analysis.rules.registry import control_modules


def test_demo_iam_weaknesses_fail(demo_inventory: Any) -> None:
    modules = [m for m in control_modules() if m.__name__.startswith("analysis.rules.iam.")]
    assessment = assess(demo_inventory, modules=modules)
    assert not [r for r in assessment.results if r.status == ERROR]

    def failing(control_id: str) -> set[str]:
        return {r.resource_id for r in assessment.by_control(control_id) if r.status == FAIL}

    assert {"bob.admin", "frank.ops", "grace.dev", "alice", "net-admin"} <= failing("iam_user_console_mfa")
    assert "legacy-automation" in failing("iam_access_key_rotated")
    assert "legacy-automation" in failing("iam_user_multiple_active_keys")
    assert {"legacy-automation", "frank.ops"} <= failing("iam_credentials_unused_90_days")
    assert {"legacy-automation", "alice", "net-admin"} <= failing("iam_user_policies_attached")
    assert "user/net-admin" in failing("iam_inline_policy_wildcard")
    assert "OrgAdministratorAccess" in failing("iam_policy_full_admin")
    assert {"alice", "bob.admin", "legacy-automation"} <= failing("iam_user_admin")
    assert "role/VendorSupport" in failing("iam_external_trust_without_external_id")
    assert "role/VendorMonitoring" not in failing("iam_external_trust_without_external_id")
    assert "role/GitHubActionsBuild" in failing("iam_oidc_trust_without_sub")
    assert {"role/LambdaDeployer", "user/web-ci"} <= failing("iam_escalation_path_to_admin")
    names = {
        demo_inventory.account_name(r.account_id)
        for r in assessment.by_control("iam_password_policy_min_length")
        if r.status == FAIL
    }
    assert "payments-dev" in names and "management" not in names and "master" not in names
