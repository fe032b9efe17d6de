"""IAM controls (root user, password policy, users and credentials, policies, administrators, trust)."""

CONTROL_MODULES = ("iam_root_mfa",)
