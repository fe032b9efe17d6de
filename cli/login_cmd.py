"""``main.py login``: sign an SSO profile in, as ``aws sso login`` does, into the shared token cache."""

from __future__ import annotations

import argparse
import sys
import webbrowser
from typing import Any

from cli.main import CliError
from collectors.auth.profiles import ProfileError, default_profile_name, sso_profile_for
from collectors.auth.sso_login import DeviceCode, LoginError, login
from collectors.auth.token_cache import iso_utc


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "login",
        help="sign in to IAM Identity Center (SSO) for a profile; the token is shared with the AWS CLI",
        description="Sign in with the device code flow: open the URL shown, check the code, allow access. "
        "The token is written to ~/.aws/sso/cache, where the AWS CLI, boto3 and this tool find it.",
    )
    parser.add_argument("--profile", help="the SSO profile (default: AWS_PROFILE, else 'default')")
    parser.add_argument("--no-browser", action="store_true", help="only print the URL; do not open a browser")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    profile = args.profile or default_profile_name()
    try:
        signed_in = sso_profile_for(profile)
    except ProfileError as exc:
        raise CliError(str(exc), status=1) from None

    def on_code(code: DeviceCode) -> None:
        print(f"To sign in profile {profile}, open this page in a browser:")
        print(f"  {code.verification_uri_complete}")
        print(f"and check that it shows the code {code.user_code} (valid until {iso_utc(code.expires_at)}).")
        if not args.no_browser:
            try:
                opened = webbrowser.open(code.verification_uri_complete)
            except webbrowser.Error:
                opened = False
            if not opened:
                print("(could not open a browser: open the page yourself)")
        print("Waiting for the sign-in to be approved... (Ctrl-C to cancel)", flush=True)

    try:
        token = login(profile, on_code=on_code, cancelled=lambda: False)
    except (ProfileError, LoginError) as exc:
        raise CliError(str(exc), status=1) from None
    via = "" if signed_in == profile else f" (through its source profile {signed_in})"
    print(f"Signed in: profile {profile}{via} can be used until {token.expires_at_iso}.")
    if token.path is not None:
        print(f"Token cached in {token.path.parent} (shared with the AWS CLI).")
    sys.stdout.flush()
    return 0
