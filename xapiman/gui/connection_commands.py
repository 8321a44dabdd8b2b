"""The commands about connections themselves (not about objects in a pool): add a server,
connect, log in again with another password, disconnect, remove; for the selected pools or
all of them. Each is enabled from the selected rows' connection states."""

from __future__ import annotations

import asyncio

from PyQt6.QtCore import QObject
from PyQt6.QtGui import QAction, QKeySequence

from xapiman.gui.icons import icon
from xapiman.gui.selection import selected_keys
from xapiman.i18n import translate

CONNECTED_STATES = ("connected", "connecting", "reconnecting")


class ConnectionCommands(QObject):
    """QActions on the connections of the selected rows (the window's tree).

    Attributes:
        add_server, connect_selected, enter_password, disconnect_selected, remove,
        connect_all, disconnect_all.
    """

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self._running: set[asyncio.Future] = set()
        self.add_server = self._make("add_server", translate("Menu", "&Add Server…"),
                                     window.flow.add_server, icon_name="pool")
        self.add_server.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.connect_selected = self._make("connect", translate("Menu", "&Connect"), self._connect)
        self.enter_password = self._make("enter_password",
                                         translate("Menu", "Connect with Another &Password…"),
                                         self._enter_password)
        self.disconnect_selected = self._make("disconnect", translate("Menu", "&Disconnect"),
                                     lambda: self._each(window.flow.disconnect))
        self.remove = self._make("remove", translate("Menu", "Re&move from xapiman…"),
                                 lambda: self._each(window.flow.remove))
        self.connect_all = self._make("connect_all", translate("Menu", "Connect A&ll"),
                                      window.reconnect_all)
        self.disconnect_all = self._make("disconnect_all", translate("Menu", "Disconnect All"),
                                         self._disconnect_all)
        self.refresh()

    def _make(self, key: str, text: str, slot, icon_name: str = "") -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(f"action:{key}")
        if icon_name:
            action.setIcon(icon(icon_name))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    # -- what is selected -------------------------------------------------------------------

    def selected(self) -> list[str]:
        """The connection names of the selected rows, in order, once each."""
        names: list[str] = []
        for key in selected_keys(self.window.tree):
            if key[0] not in names:
                names.append(key[0])
        return names

    def state(self, name: str) -> str:
        entry = self.window.model.entry(name)
        return entry.state if entry is not None else "disconnected"

    def refresh(self) -> None:
        """Enable each command for the selection; tooltips say why one is not."""
        names = self.selected()
        states = [self.state(n) for n in names]
        nothing = translate("Menu", "Select a server or pool first.")
        self._enable(self.connect_selected, any(s not in CONNECTED_STATES for s in states),
                     nothing if not names else translate("Menu", "Already connected."))
        self._enable(self.enter_password, bool(names) and all(
            self.window.flow.profile_of(n) is not None for n in names), nothing)
        self._enable(self.disconnect_selected, any(s in CONNECTED_STATES for s in states),
                     nothing if not names else translate("Menu", "Not connected."))
        self._enable(self.remove, bool(names), nothing)
        all_states = [self.state(n) for n in self.window.model.connection_ids()]
        self._enable(self.connect_all, any(s not in CONNECTED_STATES for s in all_states),
                     translate("Menu", "Every server is connected."))
        self._enable(self.disconnect_all, any(s in CONNECTED_STATES for s in all_states),
                     translate("Menu", "No server is connected."))

    @staticmethod
    def _enable(action: QAction, enabled: bool, reason: str) -> None:
        action.setEnabled(enabled)
        text = action.text().replace("&", "").rstrip("…")
        action.setToolTip(text if enabled else f"{text}: {reason}")

    # -- running ----------------------------------------------------------------------------

    def _each(self, fn) -> None:
        for name in self.selected():
            fn(name)

    def _keep(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    def _connect(self) -> None:
        window = self.window
        for name in self.selected():
            if self.state(name) in CONNECTED_STATES:
                continue
            if window.manager.get(name) is None:
                self._keep(window.flow.connect_saved(name, window.prompter))
            else:
                window.manager.connect(name)

    def _enter_password(self) -> None:
        for name in self.selected()[:1]:
            self.ask_password(name)

    def ask_password(self, name: str) -> None:
        """Ask for another user and password for `name` and connect with them."""
        self._keep(self.window.flow.enter_password(name, self.window.prompter))

    def _disconnect_all(self) -> None:
        for name in self.window.model.connection_ids():
            if self.state(name) in CONNECTED_STATES:
                self.window.flow.disconnect(name)
