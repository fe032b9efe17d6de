"""S3 buckets with every setting an exposure or data-protection control reads, keyed by bucket ARN.

Buckets come from ``ListBuckets`` (one call per account, all regions); each setting from its
own per-bucket call, kept with that call's coverage state. AWS answers several "not
configured" cases with an error code that the collector records as ``absent`` (no bucket
policy, no Block Public Access, no default encryption, no object lock, no ownership
controls): the value is then None and the state ``absent``, distinguishable from ``denied``.
Account-level Block Public Access (S3 Control) is per account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis.model.coverage import COLLECTED, ERROR, Coverage
from analysis.model.policy_doc import PolicyDocument
from analysis.model.records import Record, partition_of
from analysis.model.resource_policies import Answer, PerResource, as_bool, as_str, items, policy_answer
from analysis.model.source import PageSource, bulk_parsing

# Predefined S3 groups (S3 User Guide, "Access control list (ACL) overview", Amazon S3 predefined groups).
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
PUBLIC_GROUPS = frozenset({ALL_USERS, AUTHENTICATED_USERS})
UNKNOWN_REGION = "unknown"


@dataclass(frozen=True, kw_only=True)
class AclGrant:
    grantee_type: str | None  # CanonicalUser | Group | AmazonCustomerByEmail
    grantee_id: str | None
    grantee_uri: str | None
    grantee_email: str | None
    permission: str | None  # FULL_CONTROL | READ | WRITE | READ_ACP | WRITE_ACP

    @property
    def group(self) -> str | None:
        """AllUsers, AuthenticatedUsers or LogDelivery for a predefined group, else None."""
        return self.grantee_uri.rsplit("/", 1)[-1] if self.grantee_uri else None

    @property
    def public(self) -> bool:
        """Granted to everyone (AllUsers) or to any AWS account (AuthenticatedUsers)."""
        return self.grantee_uri in PUBLIC_GROUPS


@dataclass(frozen=True, kw_only=True)
class PublicAccessBlock:
    """The four Block Public Access settings; a setting AWS did not return is off."""

    block_public_acls: bool
    ignore_public_acls: bool
    block_public_policy: bool
    restrict_public_buckets: bool

    @property
    def all_on(self) -> bool:
        return (
            self.block_public_acls
            and self.ignore_public_acls
            and self.block_public_policy
            and self.restrict_public_buckets
        )


@dataclass(frozen=True, kw_only=True)
class AccountPublicAccessBlock(Record):
    configuration: PublicAccessBlock | None
    state: str  # absent: the account has no account-level Block Public Access


@dataclass(frozen=True, kw_only=True)
class S3Bucket(Record):
    """``region`` is the bucket's region (GetBucketLocation, else ListBuckets' BucketRegion, else "unknown")."""

    name: str
    created: str | None
    location_state: str
    policy: PolicyDocument | None
    policy_state: str  # absent: no bucket policy
    policy_is_public: bool | None  # S3's own judgement (GetBucketPolicyStatus); None unless answered
    policy_status_state: str  # absent: no policy to judge; error: answered without IsPublic (moto)
    acl_owner_id: str | None
    acl_grants: tuple[AclGrant, ...]
    acl_state: str
    public_access_block: PublicAccessBlock | None
    public_access_block_state: str  # absent: no bucket-level Block Public Access
    encryption_algorithm: str | None  # AES256 | aws:kms | aws:kms:dsse; None: no default encryption
    encryption_kms_key: str | None
    bucket_key_enabled: bool | None
    encryption_state: str  # absent: no default encryption configured
    versioning: str | None  # Enabled | Suspended | NeverEnabled (when collected)
    mfa_delete: str | None  # Enabled | Disabled (when collected)
    versioning_state: str
    logging_target_bucket: str | None  # None with logging_state collected: access logging off
    logging_target_prefix: str | None
    logging_state: str
    object_lock_enabled: bool | None
    object_lock_mode: str | None  # GOVERNANCE | COMPLIANCE default retention
    object_lock_state: str  # absent: object lock not configured
    object_ownership: str | None  # BucketOwnerEnforced (ACLs disabled) | BucketOwnerPreferred | ObjectWriter
    ownership_state: str

    @property
    def public_acl_groups(self) -> tuple[str, ...]:
        return tuple(sorted({g.group for g in self.acl_grants if g.public and g.group}))


@dataclass(frozen=True, kw_only=True)
class S3Inventory:
    buckets: Mapping[str, S3Bucket]
    account_public_access_blocks: Mapping[str, AccountPublicAccessBlock]  # by account id

    def account_block(self, account_id: str) -> AccountPublicAccessBlock | None:
        return self.account_public_access_blocks.get(account_id)


def normalize_s3(source: PageSource, coverage: Coverage) -> S3Inventory:
    partition = partition_of(source.manifest)
    with bulk_parsing():
        ops = {
            op: PerResource(source, service="s3", operation=op, param="Bucket")
            for op in (
                "GetBucketLocation",
                "GetBucketPolicy",
                "GetBucketPolicyStatus",
                "GetBucketAcl",
                "GetPublicAccessBlock",
                "GetBucketEncryption",
                "GetBucketVersioning",
                "GetBucketLogging",
                "GetObjectLockConfiguration",
                "GetBucketOwnershipControls",
            )
        }
        buckets: dict[str, S3Bucket] = {}
        accounts: set[str] = set()
        for page in source.pages("s3", "ListBuckets"):
            accounts.add(page.account_id)
            for entry in items(page.body, "Buckets"):
                name = as_str(entry.get("Name"))
                if name is None:
                    continue
                where = {"account_id": page.account_id, "region": page.region, "value": name}
                answers = {op: per.answer(**where) for op, per in ops.items()}
                bucket = _bucket(partition, name, entry, page.call.id, page.account_id, answers)
                buckets[bucket.arn] = bucket
        return S3Inventory(
            buckets=buckets,
            account_public_access_blocks=_account_blocks(source, coverage, partition, accounts),
        )


def _bucket(
    partition: str,
    name: str,
    entry: Mapping[str, Any],
    list_call: int,
    account_id: str,
    a: Mapping[str, Answer],
) -> S3Bucket:
    location = a["GetBucketLocation"]
    region = UNKNOWN_REGION
    if location.state == COLLECTED:
        # us-east-1 answers a null LocationConstraint; "EU" is the legacy name of eu-west-1
        # (S3 API reference, GetBucketLocation).
        constraint = (location.body or {}).get("LocationConstraint")
        region = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(constraint, str(constraint))
    elif as_str(entry.get("BucketRegion")):
        region = str(entry["BucketRegion"])

    policy_answer_ = a["GetBucketPolicy"]
    policy, policy_state = policy_answer(policy_answer_, (policy_answer_.body or {}).get("Policy"))

    status = a["GetBucketPolicyStatus"]
    is_public = as_bool(((status.body or {}).get("PolicyStatus") or {}).get("IsPublic"))
    status_state = status.state
    if status_state == COLLECTED and is_public is None:
        status_state = ERROR  # answered, but without the judgement (moto answers an empty PolicyStatus)

    acl = a["GetBucketAcl"]
    acl_body = acl.body or {}
    grants = tuple(_acl_grant(g) for g in items(acl_body, "Grants"))

    pab = a["GetPublicAccessBlock"]
    pab_config = (
        _pab((pab.body or {}).get("PublicAccessBlockConfiguration")) if pab.state == COLLECTED else None
    )

    enc = a["GetBucketEncryption"]
    rules = items((enc.body or {}).get("ServerSideEncryptionConfiguration") or {}, "Rules")
    default = (rules[0].get("ApplyServerSideEncryptionByDefault") or {}) if rules else {}

    ver = a["GetBucketVersioning"]
    ver_body = ver.body or {}
    versioning = mfa_delete = None
    if ver.state == COLLECTED:
        # A bucket that never had versioning answers without Status (S3 API reference, GetBucketVersioning).
        versioning = as_str(ver_body.get("Status")) or "NeverEnabled"
        mfa_delete = as_str(ver_body.get("MFADelete")) or "Disabled"

    log = a["GetBucketLogging"]
    logging_enabled = (log.body or {}).get("LoggingEnabled") or {}

    lock = a["GetObjectLockConfiguration"]
    lock_config = (lock.body or {}).get("ObjectLockConfiguration") or {}
    retention = (lock_config.get("Rule") or {}).get("DefaultRetention") or {}

    own = a["GetBucketOwnershipControls"]
    own_rules = items((own.body or {}).get("OwnershipControls") or {}, "Rules")

    call_ids = [list_call]
    for answer in a.values():
        call_ids.extend(answer.call_ids)
    return S3Bucket(
        arn=f"arn:{partition}:s3:::{name}",
        account_id=account_id,
        region=region,
        call_ids=tuple(call_ids),
        name=name,
        created=as_str(entry.get("CreationDate")),
        location_state=location.state,
        policy=policy,
        policy_state=policy_state,
        policy_is_public=is_public if status_state == COLLECTED else None,
        policy_status_state=status_state,
        acl_owner_id=as_str((acl_body.get("Owner") or {}).get("ID")),
        acl_grants=grants,
        acl_state=acl.state,
        public_access_block=pab_config,
        public_access_block_state=pab.state,
        encryption_algorithm=as_str(default.get("SSEAlgorithm")),
        encryption_kms_key=as_str(default.get("KMSMasterKeyID")),
        bucket_key_enabled=as_bool(rules[0].get("BucketKeyEnabled")) if rules else None,
        encryption_state=enc.state,
        versioning=versioning,
        mfa_delete=mfa_delete,
        versioning_state=ver.state,
        logging_target_bucket=as_str(logging_enabled.get("TargetBucket")),
        logging_target_prefix=logging_enabled.get("TargetPrefix") if logging_enabled else None,
        logging_state=log.state,
        object_lock_enabled=(lock_config.get("ObjectLockEnabled") == "Enabled")
        if lock.state == COLLECTED
        else None,
        object_lock_mode=as_str(retention.get("Mode")),
        object_lock_state=lock.state,
        object_ownership=as_str(own_rules[0].get("ObjectOwnership")) if own_rules else None,
        ownership_state=own.state,
    )


def _acl_grant(raw: Mapping[str, Any]) -> AclGrant:
    grantee = raw.get("Grantee") or {}
    return AclGrant(
        grantee_type=as_str(grantee.get("Type")),
        grantee_id=as_str(grantee.get("ID")),
        grantee_uri=as_str(grantee.get("URI")),
        grantee_email=as_str(grantee.get("EmailAddress")),
        permission=as_str(raw.get("Permission")),
    )


def _pab(raw: Any) -> PublicAccessBlock | None:
    if not isinstance(raw, Mapping):
        return None
    return PublicAccessBlock(
        block_public_acls=raw.get("BlockPublicAcls") is True,
        ignore_public_acls=raw.get("IgnorePublicAcls") is True,
        block_public_policy=raw.get("BlockPublicPolicy") is True,
        restrict_public_buckets=raw.get("RestrictPublicBuckets") is True,
    )


def _account_blocks(
    source: PageSource, coverage: Coverage, partition: str, accounts: set[str]
) -> dict[str, AccountPublicAccessBlock]:
    """Account BPA for every account that was asked, or whose buckets were listed."""
    calls = source.calls("s3control", "GetPublicAccessBlock")
    accounts = accounts | {c.account_id for c in calls}
    out: dict[str, AccountPublicAccessBlock] = {}
    for account_id in sorted(accounts):
        state = coverage.state(
            account_id=account_id, region="global", service="s3control", operation="GetPublicAccessBlock"
        )
        config = None
        if state.state == COLLECTED:
            page = source.first_page(
                "s3control", "GetPublicAccessBlock", account_id=account_id, region="global"
            )
            config = _pab((page.body if page else {}).get("PublicAccessBlockConfiguration"))
        out[account_id] = AccountPublicAccessBlock(
            # The account-level setting has no ARN of its own; this names it for keys and evidence.
            arn=f"arn:{partition}:s3:{account_id}:account/public-access-block",
            account_id=account_id,
            region="global",
            call_ids=state.call_ids,
            configuration=config,
            state=state.state if config is not None or state.state != COLLECTED else ERROR,
        )
    return out
