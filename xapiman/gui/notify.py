"""A notification strip that shows errors without blocking the window."""

from __future__ import annotations

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton


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
        close = QPushButton("Dismiss")
        close.setObjectName("notificationDismiss")
        close.clicked.connect(self.hide)
        layout.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_message(self, text: str, details: str = "", seconds: int = 20) -> None:
        self.label.setText(text)
        self.label.setToolTip(details or text)
        self.show()
        self._timer.start(seconds * 1000)
