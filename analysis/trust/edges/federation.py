"""Federation edges: SAML and OIDC identity providers to the roles that trust them.

A ``Federated`` principal is a SAML provider ARN, an OIDC provider ARN
(``arn:aws:iam::<account>:oidc-provider/<host>/<path>``), or a public web identity
provider by name (``cognito-identity.amazonaws.com``, ``accounts.google.com``,
``graph.facebook.com``, ``www.amazon.com``) (IAM User Guide, "Create a role for web
identity or OIDC federation"). For OIDC the token claims are condition keys named after the
provider host (``token.actions.githubusercontent.com:sub``): a GitHub Actions trust without a
``sub`` condition lets any repository on GitHub assume the role.
"""

from __future__ import annotations

from analysis.trust.edges.assume_role import ASSUME_SAML, ASSUME_WEB, trust_ref
from analysis.trust.edges.base import BuildContext, Edge
from analysis.trust.nodes import (
    FEDERATED,
    OIDC_PROVIDER,
    SAML_PROVIDER,
    Node,
    account_of_arn,
    federated_node_id,
)

GITHUB_HOST = "token.actions.githubusercontent.com"


def oidc_host(value: str) -> str:
    """The provider host/path an OIDC provider ARN or name stands for (condition keys use it)."""
    if ":oidc-provider/" in value:
        return value.split(":oidc-provider/", 1)[1]
    return value


def provider_flavour(host: str) -> str:
    h = host.lower()
    if h.startswith(GITHUB_HOST):
        return "GitHub Actions"
    if h.startswith("oidc.eks."):
        return "EKS (IRSA)"
    if h.startswith("cognito-identity.amazonaws.com"):
        return "Cognito identity pool"
    if "gitlab" in h:
        return "GitLab CI"
    if h.startswith("app.terraform.io"):
        return "Terraform Cloud"
    return "OIDC"


def add_federation_edges(ctx: BuildContext) -> None:
    iam = ctx.inventory.iam
    for role in iam.roles.values():
        for grant in ctx.trust_grants(role):
            if grant.principal_type != "Federated" or grant.action not in (ASSUME_SAML, ASSUME_WEB):
                continue
            value = grant.value
            if ":saml-provider/" in value:
                provider = iam.saml_providers.get(value)
                source = ctx.node(
                    Node(
                        id=value,
                        kind=SAML_PROVIDER,
                        label=f"SAML {value.rsplit('/', 1)[-1]}",
                        account_id=account_of_arn(value),
                        detail="SAML 2.0 identity provider" + ("" if provider else " (not in the snapshot)"),
                    )
                )
                kind = "assume_role_saml"
            elif ":oidc-provider/" in value:
                host = oidc_host(value)
                source = ctx.node(
                    Node(
                        id=value,
                        kind=OIDC_PROVIDER,
                        label=f"{provider_flavour(host)} {host}",
                        account_id=account_of_arn(value),
                        detail="OIDC identity provider"
                        + ("" if value in iam.oidc_providers else " (not in the snapshot)"),
                    )
                )
                kind = "assume_role_web_identity"
            else:
                source = ctx.node(
                    Node(
                        id=federated_node_id(value),
                        kind=FEDERATED,
                        label=f"{provider_flavour(value)} {value}",
                        detail="a public web identity provider",
                    )
                )
                kind = "assume_role_web_identity"
            ctx.add(
                Edge(
                    source=source,
                    target=role.arn,
                    kind=kind,
                    technique=grant.action,
                    reason=f"the trust policy of {role.name} trusts identities of {value} ({grant.action})",
                    conditions=grant.conditions,
                    statements=(trust_ref(role, grant.statement),),
                    call_ids=role.call_ids,
                )
            )
