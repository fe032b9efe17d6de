"""Read-only collection from AWS into a snapshot file. Never imports Qt."""

from __future__ import annotations

from importlib import metadata


def tool_version() -> str:
    try:
        return metadata.version("aws-org-audit-workbench")
    except metadata.PackageNotFoundError:
        return "0.1.0+source"
