"""The Alerts view in the real main window: every pool's alerts, filters, the unread count, a
notification for a new urgent alert, dismissing through the shared action; the all-pools
dashboard from the View menu."""

from __future__ import annotations

import asyncio

import pytest
from PyQt6.QtCore import QItemSelectionModel

from tests.gui.fixtures import (  # noqa: F401 (app_fixture, loop_fixture: fixtures)
    App,
    app_fixture,
    loop_fixture,
)
from tests.gui.scripted_prompter import ScriptedPrompter
from xapiman.gui.alerts.model import AlertsModel
from xapiman.gui.screenshot import save_screenshot
from xapiman.gui.tree.model import KeyRole
from xapiman.sim.testing import running_pool

pytestmark = [pytest.mark.gui, pytest.mark.timeout(90)]
WAIT = 15_000


@pytest.fixture
def pool():
    with running_pool(hosts=2, vms=10) as p:
        yield p


def server_alerts(pool) -> dict[str, dict]:
    return {rec["uuid"]: rec for rec in pool.db.all("message").values()}


def shown_uuids(view) -> set[str]:
    return {a.uuid for a in view.model.alerts}


def test_alerts_arrive_are_counted_announced_filtered_and_dismissed(app: App, pool, qtbot,
                                                                   artifacts_dir,
                                                                   qtmodeltester):
    app.connect(pool)
    window = app.window
    view = window.alerts_view
    qtbot.waitUntil(lambda: shown_uuids(view) == set(server_alerts(pool)), timeout=WAIT)
    assert view.unread == 0  # what the pool had when it connected is not news
    qtmodeltester.check(view.model)
    # a VM crashes: a new alert of high priority
    vm = next(r for r, v in pool.db.all("VM").items()
              if v["power_state"] == "Running" and not v["is_control_domain"])
    name = pool.db.get(vm, "VM")["name_label"]
    window.tasks_dock.raise_()  # the Alerts view is not in sight
    pool.sim.alerts.crash_vm(vm)
    qtbot.waitUntil(lambda: view.unread == 1, timeout=WAIT)
    assert window.alerts_dock.windowTitle() == "Alerts (1)"
    assert window.alerts_status.text() == "1 new alerts"
    assert window.banner.isVisible() and "VM crashed" in window.banner.label.text()
    assert name in window.banner.label.text()
    crashed = next(a for a in view.model.alerts if a.name == "VM_CRASHED")
    assert (crashed.priority_text, crashed.about, crashed.title) == ("Major", name, "VM crashed")
    # looking at the view reads them
    window.alerts_dock.raise_()
    qtbot.waitUntil(lambda: view.unread == 0, timeout=WAIT)
    assert window.alerts_dock.windowTitle() == "Alerts"
    # filters: priority, text, pool, time
    view.priority_box.setCurrentIndex(view.priority_box.findData(2))
    assert shown_uuids(view) == {u for u, r in server_alerts(pool).items()
                                 if int(r["priority"]) <= 2}
    view.priority_box.setCurrentIndex(0)
    view.search.setText(name)
    assert crashed.uuid in shown_uuids(view)
    assert all(name in (a.about + a.details + a.title) for a in view.model.alerts)
    view.search.clear()
    view.pool_box.setCurrentIndex(view.pool_box.findData("lab"))
    assert shown_uuids(view) == set(server_alerts(pool))
    view.time_box.setCurrentIndex(1)  # the last hour: all of them were made just now
    assert shown_uuids(view) == set(server_alerts(pool))
    window.resize(1366, 768)
    save_screenshot(window, artifacts_dir / "alerts-view.png")
    # dismiss the crash alert through the action, answering its question
    prompter = ScriptedPrompter.with_answers(False, True)
    window.binder._prompter = prompter
    row = next(i for i in range(view.proxy.rowCount())
               if view.proxy.index(i, 4).data() == "VM crashed")
    view.table.selectionModel().select(
        view.proxy.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    assert [a.uuid for a in view.selected()] == [crashed.uuid]
    asked = view.dismiss_selected()  # answered No: nothing goes
    assert isinstance(asked, asyncio.Task)
    qtbot.waitUntil(asked.done, timeout=WAIT)  # the action ended
    assert len(prompter.asked) == 1
    assert crashed.uuid in server_alerts(pool)
    assert prompter.asked[0].danger
    view.dismiss_selected()  # answered Yes
    qtbot.waitUntil(lambda: crashed.uuid not in server_alerts(pool), timeout=WAIT)
    qtbot.waitUntil(lambda: crashed.uuid not in shown_uuids(view), timeout=WAIT)
    # dismiss everything shown
    prompter.add([True])
    view.dismiss_shown()
    qtbot.waitUntil(lambda: not server_alerts(pool), timeout=WAIT)
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=WAIT)
    assert "0 of 0" in view.summary.text()


def test_the_all_pools_dashboard_from_the_view_menu(app: App, pool, qtbot):
    app.connect(pool)
    board_window = app.window.show_dashboard()
    board = board_window.dashboard
    qtbot.waitUntil(lambda: board.hosts.rowCount() == 2 and board.vms.rowCount() > 0,
                    timeout=WAIT)
    vm_row = board.vms.rows[0]
    board_window._open(board.vms.index(0, 0), app.window.select)
    assert app.selected_keys()[0][2] == vm_row.ref
    board_window.close()


def test_an_empty_alerts_model_is_valid(qtmodeltester):
    qtmodeltester.check(AlertsModel())


def test_cpu_and_memory_bars_in_the_tree(app: App, pool, qtbot, artifacts_dir):
    app.connect(pool)
    window = app.window
    bars = window.tree_bars
    vm = next(r for r, v in pool.db.all("VM").items()
              if v["power_state"] == "Running" and not v["is_control_domain"])
    key = app.row(vm).data(KeyRole)
    assert bars.load_of(key) is None  # off by default: nothing fetched
    client = window.metrics.client("lab", app.conn())
    assert client.watched_hosts() == []
    window.toggles_bars.setChecked(True)
    qtbot.waitUntil(lambda: bars.load_of(key) is not None, timeout=WAIT)
    load = bars.load_of(key)
    assert 0 <= load.cpu <= 1 and 0 < load.memory <= load.memory_total
    host = pool.db.get(vm, "VM")["resident_on"]
    assert bars.load_of(app.row(host).data(KeyRole)) is not None
    window.resize(1366, 768)
    window.tree.expandAll()
    save_screenshot(window, artifacts_dir / "tree-load-bars.png")
    window.toggles_bars.setChecked(False)
    assert bars.load_of(key) is None
    qtbot.waitUntil(lambda: client.watched_hosts() == [], timeout=WAIT)
