"""Identity Center edges: people and groups of the identity store to the roles their permission sets provision.

An assignment (principal, permission set, account) lets the user, or every member of the
group, sign in to the ``AWSReservedSSO_<set>_<hash>`` role the set provisions in that
account (IAM Identity Center User Guide, "Permission sets"). The edge goes from the user or
group straight to the role, per account: a permission set node would wrongly join every
account the set is provisioned in. The permission set node points to its roles for display.
"""

from __future__ import annotations

from analysis.trust.edges.base import BuildContext, Edge
from analysis.trust.nodes import PERMISSION_SET, SSO_GROUP, SSO_USER, Node


def add_identity_center_edges(ctx: BuildContext) -> None:
    ic = ctx.inventory.identity_center
    users_by_id = {u.user_id: u for u in ic.users.values()}
    groups_by_id = {g.group_id: g for g in ic.groups.values()}
    for provisioned in ic.provisioned_roles:
        role_arn = provisioned.role_arn
        if role_arn is None or role_arn not in ctx.graph:
            continue
        ps = ic.permission_sets.get(provisioned.permission_set_arn)
        ps_name = (ps.name if ps else None) or provisioned.permission_set_arn.rsplit("/", 1)[-1]
        ps_node = ctx.node(
            Node(
                id=provisioned.permission_set_arn,
                kind=PERMISSION_SET,
                label=f"permission set {ps_name}",
                account_id=ps.account_id if ps else None,
                in_organization=True,
                detail=(ps.description if ps else ""),
            )
        )
        ctx.add(
            Edge(
                source=ps_node,
                target=role_arn,
                kind="provisions",
                technique="sso:ProvisionPermissionSet",
                reason=f"permission set {ps_name} provisions this role in account {provisioned.account_id}",
                intra_org=True,
                call_ids=ps.call_ids if ps else (),
            )
        )
        for a in provisioned.assignments:
            if a.principal_type == "USER" and a.principal_id in users_by_id:
                u = users_by_id[a.principal_id]
                source = ctx.node(
                    Node(id=u.arn, kind=SSO_USER, label=u.user_name or u.user_id, in_organization=True)
                )
            elif a.principal_type == "GROUP" and a.principal_id in groups_by_id:
                g = groups_by_id[a.principal_id]
                source = ctx.node(
                    Node(id=g.arn, kind=SSO_GROUP, label=g.display_name or g.group_id, in_organization=True)
                )
                for member in g.member_user_ids:
                    if member in users_by_id:
                        m = users_by_id[member]
                        ctx.node(
                            Node(
                                id=m.arn, kind=SSO_USER, label=m.user_name or m.user_id, in_organization=True
                            )
                        )
                        ctx.add(
                            Edge(
                                source=m.arn,
                                target=g.arn,
                                kind="member_of",
                                technique="identitystore:GroupMembership",
                                reason=f"{m.user_name} is a member of {g.display_name}",
                                intra_org=True,
                                call_ids=g.call_ids,
                            )
                        )
            else:
                continue
            ctx.add(
                Edge(
                    source=source,
                    target=role_arn,
                    kind="identity_center",
                    technique=f"sso:permission set {ps_name}",
                    reason=(
                        f"assigned permission set {ps_name} in account {a.account_id}: "
                        "signs in to the role it provisions"
                    ),
                    intra_org=True,
                    call_ids=a.call_ids,
                )
            )
