"""The page of a pool that is not connected: its state, why, and the buttons that fix it
(connect, connect with another password, remove), instead of an empty window."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from xapiman.i18n import translate


def state_sentence(state: str, reason: str, attempt: int) -> str:
    if state == "connecting":
        return translate("Connection", "Connecting…")
    if state == "reconnecting":
        return translate("Connection", "The connection was lost; reconnecting (attempt "
                                       "{attempt})…").format(attempt=attempt)
    if state == "failed":
        if reason:
            return translate("Connection", "Could not connect: {reason}").format(reason=reason)
        return translate("Connection", "Could not connect.")
    return translate("Connection", "Not connected.")


class ConnectionStatusPage(QWidget):
    """What a pool's row shows while there is no pool to show."""

    def __init__(self, window, name: str) -> None:
        super().__init__()
        self.title = translate("Connection", "Connection")
        self.setObjectName("tab:Connection")
        self.main = window
        self.name = name
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 16, 16, 16)
        self.state_label = QLabel()
        self.state_label.setObjectName("connectionState")
        self.state_label.setWordWrap(True)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.state_label)
        self.address_label = QLabel()
        self.address_label.setObjectName("connectionAddress")
        self.address_label.setWordWrap(True)
        box.addWidget(self.address_label)
        row = QHBoxLayout()
        commands = window.connections
        self.buttons: dict[str, QToolButton] = {}
        for key, action in (("connect", commands.connect_selected),
                            ("enter_password", commands.enter_password),
                            ("remove", commands.remove)):
            button = QToolButton()
            button.setObjectName(f"button:{key}")
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            row.addWidget(button)
            self.buttons[key] = button
        row.addStretch(1)
        box.addLayout(row)
        box.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        entry = self.main.model.entry(self.name)
        state, reason, attempt = ((entry.state, entry.reason, entry.attempt)
                                  if entry is not None else ("disconnected", "", 0))
        self.state_label.setText(state_sentence(state, reason, attempt))
        profile = self.main.flow.profile_of(self.name)
        self.address_label.setText(
            translate("Connection", "{user} on {address}").format(
                user=profile.user, address=profile.address) if profile is not None else "")

    def cache_changed(self, change) -> None:
        """Pages follow the pool's batches; this one has no pool yet."""
