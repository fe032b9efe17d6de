"""Lambda controls. Lambda.1 (Security Hub): a function policy is public when it grants "*" (or a
service principal such as s3.amazonaws.com) without a fixed source condition like
AWS:SourceAccount. Function URLs (Lambda Developer Guide, "Control access to function URLs"):
AuthType NONE lets anyone invoke. Runtimes (Lambda Developer Guide, "Lambda runtimes"): a runtime
is deprecated from its deprecation date on. Execution roles are judged by the policy engine."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Result
from analysis.rules.data import (
    lambda_admin_execution_role,
    lambda_function_not_public,
    lambda_function_url_auth,
    lambda_runtime_supported,
)
from analysis.rules.data._lambda_runtimes import DEPRECATION_DATES, past_end_of_support
from tests.analysis.rules.data.data_builders import (
    EU,
    B,
    C,
    allow,
    by_resource,
    denied,
    function,
    policy,
    roles,
    run,
)

INVOKE = "lambda:InvokeFunction"


def _functions(results: list[Result]) -> dict[str, Result]:
    return by_resource([r for r in results if not r.resource_id.isdigit()])


def test_public_function_policy(tmp_path: Path) -> None:
    fn_arn = f"arn:aws:lambda:{EU}:{B}:function:"
    s3_scoped = {
        "StringEquals": {"AWS:SourceAccount": B},
        "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"},
    }
    calls = [
        *function(
            B, "anyone", function_policy=policy(allow("*", INVOKE, fn_arn + "anyone", sid="AllowAnyone"))
        ),
        *function(
            B,
            "s3-any-bucket",
            function_policy=policy(allow({"Service": "s3.amazonaws.com"}, INVOKE, fn_arn + "s3-any-bucket")),
        ),
        *function(
            B,
            "s3-scoped",
            function_policy=policy(
                allow({"Service": "s3.amazonaws.com"}, INVOKE, fn_arn + "s3-scoped", s3_scoped)
            ),
        ),
        *function(B, "partner", function_policy=policy(allow({"AWS": f"arn:aws:iam::{C}:root"}, INVOKE))),
        *function(B, "no-policy"),
        *function(B, "hidden", deny_ops=("GetPolicy",)),
    ]
    r = _functions(run(tmp_path, lambda_function_not_public, calls))
    assert r["anyone"].status == FAIL and r["anyone"].evidence.statements[0].startswith(
        "function policy statement 0 (Sid: AllowAnyone)"
    )
    assert (
        r["s3-any-bucket"].status == FAIL and "s3.amazonaws.com" in r["s3-any-bucket"].evidence.statements[0]
    )
    assert r["s3-scoped"].status == PASS and r["partner"].status == PASS and r["no-policy"].status == PASS
    assert r["hidden"].status == NOT_ASSESSED and "lambda:GetPolicy" in r["hidden"].message


def test_function_url_auth(tmp_path: Path) -> None:
    calls = [
        *function(B, "open-url", url_auth="NONE"),
        *function(B, "iam-url", url_auth="AWS_IAM"),
        *function(B, "no-url"),
        *function(B, "hidden", deny_ops=("GetFunctionUrlConfig",)),
    ]
    r = _functions(run(tmp_path, lambda_function_url_auth, calls))
    assert r["open-url"].status == FAIL and r["open-url"].evidence.values["AuthType"] == "NONE"
    assert r["iam-url"].status == PASS and r["no-url"].status == PASS
    assert r["hidden"].status == NOT_ASSESSED


def test_runtime_end_of_support_at_collection_time(tmp_path: Path) -> None:
    calls = [
        *function(B, "old", runtime="python3.7"),
        *function(B, "current", runtime="python3.13"),
        *function(B, "edge", runtime="nodejs20.x"),
        *function(B, "image", runtime=None, package_type="Image"),
        *function(B, "exotic", runtime="cobol1.x"),
    ]
    before = _functions(
        run(tmp_path / "a", lambda_runtime_supported, calls, now=datetime(2026, 4, 29, tzinfo=UTC))
    )
    assert before["old"].status == FAIL and "2023-12-04" in before["old"].message
    assert before["current"].status == PASS and before["edge"].status == PASS
    assert "image" not in before
    assert before["exotic"].status == NOT_ASSESSED and "not in the runtime table" in before["exotic"].message
    after = _functions(
        run(tmp_path / "b", lambda_runtime_supported, calls, now=datetime(2026, 4, 30, tzinfo=UTC))
    )
    assert after["edge"].status == FAIL  # deprecated on its date (nodejs20.x: 30 April 2026)


def test_runtime_table_is_dated_data() -> None:
    assert DEPRECATION_DATES["python3.8"].isoformat() == "2024-10-14"
    assert past_end_of_support("python3.12", datetime(2026, 1, 1, tzinfo=UTC)) is False
    assert past_end_of_support("unknown9", datetime(2026, 1, 1, tzinfo=UTC)) is None


def test_admin_execution_role(tmp_path: Path) -> None:
    admin = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    reader = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    calls = [
        roles(B, ("god-exec", admin), ("reader-exec", reader)),
        *function(B, "god", role=f"arn:aws:iam::{B}:role/god-exec"),
        *function(B, "reader", role=f"arn:aws:iam::{B}:role/reader-exec"),
        *function(C, "unknown-role"),
        denied("iam", "GetAccountAuthorizationDetails", C, "global"),
    ]
    r = _functions(run(tmp_path, lambda_admin_execution_role, calls))
    assert r["god"].status == FAIL and "administrator" in r["god"].message and r["god"].evidence.statements
    assert r["reader"].status == PASS
    assert (
        r["unknown-role"].status == NOT_ASSESSED
        and "GetAccountAuthorizationDetails" in r["unknown-role"].message
    )


def test_listing_denied(tmp_path: Path) -> None:
    results = run(tmp_path, lambda_function_not_public, [denied("lambda", "ListFunctions", B, EU)])
    [gap] = [r for r in results if (r.account_id, r.region) == (B, EU)]
    assert gap.status == NOT_ASSESSED and "lambda:ListFunctions" in gap.message
