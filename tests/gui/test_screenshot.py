"""The screenshot helper saves what a widget shows."""

from __future__ import annotations

from PyQt6.QtGui import QImage
from PyQt6.QtWidgets import QLabel

from xapiman.gui.screenshot import save_screenshot


def test_screenshot_of_a_widget(qtbot, artifacts_dir) -> None:
    label = QLabel("xapiman")
    label.setStyleSheet("background: #102030; color: white; font-size: 20px")
    label.resize(200, 60)
    qtbot.addWidget(label)
    label.show()
    path = save_screenshot(label, artifacts_dir / "test-screenshot-label.png")
    image = QImage(str(path))
    assert (image.width(), image.height()) == (200 * label.devicePixelRatio(), 60 * label.devicePixelRatio())
    assert image.pixelColor(2, 2).name() == "#102030"
