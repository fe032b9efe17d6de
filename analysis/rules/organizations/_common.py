"""Shared reading of the organization for the Organizations controls.

The organization is read once, from the management account (region ``global``): when
DescribeOrganization was not answered every organization control is NOT_ASSESSED with that
reason. SCP questions are asked of the policy engine (``ctx.engine``) as a member principal's
request with nothing but SCPs deciding: a role the snapshot does not hold, so its identity
policies are unknown (a pending "not collected" condition of kind ``identity``) and only an SCP
can deny it. What the SCPs along the account's OU path decide is then the answer (AWS
Organizations User Guide, "Inheritance for service control policies").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from analysis.iam.orgpolicies import OrgChain
from analysis.iam.request import CONDITIONAL, EXPLICIT_DENY, IMPLICIT_DENY, Decision, Request
from analysis.model.organizations import COLLECTED, CONTENT_PARSED
from analysis.rules.base import FAIL, NOT_ASSESSED, PASS, Control, Evidence, Result
from analysis.rules.context import GLOBAL, AssessmentContext

PROBE_ROLE = "AuditWorkbenchMemberProbe"  # a role name no account holds: its own policies are unknown
SCP = "SERVICE_CONTROL_POLICY"


def org_arn(ctx: AssessmentContext) -> str:
    org = ctx.inventory.organization
    org_id = org.organization_id or str(ctx.inventory.manifest.get("organization_id") or "")
    return org.arn or f"arn:{ctx.partition}:organizations::{org.management_account_id}:organization/{org_id}"


def org_id(ctx: AssessmentContext) -> str:
    org = ctx.inventory.organization
    return org.organization_id or str(ctx.inventory.manifest.get("organization_id") or "") or "organization"


def org_gap(ctx: AssessmentContext) -> tuple[str, tuple[int, ...]] | None:
    """Why the organization cannot be judged (not collected, denied, not an organization), or None."""
    c = ctx.inventory.organization.collection
    if c.state == COLLECTED:
        return None
    return c.reason or f"the organization was not collected ({c.state})", c.call_ids


def make(
    ctx: AssessmentContext,
    control: Control,
    status: str,
    message: str,
    *,
    account_id: str = "",
    region: str = GLOBAL,
    resource_arn: str | None = None,
    resource_id: str | None = None,
    call_ids: Iterable[int] = (),
    statements: Iterable[str] = (),
    values: Mapping[str, object] | None = None,
) -> Result:
    """A result about the organization (no ``account_id``) or one account."""
    if account_id:
        arn, rid = resource_arn or ctx.account_arn(account_id), resource_id or account_id
    else:
        arn, rid = resource_arn or org_arn(ctx), resource_id or org_id(ctx)
    return Result(
        control_id=control.id,
        status=status,
        account_id=account_id,
        region=region,
        resource_arn=arn,
        resource_id=rid,
        message=message if status != NOT_ASSESSED else f"Not assessed: {message}",
        evidence=Evidence(
            call_ids=tuple(dict.fromkeys(call_ids)),
            statements=tuple(statements),
            values=dict(values or {}),
        ),
    )


def org_not_assessed(ctx: AssessmentContext, control: Control) -> Result | None:
    gap = org_gap(ctx)
    if gap is None:
        return None
    return make(ctx, control, NOT_ASSESSED, gap[0], call_ids=gap[1])


def listing_gap(
    ctx: AssessmentContext, operation: str, parameters: Mapping[str, object] | None = None
) -> str | None:
    """Why an Organizations listing of the management account was not answered, or None."""
    mgmt = ctx.inventory.organization.management_account_id
    state = ctx.inventory.coverage.state(
        account_id=mgmt, region=GLOBAL, service="organizations", operation=operation, parameters=parameters
    )
    return None if state.answered else state.reason


def policy_type_gap(ctx: AssessmentContext, policy_type: str) -> str | None:
    """Why the policies of one type are not known completely (listing, content or targets), or None."""
    why = listing_gap(ctx, "ListPolicies", {"Filter": policy_type})
    if why is not None:
        return f"ListPolicies ({policy_type}) was not answered: {why}"
    for p in ctx.inventory.organization.policies.values():
        if p.type == policy_type and not p.targets_known:
            return f"the targets of {p.name or p.id} were not collected"
    return None


def member_accounts(ctx: AssessmentContext) -> list[str]:
    """The organization's accounts SCPs and RCPs apply to (all but the management account), sorted."""
    org = ctx.inventory.organization
    return sorted(a for a in org.accounts if a != org.management_account_id)


def collected_regions(ctx: AssessmentContext) -> tuple[str, ...]:
    """Every region collected in some account (SCPs are organization data: the question is the
    same for an account whose own calls failed). Worked out once per assessment: the SCP controls
    ask for every account and action (at 500 accounts, 6,500 walks over every account's regions)."""

    def build() -> tuple[str, ...]:
        regions = {r for a in ctx.account_ids for r in ctx.regions(a)}
        scope = (ctx.inventory.manifest.get("scope") or {}).get("regions") or []
        return tuple(sorted(regions or set(scope))) or ("us-east-1",)

    return ctx.memo("organizations.collected_regions", build)


@dataclass(frozen=True, kw_only=True)
class ScpVerdict:
    """Whether the SCPs of one account deny a set of actions to an ordinary member principal."""

    status: str  # PASS: every action denied; FAIL: some allowed; NOT_ASSESSED: depends on unknowns
    allowed: tuple[str, ...]  # actions no SCP denies (in some region)
    unknown: tuple[str, ...]  # "action: why" for answers that depend on what the snapshot lacks
    statements: tuple[str, ...]  # the deny statements that decided
    exemptions: tuple[str, ...]  # conditions on those denies (who or where they do not apply to)


def _scp_conditions(decision: Decision) -> tuple[list[str], bool]:
    """The SCP-side unknowns of a conditional decision, and whether only the probe's identity was unknown."""
    scp_side = [c.describe() for c in decision.conditions if c.statement.kind != "identity"]
    return scp_side, not scp_side


def _statement_condition(ctx: AssessmentContext, policy_id: str, index: int) -> str:
    policy = ctx.inventory.organization.policies.get(policy_id)
    if policy is None or policy.content_state != CONTENT_PARSED or not isinstance(policy.content, dict):
        return ""
    statements = policy.content.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not 0 <= index < len(statements):
        return ""
    st = statements[index]
    cond = st.get("Condition") if isinstance(st, dict) else None
    if not cond:
        return ""
    import json

    return f"{policy.name} statement {index} applies only when {json.dumps(cond, sort_keys=True)}"


def scp_denies(ctx: AssessmentContext, account_id: str, actions: Sequence[str]) -> ScpVerdict:
    """Ask the engine, per action and collected region, whether the account's SCPs deny an ordinary
    role in it (``aws:RequestedRegion`` set, so a region restriction is judged, not left open)."""
    probe = f"arn:{ctx.partition}:iam::{account_id}:role/{PROBE_ROLE}"
    allowed: list[str] = []
    unknown: list[str] = []
    statements: dict[str, None] = {}
    exemptions: dict[str, None] = {}
    regions = collected_regions(ctx)
    for action in actions:
        for region in regions:
            d = ctx.engine.evaluate(
                Request(
                    principal_arn=probe,
                    action=action,
                    resource="*",
                    context={"aws:RequestedRegion": (region,)},
                )
            )
            if d.decision in (EXPLICIT_DENY, IMPLICIT_DENY):
                for ref in d.deciding:
                    if ref.kind == "scp":
                        statements[ref.describe()] = None
                        why = _statement_condition(ctx, ref.policy, ref.index)
                        if why:
                            exemptions[why] = None
                if d.decision == IMPLICIT_DENY:
                    statements[f"{action}: no SCP allows it at some level of the OU path"] = None
                continue
            if d.decision == CONDITIONAL:
                scp_side, only_identity = _scp_conditions(d)
                if not only_identity:
                    unknown.append(f"{action} in {region}: " + "; ".join(scp_side))
                    break
            allowed.append(action if len(regions) == 1 else f"{action} ({region})")
            break
    if allowed:
        status = FAIL
    elif unknown:
        status = NOT_ASSESSED
    else:
        status = PASS
    return ScpVerdict(
        status=status,
        allowed=tuple(allowed),
        unknown=tuple(unknown),
        statements=tuple(statements),
        exemptions=tuple(exemptions),
    )


def scp_protection_results(
    ctx: AssessmentContext, control: Control, actions: Sequence[str], what: str
) -> list[Result]:
    """One result per member account: do its SCPs deny every one of ``actions`` (``what`` names them)."""
    na = org_not_assessed(ctx, control)
    if na is not None:
        return [na]
    gap = policy_type_gap(ctx, SCP)
    org = ctx.inventory.organization
    out: list[Result] = []
    for account_id in member_accounts(ctx):
        account = org.accounts[account_id]
        ids = (*org.collection.call_ids[:1], *account.call_ids)
        chain = ctx.engine.chains.chain(account_id, SCP)
        if not chain.known:
            out.append(make(ctx, control, NOT_ASSESSED, chain.note, account_id=account_id, call_ids=ids))
            continue
        verdict = scp_denies(ctx, account_id, actions)
        chain_ids = [
            i
            for level in chain.levels
            for pid in org.attachments.get(level.node_id, ())
            if pid in org.policies and org.policies[pid].type == SCP
            for i in org.policies[pid].call_ids
        ]
        values: dict[str, object] = {"actions": list(actions), "ou_path": [lvl.where for lvl in chain.levels]}
        if verdict.exemptions:
            values["exemptions"] = list(verdict.exemptions)
        # The engine reads unknown SCP content as a missing Allow only: it could hold the Deny.
        incomplete = gap or "; ".join(unknown_scps(chain)) or None
        if verdict.status == FAIL:
            msg = (
                f"No SCP on this account's path denies {', '.join(verdict.allowed)}: {what} is not protected."
            )
            if incomplete is not None:
                msg = f"no known SCP denies {', '.join(verdict.allowed)}, but the SCPs are incomplete ({incomplete})"
            out.append(
                make(
                    ctx,
                    control,
                    FAIL if incomplete is None else NOT_ASSESSED,
                    msg,
                    account_id=account_id,
                    call_ids=(*ids, *chain_ids),
                    statements=verdict.statements,
                    values=values,
                )
            )
        elif verdict.status == NOT_ASSESSED:
            out.append(
                make(
                    ctx,
                    control,
                    NOT_ASSESSED,
                    "the SCP answer depends on what the snapshot cannot settle: "
                    + " / ".join(verdict.unknown),
                    account_id=account_id,
                    call_ids=(*ids, *chain_ids),
                    statements=verdict.statements,
                    values=values,
                )
            )
        else:
            msg = f"SCPs deny {what} ({', '.join(actions)}) to member principals of this account."
            if verdict.exemptions:
                msg += " Exemptions to review: " + "; ".join(verdict.exemptions) + "."
            out.append(
                make(
                    ctx,
                    control,
                    PASS,
                    msg,
                    account_id=account_id,
                    call_ids=(*ids, *chain_ids),
                    statements=verdict.statements,
                    values=values,
                )
            )
    return out


def policy_in_use(ctx: AssessmentContext, control: Control, policy_type: str, kind: str) -> list[Result]:
    """PASS when a customer-managed policy of ``policy_type`` is attached somewhere.

    Whether the type is enabled is not decided from DescribeOrganization: its AvailablePolicyTypes
    "is deprecated ... It doesn't include any policy type supported by Organizations other than SCPs"
    (Organizations API reference, DescribeOrganization); ListRoots says it per root. So an absent
    policy is judged from the policy listing, and a listing that was not answered is NOT_ASSESSED.
    """
    na = org_not_assessed(ctx, control)
    if na is not None:
        return [na]
    org = ctx.inventory.organization
    roots = org.roots
    enabled = any(dict(r.policy_types or ()).get(policy_type) == "ENABLED" for r in roots) or (
        dict(org.available_policy_types).get(policy_type) == "ENABLED"
    )
    # ListRoots answered and says the type is not enabled on any root: a fact, not a guess.
    known_off = bool(roots) and not enabled and all(r.policy_types is not None for r in roots)
    of_type = [p for p in org.policies.values() if p.type == policy_type]
    custom = [p for p in of_type if not p.aws_managed and p.target_ids]
    ids = [*org.collection.call_ids[:1], *(i for p in of_type for i in p.call_ids)]
    values = {
        "policy type": "ENABLED"
        if enabled
        else ("not enabled (ListRoots)" if known_off else "not reported enabled"),
        "attached": {p.name or p.id: list(p.target_ids) for p in custom},
    }
    if custom:
        names = ", ".join(sorted(p.name or p.id for p in custom))
        return [
            make(
                ctx,
                control,
                PASS,
                f"{len(custom)} {kind} policy(ies) attached: {names}.",
                call_ids=ids,
                values=values,
            )
        ]
    gap = policy_type_gap(ctx, policy_type)
    if gap is not None:
        return [make(ctx, control, NOT_ASSESSED, gap, call_ids=ids)]
    unattached = sorted(p.name or p.id for p in of_type if not p.aws_managed)
    if enabled:
        message = f"The {kind} policy type is enabled but no customer-managed {kind} policy is attached."
    elif known_off:
        message = (
            f"The {kind} policy type is not enabled on the organization's root (ListRoots), so no {kind} "
            "policy can apply."
        )
    else:
        message = f"No customer-managed {kind} policy is attached anywhere in the organization."
    if unattached:
        message += f" Not attached: {', '.join(unattached)}."
    return [make(ctx, control, FAIL, message, call_ids=ids, values=values)]


def unknown_scps(chain: OrgChain) -> list[str]:
    """The policies along an account's path whose content or attachments the snapshot lacks."""
    return [f"{level.where}: {u}" for level in chain.levels for u in level.unknown]
