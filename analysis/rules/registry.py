"""Every control, in an explicit list: one tuple of modules per area, in report order.

No package walking at run time: a control exists when its module is listed here (a test checks
that every module of an area package is listed, and that each id equals its module name).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType

from analysis.rules.base import Control

# area -> the package holding its controls; each package lists its modules in CONTROL_MODULES.
AREAS: Mapping[str, str] = {
    "organizations": "analysis.rules.organizations",
    "iam": "analysis.rules.iam",
    "logging": "analysis.rules.logging",
    "network": "analysis.rules.network",
    "data": "analysis.rules.data",
    "detection": "analysis.rules.detection",
}


def control_modules() -> tuple[ModuleType, ...]:
    """The control modules of every area that exists, in order."""
    out: list[ModuleType] = []
    for package_name in AREAS.values():
        try:
            package = importlib.import_module(package_name)
        except ModuleNotFoundError as exc:
            if exc.name == package_name:
                continue  # an area without controls yet
            raise
        for name in getattr(package, "CONTROL_MODULES", ()):
            out.append(importlib.import_module(f"{package_name}.{name}"))
    return tuple(out)


def controls() -> tuple[Control, ...]:
    return tuple(m.CONTROL for m in control_modules())
