"""The IAM Inventory: principals, policies, federation and account settings of every collected account.

Built from the IAM calls the ``iam`` collector stores per account (region "global"):
GetAccountAuthorizationDetails (all pages), the credential report, the password
policy, the account summary and aliases, virtual MFA devices, SAML/OIDC providers,
and access keys with their last use. Every per-resource value carries the
coverage state of the call that would have told us (collected / absent / denied /
not collected), so "no access keys" is never confused with "could not list them".

AWS-managed policies (``arn:<partition>:iam::aws:policy/...``) are listed by
GetAccountAuthorizationDetails in every account; they are one object here, parsed
once, with the accounts that listed them. The module is long because IAM is: one
normalizer with its records, kept together so that the resolution (user -> groups
-> policies, role -> instance profiles) reads in one place.
"""

from __future__ import annotations

import base64
import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.model.coverage import ABSENT, COLLECTED, NOT_COLLECTED, Coverage, CoverageState
from analysis.model.policy_doc import PolicyDocument, parse_policy_document
from analysis.model.records import Record, partition_of
from analysis.model.source import PageSource, bulk_parsing
from snapshot.reader import CallRow
from snapshot.schema import SUCCESS_OUTCOMES

SERVICE = "iam"
GLOBAL = "global"
ROOT_ROW = "<root_account>"
# Credential report values that mean "no value" rather than a date or a boolean
# (IAM User Guide, "Getting credential reports": N/A, not_supported, no_information).
NO_VALUE = frozenset({"N/A", "not_supported", "no_information", ""})

# Where a policy document reaching a principal came from.
SOURCE_INLINE = "inline"
SOURCE_MANAGED = "managed"
SOURCE_GROUP_INLINE = "group_inline"
SOURCE_GROUP_MANAGED = "group_managed"


# -- records ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class InlinePolicy:
    name: str
    document: PolicyDocument


@dataclass(frozen=True, kw_only=True)
class PolicyVersion:
    version_id: str
    is_default: bool
    created: str | None
    document: PolicyDocument


@dataclass(frozen=True, kw_only=True)
class ManagedPolicy(Record):
    """A managed policy; AWS-managed ones have account_id "aws" and list every account that showed them."""

    name: str
    policy_id: str
    path: str
    aws_managed: bool
    default_version_id: str | None
    # Customer-managed: every version (a non-default version can be made default by whoever holds
    # iam:SetDefaultPolicyVersion). AWS-managed: the default version only, to stay lean.
    versions: tuple[PolicyVersion, ...]
    description: str = ""
    is_attachable: bool = True
    attachment_counts: Mapping[str, int] = field(default_factory=dict)  # account id -> AttachmentCount
    accounts: tuple[str, ...] = ()  # accounts whose GetAccountAuthorizationDetails listed it

    @property
    def default_document(self) -> PolicyDocument | None:
        for v in self.versions:
            if v.is_default or v.version_id == self.default_version_id:
                return v.document
        return None


@dataclass(frozen=True, kw_only=True)
class AccessKey:
    access_key_id: str
    status: str
    created: str | None
    last_used_date: str | None
    last_used_service: str | None
    last_used_region: str | None
    last_used_state: str  # coverage of GetAccessKeyLastUsed for this key


@dataclass(frozen=True, kw_only=True)
class CredentialReportRow:
    """One line of the credential report. Dates are ISO strings; None where the report says N/A etc."""

    user: str
    arn: str
    user_creation_time: str | None
    password_enabled: bool | None  # None: "not_supported" (the root row) or unreadable
    password_last_used: str | None
    password_last_changed: str | None
    password_next_rotation: str | None
    mfa_active: bool | None
    access_key_1_active: bool | None
    access_key_1_last_rotated: str | None
    access_key_1_last_used_date: str | None
    access_key_2_active: bool | None
    access_key_2_last_rotated: str | None
    access_key_2_last_used_date: str | None
    cert_1_active: bool | None
    cert_2_active: bool | None
    raw: Mapping[str, str]  # every column as the report wrote it (e.g. "no_information")

    @property
    def is_root(self) -> bool:
        return self.user == ROOT_ROW


@dataclass(frozen=True, kw_only=True)
class User(Record):
    name: str
    user_id: str
    path: str
    created: str | None
    group_arns: tuple[str, ...]  # resolved from GroupList; a group missing from the snapshot is skipped
    group_names: tuple[str, ...]  # as listed (including any not resolved)
    attached_policy_arns: tuple[str, ...]
    inline_policies: tuple[InlinePolicy, ...]
    permissions_boundary_arn: str | None
    mfa_serials: tuple[str, ...]  # virtual MFA devices assigned to the user
    mfa_state: str  # coverage of ListVirtualMFADevices in the account
    console_password: bool | None  # from the credential report; None: report not collected or no row
    credential_report: CredentialReportRow | None
    credential_report_state: str
    access_keys: tuple[AccessKey, ...]
    access_keys_state: str  # coverage of ListAccessKeys for this user
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Group(Record):
    name: str
    group_id: str
    path: str
    attached_policy_arns: tuple[str, ...]
    inline_policies: tuple[InlinePolicy, ...]
    member_arns: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Role(Record):
    name: str
    role_id: str
    path: str
    created: str | None
    trust_policy: PolicyDocument
    attached_policy_arns: tuple[str, ...]
    inline_policies: tuple[InlinePolicy, ...]
    permissions_boundary_arn: str | None
    last_used_date: str | None
    last_used_region: str | None
    instance_profile_arns: tuple[str, ...]
    # GetAccountAuthorizationDetails does not return MaxSessionDuration (RoleDetail has no such
    # member; iam:GetRole does and is not collected): None means unknown, not the 1-hour default.
    max_session_duration: int | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def service_linked(self) -> bool:
        return self.path.startswith("/aws-service-role/")


@dataclass(frozen=True, kw_only=True)
class InstanceProfile(Record):
    name: str
    instance_profile_id: str
    path: str
    role_arns: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class SamlProvider(Record):
    name: str
    created: str | None
    valid_until: str | None
    metadata_document: str | None
    detail_state: str  # coverage of GetSAMLProvider


@dataclass(frozen=True, kw_only=True)
class OidcProvider(Record):
    url: str | None
    client_ids: tuple[str, ...]
    thumbprints: tuple[str, ...]
    created: str | None
    detail_state: str  # coverage of GetOpenIDConnectProvider


@dataclass(frozen=True, kw_only=True)
class PasswordPolicy(Record):
    """The account's password policy; ``state`` absent means none is set (AWS defaults apply)."""

    state: str
    reason: str
    settings: Mapping[str, Any] | None = None  # PasswordPolicy as returned; None unless collected


@dataclass(frozen=True, kw_only=True)
class AccountIamSummary(Record):
    """Account-wide IAM facts: summary counters, aliases, the root row of the credential report."""

    summary: Mapping[str, int] | None
    summary_state: str
    aliases: tuple[str, ...]
    aliases_state: str
    authorization_details_state: str
    credential_report_state: str
    root_credentials: CredentialReportRow | None
    virtual_mfa_serials: tuple[str, ...]  # every virtual MFA device, assigned or not
    virtual_mfa_state: str

    @property
    def root_mfa_enabled(self) -> bool | None:
        if self.summary is None or "AccountMFAEnabled" not in self.summary:
            return None
        return bool(self.summary["AccountMFAEnabled"])

    @property
    def root_access_keys_present(self) -> bool | None:
        if self.summary is None or "AccountAccessKeysPresent" not in self.summary:
            return None
        return bool(self.summary["AccountAccessKeysPresent"])


@dataclass(frozen=True, kw_only=True)
class EffectivePolicy:
    """One identity policy reaching a principal, and where it came from (for the evaluation engine)."""

    source: str  # inline | managed | group_inline | group_managed
    policy_name: str
    policy_arn: str | None  # managed policies
    via_group_arn: str | None  # group_* sources
    document: PolicyDocument | None  # None: a managed policy the snapshot does not hold


@dataclass(frozen=True, kw_only=True)
class IamInventory:
    users: Mapping[str, User]
    groups: Mapping[str, Group]
    roles: Mapping[str, Role]
    policies: Mapping[str, ManagedPolicy]
    instance_profiles: Mapping[str, InstanceProfile]
    saml_providers: Mapping[str, SamlProvider]
    oidc_providers: Mapping[str, OidcProvider]
    password_policies: Mapping[str, PasswordPolicy]  # by account id
    accounts: Mapping[str, AccountIamSummary]  # by account id
    roles_by_account: Mapping[str, tuple[str, ...]]  # account id -> role ARNs

    def policies_for(self, principal_arn: str) -> tuple[EffectivePolicy, ...]:
        """Every identity policy of a user (with its groups') or role, in a stable order."""
        principal: User | Role | None = self.users.get(principal_arn) or self.roles.get(principal_arn)
        if principal is None:
            raise KeyError(f"{principal_arn} is not a user or role of this inventory")
        out = [
            EffectivePolicy(
                source=SOURCE_INLINE,
                policy_name=p.name,
                policy_arn=None,
                via_group_arn=None,
                document=p.document,
            )
            for p in principal.inline_policies
        ]
        out.extend(self._managed(principal.attached_policy_arns, SOURCE_MANAGED, None))
        if isinstance(principal, User):
            for group_arn in principal.group_arns:
                group = self.groups[group_arn]
                out.extend(
                    EffectivePolicy(
                        source=SOURCE_GROUP_INLINE,
                        policy_name=p.name,
                        policy_arn=None,
                        via_group_arn=group_arn,
                        document=p.document,
                    )
                    for p in group.inline_policies
                )
                out.extend(self._managed(group.attached_policy_arns, SOURCE_GROUP_MANAGED, group_arn))
        return tuple(out)

    def boundary_for(self, principal_arn: str) -> PolicyDocument | None:
        """The permissions boundary's document (None: no boundary, or its policy is not in the snapshot)."""
        principal: User | Role | None = self.users.get(principal_arn) or self.roles.get(principal_arn)
        if principal is None or principal.permissions_boundary_arn is None:
            return None
        policy = self.policies.get(principal.permissions_boundary_arn)
        return policy.default_document if policy else None

    def _managed(self, arns: Iterable[str], source: str, via: str | None) -> Iterable[EffectivePolicy]:
        for arn in arns:
            policy = self.policies.get(arn)
            yield EffectivePolicy(
                source=source,
                policy_name=policy.name if policy else arn.rsplit("/", 1)[-1],
                policy_arn=arn,
                via_group_arn=via,
                document=policy.default_document if policy else None,
            )


# -- normalizer ----------------------------------------------------------------------------------


class _Calls:
    """Per-resource calls of one operation indexed by (account, parameter value): no quadratic lookups."""

    def __init__(self, source: PageSource, coverage: Coverage, operation: str, param: str) -> None:
        self._coverage = coverage
        self._operation = operation
        self._param = param
        self._calls: dict[tuple[str, str], CallRow] = {}
        for call in source.calls(SERVICE, operation):
            self._calls[(call.account_id, str(call.parameters.get(param, "")))] = call

    def call(self, account_id: str, value: str) -> CallRow | None:
        return self._calls.get((account_id, value))

    def state(self, account_id: str, value: str) -> str:
        call = self._calls.get((account_id, value))
        if call is not None and call.outcome in SUCCESS_OUTCOMES:
            return COLLECTED
        return self._coverage.state(
            account_id=account_id,
            region=GLOBAL,
            service=SERVICE,
            operation=self._operation,
            parameters={self._param: value},
        ).state


def normalize_iam(source: PageSource, coverage: Coverage) -> IamInventory:
    """Build the IAM Inventory of every account with IAM calls in the snapshot."""
    partition = partition_of(source.manifest)
    b = _Builder(source=source, coverage=coverage, partition=partition)
    with bulk_parsing():
        for page in source.pages(SERVICE, "GetAccountAuthorizationDetails"):
            b.add_details(page.account_id, page.call.id, page.body)
        accounts = sorted({c.account_id for c in source.all_calls() if c.service == SERVICE})
        for account_id in accounts:
            b.add_account(account_id)
    return b.build()


@dataclass
class _Builder:
    source: PageSource
    coverage: Coverage
    partition: str
    raw_users: list[tuple[str, int, Mapping[str, Any]]] = field(default_factory=list)
    groups: dict[str, Group] = field(default_factory=dict)
    group_by_name: dict[tuple[str, str], str] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    policies: dict[str, ManagedPolicy] = field(default_factory=dict)
    policy_accounts: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    policy_calls: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    instance_profiles: dict[str, InstanceProfile] = field(default_factory=dict)
    saml: dict[str, SamlProvider] = field(default_factory=dict)
    oidc: dict[str, OidcProvider] = field(default_factory=dict)
    password_policies: dict[str, PasswordPolicy] = field(default_factory=dict)
    summaries: dict[str, AccountIamSummary] = field(default_factory=dict)
    report_rows: dict[str, CredentialReportRow] = field(default_factory=dict)  # by user ARN
    report_state: dict[str, str] = field(default_factory=dict)
    mfa_by_user: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    mfa_state: dict[str, str] = field(default_factory=dict)
    mfa_calls: dict[str, tuple[int, ...]] = field(default_factory=dict)
    mfa_all: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    saml_calls: _Calls | None = None
    oidc_calls: _Calls | None = None

    def __post_init__(self) -> None:
        self.saml_calls = _Calls(self.source, self.coverage, "GetSAMLProvider", "SAMLProviderArn")
        self.oidc_calls = _Calls(
            self.source, self.coverage, "GetOpenIDConnectProvider", "OpenIDConnectProviderArn"
        )

    # -- GetAccountAuthorizationDetails --------------------------------------------------------

    def add_details(self, account_id: str, call_id: int, body: Mapping[str, Any]) -> None:
        for u in _dicts(body.get("UserDetailList")):
            self.raw_users.append((account_id, call_id, u))
        for g in _dicts(body.get("GroupDetailList")):
            self._add_group(account_id, call_id, g)
        for r in _dicts(body.get("RoleDetailList")):
            self._add_role(account_id, call_id, r)
        for p in _dicts(body.get("Policies")):
            self._add_policy(account_id, call_id, p)

    def _add_group(self, account_id: str, call_id: int, g: Mapping[str, Any]) -> None:
        name = str(g.get("GroupName", ""))
        path = str(g.get("Path") or "/")
        arn = str(g.get("Arn") or f"arn:{self.partition}:iam::{account_id}:group{path}{name}")
        self.groups[arn] = Group(
            arn=arn,
            account_id=account_id,
            region=GLOBAL,
            call_ids=(call_id,),
            name=name,
            group_id=str(g.get("GroupId", "")),
            path=path,
            attached_policy_arns=_attached(g),
            inline_policies=_inline(g.get("GroupPolicyList")),
        )
        self.group_by_name[(account_id, name)] = arn

    def _add_role(self, account_id: str, call_id: int, r: Mapping[str, Any]) -> None:
        name = str(r.get("RoleName", ""))
        path = str(r.get("Path") or "/")
        arn = str(r.get("Arn") or f"arn:{self.partition}:iam::{account_id}:role{path}{name}")
        profiles: list[str] = []
        for p in _dicts(r.get("InstanceProfileList")):
            p_name = str(p.get("InstanceProfileName", ""))
            p_path = str(p.get("Path") or "/")
            p_arn = str(
                p.get("Arn") or f"arn:{self.partition}:iam::{account_id}:instance-profile{p_path}{p_name}"
            )
            profiles.append(p_arn)
            role_arns = tuple(str(x.get("Arn")) for x in _dicts(p.get("Roles")) if x.get("Arn")) or (arn,)
            known = self.instance_profiles.get(p_arn)
            if known is not None:
                role_arns = tuple(dict.fromkeys(known.role_arns + role_arns))
            self.instance_profiles[p_arn] = InstanceProfile(
                arn=p_arn,
                account_id=account_id,
                region=GLOBAL,
                call_ids=(call_id,),
                name=p_name,
                instance_profile_id=str(p.get("InstanceProfileId", "")),
                path=p_path,
                role_arns=role_arns,
            )
        last_used = r.get("RoleLastUsed")
        if not isinstance(last_used, dict | Mapping):
            last_used = {}
        self.roles[arn] = Role(
            arn=arn,
            account_id=account_id,
            region=GLOBAL,
            call_ids=(call_id,),
            name=name,
            role_id=str(r.get("RoleId", "")),
            path=path,
            created=_opt(r.get("CreateDate")),
            trust_policy=parse_policy_document(r.get("AssumeRolePolicyDocument")),
            attached_policy_arns=_attached(r),
            inline_policies=_inline(r.get("RolePolicyList")),
            permissions_boundary_arn=_boundary(r),
            last_used_date=_opt(last_used.get("LastUsedDate")),
            last_used_region=_opt(last_used.get("Region")),
            instance_profile_arns=tuple(profiles),
            tags=_tags(r.get("Tags")),
        )

    def _add_policy(self, account_id: str, call_id: int, p: Mapping[str, Any]) -> None:
        arn = str(p.get("Arn", ""))
        if not arn:
            return
        self.policy_accounts[arn][account_id] = int(p.get("AttachmentCount") or 0)
        self.policy_calls[arn].append(call_id)
        if arn in self.policies:
            return  # an AWS-managed policy seen in an earlier account: parsed once
        aws_managed = arn.split(":")[4:5] == ["aws"]
        default_id = _opt(p.get("DefaultVersionId"))
        versions: list[PolicyVersion] = []
        for v in _dicts(p.get("PolicyVersionList")):
            version_id = str(v.get("VersionId", ""))
            is_default = bool(v.get("IsDefaultVersion")) or version_id == default_id
            if aws_managed and not is_default:
                continue
            versions.append(
                PolicyVersion(
                    version_id=version_id,
                    is_default=is_default,
                    created=_opt(v.get("CreateDate")),
                    document=parse_policy_document(v.get("Document")),
                )
            )
        self.policies[arn] = ManagedPolicy(
            arn=arn,
            account_id="aws" if aws_managed else account_id,
            region=GLOBAL,
            name=str(p.get("PolicyName") or arn.rsplit("/", 1)[-1]),
            policy_id=str(p.get("PolicyId", "")),
            path=str(p.get("Path") or "/"),
            aws_managed=aws_managed,
            default_version_id=default_id,
            versions=tuple(versions),
            description=str(p.get("Description") or ""),
            is_attachable=bool(p.get("IsAttachable", True)),
        )

    # -- per account --------------------------------------------------------------------------

    def _state(self, account_id: str, operation: str) -> CoverageState:
        return self.coverage.state(account_id=account_id, region=GLOBAL, service=SERVICE, operation=operation)

    def add_account(self, account_id: str) -> None:
        root_arn = f"arn:{self.partition}:iam::{account_id}:root"
        self._add_credential_report(account_id)
        self._add_password_policy(account_id, root_arn)
        self._add_mfa(account_id)
        self._add_federation(account_id)
        summary_page = self.source.first_page(
            SERVICE, "GetAccountSummary", account_id=account_id, region=GLOBAL
        )
        summary_map = summary_page.body.get("SummaryMap") if summary_page else None
        aliases: list[str] = []
        for page in self.source.pages(SERVICE, "ListAccountAliases", account_id=account_id, region=GLOBAL):
            aliases.extend(str(a) for a in page.body.get("AccountAliases") or [])
        call_ids = [summary_page.call.id] if summary_page else []
        virtual = self.mfa_all.get(account_id, [])
        self.summaries[account_id] = AccountIamSummary(
            arn=root_arn,
            account_id=account_id,
            region=GLOBAL,
            call_ids=tuple(call_ids) + self.mfa_calls.get(account_id, ()),
            summary=dict(summary_map) if isinstance(summary_map, dict | Mapping) else None,
            summary_state=self._state(account_id, "GetAccountSummary").state,
            aliases=tuple(aliases),
            aliases_state=self._state(account_id, "ListAccountAliases").state,
            authorization_details_state=self._state(account_id, "GetAccountAuthorizationDetails").state,
            credential_report_state=self.report_state[account_id],
            root_credentials=self.report_rows.get(root_arn),
            virtual_mfa_serials=tuple(virtual),
            virtual_mfa_state=self.mfa_state[account_id],
        )

    def _add_credential_report(self, account_id: str) -> None:
        page = self.source.first_page(SERVICE, "GetCredentialReport", account_id=account_id, region=GLOBAL)
        state = self._state(account_id, "GetCredentialReport").state
        if page is None:
            self.report_state[account_id] = state
            return
        rows = _parse_report(page.body.get("Content"))
        if rows is None:
            self.report_state[account_id] = "malformed"
            return
        self.report_state[account_id] = COLLECTED
        for row in rows:
            arn = row.arn
            if row.is_root and not arn:
                arn = f"arn:{self.partition}:iam::{account_id}:root"
            self.report_rows[arn] = row

    def _add_password_policy(self, account_id: str, root_arn: str) -> None:
        cov = self._state(account_id, "GetAccountPasswordPolicy")
        page = self.source.first_page(
            SERVICE, "GetAccountPasswordPolicy", account_id=account_id, region=GLOBAL
        )
        settings = page.body.get("PasswordPolicy") if page else None
        self.password_policies[account_id] = PasswordPolicy(
            arn=root_arn,
            account_id=account_id,
            region=GLOBAL,
            call_ids=cov.call_ids,
            state=cov.state,
            reason=cov.reason,
            settings=dict(settings) if isinstance(settings, dict | Mapping) else None,
        )

    def _add_mfa(self, account_id: str) -> None:
        cov = self._state(account_id, "ListVirtualMFADevices")
        self.mfa_state[account_id] = cov.state
        self.mfa_calls[account_id] = cov.call_ids
        everything = self.mfa_all[account_id]
        for page in self.source.pages(SERVICE, "ListVirtualMFADevices", account_id=account_id, region=GLOBAL):
            for device in _dicts(page.body.get("VirtualMFADevices")):
                serial = str(device.get("SerialNumber", ""))
                everything.append(serial)
                user = device.get("User")
                if isinstance(user, dict | Mapping) and user.get("Arn"):
                    self.mfa_by_user[str(user["Arn"])].append(serial)

    def _add_federation(self, account_id: str) -> None:
        saml_calls, oidc_calls = self.saml_calls, self.oidc_calls
        assert saml_calls is not None and oidc_calls is not None
        for page in self.source.pages(SERVICE, "ListSAMLProviders", account_id=account_id, region=GLOBAL):
            for entry in _dicts(page.body.get("SAMLProviderList")):
                arn = str(entry.get("Arn", ""))
                call = saml_calls.call(account_id, arn)
                detail = self._detail(call)
                self.saml[arn] = SamlProvider(
                    arn=arn,
                    account_id=account_id,
                    region=GLOBAL,
                    call_ids=(page.call.id,) + ((call.id,) if call else ()),
                    name=arn.rsplit("/", 1)[-1],
                    created=_opt(detail.get("CreateDate") or entry.get("CreateDate")),
                    valid_until=_opt(detail.get("ValidUntil") or entry.get("ValidUntil")),
                    metadata_document=_opt(detail.get("SAMLMetadataDocument")),
                    detail_state=saml_calls.state(account_id, arn),
                )
        for page in self.source.pages(
            SERVICE, "ListOpenIDConnectProviders", account_id=account_id, region=GLOBAL
        ):
            for entry in _dicts(page.body.get("OpenIDConnectProviderList")):
                arn = str(entry.get("Arn", ""))
                call = oidc_calls.call(account_id, arn)
                detail = self._detail(call)
                url = _opt(detail.get("Url"))
                self.oidc[arn] = OidcProvider(
                    arn=arn,
                    account_id=account_id,
                    region=GLOBAL,
                    call_ids=(page.call.id,) + ((call.id,) if call else ()),
                    # Without the detail call, the ARN still names the provider's host and path.
                    url=url if url is not None else (arn.split(":oidc-provider/", 1)[-1] or None),
                    client_ids=tuple(str(c) for c in detail.get("ClientIDList") or []),
                    thumbprints=tuple(str(t) for t in detail.get("ThumbprintList") or []),
                    created=_opt(detail.get("CreateDate")),
                    detail_state=oidc_calls.state(account_id, arn),
                )

    def _detail(self, call: CallRow | None) -> Mapping[str, Any]:
        if call is None or call.outcome not in SUCCESS_OUTCOMES:
            return {}
        pages = self.source.snapshot.pages(call.id)
        return pages[0] if pages and isinstance(pages[0], dict | Mapping) else {}

    # -- users, last -----------------------------------------------------------------------------

    def _users(self) -> dict[str, User]:
        keys = _Calls(self.source, self.coverage, "ListAccessKeys", "UserName")
        last_used = _Calls(self.source, self.coverage, "GetAccessKeyLastUsed", "AccessKeyId")
        members: dict[str, list[str]] = defaultdict(list)
        users: dict[str, User] = {}
        for account_id, call_id, u in self.raw_users:
            name = str(u.get("UserName", ""))
            path = str(u.get("Path") or "/")
            arn = str(u.get("Arn") or f"arn:{self.partition}:iam::{account_id}:user{path}{name}")
            group_names = tuple(str(g) for g in u.get("GroupList") or [] if isinstance(g, str))
            group_arns = tuple(
                self.group_by_name[(account_id, g)]
                for g in group_names
                if (account_id, g) in self.group_by_name
            )
            for g in group_arns:
                members[g].append(arn)
            key_call = keys.call(account_id, name)
            access_keys = self._access_keys(account_id, key_call, last_used)
            row = self.report_rows.get(arn)
            report_state = self.report_state.get(account_id, NOT_COLLECTED)
            users[arn] = User(
                arn=arn,
                account_id=account_id,
                region=GLOBAL,
                call_ids=(call_id,) + ((key_call.id,) if key_call else ()),
                name=name,
                user_id=str(u.get("UserId", "")),
                path=path,
                created=_opt(u.get("CreateDate")),
                group_arns=group_arns,
                group_names=group_names,
                attached_policy_arns=_attached(u),
                inline_policies=_inline(u.get("UserPolicyList")),
                permissions_boundary_arn=_boundary(u),
                mfa_serials=tuple(self.mfa_by_user.get(arn, ())),
                mfa_state=self.mfa_state.get(account_id, NOT_COLLECTED),
                console_password=row.password_enabled if row else None,
                credential_report=row,
                credential_report_state=report_state if row or report_state != COLLECTED else ABSENT,
                access_keys=access_keys,
                access_keys_state=keys.state(account_id, name),
                tags=_tags(u.get("Tags")),
            )
        for g_arn, arns in members.items():
            group = self.groups[g_arn]
            self.groups[g_arn] = Group(
                arn=group.arn,
                account_id=group.account_id,
                region=group.region,
                call_ids=group.call_ids,
                name=group.name,
                group_id=group.group_id,
                path=group.path,
                attached_policy_arns=group.attached_policy_arns,
                inline_policies=group.inline_policies,
                member_arns=tuple(arns),
            )
        return users

    def _access_keys(self, account_id: str, call: CallRow | None, last_used: _Calls) -> tuple[AccessKey, ...]:
        if call is None or call.outcome not in SUCCESS_OUTCOMES:
            return ()
        out: list[AccessKey] = []
        for page in self.source.snapshot.pages(call.id):
            for k in _dicts(page.get("AccessKeyMetadata") if isinstance(page, dict | Mapping) else None):
                key_id = str(k.get("AccessKeyId", ""))
                used = self._detail(last_used.call(account_id, key_id)).get("AccessKeyLastUsed") or {}
                out.append(
                    AccessKey(
                        access_key_id=key_id,
                        status=str(k.get("Status", "")),
                        created=_opt(k.get("CreateDate")),
                        last_used_date=_opt(used.get("LastUsedDate")),
                        # "N/A" when the key was never used (IAM API reference, AccessKeyLastUsed).
                        last_used_service=_no_value(used.get("ServiceName")),
                        last_used_region=_no_value(used.get("Region")),
                        last_used_state=last_used.state(account_id, key_id),
                    )
                )
        return tuple(out)

    def build(self) -> IamInventory:
        users = self._users()
        policies = {
            arn: _with_accounts(p, self.policy_accounts[arn], self.policy_calls[arn])
            for arn, p in self.policies.items()
        }
        by_account: dict[str, list[str]] = defaultdict(list)
        for arn, role in self.roles.items():
            by_account[role.account_id].append(arn)
        return IamInventory(
            users=users,
            groups=dict(self.groups),
            roles=dict(self.roles),
            policies=policies,
            instance_profiles=dict(self.instance_profiles),
            saml_providers=dict(self.saml),
            oidc_providers=dict(self.oidc),
            password_policies=dict(self.password_policies),
            accounts=dict(self.summaries),
            roles_by_account={k: tuple(v) for k, v in by_account.items()},
        )


# -- helpers ------------------------------------------------------------------------------------------


def _with_accounts(p: ManagedPolicy, accounts: Mapping[str, int], calls: list[int]) -> ManagedPolicy:
    return ManagedPolicy(
        arn=p.arn,
        account_id=p.account_id,
        region=p.region,
        call_ids=tuple(dict.fromkeys(calls)),
        name=p.name,
        policy_id=p.policy_id,
        path=p.path,
        aws_managed=p.aws_managed,
        default_version_id=p.default_version_id,
        versions=p.versions,
        description=p.description,
        is_attachable=p.is_attachable,
        attachment_counts=dict(accounts),
        accounts=tuple(accounts),
    )


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, dict | Mapping)] if isinstance(value, list) else []


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _no_value(value: Any) -> str | None:
    return None if value is None or str(value) in NO_VALUE else str(value)


def _attached(principal: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(
        str(p["PolicyArn"]) for p in _dicts(principal.get("AttachedManagedPolicies")) if p.get("PolicyArn")
    )


def _inline(value: Any) -> tuple[InlinePolicy, ...]:
    # moto omits PolicyName here (see notes-moto-and-speed.md): keep the document, name it by position.
    return tuple(
        InlinePolicy(
            name=str(p.get("PolicyName") or f"inline-{i}"),
            document=parse_policy_document(p.get("PolicyDocument")),
        )
        for i, p in enumerate(_dicts(value))
    )


def _boundary(principal: Mapping[str, Any]) -> str | None:
    b = principal.get("PermissionsBoundary")
    return _opt(b.get("PermissionsBoundaryArn")) if isinstance(b, dict | Mapping) else None


def _tags(value: Any) -> dict[str, str]:
    return {str(t.get("Key")): str(t.get("Value", "")) for t in _dicts(value) if t.get("Key") is not None}


def _parse_report(content: Any) -> list[CredentialReportRow] | None:
    """The credential report's rows; None when the content is not a credential report CSV."""
    if isinstance(content, bytes | bytearray):
        content = bytes(content).decode("utf-8", errors="replace")
    if not isinstance(content, str):
        return None
    if not content.lstrip().startswith("user,"):
        try:  # a blob kept base64-encoded rather than as text
            content = base64.b64decode(content, validate=True).decode("utf-8")
        except ValueError:
            return None
        if not content.lstrip().startswith("user,"):
            return None
    rows: list[CredentialReportRow] = []
    for raw in csv.DictReader(io.StringIO(content.strip())):
        r = {k: (v or "") for k, v in raw.items() if k is not None}
        rows.append(
            CredentialReportRow(
                user=r.get("user", ""),
                arn=r.get("arn", ""),
                user_creation_time=_no_value(r.get("user_creation_time")),
                password_enabled=_bool(r.get("password_enabled")),
                password_last_used=_no_value(r.get("password_last_used")),
                password_last_changed=_no_value(r.get("password_last_changed")),
                password_next_rotation=_no_value(r.get("password_next_rotation")),
                mfa_active=_bool(r.get("mfa_active")),
                access_key_1_active=_bool(r.get("access_key_1_active")),
                access_key_1_last_rotated=_no_value(r.get("access_key_1_last_rotated")),
                access_key_1_last_used_date=_no_value(r.get("access_key_1_last_used_date")),
                access_key_2_active=_bool(r.get("access_key_2_active")),
                access_key_2_last_rotated=_no_value(r.get("access_key_2_last_rotated")),
                access_key_2_last_used_date=_no_value(r.get("access_key_2_last_used_date")),
                cert_1_active=_bool(r.get("cert_1_active")),
                cert_2_active=_bool(r.get("cert_2_active")),
                raw=r,
            )
        )
    return rows


def _bool(value: str | None) -> bool | None:
    if value == "true":
        return True
    if value == "false":
        return False
    return None
