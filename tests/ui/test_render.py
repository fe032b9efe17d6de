"""ui/render on the demo organization: the bundle's images are drawn offscreen (PNG, sized, not blank),
the OU tree rows follow the organization and its failed results, filters and caps are honoured and
said, and a pack without a trust graph or exposure analysis says what is not drawn."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage

from exports.bundle_content import exposed_resources
from exports.errors import ExportCancelled
from exports.options import ExportOptions
from exports.pack_data import PackData, build_pack_data
from exports.sheets.results_scope import scoped_results
from ui.render import ou_tree
from ui.render.drawing import Page, RenderError, ensure_gui_application, font
from ui.render.exposure import entry_words
from ui.render.images import render_bundle_images
from ui.render.ou_tree import tree_rows

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def pack(demo_snapshot_path: Path) -> PackData:
    return build_pack_data(demo_snapshot_path)


def _image(data: bytes) -> QImage:
    image = QImage()
    assert image.loadFromData(data, "PNG")
    return image


def _ink(image: QImage, step: int = 7) -> int:
    """Pixels (on a grid) that are not white: a blank image has none."""
    white = QColor("white").rgb()
    return sum(
        1
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
        if image.pixel(x, y) != white
    )


def test_every_image_of_the_demo(qapp: Any, pack: PackData) -> None:
    exposed = exposed_resources(pack, ExportOptions())
    rendered = render_bundle_images(pack, ExportOptions())
    names = [i.name for i in rendered.images]
    assert names[:2] == ["ou-tree.png", "trust-overview.png"]
    assert names[2:] == [
        f"exposure-{i:03d}-{r.account_id}-{r.network_interface_id}.png"
        for i, r in enumerate(exposed, start=1)
    ]
    assert len(exposed) == len({e.network_interface_arn for e in pack.exposure.exposures})  # type: ignore[union-attr]
    assert rendered.notes == ()
    for image in rendered.images:
        assert image.data.startswith(PNG), image.name
        qimage = _image(image.data)
        assert qimage.width() == 3000 and 300 < qimage.height() < 16000, image.name
        assert round(qimage.dotsPerMeterX() * 0.0254) == 192
        assert _ink(qimage) > 500, image.name
    assert [i.title for i in rendered.images][2].startswith("Internet exposure of ")


def test_tree_rows_follow_the_organization(pack: PackData) -> None:
    org = pack.inventory.organization
    rows = tree_rows(pack, ExportOptions())
    assert rows[0].kind == "root" and rows[0].depth == 0
    assert {r.id for r in rows if r.kind == "account"} == set(org.accounts)
    assert {r.id for r in rows if r.kind == "ou"} == set(org.ous)
    for row in rows:  # every node sits one level under the OU it belongs to
        if row.kind == "account" and org.accounts[row.id].parent_id:
            assert row.depth == len(org.path_to(row.id))
            assert row.above == tuple(u.name or u.id for u in org.path_to(row.id))  # "continued, inside ..."
    failed: dict[str, Counter[str]] = {}
    for s in scoped_results(pack, ExportOptions()):
        if s.judgement.status == "FAIL" and s.control is not None:
            failed.setdefault(s.result.account_id, Counter())[s.control.severity] += 1
    for row in rows:
        if row.kind == "account":
            assert dict(row.failed) == dict(failed.get(row.id, Counter())), row.name
    management = next(r for r in rows if r.id == org.management_account_id)
    assert "management account" in management.note
    assert any("suspended" in r.note for r in rows)
    assert any(r.policies.startswith("SCP: ") for r in rows)


def test_filters_reach_the_images(qapp: Any, pack: PackData) -> None:
    account = pack.exposure.exposures[0].account_id  # type: ignore[union-attr]
    options = ExportOptions(accounts=frozenset({account}))
    rows = tree_rows(pack, options)
    assert [r.id for r in rows if r.kind == "account"] == [account]
    assert {r.id for r in rows if r.kind != "account"} == {
        u.id for u in pack.inventory.organization.path_to(account)
    }
    rendered = render_bundle_images(pack, options)
    exposures = [i for i in rendered.images if i.name.startswith("exposure-")]
    assert exposures and all(f"-{account}-" in i.name for i in exposures)
    assert "trust-overview.png" in [i.name for i in rendered.images]


def test_caps_are_said(qapp: Any, pack: PackData, monkeypatch: pytest.MonkeyPatch) -> None:
    total = len(exposed_resources(pack, ExportOptions()))
    rendered = render_bundle_images(pack, ExportOptions(), limit=1)
    assert [i.name for i in rendered.images if i.name.startswith("exposure-")] == [rendered.images[2].name]
    assert any(f"1 of {total} exposed resources drawn" in n for n in rendered.notes)
    monkeypatch.setattr(ou_tree, "ROWS_PER_PAGE", 5)
    rows = len(tree_rows(pack, ExportOptions()))
    pages = list(ou_tree.render_ou_tree(pack, ExportOptions()))
    assert len(pages) == math.ceil(rows / 5) > 1
    assert [p[0] for p in pages] == [f"ou-tree-{n:02d}.png" for n in range(1, len(pages) + 1)]
    assert pages[-1][2].endswith(f"(page {len(pages)} of {len(pages)})")
    monkeypatch.setattr(ou_tree, "MAX_PAGES", 2)
    assert len(list(ou_tree.render_ou_tree(pack, ExportOptions()))) == 2


def test_what_is_not_drawn_is_said(qapp: Any, pack: PackData) -> None:
    bare = dataclasses.replace(pack, trust_graph=None, exposure=None)
    rendered = render_bundle_images(bare, ExportOptions())
    assert [i.name for i in rendered.images] == ["ou-tree.png"]
    assert any("trust overview is not drawn" in n for n in rendered.notes)
    assert any("no exposure path is drawn" in n for n in rendered.notes)
    with pytest.raises(ExportCancelled):
        render_bundle_images(pack, ExportOptions(), cancelled=lambda: True)


def test_an_image_that_cannot_be_drawn_is_said(
    qapp: Any, pack: PackData, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.render.images

    def too_large(*args: Any, **kwargs: Any) -> Any:
        raise RenderError("an image of 3000x40000 pixels is too large to draw")

    monkeypatch.setattr(ui.render.images, "render_exposure", too_large)
    rendered = render_bundle_images(pack, ExportOptions())
    assert [i.name for i in rendered.images] == ["ou-tree.png", "trust-overview.png"]
    failed = [n for n in rendered.notes if "could not be drawn: an image of 3000x40000" in n]
    assert len(failed) == len(exposed_resources(pack, ExportOptions()))


def test_entry_words_and_limits(qapp: Any, pack: PackData) -> None:
    by_via = {e.via: e for e in pack.exposure.exposures}  # type: ignore[union-attr]
    assert entry_words(by_via["direct"]).startswith("on tcp/") and "public IP" in entry_words(
        by_via["direct"]
    )
    lb = entry_words(by_via["load_balancer"])
    assert "load balancer" in lb and "(listener tcp/80)" in lb
    page = Page(1000)
    page.text(0, 20_000, "far down", font(12))
    with pytest.raises(RenderError, match="too large"):
        page.png()
    assert ensure_gui_application() is qapp
