"""The window's shell: the menus XenCenter users know (built from the registered actions, so
every area's operations slot in), context menus that show what applies, the Tools, Window and
Help menus with their dialogs, and keyboard use (F6 between areas, Ctrl+F, accessible names).
"""

from __future__ import annotations

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication, QComboBox, QLabel, QPushButton, QTreeWidget

from tests.gui.fixtures import (  # noqa: F401 (app_fixture, loop_fixture: fixtures)
    App,
    app_fixture,
    click,
    loop_fixture,
    user_vms,
    vm,
    wait_dialog,
)
from xapiman.actions import REGISTRY
from xapiman.actions.base import YES, Action
from xapiman.gui import menus, shell_menus
from xapiman.gui.dialogs.about import AboutDialog, ShortcutsDialog
from xapiman.gui.dialogs.options import OptionsDialog
from xapiman.gui.prompter import SILENCED
from xapiman.sim.synth import generate_pool
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.gui

WAIT = 15_000


@pytest.fixture
def pool():
    with running_pool(hosts=2, vms=8, tls=True, speed=0,
                      db=generate_pool(2, 8, name="Shell pool")) as p:
        yield p


def texts(menu) -> list[str]:
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def test_the_menu_bar_is_the_one_xencenter_users_know(app: App) -> None:
    bar = app.window.menuBar()
    assert [a.text().replace("&", "") for a in bar.actions()] == [
        "File", "View", "Pool", "Server", "VM", "Storage", "Templates", "Tools", "Window",
        "Help"]
    # every registered action that works on an object of the tree is in a menu or the
    # toolbar (the others live where their objects are: alerts, users)
    shown = {a.objectName() for m in app.window.menus.values() for a in m.actions()}
    shown |= {a.objectName() for a in app.window.toolbar.actions()}
    tree_classes = {"vm", "host", "sr", "pool", "network"}
    missing = [aid for aid, action in REGISTRY.items() if f"action:{aid}" not in shown
               and action.classes & tree_classes]
    assert missing == []


class _Fake(Action):
    def __init__(self, aid: str, classes: set[str], destructive: bool = False) -> None:
        self.id, self.label, self.classes = aid, aid, frozenset(classes)
        self.destructive = destructive

    def check(self, target):
        return YES


def test_actions_of_other_areas_slot_into_their_menus() -> None:
    registry = dict(REGISTRY)
    for action in (_Fake("sr.reclaim_space", {"sr"}), _Fake("vm.fancy", {"vm"}),
                   _Fake("network.bond", {"network"}), _Fake("template.publish", {"vm"})):
        registry[action.id] = action
    storage = menus.menu_layout("storage", registry)
    assert "sr.reclaim_space" in storage
    vm_menu = menus.menu_layout("vm", registry)
    # a new VM action comes in its own section, before Delete, which stays last
    assert vm_menu[-1] == "vm.delete" and vm_menu.index("vm.fancy") < len(vm_menu) - 1
    assert vm_menu[vm_menu.index("vm.fancy") - 1] is None
    assert "network.bond" in menus.menu_layout("pool", registry)
    assert "template.publish" in menus.menu_layout("templates", registry)
    for layout in (storage, vm_menu):
        assert layout[0] is not None and layout[-1] is not None
        assert all(a is not None or b is not None for a, b in zip(layout, layout[1:], strict=False))


def test_context_menus_show_what_applies(app: App, pool, qtbot) -> None:
    app.connect(pool)
    window = app.window
    running = user_vms(pool, "Running")[0]
    app.select(running)
    app.wait_enabled("vm.shutdown")
    shown = texts(window.context_menu())
    assert "Shut Down" in shown and "Take Snapshot" in shown
    assert "Start" in shown  # greyed, but where users look for it
    start = next(a for a in window.context_menu().actions() if a.text() == "Start")
    assert not start.isEnabled() and "running" in start.toolTip()
    assert "Resume" not in shown and "Unpause" not in shown  # hidden: cannot apply now
    for window_wide in ("Connect All", "Disconnect All", "Add Server…", "Quit"):
        assert window_wide not in shown
    host = next(iter(pool.db.all("host")))
    app.select(host)
    shown = texts(window.context_menu())
    assert "Enter Maintenance Mode" in shown and "Shut Down" not in shown


def test_about_names_the_version_licence_and_server(app: App, pool, qtbot) -> None:
    app.connect(pool)
    dialog = shell_menus.show_about(app.window)
    assert isinstance(dialog, AboutDialog)
    table = dialog.findChild(QTreeWidget, "about_servers")
    rows = [(table.topLevelItem(i).text(0), table.topLevelItem(i).text(1))
            for i in range(table.topLevelItemCount())]
    host = pool.db.get(pool.db.get(next(iter(pool.db.all("pool"))), "pool")["master"], "host")
    version = host["software_version"]
    assert rows == [("Shell pool", f"{version['product_brand']} {version['product_version']} "
                                   f"(XAPI {version['xapi']})")]
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "GPL-3.0-or-later" in shown and "xapiman 0." in shown
    dialog.close()
    shortcuts = shell_menus.show_shortcuts(app.window)
    assert isinstance(shortcuts, ShortcutsDialog)
    table = shortcuts.findChild(QTreeWidget, "shortcuts")
    keys = {table.topLevelItem(i).text(0) for i in range(table.topLevelItemCount())}
    assert {"Ctrl+B", "Ctrl+E", "F2", "F6 / Shift+F6"} <= keys
    shortcuts.close()


def test_options_bring_questions_back_and_choose_the_language(app: App, qtbot) -> None:
    settings = app.window.settings
    settings.set(SILENCED, ["vm.shutdown", "vm.reboot"])
    dialog = shell_menus.show_options(app.window)
    assert isinstance(dialog, OptionsDialog)
    assert "Shut Down" in dialog.questions_label.text()
    click(qtbot, dialog.findChild(QPushButton, "ask_again"))
    box = dialog.findChild(QComboBox, "language")
    assert box.findData("fr") >= 0  # the French catalogue is offered
    box.setCurrentIndex(box.findData("fr"))
    dialog.accept()
    assert settings.get(SILENCED) == [] and settings.get("language") == "fr"


def test_the_window_menu_lists_other_windows(app: App, pool, qtbot) -> None:
    app.connect(pool)
    board = app.window.show_dashboard()
    qtbot.waitExposed(board)
    menu = app.window.menus["window"]
    menu.aboutToShow.emit()
    assert board.windowTitle() in texts(menu)
    item = next(a for a in menu.actions() if a.text() == board.windowTitle())
    item.trigger()
    board.close()


def test_f6_moves_between_the_areas_and_ctrl_f_searches(app: App, pool, qtbot) -> None:
    app.connect(pool)
    window = app.window
    app.select(user_vms(pool)[0])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    window.tree.setFocus()
    seen = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
        focus = QApplication.focusWidget()
        seen.append(next(name for name, w in (("tree", window.tree),
                                              ("search", window.search),
                                              ("tasks", window.task_panel),
                                              ("page", window.tabs))
                         if focus is w or w.isAncestorOf(focus)))
    assert seen == ["page", "tasks", "search", "tree"]
    qtbot.keyClick(window.tree, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.search
    assert window.tree.accessibleName() == "Resource tree"
    assert window.toolbar.accessibleName() == "Main toolbar"
    assert window.tabs.accessibleName()


def test_notifications_gather_alerts_events_and_task_history(app: App, pool, qtbot) -> None:
    window = app.window
    window.flow.open(app.profile(pool, "wrong"), "not the password")
    app.connect(pool)
    target = user_vms(pool, "Halted")[0]
    app.select(target)
    app.wait_enabled("vm.start")
    app.action("vm.start").trigger()
    app.wait_task(f"Start '{vm(pool, target)['name_label']}'")
    window.tasks.clear_finished()  # the history keeps what the task list lets go
    uuid = vm(pool, target)["uuid"]
    app.conn().call("message.create", "VM_CRASHED", 2, "VM", uuid, "It crashed (test).")
    view = window.notifications.show("events")
    qtbot.waitExposed(view)
    events = [view.event_view.model().index(r, 3).data()
              for r in range(view.event_view.model().rowCount())]
    assert "Connected." in events and any(e.startswith("Could not connect") for e in events)
    history = view.history_view.model()

    def started_vm_done() -> bool:
        rows = [tuple(history.index(r, c).data() for c in range(4))
                for r in range(history.rowCount())]
        return any(r[1] == "lab" and str(r[2]).startswith("Start '") and r[3] == "Done"
                   for r in rows)

    qtbot.waitUntil(started_vm_done, timeout=WAIT)  # the task's end reaches the history
    view.show_tab("alerts")
    qtbot.waitUntil(lambda: any("crashed" in (a.details + a.title).lower() or
                                a.name == "VM_CRASHED" for a in view.alerts.all_alerts()),
                    timeout=WAIT)
    # one pool's events only
    pool_box = view.findChild(QComboBox, "notificationsPool")
    pool_box.setCurrentIndex(pool_box.findData("wrong"))
    shown = view.event_view.model()
    assert shown.rowCount() >= 1
    assert all(shown.index(r, 1).data() == "wrong" for r in range(shown.rowCount()))
    assert view.windowTitle() in texts(_window_menu(window))
    view.close()


def _window_menu(window):
    menu = window.menus["window"]
    menu.aboutToShow.emit()
    return menu
