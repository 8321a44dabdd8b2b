"""Save PNG pictures of windows and widgets, for people to look at what the app shows."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtWidgets import QApplication, QWidget


def save_screenshot(widget: QWidget, path: str | Path) -> Path:
    """Render `widget` (a window or any widget) into a PNG file and return its path.

    Works on the offscreen platform as well as on a real or virtual (Xvfb) screen: the
    widget paints itself into the picture, so nothing on top of it can spoil it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance()
    if app is not None:
        app.processEvents()
    pixmap = widget.grab()
    if pixmap.isNull() or not pixmap.save(str(path), "PNG"):
        raise OSError(f"could not save a screenshot to {path}")
    return path
