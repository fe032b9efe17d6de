"""The "IAM principals" sheet: the root user, users, groups and roles of every account.

One row per principal, by account (root user, users, groups, roles, each by name): when it was
created and last used, console password and MFA, access keys (age at collection time, last use),
groups or members, attached and inline policies, permissions boundary, and whether it is an
administrator of its account as the trust analysis judged it (the policy engine's ``is_admin``
with SCPs: the same answer the IAM controls report). Facts the snapshot does not hold are said
("unknown: the credential report was denied"), never shown as "No".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from analysis.model.coverage import COLLECTED
from analysis.model.iam import AccessKey, AccountIamSummary, Group, IamInventory, Role, User
from analysis.model.records import partition_of
from analysis.trust.edges.assume_role import trust_grants
from exports.sheets.inventory_common import (
    Cells,
    Row,
    account_name,
    fit_row,
    in_scope,
    lines,
    or_note,
    yes_no,
)
from exports.xlsx_writer import Column, SheetSpec

if TYPE_CHECKING:
    from exports.options import ExportOptions
    from exports.pack_data import PackData

SHEET = SheetSpec(
    "IAM principals",
    (
        # The first nine are what a printed page shows: who, whether admin, how they sign in.
        Column("Account", 13, wrap=True),
        Column("Account name", 16, wrap=True),
        Column("Type", 9, wrap=True),
        Column("Name", 24, wrap=True),
        Column("Administrator", 13, wrap=True),
        Column("Console password", 10, wrap=True),
        Column("MFA", 14, wrap=True),
        Column("Access keys", 38, wrap=True),
        Column("Last used", 22, wrap=True),
        Column("ARN", 50),
        Column("Created", 26),
        Column("Groups / members", 30),
        Column("Attached managed policies", 36),
        Column("Inline policies", 26),
        Column("Permissions boundary", 30),
        Column("Administrator: why", 50),
        Column("Trusted by (roles)", 50),
        Column("Notes", 40),
    ),
    print_columns=9,
)
CELLS = Cells(SHEET)
_R = TypeVar("_R", User, Group, Role)
_KEEP = CELLS.index("Account", "Account name", "Type", "Name", "ARN")
(_NOTES,) = CELLS.index("Notes")
_NA = "n/a"
_SIGN_IN = ("Console password", "MFA", "Access keys")


def rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    empty = (
        "No IAM principal of the accounts in the pack's scope is in the snapshot"
        if options.filters_accounts
        else "No IAM principal in the snapshot (IAM was not collected, or every account's listing failed)"
    )
    return or_note(_rows(data, options), CELLS.note("Name", empty))


def _rows(data: PackData, options: ExportOptions) -> Iterator[Row]:
    iam = data.inventory.iam
    at = _collection_time(data)
    partition = partition_of(dict(data.manifest))
    accounts = sorted(
        {*iam.accounts, *(p.account_id for m in (iam.users, iam.roles, iam.groups) for p in m.values())}
    )
    users = _by_account(iam.users.values())
    groups = _by_account(iam.groups.values())
    roles = _by_account(iam.roles.values())
    for account_id in accounts:
        if not in_scope(data, options, account_id):
            continue
        name = account_name(data, account_id)
        summary = iam.accounts.get(account_id)
        if summary is not None:
            yield from fit_row(_root_row(account_id, name, summary, partition), keep=_KEEP, mark=_NOTES)
        for user in users.get(account_id, []):
            yield from fit_row(_user_row(data, iam, name, user, at), keep=_KEEP, mark=_NOTES)
        for group in groups.get(account_id, []):
            yield from fit_row(_group_row(iam, name, group), keep=_KEEP, mark=_NOTES)
        for role in roles.get(account_id, []):
            yield from fit_row(_role_row(data, iam, name, role), keep=_KEEP, mark=_NOTES)


def _by_account(records: Iterable[_R]) -> dict[str, list[_R]]:
    out: dict[str, list[_R]] = {}
    for r in records:
        out.setdefault(r.account_id, []).append(r)
    for v in out.values():
        v.sort(key=lambda r: (r.name.lower(), r.arn))
    return out


def _collection_time(data: PackData) -> datetime | None:
    return _date(str(data.manifest.get("started_at") or data.manifest.get("finished_at") or ""))


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        d = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else None


def _root_row(account_id: str, name: str, s: AccountIamSummary, partition: str) -> Row:
    cr = s.root_credentials
    notes = []
    if s.credential_report_state != COLLECTED:
        notes.append(f"credential report: {s.credential_report_state.replace('_', ' ')}")
    if s.summary_state != COLLECTED:
        notes.append(f"account summary: {s.summary_state.replace('_', ' ')}")
    if cr is None:
        last_used = "unknown (no credential report)"
        console = "unknown"
    else:
        last_used = f"console: {cr.password_last_used or 'never (or no information)'}"
        # The root row says "not_supported" for password_enabled: the console password of the
        # root user is not reported (IAM User Guide, "Getting credential reports").
        console = yes_no(cr.password_enabled, "not reported for the root user")
    keys = yes_no(s.root_access_keys_present, "unknown (account summary not collected)")
    if cr is not None and (cr.access_key_1_active or cr.access_key_2_active):
        keys += f"; active: key 1 {yes_no(cr.access_key_1_active)}, key 2 {yes_no(cr.access_key_2_active)}"
    return CELLS(
        {
            "Account": account_id,
            "Account name": name,
            "Type": "root user",
            "Name": "<root account>",
            "Administrator": "Yes",
            "Console password": console,
            "MFA": yes_no(s.root_mfa_enabled, "unknown (account summary not collected)"),
            "Access keys": f"present: {keys}",
            "Last used": last_used,
            "ARN": f"arn:{partition}:iam::{account_id}:root",
            "Created": cr.user_creation_time if cr else None,
            "Administrator: why": "the root user has full control of its account "
            "(only SCPs restrict it, in member accounts)",
            **{c: _NA for c in _POLICY_COLUMNS},
            "Notes": lines(notes),
        }
    )


_POLICY_COLUMNS = ("Groups / members", "Attached managed policies", "Inline policies", "Permissions boundary")


def _user_row(data: PackData, iam: IamInventory, name: str, user: User, at: datetime | None) -> Row:
    cr = user.credential_report
    report_state = user.credential_report_state.replace("_", " ")
    if cr is None:
        last_used = f"console: unknown (credential report {report_state})"
    else:
        last_used = f"console: {cr.password_last_used or 'never (or no information)'}"
    mfa_known = cr is not None and cr.mfa_active is not None
    has_mfa = bool(user.mfa_serials) or (cr is not None and bool(cr.mfa_active))
    mfa = "Yes" if has_mfa else ("No" if mfa_known or user.mfa_state == COLLECTED else "unknown")
    if user.mfa_serials:
        mfa += "\n" + lines(f"virtual device {s.rsplit('/', 1)[-1]}" for s in user.mfa_serials)
    if user.access_keys_state != COLLECTED:
        keys = f"unknown: ListAccessKeys {user.access_keys_state.replace('_', ' ')}"
    else:
        keys = lines(_key_words(k, at) for k in user.access_keys) or "none"
    admin, why = _admin(data, user.arn)
    return CELLS(
        {
            "Account": user.account_id,
            "Account name": name,
            "Type": "user",
            "Name": user.name,
            "Administrator": admin,
            "Console password": yes_no(user.console_password, f"unknown (credential report {report_state})"),
            "MFA": mfa,
            "Access keys": keys,
            "Last used": last_used,
            "ARN": user.arn,
            "Created": user.created,
            "Groups / members": lines(user.group_names),
            "Attached managed policies": _managed(iam, user.attached_policy_arns),
            "Inline policies": lines(p.name for p in user.inline_policies),
            "Permissions boundary": _boundary(iam, user.permissions_boundary_arn),
            "Administrator: why": why,
            "Trusted by (roles)": _NA,
            "Notes": "MFA devices: " + ", ".join(user.mfa_serials) if user.mfa_serials else None,
        }
    )


def _key_words(key: AccessKey, at: datetime | None) -> str:
    created = _date(key.created)
    age = f", {(at - created).days} days old at collection" if at and created else ""
    if key.last_used_state != COLLECTED:
        used = f"last use unknown (GetAccessKeyLastUsed {key.last_used_state.replace('_', ' ')})"
    elif key.last_used_date:
        where = ", ".join(x for x in (key.last_used_service, key.last_used_region) if x and x != "N/A")
        used = f"last used {key.last_used_date}" + (f" ({where})" if where else "")
    else:
        used = "never used"
    return f"{key.access_key_id} {key.status}, created {key.created or 'unknown'}{age}, {used}"


def _group_row(iam: IamInventory, name: str, group: Group) -> Row:
    members = [m.rsplit("/", 1)[-1] for m in group.member_arns]
    return CELLS(
        {
            "Account": group.account_id,
            "Account name": name,
            "Type": "group",
            "Name": group.name,
            "Administrator": _NA,
            **{c: _NA for c in _SIGN_IN},
            "Last used": _NA,
            "ARN": group.arn,
            "Groups / members": lines(members) or "no members",
            "Attached managed policies": _managed(iam, group.attached_policy_arns),
            "Inline policies": lines(p.name for p in group.inline_policies),
            "Permissions boundary": _NA,
            "Administrator: why": "a group is not a principal: its policies count for its members (see their rows)",
            "Trusted by (roles)": _NA,
        }
    )


def _role_row(data: PackData, iam: IamInventory, name: str, role: Role) -> Row:
    if role.last_used_date:
        last_used = role.last_used_date + (f" ({role.last_used_region})" if role.last_used_region else "")
    else:
        last_used = "no use recorded (IAM tracks the last 400 days)"
    notes = []
    if role.service_linked:
        notes.append("service-linked role (AWS manages its permissions and trust policy)")
    if role.instance_profile_arns:
        notes.append(
            "instance profiles: " + ", ".join(a.rsplit("/", 1)[-1] for a in role.instance_profile_arns)
        )
    if role.trust_policy.error:
        notes.append(f"trust policy unreadable: {role.trust_policy.error}")
    admin, why = _admin(data, role.arn)
    return CELLS(
        {
            "Account": role.account_id,
            "Account name": name,
            "Type": "role",
            "Name": role.name,
            "Administrator": admin,
            **{c: _NA for c in _SIGN_IN},
            "Last used": last_used,
            "ARN": role.arn,
            "Created": role.created,
            "Groups / members": _NA,
            "Attached managed policies": _managed(iam, role.attached_policy_arns),
            "Inline policies": lines(p.name for p in role.inline_policies),
            "Permissions boundary": _boundary(iam, role.permissions_boundary_arn),
            "Administrator: why": why,
            "Trusted by (roles)": _trusted_by(role),
            "Notes": lines(notes),
        }
    )


def _trusted_by(role: Role) -> str:
    out = []
    for g in trust_grants(role):
        who = "everyone (NotPrincipal)" if g.via_not_principal else f"{g.principal_type}: {g.value}"
        cond = f" if {'; '.join(c.text() for c in g.conditions)}" if g.conditions else ""
        out.append(f"{who} ({g.action}){cond}")
    return lines(dict.fromkeys(out)) or "nobody (no Allow statement for sts:AssumeRole*)"


def _managed(iam: IamInventory, arns: tuple[str, ...]) -> str:
    out = []
    for arn in arns:
        policy = iam.policies.get(arn)
        name = policy.name if policy else arn.rsplit("/", 1)[-1]
        managed = policy.aws_managed if policy else ":iam::aws:policy/" in arn
        out.append(f"{name} (AWS managed)" if managed else name)
    return lines(out)


def _boundary(iam: IamInventory, arn: str | None) -> str:
    if arn is None:
        return "none"
    policy = iam.policies.get(arn)
    return f"{policy.name if policy else arn.rsplit('/', 1)[-1]}\n{arn}"


def _admin(data: PackData, arn: str) -> tuple[str, str]:
    if data.trust_graph is None:
        return "unknown", "the trust graph (which judges administrators) was not built for this pack"
    decision = data.trust_graph.admins.get(arn)
    if decision is None:
        return "No", ""
    if decision.decision == "conditional":
        return "Yes, if conditions hold", decision.summary()
    return "Yes", lines(s.describe() for s in decision.deciding)
