"""Escalation by changing IAM policies: one's own, one's groups', or those of a role one can assume.

Rhino Security Labs methods 1 (CreatePolicyVersion), 2 (SetDefaultPolicyVersion),
8-10 (AttachUser/Group/RolePolicy), 11-13 (PutUser/Group/RolePolicy), 14 (AddUserToGroup),
and UpdateAssumeRolePolicy (PMapper's IAM edge checker). Attaching ``AdministratorAccess``
(an AWS-managed policy present in every account) makes the changed principal an admin, so
these edges go to ``admin:<account>`` when the changed principal is the caller, one of its
groups, or a role it can already assume; UpdateAssumeRolePolicy goes to the role itself.
"""

from __future__ import annotations

from analysis.model.iam import Group, Role, User
from analysis.model.policy_doc import PolicyDocument
from analysis.trust.edges.admin import admin_node
from analysis.trust.edges.base import BuildContext
from analysis.trust.edges.escalation import add_escalation, candidates
from analysis.trust.nodes import GROUP, Node


def grants_everything(doc: PolicyDocument | None) -> bool:
    """An unconditional Allow of every action on every resource (the AdministratorAccess shape)."""
    if doc is None:
        return False
    return any(
        st.effect == "Allow"
        and st.action is not None
        and any(a in ("*", "*:*") for a in st.action)
        and st.resource is not None
        and "*" in st.resource
        and not st.condition
        for st in doc.statements
    )


# Every IAM action a technique of this module needs: a principal allowed none of them is skipped.
_TECHNIQUE_ACTIONS = (
    "iam:AttachUserPolicy",
    "iam:PutUserPolicy",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:AttachGroupPolicy",
    "iam:PutGroupPolicy",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AddUserToGroup",
    "iam:UpdateAssumeRolePolicy",
)


def add_iam_policy_edges(ctx: BuildContext) -> None:
    iam = ctx.inventory.iam
    groups_by_account: dict[str, list[Group]] = {}
    for g in iam.groups.values():
        groups_by_account.setdefault(g.account_id, []).append(g)
    for account_id in ctx.principals_by_account:
        admin_groups = [
            g
            for g in groups_by_account.get(account_id, ())
            if any(grants_everything(p.document) for p in g.inline_policies)
            or any(
                grants_everything(iam.policies[a].default_document)
                for a in g.attached_policy_arns
                if a in iam.policies
            )
        ]
        roles_in_account: list[Role] | None = None
        for principal_arn in candidates(ctx, account_id):
            if not ctx.permissions.might_allow_any(principal_arn, _TECHNIQUE_ACTIONS):
                continue  # every decide() below would be None
            principal: User | Role | None = iam.users.get(principal_arn) or iam.roles.get(principal_arn)
            if principal is None:
                continue
            _self_changes(ctx, principal, account_id)
            if isinstance(principal, User):
                _add_to_admin_group(ctx, principal, admin_groups)
            _other_roles(ctx, principal, account_id)
            if ctx.might_allow(principal.arn, "iam:UpdateAssumeRolePolicy"):
                if roles_in_account is None:
                    roles_in_account = [iam.roles[a] for a in iam.roles_by_account.get(account_id, ())]
                _update_trust(ctx, principal, roles_in_account)


def _self_changes(ctx: BuildContext, principal: User | Role, account_id: str) -> None:
    iam = ctx.inventory.iam
    kind = "User" if isinstance(principal, User) else "Role"
    for action in (f"iam:Attach{kind}Policy", f"iam:Put{kind}Policy"):
        d = ctx.decide(principal.arn, action, principal.arn)
        if d is not None:
            add_escalation(
                ctx,
                source=principal.arn,
                target=admin_node(ctx, account_id),
                technique=action,
                reason=f"can give itself an administrator policy ({action} on itself)",
                decisions=(d,),
            )
            return
    groups = principal.group_arns if isinstance(principal, User) else ()
    for group_arn in groups:
        for action in ("iam:AttachGroupPolicy", "iam:PutGroupPolicy"):
            d = ctx.decide(principal.arn, action, group_arn)
            if d is not None:
                add_escalation(
                    ctx,
                    source=principal.arn,
                    target=admin_node(ctx, account_id),
                    technique=action,
                    reason=f"can give its group {group_arn.rsplit('/', 1)[-1]} an administrator policy ({action})",
                    decisions=(d,),
                )
                return
    attached = list(principal.attached_policy_arns)
    for group_arn in groups:
        group = iam.groups.get(group_arn)
        attached.extend(group.attached_policy_arns if group else ())
    for policy_arn in dict.fromkeys(attached):
        policy = iam.policies.get(policy_arn)
        if policy is None or policy.aws_managed:
            continue
        d = ctx.decide(principal.arn, "iam:CreatePolicyVersion", policy_arn)
        if d is not None:
            add_escalation(
                ctx,
                source=principal.arn,
                target=admin_node(ctx, account_id),
                technique="iam:CreatePolicyVersion",
                reason=f"can write a new default version of {policy.name}, which applies to it",
                decisions=(d,),
            )
            return
        if not ctx.might_allow(principal.arn, "iam:SetDefaultPolicyVersion"):
            continue
        admin_versions = [v for v in policy.versions if not v.is_default and grants_everything(v.document)]
        if admin_versions:
            d = ctx.decide(principal.arn, "iam:SetDefaultPolicyVersion", policy_arn)
            if d is not None:
                add_escalation(
                    ctx,
                    source=principal.arn,
                    target=admin_node(ctx, account_id),
                    technique="iam:SetDefaultPolicyVersion",
                    reason=(
                        f"can make version {admin_versions[0].version_id} of {policy.name} "
                        "(which allows *:*) the default"
                    ),
                    decisions=(d,),
                )
                return


def _add_to_admin_group(ctx: BuildContext, user: User, admin_groups: list[Group]) -> None:
    if not admin_groups or not ctx.might_allow(user.arn, "iam:AddUserToGroup"):
        return
    for group in admin_groups:
        if group.arn in user.group_arns:
            continue
        d = ctx.decide(user.arn, "iam:AddUserToGroup", group.arn)
        if d is None:
            continue
        ctx.node(
            Node(
                id=group.arn, kind=GROUP, label=group.name, account_id=group.account_id, in_organization=True
            )
        )
        add_escalation(
            ctx,
            source=user.arn,
            target=admin_node(ctx, group.account_id),
            technique="iam:AddUserToGroup",
            reason=f"can add itself to group {group.name}, whose policies allow *:*",
            decisions=(d,),
        )
        return


def _other_roles(ctx: BuildContext, principal: User | Role, account_id: str) -> None:
    iam = ctx.inventory.iam
    if principal.arn not in ctx.graph or not ctx.permissions.might_allow_any(
        principal.arn, ("iam:AttachRolePolicy", "iam:PutRolePolicy")
    ):
        return
    for target in list(ctx.graph.successors(principal.arn)):
        role = iam.roles.get(target)
        if role is None or role.account_id != account_id or target in ctx.admins:
            continue
        for action in ("iam:AttachRolePolicy", "iam:PutRolePolicy"):
            d = ctx.decide(principal.arn, action, role.arn)
            if d is not None:
                add_escalation(
                    ctx,
                    source=principal.arn,
                    target=admin_node(ctx, account_id),
                    technique=action,
                    reason=f"can give role {role.name}, which it can assume, an administrator policy ({action})",
                    decisions=(d,),
                )
                return


def _update_trust(ctx: BuildContext, principal: User | Role, roles: list[Role]) -> None:
    for role in roles:
        if role.arn == principal.arn or role.service_linked:
            continue
        d = ctx.decide(principal.arn, "iam:UpdateAssumeRolePolicy", role.arn)
        if d is None:
            continue
        add_escalation(
            ctx,
            source=principal.arn,
            target=role.arn,
            technique="iam:UpdateAssumeRolePolicy",
            reason=f"can rewrite the trust policy of {role.name} to trust itself, then assume it",
            decisions=(d,),
        )
