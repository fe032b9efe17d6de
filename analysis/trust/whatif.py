"""SCP / RCP what-if: which permissions and which paths to admin a draft policy would take away.

The white paper's practice of testing SCPs before attaching them, done offline with the same
policy engine: the draft is attached as an extra organization policy and everything is asked again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.trust.graph import TrustGraph
from analysis.trust.nodes import ROLE, USER, admin_node_id
from analysis.trust.queries import SOURCE_KINDS, Path, distances_to, shortest_paths

if TYPE_CHECKING:
    from analysis.iam import Decision, PolicyEngine


# Always checked by the what-if besides the draft's own actions: what paths to admin are made of.
WHATIF_CORE_ACTIONS = (
    "*",
    "sts:AssumeRole",
    "iam:PassRole",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:CreatePolicyVersion",
    "iam:CreateAccessKey",
    "iam:UpdateAssumeRolePolicy",
)
MAX_DRAFT_ACTIONS = 300


@dataclass(frozen=True, kw_only=True)
class LostPermission:
    principal: str
    action: str
    before: Decision
    after: Decision


@dataclass(frozen=True, kw_only=True)
class CutPath:
    source: str
    account_id: str  # admin of this account is no longer reachable from source
    path: Path  # the shortest path it had before


@dataclass(frozen=True, kw_only=True)
class WhatIfResult:
    target_id: str
    policy_type: str
    accounts: tuple[str, ...]  # accounts the draft would apply to (never the management account)
    actions_checked: tuple[str, ...]
    lost: tuple[LostPermission, ...]
    admins_lost: tuple[str, ...]
    cut_paths: tuple[CutPath, ...]
    notes: tuple[str, ...] = ()


def accounts_under(tg: TrustGraph, target_id: str) -> tuple[str, ...]:
    """The accounts a policy attached at ``target_id`` (root, OU or account) applies to."""
    org = tg.inventory.organization
    try:
        org.node(target_id)
    except KeyError:
        raise KeyError(f"{target_id} is not a root, OU or account of this organization") from None
    out = []
    for account_id in org.accounts:
        if account_id == org.management_account_id:
            continue  # SCPs and RCPs do not apply to the management account
        if account_id == target_id or any(u.id == target_id for u in org.path_to(account_id)):
            out.append(account_id)
    return tuple(sorted(out))


def _draft_actions(engine: PolicyEngine, document: object) -> tuple[list[str], list[str]]:
    from analysis.model.policy_doc import parse_policy_document

    doc = parse_policy_document(document)
    actions: list[str] = []
    notes: list[str] = []
    for st in doc.statements:
        for pattern in st.action or ():
            expanded = (
                sorted(engine.expand_actions(pattern)) if ("*" in pattern or "?" in pattern) else [pattern]
            )
            if len(expanded) > MAX_DRAFT_ACTIONS:
                notes.append(f"{pattern} expands to {len(expanded)} actions: checked as the pattern itself")
                expanded = [pattern]
            actions.extend(expanded)
        if st.not_action is not None:
            notes.append(f"statement {st.index} uses NotAction: only the core actions are checked for it")
    return list(dict.fromkeys(actions)), notes


def scp_what_if(
    tg: TrustGraph,
    *,
    document: object,
    target_id: str,
    policy_type: str = "SERVICE_CONTROL_POLICY",
    name: str = "draft",
    progress: Callable[[int, int, str], None] | None = None,
) -> WhatIfResult:
    """Which principals would lose which permissions, and which paths to admin would be cut, if the
    draft were attached at ``target_id``. Same engine, with the draft as an extra org policy.

    Permissions are checked on resource "*" for the draft's actions (wildcards expanded against
    the catalogue) and the actions paths to admin are made of; the paths are recomputed by
    building the graph again with the draft in place. ``progress(done, total, message)`` hears
    about the permission checks (per principal) and the second graph build (per edge checker).
    """
    from analysis.iam import DraftPolicy, PolicyEngine, Request
    from analysis.trust.graph import build_trust_graph

    accounts = accounts_under(tg, target_id)
    before_engine = PolicyEngine(inventory=tg.inventory)
    after_engine = PolicyEngine(
        inventory=tg.inventory,
        drafts=(
            DraftPolicy(policy_type=policy_type, target_id=target_id, name=name, document_json=document),
        ),
    )
    report = progress or (lambda done, total, message: None)
    draft_actions, notes = _draft_actions(before_engine, document)
    actions = tuple(dict.fromkeys((*draft_actions, *WHATIF_CORE_ACTIONS)))
    allowed = ("allow", "conditional")
    lost: list[LostPermission] = []
    in_scope = set(accounts)
    principals = [
        node
        for node, data in tg.graph.nodes(data=True)
        if data["node"].kind in (USER, ROLE) and data["node"].account_id in in_scope
    ]
    step = max(1, len(principals) // 100)
    for i, node in enumerate(principals):
        if i % step == 0:
            report(i, len(principals), "today's permissions against the draft's")
        for action in actions:
            if action != "*" and not tg.permissions.might_allow(node, action):
                continue
            request = Request(principal_arn=node, action=action, resource="*")
            before = before_engine.evaluate(request)
            if before.decision not in allowed:
                continue
            after = after_engine.evaluate(request)
            if after.decision not in allowed:
                lost.append(LostPermission(principal=node, action=action, before=before, after=after))
    report(len(principals), len(principals), "today's permissions against the draft's")
    after_tg = build_trust_graph(
        tg.inventory,
        engine=after_engine,
        progress=lambda done, total, message: report(done, total, f"graph with the draft: {message}"),
    )
    cut: list[CutPath] = []
    accounts_all = sorted(tg.org.account_ids)
    step = max(1, len(accounts_all) // 100)
    for i, account_id in enumerate(accounts_all):
        if i % step == 0:
            report(i, len(accounts_all), "paths to admin the draft would cut")
        # Two reverse BFS first (cheap); paths only for the sources the draft cuts off, which
        # at 500 accounts is a few accounts' worth instead of every account's every source.
        goal = admin_node_id(account_id)
        before_dist = distances_to(tg, goal)
        after_nodes = distances_to(after_tg, goal).keys()
        for source in sorted(n for n in before_dist if n != goal and n not in after_nodes):
            if tg.node(source).kind not in SOURCE_KINDS:
                continue
            paths, _ = shortest_paths(tg, source, before_dist, limit=1)
            if paths:
                cut.append(CutPath(source=source, account_id=account_id, path=paths[0]))
    report(len(accounts_all), len(accounts_all), "paths to admin the draft would cut")
    if policy_type == "RESOURCE_CONTROL_POLICY":
        notes.append("an RCP restricts access to resources of the target's accounts: checked on resource *")
    return WhatIfResult(
        target_id=target_id,
        policy_type=policy_type,
        accounts=accounts,
        actions_checked=actions,
        lost=tuple(lost),
        admins_lost=tuple(sorted(set(tg.admins) - set(after_tg.admins))),
        cut_paths=tuple(cut),
        notes=tuple(notes),
    )
