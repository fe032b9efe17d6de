"""The engine's caches never change an answer: one engine asked many requests, in any order,
decides each exactly as a fresh engine asked only that request.

The cache under test most directly is the per-shape one (a decision shared by every
resource of one account and region when no statement that could apply names a resource):
a Resource pattern, a condition on the request context, another account or a resource
policy must each keep the answers apart ("Policy evaluation logic": statements match on
Action, Resource and Condition; "Cross-account policy evaluation logic").
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from analysis.iam import PolicyEngine, Request
from analysis.model.inventory import Inventory
from tests.analysis.trust.org_builder import (
    DEV,
    PROD,
    Acct,
    R,
    U,
    allow,
    build_org,
    role_arn,
    trust,
    user_arn,
)

LAMBDA = {"iam:PassedToService": "lambda.amazonaws.com"}
EC2 = {"iam:PassedToService": "ec2.amazonaws.com"}


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    service_roles = [
        R(name=n, trust=trust({"Service": "lambda.amazonaws.com"})) for n in ("app-a", "app-b", "ops")
    ]
    return build_org(
        tmp_path_factory.mktemp("caches"),
        Acct(
            id=PROD,
            users=[
                U(name="anywhere", policies=[allow("iam:PassRole")]),
                U(
                    name="apps-only",
                    policies=[allow("iam:PassRole", resource=f"arn:aws:iam::{PROD}:role/app-*")],
                ),
                U(
                    name="to-lambda",
                    policies=[
                        allow(
                            "iam:PassRole",
                            condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
                        )
                    ],
                ),
                U(
                    name="not-ops",
                    policies=[
                        allow("iam:PassRole"),
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Deny",
                                    "Action": "iam:PassRole",
                                    "NotResource": "arn:aws:iam::*:role/app-*",
                                }
                            ],
                        },
                    ],
                ),
            ],
            roles=service_roles,
        ),
        Acct(id=DEV, roles=[R(name="app-dev", trust=trust({"Service": "lambda.amazonaws.com"}))]),
    )


def _requests() -> list[Request]:
    users = [user_arn(PROD, n) for n in ("anywhere", "apps-only", "to-lambda", "not-ops")]
    roles = [role_arn(PROD, n) for n in ("app-a", "app-b", "ops")] + [role_arn(DEV, "app-dev"), "*"]
    out = [
        Request(principal_arn=u, action="iam:PassRole", resource=r, context=dict(c))
        for u in users
        for r in roles
        for c in (LAMBDA, EC2, {})
    ]
    # sts:AssumeRole on a role: its trust policy is a resource policy, never shared.
    out += [Request(principal_arn=u, action="sts:AssumeRole", resource=r) for u in users for r in roles[:4]]
    return out


def test_one_engine_in_any_order_answers_as_fresh_engines(inventory: Inventory) -> None:
    requests = _requests()
    fresh = [PolicyEngine(inventory=inventory).evaluate(r) for r in requests]
    for seed in (1, 2, 3):
        order = list(range(len(requests)))
        random.Random(seed).shuffle(order)
        engine = PolicyEngine(inventory=inventory)
        got = {i: engine.evaluate(requests[i]) for i in order}
        for i, expected in enumerate(fresh):
            assert got[i] == expected, requests[i]


def test_resource_patterns_conditions_and_accounts_keep_answers_apart(
    tmp_path: Path, inventory: Inventory
) -> None:
    engine = PolicyEngine(inventory=inventory)

    def decide(user: str, role: str, context: dict[str, str]) -> str:
        return engine.evaluate(
            Request(
                principal_arn=user_arn(PROD, user),
                action="iam:PassRole",
                resource=role,
                context=dict(context),
            )
        ).decision

    app_a, ops, dev = role_arn(PROD, "app-a"), role_arn(PROD, "ops"), role_arn(DEV, "app-dev")
    # The same principal, asked first about a role its statement covers, then about one it does not.
    assert (
        decide("apps-only", app_a, LAMBDA) == "allow" and decide("apps-only", ops, LAMBDA) == "implicit_deny"
    )
    assert decide("not-ops", app_a, LAMBDA) == "allow" and decide("not-ops", ops, LAMBDA) == "explicit_deny"
    # The same resource shape, another request context.
    assert decide("to-lambda", app_a, LAMBDA) == "allow" and decide("to-lambda", ops, EC2) == "implicit_deny"
    # Every PROD role shares one answer; a DEV role is cross-account (no resource policy: denied).
    assert decide("anywhere", app_a, {}) == decide("anywhere", ops, {}) == "allow"
    assert decide("anywhere", dev, {}) == "implicit_deny"
