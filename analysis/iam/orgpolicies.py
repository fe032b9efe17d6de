"""SCP and RCP chains per account: the levels of the account's OU path and what is attached at each.

AWS Organizations User Guide, "Inheritance for service control policies": an action is
allowed only if an SCP allows it at every level from the root down to the account, and
no SCP denies it. SCPs do not affect the management account, nor service-linked roles
("SCP effects on permissions"). The same every-level rule holds for RCPs ("Resource
control policies"); they apply to resources of member accounts, for the services
listed as RCP-supported, and not to the management account.

A chain is built once per account and policy type and reused for every request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from analysis.iam.request import KIND_RCP, KIND_SCP, AttachedPolicy
from analysis.model.organizations import (
    COLLECTED,
    CONTENT_PARSED,
    NOT_AN_ORGANIZATION,
    Account,
    OrganizationModel,
    OrgUnit,
)
from analysis.model.policy_doc import parse_policy_document

SCP = "SERVICE_CONTROL_POLICY"
RCP = "RESOURCE_CONTROL_POLICY"


@dataclass(frozen=True, kw_only=True)
class OrgLevel:
    node_id: str
    where: str  # "root (r-ab12)", "OU Prod (ou-...)", "account Payments (2222...)"
    policies: tuple[AttachedPolicy, ...]
    unknown: tuple[str, ...] = ()  # policies attached here whose content is not in the snapshot


@dataclass(frozen=True, kw_only=True)
class OrgChain:
    """What an account's SCPs or RCPs are, or why they do not apply / are not known."""

    applies: bool
    known: bool  # False: the policies apply but the snapshot cannot say what they are
    levels: tuple[OrgLevel, ...] = ()
    note: str = ""  # why it does not apply, or what is missing


@dataclass(frozen=True, kw_only=True)
class DraftPolicy:
    """A policy that is not attached yet: the SCP what-if ("test SCPs before implementing them")."""

    policy_type: str  # SERVICE_CONTROL_POLICY | RESOURCE_CONTROL_POLICY
    target_id: str  # root, OU or account id
    name: str
    document_json: object  # dict or JSON text, parsed like any policy


@dataclass
class OrgPolicyChains:
    """Per-account chains over an OrganizationModel, computed lazily and cached."""

    organization: OrganizationModel
    drafts: Sequence[DraftPolicy] = ()
    _cache: dict[tuple[str, str], OrgChain] = field(default_factory=dict, repr=False)
    _kinds_in_use: dict[str, bool] = field(default_factory=dict, repr=False)

    def chain(self, account_id: str, policy_type: str) -> OrgChain:
        key = (account_id, policy_type)
        found = self._cache.get(key)
        if found is None:
            found = self._build(account_id, policy_type)
            self._cache[key] = found
        return found

    def in_organization(self, account_id: str) -> bool:
        return account_id in self.organization.accounts

    def _in_use(self, policy_type: str) -> bool:
        if policy_type not in self._kinds_in_use:
            self._kinds_in_use[policy_type] = any(
                p.type == policy_type for p in self.organization.policies.values()
            ) or any(d.policy_type == policy_type for d in self.drafts)
        return self._kinds_in_use[policy_type]

    def _build(self, account_id: str, policy_type: str) -> OrgChain:
        org = self.organization
        label = "SCPs" if policy_type == SCP else "RCPs"
        if org.collection.state == NOT_AN_ORGANIZATION:
            return OrgChain(
                applies=False, known=True, note=f"no {label}: the account is not in an organization"
            )
        if org.collection.state != COLLECTED:
            return OrgChain(
                applies=True,
                known=False,
                note=f"{label} unknown: organization not collected ({org.collection.reason})",
            )
        account = org.accounts.get(account_id)
        if account is None:
            return OrgChain(
                applies=False,
                known=True,
                note=f"no {label}: account {account_id} is outside the organization",
            )
        if account_id == org.management_account_id:
            return OrgChain(
                applies=False, known=True, note=f"{label} do not apply to the management account {account_id}"
            )
        if not self._in_use(policy_type):
            return OrgChain(
                applies=False, known=True, note=f"no {label} in the organization (policy type not enabled)"
            )
        if account.parent_id is None:
            return OrgChain(
                applies=True,
                known=False,
                note=f"{label} unknown: the snapshot does not place account {account_id} in the OU tree",
            )
        nodes: list[OrgUnit | Account] = [*org.path_to(account_id), account]
        levels: list[OrgLevel] = []
        partial = False
        targets_unknown = any(not p.targets_known for p in org.policies.values() if p.type == policy_type)
        for node in nodes:
            attached: list[AttachedPolicy] = []
            unknown: list[str] = []
            where = _where(node)
            for p in org.attached_policies(node.id, policy_type):
                if p.content_state != CONTENT_PARSED:
                    unknown.append(f"{p.name} ({p.id}): {p.content_note or p.content_state}")
                    continue
                attached.append(
                    AttachedPolicy(
                        kind=KIND_SCP if policy_type == SCP else KIND_RCP,
                        policy=p.id,
                        where=f"{p.name} attached to {where}",
                        document=parse_policy_document(p.content),
                    )
                )
            for d in self.drafts:
                if d.policy_type == policy_type and d.target_id == node.id:
                    attached.append(
                        AttachedPolicy(
                            kind=KIND_SCP if policy_type == SCP else KIND_RCP,
                            policy=f"draft:{d.name}",
                            where=f"draft {d.name} at {where}",
                            document=parse_policy_document(d.document_json),
                        )
                    )
            if not attached and not unknown and targets_unknown:
                unknown.append("attachments unknown (ListTargetsForPolicy not collected)")
            partial = partial or bool(unknown)
            levels.append(
                OrgLevel(node_id=node.id, where=where, policies=tuple(attached), unknown=tuple(unknown))
            )
        return OrgChain(
            applies=True,
            known=True,
            levels=tuple(levels),
            note=f"{label}: some content unknown" if partial else "",
        )


def _where(node: OrgUnit | Account) -> str:
    if isinstance(node, Account):
        return f"account {node.name or node.id} ({node.id})"
    if node.kind == "root":
        return f"root ({node.id})"
    return f"OU {node.name} ({node.id})"


def org_paths(organization: OrganizationModel, account_id: str) -> tuple[str, ...] | None:
    """aws:PrincipalOrgPaths / aws:ResourceOrgPaths: "o-id/r-id/ou-id/.../" (IAM global condition keys)."""
    if organization.collection.state != COLLECTED or account_id not in organization.accounts:
        return None
    account = organization.accounts[account_id]
    if account.parent_id is None:
        return None
    ids = [u.id for u in organization.path_to(account_id)]
    return ("/".join([organization.organization_id, *ids]) + "/",)
