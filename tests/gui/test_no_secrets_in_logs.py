"""`xapiman --debug` prints no secret: a full Add Server with Remember password, a reconnect
that reads the password back from the keyring, all logged at DEBUG as the app logs."""

from __future__ import annotations

import asyncio
import io
import logging

import pytest
from PyQt6.QtWidgets import QDialog

from tests.gui.fixtures import (  # noqa: F401 (loop_fixture: a fixture)
    click,
    loop_fixture,
    open_dialogs,
    wait_dialog,
)
from tests.unit.test_secrets import real_keyring, secret_service  # noqa: F401 (fixtures)
from xapiman.gui.app import configure_logging
from xapiman.gui.bridge import PoolBridge
from xapiman.gui.dialogs import AddServerDialog, CertificateDialog
from xapiman.gui.main_window import MainWindow
from xapiman.pools.manager import PoolManager
from xapiman.pools.profiles import ProfileStore
from xapiman.pools.secrets import PasswordStore
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.gui

PASSWORD = "Corr3ct-horse-battery"
WAIT = 20_000


@pytest.fixture
def debug_log():
    stream = io.StringIO()
    handler = configure_logging(True, stream)
    try:
        yield stream
    finally:
        logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(logging.WARNING)


def test_debug_log_of_add_server_with_remember_password_holds_no_secret(
        real_keyring, debug_log, qtbot, gui_loop, tmp_path) -> None:  # noqa: F811
    passwords = PasswordStore()
    assert passwords.available, passwords.unavailable_reason
    store = ProfileStore(tmp_path / "config")
    store.load()
    bridge = PoolBridge()
    manager = PoolManager(store, passwords, ask_certificate=bridge.ask_certificate)
    bridge.attach(manager)
    window = MainWindow(manager, bridge, passwords)
    window.show()
    sessions: list[str] = []
    try:
        with running_pool(hosts=2, vms=4, tls=True, password=PASSWORD) as pool:
            window.add_server_action.trigger()
            dialog = wait_dialog(qtbot, AddServerDialog)
            qtbot.keyClicks(dialog.address_edit, pool.url)
            qtbot.keyClicks(dialog.password_edit, PASSWORD)
            dialog.remember_check.setChecked(True)
            click(qtbot, dialog.ok_button)
            click(qtbot, wait_dialog(qtbot, CertificateDialog).trust_button)
            qtbot.waitUntil(lambda: bool(store.profiles), timeout=WAIT)
            name = store.profiles[0].name

            def connected() -> bool:
                conn = manager.get(name)
                return conn is not None and conn.state.value == "connected"

            qtbot.waitUntil(connected, timeout=WAIT)
            qtbot.waitUntil(lambda: PasswordStore().get(store.get(name)) == PASSWORD,
                            timeout=WAIT)
            sessions.append(manager.get(name).session_ref)

            window.flow.disconnect(name)
            qtbot.waitUntil(lambda: manager.get(name).state.value == "disconnected",
                            timeout=WAIT)
            asyncio.ensure_future(window.flow.connect_saved(name, prompter=None))
            qtbot.waitUntil(connected, timeout=WAIT)  # the password came from the keyring
            sessions.append(manager.get(name).session_ref)
    finally:
        for open_dialog in open_dialogs(QDialog):
            open_dialog.reject()
        window.close()
        manager.close_all()
        window.deleteLater()
    text = debug_log.getvalue()
    assert text.count("\n") > 20 and " DEBUG " in text  # it did log at DEBUG
    assert PASSWORD not in text
    for session in sessions:
        assert session and session not in text
