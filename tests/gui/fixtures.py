"""Fixtures and helpers for tests that drive the real main window against a simulator.

Use them from a test module by importing the fixture functions (pytest finds fixtures
imported into a module): `from tests.gui.fixtures import app_fixture, loop_fixture  # noqa`.
They register as `app` and `gui_loop`.

`gui_loop` is an asyncio loop (qasync) that counts as running while qtbot waits, so that the
window's actions, which run as asyncio tasks, make progress inside `qtbot.waitUntil`.
`app` builds what `xapiman.gui.app.Session` builds (profiles in tmp_path, a password store
without a keyring, the pool manager, the bridge and the main window) without the demo pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import qasync
from keyring.backends import fail
from PyQt6.QtCore import QAbstractItemModel, QItemSelectionModel, QModelIndex, Qt
from PyQt6.QtTest import QAbstractItemModelTester
from PyQt6.QtWidgets import QApplication, QDialog, QWidget

from xapiman.gui.bridge import PoolBridge
from xapiman.gui.main_window import MainWindow
from xapiman.gui.selection import selected_keys
from xapiman.gui.tree.model import KeyRole
from xapiman.pools.manager import PoolManager
from xapiman.pools.profiles import Profile, ProfileStore
from xapiman.pools.secrets import PasswordStore
from xapiman.sim.testing import RunningPool

CONN = "lab"
LOAD_TIMEOUT_MS = 20_000
TASK_TIMEOUT_MS = 15_000


@pytest.fixture(name="gui_loop")
def loop_fixture(qapp, qtbot) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop marked as running; its work happens inside qtbot's waits.

    On teardown the tasks left over are cancelled and given a moment to end. The loop is
    then closed without `loop.stop()`: on a qasync loop that calls QApplication.exit(), which
    leaves Qt's quit flag set and makes every later qtbot wait of the session return at once.
    """
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        leftovers = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in leftovers:
            task.cancel()
        if leftovers:
            qtbot.waitUntil(lambda: all(t.done() for t in leftovers), timeout=3000)
        try:
            qapp.aboutToQuit.disconnect(loop._after_run_forever)
        except (TypeError, RuntimeError):
            pass
        loop._QEventLoop__is_running = False  # what stop() would do, without quitting Qt
        loop.close()
        asyncio.events._set_running_loop(None)
        asyncio.set_event_loop(None)


@dataclass
class App:
    """The desktop app's parts, as `Session.start` wires them (see xapiman/gui/app.py).

    Attributes:
        window: the main window; manager: the open connections; store: the profiles (in a
            temporary folder); passwords: a store whose keyring is unavailable.
    """

    window: MainWindow
    manager: PoolManager
    bridge: PoolBridge
    store: ProfileStore
    passwords: PasswordStore
    qtbot: object

    # -- connecting -------------------------------------------------------------------------

    def profile(self, pool: RunningPool, name: str = CONN, *, pinned: bool = True,
                fingerprint: str | None = None, save: bool = True) -> Profile:
        """A profile for `pool` (pinned to its certificate unless told otherwise)."""
        pin = fingerprint if fingerprint is not None else (pool.fingerprint if pinned else None)
        profile = Profile(name, pool.url, user=pool.user, use_tls=pool.url.startswith("https"),
                          pinned_fingerprint=pin)
        if save:
            self.store.add(profile)
        return profile

    def connect(self, pool: RunningPool, name: str = CONN) -> None:
        """Open a pinned profile for `pool` through the window's flow and wait for the tree."""
        self.window.flow.open(self.profile(pool, name), pool.password)
        self.wait_loaded(name)

    def wait_loaded(self, name: str = CONN, timeout: int = LOAD_TIMEOUT_MS) -> None:
        def loaded() -> bool:
            entry = self.window.model.entry(name)
            return (entry is not None and entry.state == "connected"
                    and bool(entry.placed) and not entry.loading)  # every object placed

        self.qtbot.waitUntil(loaded, timeout=timeout)
        # The window expands the new pool's row (and selects it) on the next turn of the loop.
        window = self.window
        self.qtbot.waitUntil(lambda: window.tree.isExpanded(
            window.filter.mapFromSource(self.row("", name))), timeout=timeout)

    def conn(self, name: str = CONN):
        conn = self.manager.get(name)
        assert conn is not None, f"no connection {name!r}"
        return conn

    # -- the tree ---------------------------------------------------------------------------

    def row(self, ref: str, name: str = CONN) -> QModelIndex:
        """The tree model's row of `ref` ("" for the connection's own row)."""
        return self.window.model.find(name, ref)

    def row_text(self, ref: str = "", name: str = CONN) -> str:
        return self.row(ref, name).data() or ""

    def parent_ref(self, ref: str, name: str = CONN) -> str | None:
        """The ref of the row above `ref`'s row ("" for the connection row, None: no row)."""
        index = self.row(ref, name)
        if not index.isValid():
            return None
        key = index.parent().data(KeyRole)
        return key[2] if key else None

    def select(self, *refs: str, name: str = CONN) -> None:
        """Select these objects' rows in the tree (several: an extended selection)."""
        window = self.window
        assert refs
        assert window.select(name, refs[0]), refs[0]
        model = window.tree.selectionModel()
        flags = (QItemSelectionModel.SelectionFlag.Select
                 | QItemSelectionModel.SelectionFlag.Rows)
        for ref in refs[1:]:
            index = window.filter.mapFromSource(self.row(ref, name))
            assert index.isValid(), ref
            model.select(index, flags)
        selected = {key[2] for key in self.selected_keys()}
        assert selected == set(refs), (selected, refs)

    def selected_keys(self) -> list[tuple]:
        return selected_keys(self.window.tree)

    # -- actions and tasks ------------------------------------------------------------------

    def action(self, action_id: str):
        return self.window.binder.qactions[action_id]

    def wait_enabled(self, action_id: str, timeout: int = TASK_TIMEOUT_MS) -> None:
        """Wait until the action is enabled for the selection (the cache caught up)."""
        self.qtbot.waitUntil(lambda: self.action(action_id).isEnabled(), timeout=timeout)

    def press(self, key: Qt.Key, modifier=Qt.KeyboardModifier.ControlModifier) -> None:
        """Type a shortcut into the window, as a person would (with the tree focused)."""
        window = self.window
        window.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
        window.tree.setFocus()
        self.qtbot.keyClick(window.tree, key, modifier)

    def tasks_titled(self, text: str) -> list:
        return [e for e in self.window.tasks.entries if text in e.title]

    def wait_task(self, text: str, status: str = "success",
                  timeout: int = TASK_TIMEOUT_MS):
        """Wait for a task whose title contains `text` to end; returns its entry."""
        def ended():
            done = [e for e in self.tasks_titled(text) if e.ended is not None]
            return done[-1] if done else None

        self.qtbot.waitUntil(lambda: ended() is not None, timeout=timeout)
        entry = ended()
        assert entry.status == status, (entry.title, entry.status, entry.error, entry.details)
        return entry

    def task_row_text(self, entry, column: int = 2, role=Qt.ItemDataRole.DisplayRole) -> str:
        model = self.window.tasks
        row = model.entries.index(entry)
        return model.index(row, column).data(role) or ""


@pytest.fixture(name="app")
def app_fixture(qtbot, gui_loop, tmp_path) -> Iterator[App]:
    """The main window with nothing connected; closes its connections after the test."""
    store = ProfileStore(tmp_path / "config")
    store.load()
    passwords = PasswordStore(fail.Keyring())
    bridge = PoolBridge()
    manager = PoolManager(store, passwords, ask_certificate=bridge.ask_certificate,
                          share_interpreter=True)
    bridge.attach(manager)
    window = MainWindow(manager, bridge, passwords)
    for model in (window.model, window.filter, window.tasks):
        attach_model_tester(model)  # before anything changes them
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    harness = App(window, manager, bridge, store, passwords, qtbot)
    try:
        yield harness
    finally:
        for dialog in open_dialogs(QDialog):
            dialog.reject()
        if window.isVisible():
            with qtbot.waitSignal(window.closed, timeout=10_000):
                window.close()  # closes every connection (MainWindow.closeEvent)
        manager.close_all()
        window.deleteLater()


def attach_model_tester(model: QAbstractItemModel) -> QAbstractItemModelTester:
    """Qt's model tester, checking `model` after every change for as long as it lives.

    Attach it before the model changes. A broken rule is a Qt warning, which fails the test
    (qt_log_level_fail).
    """
    return QAbstractItemModelTester(
        model, QAbstractItemModelTester.FailureReportingMode.Warning, model)


# -- dialogs ---------------------------------------------------------------------------------

def open_dialogs(kind: type[QDialog] = QDialog) -> list[QDialog]:
    """The visible dialogs of this type, wherever they are parented."""
    found = []
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and widget.isVisible():
            found.append(widget)
    return found


def wait_dialog(qtbot, kind: type[QDialog], timeout: int = 10_000,
                where: Callable[[QDialog], bool] = lambda d: True) -> QDialog:
    """Wait for a visible dialog of this type (e.g. the one an action opened) and return it."""
    qtbot.waitUntil(lambda: any(where(d) for d in open_dialogs(kind)), timeout=timeout)
    dialog = next(d for d in open_dialogs(kind) if where(d))
    qtbot.waitExposed(dialog)
    return dialog


def click(qtbot, button: QWidget) -> None:
    assert button.isEnabled(), f"{button.objectName()} is disabled: {button.toolTip()}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# -- the simulator's side --------------------------------------------------------------------

def user_vms(pool: RunningPool, power_state: str | None = None) -> list[str]:
    """Refs of ordinary VMs (no templates, snapshots or control domains), by name."""
    out = []
    for ref, vm in pool.db.all("VM").items():
        if vm["is_a_template"] or vm["is_a_snapshot"] or vm["is_control_domain"]:
            continue
        if power_state is None or vm["power_state"] == power_state:
            out.append((vm["name_label"], ref))
    return [ref for _name, ref in sorted(out)]


def vm(pool: RunningPool, ref: str) -> dict:
    return pool.db.get(ref, "VM")
