"""IAM, per account: principals and policies, the credential report, account settings, federation.

IAM is a global service: called once per account, against the partition's global endpoint.
"""

from __future__ import annotations

from collectors.spec import Collector, From, Op, Poll

COLLECTOR = Collector(
    name="iam",
    service="iam",
    scope="global",
    description="Users, groups, roles, policies, credential report, password policy, MFA, federation providers",
    ops=(
        # Users, groups, roles (with trust policies), managed and inline policies, in one paginated call.
        Op(operation="GetAccountAuthorizationDetails"),
        # What GetAccountAuthorizationDetails leaves out: roles' MaxSessionDuration, and instance
        # profiles that have no role.
        Op(operation="ListRoles"),
        Op(operation="ListInstanceProfiles"),
        Op(
            operation="GenerateCredentialReport",
            poll=Poll(path="State", until=("COMPLETE",), interval_s=2.0, max_polls=30),
        ),
        Op(
            operation="GetCredentialReport",
            retry_codes=frozenset({"ReportInProgress", "ReportNotPresent", "ReportExpired"}),
        ),
        # NoSuchEntity: the account has no custom password policy (AWS defaults apply).
        Op(operation="GetAccountPasswordPolicy", absent_codes=frozenset({"NoSuchEntity"})),
        Op(operation="GetAccountSummary"),
        Op(operation="ListAccountAliases"),
        Op(operation="ListVirtualMFADevices"),
        Op(operation="ListSAMLProviders"),
        Op(
            operation="GetSAMLProvider",
            for_each=From(
                sources=("ListSAMLProviders",), path="SAMLProviderList[].Arn", param="SAMLProviderArn"
            ),
        ),
        Op(operation="ListOpenIDConnectProviders"),
        Op(
            operation="GetOpenIDConnectProvider",
            for_each=From(
                sources=("ListOpenIDConnectProviders",),
                path="OpenIDConnectProviderList[].Arn",
                param="OpenIDConnectProviderArn",
            ),
        ),
        Op(
            operation="ListAccessKeys",
            for_each=From(
                sources=("GetAccountAuthorizationDetails",),
                path="UserDetailList[].UserName",
                param="UserName",
            ),
        ),
        Op(
            operation="GetAccessKeyLastUsed",
            for_each=From(
                sources=("ListAccessKeys",), path="AccessKeyMetadata[].AccessKeyId", param="AccessKeyId"
            ),
        ),
    ),
)
