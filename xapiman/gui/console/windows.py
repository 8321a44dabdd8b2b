"""Consoles in their own windows: undocked from the tab, several at once, full screen.

A window is kept per (connection, object); the object's Console tab shows a note with a
button to bring the console back while its window is open. Closing the window ends the
console.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PyQt6.QtWidgets import QVBoxLayout, QWidget

from xapiman.gui.console.panel import ConsolePanel
from xapiman.i18n import translate

Key = tuple[str, str]
_OPEN: dict[Key, ConsoleWindow] = {}


def window_of(conn_name: str, ref: str) -> ConsoleWindow | None:
    """The window holding this object's console, if it is undocked."""
    return _OPEN.get((conn_name, ref))


def open_windows() -> list[ConsoleWindow]:
    return list(_OPEN.values())


class ConsoleWindow(QWidget):
    """A top-level window around one ConsolePanel.

    Signals:
        dock_requested(panel): give the panel back to its tab (the window then closes).
    """

    dock_requested = pyqtSignal(object)

    def __init__(self, panel: ConsolePanel, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("consoleWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(translate("Console", "{name} - Console").format(name=title))
        self.panel = panel
        self.key: Key = (panel.conn_name, panel.ref)
        self._docking = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(panel)
        panel.undock_button.setText(translate("Console", "Dock"))
        panel.undock_requested.connect(self._dock)
        panel.fullscreen_requested.connect(self.toggle_full_screen)
        leave = QShortcut(QKeySequence("Ctrl+Alt+Return"), self)
        leave.activated.connect(self.toggle_full_screen)
        _OPEN[self.key] = self
        fb = panel.view.fb
        width, height = (fb.width, fb.height) if fb is not None else (1024, 768)
        self.resize(min(width + 8, 1600), min(height + 80, 1000))

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
            self.panel.full_button.setText(translate("Console", "Full Screen"))
        else:
            self.showFullScreen()
            self.panel.full_button.setText(translate("Console", "Exit Full Screen"))

    def take_panel(self) -> ConsolePanel:
        """Hand the panel back (its console stays open) and close the window."""
        panel = self.panel
        panel.undock_requested.disconnect(self._dock)
        panel.fullscreen_requested.disconnect(self.toggle_full_screen)
        panel.undock_button.setText(translate("Console", "Undock"))
        panel.full_button.setText(translate("Console", "Full Screen"))
        panel.setParent(None)
        self._docking = True
        self.close()
        return panel

    def _dock(self) -> None:
        if not self.receivers(self.dock_requested):
            # no Console tab shows this object now: select it, which builds its tab
            self.panel.context.select(*self.key)
        if self.receivers(self.dock_requested):
            self.dock_requested.emit(self.panel)

    def closeEvent(self, event: QCloseEvent | None) -> None:  # noqa: N802 - Qt override
        if _OPEN.get(self.key) is self:
            del _OPEN[self.key]
        if not self._docking:
            self.panel.close_console()
        super().closeEvent(event)
