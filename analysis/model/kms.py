"""KMS keys with their policies, rotation, aliases and grants, keyed by key ARN.

A key is known from ``ListKeys``; everything else about it comes from per-key calls whose
coverage is kept beside each value. Rotation ``absent`` means AWS answered that rotation does
not apply to this kind of key (asymmetric, HMAC, imported or custom key store keys:
UnsupportedOperationException, KMS API reference GetKeyRotationStatus), not that it is off.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis.model.coverage import COLLECTED, Coverage
from analysis.model.policy_doc import PolicyDocument
from analysis.model.records import Record, partition_of
from analysis.model.resource_policies import PerResource, as_str, items, policy_answer
from analysis.model.source import PageSource, bulk_parsing


@dataclass(frozen=True, kw_only=True)
class KmsGrant:
    grant_id: str
    name: str | None
    grantee_principal: str | None
    retiring_principal: str | None
    issuing_account: str | None
    operations: tuple[str, ...]
    constraints: Mapping[str, Any] | None  # encryption-context constraints, as AWS gave them


@dataclass(frozen=True, kw_only=True)
class KmsKey(Record):
    key_id: str
    describe_state: str  # coverage of DescribeKey: the fields below are None unless collected
    manager: str | None  # AWS | CUSTOMER
    spec: str | None  # SYMMETRIC_DEFAULT, RSA_2048, HMAC_256...
    usage: str | None  # ENCRYPT_DECRYPT | SIGN_VERIFY | GENERATE_VERIFY_MAC | KEY_AGREEMENT
    origin: str | None  # AWS_KMS | EXTERNAL | AWS_CLOUDHSM | EXTERNAL_KEY_STORE
    key_state: str | None  # Enabled | Disabled | PendingDeletion | PendingImport | Unavailable...
    enabled: bool | None
    deletion_date: str | None  # when a key pending deletion will be deleted
    description: str | None
    multi_region: bool | None
    created: str | None
    rotation_enabled: bool | None
    rotation_period_days: int | None
    rotation_state: str  # coverage of GetKeyRotationStatus; absent = rotation not applicable
    policy: PolicyDocument | None
    policy_state: str
    aliases: tuple[str, ...]  # alias names (alias/...)
    grants: tuple[KmsGrant, ...]
    grants_state: str  # denied is common on AWS-managed keys

    @property
    def pending_deletion(self) -> bool:
        return self.key_state == "PendingDeletion"

    @property
    def customer_managed(self) -> bool:
        return self.manager == "CUSTOMER"


@dataclass(frozen=True, kw_only=True)
class KmsAlias(Record):
    name: str  # alias/...
    target_key_arn: str | None  # None: an alias with no key (AWS-managed aliases before first use)


@dataclass(frozen=True, kw_only=True)
class KmsInventory:
    keys: Mapping[str, KmsKey]
    aliases: Mapping[str, KmsAlias]  # by alias ARN
    partition: str = "aws"

    def resolve(self, reference: str, *, account_id: str, region: str) -> KmsKey | None:
        """The key a resource names as its KMS key: a key id, key ARN, alias name or alias ARN.

        Resources (S3 encryption, SQS, Secrets Manager, RDS) name keys any of these ways;
        ids and alias names are relative to the resource's account and region.
        """
        if reference.startswith("arn:"):
            parts = reference.split(":", 5)
            if len(parts) < 6:
                return None
            resource = parts[5]
            if resource.startswith("key/"):
                return self.keys.get(reference)
            alias = self.aliases.get(reference)
        else:
            partition = self.partition
            if not reference.startswith("alias/"):
                return self.keys.get(f"arn:{partition}:kms:{region}:{account_id}:key/{reference}")
            alias = self.aliases.get(f"arn:{partition}:kms:{region}:{account_id}:{reference}")
        if alias is None or alias.target_key_arn is None:
            return None
        return self.keys.get(alias.target_key_arn)


def normalize_kms(source: PageSource, coverage: Coverage) -> KmsInventory:
    partition = partition_of(source.manifest)
    with bulk_parsing():
        aliases, aliases_by_key = _aliases(source, partition)
        describe = PerResource(source, service="kms", operation="DescribeKey", param="KeyId")
        rotation = PerResource(source, service="kms", operation="GetKeyRotationStatus", param="KeyId")
        policies = PerResource(source, service="kms", operation="GetKeyPolicy", param="KeyId")
        grants = PerResource(source, service="kms", operation="ListGrants", param="KeyId")
        keys: dict[str, KmsKey] = {}
        for page in source.pages("kms", "ListKeys"):
            for entry in items(page.body, "Keys"):
                key_id = as_str(entry.get("KeyId"))
                if key_id is None:
                    continue
                where = {"account_id": page.account_id, "region": page.region, "value": key_id}
                arn = f"arn:{partition}:kms:{page.region}:{page.account_id}:key/{key_id}"
                d = describe.answer(**where)
                meta = (d.body or {}).get("KeyMetadata") or {}
                r = rotation.answer(**where)
                rot = r.body or {}
                p = policies.answer(**where)
                policy, policy_state = policy_answer(p, (p.body or {}).get("Policy"))
                g = grants.answer(**where)
                period = rot.get("RotationPeriodInDays")
                keys[arn] = KmsKey(
                    arn=arn,
                    account_id=page.account_id,
                    region=page.region,
                    call_ids=(page.call.id, *d.call_ids, *r.call_ids, *p.call_ids, *g.call_ids),
                    key_id=key_id,
                    describe_state=d.state,
                    manager=as_str(meta.get("KeyManager")),
                    spec=as_str(meta.get("KeySpec")) or as_str(meta.get("CustomerMasterKeySpec")),
                    usage=as_str(meta.get("KeyUsage")),
                    origin=as_str(meta.get("Origin")),
                    key_state=as_str(meta.get("KeyState")),
                    enabled=meta.get("Enabled") if isinstance(meta.get("Enabled"), bool) else None,
                    deletion_date=as_str(meta.get("DeletionDate")),
                    description=meta.get("Description") if isinstance(meta.get("Description"), str) else None,
                    multi_region=meta.get("MultiRegion")
                    if isinstance(meta.get("MultiRegion"), bool)
                    else None,
                    created=as_str(meta.get("CreationDate")),
                    rotation_enabled=(
                        rot.get("KeyRotationEnabled")
                        if r.state == COLLECTED and isinstance(rot.get("KeyRotationEnabled"), bool)
                        else None
                    ),
                    rotation_period_days=period if isinstance(period, int) else None,
                    rotation_state=r.state,
                    policy=policy,
                    policy_state=policy_state,
                    aliases=tuple(sorted(aliases_by_key.get(arn, ()))),
                    grants=tuple(_grant(x) for body in g.pages for x in items(body, "Grants")),
                    grants_state=g.state,
                )
        return KmsInventory(keys=keys, aliases=aliases, partition=partition)


def _aliases(source: PageSource, partition: str) -> tuple[dict[str, KmsAlias], dict[str, list[str]]]:
    aliases: dict[str, KmsAlias] = {}
    by_key: dict[str, list[str]] = defaultdict(list)
    for page in source.pages("kms", "ListAliases"):
        for entry in items(page.body, "Aliases"):
            name = as_str(entry.get("AliasName"))
            if name is None:
                continue
            arn = f"arn:{partition}:kms:{page.region}:{page.account_id}:{name}"
            target = as_str(entry.get("TargetKeyId"))
            key_arn = f"arn:{partition}:kms:{page.region}:{page.account_id}:key/{target}" if target else None
            aliases[arn] = KmsAlias(
                arn=arn,
                account_id=page.account_id,
                region=page.region,
                call_ids=(page.call.id,),
                name=name,
                target_key_arn=key_arn,
            )
            if key_arn:
                by_key[key_arn].append(name)
    return aliases, by_key


def _grant(raw: Mapping[str, Any]) -> KmsGrant:
    ops = raw.get("Operations")
    constraints = raw.get("Constraints")
    return KmsGrant(
        grant_id=str(raw.get("GrantId") or ""),
        name=as_str(raw.get("Name")),
        grantee_principal=as_str(raw.get("GranteePrincipal")),
        retiring_principal=as_str(raw.get("RetiringPrincipal")),
        issuing_account=as_str(raw.get("IssuingAccount")),
        operations=tuple(o for o in ops if isinstance(o, str)) if isinstance(ops, list) else (),
        constraints=constraints if isinstance(constraints, dict) else None,
    )
