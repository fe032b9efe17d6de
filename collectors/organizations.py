"""AWS Organizations: the organization, its OU tree, accounts, policies of every type and their targets.

Called once per collection with the management account's (or a delegated
administrator's) credentials. Organizations is a global service.
"""

from __future__ import annotations

from collectors.spec import Collector, From, Op

# Every Organizations policy type we read; each is listed whether or not it is enabled
# (ListPolicies answers for disabled types too, with what exists).
POLICY_TYPES = (
    "SERVICE_CONTROL_POLICY",
    "RESOURCE_CONTROL_POLICY",
    "TAG_POLICY",
    "BACKUP_POLICY",
    "AISERVICES_OPT_OUT_POLICY",
)

NOT_IN_USE = frozenset({"AWSOrganizationsNotInUseException"})

COLLECTOR = Collector(
    name="organizations",
    service="organizations",
    scope="organization",
    description="Organization, roots, OU tree, accounts, policies and their targets, delegated administrators",
    ops=(
        Op(operation="DescribeOrganization", not_subscribed_codes=NOT_IN_USE),
        Op(operation="ListRoots", not_subscribed_codes=NOT_IN_USE),
        Op(
            operation="ListOrganizationalUnitsForParent",
            for_each=From(sources=("ListRoots",), path="Roots[].Id", param="ParentId"),
            recurse=From(
                sources=("ListOrganizationalUnitsForParent",),
                path="OrganizationalUnits[].Id",
                param="ParentId",
            ),
        ),
        Op(operation="ListAccounts", not_subscribed_codes=NOT_IN_USE),
        Op(
            operation="ListAccountsForParent",
            for_each=From(
                sources=("ListRoots", "ListOrganizationalUnitsForParent"),
                path="[Roots[].Id, OrganizationalUnits[].Id][][]",
                param="ParentId",
            ),
        ),
        Op(operation="ListPolicies", variants=tuple({"Filter": t} for t in POLICY_TYPES)),
        Op(
            operation="DescribePolicy",
            for_each=From(sources=("ListPolicies",), path="Policies[].Id", param="PolicyId"),
        ),
        Op(
            operation="ListTargetsForPolicy",
            for_each=From(sources=("ListPolicies",), path="Policies[].Id", param="PolicyId"),
        ),
        Op(operation="ListAWSServiceAccessForOrganization"),
        Op(operation="ListDelegatedAdministrators"),
        Op(
            operation="ListDelegatedServicesForAccount",
            for_each=From(
                sources=("ListDelegatedAdministrators",),
                path="DelegatedAdministrators[].Id",
                param="AccountId",
            ),
        ),
    ),
)
