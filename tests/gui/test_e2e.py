"""End to end: the real main window against a simulated pool, driven through the UI.

Start, snapshot, migrate and shut down one VM with the keyboard shortcuts, the toolbar's
QActions and the real form dialogs, checking the simulator's state after each step; a failing
start; disabled actions and their reasons; two VMs started at once; a destructive action's
confirmation (real dialog and scripted prompter); the window's models under the model tester;
and the screenshots a person looks at (artifacts/e2e-*.png: 1366×768, and 150 % scale).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QImage
from PyQt6.QtWidgets import (
    QLabel,
    QLineEdit,
    QToolBar,
    QToolButton,
    QTreeWidget,
    QWizard,
)

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
from tests.gui.scripted_prompter import ScriptedPrompter
from xapiman.gui.dialogs import ConfirmDialog, FormDialog
from xapiman.gui.screenshot import save_screenshot
from xapiman.gui.wizards.migrate import MigrateWizard
from xapiman.sim.synth import generate_pool
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.gui

WAIT = 15_000
SCREEN = (1366, 768)


@pytest.fixture
def pool():
    with running_pool(hosts=2, vms=20, tls=True, speed=0,
                      db=generate_pool(2, 20, name="Demo pool")) as p:
        yield p


def host_name(pool, ref: str) -> str:
    return pool.db.get(ref, "host")["name_label"]


def test_start_snapshot_migrate_and_shut_down_through_the_ui(app: App, pool, qtbot) -> None:
    app.connect(pool)
    window = app.window
    target = user_vms(pool, "Halted")[0]
    name = vm(pool, target)["name_label"]
    assert app.parent_ref(target) == ""  # a halted VM hangs from the pool

    # Start with its keyboard shortcut: Running on the server, under its host in the tree.
    app.select(target)
    app.wait_enabled("vm.start")
    assert app.action("vm.start").shortcut().toString() == "Ctrl+B"
    app.press(Qt.Key.Key_B)
    qtbot.waitUntil(lambda: vm(pool, target)["power_state"] == "Running", timeout=WAIT)
    first_host = vm(pool, target)["resident_on"]
    qtbot.waitUntil(lambda: app.parent_ref(target) == first_host, timeout=WAIT)
    assert app.row(target).parent().data() == host_name(pool, first_host)
    assert app.selected_keys() == [("lab", "vm", target)]  # the moved row stays selected
    app.wait_task(f"Start '{name}'")

    # Start is now disabled, and says why (once the start operation is off the record).
    qtbot.waitUntil(lambda: "running" in app.action("vm.start").toolTip(), timeout=WAIT)
    assert not app.action("vm.start").isEnabled()

    # Take a snapshot through the real form: the name typed in is the snapshot's name.
    app.wait_enabled("vm.snapshot")
    app.action("vm.snapshot").trigger()
    form = wait_dialog(qtbot, FormDialog)
    assert form.windowTitle() == "Take Snapshot"
    name_edit = form.inputs["name"]
    assert isinstance(name_edit, QLineEdit)
    name_edit.selectAll()
    qtbot.keyClicks(name_edit, "before-upgrade")
    click(qtbot, form.ok_button)
    app.wait_task(f"Snapshot '{name}'")

    def snapshots() -> list[dict]:
        return [rec for rec in pool.db.all("VM").values()
                if rec["is_a_snapshot"] and rec["snapshot_of"] == target]

    qtbot.waitUntil(lambda: bool(snapshots()), timeout=WAIT)
    assert [s["name_label"] for s in snapshots()] == ["before-upgrade"]

    # Migrate to the other host: the wizard lists the current host, greyed out, with the
    # reason, proposes the other one, and the servers accept the move before it starts.
    app.wait_enabled("vm.migrate")
    app.action("vm.migrate").trigger()
    wizard = wait_dialog(qtbot, MigrateWizard)
    assert isinstance(wizard, MigrateWizard)
    page = wizard.currentPage()
    rows = {page.hosts.topLevelItem(i).text(0): page.hosts.topLevelItem(i).text(2)
            for i in range(page.hosts.topLevelItemCount())}
    assert rows[host_name(pool, first_host)] == "The VM is already on this server."
    other_host = next(h for h in pool.db.all("host") if h != first_host)
    assert page.hosts.currentItem().text(0) == host_name(pool, other_host)
    for _page in range(3):
        click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    summary = wizard.page_named("summary")
    qtbot.waitUntil(lambda: summary.refusals == [], timeout=WAIT)
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    qtbot.waitUntil(lambda: vm(pool, target)["resident_on"] == other_host, timeout=WAIT)
    qtbot.waitUntil(lambda: app.parent_ref(target) == other_host, timeout=WAIT)
    app.wait_task(f"'{name}' to {host_name(pool, other_host)}")

    # Shut it down with Ctrl+E (clean shutdown needs the guest tools to report first): asked
    # first, naming the VM, with "do not ask me again"; ticked, the next shut down goes ahead.
    app.wait_enabled("vm.shutdown")
    app.press(Qt.Key.Key_E)
    question = wait_dialog(qtbot, ConfirmDialog)
    assert f"'{name}'" in question.findChild(QLabel, "confirm_text").text()
    assert question.silence_check is not None and not question.danger
    question.silence_check.setChecked(True)
    click(qtbot, question.ok_button)
    qtbot.waitUntil(lambda: vm(pool, target)["power_state"] == "Halted", timeout=WAIT)
    qtbot.waitUntil(lambda: app.parent_ref(target) == "", timeout=WAIT)
    app.wait_task(f"Shut Down '{name}'")

    # The task panel lists each task with its final status.
    ours = [e for e in window.tasks.entries if e.handle is not None]
    assert [e.title.split(" '")[0] for e in ours] == ["Start", "Snapshot", "Migrate",
                                                      "Shut Down"]
    assert {app.task_row_text(e).split(":")[0] for e in ours} == {"Done"}
    assert all(app.task_row_text(e, column=3) == "100%" for e in ours)
    assert not window.banner.isVisible()


def make_unstartable(pool, ref: str) -> None:
    """No host has the memory this VM would need, so the server refuses to start it."""
    tib = 1024**4
    pool.db.update(ref, memory_static_max=4 * tib, memory_dynamic_max=4 * tib,
                   memory_dynamic_min=4 * tib)


def test_a_failed_start_shows_the_reason_and_keeps_the_code(app: App, pool, qtbot) -> None:
    """The server refuses a start; the notification bar says why in a sentence, the task
    keeps the raw code."""
    app.connect(pool)
    target = user_vms(pool, "Halted")[0]
    name = vm(pool, target)["name_label"]
    make_unstartable(pool, target)
    app.select(target)
    app.wait_enabled("vm.start")
    app.action("vm.start").trigger()
    entry = app.wait_task(f"Start '{name}'", status="failure")
    assert vm(pool, target)["power_state"] == "Halted"

    banner = app.window.banner
    qtbot.waitUntil(lambda: banner.isVisible() and name in banner.label.text(), timeout=WAIT)
    text = banner.label.text()
    assert text.startswith(f"Start '{name}': No server in the pool can run this VM"), text
    assert text.index("No server") < text.find("NO_HOSTS_AVAILABLE")  # the sentence first
    assert "NO_HOSTS_AVAILABLE" in banner.label.toolTip()
    status = app.task_row_text(entry)
    assert status.startswith("Failed: No server in the pool can run this VM")
    assert "NO_HOSTS_AVAILABLE" in app.task_row_text(entry, role=Qt.ItemDataRole.ToolTipRole)
    assert entry.details.startswith("NO_HOSTS_AVAILABLE")
    assert len(app.window.tasks.entries) == 1


class _Change:
    """The part of a CacheChange the task list reads."""

    def __init__(self, added=(), changed=(), removed=()) -> None:
        self._added, self._changed, self._removed = set(added), set(changed), set(removed)

    def added_in(self, cls: str) -> set:
        return self._added if cls == "task" else set()

    def changed_in(self, cls: str) -> set:
        return self._changed if cls == "task" else set()

    def removed_in(self, cls: str) -> set:
        return self._removed if cls == "task" else set()


class _Handle:
    """A finished task handle, as xapiman.xapi.tasks gives the action."""

    def __init__(self, ref: str, error) -> None:
        self.ref, self.error, self.status, self.progress = ref, error, "failure", 1.0

    def done(self) -> bool:
        return True

    def add_listener(self, _listener):
        return lambda: None


def test_task_failing_before_its_handle_arrives_still_reads_well(qtmodeltester) -> None:
    """The cache can report a task's failure before the action hands its task handle to
    the panel: the panel says it in a sentence, then again under the action's title."""
    from xapiman.gui.tasks_panel import TaskListModel
    from xapiman.xapi.errors import error_from_description

    model = TaskListModel()
    failures: list[tuple[str, str]] = []
    model.failed.connect(lambda e: failures.append((e.title, e.error)))
    ref = "OpaqueRef:task-1"
    record = {"name_label": "Async.VM.start", "status": "pending", "progress": 0.0,
              "allowed_operations": ["cancel"], "error_info": []}
    cache = {ref: record}

    class Cache:
        def record(self, cls: str, r: str):
            return cache.get(r) if cls == "task" else None

    model.update_from_cache("lab", _Change(added=[ref]), Cache())
    record.update(status="failure", progress=1.0, error_info=["NO_HOSTS_AVAILABLE"])
    model.update_from_cache("lab", _Change(changed=[ref]), Cache())
    qtmodeltester.check(model)
    [(title, error)] = failures
    assert title == "VM.start"
    assert error.startswith("No server in the pool can run this VM")
    [entry] = model.entries
    assert entry.details == "NO_HOSTS_AVAILABLE"

    model.add_started("lab", "Start 'web-01'", _Handle(ref, error_from_description(
        ["NO_HOSTS_AVAILABLE"])))
    assert len(model.entries) == 1
    assert failures[-1][0] == "Start 'web-01'"
    assert failures[-1][1].startswith("No server in the pool can run this VM")
    qtmodeltester.check(model)


def test_task_destroyed_before_its_handle_arrives_ends_as_its_handle_says(
        qtmodeltester) -> None:
    """A failed task can be destroyed (our own tracker cleans it up) before the list reads
    its record: the list only sees it come and go. The handle, arriving after, tells how it
    ended, and the failure is announced under the action's title."""
    from xapiman.gui.tasks_panel import TaskListModel
    from xapiman.xapi.errors import error_from_description

    model = TaskListModel()
    failures: list[tuple[str, str]] = []
    model.failed.connect(lambda e: failures.append((e.title, e.error)))
    ref = "OpaqueRef:task-1"
    cache = {ref: {"name_label": "Async.VM.start", "status": "pending", "progress": 0.0,
                   "allowed_operations": ["cancel"], "error_info": []}}

    class Cache:
        def record(self, cls: str, r: str):
            return cache.get(r) if cls == "task" else None

    model.update_from_cache("lab", _Change(added=[ref]), Cache())
    del cache[ref]
    model.update_from_cache("lab", _Change(changed=[ref], removed=[ref]), Cache())
    [entry] = model.entries
    assert entry.status == "ended" and failures == []

    model.add_started("lab", "Start 'web-01'", _Handle(ref, error_from_description(
        ["NO_HOSTS_AVAILABLE"])))
    assert model.entries == [entry] and entry.ended is not None
    assert entry.status == "failure" and entry.details == "NO_HOSTS_AVAILABLE"
    [(title, error)] = failures
    assert title == "Start 'web-01'"
    assert error.startswith("No server in the pool can run this VM")
    qtmodeltester.check(model)


def test_disabled_actions_say_why(app: App, pool, qtbot) -> None:
    app.connect(pool)
    qtbot.waitUntil(lambda: app.selected_keys() == [("lab", "connection", "")],
                    timeout=WAIT)  # the pool is selected once loaded
    assert app.action("vm.start").toolTip() == "Start: Start does not apply to this object. (Ctrl+B)"

    running = user_vms(pool, "Running")[0]
    app.select(running)
    qtbot.waitUntil(lambda: app.action("vm.shutdown").isEnabled(), timeout=WAIT)
    start = app.action("vm.start")
    assert not start.isEnabled()
    assert start.toolTip() == "Start: Not possible while the VM is running. (Ctrl+B)"

    halted = user_vms(pool, "Halted")[0]
    app.select(halted)
    qtbot.waitUntil(lambda: app.action("vm.start").isEnabled(), timeout=WAIT)
    shutdown = app.action("vm.shutdown")
    assert not shutdown.isEnabled()
    assert "shut down" in shutdown.toolTip()
    assert not app.action("vm.suspend").isEnabled()
    assert app.action("vm.suspend").toolTip().startswith("Suspend: Not possible")

    # Pressing a disabled action's shortcut does nothing on the server.
    before = vm(pool, halted)["power_state"]
    app.press(Qt.Key.Key_E)
    assert not app.window.binder.busy  # a shortcut that ran would have started its action
    assert vm(pool, halted)["power_state"] == before


def test_two_selected_vms_start_together(app: App, pool, qtbot) -> None:
    app.connect(pool)
    first, second = user_vms(pool, "Halted")[:2]
    app.select(first, second)
    app.wait_enabled("vm.start")
    app.press(Qt.Key.Key_B)
    qtbot.waitUntil(lambda: all(vm(pool, r)["power_state"] == "Running"
                                for r in (first, second)), timeout=WAIT)
    for ref in (first, second):
        host = vm(pool, ref)["resident_on"]
        qtbot.waitUntil(lambda r=ref, h=host: app.parent_ref(r) == h, timeout=WAIT)
        app.wait_task(f"Start '{vm(pool, ref)['name_label']}'")
    assert len([e for e in app.window.tasks.entries if e.title.startswith("Start ")]) == 2


def test_force_shutdown_asks_first_in_the_real_dialog(app: App, pool, qtbot) -> None:
    """A destructive action: the real confirmation names the VMs; Enter means Cancel."""
    app.connect(pool)
    running = user_vms(pool, "Running")[:2]
    app.select(*running)
    app.wait_enabled("vm.force_shutdown")
    app.action("vm.force_shutdown").trigger()
    dialog = wait_dialog(qtbot, ConfirmDialog)
    assert dialog.danger and dialog.cancel_button.isDefault()
    text = dialog.findChild(QLabel, "confirm_text").text()
    assert all(vm(pool, r)["name_label"] in text for r in running)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # a stray Enter destroys nothing
    qtbot.waitUntil(lambda: not open_dialogs(ConfirmDialog), timeout=WAIT)
    qtbot.waitUntil(lambda: not app.window.binder.busy, timeout=WAIT)  # the action ended
    assert not [e for e in app.window.tasks.entries if e.handle is not None]
    assert all(vm(pool, r)["power_state"] == "Running" for r in running)

    app.action("vm.force_shutdown").trigger()
    dialog = wait_dialog(qtbot, ConfirmDialog)
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: all(vm(pool, r)["power_state"] == "Halted" for r in running),
                    timeout=WAIT)
    for ref in running:
        qtbot.waitUntil(lambda r=ref: app.parent_ref(r) == "", timeout=WAIT)


def test_force_shutdown_with_the_scripted_prompter(app: App, pool, qtbot) -> None:
    """The sanctioned seam: the binder's prompter replaced by a scripted one."""
    app.connect(pool)
    running = user_vms(pool, "Running")[:2]
    prompter = ScriptedPrompter.with_answers(False, True)
    app.window.binder._prompter = prompter
    app.select(*running)
    app.wait_enabled("vm.force_shutdown")

    app.action("vm.force_shutdown").trigger()  # answered No: nothing happens
    qtbot.waitUntil(lambda: len(prompter.asked) == 1, timeout=WAIT)
    qtbot.waitUntil(lambda: not app.window.binder.busy, timeout=WAIT)  # the action ended
    assert not [e for e in app.window.tasks.entries if e.handle is not None]
    assert all(vm(pool, r)["power_state"] == "Running" for r in running)

    app.action("vm.force_shutdown").trigger()  # answered Yes
    qtbot.waitUntil(lambda: all(vm(pool, r)["power_state"] == "Halted" for r in running),
                    timeout=WAIT)
    question = prompter.asked[0]
    assert question.kind == "confirm" and question.danger
    assert all(vm(pool, r)["name_label"] in question.text for r in running)
    assert not prompter.answers


# -- screenshots ----------------------------------------------------------------------------

def fits_without_clipping(window) -> None:
    """What a 1366×768 screen must show whole: every toolbar button, every tab title."""
    toolbar = window.findChild(QToolBar, "mainToolbar")
    extension = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is None or not extension.isVisible(), "toolbar buttons are hidden"
    bar = window.tabs.tabBar()
    assert bar.sizeHint().width() <= window.tabs.width(), "tab titles need scroll buttons"
    for i in range(bar.count()):
        assert bar.tabRect(i).width() >= bar.fontMetrics().horizontalAdvance(bar.tabText(i))
    header = window.header_title
    assert header.fontMetrics().horizontalAdvance(header.text()) <= header.width()


def test_screenshots_of_the_main_window(app: App, pool, qtbot, artifacts_dir) -> None:
    """Saved for a person to look at: main view, VM General, VM Snapshots (with a snapshot)."""
    window = app.window
    window.resize(*SCREEN)
    app.connect(pool)
    assert (window.width(), window.height()) == SCREEN
    save_screenshot(window, artifacts_dir / "e2e-main-view.png")

    target = next(r for r in user_vms(pool, "Running") if vm(pool, r)["name_label"] == "prod-db-01")
    app.select(target)
    qtbot.waitUntil(lambda: window.header_title.text() == "prod-db-01", timeout=WAIT)
    app.window.binder._prompter = ScriptedPrompter.with_answers(
        {"name": "before-upgrade", "memory": False})
    app.wait_enabled("vm.snapshot")
    app.action("vm.snapshot").trigger()
    app.wait_task("Snapshot 'prod-db-01'")
    assert window.show_tab("General")
    qtbot.wait(200)
    fits_without_clipping(window)
    save_screenshot(window, artifacts_dir / "e2e-vm-general.png")

    assert window.show_tab("Snapshots"), "the VM has no Snapshots tab"
    page = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: any(item.text(0) == "before-upgrade"
                                for item in page.findChild(QTreeWidget, "snapshotTree")
                                .findItems("*", Qt.MatchFlag.MatchWildcard
                                           | Qt.MatchFlag.MatchRecursive)),
                    timeout=WAIT)
    qtbot.wait(200)
    fits_without_clipping(window)
    save_screenshot(window, artifacts_dir / "e2e-vm-snapshots.png")


def test_models_of_a_loaded_window_pass_the_model_tester(app: App, pool, qtbot,
                                                         qtmodeltester) -> None:
    """The tree, its search filter and the task list, after real work went through them."""
    app.connect(pool)
    first, second = user_vms(pool, "Halted")[:2]
    app.select(first, second)
    app.wait_enabled("vm.start")
    app.action("vm.start").trigger()
    qtbot.waitUntil(lambda: len([e for e in app.window.tasks.entries if e.ended]) == 2,
                    timeout=WAIT)
    app.window.search.setText("prod")
    qtmodeltester.check(app.window.model)
    qtmodeltester.check(app.window.filter)
    qtmodeltester.check(app.window.tasks)


def test_hidpi_screenshot_of_the_demo_window(tmp_path, artifacts_dir) -> None:
    """The demo app at 150 % scale, in its own process (the scale is fixed at Qt's start)."""
    out = artifacts_dir / "e2e-hidpi-snapshots.png"
    out.unlink(missing_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR="1.5")
    done = subprocess.run(
        [sys.executable, "-m", "xapiman.cli", "--demo", "--demo-state",
         str(tmp_path / "pool.json"), "--select", "prod-db-01", "--tab", "Snapshots",
         "--screenshot", str(out)],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    image = QImage(str(out))
    assert not image.isNull()
    assert image.devicePixelRatio() in (1.0, 1.5)
    assert image.width() >= 1.5 * 1280 - 2  # drawn at the scale, not blown up afterwards
