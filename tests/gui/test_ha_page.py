"""The pool's HA tab in the real main window against a simulated pool: VMs protected from
their menu action, HA turned on from the tab's button (an unsuitable SR greyed out with its
reason, a refusal in words), then a killed server: the tab and the Alerts tab tell the whole
story (the server unreachable, its protected VMs running elsewhere, the alerts). The tab is
saved as a screenshot (artifacts/ha-*.png)."""

from __future__ import annotations

import pytest
from PyQt6.QtWidgets import QComboBox, QLineEdit

from tests.gui.fixtures import app_fixture, click, loop_fixture, wait_dialog  # noqa: F401
from xapiman.gui.dialogs import FormDialog
from xapiman.gui.tabs.alerts import AlertsPage
from xapiman.gui.tabs.pool_ha import PoolHaPage
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.timeout(120)
WAIT = 20_000


def agile_running(db) -> list[str]:
    out = []
    for ref, rec in sorted(db.all("VM").items(), key=lambda kv: kv[1]["name_label"]):
        if rec["power_state"] != "Running" or rec["is_control_domain"]:
            continue
        vdis = [db.get(v, "VBD")["VDI"] for v in rec["VBDs"] if not db.get(v, "VBD")["empty"]]
        if vdis and all(db.get(db.get(v, "VDI")["SR"], "SR")["shared"] for v in vdis):
            out.append(ref)
    return out


def pick(combo: QComboBox, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(index)


def ha_page(app) -> PoolHaPage:
    app.select("")
    assert app.window.show_tab("HA")
    page = app.window.tabs.currentWidget()
    assert isinstance(page, PoolHaPage)
    return page


def test_ha_on_and_a_killed_server_s_vms_restarted_the_whole_story_shown(app, artifacts_dir):
    with running_pool(hosts=3, vms=12, tls=True) as pool:
        qtbot, db = app.qtbot, pool.db
        app.connect(pool)
        protected = agile_running(db)[:2]
        assert len(protected) == 2

        # restart priority from the VMs' own action
        app.select(*protected)
        app.wait_enabled("vm.set_ha")
        app.action("vm.set_ha").trigger()
        form = wait_dialog(qtbot, FormDialog)
        pick(form.findChild(QComboBox, "field_priority"), "Restart")
        form.findChild(QLineEdit, "field_order").setText("1")
        click(qtbot, form.ok_button)
        qtbot.waitUntil(lambda: all(db.get(vm, "VM")["ha_restart_priority"] == "restart"
                                    for vm in protected), timeout=WAIT)

        page = ha_page(app)
        qtbot.waitUntil(lambda: page.vms.topLevelItemCount() == 2, timeout=WAIT)
        assert page.form.values("High availability")["High availability"] == "Off"
        assert not page.actions_row.buttons["pool.ha_disable"].isEnabled()

        # turning it on: the local SRs are not offered, the shared ones are
        click(qtbot, page.actions_row.buttons["pool.ha_enable"])
        form = wait_dialog(qtbot, FormDialog)
        srs = form.findChild(QComboBox, "field_sr")
        offered = [srs.itemText(i) for i in range(srs.count())]
        assert any("NFS" in text for text in offered)
        assert not any("Local storage" in text for text in offered)
        tolerate = form.findChild(QComboBox, "field_tolerate")
        assert tolerate.count() >= 2  # 0 ... what the server computed
        pick(tolerate, "1")
        click(qtbot, form.ok_button)
        app.wait_task("Turn on high availability")
        qtbot.waitUntil(lambda: page.form.values("High availability").get(
            "High availability") == "On", timeout=WAIT)
        shown = page.form.values("High availability")
        assert shown["Server failures tolerated"] == "1"
        assert shown["Overcommitted"] == "No"
        assert "can lose 1 server" in shown["Failover"]
        assert page.actions_row.buttons["pool.ha_disable"].isEnabled()
        assert not page.actions_row.buttons["pool.ha_enable"].isEnabled()
        assert page.actions_row.buttons["pool.ha_enable"].toolTip() == \
            "High availability is already on."
        assert page.grab().save(str(artifacts_dir / "ha-on.png"))

        # the number tolerated changes while HA is on
        for number in ("0", "1"):
            click(qtbot, page.actions_row.buttons["pool.ha_configure"])
            form = wait_dialog(qtbot, FormDialog)
            pick(form.findChild(QComboBox, "field_tolerate"), number)
            click(qtbot, form.ok_button)
            qtbot.waitUntil(lambda n=number: page.form.values("High availability").get(
                "Server failures tolerated") == n, timeout=WAIT)

        # a server dies
        victim = db.get(protected[0], "VM")["resident_on"]
        victim_name = db.get(victim, "host")["name_label"]
        on_victim = [vm for vm in protected if db.get(vm, "VM")["resident_on"] == victim]
        pool.sim.kill_host(victim)
        qtbot.waitUntil(lambda: f"not reachable: {victim_name}" in page.form.values(
            "High availability").get("Servers", ""), timeout=WAIT)
        rows = page.vms.row_texts()

        def restarted() -> bool:
            rows.update(page.vms.row_texts())
            return all(rows[vm][3] == "Running" and rows[vm][4] not in ("", "—", victim_name)
                       for vm in protected)

        qtbot.waitUntil(restarted, timeout=WAIT)
        assert page.grab().save(str(artifacts_dir / "ha-after-failure.png"))

        assert app.window.show_tab("Alerts")
        alerts = app.window.tabs.currentWidget()
        assert isinstance(alerts, AlertsPage)

        def told() -> list[tuple[str, ...]]:
            return [row for row in alerts.list.row_texts().values()
                    if row[2] in ("HA host failed", "VM started")]

        names = {db.get(vm, "VM")["name_label"] for vm in on_victim}

        def ha_restarts() -> set[str]:
            return {row[3] for row in told() if row[2] == "VM started"
                    and "high availability" in row[4]}

        qtbot.waitUntil(lambda: names <= ha_restarts(), timeout=WAIT)
        failed = [row for row in told() if row[2] == "HA host failed"]
        assert failed and failed[0][3] == victim_name
        assert victim_name in failed[0][4]
        assert alerts.grab().save(str(artifacts_dir / "ha-alerts.png"))
