"""IAM policy evaluation over the Inventory: who may do what, and why.

``PolicyEngine(inventory=...)`` answers ``evaluate(Request(...))`` with a ``Decision``
(allow / explicit_deny / implicit_deny / conditional with the pending conditions), the
statements that decided and the reasoning. See docs/iam-evaluation.md.
"""

from analysis.iam.engine import (
    ADMIN_CRITICAL_ACTIONS,
    PolicyEngine,
    PrincipalSide,
    ResourceSide,
    evaluate_policies,
)
from analysis.iam.orgpolicies import DraftPolicy
from analysis.iam.request import (
    ALLOW,
    CONDITIONAL,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    AttachedPolicy,
    Decision,
    PendingCondition,
    Request,
    StatementRef,
)

__all__ = [
    "ADMIN_CRITICAL_ACTIONS",
    "ALLOW",
    "CONDITIONAL",
    "EXPLICIT_DENY",
    "IMPLICIT_DENY",
    "AttachedPolicy",
    "Decision",
    "DraftPolicy",
    "PendingCondition",
    "PolicyEngine",
    "PrincipalSide",
    "Request",
    "ResourceSide",
    "StatementRef",
    "evaluate_policies",
]
