"""A notification strip that shows errors without blocking the window."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from xapiman.i18n import translate


class NotificationBar(QFrame):
    """The latest problem in one line, with its details on hover; hides itself after a while."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationBar")
        self.setStyleSheet("#notificationBar { background: #fdedec; border: 1px solid #e6b0aa;"
                           " border-radius: 4px; } QLabel { color: #78281f; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel()
        self.label.setObjectName("notificationText")
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.action_button = QPushButton()
        self.action_button.setObjectName("notificationAction")
        self.action_button.clicked.connect(self._act)
        self.action_button.hide()
        layout.addWidget(self.action_button)
        self._action: Callable[[], object] | None = None
        close = QPushButton(translate("Notification", "Dismiss"))
        close.setObjectName("notificationDismiss")
        close.clicked.connect(self.hide)
        layout.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_message(self, text: str, details: str = "", seconds: int = 20,
                     action: tuple[str, Callable[[], object]] | None = None) -> None:
        """Show `text`; `action` (label, callback): a button that fixes the problem (the
        message then stays until it is used or dismissed)."""
        self.label.setText(text)
        self.label.setToolTip(details or text)
        self._action = action[1] if action else None
        self.action_button.setVisible(action is not None)
        if action is not None:
            self.action_button.setText(action[0])
            self._timer.stop()
        else:
            self._timer.start(seconds * 1000)
        self.show()

    def _act(self) -> None:
        action, self._action = self._action, None
        self.hide()
        if action is not None:
            action()
