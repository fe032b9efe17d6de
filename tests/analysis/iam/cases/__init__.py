"""Tables of evaluation cases: (policies, request, context, expected decision, the AWS statement followed).

Every case is a plain dict read by tests/analysis/iam/test_evaluation_table.py:
``doc`` (page + gist), ``identity`` (list of policy documents, or a single statement dict),
``boundary``, ``session``, ``scp``/``rcp`` (a list of levels, each a list of documents),
``resource_policy`` (+ ``resource_state``, ``required``), ``principal``/``principal_kind``,
``action``, ``resource``, ``resource_account``, ``context``, ``expect``, and optionally
``pending`` (the keys left pending) or ``deciding`` (kinds of the deciding statements).
"""

from __future__ import annotations

from typing import Any

ACCOUNT = "111122223333"
OTHER = "444455556666"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
OTHER_ROLE = f"arn:aws:iam::{OTHER}:role/partner"
BUCKET = "arn:aws:s3:::reports"
OBJECT = "arn:aws:s3:::reports/2026/q1.csv"

# Page names, as cited in the cases.
EVAL = "IAM UG, Policy evaluation logic"
XACCT = "IAM UG, Cross-account policy evaluation logic"
COND = "IAM UG, IAM JSON policy elements: Condition operators"
MULTI = "IAM UG, Creating a condition with multiple context keys or values"
SETS = "IAM UG, Set operators for multivalued context keys"
ACTION = "IAM UG, IAM JSON policy elements: Action"
NOTACTION = "IAM UG, IAM JSON policy elements: NotAction"
RESOURCE = "IAM UG, IAM JSON policy elements: Resource"
NOTRESOURCE = "IAM UG, IAM JSON policy elements: NotResource"
PRINCIPAL = "IAM UG, IAM JSON policy elements: Principal"
NOTPRINCIPAL = "IAM UG, IAM JSON policy elements: NotPrincipal"
VARS = "IAM UG, IAM policy elements: Variables and tags"
SCP = "Organizations UG, Service control policies (SCP evaluation / inheritance)"
RCP = "Organizations UG, Resource control policies"
BOUNDARY = "IAM UG, Permissions boundaries for IAM entities"
SESSION = "IAM UG, Policies and permissions: Session policies"
KMS = "KMS Developer Guide, Key policies (allow access to the account and enable IAM policies)"
TRUST = "IAM UG, Policy evaluation logic: role trust policies"


def allow(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def cond_case(
    gist: str,
    condition: dict[str, Any],
    context: dict[str, Any],
    expect: str,
    *,
    page: str = COND,
    pending: list[str] | None = None,
) -> dict[str, Any]:
    """One Allow statement guarded by ``condition``; the request carries ``context``."""
    case: dict[str, Any] = {
        "doc": f"{page}: {gist}",
        "identity": [doc(allow("s3:GetObject", "*", Condition=condition))],
        "action": "s3:GetObject",
        "resource": OBJECT,
        "context": context,
        "expect": expect,
    }
    if pending is not None:
        case["pending"] = pending
    return case
