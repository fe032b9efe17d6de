"""docs/export.md stays true: every sheet and every column the code writes is described, and so are the
bundle's entries and the manifest's keys."""

from __future__ import annotations

import json
import re
from pathlib import Path

from exports import bundle
from exports.options import ALL_SHEETS
from exports.pack_data import PackData
from exports.sheets import SHEETS, matrix
from tests.exports.bundle_support import entries

DOC = (Path(__file__).resolve().parents[2] / "docs" / "export.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    match = re.search(rf"^### {re.escape(title)}\n(.*?)(?=^### |^## )", DOC, flags=re.M | re.S)
    assert match is not None, f"docs/export.md has no section for the {title} sheet"
    return match.group(1)


def test_every_sheet_and_column_is_described() -> None:
    assert list(SHEETS) == list(ALL_SHEETS)
    for title, module in SHEETS.items():
        text = _section(title)
        spec = getattr(module, "SHEET", None)
        columns = spec.columns if spec is not None else matrix.FIXED
        for column in columns:
            assert column.name in text, f"{title}: column {column.name!r} is not in docs/export.md"


def test_bundle_entries_and_manifest_keys_are_described(demo_pack: PackData, tmp_path: Path) -> None:
    for name in (bundle.WORKBOOK, bundle.ASSESSMENT, bundle.OCSF, bundle.EVIDENCE, bundle.WORKPAPER):
        assert f"`{name}`" in DOC, name
    path = bundle.write_bundle(
        demo_pack, tmp_path / "d.zip", options=bundle.ExportOptions(sheets=("Cover",))
    ).path
    manifest = json.loads(entries(path)[bundle.MANIFEST])
    for key, value in manifest.items():
        assert f'"{key}"' in DOC, key
        if isinstance(value, dict):
            for sub in value:
                assert f'"{sub}"' in DOC, f"{key}.{sub}"
