"""The nodes of the trust graph: who or what can hold, or hand over, permissions.

A node id is the principal's ARN where it has one (users, roles, groups, SAML/OIDC
providers, permission sets, identity store users and groups). Principals without an ARN
of their own get a prefixed id: ``account:<id>`` ("any principal of account X whose own
policies allow it"), ``external:<id>`` (an AWS account outside the organization),
``service:<principal>``, ``federated:<name>`` (an identity provider the snapshot does not
hold, e.g. ``cognito-identity.amazonaws.com``), ``public:*`` and ``admin:<account>``
(full administrative control of an account: the goal of escalation paths).
"""

from __future__ import annotations

from dataclasses import dataclass

USER = "user"
ROLE = "role"
GROUP = "group"
ACCOUNT = "account"  # an account of the organization, as "any of its principals"
EXTERNAL_ACCOUNT = "external_account"  # an AWS account outside the organization
EXTERNAL_PRINCIPAL = "external_principal"  # a named principal the inventory does not hold
SAML_PROVIDER = "saml_provider"
OIDC_PROVIDER = "oidc_provider"
FEDERATED = "federated"  # a web identity provider named by its host (Cognito, Google...)
SERVICE = "service"
PUBLIC = "public"
PERMISSION_SET = "permission_set"
SSO_USER = "sso_user"
SSO_GROUP = "sso_group"
ADMIN = "admin"

PUBLIC_ID = "public:*"
PRINCIPAL_KINDS = frozenset({USER, ROLE})


@dataclass(frozen=True, kw_only=True)
class Node:
    """What the graph knows about one node; stored as the networkx node attribute ``node``."""

    id: str
    kind: str
    label: str
    account_id: str | None = None  # the account it lives in (None: AWS services, public, federated)
    in_organization: bool | None = None  # None: not an AWS account principal (service, federated...)
    detail: str = ""


def account_node_id(account_id: str) -> str:
    return f"account:{account_id}"


def external_node_id(account_id: str) -> str:
    return f"external:{account_id}"


def service_node_id(service: str) -> str:
    return f"service:{service.lower()}"


def federated_node_id(name: str) -> str:
    return f"federated:{name.lower()}"


def admin_node_id(account_id: str) -> str:
    return f"admin:{account_id}"


def account_of_arn(arn: str) -> str | None:
    """The account field of an ARN (``arn:partition:service:region:account:resource``), if any."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[4].isdigit():
        return parts[4]
    return None
