"""IAM content data: AWS managed policies, service-linked roles, names (used by bench.gen_iam)."""

from __future__ import annotations

from typing import Any

from bench.gen_common import _allow, _pdoc

# AWS managed policies this generator attaches: (path, creation date, current version, document).
# The documents are AWS's for the small policies; for the service-linked role policies, which are
# long, only their first statements are kept (said in bench/README.md).
AWS_MANAGED: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "AdministratorAccess": ("/", "2015-02-06T18:39:46+00:00", "v1", _pdoc(_allow("*", "*"))),
    "PowerUserAccess": (
        "/",
        "2015-02-06T18:39:47+00:00",
        "v5",
        _pdoc(
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
            _allow(
                [
                    "iam:CreateServiceLinkedRole",
                    "iam:DeleteServiceLinkedRole",
                    "iam:ListRoles",
                    "organizations:DescribeOrganization",
                    "account:ListRegions",
                    "account:GetAccountInformation",
                ],
                "*",
            ),
        ),
    ),
    "IAMReadOnlyAccess": (
        "/",
        "2015-02-06T18:40:39+00:00",
        "v4",
        _pdoc(
            _allow(
                [
                    "iam:GenerateCredentialReport",
                    "iam:GenerateServiceLastAccessedDetails",
                    "iam:Get*",
                    "iam:List*",
                    "iam:SimulateCustomPolicy",
                    "iam:SimulatePrincipalPolicy",
                ],
                "*",
            )
        ),
    ),
    "AmazonS3ReadOnlyAccess": (
        "/",
        "2015-02-06T18:40:59+00:00",
        "v3",
        _pdoc(
            _allow(
                ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"],
                "*",
            )
        ),
    ),
    "AmazonEC2ReadOnlyAccess": (
        "/",
        "2015-02-06T18:40:17+00:00",
        "v2",
        _pdoc(
            _allow("ec2:Describe*", "*"),
            _allow("elasticloadbalancing:Describe*", "*"),
            _allow(["cloudwatch:ListMetrics", "cloudwatch:GetMetricStatistics", "cloudwatch:Describe*"], "*"),
            _allow("autoscaling:Describe*", "*"),
        ),
    ),
    "service-role/AWSLambdaBasicExecutionRole": (
        "/service-role/",
        "2015-04-09T15:03:43+00:00",
        "v1",
        _pdoc(_allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "*")),
    ),
    "AmazonSSMManagedInstanceCore": (
        "/",
        "2019-03-15T17:22:12+00:00",
        "v2",
        _pdoc(
            _allow(
                [
                    "ssm:DescribeAssociation",
                    "ssm:GetDeployablePatchSnapshotForInstance",
                    "ssm:GetDocument",
                    "ssm:DescribeDocument",
                    "ssm:GetManifest",
                    "ssm:GetParameter",
                    "ssm:GetParameters",
                    "ssm:ListAssociations",
                    "ssm:ListInstanceAssociations",
                    "ssm:PutInventory",
                    "ssm:PutComplianceItems",
                    "ssm:PutConfigurePackageResult",
                    "ssm:UpdateAssociationStatus",
                    "ssm:UpdateInstanceAssociationStatus",
                    "ssm:UpdateInstanceInformation",
                ],
                "*",
            ),
            _allow(
                [
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                ],
                "*",
            ),
            _allow(
                [
                    "ec2messages:AcknowledgeMessage",
                    "ec2messages:DeleteMessage",
                    "ec2messages:FailMessage",
                    "ec2messages:GetEndpoint",
                    "ec2messages:GetMessages",
                    "ec2messages:SendReply",
                ],
                "*",
            ),
        ),
    ),
    "aws-service-role/AWSOrganizationsServiceTrustPolicy": (
        "/aws-service-role/",
        "2017-10-10T23:04:07+00:00",
        "v2",
        _pdoc(
            _allow(
                ["iam:DeleteRole"],
                ["arn:aws:iam::*:role/aws-service-role/organizations.amazonaws.com/*"],
                "AllowDeletionOfServiceLinkedRoleForOrganizations",
            ),
            _allow(["iam:CreateServiceLinkedRole"], "*", "AllowCreationOfServiceLinkedRoles"),
        ),
    ),
    "aws-service-role/AWSSupportServiceRolePolicy": (
        "/aws-service-role/",
        "2018-04-19T18:04:44+00:00",
        "v38",
        _pdoc(
            _allow(
                ["iam:GetAccountSummary", "iam:ListAccountAliases", "ec2:DescribeRegions"],
                "*",
                "AWSSupportActions",
            )
        ),
    ),
    "aws-service-role/AWSConfigServiceRolePolicy": (
        "/aws-service-role/",
        "2018-05-30T23:31:46+00:00",
        "v60",
        _pdoc(
            _allow(
                [
                    "iam:GetAccountAuthorizationDetails",
                    "iam:GetAccountPasswordPolicy",
                    "iam:GetAccountSummary",
                ],
                "*",
                "AWSConfigServiceRolePolicyStatementID",
            )
        ),
    ),
    "aws-service-role/AmazonGuardDutyServiceRolePolicy": (
        "/aws-service-role/",
        "2017-11-28T20:12:59+00:00",
        "v9",
        _pdoc(
            _allow(
                ["ec2:DescribeInstances", "ec2:DescribeImages", "ec2:DescribeVpcEndpoints"],
                "*",
                "GuardDutyGetDescribeListPolicy",
            )
        ),
    ),
    "aws-service-role/AWSSecurityHubServiceRolePolicy": (
        "/aws-service-role/",
        "2018-11-27T23:47:51+00:00",
        "v15",
        _pdoc(
            _allow(
                [
                    "cloudtrail:DescribeTrails",
                    "cloudtrail:GetTrailStatus",
                    "config:DescribeConfigurationRecorders",
                ],
                "*",
                "SecurityHubServiceRolePermissions",
            )
        ),
    ),
}

SERVICE_LINKED_ROLES = (
    (
        "AWSServiceRoleForOrganizations",
        "organizations.amazonaws.com",
        "aws-service-role/AWSOrganizationsServiceTrustPolicy",
    ),
    ("AWSServiceRoleForSupport", "support.amazonaws.com", "aws-service-role/AWSSupportServiceRolePolicy"),
    ("AWSServiceRoleForConfig", "config.amazonaws.com", "aws-service-role/AWSConfigServiceRolePolicy"),
    (
        "AWSServiceRoleForAmazonGuardDuty",
        "guardduty.amazonaws.com",
        "aws-service-role/AmazonGuardDutyServiceRolePolicy",
    ),
    (
        "AWSServiceRoleForSecurityHub",
        "securityhub.amazonaws.com",
        "aws-service-role/AWSSecurityHubServiceRolePolicy",
    ),
)
SSO_PERMISSION_SETS = (
    ("AWSAdministratorAccess", ("AdministratorAccess",)),
    ("AWSPowerUserAccess", ("PowerUserAccess",)),
    ("AWSReadOnlyAccess", ("AmazonEC2ReadOnlyAccess", "AmazonS3ReadOnlyAccess", "IAMReadOnlyAccess")),
)
APPS = (
    "orders", "billing", "catalog", "search", "checkout", "inventory", "ledger", "reporting",
    "ingest", "feature-store", "notifications", "identity", "pricing", "shipping", "fraud", "etl",
)  # fmt: skip
APP_KINDS = ("lambda", "ecs-task", "ec2", "glue", "states", "vendor", "ops")
FIRST_NAMES = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yuki")  # fmt: skip
LAST_NAMES = ("smith", "jones", "garcia", "muller", "rossi", "dubois", "tanaka", "kowalski", "silva", "nguyen", "okafor", "larsen", "novak", "haddad", "murphy")  # fmt: skip
GROUPS = (
    ("Admins", ("AdministratorAccess",), None),
    (
        "Developers",
        ("PowerUserAccess",),
        ("DenyIamChanges", _pdoc({"Effect": "Deny", "Action": ["iam:*"], "Resource": "*"})),
    ),
    ("ReadOnly", ("AmazonEC2ReadOnlyAccess", "AmazonS3ReadOnlyAccess", "IAMReadOnlyAccess"), None),
    ("BillingAdmins", (), ("Billing", _pdoc(_allow(["aws-portal:*", "ce:*", "budgets:*", "cur:*"], "*")))),
    ("BreakGlass", ("AdministratorAccess",), None),
)
GITHUB_THUMBPRINT = "6938fd4d98bab03faadb97b34396831e3780aea1"
VENDOR_ACCOUNTS = (
    "464622532012",
    "292230985000",
    "803134961327",
)  # a monitoring, a backup and a FinOps vendor
