"""Getting into member accounts: assume-role access and its credential refresh."""

from __future__ import annotations

from typing import Any

import pytest
from moto import mock_aws

from collectors.access import OrganizationsAccess
from tests.collectors.orgbuilder import build_org
from tests.support.faults import FaultyFactory, query_error


@pytest.fixture
def org() -> Any:
    with mock_aws():
        yield build_org()


def test_member_session_is_scoped_to_the_member_account(org: Any) -> None:
    factory = FaultyFactory()
    access = OrganizationsAccess(factory=factory, profile=None)
    member = org.accounts["audit"]
    acct = access.session_for(member, home_account_id=org.management)
    assert acct.session is not None and acct.attempt is not None
    assert acct.attempt.parameters["RoleArn"] == f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
    assert "Credentials" not in (acct.attempt.response or {})
    identity = factory.client(acct.session, "sts", "us-east-1").get_caller_identity()
    assert identity["Account"] == member
    # The management account uses the profile's own session: nothing to assume.
    home = access.session_for(org.management, home_account_id=org.management)
    assert home.attempt is None and home.session is access.home_session()


def test_external_id_is_sent_but_not_recorded(org: Any) -> None:
    sent: list[dict[str, Any]] = []

    def capture(service: str, operation: str, params: dict[str, Any]) -> Any:
        if operation == "AssumeRole":
            sent.append(dict(params))
        return None

    access = OrganizationsAccess(
        factory=FaultyFactory(rules=[capture]),
        profile=None,
        member_role="AuditRole",
        external_id="vendor-123",
    )
    acct = access.session_for(org.accounts["prod-a"], home_account_id=org.management)
    assert sent and sent[0]["ExternalId"] == "vendor-123"
    assert sent[0]["RoleArn"].endswith(":role/AuditRole")
    assert acct.attempt is not None and acct.attempt.parameters["ExternalId"] == "(provided)"


def test_credentials_are_refreshed_before_they_expire(org: Any) -> None:
    factory = FaultyFactory()
    # 900 s is the shortest AssumeRole duration; botocore refreshes within 15 minutes of expiry,
    # so every use of these credentials asks for fresh ones: a long run never works on expired keys.
    access = OrganizationsAccess(factory=factory, profile=None, duration_s=900)
    acct = access.session_for(org.accounts["prod-b"], home_account_id=org.management)
    assert acct.session is not None
    before = factory.sent.count(("sts", "AssumeRole"))
    sts = factory.client(acct.session, "sts", "us-east-1")
    sts.get_caller_identity()
    sts.get_caller_identity()
    assert factory.sent.count(("sts", "AssumeRole")) > before


def test_denied_member_role_is_an_attempt_not_an_exception(org: Any) -> None:
    def deny(service: str, operation: str, params: dict[str, Any]) -> Any:
        return query_error("AccessDenied", "nope", 403) if operation == "AssumeRole" else None

    access = OrganizationsAccess(factory=FaultyFactory(rules=[deny]), profile=None)
    acct = access.session_for(org.accounts["prod-b"], home_account_id=org.management)
    assert acct.session is None
    assert acct.attempt is not None and acct.attempt.error_code == "AccessDenied"
