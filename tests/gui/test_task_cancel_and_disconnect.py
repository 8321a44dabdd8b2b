"""Cancelling a running task from the task list; disconnecting keeps the pool's row."""

from __future__ import annotations

from PyQt6.QtCore import QItemSelectionModel

from tests.gui.fixtures import CONN, app_fixture, loop_fixture, user_vms  # noqa: F401
from xapiman.gui.screenshot import save_screenshot
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


def test_another_clients_task_that_ends_and_goes_between_two_answers_ends_in_the_list(
        app, qtbot):
    """xapi coalesces: a task that finished and was destroyed between two event.from answers
    arrives as its deletion alone. The list must not leave it running (nor offer Cancel)."""
    with running_pool(hosts=1, vms=3) as pool:
        app.connect(pool)
        task = pool.db.create("task", {"name_label": "Async.VM.export", "status": "pending",
                                       "allowed_operations": ["cancel"]})
        qtbot.waitUntil(lambda: app.window.tasks.entry(CONN, task) is not None, timeout=5000)
        entry = app.window.tasks.entry(CONN, task)
        assert app.task_row_text(entry) == "Running" and entry.cancellable
        with pool.db.lock:  # one event.from answer sees both
            pool.db.update(task, status="success", progress=1.0)
            pool.db.destroy(task)
        qtbot.waitUntil(lambda: entry.ended is not None, timeout=5000)
        assert entry.status == "ended" and not entry.cancellable
        assert app.task_row_text(entry) == "Ended"


def test_tasks_end_as_lost_when_their_connection_closes(app, qtbot, artifacts_dir):
    """Ours (followed by a handle) and another client's: both reach a final state."""
    with running_pool(hosts=1, vms=6, speed=2.0) as pool:  # a clean shutdown takes 2 s
        app.connect(pool)
        vm = next(ref for ref, r in pool.db.all("VM").items()
                  if r["power_state"] == "Running" and not r["is_control_domain"])
        conn = app.conn()
        ours = app.window.tasks.add_started(CONN, "Shut down test VM",
                                            conn.call_async("VM.clean_shutdown", vm))
        task = pool.db.create("task", {"name_label": "Async.VM.export", "status": "pending"})
        qtbot.waitUntil(lambda: app.window.tasks.entry(CONN, task) is not None, timeout=5000)
        theirs = app.window.tasks.entry(CONN, task)
        assert ours.ended is None and theirs.ended is None
        app.window.flow.disconnect(CONN)
        qtbot.waitUntil(lambda: ours.ended is not None and theirs.ended is not None,
                        timeout=5000)
        assert (ours.status, theirs.status) == ("lost", "lost")
        assert app.task_row_text(ours) == "Lost: the connection was closed while the task ran"
        assert app.task_row_text(theirs) == ("Lost: the connection was closed before the task "
                                             "ended")
        save_screenshot(app.window, artifacts_dir / "tasks-lost-on-disconnect.png")
