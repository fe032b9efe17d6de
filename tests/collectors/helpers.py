"""Reading collected snapshots back in tests (straight from raw pages, independent of analysis/)."""

from __future__ import annotations

from typing import Any

from snapshot import Snapshot


def pages(snap: Snapshot, service: str, operation: str, account_id: str | None = None) -> list[Any]:
    return [page for _, page in snap.iter_pages(service=service, operation=operation, account_id=account_id)]


def ou_parents(snap: Snapshot) -> dict[str, str]:
    """child OU id -> parent id, from ListOrganizationalUnitsForParent calls."""
    out = {}
    for call in snap.calls(service="organizations", operation="ListOrganizationalUnitsForParent"):
        for page in snap.pages(call.id):
            for ou in page["OrganizationalUnits"]:
                out[ou["Id"]] = call.parameters["ParentId"]
    return out


def account_parents(snap: Snapshot) -> dict[str, str]:
    out = {}
    for call in snap.calls(service="organizations", operation="ListAccountsForParent"):
        for page in snap.pages(call.id):
            for acct in page["Accounts"]:
                out[acct["Id"]] = call.parameters["ParentId"]
    return out


def policy_targets(snap: Snapshot) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for call in snap.calls(service="organizations", operation="ListTargetsForPolicy"):
        for page in snap.pages(call.id):
            out.setdefault(call.parameters["PolicyId"], set()).update(t["TargetId"] for t in page["Targets"])
    return out


def principals(snap: Snapshot, account_id: str) -> tuple[set[str], set[str]]:
    users: set[str] = set()
    roles: set[str] = set()
    for page in pages(snap, "iam", "GetAccountAuthorizationDetails", account_id):
        users.update(u["UserName"] for u in page.get("UserDetailList", []))
        roles.update(r["RoleName"] for r in page.get("RoleDetailList", []))
    return users, roles


def outcomes(snap: Snapshot, **filters: Any) -> dict[tuple[str, str, str], str]:
    return {(c.account_id, c.service, c.operation): c.outcome for c in snap.calls(**filters)}
