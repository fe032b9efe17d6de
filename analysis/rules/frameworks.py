"""The frameworks the controls map to, as data: what ids exist, and the section each id belongs to.

The catalogue's mappings (``Mappings`` in :mod:`analysis.rules.base`) are checked against these
lists by ``tests/analysis/rules/test_mappings.py``, and the dashboard groups results by the
sections named here. Where each list comes from (versions, how it was read) is in
``docs/mappings.md``:

- CIS AWS Foundations Benchmark v5.0.0: recommendation numbers and titles as in Prowler's
  ``cis_5.0_aws.json`` (Prowler 5.46.0); section names as in the benchmark.
- AWS Foundational Security Best Practices v1.0.0: the Security Hub CSPM controls that apply to
  the standard, from the Security Hub CSPM user guide's list for the standard. The control id's
  prefix names the service (``IAM.6`` -> ``IAM``), as Security Hub groups them.
- NIST SP 800-53 Rev. 5: the twenty control families of the catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

CIS_BENCHMARK = "CIS AWS Foundations Benchmark v5.0.0"
FSBP_STANDARD = "AWS Foundational Security Best Practices v1.0.0"
NIST_CATALOGUE = "NIST SP 800-53 Rev. 5"

# Top-level sections and the subsections that group the storage and EC2 recommendations.
CIS_SECTIONS: Mapping[str, str] = {
    "1": "Identity and Access Management",
    "2": "Storage",
    "2.1": "Simple Storage Service (S3)",
    "2.2": "Relational Database Service (RDS)",
    "2.3": "Elastic File System (EFS)",
    "3": "Logging",
    "4": "Monitoring",
    "5": "Networking",
    "5.1": "Elastic Compute Cloud (EC2)",
}

CIS_RECOMMENDATIONS: Mapping[str, str] = {
    "1.1": "Maintain current contact details",
    "1.2": "Ensure security contact information is registered",
    "1.3": "Ensure no 'root' user account access key exists",
    "1.4": "Ensure MFA is enabled for the 'root' user account",
    "1.5": "Ensure hardware MFA is enabled for the 'root' user account",
    "1.6": "Eliminate use of the 'root' user for administrative and daily tasks",
    "1.7": "Ensure IAM password policy requires minimum length of 14 or greater",
    "1.8": "Ensure IAM password policy prevents password reuse",
    "1.9": "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password",
    "1.10": "Do not create access keys during initial setup for IAM users with a console password",
    "1.11": "Ensure credentials unused for 45 days or more are disabled",
    "1.12": "Ensure there is only one active access key for any single IAM user",
    "1.13": "Ensure access keys are rotated every 90 days or less",
    "1.14": "Ensure IAM users receive permissions only through groups",
    "1.15": "Ensure IAM policies that allow full *:* administrative privileges are not attached",
    "1.16": "Ensure a support role has been created to manage incidents with AWS Support",
    "1.17": "Ensure IAM instance roles are used for AWS resource access from instances",
    "1.18": "Ensure that all expired SSL/TLS certificates stored in AWS IAM are removed",
    "1.19": "Ensure that IAM External Access Analyzer is enabled for all regions",
    "1.20": "Ensure IAM users are managed centrally via identity federation or AWS Organizations "
    "for multi-account environments",
    "1.21": "Ensure access to AWSCloudShellFullAccess is restricted",
    "2.1.1": "Ensure S3 Bucket Policy is set to deny HTTP requests",
    "2.1.2": "Ensure MFA Delete is enabled on S3 buckets",
    "2.1.3": "Ensure all data in Amazon S3 has been discovered, classified, and secured when necessary",
    "2.1.4": "Ensure that S3 is configured with 'Block Public Access' enabled",
    "2.2.1": "Ensure that encryption-at-rest is enabled for RDS instances",
    "2.2.2": "Ensure the Auto Minor Version Upgrade feature is enabled for RDS instances",
    "2.2.3": "Ensure that RDS instances are not publicly accessible",
    "2.2.4": "Ensure Multi-AZ deployments are used for enhanced availability in Amazon RDS",
    "2.3.1": "Ensure that encryption is enabled for EFS file systems",
    "3.1": "Ensure CloudTrail is enabled in all regions",
    "3.2": "Ensure CloudTrail log file validation is enabled",
    "3.3": "Ensure AWS Config is enabled in all regions",
    "3.4": "Ensure that server access logging is enabled on the CloudTrail S3 bucket",
    "3.5": "Ensure CloudTrail logs are encrypted at rest using KMS CMKs",
    "3.6": "Ensure rotation for customer-created symmetric CMKs is enabled",
    "3.7": "Ensure VPC flow logging is enabled in all VPCs",
    "3.8": "Ensure that object-level logging for write events is enabled for S3 buckets",
    "3.9": "Ensure that object-level logging for read events is enabled for S3 buckets",
    "4.1": "Ensure unauthorized API calls are monitored",
    "4.2": "Ensure management console sign-in without MFA is monitored",
    "4.3": "Ensure usage of the 'root' account is monitored",
    "4.4": "Ensure IAM policy changes are monitored",
    "4.5": "Ensure CloudTrail configuration changes are monitored",
    "4.6": "Ensure AWS Management Console authentication failures are monitored",
    "4.7": "Ensure disabling or scheduled deletion of customer created CMKs is monitored",
    "4.8": "Ensure S3 bucket policy changes are monitored",
    "4.9": "Ensure AWS Config configuration changes are monitored",
    "4.10": "Ensure security group changes are monitored",
    "4.11": "Ensure Network Access Control List (NACL) changes are monitored",
    "4.12": "Ensure changes to network gateways are monitored",
    "4.13": "Ensure route table changes are monitored",
    "4.14": "Ensure VPC changes are monitored",
    "4.15": "Ensure AWS Organizations changes are monitored",
    "4.16": "Ensure AWS Security Hub is enabled",
    "5.1.1": "Ensure EBS volume encryption is enabled in all regions",
    "5.1.2": "Ensure CIFS access is restricted to trusted networks to prevent unauthorized access",
    "5.2": "Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports",
    "5.3": "Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports",
    "5.4": "Ensure no security groups allow ingress from ::/0 to remote server administration ports",
    "5.5": "Ensure the default security group of every VPC restricts all traffic",
    "5.6": "Ensure routing tables for VPC peering are least access",
    "5.7": "Ensure that the EC2 Metadata Service only allows IMDSv2",
}


def _numbers(*spans: int | tuple[int, int]) -> tuple[int, ...]:
    """Control numbers from single numbers and inclusive (first, last) ranges."""
    out: list[int] = []
    for span in spans:
        out.extend(range(span[0], span[1] + 1) if isinstance(span, tuple) else (span,))
    return tuple(out)


# Service prefix -> the numbers of its controls that apply to the FSBP standard.
_FSBP_BY_SERVICE: Mapping[str, tuple[int, ...]] = {
    "Account": _numbers(1),
    "ACM": _numbers(1, 2),
    "APIGateway": _numbers((1, 5), 8, 9),
    "AppSync": _numbers(1, 2, 5, 6),
    "Athena": _numbers(4),
    "AutoScaling": _numbers(1, 2, 3, 5, 6, 9),
    "Backup": _numbers(1),
    "CloudFront": _numbers(1, (3, 10), 12, 13, 15, 16),
    "CloudTrail": _numbers(1, 2, 4, 5),
    "CodeBuild": _numbers((1, 4), 7),
    "Cognito": _numbers(2, 3),
    "Config": _numbers(1),
    "Connect": _numbers(2),
    "DataFirehose": _numbers(1),
    "DataSync": _numbers(1),
    "DMS": _numbers(1, (6, 13)),
    "DocumentDB": _numbers((1, 6)),
    "DynamoDB": _numbers(1, 2, 3, 6, 7),
    "EC2": _numbers((1, 4), (6, 10), (15, 21), (23, 25), 51, (55, 58), 60, (170, 173), 180, 181),
    "ECR": _numbers((1, 3)),
    "ECS": _numbers((1, 5), 8, 9, 10, 12, 16),
    "EFS": _numbers((1, 4), (6, 8)),
    "EKS": _numbers(1, 2, 3, 8),
    "ElastiCache": _numbers((1, 7)),
    "ElasticBeanstalk": _numbers((1, 3)),
    "ELB": _numbers((1, 10), (12, 14), 17, 18),
    "EMR": _numbers((1, 4)),
    "ES": _numbers((1, 8)),
    "EventBridge": _numbers(3),
    "FSx": _numbers((1, 5)),
    "Glue": _numbers(3, 4),
    "GuardDuty": _numbers(1, (5, 13)),
    "IAM": _numbers((1, 8), 21),
    "Inspector": _numbers((1, 4)),
    "Kinesis": _numbers(1, 3),
    "KMS": _numbers(1, 2, 3, 5),
    "Lambda": _numbers(1, 2, 5),
    "Macie": _numbers(1, 2),
    "MQ": _numbers(2, 3),
    "MSK": _numbers(1, (3, 6)),
    "Neptune": _numbers((1, 8)),
    "NetworkFirewall": _numbers((2, 6), 9, 10),
    "Opensearch": _numbers((1, 8), 10),
    "PCA": _numbers(1),
    "RDS": _numbers((1, 17), (19, 25), 27, (34, 37), (40, 48)),
    "Redshift": _numbers((1, 4), 6, 7, 8, 10, 15, 18),
    "RedshiftServerless": _numbers(1, 2, 3, 5, 6),
    "Route53": _numbers(2),
    "S3": _numbers(1, 2, 3, 5, 6, 8, 9, 12, 13, 19, 24, 25),
    "SageMaker": _numbers((1, 5), 8),
    "SecretsManager": _numbers((1, 4)),
    "ServiceCatalog": _numbers(1),
    "SNS": _numbers(4),
    "SQS": _numbers(1, 3),
    "SSM": _numbers((1, 4), 6, 7),
    "StepFunctions": _numbers(1),
    "Transfer": _numbers(2, 3),
    "WAF": _numbers((1, 4), (6, 8), 10, 12),
    "WorkSpaces": _numbers(1, 2),
}

FSBP_CONTROLS: frozenset[str] = frozenset(
    f"{service}.{number}" for service, numbers in _FSBP_BY_SERVICE.items() for number in numbers
)

NIST_FAMILIES: Mapping[str, str] = {
    "AC": "Access Control",
    "AT": "Awareness and Training",
    "AU": "Audit and Accountability",
    "CA": "Assessment, Authorization, and Monitoring",
    "CM": "Configuration Management",
    "CP": "Contingency Planning",
    "IA": "Identification and Authentication",
    "IR": "Incident Response",
    "MA": "Maintenance",
    "MP": "Media Protection",
    "PE": "Physical and Environmental Protection",
    "PL": "Planning",
    "PM": "Program Management",
    "PS": "Personnel Security",
    "PT": "PII Processing and Transparency",
    "RA": "Risk Assessment",
    "SA": "System and Services Acquisition",
    "SC": "System and Communications Protection",
    "SI": "System and Information Integrity",
    "SR": "Supply Chain Risk Management",
}

# A control ("AC-2") or a control enhancement ("AC-2(1)"), as Security Hub and the catalogue write them.
NIST_ID = re.compile(r"^(?P<family>[A-Z]{2})-(?P<number>[1-9]\d*)(?:\((?P<enhancement>[1-9]\d*)\))?$")
FSBP_ID = re.compile(r"^(?P<service>[A-Za-z][A-Za-z0-9]*)\.(?P<number>[1-9]\d*)$")


class UnknownFrameworkId(ValueError):
    """An id that is not in the framework's list (the message names the id and the list)."""


def cis_section(recommendation: str) -> tuple[str, str]:
    """The top-level CIS v5.0.0 section of a recommendation: ``"2.1.4"`` -> ``("2", "Storage")``."""
    if recommendation not in CIS_RECOMMENDATIONS:
        raise UnknownFrameworkId(f"{recommendation!r} is not a {CIS_BENCHMARK} recommendation number")
    number = recommendation.split(".", 1)[0]
    return number, CIS_SECTIONS[number]


def nist_family(control: str) -> tuple[str, str]:
    """The NIST SP 800-53 Rev. 5 family of a control: ``"SC-7(3)"`` -> ``("SC", "System and ...")``."""
    match = NIST_ID.match(control)
    if match is None or match["family"] not in NIST_FAMILIES:
        raise UnknownFrameworkId(f"{control!r} is not a {NIST_CATALOGUE} control such as AC-2 or AC-2(1)")
    return match["family"], NIST_FAMILIES[match["family"]]


def fsbp_service(control: str) -> str:
    """The service an FSBP control belongs to, as Security Hub names it: ``"IAM.6"`` -> ``"IAM"``."""
    if control not in FSBP_CONTROLS:
        raise UnknownFrameworkId(f"{control!r} is not a control of the {FSBP_STANDARD} standard")
    return control.split(".", 1)[0]
