"""Cancelling a running task from the task list; disconnecting keeps the pool's row."""

from __future__ import annotations

from PyQt6.QtCore import QItemSelectionModel

from tests.gui.fixtures import CONN, app_fixture, loop_fixture, user_vms  # noqa: F401
from xapiman.sim.testing import running_pool


def test_cancel_a_running_start_from_the_task_list(app, qtbot):
    with running_pool(hosts=2, vms=6, speed=0.5) as pool:  # a start takes about 12 s
        app.connect(pool)
        vm = user_vms(pool, "Halted")[0]
        conn = app.conn()
        handle = conn.call_async("VM.start", vm, False, False)
        entry = app.window.tasks.add_started(CONN, "Start test VM", handle)
        row = app.window.tasks.entries.index(entry)
        panel = app.window.task_panel
        panel.selectionModel().select(panel.model().index(row, 0),
                                      QItemSelectionModel.SelectionFlag.ClearAndSelect
                                      | QItemSelectionModel.SelectionFlag.Rows)
        panel.cancel_action.trigger()
        qtbot.waitUntil(lambda: entry.ended is not None, timeout=15_000)
        assert entry.status == "cancelled"
        assert app.window.tasks.data(app.window.tasks.index(row, 2)) == "Cancelled"
        assert pool.db.get(vm)["power_state"] == "Halted"


def test_disconnect_keeps_the_row_and_reconnect_all_brings_the_pool_back(app, qtbot):
    with running_pool(hosts=1, vms=3) as pool:
        app.connect(pool)
        app.window.flow.disconnect(CONN)
        qtbot.waitUntil(lambda: app.row_text().endswith("(disconnected)")
                        and app.window.model.rowCount(app.row("")) == 0, timeout=10_000)
        assert app.row("").isValid()  # the pool stays listed, disconnected
        app.window.reconnect_all()
        app.wait_loaded()
        assert app.row_text() == pool.sim.pool_name()
        assert app.window.model.rowCount(app.row("")) > 0


def test_saved_servers_are_listed_and_connect_with_the_password_asked(app, qtbot):
    from tests.gui.fixtures import open_dialogs
    from xapiman.gui.dialogs.form import FormDialog

    with running_pool(hosts=1, vms=3, tls=True) as pool:
        app.profile(pool)  # saved, pinned, no password anywhere
        import asyncio

        asyncio.ensure_future(app.window.flow.reconnect_saved(app.window.show_disconnected))
        qtbot.waitUntil(lambda: app.row_text().endswith("(disconnected)"), timeout=5000)
        app.window.reconnect_all()
        qtbot.waitUntil(lambda: bool(open_dialogs(FormDialog)), timeout=5000)
        dialog = open_dialogs(FormDialog)[0]
        edit = dialog.inputs["password"]
        assert edit.echoMode() == edit.EchoMode.Password
        qtbot.keyClicks(edit, pool.password)
        dialog.ok_button.click()
        app.wait_loaded()
        assert app.row_text() == pool.sim.pool_name()
