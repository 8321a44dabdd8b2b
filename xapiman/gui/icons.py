"""Icons of the resource tree, drawn with QPainter (pool, host, VM by power state, SR, ...)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

STATE_COLOURS = {
    "Running": QColor("#2e9d4a"),
    "Halted": QColor("#c0392b"),
    "Suspended": QColor("#8e6cc0"),
    "Paused": QColor("#d39b16"),
}
SIZES = (16, 24, 32, 48)


def _pixmap(size: int) -> tuple[QPixmap, QPainter]:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 16.0, size / 16.0)
    return pm, p


def _badge(p: QPainter, colour: QColor, shape: str = "dot") -> None:
    """A small state mark in the bottom-right corner."""
    p.setPen(QPen(QColor("white"), 0.8))
    p.setBrush(QBrush(colour))
    if shape == "pause":
        p.drawRoundedRect(QRectF(9.5, 9.5, 6, 6), 1, 1)
        p.setPen(QPen(QColor("white"), 1.1))
        p.drawLine(QPointF(11.6, 11), QPointF(11.6, 14))
        p.drawLine(QPointF(13.4, 11), QPointF(13.4, 14))
    elif shape == "moon":
        p.drawEllipse(QRectF(9.5, 9.5, 6, 6))
        p.setBrush(QBrush(QColor("white")))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(QRectF(11.5, 10, 4, 4))
    else:
        p.drawEllipse(QRectF(9.5, 9.5, 6, 6))


def _draw_monitor(p: QPainter, fill: QColor) -> None:
    p.setPen(QPen(QColor("#34495e"), 1))
    p.setBrush(QBrush(fill))
    p.drawRoundedRect(QRectF(1.5, 2.5, 12, 9), 1.2, 1.2)
    p.drawLine(QPointF(7.5, 11.5), QPointF(7.5, 13.5))
    p.drawLine(QPointF(4.5, 13.8), QPointF(10.5, 13.8))


def _draw_server(p: QPainter, fill: QColor) -> None:
    p.setPen(QPen(QColor("#2c3e50"), 1))
    p.setBrush(QBrush(fill))
    for y in (2.0, 6.5, 11.0):
        p.drawRoundedRect(QRectF(1.5, y, 13, 3.5), 0.8, 0.8)
        p.fillRect(QRectF(11, y + 1.2, 1.5, 1.2), QColor("#27ae60"))


def _draw_disks(p: QPainter, fill: QColor) -> None:
    p.setPen(QPen(QColor("#34495e"), 1))
    p.setBrush(QBrush(fill))
    for y in (9.0, 5.5, 2.0):
        path = QPainterPath()
        path.addEllipse(QRectF(2, y, 12, 4))
        p.drawRect(QRectF(2, y + 2, 12, 3))
        p.drawPath(path)


def _draw_network(p: QPainter) -> None:
    p.setPen(QPen(QColor("#1f5f8b"), 1.3))
    p.setBrush(QBrush(QColor("#5dade2")))
    p.drawLine(QPointF(8, 4), QPointF(8, 12))
    p.drawLine(QPointF(3, 12), QPointF(13, 12))
    p.drawLine(QPointF(3, 12), QPointF(3, 14))
    p.drawLine(QPointF(13, 12), QPointF(13, 14))
    p.drawRect(QRectF(5, 1.5, 6, 4))


def _draw_folder(p: QPainter) -> None:
    p.setPen(QPen(QColor("#9a7d0a"), 1))
    p.setBrush(QBrush(QColor("#f4d03f")))
    path = QPainterPath()
    path.moveTo(1.5, 4)
    path.lineTo(6, 4)
    path.lineTo(7.5, 5.5)
    path.lineTo(14.5, 5.5)
    path.lineTo(14.5, 13.5)
    path.lineTo(1.5, 13.5)
    path.closeSubpath()
    p.drawPath(path)


def _draw_tag(p: QPainter) -> None:
    p.setPen(QPen(QColor("#7d3c98"), 1))
    p.setBrush(QBrush(QColor("#d2b4de")))
    path = QPainterPath()
    path.moveTo(2, 2)
    path.lineTo(8.5, 2)
    path.lineTo(14.5, 8)
    path.lineTo(8.5, 14)
    path.lineTo(2, 7.5)
    path.closeSubpath()
    p.drawPath(path)
    p.setBrush(QBrush(QColor("white")))
    p.drawEllipse(QRectF(4, 4, 2.5, 2.5))


def _draw_pool(p: QPainter) -> None:
    p.setPen(QPen(QColor("#2c3e50"), 0.9))
    for dx, dy in ((0.5, 5.5), (5, 1.5), (9.5, 5.5)):
        p.setBrush(QBrush(QColor("#95a5a6")))
        p.drawRoundedRect(QRectF(dx, dy, 6, 9), 0.8, 0.8)
        p.fillRect(QRectF(dx + 1.2, dy + 1.5, 3.6, 0.9), QColor("#27ae60"))


def _render(kind: str, state: str, size: int) -> QPixmap:
    pm, p = _pixmap(size)
    try:
        if kind == "pool":
            _draw_pool(p)
        elif kind == "host":
            _draw_server(p, QColor("#bdc3c7") if state != "offline" else QColor("#7f8c8d"))
            if state == "disabled":
                _badge(p, QColor("#d39b16"))
            elif state == "offline":
                _badge(p, QColor("#c0392b"))
        elif kind in ("vm", "template", "snapshot"):
            fill = {"vm": QColor("#d6eaf8"), "template": QColor("#fdebd0"),
                    "snapshot": QColor("#e8daef")}[kind]
            _draw_monitor(p, fill)
            if kind == "vm":
                shape = {"Paused": "pause", "Suspended": "moon"}.get(state, "dot")
                _badge(p, STATE_COLOURS.get(state, QColor("#7f8c8d")), shape)
            elif kind == "snapshot":
                _badge(p, QColor("#8e44ad") if state == "Suspended" else QColor("#5d6d7e"))
        elif kind == "sr":
            _draw_disks(p, QColor("#aed6f1") if state == "shared" else QColor("#d5dbdb"))
            if state == "broken":
                _badge(p, QColor("#c0392b"))
        elif kind == "network":
            _draw_network(p)
        elif kind == "folder":
            _draw_folder(p)
        elif kind == "tag":
            _draw_tag(p)
        elif kind == "connecting":
            _draw_pool(p)
            _badge(p, QColor("#d39b16"))
        elif kind == "failed":
            _draw_pool(p)
            _badge(p, QColor("#c0392b"))
    finally:
        p.end()
    return pm


@cache
def icon(kind: str, state: str = "") -> QIcon:
    """The icon of an object kind (pool, host, vm, template, snapshot, sr, network, folder,
    tag, connecting, failed) in a state (VM power state; host disabled/offline; SR shared)."""
    result = QIcon()
    for size in SIZES:
        result.addPixmap(_render(kind, state, size))
    return result


def _draw_action(p: QPainter, name: str) -> None:
    green, red, blue, grey = QColor("#2e9d4a"), QColor("#c0392b"), QColor("#2e6da4"), QColor("#5d6d7e")
    if name in ("start", "resume", "unpause"):
        path = QPainterPath()
        path.moveTo(4, 2.5)
        path.lineTo(13.5, 8)
        path.lineTo(4, 13.5)
        path.closeSubpath()
        p.setPen(QPen(green.darker(130), 0.8))
        p.setBrush(QBrush(green))
        p.drawPath(path)
    elif name in ("shutdown", "force-shutdown"):
        colour = red if name == "force-shutdown" else QColor("#d35400")
        p.setPen(QPen(colour.darker(130), 1.6))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawArc(QRectF(2.5, 3, 11, 11), 120 * 16, 300 * 16)
        p.drawLine(QPointF(8, 1.5), QPointF(8, 8))
    elif name in ("reboot", "force-reboot"):
        colour = red if name == "force-reboot" else blue
        p.setPen(QPen(colour, 1.6))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawArc(QRectF(2.5, 2.5, 11, 11), 30 * 16, 290 * 16)
        p.setBrush(QBrush(colour))
        arrow = QPainterPath()
        arrow.moveTo(13.5, 1.5)
        arrow.lineTo(13.8, 6.8)
        arrow.lineTo(9, 5.2)
        arrow.closeSubpath()
        p.drawPath(arrow)
    elif name in ("suspend", "suspend-resume"):
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(QColor("#8e6cc0")))
        p.drawEllipse(QRectF(2.5, 2.5, 11, 11))
        p.setBrush(QBrush(QColor("white")))
        p.drawEllipse(QRectF(6, 1.5, 9, 9))
    elif name == "pause":
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(QColor("#d39b16")))
        p.drawRect(QRectF(4, 3, 3, 10))
        p.drawRect(QRectF(9, 3, 3, 10))
    elif name == "snapshot":
        p.setPen(QPen(grey.darker(150), 0.9))
        p.setBrush(QBrush(grey))
        p.drawRoundedRect(QRectF(1.5, 4.5, 13, 9), 1.5, 1.5)
        p.drawRect(QRectF(5.5, 2.5, 5, 2))
        p.setBrush(QBrush(QColor("#d6eaf8")))
        p.drawEllipse(QRectF(5, 6, 6, 6))
    elif name == "new-vm":
        _draw_monitor(p, QColor("#d6eaf8"))
        p.setPen(QPen(QColor("white"), 0.8))
        p.setBrush(QBrush(green))
        p.drawEllipse(QRectF(8.5, 7.5, 7.5, 7.5))
        p.setPen(QPen(QColor("white"), 1.4))
        p.drawLine(QPointF(12.25, 9.2), QPointF(12.25, 13.3))
        p.drawLine(QPointF(10.2, 11.25), QPointF(14.3, 11.25))
    elif name in ("export", "import"):
        p.setPen(QPen(grey.darker(130), 1.2))
        p.setBrush(Qt.BrushStyle.NoBrush)
        tray = QPainterPath()
        tray.moveTo(2, 9.5)
        tray.lineTo(2, 14)
        tray.lineTo(14, 14)
        tray.lineTo(14, 9.5)
        p.drawPath(tray)
        p.setPen(QPen(blue, 1.8))
        p.drawLine(QPointF(8, 2.5 if name == "import" else 4.5),
                   QPointF(8, 9 if name == "import" else 11.5))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(blue))
        head = QPainterPath()
        if name == "import":
            head.moveTo(8, 12.5)
            head.lineTo(4.5, 8)
            head.lineTo(11.5, 8)
        else:
            head.moveTo(8, 1.5)
            head.lineTo(4.5, 6)
            head.lineTo(11.5, 6)
        head.closeSubpath()
        p.drawPath(head)
    elif name == "migrate":
        p.setPen(QPen(blue, 1.8))
        p.drawLine(QPointF(2, 8), QPointF(12, 8))
        p.setBrush(QBrush(blue))
        head = QPainterPath()
        head.moveTo(14.5, 8)
        head.lineTo(9.5, 3.5)
        head.lineTo(9.5, 12.5)
        head.closeSubpath()
        p.drawPath(head)


@cache
def action_icon(name: str) -> QIcon:
    """The toolbar icon of an action (start, shutdown, reboot, suspend, snapshot, migrate ...);
    an empty icon for names without a picture."""
    result = QIcon()
    for size in SIZES:
        pm, p = _pixmap(size)
        try:
            _draw_action(p, name)
        finally:
            p.end()
        result.addPixmap(pm)
    return result


APP_ICON = Path(__file__).resolve().parent.parent / "resources" / "icons" / "xapiman.svg"


@cache
def app_icon() -> QIcon:
    """The application's icon (the desktop's installed one by name, else the packaged SVG)."""
    themed = QIcon.fromTheme("xapiman")
    return themed if not themed.isNull() else QIcon(str(APP_ICON))
