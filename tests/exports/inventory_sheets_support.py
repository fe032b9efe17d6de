"""What the inventory sheet tests share (the demo's PackData is ``demo_pack`` of tests/exports/conftest.py).

``with_org`` swaps in another organization model (places rebuilt), ``table`` turns a sheet's rows
into dicts keyed by header for readable assertions, ``*_named`` find the demo's random ids by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from analysis.model.organizations import OrganizationModel
from analysis.rules.report import OrgPlaces
from exports.pack_data import PackData
from exports.xlsx_writer import SheetSpec


def with_org(data: PackData, org: OrganizationModel) -> PackData:
    inventory = replace(data.inventory, organization=org)
    return replace(data, inventory=inventory, places=OrgPlaces(inventory))


def table(spec: SheetSpec, rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        assert len(row) == len(spec.columns), (
            f"{spec.title}: {len(row)} values for {len(spec.columns)} columns"
        )
        out.append(dict(zip(spec.header, row, strict=True)))
    return out


def account_id_named(data: PackData, name: str) -> str:
    return next(a.id for a in data.inventory.organization.accounts.values() if a.name == name)


def ou_id_named(data: PackData, name: str) -> str:
    return next(u.id for u in data.inventory.organization.units.values() if u.name == name)


def policy_id_named(data: PackData, name: str) -> str:
    return next(p.id for p in data.inventory.organization.policies.values() if p.name == name)
