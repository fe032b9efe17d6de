"""``main.py profiles``: the AWS profiles on this machine, what kind each is, and its sign-in state."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from cli.main import CliError
from collectors.auth.profiles import ProfileError, ProfileInfo, list_profiles


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "profiles",
        help="list the AWS profiles (as the AWS CLI reads them) and whether their SSO sign-in is valid",
        description="List the profiles of the AWS config and credentials files (AWS_CONFIG_FILE and "
        "AWS_SHARED_CREDENTIALS_FILE are honoured), their kind, account or role chain, and until when "
        "an SSO profile's sign-in is valid. No secret is shown.",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list (format: docs/sign-in.md)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        profiles = list_profiles()
    except ProfileError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        json.dump([p.to_json() for p in profiles], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if not profiles:
        config = os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config"
        print(f"no AWS profiles found (config file: {config}); see docs/sign-in.md")
        return 0
    rows = [("PROFILE", "KIND", "REGION", "ACCOUNT / ROLE", "SIGN-IN")]
    rows.extend(_row(p) for p in profiles)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1])
    problems = [p for p in profiles if p.problem]
    for p in problems:
        print(f"note: profile {p.name}: {p.problem}")
    print("* = used when no --profile is given (AWS_PROFILE, else 'default')")
    return 0


def _row(p: ProfileInfo) -> tuple[str, str, str, str, str]:
    name = ("* " if p.is_default else "  ") + p.name
    return (name, p.kind, p.region or "-", _target(p), _sign_in(p))


def _target(p: ProfileInfo) -> str:
    if p.kind in ("sso", "sso-legacy"):
        account = p.sso_account_id or "(any account)"
        role = p.sso_role_name or "(any role)"
        return f"{account} / {role}"
    if p.kind == "assume-role":
        via = " <- ".join(p.role_chain[1:]) if len(p.role_chain) > 1 else ""
        source = via or (f"credential_source={p.credential_source}" if p.credential_source else "?")
        return f"{p.role_arn} via {source}"
    return "-"


def _sign_in(p: ProfileInfo) -> str:
    if p.token_valid is None:
        return "-"
    if p.token_valid:
        return f"valid until {p.token_expires_at}"
    if p.token_expires_at:
        return f"expired {p.token_expires_at}: main.py login --profile {p.name}"
    return f"not signed in: main.py login --profile {p.name}"
