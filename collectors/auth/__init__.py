"""Signing in to AWS: profiles, the shared SSO token cache, the SSO device login and SSO account access.

Modules: ``profiles`` (the AWS config as the CLI reads it), ``token_cache`` (the
``~/.aws/sso/cache`` files shared with the AWS CLI v2 and botocore), ``sso_login``
(the device-authorization sign-in) and ``sso_access`` (role credentials per account
through the IAM Identity Center portal).
"""
