"""docs/collection.md (the public list of what is collected) names every collector and operation."""

from __future__ import annotations

from pathlib import Path

from collectors.registry import ALL_COLLECTORS, SELECTABLE

DOC = (Path(__file__).resolve().parents[2] / "docs" / "collection.md").read_text()


def test_every_collector_and_operation_is_documented() -> None:
    missing = []
    for collector in ALL_COLLECTORS:
        if f"## `{collector.name}` ({collector.service}, {collector.scope})" not in DOC:
            missing.append(collector.name)
        for op in collector.ops:
            name = f"`{op.service + ':' if op.service else ''}{op.operation}`"
            if name not in DOC:
                missing.append(f"{collector.name} {name}")
    assert missing == []


def test_selectable_names_are_unique_and_documented() -> None:
    assert len(SELECTABLE) == len(set(SELECTABLE))
    for name in SELECTABLE:
        assert f"## `{name}`" in DOC
