"""No dead ends: what a new user hits in the first hour, each driven through the real window
against a simulated pool.

A wrong password is corrected from the pool's row; a standalone server shows its host's pages
and actions; Shut Down, Reboot and Suspend ask first (naming the VMs, "do not ask me again"
kept in the settings) while forced ones always ask; Migrate says why no server can take a VM;
the search keeps a selection that still matches; the empty Folders and Tags views say how to
use them; a pool that is not connected shows its state and the way to connect.
"""

from __future__ import annotations

import pytest
from PyQt6.QtWidgets import QLabel, QLineEdit

from tests.gui.fixtures import (  # noqa: F401 (app_fixture, loop_fixture: fixtures)
    App,
    app_fixture,
    click,
    loop_fixture,
    open_dialogs,
    user_vms,
    vm,
    wait_dialog,
)
from xapiman.gui.connection_page import ConnectionStatusPage
from xapiman.gui.dialogs import ConfirmDialog, FormDialog
from xapiman.gui.prompter import SILENCED
from xapiman.gui.tree import layout
from xapiman.sim.synth import generate_pool
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.gui

WAIT = 15_000


@pytest.fixture
def pool():
    with running_pool(hosts=2, vms=8, tls=True, speed=0,
                      db=generate_pool(2, 8, name="Dead ends")) as p:
        yield p


def menu_texts(menu) -> list[str]:
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def test_a_wrong_password_is_corrected_from_the_pool_row(app: App, pool, qtbot) -> None:
    window = app.window
    window.flow.open(app.profile(pool), "not the password")
    qtbot.waitUntil(lambda: (window.model.entry("lab") or None) is not None
                    and window.model.entry("lab").state == "failed", timeout=WAIT)
    # the notification offers the fix
    qtbot.waitUntil(lambda: window.banner.action_button.isVisible(), timeout=WAIT)
    assert "could not connect" in window.banner.label.text()
    assert window.banner.action_button.text() == "Enter Another Password…"
    # the row's page says what is wrong and has the buttons
    app.select("")
    page = window.tabs.currentWidget()
    assert isinstance(page, ConnectionStatusPage)
    assert page.state_label.text().startswith("Could not connect")
    assert page.buttons["enter_password"].isEnabled()
    # the row's context menu: the connection's commands, no VM or window-wide items
    menu = window.context_menu()
    texts = menu_texts(menu)
    assert "Connect with Another Password…" in texts and "Remove from xapiman…" in texts
    assert "Connect All" not in texts and "Start" not in texts
    # entering the right password connects
    click(qtbot, window.banner.action_button)
    form = wait_dialog(qtbot, FormDialog)
    form.findChild(QLineEdit, "field_password").setText(pool.password)
    click(qtbot, form.ok_button)
    app.wait_loaded()
    assert window.model.entry("lab").state == "connected"
    assert not any(isinstance(p, ConnectionStatusPage) for p in window._pages)


@pytest.fixture
def standalone():
    with running_pool(hosts=1, vms=3, tls=True, speed=0,
                      db=generate_pool(1, 3, name="")) as p:
        yield p


def test_a_standalone_server_shows_its_host(app: App, standalone, qtbot) -> None:
    app.connect(standalone)
    window = app.window
    host = next(iter(standalone.db.all("host")))
    host_name = standalone.db.get(host, "host")["name_label"]
    app.select("")
    qtbot.waitUntil(lambda: window.header_title.text() == host_name, timeout=WAIT)
    titles = window.tab_titles()
    assert "NICs" in titles and "Summary" not in titles  # the host's pages, not the pool's
    targets = window.targets()
    assert [(t.cls, t.ref) for t in targets] == [("host", host)]
    texts = menu_texts(window.context_menu())
    assert "Reboot Server" in texts and "Enter Maintenance Mode" in texts
    assert "Disconnect" in texts


def test_shut_down_reboot_and_suspend_ask_first(app: App, pool, qtbot) -> None:
    app.connect(pool)
    window = app.window
    running = [r for r in user_vms(pool, "Running")
               if "clean_reboot" in vm(pool, r)["allowed_operations"]][:2]
    names = [vm(pool, r)["name_label"] for r in running]
    app.select(*running)
    app.wait_enabled("vm.reboot")
    before = {r: vm(pool, r)["domid"] for r in running}

    # asked, naming every VM; cancelling changes nothing
    app.action("vm.reboot").trigger()
    question = wait_dialog(qtbot, ConfirmDialog)
    text = question.findChild(QLabel, "confirm_text").text()
    assert all(f"'{n}'" in text for n in names)
    click(qtbot, question.cancel_button)
    qtbot.waitUntil(lambda: not window.binder.busy, timeout=WAIT)  # the action ended
    assert not app.tasks_titled("Reboot")

    # "do not ask me again": kept in the settings, the next one goes ahead at once
    app.action("vm.reboot").trigger()
    question = wait_dialog(qtbot, ConfirmDialog)
    question.silence_check.setChecked(True)
    click(qtbot, question.ok_button)
    for name in names:
        app.wait_task(f"Reboot '{name}'")
    assert "vm.reboot" in window.settings.get(SILENCED, [])
    assert all(vm(pool, r)["domid"] != before[r] for r in running)
    app.wait_enabled("vm.reboot")
    app.action("vm.reboot").trigger()
    qtbot.waitUntil(lambda: len(app.tasks_titled(f"Reboot '{names[0]}'")) == 2, timeout=WAIT)
    assert not open_dialogs(ConfirmDialog)

    # Shut Down still asks (its own question), and the forced one always asks, without the
    # "do not ask me again" box
    app.wait_enabled("vm.shutdown")
    app.action("vm.shutdown").trigger()
    question = wait_dialog(qtbot, ConfirmDialog)
    assert question.silence_check is not None
    click(qtbot, question.cancel_button)
    app.wait_enabled("vm.force_reboot")
    app.action("vm.force_reboot").trigger()
    forced = wait_dialog(qtbot, ConfirmDialog)
    assert forced.silence_check is None and forced.danger
    click(qtbot, forced.cancel_button)


def test_migrate_says_why_no_server_can_take_the_vm(app: App, standalone, qtbot) -> None:
    app.connect(standalone)
    running = user_vms(standalone, "Running")[0]
    app.select(running)
    app.wait_enabled("vm.shutdown")
    migrate = app.action("vm.migrate")
    assert not migrate.isEnabled()
    assert "There is no other server to move it to: connect another pool" in migrate.toolTip()


def test_search_keeps_a_selection_that_still_matches(app: App, pool, qtbot) -> None:
    app.connect(pool)
    window = app.window
    target = user_vms(pool, "Halted")[0]
    name = vm(pool, target)["name_label"]
    app.select(target)
    window.search.setText(name[:-1])
    qtbot.waitUntil(lambda: window.filter.active, timeout=WAIT)
    assert app.selected_keys() == [("lab", "vm", target)]
    assert window.header_title.text() == name
    window.search.setText("")
    assert app.selected_keys() == [("lab", "vm", target)]


@pytest.fixture
def plain_pool():
    """A pool whose objects have no folders and no tags."""
    db = generate_pool(1, 4, name="Plain")
    for cls in ("VM", "host", "SR", "network"):
        for ref, rec in db.all(cls).items():
            other = {k: v for k, v in rec["other_config"].items() if k != "folder"}
            db.update(ref, other_config=other, tags=[])
    with running_pool(hosts=1, vms=4, tls=True, speed=0, db=db) as p:
        yield p


def test_empty_folder_and_tag_views_say_how_to_use_them(app: App, plain_pool, qtbot) -> None:
    app.connect(plain_pool)
    window = app.window
    hint = window.tree_hint.label
    assert not hint.isVisible()
    window.set_view(layout.FOLDERS)
    qtbot.waitUntil(hint.isVisible, timeout=WAIT)
    assert "Move to Folder" in hint.text()
    window.set_view(layout.TAGS)
    qtbot.waitUntil(lambda: "Edit Tags" in hint.text(), timeout=WAIT)
    # a tag appears: the view shows it, the hint goes
    target = user_vms(plain_pool)[0]
    app.conn().call("VM.add_tags", target, "backup")
    qtbot.waitUntil(lambda: not hint.isVisible(), timeout=WAIT)
