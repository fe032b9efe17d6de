"""Escalation through compute that already runs with a role: Lambda code, SSM, EC2 Instance Connect.

``lambda:UpdateFunctionCode`` on a function replaces its code, which then runs with the
function's role at the next invocation (Rhino Security Labs method 21). ``ssm:SendCommand``
and ``ssm:StartSession`` on an instance run commands on it, and anything on the instance
can read its instance profile's credentials from the metadata service; so can an SSH user
after ``ec2-instance-connect:SendSSHPublicKey`` (PMapper's SSM edge checker; AWS Systems
Manager User Guide, "Restrict access to Session Manager by instance tags").
"""

from __future__ import annotations

from collections import defaultdict

from analysis.trust.edges.base import BuildContext
from analysis.trust.edges.escalation import add_escalation, candidates

INSTANCE_ACTIONS = ("ssm:SendCommand", "ssm:StartSession", "ec2-instance-connect:SendSSHPublicKey")


def add_compute_edges(ctx: BuildContext) -> None:
    inv = ctx.inventory
    functions: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # account -> (fn arn, name, role)
    for fn in inv.lambda_functions.functions.values():
        if fn.role_arn and fn.role_arn in inv.iam.roles:
            functions[fn.account_id].append((fn.arn, fn.name, fn.role_arn))
    instances: dict[str, list[tuple[str, str, str]]] = defaultdict(
        list
    )  # account -> (instance arn, id, role)
    for inst in inv.network.instances.values():
        if inst.state in ("terminated", "shutting-down") or not inst.instance_profile_arn:
            continue
        profile = inv.iam.instance_profiles.get(inst.instance_profile_arn)
        for role_arn in profile.role_arns if profile else ():
            instances[inst.account_id].append((inst.arn, inst.name or inst.instance_id, role_arn))
    for account_id in set(functions) | set(instances):
        for principal in candidates(ctx, account_id):
            # The pre-filter, once per principal: decide() would be None for every target.
            fns = (
                functions.get(account_id, ())
                if ctx.might_allow(principal, "lambda:UpdateFunctionCode")
                else ()
            )
            on_instances = ctx.permissions.might_allow_any(principal, INSTANCE_ACTIONS)
            for fn_arn, name, role_arn in fns:
                if role_arn == principal:
                    continue
                d = ctx.decide(principal, "lambda:UpdateFunctionCode", fn_arn)
                if d is not None:
                    add_escalation(
                        ctx,
                        source=principal,
                        target=role_arn,
                        technique="lambda:UpdateFunctionCode",
                        reason=f"can replace the code of function {name}, which runs as this role",
                        decisions=(d,),
                    )
            for inst_arn, label, role_arn in instances.get(account_id, ()) if on_instances else ():
                if role_arn == principal:
                    continue
                for action in INSTANCE_ACTIONS:
                    d = ctx.decide(principal, action, inst_arn)
                    if d is not None:
                        add_escalation(
                            ctx,
                            source=principal,
                            target=role_arn,
                            technique=action,
                            reason=f"can run commands on instance {label} ({action}) and use its instance profile",
                            decisions=(d,),
                        )
                        break
