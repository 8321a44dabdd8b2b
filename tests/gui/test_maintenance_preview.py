"""Maintenance mode in the real main window against a simulated pool: the question says
beforehand where each running VM goes; a VM that cannot leave (its disks on the server's
own storage) is named with the reason and nothing changes."""

from __future__ import annotations

import pytest
from PyQt6.QtWidgets import QLabel

from tests.gui.fixtures import app_fixture, click, loop_fixture, wait_dialog  # noqa: F401
from xapiman.gui.dialogs import ConfirmDialog
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.timeout(120)
WAIT = 20_000


def on_local_storage(db, vm: str) -> bool:
    vdis = [db.get(v, "VBD")["VDI"] for v in db.get(vm, "VM")["VBDs"]
            if not db.get(v, "VBD")["empty"]]
    return any(not db.get(db.get(v, "VDI")["SR"], "SR")["shared"] for v in vdis)


def running_on(db, host: str) -> list[str]:
    return [vm for vm in db.get(host, "host")["resident_VMs"]
            if not db.get(vm, "VM")["is_control_domain"]]


def test_maintenance_says_where_each_vm_goes_or_why_it_cannot(app) -> None:
    with running_pool(hosts=3, vms=12, tls=True) as pool:
        qtbot, db = app.qtbot, pool.db
        app.connect(pool)
        conn = app.conn()
        running = [vm for vm, rec in sorted(db.all("VM").items())
                   if rec["power_state"] == "Running" and not rec["is_control_domain"]]
        stuck_vm = next(vm for vm in running if on_local_storage(db, vm))
        host = db.get(stuck_vm, "VM")["resident_on"]
        name = db.get(host, "host")["name_label"]
        if all(on_local_storage(db, vm) for vm in running_on(db, host)):
            agile = next(vm for vm in running if not on_local_storage(db, vm))
            conn.call("VM.pool_migrate", agile, host, {"live": "true"})
        stuck = [vm for vm in running_on(db, host) if on_local_storage(db, vm)]

        app.select(host)
        app.wait_enabled("host.maintenance_enter")
        app.action("host.maintenance_enter").trigger()
        banner = app.window.banner
        stuck_name = db.get(stuck[0], "VM")["name_label"]
        qtbot.waitUntil(lambda: banner.isVisible() and stuck_name in banner.label.text(),
                        timeout=WAIT)
        assert "cannot enter maintenance mode" in banner.label.text()
        assert db.get(host, "host")["enabled"]  # nothing changed

        for vm in stuck:
            conn.call("VM.hard_shutdown", vm)
        movers = running_on(db, host)
        assert movers
        app.action("host.maintenance_enter").trigger()
        question = wait_dialog(qtbot, ConfirmDialog)
        text = " ".join(label.text() for label in question.findChildren(QLabel))
        for vm in movers:
            assert f"'{db.get(vm, 'VM')['name_label']}' moves to xcp-host-" in text
        click(qtbot, question.ok_button)
        app.wait_task(f"Enter Maintenance Mode '{name}'")
        assert not db.get(host, "host")["enabled"]
        assert not running_on(db, host)
