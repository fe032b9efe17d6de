"""Organizations controls (feature set, SCP guardrails judged by the policy engine, OU placement,
delegated administrators, RCP / tag / backup policies, the management account's use)."""

CONTROL_MODULES = (
    "organizations_all_features_enabled",
    "organizations_scps_in_use",
    "organizations_scp_protects_cloudtrail",
    "organizations_scp_protects_config",
    "organizations_scp_protects_guardduty",
    "organizations_scp_denies_leave_organization",
    "organizations_scp_region_restriction",
    "organizations_accounts_outside_ou",
    "organizations_security_delegated_admin",
    "organizations_rcps_in_use",
    "organizations_tag_policies_in_use",
    "organizations_backup_policies_in_use",
    "organizations_management_account_no_workloads",
)
