"""WAFv2 web ACLs (regional, and CloudFront scope in us-east-1), rules, associations, logging.

Web ACLs for CloudFront exist only in us-east-1 ("Scope": "CLOUDFRONT" must be called
there, WAFv2 API reference, ListWebACLs). Their associations are held by the CloudFront
distributions (``WebACLId``), not listed by ListResourcesForWebACL, which serves regional
ACLs only.

``ListWebACLs`` has no botocore paginator: one page of up to 100 ACLs per call (``Limit``
maximum). A ``NextMarker`` in the stored page tells the normalizer the list was cut short.
"""

from __future__ import annotations

from collectors.spec import Collector, From, Op

US_EAST_1 = ("us-east-1",)
# ListResourcesForWebACL answers one resource type per call (default APPLICATION_LOAD_BALANCER).
# AMPLIFY is left out: Amplify apps use CloudFront-scope ACLs, which this call does not serve.
REGIONAL_RESOURCE_TYPES = (
    "APPLICATION_LOAD_BALANCER",
    "API_GATEWAY",
    "APPSYNC",
    "COGNITO_USER_POOL",
    "APP_RUNNER_SERVICE",
    "VERIFIED_ACCESS_INSTANCE",
)
# "The specified resource does not exist": no logging configuration for this ACL.
NO_LOGGING = frozenset({"WAFNonexistentItemException"})

LIST_REGIONAL = "ListWebACLs.REGIONAL"
LIST_CLOUDFRONT = "ListWebACLs.CLOUDFRONT"

COLLECTORS: tuple[Collector, ...] = (
    Collector(
        name="wafv2",
        service="wafv2",
        scope="regional",
        description="WAFv2 web ACLs with their rules, associated resources and logging",
        ops=(
            Op(operation="ListWebACLs", name=LIST_REGIONAL, params={"Scope": "REGIONAL", "Limit": 100}),
            Op(
                operation="ListWebACLs",
                name=LIST_CLOUDFRONT,
                params={"Scope": "CLOUDFRONT", "Limit": 100},
                regions=US_EAST_1,
            ),
            Op(
                operation="GetWebACL",
                name="GetWebACL.REGIONAL",
                params={"Scope": "REGIONAL"},
                for_each=From(
                    sources=(LIST_REGIONAL,), path="WebACLs[]", fields={"Name": "Name", "Id": "Id"}
                ),
            ),
            Op(
                operation="GetWebACL",
                name="GetWebACL.CLOUDFRONT",
                params={"Scope": "CLOUDFRONT"},
                regions=US_EAST_1,
                for_each=From(
                    sources=(LIST_CLOUDFRONT,), path="WebACLs[]", fields={"Name": "Name", "Id": "Id"}
                ),
            ),
            Op(
                operation="GetLoggingConfiguration",
                absent_codes=NO_LOGGING,
                for_each=From(
                    sources=(LIST_REGIONAL, LIST_CLOUDFRONT), path="WebACLs[].ARN", param="ResourceArn"
                ),
            ),
            # Last: moto does not implement this call (in-process mock_aws raises instead of answering).
            *(
                Op(
                    operation="ListResourcesForWebACL",
                    name=f"ListResourcesForWebACL.{resource_type}",
                    params={"ResourceType": resource_type},
                    for_each=From(sources=(LIST_REGIONAL,), path="WebACLs[].ARN", param="WebACLArn"),
                )
                for resource_type in REGIONAL_RESOURCE_TYPES
            ),
        ),
    ),
)
