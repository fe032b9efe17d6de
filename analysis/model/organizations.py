"""The organization as the snapshot recorded it: OU tree, accounts, policies and where they apply.

``build_organization`` is a pure normalizer over the stored Organizations pages
(the collector's call conventions: every call under the account that read the
organization, region ``"global"``). It never invents what was not collected: a
denied listing leaves accounts without a known parent, a missing
``DescribePolicy`` leaves a policy whose content is unknown, and both are said
in ``OrganizationModel.gaps`` and in the per-node ``notes_for``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from snapshot.reader import CallRow
from snapshot.schema import (
    OUTCOME_ACCESS_DENIED,
    OUTCOME_NOT_SUBSCRIBED,
    SUCCESS_OUTCOMES,
)

SERVICE = "organizations"

# Organizations policy types, in the order auditors read them, with short labels.
# https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies.html
POLICY_TYPE_LABELS: dict[str, str] = {
    "SERVICE_CONTROL_POLICY": "SCP",
    "RESOURCE_CONTROL_POLICY": "RCP",
    "TAG_POLICY": "Tag",
    "BACKUP_POLICY": "Backup",
    "AISERVICES_OPT_OUT_POLICY": "AI opt-out",
}
POLICY_TYPES: tuple[str, ...] = tuple(POLICY_TYPE_LABELS)

# Collection states of the organization as a whole.
COLLECTED = "collected"
DENIED = "denied"
NOT_AN_ORGANIZATION = "not_an_organization"
MISSING = "missing"

# Content states of one policy.
CONTENT_PARSED = "parsed"
CONTENT_MALFORMED = "malformed"
CONTENT_UNKNOWN = "unknown"

KIND_ROOT = "root"
KIND_OU = "ou"
KIND_ACCOUNT = "account"


class SnapshotCalls(Protocol):
    """What the normalizer reads from a snapshot (``snapshot.Snapshot`` satisfies it)."""

    def calls(
        self,
        *,
        service: str | None = ...,
        operation: str | None = ...,
        account_id: str | None = ...,
        region: str | None = ...,
    ) -> list[CallRow]: ...

    def pages(self, call_id: int) -> list[Any]: ...


@dataclass(frozen=True, kw_only=True)
class CollectionState:
    """Whether the organization could be read, and from which calls."""

    state: str  # collected | denied | not_an_organization | missing
    reason: str
    call_ids: tuple[int, ...] = ()


@dataclass(frozen=True, kw_only=True)
class OrgUnit:
    """A root or an organizational unit."""

    id: str
    arn: str
    name: str
    parent_id: str | None  # None for a root, and for an OU whose parent listing is not in the snapshot
    kind: str  # "root" | "ou"
    child_ou_ids: tuple[str, ...] = ()
    account_ids: tuple[str, ...] = ()
    # False when the listing of this node's child OUs or accounts was denied or failed.
    children_known: bool = True
    call_ids: tuple[int, ...] = ()
    # A root's policy types and their status as ListRoots reports them ((type, status), e.g.
    # ("SERVICE_CONTROL_POLICY", "ENABLED")): the per-root answer AWS documents as authoritative
    # (DescribeOrganization's AvailablePolicyTypes is deprecated and lists SCPs only). None for OUs,
    # and for a root whose ListRoots answer carried no PolicyTypes.
    policy_types: tuple[tuple[str, str], ...] | None = None

    @property
    def child_ids(self) -> tuple[str, ...]:
        return self.child_ou_ids + self.account_ids


@dataclass(frozen=True, kw_only=True)
class Account:
    id: str
    arn: str
    name: str
    email: str
    status: str
    joined_method: str
    joined_timestamp: str
    parent_id: str | None  # None: the snapshot does not say where it sits in the tree
    call_ids: tuple[int, ...] = ()
    kind: str = KIND_ACCOUNT


@dataclass(frozen=True, kw_only=True)
class OrgPolicy:
    id: str
    arn: str
    name: str
    type: str
    aws_managed: bool
    description: str
    content: Any  # parsed JSON; None unless content_state == "parsed"
    content_raw: str | None  # the text as AWS returned it; None when DescribePolicy is missing
    content_state: str  # parsed | malformed | unknown
    content_note: str  # why the content is malformed or unknown ("" when parsed)
    target_ids: tuple[str, ...]
    targets_known: bool  # False when ListTargetsForPolicy was denied, failed or not collected
    call_ids: tuple[int, ...] = ()

    @property
    def type_label(self) -> str:
        return POLICY_TYPE_LABELS.get(self.type, self.type)


@dataclass(frozen=True, kw_only=True)
class DelegatedAdmin:
    account_id: str
    arn: str
    name: str
    email: str
    status: str
    delegation_enabled_date: str
    services: tuple[str, ...]  # service principals
    services_known: bool


class PolicyFrom(NamedTuple):
    """A policy and the node (root, OU or account) it is attached to."""

    policy: OrgPolicy
    node: OrgUnit | Account


@dataclass(frozen=True, kw_only=True)
class OrganizationModel:
    organization_id: str
    arn: str
    management_account_id: str
    management_account_email: str
    feature_set: str
    available_policy_types: tuple[tuple[str, str], ...]  # (type, status) from DescribeOrganization
    root_ids: tuple[str, ...]
    units: Mapping[str, OrgUnit]  # roots and OUs by id
    accounts: Mapping[str, Account]
    policies: Mapping[str, OrgPolicy]
    attachments: Mapping[str, tuple[str, ...]]  # target id -> policy ids attached directly
    delegated_admins: Mapping[str, DelegatedAdmin]
    service_access: tuple[tuple[str, str], ...]  # (service principal, date enabled)
    service_access_known: bool
    collection: CollectionState
    gaps: tuple[str, ...] = ()  # what is missing or partial, in words
    _node_notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    # -- lookups ----------------------------------------------------------------

    @property
    def roots(self) -> list[OrgUnit]:
        return [self.units[r] for r in self.root_ids]

    @property
    def ous(self) -> dict[str, OrgUnit]:
        return {k: u for k, u in self.units.items() if u.kind == KIND_OU}

    @property
    def unplaced_accounts(self) -> list[Account]:
        """Accounts whose place in the tree the snapshot does not record."""
        return [a for a in self.accounts.values() if a.parent_id is None]

    def node(self, node_id: str) -> OrgUnit | Account:
        if node_id in self.units:
            return self.units[node_id]
        if node_id in self.accounts:
            return self.accounts[node_id]
        raise KeyError(f"{node_id} is neither a root, an OU nor an account of this organization")

    # -- queries ------------------------------------------------------------------

    def path_to(self, node_id: str) -> list[OrgUnit]:
        """The ancestors of a node, root first, its parent last ([] for a root or an unplaced node)."""
        path: list[OrgUnit] = []
        parent = self.node(node_id).parent_id
        seen = {node_id}
        while parent is not None and parent in self.units and parent not in seen:
            seen.add(parent)
            unit = self.units[parent]
            path.append(unit)
            parent = unit.parent_id
        path.reverse()
        return path

    def attached_policies(self, node_id: str, type: str | None = None) -> list[OrgPolicy]:
        self.node(node_id)
        out = [self.policies[p] for p in self.attachments.get(node_id, ()) if p in self.policies]
        return [p for p in out if type is None or p.type == type]

    def inherited_policies(self, node_id: str, type: str | None = None) -> list[PolicyFrom]:
        """Everything attached above the node, root first."""
        return [
            PolicyFrom(policy=p, node=unit)
            for unit in self.path_to(node_id)
            for p in self.attached_policies(unit.id, type)
        ]

    def effective_policies(self, node_id: str, type: str | None = None) -> list[PolicyFrom]:
        """Every policy that applies at the node: inherited (root first), then attached here.

        For SCPs and RCPs each level filters on its own: an action must be allowed at
        every level of the path and denied at none
        (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_auth.html).
        Tag, backup and AI opt-out policies merge into one effective document, which the
        AWS merge rules define; this lists their inputs, it does not merge them.
        """
        node = self.node(node_id)
        return [*self.inherited_policies(node_id, type)] + [
            PolicyFrom(policy=p, node=node) for p in self.attached_policies(node_id, type)
        ]

    def notes_for(self, node_id: str) -> list[str]:
        """Why what is shown for this node may be incomplete."""
        node = self.node(node_id)
        notes = list(self._node_notes.get(node_id, ()))
        if isinstance(node, Account) and node.id == self.management_account_id:
            # "SCPs don't affect users or roles in the management account" (AWS Organizations
            # User Guide, Service control policies); the same holds for RCPs.
            notes.append(
                "this is the management account: SCPs and RCPs do not apply to it, whatever is attached"
            )
        if isinstance(node, Account) and node.parent_id is None:
            notes.append(
                "the snapshot does not record this account's parent (its OU listing was denied, "
                "failed or not collected): inherited policies are unknown"
            )
        for unit in self.path_to(node_id):
            if unit.parent_id is None and unit.kind == KIND_OU:
                notes.append(f"the parent of OU {unit.name} ({unit.id}) is not recorded: the path is partial")
        unknown_targets = [p for p in self.policies.values() if not p.targets_known]
        if unknown_targets:
            names = ", ".join(sorted(p.name or p.id for p in unknown_targets))
            notes.append(
                f"targets not collected for {len(unknown_targets)} "
                f"{'policy' if len(unknown_targets) == 1 else 'policies'} ({names}): "
                "attachments may be missing"
            )
        return notes


# -- building -----------------------------------------------------------------------


@dataclass
class _Op:
    """The calls of one operation, by canonical parameters (preferring a successful one)."""

    by_params: dict[str, CallRow] = field(default_factory=dict)

    def add(self, call: CallRow) -> None:
        key = json.dumps(call.parameters, sort_keys=True)
        old = self.by_params.get(key)
        if old is None or (old.outcome not in SUCCESS_OUTCOMES and call.outcome in SUCCESS_OUTCOMES):
            self.by_params[key] = call

    def get(self, **params: Any) -> CallRow | None:
        return self.by_params.get(json.dumps(params, sort_keys=True))

    def all(self) -> list[CallRow]:
        return list(self.by_params.values())


def _describe_failure(call: CallRow) -> str:
    what = {OUTCOME_ACCESS_DENIED: "denied"}.get(call.outcome, call.outcome.replace("_", " "))
    detail = ": ".join(x for x in (call.error_code, call.error_message) if x)
    return f"{call.operation} {what}" + (f" ({detail})" if detail else "")


def _items(
    snapshot: SnapshotCalls,
    call: CallRow | None,
    key: str,
    *,
    id_key: str | None = "Id",
    gaps: list[str] | None = None,
) -> list[dict[str, Any]]:
    """The entries under ``key`` in a successful call's pages; entries without ``id_key`` are skipped
    (and said in ``gaps``), because a record without its id cannot be placed or cited."""
    if call is None or call.outcome not in SUCCESS_OUTCOMES:
        return []
    out: list[dict[str, Any]] = []
    skipped = 0
    for page in snapshot.pages(call.id):
        value = page.get(key) if isinstance(page, dict) else None
        if isinstance(value, list):
            for v in value:
                if isinstance(v, dict) and (id_key is None or isinstance(v.get(id_key), str)):
                    out.append(v)
                else:
                    skipped += 1
        elif isinstance(value, dict):
            out.append(value)
    if skipped and gaps is not None:
        gaps.append(
            f"{call.operation} (call {call.id}): {skipped} entries without {id_key or 'content'} skipped"
        )
    return out


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _parse_content(raw: Any) -> tuple[Any, str | None, str, str]:
    """(parsed, raw text, state, note) of a policy's Content (AWS returns it as a JSON string)."""
    if raw is None:
        return None, None, CONTENT_UNKNOWN, "DescribePolicy returned no Content"
    if not isinstance(raw, str):
        # Already structured (a fixture or a future API shape): keep it, with its text.
        return raw, json.dumps(raw, indent=2, sort_keys=True), CONTENT_PARSED, ""
    try:
        return json.loads(raw), raw, CONTENT_PARSED, ""
    except ValueError as exc:
        return None, raw, CONTENT_MALFORMED, f"the content is not valid JSON ({exc})"


def build_organization(snapshot: SnapshotCalls) -> OrganizationModel:
    """The organization recorded in ``snapshot``, with what is missing said, never filled in."""
    ops: dict[str, _Op] = {}
    for row in snapshot.calls(service=SERVICE):
        ops.setdefault(row.operation, _Op()).add(row)

    def op(name: str) -> _Op:
        return ops.get(name, _Op())

    gaps: list[str] = []
    node_notes: dict[str, list[str]] = {}
    used: list[int] = []

    # The organization itself.
    describe = op("DescribeOrganization").get()
    org: dict[str, Any] = {}
    if describe is None:
        collection = CollectionState(
            state=MISSING,
            reason="the snapshot has no DescribeOrganization call (Organizations not collected)",
        )
    else:
        used.append(describe.id)
        if describe.outcome in SUCCESS_OUTCOMES:
            found = _items(snapshot, describe, "Organization")
            org = found[0] if found else {}
            if org:
                collection = CollectionState(state=COLLECTED, reason="", call_ids=(describe.id,))
            else:
                collection = CollectionState(
                    state=MISSING,
                    reason="DescribeOrganization answered without an Organization",
                    call_ids=(describe.id,),
                )
        elif describe.outcome == OUTCOME_NOT_SUBSCRIBED:
            collection = CollectionState(
                state=NOT_AN_ORGANIZATION,
                reason="the collecting account is not a member of an organization "
                "(AWSOrganizationsNotInUseException)",
                call_ids=(describe.id,),
            )
        elif describe.outcome == OUTCOME_ACCESS_DENIED:
            collection = CollectionState(
                state=DENIED, reason=_describe_failure(describe), call_ids=(describe.id,)
            )
        else:
            collection = CollectionState(
                state=MISSING, reason=_describe_failure(describe), call_ids=(describe.id,)
            )
    if collection.state != COLLECTED:
        gaps.append(f"organization: {collection.reason}")

    # Roots and the OU tree.
    units: dict[str, dict[str, Any]] = {}
    root_ids: list[str] = []
    list_roots = op("ListRoots").get()
    if list_roots is not None:
        used.append(list_roots.id)
        if list_roots.outcome not in SUCCESS_OUTCOMES:
            gaps.append(f"roots: {_describe_failure(list_roots)}; the OU tree is unknown")
    for root in _items(snapshot, list_roots, "Roots", gaps=gaps):
        root_ids.append(root["Id"])
        units[root["Id"]] = dict(
            id=root["Id"],
            arn=_s(root.get("Arn")),
            name=_s(root.get("Name")) or "Root",
            parent_id=None,
            kind=KIND_ROOT,
            child_ou_ids=[],
            account_ids=[],
            children_known=True,
            call_ids=[list_roots.id] if list_roots else [],
            policy_types=(
                tuple(
                    (_s(t.get("Type")), _s(t.get("Status")))
                    for t in root["PolicyTypes"]
                    if isinstance(t, dict)
                )
                if isinstance(root.get("PolicyTypes"), list)
                else None
            ),
        )

    ou_calls = op("ListOrganizationalUnitsForParent")
    pending = list(root_ids)
    seen: set[str] = set()
    while pending:
        parent = pending.pop(0)
        if parent in seen:
            continue
        seen.add(parent)
        call = ou_calls.get(ParentId=parent)
        if call is None or call.outcome not in SUCCESS_OUTCOMES:
            why = "not collected" if call is None else _describe_failure(call)
            units[parent]["children_known"] = False
            node_notes.setdefault(parent, []).append(f"child OUs unknown: {why}")
            gaps.append(f"child OUs of {parent}: {why}")
            if call is not None:
                used.append(call.id)
            continue
        used.append(call.id)
        for ou in _items(snapshot, call, "OrganizationalUnits", gaps=gaps):
            if ou["Id"] in units:
                continue
            units[ou["Id"]] = dict(
                id=ou["Id"],
                arn=_s(ou.get("Arn")),
                name=_s(ou.get("Name")),
                parent_id=parent,
                kind=KIND_OU,
                child_ou_ids=[],
                account_ids=[],
                children_known=True,
                call_ids=[call.id],
            )
            units[parent]["child_ou_ids"].append(ou["Id"])
            pending.append(ou["Id"])

    # Accounts: ListAccounts for the facts, ListAccountsForParent for their place.
    accounts: dict[str, dict[str, Any]] = {}
    list_accounts = op("ListAccounts").get()
    if list_accounts is None:
        gaps.append("accounts: ListAccounts not collected")
    else:
        used.append(list_accounts.id)
        if list_accounts.outcome not in SUCCESS_OUTCOMES:
            gaps.append(f"accounts: {_describe_failure(list_accounts)}")

    def remember_account(item: dict[str, Any], call_id: int) -> dict[str, Any]:
        acct = accounts.setdefault(
            item["Id"],
            dict(
                id=item["Id"],
                arn="",
                name="",
                email="",
                status="",
                joined_method="",
                joined_timestamp="",
                parent_id=None,
                call_ids=[],
            ),
        )
        for key, src in (
            ("arn", "Arn"),
            ("name", "Name"),
            ("email", "Email"),
            ("joined_method", "JoinedMethod"),
            ("joined_timestamp", "JoinedTimestamp"),
        ):
            if not acct[key] and item.get(src) is not None:
                acct[key] = _s(item.get(src))
        # Newer API responses carry State (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED...)
        # beside the deprecated Status.
        # https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html
        if not acct["status"] and (item.get("State") or item.get("Status")):
            acct["status"] = _s(item.get("State") or item.get("Status"))
        if call_id not in acct["call_ids"]:
            acct["call_ids"].append(call_id)
        return acct

    for item in _items(snapshot, list_accounts, "Accounts", gaps=gaps):
        remember_account(item, list_accounts.id if list_accounts else 0)

    for_parent = op("ListAccountsForParent")
    for unit_id, unit in units.items():
        call = for_parent.get(ParentId=unit_id)
        if call is None or call.outcome not in SUCCESS_OUTCOMES:
            why = "not collected" if call is None else _describe_failure(call)
            unit["children_known"] = False
            node_notes.setdefault(unit_id, []).append(f"accounts directly in it unknown: {why}")
            gaps.append(f"accounts of {unit['name'] or unit_id} ({unit_id}): {why}")
            if call is not None:
                used.append(call.id)
            continue
        used.append(call.id)
        for item in _items(snapshot, call, "Accounts", gaps=gaps):
            acct = remember_account(item, call.id)
            if acct["parent_id"] is None:
                acct["parent_id"] = unit_id
                unit["account_ids"].append(item["Id"])
    unplaced = sorted(a["id"] for a in accounts.values() if a["parent_id"] is None)
    if unplaced:
        gaps.append(
            f"{len(unplaced)} account(s) without a known parent ({', '.join(unplaced)}): "
            "their place in the tree and inherited policies are unknown"
        )

    # Policies, their content and their targets.
    policies: dict[str, dict[str, Any]] = {}
    for ptype in POLICY_TYPES:
        call = op("ListPolicies").get(Filter=ptype)
        if call is None:
            gaps.append(f"{POLICY_TYPE_LABELS[ptype]} policies: ListPolicies not collected")
            continue
        used.append(call.id)
        if call.outcome not in SUCCESS_OUTCOMES:
            gaps.append(f"{POLICY_TYPE_LABELS[ptype]} policies: {_describe_failure(call)}")
            continue
        for item in _items(snapshot, call, "Policies", gaps=gaps):
            policies.setdefault(item["Id"], dict(summary=item, call_ids=[call.id], type=ptype))
    describe_calls = op("DescribePolicy")
    target_calls = op("ListTargetsForPolicy")
    built_policies: dict[str, OrgPolicy] = {}
    attachments: dict[str, list[str]] = {}
    for pid, info in policies.items():
        summary: dict[str, Any] = dict(info["summary"])
        call_ids: list[int] = list(info["call_ids"])
        dcall = describe_calls.get(PolicyId=pid)
        if dcall is None or dcall.outcome not in SUCCESS_OUTCOMES:
            why = "DescribePolicy not collected" if dcall is None else _describe_failure(dcall)
            content, raw, state, note = None, None, CONTENT_UNKNOWN, f"content unknown: {why}"
            gaps.append(f"policy {summary.get('Name') or pid} ({pid}): {note}")
            if dcall is not None:
                call_ids.append(dcall.id)
        else:
            call_ids.append(dcall.id)
            described = _items(snapshot, dcall, "Policy")
            detail = described[0] if described else {}
            summary = {**summary, **(detail.get("PolicySummary") or {})}
            if "Content" in detail:
                content, raw, state, note = _parse_content(detail.get("Content"))
            else:
                content, raw, state, note = None, None, CONTENT_UNKNOWN, "DescribePolicy returned no Content"
            if state != CONTENT_PARSED:
                gaps.append(f"policy {summary.get('Name') or pid} ({pid}): {note}")
        tcall = target_calls.get(PolicyId=pid)
        targets: list[str] = []
        targets_known = tcall is not None and tcall.outcome in SUCCESS_OUTCOMES
        if tcall is not None:
            call_ids.append(tcall.id)
        if targets_known:
            for t in _items(snapshot, tcall, "Targets", id_key="TargetId", gaps=gaps):
                if t["TargetId"] not in targets:
                    targets.append(t["TargetId"])
                    attachments.setdefault(t["TargetId"], []).append(pid)
        else:
            why = "ListTargetsForPolicy not collected" if tcall is None else _describe_failure(tcall)
            gaps.append(f"targets of policy {summary.get('Name') or pid} ({pid}) unknown: {why}")
        used.extend(call_ids)
        built_policies[pid] = OrgPolicy(
            id=pid,
            arn=_s(summary.get("Arn")),
            name=_s(summary.get("Name")),
            type=_s(summary.get("Type")) or info["type"],
            aws_managed=bool(summary.get("AwsManaged", False)),
            description=_s(summary.get("Description")),
            content=content,
            content_raw=raw,
            content_state=state,
            content_note=note,
            target_ids=tuple(targets),
            targets_known=targets_known,
            call_ids=tuple(call_ids),
        )

    delegated, service_access, access_known = _delegation(snapshot, op, gaps, used)
    if collection.state == NOT_AN_ORGANIZATION:
        # Every other Organizations call answers the same; one line says it all.
        gaps = gaps[:1]

    return OrganizationModel(
        organization_id=_s(org.get("Id")),
        arn=_s(org.get("Arn")),
        management_account_id=_s(org.get("MasterAccountId")),
        management_account_email=_s(org.get("MasterAccountEmail")),
        feature_set=_s(org.get("FeatureSet")),
        available_policy_types=tuple(
            (_s(t.get("Type")), _s(t.get("Status")))
            for t in org.get("AvailablePolicyTypes") or []
            if isinstance(t, dict)
        ),
        root_ids=tuple(root_ids),
        units={
            k: OrgUnit(
                **{
                    **u,
                    "child_ou_ids": tuple(u["child_ou_ids"]),
                    "account_ids": tuple(u["account_ids"]),
                    "call_ids": tuple(u["call_ids"]),
                }
            )
            for k, u in units.items()
        },
        accounts={k: Account(**{**a, "call_ids": tuple(a["call_ids"])}) for k, a in sorted(accounts.items())},
        policies=built_policies,
        attachments={k: tuple(v) for k, v in attachments.items()},
        delegated_admins=delegated,
        service_access=service_access,
        service_access_known=access_known,
        collection=CollectionState(
            state=collection.state, reason=collection.reason, call_ids=tuple(sorted(set(used)))
        ),
        gaps=tuple(gaps),
        _node_notes={k: tuple(v) for k, v in node_notes.items()},
    )


def _delegation(
    snapshot: SnapshotCalls, op: Any, gaps: list[str], used: list[int]
) -> tuple[dict[str, DelegatedAdmin], tuple[tuple[str, str], ...], bool]:
    """Delegated administrators with their services, and the services given organization access."""
    admins: dict[str, DelegatedAdmin] = {}
    call = op("ListDelegatedAdministrators").get()
    if call is None:
        gaps.append("delegated administrators: not collected")
    else:
        used.append(call.id)
        if call.outcome not in SUCCESS_OUTCOMES:
            gaps.append(f"delegated administrators: {_describe_failure(call)}")
    for item in _items(snapshot, call, "DelegatedAdministrators", gaps=gaps):
        scall = op("ListDelegatedServicesForAccount").get(AccountId=item["Id"])
        services: Iterable[dict[str, Any]] = []
        known = scall is not None and scall.outcome in SUCCESS_OUTCOMES
        if scall is not None:
            used.append(scall.id)
            services = _items(snapshot, scall, "DelegatedServices", id_key="ServicePrincipal", gaps=gaps)
        if not known:
            why = "not collected" if scall is None else _describe_failure(scall)
            gaps.append(f"services delegated to {item['Id']}: {why}")
        admins[item["Id"]] = DelegatedAdmin(
            account_id=item["Id"],
            arn=_s(item.get("Arn")),
            name=_s(item.get("Name")),
            email=_s(item.get("Email")),
            status=_s(item.get("State") or item.get("Status")),
            delegation_enabled_date=_s(item.get("DelegationEnabledDate")),
            services=tuple(_s(s.get("ServicePrincipal")) for s in services),
            services_known=known,
        )
    access_call = op("ListAWSServiceAccessForOrganization").get()
    access: list[tuple[str, str]] = []
    access_known = access_call is not None and access_call.outcome in SUCCESS_OUTCOMES
    if access_call is None:
        gaps.append("trusted service access: not collected")
    else:
        used.append(access_call.id)
        if not access_known:
            gaps.append(f"trusted service access: {_describe_failure(access_call)}")
        if access_known:
            for page in snapshot.pages(access_call.id):
                for s in (page.get("EnabledServicePrincipals") or []) if isinstance(page, dict) else []:
                    if isinstance(s, dict):
                        access.append((_s(s.get("ServicePrincipal")), _s(s.get("DateEnabled"))))
    return admins, tuple(access), access_known
