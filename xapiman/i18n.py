"""Translation of user-visible text, for every layer (no Qt here).

Every string a user reads goes through `translate(context, text)`, with a literal context and a
literal text so that Qt's `pylupdate6` extracts it into the catalogues. Values are put in
afterwards: ``translate("VM", "Start {name}").format(name=vm.name)``. Text kept as data
(action labels, tab titles) is marked with `QT_TRANSLATE_NOOP` and translated where shown. The
desktop app installs Qt's translator; the command line installs a catalogue of its own; without
either, the text is returned as written (English).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Translator(Protocol):
    def __call__(
        self, context: str, text: str, disambiguation: str | None = None, n: int = -1
    ) -> str: ...


def _untranslated(
    context: str, text: str, disambiguation: str | None = None, n: int = -1
) -> str:
    return text


_translator: Translator = _untranslated


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """The text in the user's language (as written when no catalogue has it)."""
    return _translator(context, text, disambiguation, n)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 (the name pylupdate6 knows)
    """Mark `text` for the catalogues where it is defined, as it is (English); it is translated
    where it is shown, with ``translate(context, text)`` on the value."""
    return text


def install(translator: Translator | None) -> None:
    """Route every later `translate` through `translator` (None: back to English)."""
    global _translator
    _translator = translator if translator is not None else _untranslated


def installed() -> Callable[..., str]:
    return _translator
