"""The Prompter of the desktop app: actions ask the user through dialogs, without blocking."""

from __future__ import annotations

import asyncio
from typing import Any

from PyQt6.QtWidgets import QDialog, QWidget

from xapiman.actions.prompts import Form, Prompter
from xapiman.gui.dialogs.confirm import ConfirmDialog
from xapiman.gui.dialogs.form import FormDialog
from xapiman.settings import Settings

SILENCED = "confirm.silenced"  # settings key: the questions not to ask again


def silenced_questions(settings: Settings | None) -> list[str]:
    if settings is None:
        return []
    return [str(k) for k in settings.get(SILENCED, [])]


def silence_question(settings: Settings, key: str) -> None:
    settings.set(SILENCED, sorted({*silenced_questions(settings), key}))


async def run_dialog(dialog: QDialog) -> int:
    """Show `dialog` with `open()` and wait for it to close; returns its result code.

    The event loop keeps running meanwhile (never `exec()` inside a coroutine). When the
    waiting coroutine is cancelled the dialog is rejected. The dialog is deleted afterwards.
    """
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def on_finished(code: int) -> None:
        if not future.done():
            future.set_result(code)

    dialog.finished.connect(on_finished)
    try:
        dialog.open()
        return await future
    finally:
        dialog.finished.disconnect(on_finished)
        if dialog.isVisible():
            dialog.reject()
        dialog.deleteLater()


class QtPrompter(Prompter):
    """Asks with window-modal dialogs over `parent`; the rest of the app keeps running.

    Attributes:
        parent: the window the dialogs belong to (None: application-modal, no parent).
    """

    def __init__(self, parent: QWidget | None = None, settings: Settings | None = None) -> None:
        self.parent = parent
        self.settings = settings

    async def confirm(self, title: str, text: str, *, destroys: tuple[str, ...] = (),
                      ok_label: str = "OK", danger: bool = False, remember: str = "") -> bool:
        """Yes or no; True only when the user pressed the OK button (or turned this
        question off earlier: `remember`, kept in the settings)."""
        can_silence = bool(remember) and self.settings is not None
        if can_silence and remember in silenced_questions(self.settings):
            return True
        dialog = ConfirmDialog(title, text, destroys, ok_label, danger, self.parent,
                               can_silence=can_silence)
        accepted = await run_dialog(dialog) == QDialog.DialogCode.Accepted
        if accepted and dialog.silenced and self.settings is not None:
            silence_question(self.settings, remember)
        return accepted

    async def ask(self, form: Form) -> dict[str, Any] | None:
        """The filled-in form; None when the user cancels."""
        dialog = FormDialog(form, self.parent)
        if await run_dialog(dialog) != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()

    async def edit(self, draft: Any, target: Any) -> Any | None:
        """The plan as the user shaped it in its wizard or dialog; None when cancelled."""
        from xapiman.gui.editors import editor_for

        dialog = editor_for(draft, target, self.parent)
        if await run_dialog(dialog) != QDialog.DialogCode.Accepted:
            return None
        return dialog.result_plan()  # type: ignore[attr-defined]
