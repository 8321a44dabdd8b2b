"""What the window does off its own thread and how it says what went wrong: closing while
pools log out slowly, a server that cannot be removed from the saved ones, a keyring that
fails to give a saved password."""

from __future__ import annotations

import gc
import shutil
import time

import pytest
from keyring.errors import KeyringError
from PyQt6.QtWidgets import QMessageBox

from tests.gui.fixtures import (  # noqa: F401 (app_fixture, loop_fixture: fixtures)
    CONN,
    App,
    app_fixture,
    loop_fixture,
    open_dialogs,
)
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
