"""A small X client for the interop tests: it fills the screen with a fixed picture and prints
the keys and clicks it receives (one line each), so a test sees what reached the server.

Run with DISPLAY set and QT_QPA_PLATFORM=xcb: `python -m tests.interop.xclient WIDTH HEIGHT`.
"""

from __future__ import annotations

import sys

from PyQt6.QtCore import QRect, Qt, QTimer
from PyQt6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter
from PyQt6.QtWidgets import QApplication, QWidget


def picture(width: int, height: int) -> QImage:
    """Flat colours, text, and a photo-like gradient (what makes Tight pick JPEG)."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(24, 60, 110))
    painter = QPainter(image)
    for index, colour in enumerate(("#e74c3c", "#2ecc71", "#f1c40f", "#ffffff", "#000000")):
        painter.fillRect(QRect(20 + index * 70, 20, 60, 60), QColor(colour))
    gradient = QLinearGradient(0, 0, width, height)
    gradient.setColorAt(0, QColor(255, 0, 128))
    gradient.setColorAt(0.5, QColor(0, 200, 255))
    gradient.setColorAt(1, QColor(255, 255, 0))
    painter.fillRect(QRect(width // 2, height // 3, width // 2 - 10, height // 2), gradient)
    painter.setPen(QColor("white"))
    painter.setFont(QFont("DejaVu Sans Mono", 14))
    for row in range(6):
        painter.drawText(20, 120 + row * 24, f"interop line {row}: The quick brown fox 0123456789")
    painter.end()
    return image


class Screen(QWidget):
    def __init__(self, width: int, height: int) -> None:
        super().__init__(None, Qt.WindowType.FramelessWindowHint)
        self.image = picture(width, height)
        self.setGeometry(0, 0, width, height)
        self.setCursor(Qt.CursorShape.BlankCursor)  # a pointer drawn in the screen shows nothing

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.drawImage(0, 0, self.image)
        painter.end()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        print(f"key {event.nativeVirtualKey()} {event.text()!r}", flush=True)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        point = event.position().toPoint()
        print(f"press {point.x()} {point.y()} {event.button().value}", flush=True)


def main() -> None:
    app = QApplication(sys.argv[:1])
    screen = Screen(int(sys.argv[1]), int(sys.argv[2]))
    screen.show()
    screen.activateWindow()
    screen.setFocus()

    def ready() -> None:
        screen.grabKeyboard()
        print("ready", flush=True)

    QTimer.singleShot(300, ready)
    app.exec()


if __name__ == "__main__":
    main()
