"""Connections in the window: the certificate questions, Add Server, and a coordinator that
dies under a connected window. Real dialogs, a real TLS simulator, profiles in tmp_path."""

from __future__ import annotations

import pytest
import yaml
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel

from tests.gui.fixtures import (  # noqa: F401 (app_fixture, loop_fixture: fixtures)
    CONN,
    App,
    app_fixture,
    click,
    loop_fixture,
    open_dialogs,
    user_vms,
    wait_dialog,
)
from xapiman.gui.dialogs import AddServerDialog, CertificateDialog
from xapiman.gui.dialogs.certificate import format_fingerprint
from xapiman.pools.profiles import ProfileStore
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.gui

WAIT = 20_000
WRONG_FP = ":".join(f"{(i * 53 + 7) % 256:02X}" for i in range(32))


@pytest.fixture
def pool():
    with running_pool(hosts=2, vms=10, tls=True, speed=0) as p:
        yield p


def certificate_dialog(qtbot) -> CertificateDialog:
    return wait_dialog(qtbot, CertificateDialog)


def row_texts(app: App) -> list[str]:
    """Every text the connection's row shows from now on (recorded on each change)."""
    seen: list[str] = []

    def record(*_args) -> None:
        text = app.row_text("")
        if text and (not seen or seen[-1] != text):
            seen.append(text)

    app.window.model.dataChanged.connect(record)
    record()
    return seen


# -- first use -------------------------------------------------------------------------------

def test_first_use_shows_the_fingerprint_and_trusting_pins_it(app: App, pool, qtbot) -> None:
    profile = app.profile(pool, pinned=False)
    assert app.store.get(CONN).pinned_fingerprint is None
    app.window.flow.open(profile, pool.password)

    dialog = certificate_dialog(qtbot)
    assert not dialog.changed
    assert dialog.isModal()
    address = pool.url.removeprefix("https://")
    assert dialog.windowTitle() == f"Trust the certificate of {address}?"
    fingerprint = dialog.findChild(QLabel, "fingerprint")
    assert fingerprint is not None
    assert fingerprint.text() == format_fingerprint(pool.fingerprint)
    assert fingerprint.toolTip() == pool.fingerprint
    assert dialog.trust_button.isDefault()
    assert app.row_text("").endswith("(connecting…)")

    click(qtbot, dialog.trust_button)
    app.wait_loaded()
    assert app.row_text("") == pool.sim.pool_name()
    assert app.store.get(CONN).pinned_fingerprint == pool.fingerprint
    on_disk = ProfileStore(app.store.folder)
    assert on_disk.get(CONN).pinned_fingerprint == pool.fingerprint  # saved, not just kept
    assert not open_dialogs(CertificateDialog)


def test_refusing_the_certificate_fails_with_the_reason(app: App, pool, qtbot) -> None:
    profile = app.profile(pool, pinned=False)
    texts = row_texts(app)
    app.window.flow.open(profile, pool.password)
    dialog = certificate_dialog(qtbot)
    click(qtbot, dialog.cancel_button)

    qtbot.waitUntil(lambda: "failed" in app.row_text(""), timeout=WAIT)
    row = app.row_text("")
    assert row.startswith(f"{CONN} (failed: ") and "certificate" in row.lower(), row
    assert any("connecting" in t for t in texts)
    banner = app.window.banner
    qtbot.waitUntil(banner.isVisible, timeout=WAIT)
    assert banner.label.text().startswith(f"{CONN}: could not connect:")
    assert "certificate" in banner.label.text().lower()
    assert app.conn().state.value == "failed"
    assert app.store.get(CONN).pinned_fingerprint is None  # nothing was pinned
    assert not app.window.model.entry(CONN).placed  # and nothing was loaded


# -- changed certificate ---------------------------------------------------------------------

def test_a_changed_certificate_asks_again_and_enter_disconnects(app: App, pool, qtbot) -> None:
    profile = app.profile(pool, fingerprint=WRONG_FP)
    app.window.flow.open(profile, pool.password)
    dialog = certificate_dialog(qtbot)
    assert dialog.changed
    assert "changed" in dialog.windowTitle().lower()
    labels = {name: dialog.findChild(QLabel, name) for name in ("previous_fingerprint", "fingerprint")}
    assert labels["previous_fingerprint"].text() == format_fingerprint(WRONG_FP)
    assert labels["fingerprint"].text() == format_fingerprint(pool.fingerprint)
    assert dialog.cancel_button.text() == "Disconnect"
    assert dialog.cancel_button.isDefault() and not dialog.trust_button.isDefault()

    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # the safe default
    qtbot.waitUntil(lambda: "failed" in app.row_text(""), timeout=WAIT)
    assert "changed" in app.row_text("").lower()
    assert app.store.get(CONN).pinned_fingerprint == WRONG_FP  # the old pin is kept


def test_trusting_a_changed_certificate_replaces_the_pin(app: App, pool, qtbot) -> None:
    app.window.flow.open(app.profile(pool, fingerprint=WRONG_FP), pool.password)
    dialog = certificate_dialog(qtbot)
    assert dialog.changed
    click(qtbot, dialog.trust_button)
    app.wait_loaded()
    assert app.store.get(CONN).pinned_fingerprint == pool.fingerprint


# -- Add Server ------------------------------------------------------------------------------

def test_add_server_dialog_saves_the_profile_and_connects(app: App, pool, qtbot) -> None:
    app.window.add_server_action.trigger()
    dialog = wait_dialog(qtbot, AddServerDialog)
    assert not dialog.ok_button.isEnabled()  # nothing typed yet
    assert not dialog.remember_check.isEnabled()  # the test's keyring is unavailable
    qtbot.keyClicks(dialog.address_edit, pool.url)
    dialog.user_edit.clear()
    qtbot.keyClicks(dialog.user_edit, pool.user)
    qtbot.keyClicks(dialog.password_edit, pool.password)
    assert dialog.address_error.isHidden()
    click(qtbot, dialog.ok_button)

    # The profile is saved at once, named after the host; the new server is not pinned yet.
    qtbot.waitUntil(lambda: bool(app.store.profiles), timeout=WAIT)
    [profile] = app.store.profiles
    assert profile.name == "127.0.0.1"
    assert (profile.url, profile.user, profile.reconnect_on_start) == (pool.url, pool.user, True)
    trust = certificate_dialog(qtbot)
    assert not trust.changed
    click(qtbot, trust.trust_button)
    app.wait_loaded(profile.name)
    assert app.row_text("", profile.name) == pool.sim.pool_name()
    assert ProfileStore(app.store.folder).get(profile.name).pinned_fingerprint == pool.fingerprint
    saved = yaml.safe_load(app.store.path.read_text())  # the password is not in the file
    assert pool.password not in str(saved)


# -- losing the coordinator ------------------------------------------------------------------

def test_reconnect_after_the_coordinator_dies_keeps_cache_and_selection(app: App, qtbot) -> None:
    with running_pool(hosts=3, vms=12, tls=True, speed=0) as pool:
        app.connect(pool)
        conn = app.conn()
        counts = conn.cache.counts()
        objects = app.window.model.object_count()
        selected = user_vms(pool, "Halted")[0]
        app.select(selected)
        texts = row_texts(app)
        pool_name = app.row_text("")

        old = pool.sim.coordinator
        successor = next(h for h in pool.db.all("host") if h != old)
        pool.faults.kill_coordinator(successor, delay=0.5)

        qtbot.waitUntil(lambda: any("reconnecting" in t for t in texts), timeout=WAIT)
        qtbot.waitUntil(lambda: conn.state.value == "connected"
                        and conn.coordinator_url == pool.sim.url(successor), timeout=WAIT)
        qtbot.waitUntil(lambda: app.row_text("") == pool_name, timeout=WAIT)
        reconnecting = [t for t in texts if "reconnecting" in t]
        assert reconnecting[0] == f"{pool_name} (reconnecting, attempt 1)"
        assert texts[-1] == pool_name
        assert conn.cache.counts() == counts
        assert app.window.model.object_count() == objects
        assert app.selected_keys() == [(CONN, "vm", selected)]
        assert not open_dialogs(CertificateDialog)  # the same pool's certificate: no question
        # The new coordinator answers actions.
        app.wait_enabled("vm.start")
        app.action("vm.start").trigger()
        qtbot.waitUntil(lambda: pool.db.get(selected, "VM")["power_state"] == "Running",
                        timeout=WAIT)
