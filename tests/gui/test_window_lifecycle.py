"""What the window does off its own thread and how it says what went wrong: closing while
pools log out slowly, a server that cannot be removed from the saved ones, a keyring that
fails to give a saved password, the keyring and the profiles file never used from the GUI
thread."""

from __future__ import annotations

import dataclasses
import gc
import shutil
import threading
import time

import pytest
from keyring.errors import KeyringError
from PyQt6.QtWidgets import QCheckBox, QLineEdit, QMessageBox

from tests.gui.fixtures import (  # noqa: F401 (app_fixture, loop_fixture: fixtures)
    CONN,
    App,
    app_fixture,
    click,
    loop_fixture,
    open_dialogs,
    wait_dialog,
)
from xapiman.gui.dialogs import AddServerDialog, FormDialog
from xapiman.pools.secrets import PasswordStore
from xapiman.sim.testing import running_pool
from xapiman.xapi import ConnectionState

pytestmark = pytest.mark.gui


class BrokenKeyring:
    """A Secret Service that answers every call with an error (a locked or crashed one).
    Not a keyring.backend.KeyringBackend subclass: those register themselves for every
    later choice of a keyring in the process."""

    priority = 10

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("org.freedesktop.Secret.Error.IsLocked: the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("org.freedesktop.Secret.Error.IsLocked: the collection is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("org.freedesktop.Secret.Error.IsLocked: the collection is locked")


def test_closing_the_window_does_not_wait_for_slow_logouts_on_the_gui_thread(
        app: App, qtbot) -> None:
    with running_pool(hosts=1, vms=3) as pool:
        app.connect(pool)
        conn = app.conn()
        pool.faults.latency = 2.0  # every answer, the logout's too, takes two seconds
        started = time.monotonic()
        with qtbot.waitSignal(app.window.closed, timeout=10_000):
            app.window.close()
            assert time.monotonic() - started < 1.0, "the GUI thread waited for the logout"
            assert not app.window.isVisible()
        assert time.monotonic() - started >= 2.0  # it closed once the pool was logged out
        assert conn.state is ConnectionState.DISCONNECTED


def test_remove_server_that_cannot_be_saved_says_so(app: App, qtbot, tmp_path) -> None:
    with running_pool(hosts=1, vms=3) as pool:
        app.connect(pool)
        folder = app.store.folder
        shutil.rmtree(folder)
        folder.write_text("not a folder")  # the profiles cannot be written any more
        app.window.flow.remove(CONN)
        qtbot.waitUntil(lambda: bool(open_dialogs(QMessageBox)), timeout=5000)
        box = open_dialogs(QMessageBox)[0]
        remove = next(b for b in box.buttons() if b.text() == "Remove")
        remove.click()
        qtbot.waitUntil(lambda: "still in the saved servers" in app.window.banner.label.text(),
                        timeout=5000)
        assert CONN in app.window.banner.label.text()


def test_a_keyring_that_fails_to_give_the_password_is_said(app: App, qtbot) -> None:
    from xapiman.gui.dialogs.form import FormDialog

    with running_pool(hosts=1, vms=3) as pool:
        app.profile(pool)
        app.window.flow.passwords = PasswordStore(BrokenKeyring())
        app.window.show_disconnected(CONN)
        app.window.reconnect_all()
        qtbot.waitUntil(lambda: "could not be read" in app.window.banner.label.text(),
                        timeout=5000)
        assert "locked" in app.window.banner.label.text()
        qtbot.waitUntil(lambda: bool(open_dialogs(FormDialog)), timeout=5000)  # asked instead
        open_dialogs(FormDialog)[0].reject()


class CrashingKeyring(BrokenKeyring):
    """A keyring backend with a bug: it raises what no keyring should."""

    def get_password(self, service: str, username: str) -> str | None:
        raise TypeError("the backend crashed")


def test_work_the_window_started_in_the_background_is_kept_and_its_failure_said(
        app: App, qtbot, log_errors) -> None:
    """Reconnect All runs in the background: an unexpected failure there is logged and shown,
    not lost with a task nobody kept."""
    log_errors.expect("Connect lab failed")
    with running_pool(hosts=1, vms=3) as pool:
        app.profile(pool)
        app.window.flow.passwords = PasswordStore(CrashingKeyring())
        app.window.show_disconnected(CONN)
        app.window.reconnect_all()
        gc.collect()  # what nobody keeps goes now
        qtbot.waitUntil(lambda: "went wrong" in app.window.banner.label.text(), timeout=5000)
        assert "the backend crashed" in app.window.banner.label.text()


class MemoryKeyring:
    """A keyring that keeps passwords in memory and notes the threads that called it."""

    priority = 10

    def __init__(self) -> None:
        self.passwords: dict[tuple[str, str], str] = {}
        self.threads: set[str] = set()

    def get_password(self, service: str, username: str) -> str | None:
        self.threads.add(threading.current_thread().name)
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.threads.add(threading.current_thread().name)
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.threads.add(threading.current_thread().name)
        self.passwords.pop((service, username), None)


class NotedPasswords(PasswordStore):
    """The real password store, noting the threads that asked it whether there is a keyring
    (finding the system's keyring talks to D-Bus)."""

    def __init__(self, backend) -> None:
        super().__init__(backend)
        self.asked_on: set[str] = set()

    @property
    def unavailable_reason(self) -> str | None:
        self.asked_on.add(threading.current_thread().name)
        return super().unavailable_reason


def note_threads(monkeypatch, store, method: str) -> set[str]:
    """The threads `store.<method>` (a write of the profiles file, with fsync) runs on."""
    threads: set[str] = set()
    real = getattr(store, method)

    def noted(*args, **kwargs):
        threads.add(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, method, noted)
    return threads


def test_add_server_asks_the_keyring_and_saves_the_profile_off_the_gui_thread(
        app: App, qtbot, monkeypatch) -> None:
    gui = threading.current_thread().name
    keyring = MemoryKeyring()
    passwords = app.window.flow.passwords = NotedPasswords(keyring)
    added_on = note_threads(monkeypatch, app.store, "add")
    with running_pool(hosts=1, vms=3) as pool:
        app.window.add_server_action.trigger()
        dialog = wait_dialog(qtbot, AddServerDialog)
        assert dialog.remember_check.isEnabled()  # the keyring was found
        qtbot.keyClicks(dialog.address_edit, pool.url)
        dialog.plain_http_check.setChecked(True)  # the simulated pool answers plain HTTP
        dialog.user_edit.clear()
        qtbot.keyClicks(dialog.user_edit, pool.user)
        qtbot.keyClicks(dialog.password_edit, pool.password)
        dialog.remember_check.setChecked(True)
        click(qtbot, dialog.ok_button)
        qtbot.waitUntil(lambda: bool(keyring.passwords), timeout=10_000)
        [profile] = app.store.profiles
        app.wait_loaded(profile.name)
    assert passwords.asked_on and gui not in passwords.asked_on
    assert added_on and gui not in added_on
    assert keyring.threads and gui not in keyring.threads


def open_with_a_wrong_user(app: App, pool, qtbot) -> None:
    """A saved server whose user name is wrong: its connection fails."""
    app.store.add(dataclasses.replace(app.profile(pool, save=False), user="nobody"))
    app.window.flow.open(app.store.get(CONN), pool.password)
    qtbot.waitUntil(lambda: app.window.model.entry(CONN) is not None
                    and app.window.model.entry(CONN).state == "failed", timeout=10_000)


def enter_user_and_password(app: App, pool, qtbot) -> None:
    """Connect with Another Password: the right user, remembered in the keyring."""
    app.window.connections.ask_password(CONN)
    form = wait_dialog(qtbot, FormDialog)
    remember = form.findChild(QCheckBox, "field_remember")
    assert remember is not None, "the keyring was not found"
    form.findChild(QLineEdit, "field_user").setText(pool.user)
    form.findChild(QLineEdit, "field_password").setText(pool.password)
    remember.setChecked(True)
    click(qtbot, form.ok_button)


def test_another_password_asks_the_keyring_and_saves_the_user_off_the_gui_thread(
        app: App, qtbot, monkeypatch) -> None:
    gui = threading.current_thread().name
    keyring = MemoryKeyring()
    with running_pool(hosts=1, vms=3) as pool:
        open_with_a_wrong_user(app, pool, qtbot)
        passwords = app.window.flow.passwords = NotedPasswords(keyring)
        updated_on = note_threads(monkeypatch, app.store, "update")
        enter_user_and_password(app, pool, qtbot)
        app.wait_loaded()
        qtbot.waitUntil(lambda: bool(keyring.passwords), timeout=10_000)
    assert app.store.get(CONN).user == pool.user
    assert passwords.asked_on and gui not in passwords.asked_on
    assert updated_on and gui not in updated_on
    assert keyring.threads and gui not in keyring.threads


class CrashingOnSave(MemoryKeyring):
    """A keyring backend with a bug in its saving."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise TypeError("the backend crashed")


def test_remembering_a_password_that_fails_unexpectedly_is_said(
        app: App, qtbot, log_errors) -> None:
    """The password is remembered in the background: a failure there is logged and shown,
    not lost with a task nobody kept."""
    log_errors.expect("Remember the password failed")
    with running_pool(hosts=1, vms=3) as pool:
        open_with_a_wrong_user(app, pool, qtbot)
        app.window.flow.passwords = PasswordStore(CrashingOnSave())
        enter_user_and_password(app, pool, qtbot)
        gc.collect()  # what nobody keeps goes now
        qtbot.waitUntil(lambda: "went wrong" in app.window.banner.label.text(), timeout=10_000)
        assert "the backend crashed" in app.window.banner.label.text()
        app.wait_loaded()
