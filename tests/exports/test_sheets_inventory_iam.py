"""The IAM principals, Trust relationships and Escalation paths sheets on the demo organization."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from exports.options import ExportOptions
from exports.pack_data import PackData
from exports.sheets import escalation, iam_principals, trust
from tests.exports.inventory_sheets_support import account_id_named, table


def principals(data: PackData, options: ExportOptions | None = None) -> list[dict[str, Any]]:
    return table(iam_principals.SHEET, iam_principals.rows(data, options or ExportOptions()))


def trust_rows(data: PackData, options: ExportOptions | None = None) -> list[dict[str, Any]]:
    """The edge rows, after the first row that says what the sheet includes."""
    rows = table(trust.SHEET, trust.rows(data, options or ExportOptions()))
    assert rows[0]["From"] == trust.INCLUDES and all(v is None for v in list(rows[0].values())[1:])
    return rows[1:]


def escalation_rows(data: PackData, options: ExportOptions | None = None) -> list[dict[str, Any]]:
    return table(escalation.SHEET, escalation.rows(data, options or ExportOptions()))


# -- IAM principals ----------------------------------------------------------------------------------


def test_one_row_per_principal_and_root_user(demo_pack: PackData) -> None:
    iam = demo_pack.inventory.iam
    rows = principals(demo_pack)
    by_type: dict[str, set[str]] = {}
    for r in rows:
        by_type.setdefault(r["Type"], set()).add(r["ARN"])
    assert by_type["user"] == set(iam.users)
    assert by_type["group"] == set(iam.groups)
    assert by_type["role"] == set(iam.roles)
    assert by_type["root user"] == {f"arn:aws:iam::{a}:root" for a in iam.accounts}
    assert len(rows) == len(iam.users) + len(iam.groups) + len(iam.roles) + len(iam.accounts)
    accounts = [r["Account"] for r in rows]
    assert accounts == sorted(accounts)  # grouped by account
    for r in rows:
        assert r["Account name"] == demo_pack.inventory.account_name(r["Account"])


def test_administrators_are_the_trust_analysis_ones(demo_pack: PackData) -> None:
    admins = demo_pack.trust_graph.admins  # type: ignore[union-attr]
    rows = [r for r in principals(demo_pack) if r["Type"] in ("user", "role")]
    said = {r["ARN"] for r in rows if str(r["Administrator"]).startswith("Yes")}
    assert said == set(admins) and said
    conditional = {a for a, d in admins.items() if d.decision == "conditional"}
    assert {r["ARN"] for r in rows if r["Administrator"] == "Yes, if conditions hold"} == conditional
    for r in rows:
        if r["ARN"] in conditional:
            assert r["Administrator: why"] == admins[r["ARN"]].summary()
    assert all(r["Administrator"] == "No" for r in rows if r["ARN"] not in admins)


def test_user_with_old_access_keys(demo_pack: PackData) -> None:
    master = account_id_named(demo_pack, "master")
    arn = f"arn:aws:iam::{master}:user/legacy-automation"
    user = demo_pack.inventory.iam.users[arn]
    row = next(r for r in principals(demo_pack) if r["ARN"] == arn)
    started = datetime.fromisoformat(demo_pack.manifest["started_at"])
    keys = str(row["Access keys"]).splitlines()
    assert len(keys) == len(user.access_keys) == 2
    for key, line in zip(user.access_keys, keys, strict=True):
        age = (started - datetime.fromisoformat(str(key.created))).days
        assert line.startswith(
            f"{key.access_key_id} Active, created {key.created}, {age} days old at collection"
        )
        assert f"last used {key.last_used_date} ({key.last_used_service}, {key.last_used_region})" in line
    assert row["Console password"] == "No" and row["Attached managed policies"] == "OrgAdministratorAccess"
    assert row["Administrator"] == "Yes"


def test_group_and_role_rows(demo_pack: PackData) -> None:
    master = account_id_named(demo_pack, "master")
    rows = {r["ARN"]: r for r in principals(demo_pack)}
    group = rows[f"arn:aws:iam::{master}:group/Administrators"]
    assert str(group["Groups / members"]).splitlines() == ["alice.admin", "bob.admin"]
    assert group["Administrator"] == "n/a"
    payments = account_id_named(demo_pack, "payments-prod")
    vendor = rows[f"arn:aws:iam::{payments}:role/VendorMonitoring"]
    assert vendor["Trusted by (roles)"] == (
        "AWS: arn:aws:iam::999988887777:root (sts:AssumeRole) if StringEquals sts:ExternalId ['example-corp-7f3a9c']"
    )
    alice = rows[f"arn:aws:iam::{master}:user/alice.admin"]
    assert alice["MFA"] == "Yes\nvirtual device alice.admin" and alice["Console password"] == "Yes"
    assert alice["Notes"] == f"MFA devices: arn:aws:iam::{master}:mfa/alice.admin"
    assert rows[f"arn:aws:iam::{master}:user/bob.admin"]["MFA"] == "No"


def test_principals_filter_and_missing_trust_graph(demo_pack: PackData) -> None:
    payments = account_id_named(demo_pack, "payments-prod")
    rows = principals(demo_pack, ExportOptions(accounts=frozenset({payments})))
    assert rows and {r["Account"] for r in rows} == {payments}
    no_graph = principals(replace(demo_pack, trust_graph=None))
    users = [r for r in no_graph if r["Type"] == "user"]
    assert users and all(r["Administrator"] == "unknown" for r in users)


# -- Trust relationships -----------------------------------------------------------------------------


def test_trust_edges_without_escalation_and_admin(demo_pack: PackData) -> None:
    tg = demo_pack.trust_graph
    assert tg is not None
    kept = [e for e in tg.all_edges() if e.kind not in trust.LEFT_OUT_KINDS]
    rows = trust_rows(demo_pack)
    assert len(rows) == len(kept) > 0
    assert {r["Technique"] for r in rows} == {e.technique for e in kept}
    assert not {r["Technique"] for r in rows} & {"is_admin", "admin"}
    assert all("PassRole" not in str(r["Technique"]) for r in rows)
    assert {r["Relationship"] for r in rows} >= {"assume role", "SAML federation", "web identity federation"}


def test_external_trust_rows(demo_pack: PackData) -> None:
    payments = account_id_named(demo_pack, "payments-prod")
    rows = [r for r in trust_rows(demo_pack) if str(r["To"]).endswith(f":{payments}:role/VendorMonitoring")]
    assert len(rows) == 1
    row = rows[0]
    assert row["Scope"] == "from outside the organization" and row["From account"] == "999988887777"
    assert row["Conditional"] == "Yes"
    assert row["Conditions"] == "StringEquals sts:ExternalId ['example-corp-7f3a9c'] (trust policy)"
    assert "trust policy of role VendorMonitoring" in str(row["Statements"])


def test_trust_filter_keeps_edges_touching_the_scope(demo_pack: PackData) -> None:
    web = account_id_named(demo_pack, "web-prod")
    rows = trust_rows(demo_pack, ExportOptions(accounts=frozenset({web})))
    assert rows and all(web in (r["From account"], r["To account"]) for r in rows)
    assert len(rows) < len(trust_rows(demo_pack))


def test_trust_without_graph(demo_pack: PackData) -> None:
    rows = trust_rows(replace(demo_pack, trust_graph=None))
    assert len(rows) == 1 and rows[0]["From"] == trust.NO_GRAPH


# -- Escalation paths --------------------------------------------------------------------------------


def test_escalation_paths_hop_by_hop(demo_pack: PackData) -> None:
    tg = demo_pack.trust_graph
    findings = [f for f in demo_pack.trust_findings if f.path is not None]
    assert findings and tg is not None
    rows = escalation_rows(demo_pack)
    assert len(rows) == sum(1 + len(f.path.steps) for f in findings if f.path is not None)
    for number, finding in enumerate(findings, start=1):
        assert finding.path is not None
        mine = [r for r in rows if r["Finding"] == number]
        assert mine[0]["Hop"] is None and mine[0]["Detail"] == finding.detail
        assert mine[0]["Severity"] == finding.severity == "high"
        hops = mine[1:]
        assert [h["Hop"] for h in hops] == list(range(1, len(finding.path.steps) + 1))
        for hop, step in zip(hops, finding.path.steps, strict=True):
            assert hop["Technique"] == "\n".join(dict.fromkeys(e.technique for e in step.edges))
            assert hop["From"] == trust.node_words(tg.node(step.source))
            assert hop["To"] == trust.node_words(tg.node(step.target))
        assert str(hops[-1]["To"]).startswith("admin of ")


def test_lambda_escalation_names_its_statements(demo_pack: PackData) -> None:
    rows = escalation_rows(demo_pack)
    hop = next(
        r for r in rows if r["Technique"] == "iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction"
    )
    assert "inline/LambdaDeployerInline" in str(hop["Statements"])
    assert "WebAdminExecution" in str(hop["To"])
    assert "(left open by the policy evaluation offline)" in str(hop["Conditions"])


def test_escalation_filter_and_empty(demo_pack: PackData) -> None:
    sandbox = account_id_named(demo_pack, "sandbox-alice")
    rows = escalation_rows(demo_pack, ExportOptions(accounts=frozenset({sandbox})))
    assert len(rows) == 1
    assert (
        rows[0]["From"] == "No escalation path to an administrator starts in the accounts in the pack's scope"
    )
    none = escalation_rows(replace(demo_pack, trust_findings=()))
    assert [r["From"] for r in none] == ["No escalation path to an administrator was found"]
