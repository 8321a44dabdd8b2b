"""The app's language: xapiman's own catalogue (`xapiman.catalogue`) and Qt's translations
of its standard dialogs and buttons, for the language asked for or the desktop's."""

from __future__ import annotations

from PyQt6.QtCore import QLibraryInfo, QLocale, QTranslator
from PyQt6.QtWidgets import QApplication

from xapiman.catalogue import SOURCE_LANGUAGE, choose_language, install_language

_kept: list[QTranslator] = []  # Qt keeps only a pointer: the translators must stay alive


def install_translation(app: QApplication, wanted: str | None = None) -> str:
    """Speak `wanted` (a language code; None or "": the desktop's); returns the code used."""
    code = choose_language(wanted or None)
    install_language(code)
    for translator in _kept:
        app.removeTranslator(translator)
    _kept.clear()
    QLocale.setDefault(QLocale(code))
    if code != SOURCE_LANGUAGE:
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        translator = QTranslator(app)
        if translator.load(f"qtbase_{code}", folder):
            app.installTranslator(translator)
            _kept.append(translator)
    return code
