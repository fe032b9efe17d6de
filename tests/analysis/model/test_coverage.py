"""Collected, denied, absent or never asked: the coverage answers from call records alone."""

from __future__ import annotations

from analysis.model.coverage import ABSENT, COLLECTED, DENIED, ERROR, NOT_COLLECTED, REGION_DISABLED, Coverage
from snapshot.reader import CallRow


def call(
    i: int,
    operation: str,
    outcome: str,
    *,
    account: str = "111111111111",
    region: str = "us-east-1",
    params: dict | None = None,
    code: str | None = None,
) -> CallRow:
    return CallRow(
        id=i,
        call_key=f"k{i}",
        account_id=account,
        region=region,
        service="ec2",
        operation=operation,
        parameters=params or {},
        identity_arn="arn",
        started_at="t",
        duration_ms=1.0,
        outcome=outcome,
        error_code=code,
        error_message="msg" if code else None,
        attempts=1,
        page_count=1,
    )


MANIFEST = {
    "account_outcomes": {
        "111111111111": {
            "status": "partial",
            "regions_collected": ["us-east-1"],
            "regions_disabled": ["ap-east-1"],
        },
        "222222222222": {"status": "access_failed", "detail": "AssumeRole failed: AccessDenied"},
    },
    "scope": {"services": []},
}


def test_states_from_outcomes() -> None:
    cov = Coverage(
        calls=[
            call(1, "DescribeVpcs", "ok"),
            call(2, "DescribeFlowLogs", "access_denied", code="UnauthorizedOperation"),
            call(3, "GetEbsEncryptionByDefault", "throttled_then_ok"),
            call(4, "DescribeSecurityGroups", "ok", params={"p": 1}),
            call(5, "DescribeSecurityGroups", "error", params={"p": 2}, code="InternalError"),
            call(6, "GetThing", "absent", code="NoSuchEntity"),
        ],
        manifest=MANIFEST,
    )
    a, r = "111111111111", "us-east-1"
    assert cov.state(account_id=a, region=r, service="ec2", operation="DescribeVpcs").state == COLLECTED
    denied = cov.state(account_id=a, region=r, service="ec2", operation="DescribeFlowLogs")
    assert denied.state == DENIED and not denied.answered and "UnauthorizedOperation" in denied.reason
    assert denied.call_ids == (2,)
    assert cov.state(account_id=a, region=r, service="ec2", operation="GetEbsEncryptionByDefault").answered
    # One failed call among several makes the whole list incomplete...
    assert cov.state(account_id=a, region=r, service="ec2", operation="DescribeSecurityGroups").state == ERROR
    # ...but a question about one parameter set gets that call's answer.
    assert (
        cov.state(
            account_id=a, region=r, service="ec2", operation="DescribeSecurityGroups", parameters={"p": 1}
        ).state
        == COLLECTED
    )
    absent = cov.state(account_id=a, region=r, service="ec2", operation="GetThing")
    assert absent.state == ABSENT and absent.answered


def test_never_asked_says_why() -> None:
    cov = Coverage(calls=[call(1, "DescribeVpcs", "ok")], manifest=MANIFEST)
    failed = cov.state(account_id="222222222222", region="us-east-1", service="ec2", operation="DescribeVpcs")
    assert (
        failed.state == NOT_COLLECTED
        and "could not be collected" in failed.reason
        and "AccessDenied" in failed.reason
    )
    disabled = cov.state(
        account_id="111111111111", region="ap-east-1", service="ec2", operation="DescribeVpcs"
    )
    assert disabled.state == NOT_COLLECTED and "not enabled" in disabled.reason
    other = cov.state(account_id="333333333333", region="us-east-1", service="ec2", operation="DescribeVpcs")
    assert "not in the collection's scope" in other.reason


def test_gaps_list_what_could_not_be_collected() -> None:
    cov = Coverage(
        calls=[
            call(1, "DescribeVpcs", "ok"),
            call(2, "DescribeFlowLogs", "access_denied", code="UnauthorizedOperation"),
            call(3, "DescribeVpcs", "region_disabled", region="me-south-1", code="AuthFailure"),
        ],
        manifest=MANIFEST,
    )
    gaps = cov.gaps({"111111111111": "prod"})
    states = {(g.account_id, g.region, g.operation, g.state) for g in gaps}
    assert ("111111111111", "us-east-1", "DescribeFlowLogs", DENIED) in states
    assert ("111111111111", "me-south-1", "DescribeVpcs", REGION_DISABLED) in states
    assert ("222222222222", "*", "*", NOT_COLLECTED) in states
    assert not any(g.operation == "DescribeVpcs" and g.region == "us-east-1" for g in gaps)
    assert next(g for g in gaps if g.operation == "DescribeFlowLogs").account_name == "prod"
