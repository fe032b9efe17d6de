"""Every image of the evidence bundle, rendered offscreen: the OU tree (one or more pages), the trust
overview, and one image per exposed resource (at most ``limit``, management ports first).

A plain function with a progress callback and a cancel flag, like the exports it feeds: the CLI
calls it after building the pack's data, the GUI from a worker. A ``QGuiApplication`` must exist
(``ensure_gui_application``); no widget is created or shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from exports.bundle import BundleImage
from exports.bundle_content import EXPOSURE_IMAGE_LIMIT, exposed_resources, exposure_image_note
from exports.errors import ExportCancelled
from ui.render.drawing import RenderError, ensure_gui_application
from ui.render.exposure import image_name, render_exposure
from ui.render.ou_tree import render_ou_tree
from ui.render.trust_overview import render_trust_overview

if TYPE_CHECKING:
    from exports.options import ExportOptions
    from exports.pack_data import PackData

__all__ = ["RenderError", "RenderedImages", "ensure_gui_application", "render_bundle_images"]

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, kw_only=True)
class RenderedImages:
    images: tuple[BundleImage, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)  # for the manifest: what was capped or not drawn


def render_bundle_images(
    data: PackData,
    options: ExportOptions,
    *,
    limit: int = EXPOSURE_IMAGE_LIMIT,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> RenderedImages:
    report = progress or (lambda done, total, message: None)
    is_cancelled = cancelled or (lambda: False)
    resources = exposed_resources(data, options)
    drawn = resources[: max(limit, 0)]
    total = 2 + len(drawn)
    images: list[BundleImage] = []
    notes: list[str] = []

    def check(done: int, message: str) -> None:
        report(done, total, message)
        if is_cancelled():
            raise ExportCancelled(f"cancelled while {message}")

    check(0, "drawing the OU tree")
    try:
        for name, png, title in render_ou_tree(data, options):
            images.append(BundleImage(name=name, data=png, title=title))
    except RenderError as exc:  # one image that cannot be drawn does not stop the bundle: it is said
        notes.append(f"the OU tree could not be drawn: {exc}")
    check(1, "drawing the trust overview")
    try:
        trust = render_trust_overview(data, options)
    except RenderError as exc:
        notes.append(f"the trust overview could not be drawn: {exc}")
    else:
        if trust is None:
            notes.append("no trust graph in the pack's data: the trust overview is not drawn")
        else:
            images.append(BundleImage(name=trust[0], data=trust[1], title=trust[2]))
    if data.exposure is None:
        notes.append("no internet exposure analysis in the pack's data: no exposure path is drawn")
    for i, resource in enumerate(drawn, start=1):
        check(1 + i, f"drawing exposure {i} of {len(drawn)}")
        try:
            png, title = render_exposure(data, resource)
        except RenderError as exc:
            notes.append(f"the exposure of {resource.label} could not be drawn: {exc}")
            continue
        images.append(BundleImage(name=image_name(i, resource), data=png, title=title))
    note = exposure_image_note(len(drawn), len(resources))
    if note:
        notes.append(note)
    report(total, total, f"{len(images)} image(s) drawn")
    return RenderedImages(images=tuple(images), notes=tuple(notes))
