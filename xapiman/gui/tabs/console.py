"""The Console tab of VMs and hosts: the live console, or where it went (its own window)."""

from __future__ import annotations

from PyQt6.QtCore import QEvent
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from xapiman.gui.console.panel import ConsolePanel
from xapiman.gui.console.windows import ConsoleWindow, window_of
from xapiman.gui.tabs.base import TabContext, TabPage, page
from xapiman.i18n import translate
from xapiman.xapi.cache import ObjectCache
from xapiman.xapi.cachestate import CacheChange

_WATCHED = ("vm", "console", "host", "host_metrics")


class _ConsolePage(TabPage):
    title = "Console"

    def __init__(self, context: TabContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.panel: ConsolePanel | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)
        self.away = QWidget()
        away_box = QVBoxLayout(self.away)
        away_box.addStretch(1)
        self.away_label = QLabel(translate("Console", "This console is open in its own "
                                           "window."))
        self.away_label.setObjectName("consoleAway")
        away_box.addWidget(self.away_label)
        row = QHBoxLayout()
        self.bring_back = QPushButton(translate("Console", "Bring It Back"))
        self.bring_back.setObjectName("consoleBringBack")
        self.bring_back.clicked.connect(self._bring_back)
        row.addWidget(self.bring_back)
        row.addStretch(1)
        away_box.addLayout(row)
        away_box.addStretch(2)
        self.stack.addWidget(self.away)

    def show_object(self, conn_name: str, cache: ObjectCache, kind: str, ref: str) -> None:
        if (conn_name, ref) != (self.conn_name, self.ref):
            self._drop_panel()
            window = window_of(conn_name, ref)
            if window is not None:
                window.dock_requested.connect(self._dock)
                self.stack.setCurrentWidget(self.away)
            else:
                self._adopt(ConsolePanel(self.context, conn_name, ref))
        super().show_object(conn_name, cache, kind, ref)

    def concerned(self, change: CacheChange) -> bool:
        return change.resync or any(change.touched(cls) for cls in _WATCHED)

    def refresh(self) -> None:
        if self.panel is not None:
            self.panel.follow()

    def _adopt(self, panel: ConsolePanel) -> None:
        self.panel = panel
        panel.undock_requested.connect(self._undock)
        panel.fullscreen_requested.connect(self._full_screen)
        self.stack.addWidget(panel)
        self.stack.setCurrentWidget(panel)

    def _drop_panel(self) -> None:
        panel, self.panel = self.panel, None
        if panel is not None:
            panel.close_console()
            self.stack.removeWidget(panel)
            panel.deleteLater()

    def _undock(self) -> ConsoleWindow | None:
        panel, self.panel = self.panel, None
        if panel is None:
            return None
        panel.undock_requested.disconnect(self._undock)
        panel.fullscreen_requested.disconnect(self._full_screen)
        self.stack.removeWidget(panel)
        record = self.record() or {}
        window = ConsoleWindow(panel, record.get("name_label", ""), self.window())
        window.dock_requested.connect(self._dock)
        self.stack.setCurrentWidget(self.away)
        window.show()
        return window

    def _full_screen(self) -> None:
        window = self._undock()
        if window is not None:
            window.toggle_full_screen()

    def _dock(self, panel: ConsolePanel) -> None:
        window = window_of(panel.conn_name, panel.ref)
        if window is None or (panel.conn_name, panel.ref) != (self.conn_name, self.ref):
            return
        panel = window.take_panel()
        self._adopt(panel)
        panel.follow()

    def _bring_back(self) -> None:
        window = window_of(self.conn_name, self.ref)
        if window is not None:
            self._dock(window.panel)

    def changeEvent(self, event: QEvent | None) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event is not None and event.type() == QEvent.Type.ParentChange and \
                self.parent() is None:
            self._drop_panel()  # the window let go of this page: its console ends


@page
class VmConsolePage(_ConsolePage):
    kinds = frozenset({"vm"})
    order = 40


@page
class HostConsolePage(_ConsolePage):
    kinds = frozenset({"host"})
    order = 45
