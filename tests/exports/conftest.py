"""Fixtures of the export tests: the demo organization's pack data, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from exports.pack_data import PackData, build_pack_data


@pytest.fixture(scope="session")
def demo_pack(demo_snapshot_path: Path) -> PackData:
    """Everything the pack needs for the demo snapshot (no workpaper)."""
    return build_pack_data(demo_snapshot_path)
