"""Tools ▸ Options: the app's language, and the questions the user turned off."""

from __future__ import annotations

from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xapiman.gui.prompter import SILENCED, silenced_questions
from xapiman.i18n import translate
from xapiman.settings import Settings

LANGUAGE = "language"  # settings key: "" follows the desktop


def languages() -> list[tuple[str, str]]:
    """(code, name in its own language) of every language the app speaks."""
    from xapiman.catalogue import available_languages

    return available_languages()


class OptionsDialog(QDialog):
    """Changes apply when OK is pressed; the language from the next start."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("options_dialog")
        self.setWindowTitle(translate("Options", "Options"))
        self.settings = settings
        box = QVBoxLayout(self)
        language = QGroupBox(translate("Options", "Language"))
        form = QFormLayout(language)
        self.language_box = QComboBox()
        self.language_box.setObjectName("language")
        self.language_box.addItem(translate("Options", "As the desktop"), "")
        for code, name in languages():
            self.language_box.addItem(name, code)
        current = self.language_box.findData(str(settings.get(LANGUAGE, "")))
        self.language_box.setCurrentIndex(max(current, 0))
        form.addRow(translate("Options", "&Language:"), self.language_box)
        note = QLabel(translate("Options", "A new language applies when xapiman starts "
                                           "again."))
        note.setWordWrap(True)
        form.addRow(note)
        box.addWidget(language)
        questions = QGroupBox(translate("Options", "Questions"))
        column = QVBoxLayout(questions)
        self.silenced = silenced_questions(settings)
        self.questions_label = QLabel()
        self.questions_label.setObjectName("silenced_questions")
        self.questions_label.setWordWrap(True)
        column.addWidget(self.questions_label)
        self.ask_again = QPushButton(translate("Options", "&Ask Every Question Again"))
        self.ask_again.setObjectName("ask_again")
        self.ask_again.clicked.connect(self._ask_again)
        column.addWidget(self.ask_again)
        box.addWidget(questions)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self._show_questions()
        self.setMinimumWidth(420)

    def _show_questions(self) -> None:
        from xapiman.actions import REGISTRY

        if not self.silenced:
            self.questions_label.setText(translate(
                "Options", "xapiman asks before every operation that needs it."))
            self.ask_again.setEnabled(False)
            return
        names = ", ".join(REGISTRY[k].label if k in REGISTRY else k for k in self.silenced)
        self.questions_label.setText(translate(
            "Options", "Not asked any more before: {operations}.").format(operations=names))
        self.ask_again.setEnabled(True)

    def _ask_again(self) -> None:
        self.silenced = []
        self._show_questions()

    def accept(self) -> None:
        self.settings.set(LANGUAGE, self.language_box.currentData() or "")
        self.settings.set(SILENCED, self.silenced)
        super().accept()
