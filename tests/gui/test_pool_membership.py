"""Pool membership from the real main window against simulated servers: a server removed
from the pool from its menu (the question names what is lost) leaves the tree, and the
standalone server it became, opened in the app, joins the pool again from its own menu: the
pool's tree shows it back. Making another server the coordinator changes the pool's
coordinator."""

from __future__ import annotations

import pytest
from PyQt6.QtWidgets import QComboBox, QLabel, QLineEdit

from tests.gui.fixtures import app_fixture, click, loop_fixture, wait_dialog  # noqa: F401
from xapiman.gui.dialogs import ConfirmDialog, FormDialog
from xapiman.sim.testing import RunningPool, running_pool

pytestmark = pytest.mark.timeout(120)
WAIT = 20_000


def test_remove_a_server_then_add_it_back(app) -> None:
    with running_pool(hosts=3, vms=4, tls=True) as pool:
        qtbot, db = app.qtbot, pool.db
        host = next(h for h in db.all("host") if h != pool.sim.coordinator)
        rec = db.get(host, "host")
        name, uuid, address = rec["name_label"], rec["uuid"], rec["address"]
        app.connect(pool)
        conn = app.conn()
        for vm in list(db.get(host, "host")["resident_VMs"]):
            if not db.get(vm, "VM")["is_control_domain"]:
                conn.call("VM.hard_shutdown", vm)

        app.select(host)
        app.wait_enabled("host.eject")
        app.action("host.eject").trigger()
        question = wait_dialog(qtbot, ConfirmDialog)
        texts = " ".join(label.text() for label in question.findChildren(QLabel))
        assert f"Remove '{name}' from the pool?" in texts
        assert "Local storage" in texts and "every disk on it" in texts
        click(qtbot, question.ok_button)
        app.wait_task(f"Remove '{name}' from the pool")
        qtbot.waitUntil(lambda: not app.row(host).isValid(), timeout=WAIT)

        # the server it became, opened in the app, joins again
        alone = RunningPool(pool.sim, f"https://{address}", pool.user, pool.password,
                            pool.fingerprint)
        app.connect(alone, "alone")
        form = join_form(app)
        coordinator = db.get(pool.sim.coordinator, "host")["address"]
        form.findChild(QLineEdit, "field_coordinator").setText(f"https://{coordinator}")
        form.findChild(QLineEdit, "field_password").setText(pool.password)
        click(qtbot, form.ok_button)
        app.wait_task(f"Add '{name}' to the pool at {coordinator}", timeout=WAIT)
        back = next(h for h, r in db.all("host").items() if r["uuid"] == uuid)
        qtbot.waitUntil(lambda: app.row(back).isValid(), timeout=WAIT)
        assert name in app.row_text(back)

        # another server becomes the coordinator
        app.select(back)
        app.wait_enabled("host.designate")
        app.action("host.designate").trigger()
        question = wait_dialog(qtbot, ConfirmDialog)
        click(qtbot, question.ok_button)
        app.wait_task(f"Make '{name}' the coordinator")
        assert pool.sim.coordinator == back



def join_form(app) -> FormDialog:
    """The Add Server to a Pool form of the standalone server open as "alone"."""
    app.select("", name="alone")  # a standalone server's row stands for its host
    app.wait_enabled("pool.join")
    app.action("pool.join").trigger()
    form = wait_dialog(app.qtbot, FormDialog)
    assert isinstance(form, FormDialog)
    return form


def eject_one(pool: RunningPool, conn) -> tuple[str, str, str]:
    """A server of `pool` made standalone (its VMs shut down first): name, uuid, address."""
    db = pool.db
    host = next(h for h in db.all("host") if h != pool.sim.coordinator)
    rec = db.get(host, "host")
    for vm in list(rec["resident_VMs"]):
        if not db.get(vm, "VM")["is_control_domain"]:
            conn.call("VM.hard_shutdown", vm)
    conn.call("pool.eject", host)
    return rec["name_label"], rec["uuid"], rec["address"]


def test_a_joined_server_leaves_its_own_connection_and_shows_under_the_pool(
        app, artifacts_dir) -> None:
    with running_pool(hosts=2, vms=2, tls=True) as pool:
        qtbot, db = app.qtbot, pool.db
        app.connect(pool)
        name, uuid, address = eject_one(pool, app.conn())
        alone = RunningPool(pool.sim, f"https://{address}", pool.user, pool.password,
                            pool.fingerprint)
        qtbot.waitUntil(lambda: not app.row(
            next((h for h, r in db.all("host").items() if r["uuid"] == uuid), "x")).isValid(),
            timeout=WAIT)
        app.connect(alone, "alone")
        assert app.store.get("alone") is not None

        # the open pool is offered by its coordinator, and chosen already
        form = join_form(app)
        coordinator = db.get(pool.sim.coordinator, "host")["address"]
        pools = form.findChild(QComboBox, "field_pool")
        offered = [pools.itemText(i) for i in range(pools.count())]
        master = db.get(pool.sim.coordinator, "host")["name_label"]
        assert len(offered) == 2 and coordinator in offered[0] and master in offered[0]
        assert "at the address below" in offered[1]
        assert pools.currentIndex() == 0
        assert form.findChild(QLineEdit, "field_coordinator").text() == ""
        form.findChild(QLineEdit, "field_password").setText(pool.password)
        assert form.grab().save(str(artifacts_dir / "pool-join-form.png"))
        click(qtbot, form.ok_button)
        entry = app.wait_task(f"Add '{name}' to the pool at {coordinator}", timeout=WAIT)
        assert "its own connection was closed" in entry.detail

        # the server's own connection and its saved server are gone; it is under the pool
        back = next(h for h, r in db.all("host").items() if r["uuid"] == uuid)
        qtbot.waitUntil(lambda: app.row(back).isValid(), timeout=WAIT)
        window = app.window
        qtbot.waitUntil(lambda: window.model.connection_ids() == ["lab"], timeout=WAIT)
        assert app.manager.get("alone") is None and app.store.get("alone") is None
        assert app.parent_ref(back) == ""  # right under the pool's row
        qtbot.waitUntil(lambda: ("lab", back) in {(k[0], k[2]) for k in app.selected_keys()},
                        timeout=WAIT)
        assert window.model.rowCount() == 1  # one pool, shown once
        qtbot.wait(1500)  # nothing comes back: the closed connection follows no redirect
        assert window.model.connection_ids() == ["lab"] and app.manager.names() == ["lab"]
        assert window.grab().save(str(artifacts_dir / "pool-join-tree.png"))


def test_a_second_connection_to_an_open_pool_says_so_and_closes(app) -> None:
    with running_pool(hosts=2, vms=2, tls=True) as pool:
        qtbot, db = app.qtbot, pool.db
        app.connect(pool)
        supporter = next(r["address"] for h, r in db.all("host").items()
                         if h != pool.sim.coordinator)
        again = RunningPool(pool.sim, f"https://{supporter}", pool.user, pool.password,
                            pool.fingerprint)
        app.window.flow.open(app.profile(again, "again"), pool.password)
        window = app.window
        qtbot.waitUntil(lambda: "already open as lab" in window.banner.label.text(),
                        timeout=WAIT)
        assert "again" in window.banner.label.text()
        qtbot.waitUntil(lambda: window.model.connection_ids() == ["lab"], timeout=WAIT)
        assert app.manager.names() == ["lab"] and window.model.rowCount() == 1
        assert app.conn().state.value == "connected"
