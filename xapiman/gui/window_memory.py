"""The main window as the user left it: geometry, docks, splitter, tree view and its toggles,
the last selection; and a default size that fits the screen (1366x768 included)."""

from __future__ import annotations

import base64

from PyQt6.QtCore import QByteArray, QRect, QSize
from PyQt6.QtGui import QGuiApplication
from PyQt6.QtWidgets import QMainWindow, QSplitter

from xapiman.settings import Settings

GEOMETRY = "window.geometry"
STATE = "window.state"
SPLITTER = "window.splitter"
VIEW = "tree.view"
TOGGLES = "tree.toggles"
SELECTION = "tree.selection"

PREFERRED = QSize(1280, 760)


def default_size(room: QRect | None = None) -> QSize:
    """The preferred size, shrunk to leave the desktop's panels and the title bar room.

    `room`: the screen's available area (default: the primary screen's).
    """
    if room is None:
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            return PREFERRED
        room = screen.availableGeometry()
    width = min(PREFERRED.width(), room.width() - 40)
    height = min(PREFERRED.height(), room.height() - 60)
    return QSize(max(width, 640), max(height, 480))


def _encode(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _decode(text: object) -> QByteArray | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return QByteArray(base64.b64decode(text, validate=True))
    except ValueError:
        return None


class WindowMemory:
    """Restores a window's layout from the settings and saves it back.

    The window provides `splitter` (QSplitter), `view_key()` / `set_view(key)`, `toggles`
    (attribute -> checkable QAction).
    """

    def __init__(self, window: QMainWindow, splitter: QSplitter, settings: Settings, *,
                 enabled: bool = True) -> None:
        """`enabled` False: nothing is restored (the preferred size) and nothing saved."""
        self.window = window
        self.splitter = splitter
        self.settings = settings
        self.enabled = enabled

    def restore_layout(self) -> bool:
        """Geometry, docks and splitter as saved; False (default size) when nothing was."""
        if not self.enabled:
            self.window.resize(PREFERRED)
            return False
        geometry = _decode(self.settings.get(GEOMETRY, ""))
        restored = geometry is not None and self.window.restoreGeometry(geometry)
        if not restored:
            self.window.resize(default_size())
        state = _decode(self.settings.get(STATE, ""))
        if state is not None:
            self.window.restoreState(state)
        sizes = _decode(self.settings.get(SPLITTER, ""))
        if sizes is not None:
            self.splitter.restoreState(sizes)
        return restored

    def save_layout(self) -> None:
        if not self.enabled:
            return
        self.settings.set(GEOMETRY, _encode(self.window.saveGeometry()))
        self.settings.set(STATE, _encode(self.window.saveState()))
        self.settings.set(SPLITTER, _encode(self.splitter.saveState()))

    # -- the tree ---------------------------------------------------------------------------

    def view(self, default: str) -> str:
        return str(self.settings.get(VIEW, default)) if self.enabled else default

    def toggles(self) -> dict[str, bool]:
        if not self.enabled:
            return {}
        saved = self.settings.get(TOGGLES, {})
        return {str(k): bool(v) for k, v in saved.items()}

    def save_tree(self, view: str, toggles: dict[str, bool]) -> None:
        if not self.enabled:
            return
        self.settings.set(VIEW, view)
        self.settings.set(TOGGLES, toggles)

    def selection(self) -> tuple[str, str, str]:
        """(connection name, class, uuid) of the object selected last (no uuid: the pool's
        row)."""
        saved = self.settings.get(SELECTION, {}) if self.enabled else {}
        return (str(saved.get("conn", "")), str(saved.get("cls", "")),
                str(saved.get("uuid", "")))

    def save_selection(self, conn_name: str, cls: str, uuid: str) -> None:
        if not self.enabled:
            return
        self.settings.set(SELECTION, {"conn": conn_name, "cls": cls, "uuid": uuid})
