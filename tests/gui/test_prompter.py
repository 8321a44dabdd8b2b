"""QtPrompter asks through dialogs while the qasync loop keeps running; ScriptedPrompter."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import qasync
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication, QDialog, QWidget

from tests.gui.scripted_prompter import ScriptedPrompter
from xapiman.actions.prompts import Choice, Field, Form
from xapiman.gui.dialogs import ConfirmDialog, FormDialog
from xapiman.gui.prompter import QtPrompter, run_dialog

pytestmark = pytest.mark.gui


@pytest.fixture
def loop(qapp, qtbot) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop that counts as running, driven by qtbot's waits (client-facts 4.2 A)."""
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            qtbot.waitUntil(lambda: all(task.done() for task in pending), timeout=2000)
        qapp.aboutToQuit.disconnect(loop._after_run_forever)
        # Not loop.stop(): it calls QApplication.exit(), which leaves Qt's quit flag set with
        # no exec() running, so every later qtbot wait returns at once (seen here). Mark the
        # loop stopped by hand so that close() releases its self-pipe sockets.
        loop._QEventLoop__is_running = False
        loop.close()
        asyncio.events._set_running_loop(None)
        asyncio.set_event_loop(None)


@pytest.fixture
def window(qtbot) -> QWidget:
    widget = QWidget()
    widget.setObjectName("main_window")
    widget.resize(640, 480)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def open_dialog(qtbot, window: QWidget, kind: type[QDialog]) -> QDialog:
    """Wait until the prompter's dialog is on screen over `window`, and return it."""
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(kind)), timeout=2000)
    return next(d for d in window.findChildren(kind) if d.isVisible())


async def tick(counter: list[int]) -> None:
    """Another task of the app: it must keep running while a dialog is open."""
    while True:
        counter[0] += 1
        await asyncio.sleep(0.01)


@pytest.mark.parametrize(("button", "expected"), [("ok_button", True),
                                                  ("cancel_button", False)])
def test_confirm_returns_the_button_pressed_while_the_loop_runs(
        qtbot, loop, window, button: str, expected: bool) -> None:
    prompter = QtPrompter(window)
    counter = [0]
    ticker = loop.create_task(tick(counter))
    answer = loop.create_task(prompter.confirm("Shut down web-01?", "The VM will stop.",
                                               ok_label="Shut down"))
    dialog = open_dialog(qtbot, window, ConfirmDialog)
    assert dialog.isModal()
    assert dialog.ok_button.text() == "Shut down"
    before = counter[0]
    qtbot.waitUntil(lambda: counter[0] >= before + 3, timeout=2000)
    assert not answer.done()
    qtbot.mouseClick(dialog.findChild(QWidget, button), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(answer.done, timeout=2000)
    assert answer.result() is expected
    assert not ticker.done()
    qtbot.waitUntil(lambda: not window.findChildren(ConfirmDialog), timeout=2000)


def test_danger_confirm_through_the_prompter_is_cancelled_by_enter(qtbot, loop, window) -> None:
    prompter = QtPrompter(window)
    answer = loop.create_task(prompter.confirm("Delete web-01?", "This cannot be undone.",
                                               destroys=("VM web-01",), ok_label="Delete",
                                               danger=True))
    dialog = open_dialog(qtbot, window, ConfirmDialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(answer.done, timeout=2000)
    assert answer.result() is False


def test_ask_returns_the_values_or_none(qtbot, loop, window) -> None:
    form = Form("Rename VM", fields=(Field("name", "Name", required=True),
                                     Field("where", "Host", kind="choice", choices=(
                                         Choice("h1", "ref1", False, "in maintenance"),
                                         Choice("h2", "ref2")))))
    prompter = QtPrompter(window)
    answer = loop.create_task(prompter.ask(form))
    dialog = open_dialog(qtbot, window, FormDialog)
    qtbot.keyClicks(dialog.inputs["name"], "db-02")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(answer.done, timeout=2000)
    assert answer.result() == {"name": "db-02", "where": "ref2"}

    answer = loop.create_task(prompter.ask(form))
    dialog = open_dialog(qtbot, window, FormDialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(answer.done, timeout=2000)
    assert answer.result() is None


def test_cancelling_the_waiting_task_closes_the_dialog(qtbot, loop, window) -> None:
    answer = loop.create_task(QtPrompter(window).confirm("Reboot?", "Reboot the host."))
    dialog = open_dialog(qtbot, window, ConfirmDialog)
    results: list[int] = []
    dialog.finished.connect(results.append)
    answer.cancel()
    qtbot.waitUntil(answer.done, timeout=2000)
    assert answer.cancelled()
    assert results == [QDialog.DialogCode.Rejected]
    qtbot.waitUntil(lambda: not window.findChildren(ConfirmDialog), timeout=2000)


def test_without_a_parent_the_dialog_is_a_window_of_its_own(qtbot, loop) -> None:
    answer = loop.create_task(QtPrompter().confirm("Go?", "Go ahead."))

    def shown() -> list[ConfirmDialog]:
        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, ConfirmDialog) and w.isVisible()]

    qtbot.waitUntil(lambda: bool(shown()), timeout=2000)
    qtbot.mouseClick(shown()[0].ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(answer.done, timeout=2000)
    assert answer.result() is True


def test_run_dialog_returns_the_result_code(qtbot, loop, window) -> None:
    dialog = ConfirmDialog("Go?", "Go ahead.", parent=window)
    answer = loop.create_task(run_dialog(dialog))
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    dialog.done(7)
    qtbot.waitUntil(answer.done, timeout=2000)
    assert answer.result() == 7


def test_scripted_prompter_answers_in_order_and_records(qtbot, loop) -> None:
    form = Form("Snapshot", fields=(Field("name", "Name"),), ok_label="Take")
    prompter = ScriptedPrompter.with_answers(True, {"name": "before-upgrade"},
                                             lambda q: q.danger)

    async def scenario() -> list[object]:
        return [await prompter.confirm("Start?", "Start web-01."),
                await prompter.ask(form),
                await prompter.confirm("Delete?", "", destroys=("disk",), danger=True)]

    task = loop.create_task(scenario())
    qtbot.waitUntil(task.done, timeout=2000)
    assert task.result() == [True, {"name": "before-upgrade"}, True]
    assert [q.kind for q in prompter.asked] == ["confirm", "ask", "confirm"]
    assert prompter.asked[1].form is form and prompter.asked[1].ok_label == "Take"
    assert prompter.asked[2].destroys == ("disk",)
    assert not prompter.answers


def test_scripted_prompter_fails_on_an_unexpected_question(loop, qtbot) -> None:
    prompter = ScriptedPrompter()
    task = loop.create_task(prompter.confirm("Surprise?", "Nobody expects this."))
    qtbot.waitUntil(task.done, timeout=2000)
    with pytest.raises(AssertionError, match="unexpected question .*Surprise"):
        task.result()
