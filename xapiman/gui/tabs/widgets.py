"""Widgets the tab pages share: property sections, use bars, action buttons."""

from __future__ import annotations

from dataclasses import dataclass

from PyQt6.QtCore import QRectF, QSize, Qt
from PyQt6.QtGui import QColor, QPainter, QPen
from PyQt6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from xapiman.gui.tabs.property_names import shown_label, shown_value
from xapiman.i18n import translate


@dataclass(frozen=True)
class Usage:
    """A property shown as a bar: how full (0..1) and the words beside it."""

    fraction: float
    text: str
    warn: bool = True  # turn orange, then red, when nearly full


Value = str | Usage
Section = tuple[str, list[tuple[str, Value]]]


class UsageBar(QWidget):
    """A flat bar showing how much of something is used, with its text to the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fraction = 0.0
        self._bar = _Bar(self)
        self.label = QLabel()
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self._bar)
        row.addWidget(self.label, 1)

    def set_usage(self, usage: Usage) -> None:
        self.fraction = max(0.0, min(1.0, usage.fraction))
        self._bar.fraction = self.fraction
        self._bar.warn = usage.warn
        self._bar.update()
        self.label.setText(usage.text)

    def text(self) -> str:
        return self.label.text()


class _Bar(QWidget):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.fraction = 0.0
        self.warn = True
        self.setFixedSize(QSize(220, 14))

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        outline = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(QColor("#9aa3ad")))
        painter.setBrush(QColor("#eef0f2"))
        painter.drawRoundedRect(outline, 3, 3)
        if self.fraction > 0:
            colour = ("#3b82c4" if self.fraction < 0.8 or not self.warn else
                      "#d9911a" if self.fraction < 0.9 else "#c8402f")
            fill = QRectF(outline)
            fill.setWidth(max(3.0, outline.width() * self.fraction))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawRoundedRect(fill, 3, 3)
        painter.end()


def scrolled_column(page: QWidget) -> QVBoxLayout:
    """Give `page` one scrolling column (a page taller than the window scrolls as a whole)
    and return the column's layout."""
    outer = QVBoxLayout(page)
    outer.setContentsMargins(6, 6, 6, 6)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    outer.addWidget(scroll)
    inner = QWidget()
    scroll.setWidget(inner)
    box = QVBoxLayout(inner)
    box.setContentsMargins(0, 0, 0, 0)
    return box


def section_heading(title: str) -> tuple[QLabel, QFrame]:
    """A section's title in bold and the line under it."""
    heading = QLabel(title)
    heading.setObjectName(f"section:{title}")
    font = heading.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    heading.setFont(font)
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return heading, line


class PropertyForm(QWidget):
    """Titled sections of "label: value" rows; values stay selectable, bars are drawn.

    Filling it again with the same rows only changes the texts (no flicker, no relayout).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("propertyForm")
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(8, 4, 8, 8)
        self._box.addStretch(1)
        self._holder: QWidget | None = None
        self._grid: QGridLayout | None = None
        self._labels: list[QLabel] = []
        self._label_width = 150
        self._shape: tuple = ()
        self._values: dict[tuple[str, str], QWidget] = {}

    def values(self, section: str | None = None) -> dict[str, str]:
        """label -> text shown (a bar's text for bars), of one section or of all."""
        return {label: w.text()  # type: ignore[attr-defined]
                for (title, label), w in self._values.items() if section in (None, title)}

    def value_widget(self, label: str) -> QWidget | None:
        return next((w for (_t, name), w in self._values.items() if name == label), None)

    def label_width(self) -> int:
        """The width the label column needs (at least its minimum)."""
        hints = [label.sizeHint().width() for label in self._labels]
        return max([self._label_width, *hints])

    def set_label_width(self, width: int) -> None:
        """Line the values up with another form's (the wider labels decide)."""
        self._label_width = width
        if self._grid is not None:
            self._grid.setColumnMinimumWidth(0, width)

    def set_message(self, text: str) -> None:
        self.set_sections([("", [("", text)])])

    def set_sections(self, sections: list[Section]) -> None:
        shape = tuple((title, tuple((label, type(value)) for label, value in rows))
                      for title, rows in sections)
        if shape != self._shape:
            self._rebuild(sections)
            self._shape = shape
        for title, rows in sections:
            for label, value in rows:
                widget = self._values[(title, label)]
                if isinstance(value, Usage):
                    widget.set_usage(value)  # type: ignore[attr-defined]
                elif widget.text() != shown_value(value):  # type: ignore[attr-defined]
                    widget.setText(shown_value(value))  # type: ignore[attr-defined]

    def _rebuild(self, sections: list[Section]) -> None:
        """One grid for every section, so that all values line up in one column."""
        if self._holder is not None:
            self._box.removeWidget(self._holder)
            # out of the widget tree at once: a deferred delete may wait a long time (nested
            # event loops do not run them), and stale siblings would still be walked on paint
            self._holder.hide()
            self._holder.setParent(None)
            self._holder.deleteLater()
        self._values.clear()
        self._labels.clear()
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(5)
        grid.setColumnMinimumWidth(0, self._label_width)
        grid.setColumnStretch(1, 1)
        row = 0
        for title, rows in sections:
            if title:
                if row:
                    grid.setRowMinimumHeight(row, 10)
                    row += 1
                heading, line = section_heading(shown_label(title))
                grid.addWidget(heading, row, 0, 1, 2)
                grid.addWidget(line, row + 1, 0, 1, 2)
                row += 2
            for label, value in rows:
                widget = self._value_widget(title, label, value)
                if label:
                    name = QLabel(translate("Properties", "{label}:").format(
                        label=shown_label(label)))
                    name.setObjectName(f"label:{label}")
                    name.setContentsMargins(12, 0, 0, 0)
                    name.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                    self._labels.append(name)
                    grid.addWidget(name, row, 0)
                    grid.addWidget(widget, row, 1)
                else:
                    widget.setContentsMargins(12, 0, 0, 0)
                    grid.addWidget(widget, row, 0, 1, 2)
                row += 1
        self._box.insertWidget(0, holder)
        self._holder = holder
        self._grid = grid

    def _value_widget(self, title: str, label: str, value: Value) -> QWidget:
        widget: QWidget
        if isinstance(value, Usage):
            widget = UsageBar()
        else:
            text = QLabel()
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            widget = text
        widget.setObjectName(f"value:{label}")
        self._values[(title, label)] = widget
        return widget


class ActionButtons(QWidget):
    """A row of buttons that start actions; each is enabled with the reason as tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionButtons")
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}

    def add(self, key: str, text: str, callback) -> QPushButton:
        """A button for action `key`, labelled `text` (a marked name is translated here)."""
        button = QPushButton(translate("Tabs", text))
        button.setObjectName(f"button:{key}")
        button.clicked.connect(lambda _checked=False: callback())
        self._row.insertWidget(self._row.count() - 1, button)
        self.buttons[key] = button
        return button

    def set_available(self, key: str, available: bool, reason: str = "") -> None:
        button = self.buttons[key]
        button.setEnabled(available)
        button.setToolTip("" if available else reason)
