"""The dialog that fills in an action's Form: text, yes/no, one-of and any-of inputs."""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QPalette, QStandardItemModel
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from xapiman.actions.prompts import Choice, Field, Form
from xapiman.gui.dialogs.confirm import (
    TEXT_WIDTH,
    destroys_panel,
    ok_cancel_buttons,
    text_label,
)

# A longer check list scrolls, so that the dialog still fits on a 768-pixel-high screen.
MAX_VISIBLE_OPTIONS = 8


def choice_text(choice: Choice) -> str:
    """How a choice reads in a list: a greyed-out one says why ("label — reason")."""
    if not choice.enabled and choice.reason:
        return f"{choice.label} — {choice.reason}"
    return choice.label


def choice_tooltip(choice: Choice) -> str:
    """The reason a choice is greyed out, else its detail."""
    return choice.reason if not choice.enabled and choice.reason else choice.detail


class CheckList(QWidget):
    """Check boxes for a "multi" field; greyed-out options show their reason below them.

    Signals:
        changed(): an option was ticked or unticked.
    """

    changed = pyqtSignal()

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"field_{field.key}")
        self._choices = field.choices
        defaults = set(field.default or ())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.boxes: list[QCheckBox] = []
        for index, choice in enumerate(field.choices):
            box = QCheckBox(choice.label, self)
            box.setObjectName(f"field_{field.key}_{index}")
            box.setEnabled(choice.enabled)
            box.setChecked(choice.enabled and choice.value in defaults)
            box.setToolTip(choice_tooltip(choice))
            box.toggled.connect(self.changed)
            layout.addWidget(box)
            self.boxes.append(box)
            second = choice.reason if not choice.enabled else choice.detail
            if second:
                note = text_label(second, f"field_{field.key}_{index}_note", muted=True)
                style = box.style()
                note.setIndent(style.pixelMetric(style.PixelMetric.PM_IndicatorWidth)
                               + style.pixelMetric(style.PixelMetric.PM_CheckBoxLabelSpacing))
                layout.addWidget(note)

    def values(self) -> list[Any]:
        """The values of the ticked options, in the order they are listed."""
        return [choice.value for choice, box in zip(self._choices, self.boxes, strict=True)
                if box.isEnabled() and box.isChecked()]


class FormDialog(QDialog):
    """Shows a Form's fields; OK stays disabled until every required field is filled.

    Text answers are returned without surrounding spaces. A "choice" always needs one
    option that can be taken, and a required "multi" needs at least one ticked option.

    Attributes:
        form: the form being filled in.
        inputs: the input widget of each field, by field key.
    """

    def __init__(self, form: Form, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("form_dialog")
        self.setWindowTitle(form.title)
        self.form = form
        self.inputs: dict[str, QWidget] = {}
        outer = QVBoxLayout(self)
        outer.setSpacing(12)
        if form.text:
            intro = text_label(form.text, "form_text")
            intro.setMinimumWidth(TEXT_WIDTH)
            outer.addWidget(intro)
        rows = QFormLayout()
        rows.setObjectName("form_rows")
        rows.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        rows.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for field in form.fields:
            self._add_field(rows, field)
        outer.addLayout(rows)
        if form.destroys:
            outer.addWidget(destroys_panel(form.destroys, with_icon=True))
        outer.addStretch(1)
        self.buttons = ok_cancel_buttons(self, form.ok_label, form.danger)
        outer.addWidget(self.buttons)
        self.setMinimumWidth(TEXT_WIDTH + 40)
        self._update_ok()
        first = next(iter(self.inputs.values()), None)
        if first is not None:  # safe even when `danger`: Enter presses Cancel then
            first.setFocus()

    @property
    def ok_button(self) -> QPushButton:
        """The button that accepts the form."""
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def values(self) -> dict[str, Any]:
        """The answers by field key: str, bool, a choice value (None if none), or a list."""
        answers: dict[str, Any] = {}
        for field in self.form.fields:
            widget = self.inputs[field.key]
            if isinstance(widget, QLineEdit):
                answers[field.key] = widget.text().strip()
            elif isinstance(widget, QCheckBox):
                answers[field.key] = widget.isChecked()
            elif isinstance(widget, QComboBox):
                answers[field.key] = _combo_value(widget, field)
            elif isinstance(widget, CheckList):
                answers[field.key] = widget.values()
        return answers

    def missing(self) -> list[str]:
        """The labels of the fields that still need an answer."""
        answers = self.values()
        missing = []
        for field in self.form.fields:
            answer = answers[field.key]
            if field.kind == "choice" and answer is None and field.choices:
                missing.append(field.label)
            elif field.required and field.kind in ("text", "password", "multi") and not answer:
                missing.append(field.label)
        return missing

    def _add_field(self, rows: QFormLayout, field: Field) -> None:
        widget = self._make_input(field)
        self.inputs[field.key] = widget
        notes = []
        if isinstance(widget, QComboBox):
            notes += self._choice_note(widget, field)
        if field.help:
            widget.setToolTip(widget.toolTip() or field.help)
            notes.append(text_label(field.help, f"field_{field.key}_help", muted=True))
        cell = _stack(widget, notes) if notes else widget
        if isinstance(widget, CheckList) and len(widget.boxes) > MAX_VISIBLE_OPTIONS:
            cell = _scrolled(widget)
        if isinstance(widget, QCheckBox):
            rows.addRow("", cell)
        else:
            rows.addRow(f"{field.label}:", cell)

    def _make_input(self, field: Field) -> QWidget:
        if field.kind == "bool":
            box = QCheckBox(field.label, self)
            box.setChecked(bool(field.default))
            box.setObjectName(f"field_{field.key}")
            return box
        if field.kind == "choice":
            return self._make_combo(field)
        if field.kind == "multi":
            checks = CheckList(field, self)
            checks.changed.connect(self._update_ok)
            return checks
        if field.kind not in ("text", "password"):
            raise ValueError(f"unknown field kind {field.kind!r} for field {field.key!r}")
        edit = QLineEdit(self)
        if field.kind == "password":
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setObjectName(f"field_{field.key}")
        edit.setText("" if field.default is None else str(field.default))
        edit.setMinimumWidth(240)
        edit.textChanged.connect(self._update_ok)
        return edit

    def _make_combo(self, field: Field) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(f"field_{field.key}")
        model = combo.model()
        assert isinstance(model, QStandardItemModel)
        start = -1
        for index, choice in enumerate(field.choices):
            combo.addItem(choice_text(choice), index)
            combo.setItemData(index, choice_tooltip(choice), Qt.ItemDataRole.ToolTipRole)
            item = model.item(index)
            assert item is not None
            item.setEnabled(choice.enabled)
            if not choice.enabled:  # greyed out, yet dark enough to read the reason
                item.setForeground(combo.palette().color(QPalette.ColorRole.PlaceholderText))
            if choice.enabled and (start < 0 or choice.value == field.default):
                start = index  # the default, else the first option that can be taken
        combo.setCurrentIndex(start)
        combo.currentIndexChanged.connect(self._update_ok)
        return combo

    def _choice_note(self, combo: QComboBox, field: Field) -> list[QLabel]:
        """A muted line under the list with the detail of the option picked, if any has one."""
        if not any(choice.detail for choice in field.choices):
            return []
        note = text_label("", f"field_{field.key}_detail", muted=True)

        def show_detail() -> None:
            index = combo.currentIndex()
            detail = field.choices[index].detail if index >= 0 else ""
            note.setText(detail)
            note.setVisible(bool(detail))
            combo.setToolTip(detail)

        combo.currentIndexChanged.connect(show_detail)
        show_detail()
        return [note]

    def _update_ok(self) -> None:
        missing = self.missing()
        self.ok_button.setEnabled(not missing)
        tip = f"Fill in first: {', '.join(missing)}." if missing else ""
        self.ok_button.setToolTip(tip)


def _combo_value(combo: QComboBox, field: Field) -> Any:
    index = combo.currentIndex()
    if index < 0 or not field.choices[index].enabled:
        return None
    return field.choices[index].value


def _stack(widget: QWidget, notes: list[QLabel]) -> QWidget:
    """An input with its muted notes right under it."""
    cell = QWidget()
    column = QVBoxLayout(cell)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(widget)
    cell.setFocusProxy(widget)
    for note in notes:
        column.addWidget(note)
    return cell


def _scrolled(checks: CheckList) -> QScrollArea:
    """A long check list in a box that scrolls, about MAX_VISIBLE_OPTIONS lines high."""
    scroll = QScrollArea()
    scroll.setObjectName(f"{checks.objectName()}_scroll")
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(checks)
    checks.setContentsMargins(4, 4, 4, 4)
    line = checks.boxes[0].sizeHint().height() + 2
    scroll.setFixedHeight(line * MAX_VISIBLE_OPTIONS + 8)
    scroll.setFocusProxy(checks.boxes[0])
    return scroll
