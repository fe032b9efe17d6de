"""A page drawn with QPainter on a QImage, laid out first and painted once its height is known.

The bundle's images are made without showing a window (an offscreen ``QGuiApplication`` is enough:
``ensure_gui_application``). A renderer measures text with the page's fonts, appends paint
operations top to bottom, and ``png`` paints them onto an image ``scale`` times the layout size
(sharp when printed: the PNG says 144 dpi at the default scale 2).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QGuiApplication, QImage, QPainter, QPen
from PySide6.QtWidgets import QApplication

FONT_FAMILIES = ["DejaVu Sans", "Segoe UI", "Helvetica Neue", "Arial", "sans-serif"]
TEXT = "#212121"
MUTED = "#616161"
RULE = "#bdbdbd"
MAX_SIDE = 16_000  # pixels: larger images are split or scaled by their renderers

Op = Callable[[QPainter], None]


class RenderError(Exception):
    """An image cannot be made (no GUI application possible, an image too large): the message says why."""


def ensure_gui_application() -> QCoreApplication:
    """The running Qt application, or a new offscreen ``QApplication`` when there is none.

    ``QT_QPA_PLATFORM`` is set to ``offscreen`` first unless the user chose a platform: the command
    line has no display. A ``QApplication`` (not a bare ``QGuiApplication``, though drawing needs no
    more): Qt allows one application object per process, and a widget created later in the same
    process (the GUI, a test) aborts the process under a bare ``QGuiApplication``. Keep the returned
    object alive while rendering.
    """
    app = QCoreApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["aws-org-audit-workbench"])
    if not isinstance(app, QGuiApplication):
        raise RenderError("images need a Qt GUI application, and a non-GUI one is already running")
    return app


def font(pixels: float, *, bold: bool = False, mono: bool = False) -> QFont:
    f = QFont()
    f.setFamilies(["DejaVu Sans Mono", "Consolas", "Menlo", "monospace"] if mono else FONT_FAMILIES)
    f.setPixelSize(max(1, round(pixels)))
    f.setBold(bold)
    return f


def text_width(text: str, f: QFont) -> float:
    return QFontMetricsF(f).horizontalAdvance(text)


def line_height(f: QFont) -> float:
    return QFontMetricsF(f).height()


def elided(text: str, f: QFont, width: float, *, middle: bool = False) -> str:
    """``text`` cut to ``width`` with an ellipsis at the end (``middle``: in the middle, for ids)."""
    mode = Qt.TextElideMode.ElideMiddle if middle else Qt.TextElideMode.ElideRight
    return QFontMetricsF(f).elidedText(text, mode, max(width, 1.0))


def wrap(text: str, f: QFont, width: float, *, max_lines: int = 0) -> list[str]:
    """``text`` in lines no wider than ``width``, broken at spaces, long words (ARNs) at any character;
    with ``max_lines``, the last line kept ends in an ellipsis."""
    fm = QFontMetricsF(f)
    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if fm.horizontalAdvance(candidate) <= width:
                line = candidate
                continue
            if line:
                out.append(line)
            line = ""
            while fm.horizontalAdvance(word) > width and len(word) > 1:
                cut = len(word)
                while cut > 1 and fm.horizontalAdvance(word[:cut]) > width:
                    cut -= 1
                out.append(word[:cut])
                word = word[cut:]
            line = word
        out.append(line)
    if max_lines and len(out) > max_lines:
        rest = " ".join(out[max_lines - 1 :])  # wider than the line: elided, it ends in "…"
        out = [*out[: max_lines - 1], fm.elidedText(rest, Qt.TextElideMode.ElideRight, width)]
    return out


@dataclass(frozen=True)
class Chip:
    text: str
    background: str
    colour: str
    bold: bool = False


class Page:
    """Paint operations laid out top to bottom on a page ``width`` layout pixels wide."""

    def __init__(self, width: int, *, margin: int = 28) -> None:
        self.width = width
        self.margin = margin
        self.y = float(margin)  # where the next block goes
        self._ops: list[Op] = []
        self._bottom = float(margin)

    @property
    def inner(self) -> float:
        return self.width - 2 * self.margin

    def add(self, op: Op, bottom: float) -> None:
        self._ops.append(op)
        self._bottom = max(self._bottom, bottom)

    # -- primitives (each returns what it took) ---------------------------------------------------

    def text(
        self,
        x: float,
        y: float,
        text: str,
        f: QFont,
        *,
        colour: str = TEXT,
        width: float | None = None,
        align_right: bool = False,
    ) -> float:
        """One line at ``(x, y)`` (its top), elided to ``width``; returns its height."""
        shown = elided(text, f, width) if width is not None else text
        h = line_height(f)
        w = width if width is not None else text_width(shown, f) + 2

        def op(p: QPainter) -> None:
            p.setFont(f)
            p.setPen(QColor(colour))
            flags = Qt.AlignmentFlag.AlignVCenter | (
                Qt.AlignmentFlag.AlignRight if align_right else Qt.AlignmentFlag.AlignLeft
            )
            p.drawText(QRectF(x, y, w, h), int(flags), shown)

        self.add(op, y + h)
        return h

    def centred(self, r: QRectF, text: str, f: QFont, *, colour: str = TEXT) -> None:
        """``text`` centred in ``r`` (a number in a circle)."""

        def op(p: QPainter) -> None:
            p.setFont(f)
            p.setPen(QColor(colour))
            p.drawText(r, int(Qt.AlignmentFlag.AlignCenter), text)

        self.add(op, r.bottom())

    def lines(self, x: float, y: float, lines: list[str], f: QFont, *, colour: str = TEXT) -> float:
        h = line_height(f)
        for i, line in enumerate(lines):
            self.text(x, y + i * h, line, f, colour=colour)
        return h * len(lines)

    def paragraph(
        self, x: float, y: float, text: str, f: QFont, width: float, *, colour: str = TEXT, max_lines: int = 0
    ) -> float:
        return self.lines(x, y, wrap(text, f, width, max_lines=max_lines), f, colour=colour)

    def chip(self, x: float, y: float, chip: Chip, f: QFont, *, pad: float = 5) -> float:
        """A rounded label; returns its width."""
        face = QFont(f)
        face.setBold(chip.bold)
        w = text_width(chip.text, face) + 2 * pad
        h = line_height(face) + 2

        def op(p: QPainter) -> None:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(chip.background))
            p.drawRoundedRect(QRectF(x, y, w, h), 4, 4)
            p.setFont(face)
            p.setPen(QColor(chip.colour))
            p.drawText(QRectF(x, y, w, h), int(Qt.AlignmentFlag.AlignCenter), chip.text)

        self.add(op, y + h)
        return w

    def rect(
        self,
        r: QRectF,
        *,
        fill: str | None = None,
        border: str | None = None,
        width: float = 1.0,
        radius: float = 0.0,
    ) -> None:
        def op(p: QPainter) -> None:
            p.setPen(QPen(QColor(border), width) if border else Qt.PenStyle.NoPen)
            p.setBrush(QColor(fill) if fill else Qt.BrushStyle.NoBrush)
            if radius:
                p.drawRoundedRect(r, radius, radius)
            else:
                p.drawRect(r)

        self.add(op, r.bottom())

    def line(self, a: QPointF, b: QPointF, *, colour: str = RULE, width: float = 1.0) -> None:
        def op(p: QPainter) -> None:
            p.setPen(QPen(QColor(colour), width))
            p.drawLine(a, b)

        self.add(op, max(a.y(), b.y()))

    def ellipse(self, centre: QPointF, radius: float, *, fill: str, border: str | None = None) -> None:
        def op(p: QPainter) -> None:
            p.setPen(QPen(QColor(border), 1.5) if border else Qt.PenStyle.NoPen)
            p.setBrush(QColor(fill))
            p.drawEllipse(centre, radius, radius)

        self.add(op, centre.y() + radius)

    def rule(self, y: float) -> None:
        self.line(QPointF(self.margin, y), QPointF(self.width - self.margin, y))

    # -- output -----------------------------------------------------------------------------------

    @property
    def height(self) -> int:
        return int(self._bottom + self.margin)

    def png(self, *, scale: float = 2.0) -> bytes:
        w, h = round(self.width * scale), round(self.height * scale)
        if w > MAX_SIDE or h > MAX_SIDE:
            raise RenderError(f"an image of {w}x{h} pixels is too large to draw")
        image = QImage(w, h, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        dots_per_metre = round(96 * scale / 0.0254)
        image.setDotsPerMeterX(dots_per_metre)
        image.setDotsPerMeterY(dots_per_metre)
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            painter.scale(scale, scale)
            for op in self._ops:
                op(painter)
        finally:
            painter.end()
        return png_bytes(image)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # (the stubs want bytes; PySide6 a str)
        raise RenderError("the image could not be encoded as PNG")
    buffer.close()
    return bytes(data.data())
