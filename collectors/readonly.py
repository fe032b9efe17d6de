"""Read-only enforcement: the only operations this tool ever sends to AWS.

Every client the tool creates carries a botocore ``before-call`` hook that
refuses any operation not listed here, before a request is built or signed.
"""

from __future__ import annotations

from typing import Any

from collectors.registry import ALL_COLLECTORS

# Sign-in and account access: these obtain credentials or identify the caller; none changes
# anything in the client's accounts. (sso-oidc RegisterClient registers this tool as an OIDC
# client with the auditor's own IAM Identity Center, as the AWS CLI's 'aws sso login' does.)
SIGN_IN_OPERATIONS: frozenset[tuple[str, str]] = frozenset(
    {
        ("sts", "GetCallerIdentity"),
        ("sts", "AssumeRole"),
        ("sso", "ListAccounts"),
        ("sso", "ListAccountRoles"),
        ("sso", "GetRoleCredentials"),
        ("sso-oidc", "RegisterClient"),
        ("sso-oidc", "StartDeviceAuthorization"),
        ("sso-oidc", "CreateToken"),
        ("ec2", "DescribeRegions"),
    }
)

# Reads that are not named List/Describe/Get but are read-only, with the reason.
NON_GET_READS: dict[tuple[str, str], str] = {
    ("iam", "GenerateCredentialReport"): "asks IAM to build the credential report; part of SecurityAudit",
    (
        "ec2",
        "SearchTransitGatewayRoutes",
    ): "reads a transit gateway route table's routes (no Describe exists)",
}

READ_PREFIXES = ("List", "Describe", "Get")


def collection_operations() -> frozenset[tuple[str, str]]:
    return frozenset((op.service or c.service, op.operation) for c in ALL_COLLECTORS for op in c.ops)


ALLOWED_OPERATIONS: frozenset[tuple[str, str]] = (
    collection_operations() | SIGN_IN_OPERATIONS | frozenset(NON_GET_READS)
)


class ReadOnlyViolation(RuntimeError):
    """An operation outside the allowlist was about to be sent: a defect, never sent."""


def is_allowed(service: str, operation: str) -> bool:
    return (service, operation) in ALLOWED_OPERATIONS


def guard_client(client: Any, service: str) -> Any:
    """Attach the allowlist check to a botocore client and return it."""

    def _before_call(model: Any, **_: Any) -> None:
        if (service, model.name) not in ALLOWED_OPERATIONS:
            raise ReadOnlyViolation(f"refused {service}:{model.name}: not in the read-only allowlist")

    client.meta.events.register("before-call", _before_call, unique_id=f"awb-readonly-{id(client)}")
    return client
