"""KMS normalizer on a small fixture: customer, AWS-managed, asymmetric and pending-deletion keys,
policies as a single statement / URL-encoded / not JSON, paginated grants, denied calls."""

from __future__ import annotations

import json
from pathlib import Path

from analysis.model.coverage import ABSENT, COLLECTED, DENIED, NOT_COLLECTED, Coverage
from analysis.model.kms import KmsInventory, normalize_kms
from analysis.model.source import PageSource
from snapshot import Snapshot
from tests.analysis.model.builders import FIXTURES, FakeCall, write_snapshot

A, B = "222222222222", "333333333333"
CUST = "1111aaaa-0000-0000-0000-000000000001"
AWSK = "2222bbbb-0000-0000-0000-000000000002"
RSA = "3333cccc-0000-0000-0000-000000000003"
PEND = "4444dddd-0000-0000-0000-000000000004"
LOST = "5555eeee-0000-0000-0000-000000000005"


def data_source(tmp_path: Path, name: str) -> tuple[PageSource, Coverage]:
    """A snapshot written from ``fixtures/data_<name>.json`` (calls keep their region), opened."""
    data = json.loads((FIXTURES / f"data_{name}.json").read_text())
    calls = [
        FakeCall(
            service=c["service"],
            operation=c["operation"],
            params=c.get("params", {}),
            pages=c.get("pages", []),
            outcome=c.get("outcome", "ok"),
            error_code=c.get("error_code"),
            error_message=c.get("error_message"),
            account_id=c["account_id"],
            region=c["region"],
        )
        for c in data["calls"]
    ]
    path = write_snapshot(tmp_path / f"data_{name}.awb", calls=calls, manifest=data["manifest"])
    snap = Snapshot.open(path)
    return PageSource(snap), Coverage(calls=snap.calls(), manifest=snap.manifest)


def _inventory(tmp_path: Path) -> tuple[KmsInventory, Coverage]:
    source, coverage = data_source(tmp_path, "kms")
    return normalize_kms(source, coverage), coverage


def arn(key_id: str) -> str:
    return f"arn:aws:kms:eu-west-1:{A}:key/{key_id}"


def test_every_listed_key_across_pages_is_a_record_keyed_by_arn(tmp_path: Path) -> None:
    inv, _ = _inventory(tmp_path)
    assert set(inv.keys) == {arn(k) for k in (CUST, AWSK, RSA, PEND, LOST)}  # the entry without KeyId skipped
    key = inv.keys[arn(CUST)]
    assert (key.account_id, key.region, key.key_id) == (A, "eu-west-1", CUST)
    assert key.customer_managed and key.manager == "CUSTOMER"
    assert inv.keys[arn(AWSK)].manager == "AWS"
    assert inv.keys[arn(RSA)].spec == "RSA_2048" and inv.keys[arn(RSA)].usage == "SIGN_VERIFY"
    assert len(key.call_ids) == 5  # ListKeys page's call + four per-key calls


def test_pending_deletion_keeps_state_and_date(tmp_path: Path) -> None:
    inv, _ = _inventory(tmp_path)
    key = inv.keys[arn(PEND)]
    assert key.pending_deletion and key.key_state == "PendingDeletion"
    assert key.deletion_date == "2026-02-01T00:00:00+00:00" and key.enabled is False


def test_rotation_enabled_off_and_not_applicable_are_distinct(tmp_path: Path) -> None:
    inv, _ = _inventory(tmp_path)
    on, off, na = inv.keys[arn(CUST)], inv.keys[arn(PEND)], inv.keys[arn(RSA)]
    assert (on.rotation_enabled, on.rotation_state, on.rotation_period_days) == (True, COLLECTED, 365)
    assert (off.rotation_enabled, off.rotation_state) == (False, COLLECTED)
    assert (na.rotation_enabled, na.rotation_state) == (None, ABSENT)


def test_key_never_described_has_nothing_defaulted(tmp_path: Path) -> None:
    inv, _ = _inventory(tmp_path)
    lost = inv.keys[arn(LOST)]
    assert lost.describe_state == NOT_COLLECTED and lost.manager is None and lost.key_state is None
    assert lost.rotation_enabled is None and lost.rotation_state == NOT_COLLECTED
    assert lost.policy is None and lost.policy_state == NOT_COLLECTED
    assert lost.grants == () and lost.grants_state == NOT_COLLECTED


def test_policies_single_statement_url_encoded_malformed_denied(tmp_path: Path) -> None:
    inv, _ = _inventory(tmp_path)
    single = inv.keys[arn(CUST)].policy
    assert single is not None and single.ok
    (st,) = single.statements
    assert st.principal == {"*": ("*",)} and st.action == ("kms:Decrypt",)
    encoded = inv.keys[arn(AWSK)].policy
    assert encoded is not None and encoded.ok
    assert encoded.statements[0].action == ("kms:Encrypt", "kms:Decrypt")
    assert encoded.statements[0].condition["StringEquals"]["kms:CallerAccount"] == (A,)
    broken = inv.keys[arn(RSA)]
    assert broken.policy_state == COLLECTED and broken.policy is not None and not broken.policy.ok
    denied = inv.keys[arn(PEND)]
    assert denied.policy is None and denied.policy_state == DENIED


def test_aliases_and_resolution(tmp_path: Path) -> None:
    inv, _ = _inventory(tmp_path)
    assert inv.keys[arn(CUST)].aliases == ("alias/payments", "alias/payments-old")
    assert inv.keys[arn(AWSK)].aliases == ("alias/aws/s3",)
    orphan = inv.aliases[f"arn:aws:kms:eu-west-1:{A}:alias/aws/ebs"]
    assert orphan.target_key_arn is None
    assert len(inv.aliases) == 4  # the alias without a name is skipped
    where = {"account_id": A, "region": "eu-west-1"}
    assert inv.resolve(CUST, **where) is inv.keys[arn(CUST)]
    assert inv.resolve("alias/payments", **where) is inv.keys[arn(CUST)]
    assert inv.resolve(f"arn:aws:kms:eu-west-1:{A}:alias/aws/s3", **where) is inv.keys[arn(AWSK)]
    assert inv.resolve(arn(RSA), account_id=B, region="us-east-1") is inv.keys[arn(RSA)]
    assert inv.resolve("alias/aws/ebs", **where) is None
    assert inv.resolve(CUST, account_id=B, region="eu-west-1") is None
    assert inv.resolve("arn:bad", **where) is None


def test_grants_from_every_page_and_denied_grants(tmp_path: Path) -> None:
    inv, _ = _inventory(tmp_path)
    grants = inv.keys[arn(CUST)].grants
    assert [g.grant_id for g in grants] == ["g1", "g2"]
    assert grants[0].operations == ("Decrypt", "GenerateDataKey") and grants[0].name == "lambda"
    assert grants[1].operations == ()  # Operations as a string is malformed: not guessed
    assert grants[1].grantee_principal == "arn:aws:iam::999988887777:root"
    assert grants[1].constraints == {"EncryptionContextSubset": {"app": "x"}}
    aws_key = inv.keys[arn(AWSK)]
    assert aws_key.grants == () and aws_key.grants_state == DENIED


def test_denied_listing_is_not_an_empty_region(tmp_path: Path) -> None:
    inv, coverage = _inventory(tmp_path)
    assert not [k for k in inv.keys.values() if k.account_id == B]
    state = coverage.state(account_id=B, region="us-east-1", service="kms", operation="ListKeys")
    assert state.state == DENIED and not state.answered


def test_partition_comes_from_the_manifest(tmp_path: Path) -> None:
    calls = [
        FakeCall(
            service="kms", operation="ListKeys", pages=[{"Keys": [{"KeyId": CUST}]}], region="us-gov-west-1"
        ),
        FakeCall(
            service="kms",
            operation="ListAliases",
            pages=[{"Aliases": [{"AliasName": "alias/a", "TargetKeyId": CUST}]}],
            region="us-gov-west-1",
        ),
    ]
    manifest = {"identity": {"Arn": "arn:aws-us-gov:sts::111111111111:assumed-role/A/x"}}
    snap = Snapshot.open(write_snapshot(tmp_path / "gov.awb", calls=calls, manifest=manifest))
    inv = normalize_kms(PageSource(snap), Coverage(calls=snap.calls(), manifest=snap.manifest))
    key_arn = f"arn:aws-us-gov:kms:us-gov-west-1:111111111111:key/{CUST}"
    assert set(inv.keys) == {key_arn}
    assert inv.resolve("alias/a", account_id="111111111111", region="us-gov-west-1") is inv.keys[key_arn]
