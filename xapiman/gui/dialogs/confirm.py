"""The yes-or-no question asked before an operation, naming everything it will destroy."""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor, QPalette
from PyQt6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from xapiman.i18n import translate

DANGER_COLOUR = "#b3261e"
TEXT_WIDTH = 440
ICON_SIZE = 40
# Past this many items the list of what gets destroyed scrolls, so the dialog fits the screen.
_SCROLL_AFTER = 8


def icon_label(pixmap: QStyle.StandardPixmap, parent: QWidget, name: str) -> QLabel:
    """A label showing one of the style's standard icons (warning, question ...)."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setPixmap(parent.style().standardIcon(pixmap).pixmap(ICON_SIZE, ICON_SIZE))
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
    return label


def text_label(text: str, name: str, *, muted: bool = False, bold: bool = False) -> QLabel:
    """A word-wrapped plain-text label; `muted` greys it out for secondary information."""
    label = QLabel(text)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if muted:
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def mark_danger(button: QPushButton) -> None:
    """Paint a button red with white text (while enabled) and keep Enter away from it."""
    palette = button.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.Button, QColor(DANGER_COLOUR))
        palette.setColor(group, QPalette.ColorRole.ButtonText, QColor("white"))
    button.setPalette(palette)
    button.setAutoDefault(False)
    button.setDefault(False)


def make_cancel_default(buttons: QDialogButtonBox) -> None:
    """Make Cancel the button that Enter presses, so a stray Enter destroys nothing."""
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    if ok is not None:
        mark_danger(ok)
    if cancel is not None:
        cancel.setAutoDefault(True)
        cancel.setDefault(True)
        cancel.setFocus()


def ok_cancel_buttons(dialog: QDialog, ok_label: str, danger: bool) -> QDialogButtonBox:
    """An OK/Cancel button box wired to accept/reject, with OK labelled `ok_label`."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.setObjectName("buttons")
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert ok is not None and cancel is not None
    ok.setText(ok_label)
    ok.setObjectName("ok_button")
    cancel.setText(translate("Dialogs", "Cancel"))
    cancel.setObjectName("cancel_button")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    if danger:
        make_cancel_default(buttons)
    else:
        ok.setDefault(True)
    return buttons


def destroys_panel(destroys: Sequence[str], *, with_icon: bool) -> QWidget:
    """"This will permanently delete:" and a bulleted list, scrolling when it is long."""
    panel = QWidget()
    panel.setObjectName("destroys_panel")
    row = QHBoxLayout(panel)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(12)
    if with_icon:
        row.addWidget(icon_label(QStyle.StandardPixmap.SP_MessageBoxWarning, panel,
                                 "destroys_icon"))
    column = QVBoxLayout()
    column.setSpacing(4)
    heading_text = ("This will permanently delete:" if len(destroys) <= _SCROLL_AFTER
                    else f"This will permanently delete these {len(destroys)} items:")
    heading = text_label(heading_text, "destroys_heading", bold=True)
    column.addWidget(heading)
    column.addWidget(_bullets(destroys))
    row.addLayout(column, 1)
    return panel


def _bullets(items: Sequence[str]) -> QWidget:
    listing = QWidget()
    listing.setObjectName("destroys_list")
    grid = QGridLayout(listing)
    grid.setContentsMargins(6, 0, 0, 0)
    grid.setHorizontalSpacing(6)
    grid.setVerticalSpacing(2)
    grid.setColumnStretch(1, 1)
    for index, item in enumerate(items):
        bullet = QLabel("•")
        bullet.setAlignment(Qt.AlignmentFlag.AlignTop)
        grid.addWidget(bullet, index, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(text_label(item, f"destroys_item_{index}"), index, 1)
    if len(items) <= _SCROLL_AFTER:
        return listing
    scroll = QScrollArea()
    scroll.setObjectName("destroys_scroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.StyledPanel)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(listing)
    line = listing.fontMetrics().lineSpacing() + grid.verticalSpacing()
    scroll.setFixedHeight(line * _SCROLL_AFTER + 8)
    return scroll


class ConfirmDialog(QDialog):
    """Asks whether to go ahead; when `danger`, OK is red and Enter presses Cancel.

    Attributes:
        danger: whether the operation cannot be undone.
    """

    def __init__(self, title: str, text: str, destroys: Sequence[str] = (),
                 ok_label: str = "OK", danger: bool = False,
                 parent: QWidget | None = None, *, can_silence: bool = False) -> None:
        """`can_silence`: offer "Do not ask me again" (read `silenced` once accepted)."""
        super().__init__(parent)
        self.setObjectName("confirm_dialog")
        self.setWindowTitle(title)
        self.danger = danger
        warn = danger or bool(destroys)
        pixmap = (QStyle.StandardPixmap.SP_MessageBoxWarning if warn
                  else QStyle.StandardPixmap.SP_MessageBoxQuestion)
        outer = QVBoxLayout(self)
        outer.setSpacing(14)
        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(icon_label(pixmap, self, "confirm_icon"), 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout()
        column.setSpacing(10)
        heading = text_label(title, "confirm_title", bold=True)
        message = text_label(text, "confirm_text")
        heading.setMinimumWidth(TEXT_WIDTH)
        column.addWidget(heading)
        if text:
            column.addWidget(message)
        if destroys:
            column.addWidget(destroys_panel(destroys, with_icon=False))
        body.addLayout(column, 1)
        outer.addLayout(body)
        self.silence_check: QCheckBox | None = None
        if can_silence:
            self.silence_check = QCheckBox(translate("Confirm", "&Do not ask me again"), self)
            self.silence_check.setObjectName("dont_ask_again")
            self.silence_check.setToolTip(translate(
                "Confirm", "Tools ▸ Options can bring this question back."))
            outer.addWidget(self.silence_check)
        self.buttons = ok_cancel_buttons(self, ok_label, danger)
        outer.addWidget(self.buttons)

    @property
    def silenced(self) -> bool:
        """Whether the user asked not to be asked this again."""
        return self.silence_check is not None and self.silence_check.isChecked()

    @property
    def ok_button(self) -> QPushButton:
        """The button that goes ahead."""
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    @property
    def cancel_button(self) -> QPushButton:
        """The button that stops."""
        button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert button is not None
        return button
