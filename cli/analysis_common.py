"""What the analysis subcommands (simulate, paths, scp-whatif, assess, export) share: opening a snapshot
into an Inventory and its workpaper, resolving the names a user types, and the JSON shapes of decisions
and paths.

Every user error becomes a one-line ``CliError`` (exit status 2); the JSON shapes are
documented in docs/cli.md and kept stable: add keys, never rename them. The long steps
(opening the snapshot, the Inventory, the trust graph) report on stderr through
:class:`cli.progress.StepProgress`; Ctrl-C ends the command with one line (``progress_for``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.main import CliError
from cli.progress import StepProgress

if TYPE_CHECKING:
    from analysis.iam import Decision, PendingCondition, StatementRef
    from analysis.model.inventory import Inventory
    from analysis.trust.edges.base import Edge
    from analysis.trust.graph import TrustGraph
    from analysis.trust.queries import Path as TrustPath
    from analysis.trust.queries import Reach


# Exit status of paths and scp-whatif when Ctrl-C stops them: collect's "stopped" status.
EXIT_CANCELLED = 1


@contextmanager
def progress_for(*, cancel_status: int = EXIT_CANCELLED) -> Iterator[StepProgress]:
    """A StepProgress for one command; Ctrl-C becomes one line and ``cancel_status``.

    The analysis commands only read the snapshot, so stopping at any point is safe: Python's
    own SIGINT handling (KeyboardInterrupt) stops the work at once, without waiting for the
    end of a step, and nothing is left to clean up but the open file.
    """
    progress = StepProgress()
    try:
        yield progress
    except KeyboardInterrupt:
        progress.close()
        raise CliError(
            f"cancelled (Ctrl-C) after {progress.elapsed():.1f} s; nothing was written", status=cancel_status
        ) from None
    finally:
        progress.close()


def open_inventory(path: str, progress: StepProgress | None = None) -> Inventory:
    """Open the snapshot read-only and normalize it; a file that is not a usable snapshot is one line."""
    from analysis.model.inventory import build_inventory
    from snapshot import Snapshot, SnapshotError

    if not Path(path).is_file():
        raise CliError(f"{path}: no such snapshot file")
    if progress is not None:
        progress.note(f"opening {path} (checking its integrity digest)")
    try:
        snap = Snapshot.open(path)
    except SnapshotError as exc:
        raise CliError(str(exc)) from exc
    except OSError as exc:
        raise CliError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    try:
        return build_inventory(snap, progress=progress.phase("inventory") if progress else None)
    except SnapshotError as exc:
        raise CliError(str(exc)) from exc
    finally:
        snap.close()


def open_workpaper(snapshot: str, given: str | None) -> Any:
    """The workpaper ``given``, or the one beside the snapshot when there is one (None if not); a
    workpaper that is not of this snapshot or cannot be read is one line."""
    from analysis.workpaper import WorkpaperError, check_beside, default_path, load_workpaper

    path = Path(given) if given else default_path(snapshot)
    if not given and not path.exists():
        return None
    try:
        check_beside(snapshot, path)
        return load_workpaper(path)
    except WorkpaperError as exc:
        raise CliError(str(exc)) from exc


def resolve_principal(inventory: Inventory, arn: str) -> str:
    """The user or role ARN to evaluate; an assumed-role session ARN maps to its role (by account and name)."""
    arn = arn.strip()
    iam = inventory.iam
    if arn in iam.users or arn in iam.roles:
        return arn
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[2] == "sts" and parts[5].startswith("assumed-role/"):
        name = parts[5].split("/")[1] if parts[5].count("/") >= 1 else ""
        for role in iam.roles.values():
            if role.account_id == parts[4] and role.name == name:
                return arn  # the engine evaluates a session as its role
    raise CliError(f"{arn} is not a user or role in this snapshot")


def parse_context(items: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``key=value`` pairs; a repeated key collects several values; ``key=`` says the key is absent."""
    out: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise CliError(f"--context {item!r}: expected KEY=VALUE (e.g. aws:MultiFactorAuthPresent=true)")
        values = out.setdefault(key, [])
        if value:
            values.append(value)
    return {k: tuple(v) for k, v in out.items()}


def build_graph(inventory: Inventory, progress: StepProgress | None = None) -> TrustGraph:
    from analysis.trust import build_trust_graph

    return build_trust_graph(inventory, progress=progress.phase("trust graph") if progress else None)


def dump_json(obj: Any) -> None:
    print(json.dumps(obj, indent=2, sort_keys=False))


# -- JSON shapes --------------------------------------------------------------------------------


def statement_json(ref: StatementRef) -> dict[str, Any]:
    return {
        "kind": ref.kind,
        "policy": ref.policy,
        "where": ref.where,
        "index": ref.index,
        "sid": ref.sid,
        "effect": ref.effect,
    }


def condition_json(c: PendingCondition) -> dict[str, Any]:
    return {
        "operator": c.operator,
        "key": c.key,
        "values": list(c.values),
        "negated": c.negated,
        "statement": statement_json(c.statement),
        "text": c.describe(),
    }


def decision_json(d: Decision) -> dict[str, Any]:
    return {
        "decision": d.decision,
        "summary": d.summary(),
        "deciding": [statement_json(s) for s in d.deciding],
        "conditions": [condition_json(c) for c in d.conditions],
        "reasons": list(d.reasons),
    }


def edge_json(e: Edge) -> dict[str, Any]:
    return {
        "kind": e.kind,
        "technique": e.technique,
        "reason": e.reason,
        "intra_org": e.intra_org,
        "conditions": [
            {
                "operator": c.operator,
                "key": c.key,
                "values": list(c.values),
                "origin": c.origin,
                "negated": c.negated,
            }
            for c in e.conditions
        ],
        "statements": [statement_json(s) for s in e.statements],
    }


def node_json(tg: TrustGraph, node_id: str) -> dict[str, Any]:
    n = tg.node(node_id)
    return {"id": n.id, "kind": n.kind, "label": n.label, "account_id": n.account_id}


def path_json(tg: TrustGraph, path: TrustPath) -> dict[str, Any]:
    return {
        "nodes": list(path.nodes),
        "conditional": path.conditional,
        "escalation": path.escalation,
        "steps": [
            {"source": s.source, "target": s.target, "edges": [edge_json(e) for e in s.edges]}
            for s in path.steps
        ],
    }


def reach_json(tg: TrustGraph, r: Reach) -> dict[str, Any]:
    return {
        **node_json(tg, r.node),
        "distance": r.distance,
        "truncated": r.truncated,
        "paths": [path_json(tg, p) for p in r.paths],
    }


# -- text ----------------------------------------------------------------------------------------


def statement_line(ref: StatementRef) -> str:
    sid = f" sid {ref.sid}" if ref.sid else ""
    return f"{ref.effect} [{ref.kind}] {ref.policy} statement {ref.index}{sid} ({ref.where})"


def edge_lines(e: Edge, indent: str) -> list[str]:
    lines = [f"{indent}{e.kind} via {e.technique}: {e.reason}"]
    lines += [f"{indent}  if {c.text()} ({c.origin})" for c in e.conditions]
    lines += [f"{indent}  by {statement_line(s)}" for s in e.statements]
    return lines


def path_lines(tg: TrustGraph, path: TrustPath, indent: str = "    ") -> list[str]:
    lines: list[str] = []
    for i, step in enumerate(path.steps, start=1):
        target = tg.node(step.target)
        lines.append(f"{indent}{i}. -> {target.label} [{target.kind}] {step.target}")
        for e in step.edges:
            lines += edge_lines(e, indent + "     ")
    return lines
