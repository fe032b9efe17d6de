"""The resource-policy reading behind the "public" and "outside the organization" controls, as a
table of (statement(s), expected). S3 API reference, PublicAccessBlockConfiguration ("Amazon S3
considers a bucket policy public unless..."): only fixed values of the listed keys narrow a
wildcard principal; IAM User Guide, "IAM JSON policy elements: Condition operators": ...IfExists
is true when the key is absent, ForAllValues is true for an empty set."""

from __future__ import annotations

from typing import Any

import pytest

from analysis.model.policy_doc import parse_policy_document
from analysis.rules.data._policies import grants_action, open_statements, outside_grants
from tests.analysis.rules.data.data_builders import ORG_ID, OUTSIDER, B, C, allow, deny, policy

GET = "s3:GetObject"


@pytest.mark.parametrize(
    ("statements", "is_open"),
    [
        ([allow("*", GET)], True),
        ([allow({"AWS": "*"}, GET)], True),
        ([allow({"AWS": "arn:aws:iam::*:root"}, GET)], True),  # wildcard account
        (
            [
                {
                    "Effect": "Allow",
                    "NotPrincipal": {"AWS": f"arn:aws:iam::{B}:root"},
                    "Action": GET,
                    "Resource": "*",
                }
            ],
            True,
        ),
        ([allow({"AWS": f"arn:aws:iam::{B}:root"}, GET)], False),
        (
            [allow({"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject")],
            False,
        ),  # services count only for Lambda
        ([allow("*", GET, condition={"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})], False),
        ([allow("*", GET, condition={"StringEquals": {"aws:PrincipalOrgID": ORG_ID}})], False),
        ([allow("*", GET, condition={"IpAddress": {"aws:SourceIp": ["198.51.100.0/24"]}})], False),
        ([allow("*", GET, condition={"IpAddress": {"aws:SourceIp": "::/0"}})], True),
        ([allow("*", GET, condition={"StringLike": {"aws:SourceArn": "arn:aws:s3:::*"}})], True),  # not fixed
        (
            [allow("*", GET, condition={"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}})],
            True,
        ),
        ([allow("*", GET, condition={"StringEqualsIfExists": {"aws:SourceAccount": B}})], True),
        (
            [
                allow(
                    "*",
                    GET,
                    condition={"ForAllValues:StringEquals": {"aws:PrincipalOrgPaths": "o-x/r-1/ou-1/"}},
                )
            ],
            True,
        ),
        (
            [allow("*", GET, condition={"StringNotEquals": {"aws:PrincipalOrgID": ORG_ID}})],
            True,
        ),  # negated allow
        ([allow("*", GET, condition={"Bool": {"aws:SecureTransport": "true"}})], True),  # says nothing of who
        # A data-perimeter Deny covering the Allow's actions narrows it; one covering less does not.
        (
            [allow("*", GET), deny("*", "s3:*", "*", {"StringNotEquals": {"aws:PrincipalOrgID": ORG_ID}})],
            False,
        ),
        (
            [
                allow("*", GET),
                deny("*", "s3:PutObject", "*", {"StringNotEquals": {"aws:PrincipalOrgID": ORG_ID}}),
            ],
            True,
        ),
        ([allow("*", GET), deny("*", "s3:*", "*", {"Bool": {"aws:SecureTransport": "false"}})], True),
    ],
)
def test_open_statements(statements: list[dict[str, Any]], is_open: bool) -> None:
    assert bool(open_statements(parse_policy_document(policy(*statements)))) is is_open


def test_service_principals_count_for_lambda() -> None:
    doc = parse_policy_document(policy(allow({"Service": "s3.amazonaws.com"}, "lambda:InvokeFunction")))
    assert not open_statements(doc)
    [found] = open_statements(doc, services_count=True)
    assert "s3.amazonaws.com" in found.why


@pytest.mark.parametrize(
    ("action", "not_action", "wanted", "expected"),
    [
        ("s3:*", None, ("s3:GetObject",), True),
        ("s3:Get*", None, ("s3:GetObject",), True),
        ("s3:PutObject", None, ("s3:GetObject",), False),
        (None, ["s3:Delete*"], ("s3:GetObject",), True),  # NotAction grants everything else
        (None, ["s3:*"], ("s3:GetObject",), False),
    ],
)
def test_grants_action(
    action: str | None, not_action: list[str] | None, wanted: tuple[str, ...], expected: bool
) -> None:
    st: dict[str, Any] = {"Effect": "Allow", "Principal": "*", "Resource": "*"}
    if action:
        st["Action"] = action
    if not_action:
        st["NotAction"] = not_action
    [statement] = parse_policy_document(policy(st)).statements
    assert grants_action(statement, wanted) is expected


def test_outside_grants() -> None:
    members = frozenset({B, C})
    doc = parse_policy_document(
        policy(
            allow({"AWS": [f"arn:aws:iam::{C}:role/reader", OUTSIDER]}, GET),
            allow({"AWS": OUTSIDER}, GET, condition={"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}),
            allow("*", GET, condition={"StringEquals": {"aws:PrincipalAccount": "123412341234"}}),
            deny({"AWS": OUTSIDER}, "s3:*"),
        )
    )
    grants = outside_grants(doc, owner=B, organization=members, organization_id=ORG_ID)
    assert [(st.index, accounts) for st, accounts in grants] == [(0, (OUTSIDER,)), (2, ("123412341234",))]
