"""The Migrate wizard driven through its widgets in the real main window against simulated
pools: a running VM on local storage moves live to another host with its disk, a VM moves to a
second connected pool (and is selected there), and a refusal is shown in words before anything
moves. Every page is saved as a screenshot (artifacts/migrate-*.png)."""

from __future__ import annotations

import pytest
from PyQt6.QtWidgets import QWizard

from tests.gui.fixtures import app_fixture, click, loop_fixture, wait_dialog  # noqa: F401
from xapiman.gui.wizards.migrate import MigrateWizard
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.timeout(120)
WAIT = 20_000


def disks(db, vm: str) -> list[str]:
    return [db.get(v, "VBD")["VDI"] for v in db.get(vm, "VM")["VBDs"]
            if db.get(v, "VBD")["type"] == "Disk" and not db.get(v, "VBD")["empty"]]


def local_running(db) -> str:
    return sorted(ref for ref, rec in db.all("VM").items()
                  if rec["power_state"] == "Running" and "migrate_send" in rec["allowed_operations"]
                  and disks(db, ref) and not any(
                      db.get(db.get(d, "VDI")["SR"], "SR")["shared"] for d in disks(db, ref)))[0]


def running_vm(db) -> str:
    return sorted(ref for ref, rec in db.all("VM").items()
                  if rec["power_state"] == "Running" and
                  "migrate_send" in rec["allowed_operations"])[0]


def wait_selected(app, name: str, ref: str) -> None:
    """The tree's selection is (or includes) `ref` in the pool of connection `name`."""
    app.qtbot.waitUntil(lambda: (name, ref) in {(k[0], k[2]) for k in app.selected_keys()},
                        timeout=WAIT)


def shoot(widget, artifacts_dir, name: str) -> None:
    assert widget.grab().save(str(artifacts_dir / f"{name}.png"))


def next_page(qtbot, wizard: QWizard) -> None:
    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))


def open_wizard(app, vm: str, name: str = "lab") -> MigrateWizard:
    app.select(vm, name=name)
    app.wait_enabled("vm.migrate")
    app.action("vm.migrate").trigger()
    wizard = wait_dialog(app.qtbot, MigrateWizard)
    assert isinstance(wizard, MigrateWizard)
    wizard.resize(900, 600)
    return wizard


def wait_verdict(qtbot, wizard: MigrateWizard) -> str:
    page = wizard.page_named("summary")
    qtbot.waitUntil(lambda: page.refusals is not None, timeout=WAIT)
    return page.verdict.text()


def pick_host(page, ref: str) -> None:
    hosts = page.hosts
    item = next(hosts.topLevelItem(i) for i in range(hosts.topLevelItemCount())
                if hosts.topLevelItem(i).data(0, 256) == ref)
    hosts.setCurrentItem(item)


def test_a_running_vm_on_local_storage_moves_live_with_its_disk(app, artifacts_dir) -> None:
    with running_pool(hosts=2, vms=20, tls=True) as pool:
        qtbot, db = app.qtbot, pool.db
        app.connect(pool)
        vm = local_running(db)
        here = db.get(vm, "VM")["resident_on"]
        there = next(h for h in db.all("host") if h != here)
        wizard = open_wizard(app, vm)
        page = wizard.currentPage()
        assert page.objectName() == "page_destination"
        rows = {page.hosts.topLevelItem(i).text(0): page.hosts.topLevelItem(i)
                for i in range(page.hosts.topLevelItemCount())}
        current = rows[db.get(here, "host")["name_label"]]
        assert not current.flags() & current.flags().ItemIsEnabled
        assert "already on this server" in current.text(2)
        assert wizard.plan.host == there
        assert page.live.isVisible() and page.live.isChecked()
        shoot(wizard, artifacts_dir, "migrate-1-destination")
        next_page(qtbot, wizard)
        page = wizard.currentPage()
        assert page.objectName() == "page_storage"
        target_sr = next(ref for ref, sr in db.all("SR").items()
                         if not sr["shared"] and sr["content_type"] == "user"
                         and any(db.get(p, "PBD")["host"] == there for p in sr["PBDs"]))
        combo = page.combos[0]
        stays = [combo.itemText(i) for i in range(combo.count()) if "stays" in combo.itemText(i)]
        assert stays == []  # the other host cannot see the local SR the disk is on
        combo.setCurrentIndex(combo.findData(target_sr))
        assert wizard.plan.disks[0].dest_sr == target_sr
        shoot(wizard, artifacts_dir, "migrate-2-storage")
        next_page(qtbot, wizard)
        page = wizard.currentPage()
        assert page.objectName() == "page_network"
        assert "keep their networks" in page.note.text()
        next_page(qtbot, wizard)
        assert "accept the move" in wait_verdict(qtbot, wizard)
        shoot(wizard, artifacts_dir, "migrate-3-summary")
        click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
        name = db.get(vm, "VM")["name_label"]
        app.wait_task(f"Migrate '{name}'", timeout=WAIT)
        rec = db.get(vm, "VM")
        assert rec["resident_on"] == there and rec["power_state"] == "Running"
        assert {db.get(d, "VDI")["SR"] for d in disks(db, vm)} == {target_sr}
        qtbot.waitUntil(lambda: app.parent_ref(vm) == there, timeout=WAIT)
        wait_selected(app, "lab", vm)


def test_a_vm_moves_to_another_connected_pool_and_is_selected_there(app, artifacts_dir) -> None:
    with running_pool(hosts=2, vms=10, tls=True) as lab, \
            running_pool(hosts=2, vms=4, seed=7, tls=True) as dc2:
        qtbot = app.qtbot
        app.connect(lab)
        app.connect(dc2, "dc2")
        vm = running_vm(lab.db)
        rec = lab.db.get(vm, "VM")
        wizard = open_wizard(app, vm)
        page = wizard.currentPage()
        index = page.pool_box.findData("dc2")
        assert index >= 0 and "(this pool)" in page.pool_box.itemText(page.pool_box.findData("lab"))
        page.pool_box.setCurrentIndex(index)
        assert wizard.plan.cross_pool and wizard.plan.dest is app.conn("dc2")
        host = next(iter(dc2.db.all("host")))
        pick_host(page, host)
        assert wizard.plan.host == host
        shoot(wizard, artifacts_dir, "migrate-4-other-pool")
        next_page(qtbot, wizard)
        page = wizard.currentPage()
        assert all(d.dest_sr in dc2.db.all("SR") for d in wizard.plan.disks)
        next_page(qtbot, wizard)
        page = wizard.currentPage()
        assert page.objectName() == "page_network" and page.combos
        mgmt = next(ref for ref, n in dc2.db.all("network").items() if n["bridge"] == "xenbr0")
        for combo in page.combos:
            combo.setCurrentIndex(combo.findData(mgmt))
        shoot(wizard, artifacts_dir, "migrate-5-networks")
        next_page(qtbot, wizard)
        assert "accept the move" in wait_verdict(qtbot, wizard)
        click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
        entry = app.wait_task(f"Migrate '{rec['name_label']}'", timeout=WAIT)
        new = entry.handle.result
        moved = dc2.db.get(new, "VM")
        assert moved["name_label"] == rec["name_label"] and moved["power_state"] == "Running"
        assert {dc2.db.get(v, "VIF")["network"] for v in moved["VIFs"]} == {mgmt}
        assert lab.db.find(vm, "VM") is None
        qtbot.waitUntil(lambda: app.row(new, "dc2").isValid(), timeout=WAIT)
        qtbot.waitUntil(lambda: not app.row(vm, "lab").isValid(), timeout=WAIT)
        wait_selected(app, "dc2", new)


def test_a_refusal_is_shown_in_words_before_anything_moves(app, artifacts_dir) -> None:
    with running_pool(hosts=2, vms=10, tls=True) as lab, \
            running_pool(hosts=1, vms=2, seed=9, tls=True) as old:
        qtbot = app.qtbot
        host = next(iter(old.db.all("host")))
        old.db.update(host, software_version={**old.db.get(host, "host")["software_version"],
                                              "platform_version": "2.0.0"})
        app.connect(lab)
        app.connect(old, "old")
        vm = running_vm(lab.db)
        before = dict(lab.db.get(vm, "VM"))
        old_vms = set(old.db.all("VM"))
        wizard = open_wizard(app, vm)
        page = wizard.currentPage()
        page.pool_box.setCurrentIndex(page.pool_box.findData("old"))
        for _ in range(3):
            next_page(qtbot, wizard)
        verdict = wait_verdict(qtbot, wizard)
        assert f"'{before['name_label']}' cannot move" in verdict and "older version" in verdict
        assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
        assert wizard.page_named("summary").again.isVisible()
        shoot(wizard, artifacts_dir, "migrate-6-refused")
        wizard.reject()
        after = lab.db.get(vm, "VM")
        assert after["resident_on"] == before["resident_on"] and after["power_state"] == "Running"
        assert set(old.db.all("VM")) == old_vms
        assert not app.tasks_titled("Migrate")


def test_put_every_disk_on_lists_what_the_destination_reaches_with_the_default_chosen(
        app) -> None:
    with running_pool(hosts=2, vms=10, tls=True) as lab, \
            running_pool(hosts=2, vms=4, seed=7, tls=True) as dc2:
        qtbot, db = app.qtbot, dc2.db
        app.connect(lab)
        app.connect(dc2, "dc2")
        wizard = open_wizard(app, local_running(lab.db))
        page = wizard.currentPage()
        page.pool_box.setCurrentIndex(page.pool_box.findData("dc2"))
        host = wizard.plan.host
        next_page(qtbot, wizard)
        page = wizard.currentPage()
        assert page.objectName() == "page_storage"
        reached = {ref for ref, sr in db.all("SR").items()
                   if sr["content_type"] != "iso" and sr["type"] not in ("iso", "udev")
                   and any(db.get(p, "PBD")["host"] == host
                           and db.get(p, "PBD")["currently_attached"] for p in sr["PBDs"])}
        offered = {page.all_disks.itemData(i) for i in range(page.all_disks.count())}
        assert reached and offered == reached
        default = db.get(next(iter(db.all("pool"))), "pool")["default_SR"]
        assert default in reached
        assert page.all_disks.currentData() == default
        assert db.get(default, "SR")["name_label"] in page.all_disks.currentText()
        click(qtbot, page.apply_all)
        assert {d.dest_sr for d in wizard.plan.disks} == {default}
        assert {c.currentData() for c in page.combos} == {default}
        wizard.reject()
