"""What the customer-managed policy controls share (IAM.1 full admin, IAM.21 service wildcards):
the walk over every customer-managed policy of every assessed account, with the account gaps and
the NOT_ASSESSED result for a default version that is missing or does not parse."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from analysis.rules.base import Control, Evidence, Result
from analysis.rules.context import GLOBAL, AssessmentContext
from analysis.rules.iam._common import boundary_policy_arns, customer_policies_by_account, result

if TYPE_CHECKING:
    from analysis.model.iam import ManagedPolicy
    from analysis.model.policy_doc import PolicyDocument

# (account id, policy, its parsed default version, whether it is used as a permissions boundary)
PolicyJudge = Callable[[str, "ManagedPolicy", "PolicyDocument", bool], Result]


def evaluate_customer_policies(
    ctx: AssessmentContext, control: Control, judge: PolicyJudge
) -> Iterator[Result]:
    """The account's gap where its IAM inputs are missing; else one result per customer-managed
    policy: NOT_ASSESSED when its default version is not in the snapshot or does not parse,
    otherwise ``judge``'s."""
    by_account = customer_policies_by_account(ctx)
    boundaries = boundary_policy_arns(ctx)
    for account_id in ctx.account_ids:
        gap = ctx.gaps_or(control, account_id, GLOBAL)
        if gap is not None:
            yield gap
            continue
        for policy in by_account.get(account_id, ()):
            doc = policy.default_document
            if doc is None or not doc.ok:
                yield ctx.not_assessed(
                    control,
                    account_id=account_id,
                    region=GLOBAL,
                    reason=f"the default version of {policy.name} is not in the snapshot or does not parse",
                    call_ids=policy.call_ids,
                    resource_arn=policy.arn,
                    resource_id=policy.name,
                )
                continue
            yield judge(account_id, policy, doc, policy.arn in boundaries)


def policy_result(
    control: Control,
    account_id: str,
    policy: ManagedPolicy,
    *,
    passed: bool,
    message: str,
    evidence: Evidence,
) -> Result:
    """A PASS or FAIL about one customer-managed policy (named by its policy name)."""
    return result(
        control,
        passed=passed,
        account_id=account_id,
        resource_arn=policy.arn,
        resource_id=policy.name,
        message=message,
        evidence=evidence,
    )
