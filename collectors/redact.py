"""Secrets never enter a snapshot.

Two layers: per-operation rules for values that are secret by nature of the
API (Lambda environment variable values, added with the Lambda collector), and
a scrub of any field whose name is a credential or secret wherever it appears.
A redacted value is replaced by ``REDACTED`` so the evidence shows that a value
existed and was withheld.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

REDACTED = "**redacted by aws-org-audit-workbench**"

# Field names whose values are credentials or secrets in any AWS response.
SECRET_FIELDS = frozenset(
    {
        "SecretAccessKey",
        "SessionToken",
        "AccessToken",
        "RefreshToken",
        "ClientSecret",
        "SecretString",
        "SecretBinary",
        "Password",
        "MasterUserPassword",
        "PrivateKey",
    }
)

Rule = Callable[[dict[str, Any]], None]


def _lambda_env_values(page: dict[str, Any]) -> None:
    functions = page.get("Functions") or ([page] if "FunctionName" in page else [])
    for fn in functions:
        env = (fn.get("Environment") or {}).get("Variables")
        if isinstance(env, dict):
            fn["Environment"]["Variables"] = dict.fromkeys(env, REDACTED)


RULES: dict[tuple[str, str], Rule] = {
    ("lambda", "ListFunctions"): _lambda_env_values,
    ("lambda", "GetFunctionConfiguration"): _lambda_env_values,
    ("lambda", "GetFunction"): lambda page: _lambda_env_values(page.get("Configuration") or {}),
}


def scrub(service: str, operation: str, page: dict[str, Any]) -> dict[str, Any]:
    """Remove secrets from one response page (in place) and return it."""
    rule = RULES.get((service, operation))
    if rule is not None:
        rule(page)
    _scrub_fields(page)
    return page


def _scrub_fields(value: Any) -> None:
    if isinstance(value, dict):
        for key in list(value):
            if key in SECRET_FIELDS and value[key] not in (None, ""):
                value[key] = REDACTED
            else:
                _scrub_fields(value[key])
    elif isinstance(value, list):
        for item in value:
            _scrub_fields(item)
