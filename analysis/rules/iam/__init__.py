"""IAM controls (root user, password policy, users and credentials, policies, administrators, trust)."""

CONTROL_MODULES = (
    # root user
    "iam_root_mfa",
    "iam_root_hardware_mfa",
    "iam_root_access_keys",
    "iam_root_used_recently",
    # password policy
    "iam_password_policy_exists",
    "iam_password_policy_min_length",
    "iam_password_policy_reuse",
    "iam_password_policy_strong",
    # users and their credentials
    "iam_user_console_mfa",
    "iam_user_mfa",
    "iam_access_key_rotated",
    "iam_user_multiple_active_keys",
    "iam_credentials_unused_45_days",
    "iam_credentials_unused_90_days",
    "iam_user_policies_attached",
    "iam_console_password_users",
    "iam_users_in_member_accounts",
    "iam_identity_center_in_use",
    # policies
    "iam_policy_full_admin",
    "iam_admin_policy_attached",
    "iam_policy_service_wildcard",
    "iam_inline_policy_wildcard",
    "iam_cloudshell_full_access",
    "iam_support_role",
    # administrators and trust (the trust graph)
    "iam_user_admin",
    "iam_principal_with_admin",
    "iam_escalation_path_to_admin",
    "iam_public_role_trust",
    "iam_external_trust_without_external_id",
    "iam_cross_account_trust_outside_org",
    "iam_oidc_trust_without_sub",
    "iam_unused_role",
)
