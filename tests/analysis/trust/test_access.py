"""Who can read a bucket / decrypt with a key: policies, bucket ACLs, KMS grants, and who can become them.

One small organization (tests/analysis/trust/org_builder.py) with S3 and KMS responses in the
shapes botocore returns, normalized by the real build_inventory. Expected answers follow:

- S3 User Guide, "Access control list (ACL) overview": READ on a bucket lets the grantee list
  its objects (FULL_CONTROL includes READ); grantees are AllUsers (anyone), AuthenticatedUsers
  (any AWS account) or an account by canonical user id, whose administrator delegates the
  grant through IAM policies; object ACLs are separate from the bucket's.
- S3 User Guide, "Blocking public access to your Amazon S3 storage": IgnorePublicAcls, at the
  bucket or account level, makes S3 ignore ACL grants to AllUsers and AuthenticatedUsers.
- S3 User Guide, "Controlling ownership of objects and disabling ACLs": BucketOwnerEnforced
  disables ACLs.
- KMS Developer Guide, "Grants in AWS KMS": a grant lets its grantee principal (an account,
  a user, a role or an assumed-role session, in any account) call the grant's operations
  when the grant's constraints are met, "just as ... if the permissions came from a key
  policy"; a grant can allow but never deny (so a Deny in the key policy still wins).
- IAM User Guide, "Policy evaluation logic" (explicit deny wins) and "Cross-account policy
  evaluation logic" (an account principal delegates to that account's identity policies).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from analysis.iam import PolicyEngine, Request
from analysis.trust.access import (
    BUCKET_ACL,
    KMS_GRANT,
    POLICY,
    AccessHolder,
    resource_tag_context,
    who_can,
    who_can_decrypt,
    who_can_read_bucket,
)
from analysis.trust.graph import TrustGraph, build_trust_graph
from analysis.trust.nodes import PUBLIC_ID, external_node_id, service_node_id
from tests.analysis.model.builders import FakeCall
from tests.analysis.trust.org_builder import (
    DEV,
    EXTERNAL,
    PROD,
    Acct,
    R,
    U,
    _details,
    allow,
    build_org,
    role_arn,
    trust,
    user_arn,
)

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
PROD_CANON, DEV_CANON, STRANGER_CANON = "c" * 64, "d" * 64, "e" * 64
REGION = "eu-west-1"
KEY_ID = "1111aaaa-0000-0000-0000-000000000001"
KEY = f"arn:aws:kms:{REGION}:{PROD}:key/{KEY_ID}"
DENIED_KEY_ID = "2222bbbb-0000-0000-0000-000000000002"
DENIED_KEY = f"arn:aws:kms:{REGION}:{PROD}:key/{DENIED_KEY_ID}"

READER, APP, BLOCKED = role_arn(PROD, "reader"), role_arn(PROD, "app"), role_arn(PROD, "blocked")
LISTER, DECRYPTER, NOBODY = role_arn(DEV, "lister"), role_arn(DEV, "decrypter"), user_arn(DEV, "nobody")
BOB = user_arn(DEV, "bob")
TAGGED, UNTAGGED, TAG_ADMIN = role_arn(PROD, "tagged"), role_arn(PROD, "untagged"), user_arn(PROD, "tagadmin")
PARTNER = f"arn:aws:iam::{EXTERNAL}:role/partner"


def bucket(name: str) -> str:
    return f"arn:aws:s3:::{name}"


def grant(
    uri: str | None = None, *, canonical: str | None = None, permission: str = "READ"
) -> dict[str, Any]:
    grantee = {"Type": "Group", "URI": uri} if uri else {"Type": "CanonicalUser", "ID": canonical}
    return {"Grantee": grantee, "Permission": permission}


def absent(account: str, operation: str, name: str, code: str) -> FakeCall:
    return FakeCall(
        service="s3",
        operation=operation,
        params={"Bucket": name},
        outcome="absent",
        error_code=code,
        account_id=account,
    )


def bucket_calls(
    account: str,
    name: str,
    *,
    grants: list[dict[str, Any]],
    owner: str = PROD_CANON,
    pab: dict[str, bool] | str = "absent",
    ownership: str | None = None,
    policy: dict[str, Any] | None = None,
) -> list[FakeCall]:
    """The per-bucket calls the S3 collector makes, with the settings the ACL analysis reads."""
    calls = [
        FakeCall(
            service="s3",
            operation="GetBucketAcl",
            params={"Bucket": name},
            pages=[
                {
                    "Owner": {"ID": owner},
                    "Grants": [grant(canonical=owner, permission="FULL_CONTROL"), *grants],
                }
            ],
            account_id=account,
        )
    ]
    if pab == "absent":
        calls.append(absent(account, "GetPublicAccessBlock", name, "NoSuchPublicAccessBlockConfiguration"))
    elif pab == "denied":
        calls.append(
            FakeCall(
                service="s3",
                operation="GetPublicAccessBlock",
                params={"Bucket": name},
                outcome="access_denied",
                error_code="AccessDenied",
                account_id=account,
            )
        )
    else:
        assert isinstance(pab, dict)
        calls.append(
            FakeCall(
                service="s3",
                operation="GetPublicAccessBlock",
                params={"Bucket": name},
                pages=[{"PublicAccessBlockConfiguration": pab}],
                account_id=account,
            )
        )
    if ownership is None:
        calls.append(absent(account, "GetBucketOwnershipControls", name, "OwnershipControlsNotFoundError"))
    else:
        calls.append(
            FakeCall(
                service="s3",
                operation="GetBucketOwnershipControls",
                params={"Bucket": name},
                pages=[{"OwnershipControls": {"Rules": [{"ObjectOwnership": ownership}]}}],
                account_id=account,
            )
        )
    if policy is None:
        calls.append(absent(account, "GetBucketPolicy", name, "NoSuchBucketPolicy"))
    else:
        calls.append(
            FakeCall(
                service="s3",
                operation="GetBucketPolicy",
                params={"Bucket": name},
                pages=[{"Policy": json.dumps(policy)}],
                account_id=account,
            )
        )
    return calls


def list_buckets(account: str, *names: str) -> FakeCall:
    return FakeCall(
        service="s3",
        operation="ListBuckets",
        pages=[{"Buckets": [{"Name": n, "CreationDate": "2024-01-01T00:00:00+00:00"} for n in names]}],
        account_id=account,
    )


def account_pab(account: str, config: dict[str, bool] | None) -> FakeCall:
    if config is None:
        return FakeCall(
            service="s3control",
            operation="GetPublicAccessBlock",
            params={"AccountId": account},
            outcome="absent",
            error_code="NoSuchPublicAccessBlockConfiguration",
            account_id=account,
        )
    return FakeCall(
        service="s3control",
        operation="GetPublicAccessBlock",
        params={"AccountId": account},
        pages=[{"PublicAccessBlockConfiguration": config}],
        account_id=account,
    )


def kms_grant(
    grant_id: str, grantee: str, operations: list[str], *, constraints: dict[str, Any] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "KeyId": KEY,
        "GrantId": grant_id,
        "Name": f"n-{grant_id}",
        "GranteePrincipal": grantee,
        "RetiringPrincipal": f"arn:aws:iam::{PROD}:root",
        "IssuingAccount": f"arn:aws:iam::{PROD}:root",
        "Operations": operations,
    }
    if constraints:
        out["Constraints"] = constraints
    return out


KEY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "EnableIAM",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{PROD}:root"},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "NeverBlocked",
            "Effect": "Deny",
            "Principal": {"AWS": BLOCKED},
            "Action": "kms:Decrypt",
            "Resource": "*",
        },
    ],
}
GRANTS = [
    kms_grant(
        "g-app", APP, ["Decrypt", "GenerateDataKey"], constraints={"EncryptionContextSubset": {"Dept": "IT"}}
    ),
    kms_grant("g-dev", f"arn:aws:iam::{DEV}:root", ["Decrypt"]),
    kms_grant("g-partner", PARTNER, ["Decrypt"]),
    kms_grant("g-encrypt", role_arn(PROD, "writer"), ["Encrypt"]),
    kms_grant("g-blocked", BLOCKED, ["Decrypt"]),
    kms_grant("g-reencrypt", role_arn(PROD, "mover"), ["ReEncryptFrom"]),
    kms_grant("g-session", f"arn:aws:sts::{PROD}:assumed-role/reader/i-0abc", ["Decrypt"]),
    kms_grant("g-ebs", "ec2.amazonaws.com", ["Decrypt"]),
]


def kms_calls() -> list[FakeCall]:
    where = {"account_id": PROD, "region": REGION, "service": "kms"}
    calls = [
        FakeCall(
            operation="ListKeys",
            pages=[
                {"Keys": [{"KeyId": KEY_ID, "KeyArn": KEY}, {"KeyId": DENIED_KEY_ID, "KeyArn": DENIED_KEY}]}
            ],
            **where,
        ),
        FakeCall(
            operation="DescribeKey",
            params={"KeyId": KEY_ID},
            pages=[{"KeyMetadata": {"KeyId": KEY_ID, "Arn": KEY, "Enabled": True, "KeyState": "Enabled"}}],
            **where,
        ),
        FakeCall(
            operation="GetKeyPolicy",
            params={"KeyId": KEY_ID, "PolicyName": "default"},
            pages=[{"Policy": json.dumps(KEY_POLICY), "PolicyName": "default"}],
            **where,
        ),
        FakeCall(operation="ListGrants", params={"KeyId": KEY_ID}, pages=[{"Grants": GRANTS}], **where),
        FakeCall(
            operation="GetKeyPolicy",
            params={"KeyId": DENIED_KEY_ID, "PolicyName": "default"},
            pages=[{"Policy": json.dumps(KEY_POLICY), "PolicyName": "default"}],
            **where,
        ),
        FakeCall(
            operation="ListGrants",
            params={"KeyId": DENIED_KEY_ID},
            outcome="access_denied",
            error_code="AccessDeniedException",
            **where,
        ),
    ]
    return calls


IGNORE = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": False,
    "RestrictPublicBuckets": False,
}
DENY_LIST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:ListBucket", "Resource": bucket("deny-policy")}
    ],
}
TAG_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": APP},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::tag-policy/*",
            "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}},
        }
    ],
}
PROD_BUCKETS = {
    # name: keyword arguments of bucket_calls
    "public-acl": {"grants": [grant(ALL_USERS)]},
    "ignored-acl": {"grants": [grant(ALL_USERS)], "pab": IGNORE},
    "enforced": {"grants": [grant(ALL_USERS)], "ownership": "BucketOwnerEnforced"},
    "shared": {
        "grants": [grant(canonical=DEV_CANON), grant(canonical=STRANGER_CANON, permission="FULL_CONTROL")],
        "ownership": "ObjectWriter",
    },
    "unknown-pab": {"grants": [grant(AUTH_USERS)], "pab": "denied"},
    "deny-policy": {"grants": [grant(ALL_USERS)], "policy": DENY_LIST},
    "write-only": {"grants": [grant(ALL_USERS, permission="WRITE")]},
    "tag-policy": {"grants": [], "policy": TAG_POLICY},
}


@pytest.fixture(scope="module")
def tg(tmp_path_factory: pytest.TempPathFactory) -> TrustGraph:
    # PROD's IAM details are written by hand to give two roles tags (org_builder has no tags).
    prod = Acct(
        id=PROD,
        users=[
            U(
                name="tagadmin",
                policies=[
                    allow(
                        "iam:UpdateAssumeRolePolicy",
                        condition={"StringEquals": {"aws:ResourceTag/team": "blue"}},
                    ),
                    allow("iam:TagRole", condition={"StringEquals": {"iam:ResourceTag/team": "blue"}}),
                ],
            )
        ],
        roles=[
            R(
                name="reader",
                trust=trust({"AWS": PROD}),
                policies=[allow("s3:GetObject", resource="arn:aws:s3:::*/*")],
            ),
            R(name="app", trust=trust({"AWS": DEV})),
            R(name="blocked", trust=trust({"AWS": PROD})),
            R(name="tagged", trust=trust({"AWS": PROD})),
            R(name="untagged", trust=trust({"AWS": PROD})),
        ],
    )
    details = _details(prod)
    for role in details["RoleDetailList"]:
        if role["RoleName"] == "tagged":
            role["Tags"] = [{"Key": "team", "Value": "blue"}]
        if role["RoleName"] == "untagged":
            role["Tags"] = [{"Key": "team", "Value": "red"}]
    calls = [
        FakeCall(service="iam", operation="GetAccountAuthorizationDetails", account_id=PROD, pages=[details]),
        list_buckets(PROD, *PROD_BUCKETS),
        account_pab(PROD, None),
        list_buckets(DEV, "dev-own", "dev-public"),
        account_pab(DEV, IGNORE),
        *bucket_calls(DEV, "dev-own", grants=[], owner=DEV_CANON),
        *bucket_calls(DEV, "dev-public", grants=[grant(ALL_USERS)], owner=DEV_CANON),
        *kms_calls(),
    ]
    for name, kwargs in PROD_BUCKETS.items():
        calls += bucket_calls(PROD, name, **kwargs)
    inv = build_org(
        tmp_path_factory.mktemp("access"),
        Acct(
            id=DEV,
            users=[U(name="bob", policies=[allow("sts:AssumeRole")]), U(name="nobody")],
            roles=[
                R(name="lister", trust=trust({"AWS": DEV}), policies=[allow("s3:ListBucket")]),
                R(name="decrypter", trust=trust({"AWS": DEV}), policies=[allow("kms:Decrypt")]),
            ],
            extra_calls=tuple(calls),
        ),
        name="access",
    )
    return build_trust_graph(inv)


@pytest.fixture(scope="module")
def engine(tg: TrustGraph) -> PolicyEngine:
    return PolicyEngine(inventory=tg.inventory)


def holders(result: Any, source: str | None = None) -> dict[str, AccessHolder]:
    return {h.principal: h for h in result if source is None or h.source == source}


# -- S3 bucket ACLs ---------------------------------------------------------------------------------


def test_public_read_acl_lets_anyone_list_not_read(tg: TrustGraph, engine: PolicyEngine) -> None:
    result = who_can_read_bucket(tg, engine, bucket("public-acl"))
    acl = holders(result, BUCKET_ACL)
    assert set(acl) == {PUBLIC_ID}
    h = acl[PUBLIC_ID]
    assert h.decision is not None and h.decision.decision == "allow"
    # READ on a bucket lists its objects; it is not s3:GetObject.
    assert h.actions == ("s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads")
    assert h.acl_grant is not None and h.acl_grant.group == "AllUsers" and h.call_ids
    assert "AllUsers" in h.reason and "list the objects" in h.reason
    ref = h.decision.deciding[0]
    assert ref.kind == "bucket_acl" and ref.policy == bucket("public-acl") and ref.index == 1
    assert any("object ACLs are not collected" in n for n in result.notes)
    # The policy holders are still there: the reader role reads objects by its own policy.
    assert holders(result, POLICY)[READER].decision is not None


def test_ignore_public_acls_at_bucket_or_account_level(tg: TrustGraph, engine: PolicyEngine) -> None:
    for name, level in (("ignored-acl", "bucket level"), ("dev-public", "account level")):
        result = who_can_read_bucket(tg, engine, bucket(name))
        assert holders(result, BUCKET_ACL) == {}, name
        assert any("IgnorePublicAcls is on" in n and level in n for n in result.notes), result.notes


def test_bucket_owner_enforced_disables_acls(tg: TrustGraph, engine: PolicyEngine) -> None:
    result = who_can_read_bucket(tg, engine, bucket("enforced"))
    assert holders(result, BUCKET_ACL) == {}
    assert any("BucketOwnerEnforced" in n for n in result.notes)
    assert not any("object ACLs are not collected" in n for n in result.notes)  # disabled too


def test_canonical_grants_map_to_collected_accounts_or_stay_external(
    tg: TrustGraph, engine: PolicyEngine
) -> None:
    result = who_can_read_bucket(tg, engine, bucket("shared"))
    acl = holders(result, BUCKET_ACL)
    # DEV's canonical id owns DEV's buckets: DEV's principals whose IAM policies allow listing.
    assert LISTER in acl and NOBODY not in acl and DECRYPTER not in acl
    lister = acl[LISTER].decision
    assert lister is not None and lister.decision == "allow"
    assert any(r.kind == "bucket_acl" for r in lister.deciding)
    assert any(r.kind == "identity" for r in lister.deciding)  # cross-account: its own policy too
    # A canonical id that owns no collected bucket: an account outside the snapshot.
    stranger = acl[f"canonical:{STRANGER_CANON}"]
    assert stranger.acl_grant is not None and stranger.acl_grant.permission == "FULL_CONTROL"
    assert stranger.decision is not None and stranger.decision.decision == "allow"
    # The owner's own FULL_CONTROL grant adds nobody.
    assert all(h.acl_grant is None or h.acl_grant.grantee_id != PROD_CANON for h in result)


def test_unknown_block_public_access_makes_the_grant_conditional(
    tg: TrustGraph, engine: PolicyEngine
) -> None:
    h = holders(who_can_read_bucket(tg, engine, bucket("unknown-pab")), BUCKET_ACL)[PUBLIC_ID]
    assert h.decision is not None and h.decision.decision == "conditional"
    missing = {c.key for c in h.decision.conditions if c.operator == "NotCollected"}
    assert missing == {"Block Public Access of bucket unknown-pab"}
    assert "AuthenticatedUsers" in h.reason


def test_a_deny_in_the_bucket_policy_refuses_the_acl_grant(tg: TrustGraph, engine: PolicyEngine) -> None:
    result = who_can_read_bucket(tg, engine, bucket("deny-policy"))
    assert holders(result, BUCKET_ACL) == {}
    assert any("explicit deny" in n for n in result.notes), result.notes


def test_acl_grants_other_than_read_add_nobody(tg: TrustGraph, engine: PolicyEngine) -> None:
    assert holders(who_can_read_bucket(tg, engine, bucket("write-only")), BUCKET_ACL) == {}


def test_bucket_tags_are_not_collected_and_the_result_says_so(tg: TrustGraph, engine: PolicyEngine) -> None:
    result = who_can_read_bucket(tg, engine, bucket("tag-policy"))
    app = holders(result, POLICY)[APP].decision
    assert app is not None and app.decision == "conditional"
    assert [c.key for c in app.conditions] == ["aws:ResourceTag/env"]
    assert any("bucket's tags are not collected" in n and "aws:ResourceTag/env" in n for n in result.notes)
    assert not any(
        "tags are not collected" in n for n in who_can_read_bucket(tg, engine, bucket("shared")).notes
    )


def test_unknown_bucket_is_said(tg: TrustGraph, engine: PolicyEngine) -> None:
    result = who_can_read_bucket(tg, engine, bucket("nope"), account_id=PROD)
    assert any("not a bucket of the snapshot" in n for n in result.notes)
    assert holders(result, BUCKET_ACL) == {}


# -- KMS grants -------------------------------------------------------------------------------------


def test_grant_to_a_role_with_constraints_and_who_can_become_it(tg: TrustGraph, engine: PolicyEngine) -> None:
    result = who_can_decrypt(tg, engine, KEY)
    grants = holders(result, KMS_GRANT)
    app = grants[APP]
    assert app.kms_grant is not None and app.kms_grant.grant_id == "g-app"
    assert app.kms_grant.retiring_principal == f"arn:aws:iam::{PROD}:root"
    d = app.decision
    assert d is not None and d.decision == "conditional"  # the encryption context is unknown offline
    cond = next(c for c in d.conditions if c.key.lower() == "kms:encryptioncontext:dept")
    assert cond.values == ("IT",) and cond.statement.kind == "kms_grant" and cond.statement.sid == "g-app"
    # The app role has no policy allowing kms:Decrypt: without the grant it could not.
    plain = engine.evaluate(Request(principal_arn=APP, action="kms:Decrypt", resource=KEY))
    assert not plain.possibly_allowed and APP not in holders(result, POLICY)
    # bob (DEV) can assume app: he holds it through the grant, with the path.
    bob = holders(result)[BOB]
    assert bob.decision is None and bob.via == APP and bob.source == KMS_GRANT
    assert bob.path is not None and bob.path.nodes == (BOB, APP)


def test_grant_to_an_account_delegates_to_its_iam_policies(tg: TrustGraph, engine: PolicyEngine) -> None:
    grants = holders(who_can_decrypt(tg, engine, KEY), KMS_GRANT)
    assert DECRYPTER in grants and NOBODY not in grants and LISTER not in grants
    d = grants[DECRYPTER].decision
    assert d is not None and d.decision == "allow"
    assert {r.kind for r in d.deciding} >= {"kms_grant", "identity"}
    assert "account 333333333333" in grants[DECRYPTER].reason


def test_grant_to_an_outside_principal_waits_on_its_policies(tg: TrustGraph, engine: PolicyEngine) -> None:
    grants = holders(who_can_decrypt(tg, engine, KEY), KMS_GRANT)
    d = grants[PARTNER].decision
    assert d is not None and d.decision == "conditional"
    assert any(c.operator == "NotCollected" and PARTNER in c.key for c in d.conditions)


def test_grants_that_do_not_give_decrypt_or_are_denied(tg: TrustGraph, engine: PolicyEngine) -> None:
    result = who_can_decrypt(tg, engine, KEY)
    grants = holders(result, KMS_GRANT)
    assert role_arn(PROD, "writer") not in grants  # Encrypt only
    assert BLOCKED not in grants  # the key policy's Deny wins over the grant
    assert role_arn(PROD, "mover") not in grants
    assert any("ReEncryptFrom" in n and "n-g-reencrypt" in n for n in result.notes)


def test_grant_to_a_session_and_to_a_service(tg: TrustGraph, engine: PolicyEngine) -> None:
    result = who_can_decrypt(tg, engine, KEY)
    session = [h for h in result.by_source(KMS_GRANT) if h.kms_grant and h.kms_grant.grant_id == "g-session"]
    assert [h.principal for h in session] == [READER]
    d = session[0].decision
    assert d is not None and d.decision == "conditional"
    assert any(c.key == "aws:userid" and c.values == ("AROAREADER:i-0abc",) for c in d.conditions)
    ebs = holders(result, KMS_GRANT)[service_node_id("ec2.amazonaws.com")]
    assert ebs.decision is not None and ebs.decision.decision == "allow"


def test_grants_not_collected_are_said(tg: TrustGraph, engine: PolicyEngine) -> None:
    result = who_can_decrypt(tg, engine, DENIED_KEY)
    assert result.by_source(KMS_GRANT) == ()
    assert any("grants of" in n and "(denied)" in n for n in result.notes), result.notes


def test_results_iterate_like_lists(tg: TrustGraph, engine: PolicyEngine) -> None:
    result = who_can_decrypt(tg, engine, KEY)
    assert len(result) == len(list(result)) == len(result.holders) > 0
    assert external_node_id(EXTERNAL) not in holders(result)  # the partner role is named, not its account


# -- resource tags ----------------------------------------------------------------------------------


def test_role_tags_settle_resource_tag_conditions(tg: TrustGraph, engine: PolicyEngine) -> None:
    ctx = resource_tag_context(tg.inventory, TAGGED)
    assert ctx["aws:resourcetag/team"] == ("blue",) and ctx["aws:resourcetag/*"] == ()
    assert resource_tag_context(tg.inventory, bucket("shared")) == {}
    # Without the tags the engine cannot tell.
    plain = engine.evaluate(
        Request(principal_arn=TAG_ADMIN, action="iam:UpdateAssumeRolePolicy", resource=TAGGED)
    )
    assert plain.decision == "conditional"
    for action in ("iam:UpdateAssumeRolePolicy", "iam:TagRole"):  # aws:ResourceTag and iam:ResourceTag
        on_tagged = holders(who_can(tg, engine, action=action, resource=TAGGED))
        assert on_tagged[TAG_ADMIN].decision is not None and on_tagged[TAG_ADMIN].decision.decision == "allow"
        assert TAG_ADMIN not in holders(who_can(tg, engine, action=action, resource=UNTAGGED))
