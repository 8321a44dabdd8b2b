"""Pool membership from the real main window against simulated servers: a server removed
from the pool from its menu (the question names what is lost) leaves the tree, and the
standalone server it became, opened in the app, joins the pool again from its own menu: the
pool's tree shows it back. Making another server the coordinator changes the pool's
coordinator."""

from __future__ import annotations

import pytest
from PyQt6.QtWidgets import QLabel, QLineEdit

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
        app.select("", name="alone")  # a standalone server's row stands for its host
        app.wait_enabled("pool.join")
        app.action("pool.join").trigger()
        form = wait_dialog(qtbot, FormDialog)
        coordinator = db.get(pool.sim.coordinator, "host")["address"]
        form.findChild(QLineEdit, "field_coordinator").setText(f"https://{coordinator}")
        form.findChild(QLineEdit, "field_password").setText(pool.password)
        click(qtbot, form.ok_button)
        app.wait_task(f"Add '{name}' to the pool at {coordinator}")
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

