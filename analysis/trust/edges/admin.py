"""Admin edges: principals the engine judges administrators of their account, and what admin controls.

"Admin" is the engine's ``is_admin`` (``*:*`` or an equivalent set, with SCPs). Only
principals with an Allow statement that could cover IAM write actions are asked: nobody
is an administrator without being able to change IAM. An administrator of account X
controls every principal of X (it can grant itself sts:AssumeRole and rewrite any trust
policy there), so ``admin:X`` points to the account node ``account:X``, which in turn
points to every role that trusts account X.
"""

from __future__ import annotations

from analysis.trust.edges.base import BuildContext, Edge, engine_conditions, engine_statements
from analysis.trust.nodes import ADMIN, Node, account_node_id, admin_node_id

_IAM_WRITES = ("iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:AttachUserPolicy", "iam:CreatePolicyVersion")


def admin_node(ctx: BuildContext, account_id: str) -> str:
    name = ctx.inventory.account_name(account_id)
    node = ctx.node(
        Node(
            id=admin_node_id(account_id),
            kind=ADMIN,
            label=f"admin of {name or account_id}",
            account_id=account_id,
            in_organization=ctx.org.in_org(account_id),
            detail="full administrative control of the account",
        )
    )
    if not ctx.graph.has_edge(node, account_node_id(account_id)):
        ctx.account_node(account_id)
        ctx.add(
            Edge(
                source=node,
                target=account_node_id(account_id),
                kind="controls",
                technique="admin",
                reason="an administrator can act as any principal of its account",
                intra_org=True,
            )
        )
    return node


def add_admin_edges(ctx: BuildContext) -> None:
    for account_id, principals in ctx.principals_by_account.items():
        for principal in principals:
            if not ctx.permissions.might_allow_any(principal, _IAM_WRITES):
                continue
            ctx.evaluations += 1
            decision = ctx.engine.is_admin(principal)
            if decision.decision not in ("allow", "conditional"):
                continue
            ctx.admins[principal] = decision
            ctx.add(
                Edge(
                    source=principal,
                    target=admin_node(ctx, account_id),
                    kind="admin",
                    technique="is_admin",
                    reason="its effective permissions are administrator (*:* or equivalent)",
                    conditions=engine_conditions((decision,)),
                    statements=engine_statements((decision,)),
                    intra_org=True,
                )
            )
