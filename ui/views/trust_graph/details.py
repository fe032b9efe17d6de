"""The node panel: everything known about the selected node, and what to do from it.

``describe_node`` and ``describe_group`` are plain functions (text an auditor reads, also what
the tests check); ``DetailsPanel`` shows it with the actions BloodHound puts on a node: paths to
admin from here, what this can reach, use it as one end of a path, expand an account.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from analysis.iam import StatementRef
    from analysis.trust.graph import TrustGraph
    from analysis.trust.overview import AccountOverview

MAX_LISTED = 60  # members or node pairs listed under an overview node


def _ou_path(tg: TrustGraph, account_id: str) -> str:
    try:
        return " / ".join(u.name for u in tg.inventory.organization.path_to(account_id))
    except KeyError:
        return ""


def _policies(tg: TrustGraph, node_id: str) -> list[str]:
    iam = tg.inventory.iam
    principal = iam.users.get(node_id) or iam.roles.get(node_id)
    if principal is None:
        group = iam.groups.get(node_id)
        if group is None:
            return []
        lines = [f"  managed: {arn.rsplit('/', 1)[-1]} ({arn})" for arn in group.attached_policy_arns]
        lines += [
            f"  inline: {p.name} ({len(p.document.statements)} statement(s))" for p in group.inline_policies
        ]
        lines += [f"  member: {m}" for m in group.member_arns]
        return ["", f"Policies and members ({len(lines)}):", *lines]
    lines = []
    for p in iam.policies_for(node_id):
        where = f" via group {p.via_group_arn.rsplit('/', 1)[-1]}" if p.via_group_arn else ""
        size = (
            f"{len(p.document.statements)} statement(s)" if p.document is not None else "not in the snapshot"
        )
        name = f"{p.policy_name} ({p.policy_arn})" if p.policy_arn else p.policy_name
        lines.append(f"  {p.source.replace('_', ' ')}: {name}{where}, {size}")
    out = ["", f"Identity policies ({len(lines)}):", *(lines or ["  none"])]
    if principal.permissions_boundary_arn:
        out.append(f"Permissions boundary: {principal.permissions_boundary_arn}")
    groups = getattr(principal, "group_names", ())
    if groups:
        out.append(f"Groups: {', '.join(groups)}")
    return out


def _statement(ref: StatementRef) -> str:
    """One statement that made an edge, short: ``Allow scp FullAWSAccess #0 — OU Prod (ou-...)``."""
    policy = ref.policy
    if ":inline/" in policy:
        policy = policy.rsplit(":inline/", 1)[1] + " (inline)"
    elif policy.startswith("arn:"):
        policy = policy.rsplit("/", 1)[-1]
    sid = f" ({ref.sid})" if ref.sid else ""
    return f"{ref.effect} {ref.kind} {policy} #{ref.index}{sid} — {ref.where}"


def describe_node(tg: TrustGraph, node_id: str) -> str:
    """Kind, account and OU path, admin decision, policies, trust policy, edges with conditions and statements."""
    node = tg.node(node_id)
    inv = tg.inventory
    lines = [node.label, node_id, f"kind: {node.kind.replace('_', ' ')}"]
    if node.account_id:
        name = inv.account_name(node.account_id)
        lines.append(f"account: {name + ' ' if name else ''}{node.account_id}")
        path = _ou_path(tg, node.account_id) if tg.org.in_org(node.account_id) else ""
        if path:
            lines.append(f"OU path: {path}")
    if node.in_organization is not None:
        lines.append("inside the organization" if node.in_organization else "OUTSIDE the organization")
    if node.detail:
        lines.append(node.detail)
    admin = tg.admins.get(node_id)
    if admin is not None:
        lines.append(f"admin: {admin.summary()}")
        lines.extend(f"  because: {ref.text}" for ref in admin.deciding[:6])
    elif node.kind in ("user", "role"):
        lines.append("admin: no")
    lines += _policies(tg, node_id)
    role = inv.iam.roles.get(node_id)
    if role is not None:
        raw = role.trust_policy.raw if role.trust_policy.raw is not None else role.trust_policy.raw_text
        lines += ["", "Trust policy:", json.dumps(raw, indent=2, default=str)]
    for title, pairs in (
        ("Can become / reach", [(node_id, t) for t in tg.graph.successors(node_id)]),
        ("Reachable from", [(s, node_id) for s in tg.graph.predecessors(node_id)]),
    ):
        lines += ["", f"{title} ({len(pairs)}):"]
        for u, v in sorted(pairs):
            other = v if u == node_id else u
            for e in tg.edges_between(u, v):
                lines.append(f"• {tg.node(other).label} — {e.technique} ({e.kind.replace('_', ' ')})")
                lines.append(f"    {e.reason}")
                lines.extend(f"    if {c.text()}" for c in e.conditions)
                lines.extend(f"    {_statement(ref)}" for ref in e.statements)
    return "\n".join(lines)


def describe_group(tg: TrustGraph, overview: AccountOverview, group_id: str) -> str:
    """An account (or outside group) of the overview: what it holds, and its aggregated edges."""
    n = overview.nodes[group_id]
    lines = [n.label]
    if n.account_id:
        lines += [f"account {n.account_id}", f"OU path: {' / '.join(n.ou_path) or 'not placed'}"]
        if n.account_id == tg.org.management_account_id:
            lines.append("management account (SCPs and RCPs do not apply to it)")
    lines.append(
        "contains: " + (", ".join(f"{c} {k.replace('_', ' ')}" for k, c in n.kinds.items()) or "nothing")
    )
    if n.account_id:
        lines.append(
            f"administrators ({len(n.admins)}): " + (", ".join(tg.node(a).label for a in n.admins) or "none")
        )
    if n.internal:
        lines.append("edges inside: " + ", ".join(f"{c} {k}" for k, c in sorted(n.internal.items())))
    out, inc = overview.edges_of(group_id)
    for title, edges, other_end in (
        ("Edges out, to", out, "target"),
        ("Edges in, from", inc, "source"),
    ):
        lines += ["", f"{title} ({len(edges)}):"]
        for e in sorted(edges, key=lambda e: (-e.escalation, -e.total)):
            other = overview.nodes[getattr(e, other_end)]
            lines.append(f"• {other.label}: {e.describe()}")
            for u, v in e.pairs[:5]:
                lines.append(f"    {tg.node(u).label} → {tg.node(v).label}")
            if len(e.pairs) > 5:
                lines.append(f"    … and {len(e.pairs) - 5} more")
    if not n.account_id:
        lines += ["", f"Members ({len(n.members)}):"]
        lines += [f"  {tg.node(m).label}  ({m})" for m in n.members[:MAX_LISTED]]
        if len(n.members) > MAX_LISTED:
            lines.append(f"  … and {len(n.members) - MAX_LISTED} more")
    elif n.members:
        lines += ["", "Double-click the account (or press Expand) to draw its principals."]
    return "\n".join(lines)


class DetailsPanel(QWidget):
    """The text and the node's actions; buttons are enabled for what makes sense for the node."""

    admin_paths_requested = Signal(str)
    reach_requested = Signal(str)
    use_as_source = Signal(str)
    use_as_target = Signal(str)
    expand_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.node_id: str | None = None
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setPlaceholderText("Click a node for its details.")
        self.admin_button = QPushButton("Paths to admin from here")
        self.reach_button = QPushButton("What can this reach")
        self.from_button = QPushButton("Path from here…")
        self.to_button = QPushButton("Path to here…")
        self.expand_button = QPushButton("Expand account")
        for button, signal in (
            (self.admin_button, self.admin_paths_requested),
            (self.reach_button, self.reach_requested),
            (self.from_button, self.use_as_source),
            (self.to_button, self.use_as_target),
            (self.expand_button, self.expand_requested),
        ):
            button.clicked.connect(
                lambda _=False, s=signal: self.node_id is not None and s.emit(self.node_id)
            )
        grid = QGridLayout()
        grid.addWidget(self.admin_button, 0, 0)
        grid.addWidget(self.reach_button, 0, 1)
        grid.addWidget(self.from_button, 1, 0)
        grid.addWidget(self.to_button, 1, 1)
        grid.addWidget(self.expand_button, 2, 0, 1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self.text, 1)
        self.show_text(None, "", expandable=False)

    def show_text(self, node_id: str | None, text: str, *, expandable: bool) -> None:
        """Show ``text`` for ``node_id``; node actions need a trust-graph node, Expand an account."""
        self.node_id = node_id
        self.text.setPlainText(text)
        is_node = node_id is not None and not node_id.startswith("outside:")
        for button in (self.admin_button, self.reach_button, self.from_button, self.to_button):
            button.setEnabled(is_node)
        self.expand_button.setEnabled(expandable)

    def clear(self) -> None:
        self.show_text(None, "", expandable=False)


__all__ = ["DetailsPanel", "describe_group", "describe_node"]
