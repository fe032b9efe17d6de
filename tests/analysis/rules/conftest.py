"""The demo organization's Inventory, built once per session for the control tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def demo_inventory(demo_snapshot_path: Path) -> Any:
    from analysis.model.inventory import build_inventory
    from snapshot import Snapshot

    with Snapshot.open(demo_snapshot_path) as snap:
        return build_inventory(snap)
