"""Storage in the app, driven through its widgets against the simulator: the New SR wizard
(NFS: a wrong name answered in words, a new SR made; iSCSI: IQNs, then LUNs with their sizes),
the SR's Disks tab (add, resize, delete after a confirmation naming the disk), and Repair with
one server that cannot reach the storage. The server's records are checked after each; every
wizard page and the Disks tab are saved as pictures (artifacts/storage-*.png)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PyQt6.QtWidgets import QComboBox, QLabel, QLineEdit, QWizard

from tests.gui.fixtures import (  # noqa: F401
    app_fixture,
    click,
    loop_fixture,
    open_dialogs,
    wait_dialog,
)
from xapiman.gui.dialogs import ConfirmDialog, FormDialog
from xapiman.gui.screenshot import save_screenshot
from xapiman.gui.wizards.new_sr import NewSrWizard
from xapiman.sim.storage import backend
from xapiman.sim.storage_net import StorageNetwork
from xapiman.sim.testing import RunningPool, running_pool

GiB = 1024**3
WAIT = 15_000
pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def pool() -> Iterator[RunningPool]:
    with running_pool(hosts=2, vms=6, tls=True) as p:
        yield p


def named(db, cls: str, name: str) -> str:
    return next(r for r, rec in db.all(cls).items() if rec["name_label"] == name)


def shoot(widget, artifacts_dir, name: str) -> None:
    if isinstance(widget, NewSrWizard):
        widget.review_now()  # the page's notes as the user sees them after a pause
    save_screenshot(widget, artifacts_dir / f"storage-{name}.png")


def next_page(qtbot, wizard) -> None:
    wizard.review_now()  # what the user typed is checked once they pause
    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))


def open_new_sr(app, pool) -> NewSrWizard:
    app.connect(pool)
    app.select("")  # the pool's own row
    app.wait_enabled("sr.new")
    app.action("sr.new").trigger()
    wizard = wait_dialog(app.qtbot, NewSrWizard)
    assert isinstance(wizard, NewSrWizard)
    wizard.resize(860, 600)
    return wizard


def test_new_nfs_sr(app, pool, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    wizard = open_new_sr(app, pool)
    page = wizard.currentPage()
    page.radios["nfs"].setChecked(True)
    shoot(wizard, artifacts_dir, "new-sr-1-type")
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    page.name.selectAll()
    qtbot.keyClicks(page.name, "Wizard NFS")
    shoot(wizard, artifacts_dir, "new-sr-2-name")
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    assert page.objectName() == "page_location"
    # a name that does not resolve: the server's answer, in words
    qtbot.keyClicks(page.nfs_server, "filer.invalid")
    click(qtbot, page.nfs_scan)
    qtbot.waitUntil(lambda: "DNS" in page.status.text(), timeout=WAIT)
    assert "IP address" in page.status.text()
    assert not page.isComplete()
    shoot(wizard, artifacts_dir, "new-sr-3-location-error")
    page.nfs_server.clear()
    qtbot.keyClicks(page.nfs_server, "10.0.0.5")
    click(qtbot, page.nfs_scan)
    qtbot.waitUntil(lambda: page.nfs_path.count() >= 3, timeout=WAIT)
    exports = [page.nfs_path.itemText(i) for i in range(page.nfs_path.count())]
    assert "/export/vms" in exports and "/export/backup" in exports
    # the export of the pool's NFS SR: that SR is found, and it is in this pool already
    page.nfs_path.setEditText("/export/vms")
    click(qtbot, page.nfs_check)
    qtbot.waitUntil(lambda: page.choice_row.isVisible(), timeout=WAIT)
    assert "in this pool already" in page.choice.itemText(0)
    wizard.review_now()
    assert not page.isComplete() and "attached to this pool already" in page.problems.text()
    shoot(wizard, artifacts_dir, "new-sr-3-location-found")
    page.nfs_path.setEditText("/export/backup")
    assert not page.choice_row.isVisible()  # the earlier answer no longer counts
    click(qtbot, page.nfs_check)
    qtbot.waitUntil(lambda: "No SR is at" in page.status.text(), timeout=WAIT)
    wizard.review_now()
    assert page.isComplete()
    shoot(wizard, artifacts_dir, "new-sr-3-location")
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    texts = page.texts()
    assert "10.0.0.5:/export/backup" in texts and "Make a new SR." in texts
    shoot(wizard, artifacts_dir, "new-sr-4-summary")
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    app.wait_task("New SR 'Wizard NFS'")
    sr = named(db, "SR", "Wizard NFS")
    qtbot.waitUntil(lambda: app.selected_keys() == [("lab", "sr", sr)], timeout=WAIT)
    rec = db.get(sr, "SR")
    assert rec["type"] == "nfs" and rec["shared"]
    config = db.get(rec["PBDs"][0], "PBD")["device_config"]
    assert config == {"server": "10.0.0.5", "serverpath": "/export/backup"}
    assert all(db.get(p, "PBD")["currently_attached"] for p in rec["PBDs"])


def test_new_iscsi_sr_lists_iqns_and_luns(app, pool, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    wizard = open_new_sr(app, pool)
    wizard.currentPage().radios["iscsi"].setChecked(True)
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    page.name.selectAll()
    qtbot.keyClicks(page.name, "Wizard SAN")
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    assert page.port.value() == 3260
    qtbot.keyClicks(page.target, "chap-array")
    click(qtbot, page.discover)
    qtbot.waitUntil(lambda: "CHAP" in page.status.text(), timeout=WAIT)
    qtbot.keyClicks(page.chap_user, "chap")
    qtbot.keyClicks(page.chap_secret, "secret")
    click(qtbot, page.discover)
    qtbot.waitUntil(lambda: page.iqn.count() == 1, timeout=WAIT)
    click(qtbot, page.lun_button)
    qtbot.waitUntil(lambda: page.luns.topLevelItemCount() == 2, timeout=WAIT)
    second = page.luns.topLevelItem(1)
    assert second.text(1) == "2 TiB" and second.text(4) == "none"
    scsi_id = second.text(3)
    page.luns.setCurrentItem(second)
    second.setSelected(True)
    wizard.review_now()
    assert page.isComplete()
    shoot(wizard, artifacts_dir, "new-sr-3-location-iscsi")
    next_page(qtbot, wizard)
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    app.wait_task("New SR 'Wizard SAN'")
    sr = named(db, "SR", "Wizard SAN")
    qtbot.waitUntil(lambda: app.selected_keys() == [("lab", "sr", sr)], timeout=WAIT)
    rec = db.get(sr, "SR")
    config = db.get(rec["PBDs"][0], "PBD")["device_config"]
    assert (rec["type"], config["target"], config["chapuser"], config["SCSIid"]) == (
        "lvmoiscsi", "chap-array", "chap", scsi_id)
    assert int(rec["physical_size"]) == 2 * 1024**4


def fill_form(qtbot, form: FormDialog, **values: str) -> None:
    for key, value in values.items():
        widget = form.inputs[key]
        if isinstance(widget, QLineEdit):
            widget.selectAll()
            qtbot.keyClicks(widget, value)
        elif isinstance(widget, QComboBox):
            field = next(f for f in form.form.fields if f.key == key)
            widget.setCurrentIndex(next(i for i, c in enumerate(field.choices)
                                        if c.value == value))


def test_sr_disks_tab_add_resize_delete(app, pool, artifacts_dir) -> None:
    qtbot, db, window = app.qtbot, pool.db, app.window
    app.connect(pool)
    sr = named(db, "SR", "NFS virtual disk storage")
    app.select(sr)
    assert window.show_tab("Disks")
    page = window.tabs.currentWidget()
    buttons = page.actions_row.buttons
    qtbot.waitUntil(lambda: buttons["vdi.new"].isEnabled(), timeout=WAIT)
    assert not buttons["vdi.delete"].isEnabled()  # nothing selected yet
    click(qtbot, buttons["vdi.new"])
    form = wait_dialog(qtbot, FormDialog)
    fill_form(qtbot, form, name="tab disk", size="3 GiB")
    click(qtbot, form.ok_button)
    app.wait_task("New disk 'tab disk'")
    qtbot.waitUntil(lambda: any(v["name_label"] == "tab disk" for v in db.all("VDI").values()),
                    timeout=WAIT)
    vdi = named(db, "VDI", "tab disk")
    assert db.get(vdi, "VDI")["virtual_size"] == 3 * GiB and db.get(vdi, "VDI")["SR"] == sr
    qtbot.waitUntil(lambda: vdi in page.list.items, timeout=WAIT)
    page.list.clearSelection()
    page.list.items[vdi].setSelected(True)
    qtbot.waitUntil(lambda: buttons["vdi.resize"].isEnabled(), timeout=WAIT)
    save_screenshot(window, artifacts_dir / "storage-sr-disks-tab.png")
    click(qtbot, buttons["vdi.resize"])
    form = wait_dialog(qtbot, FormDialog)
    fill_form(qtbot, form, size="5 GiB")
    click(qtbot, form.ok_button)
    qtbot.waitUntil(lambda: db.get(vdi, "VDI")["virtual_size"] == 5 * GiB, timeout=WAIT)
    qtbot.waitUntil(lambda: page.list.row_texts()[vdi][2] == "5 GiB", timeout=WAIT)  # seen
    qtbot.waitUntil(lambda: buttons["vdi.delete"].isEnabled(), timeout=WAIT)
    click(qtbot, buttons["vdi.delete"])
    question = wait_dialog(qtbot, ConfirmDialog)
    assert question.danger
    assert "'tab disk' (5 GiB)" in " ".join(label.text() for label in question.findChildren(QLabel))
    question.reject()
    qtbot.waitUntil(lambda: not open_dialogs(ConfirmDialog), timeout=WAIT)
    assert db.find(vdi, "VDI") is not None  # refused: nothing deleted
    click(qtbot, buttons["vdi.delete"])
    question = wait_dialog(qtbot, ConfirmDialog)
    click(qtbot, question.ok_button)
    qtbot.waitUntil(lambda: db.find(vdi, "VDI") is None, timeout=WAIT)
    qtbot.waitUntil(lambda: vdi not in page.list.items, timeout=WAIT)


@pytest.mark.changes_pool
def test_repair_shows_the_failing_servers_error(app, pool, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    hosts = sorted(db.all("host"), key=lambda h: db.get(h, "host")["name_label"])
    sr = named(db, "SR", "NFS virtual disk storage")
    pbds = {db.get(p, "PBD")["host"]: p for p in db.get(sr, "SR")["PBDs"]}
    conn_call = _session(pool)
    for p in pbds.values():  # the SR went away from every server (no VM uses it now)
        for vdi in db.get(sr, "SR")["VDIs"]:
            for vbd in db.get(vdi, "VDI")["VBDs"]:
                vm = db.get(vbd, "VBD")["VM"]
                if db.get(vm, "VM")["power_state"] != "Halted":
                    conn_call.VM.hard_shutdown(vm)
        conn_call.PBD.unplug(p)
    StorageNetwork.of(db).cut("10.0.0.5", hosts[1])
    app.connect(pool)
    app.select(sr)
    app.wait_enabled("sr.repair")
    app.action("sr.repair").trigger()
    entry = app.wait_task("Repair 'NFS virtual disk storage'", status="failure")
    second = db.get(hosts[1], "host")["name_label"]
    assert second in str(entry.error) and "NFS service" in str(entry.error)
    assert second in app.task_row_text(entry)
    save_screenshot(app.window, artifacts_dir / "storage-sr-repair-failed.png")
    assert db.get(pbds[hosts[0]], "PBD")["currently_attached"] is True
    assert db.get(pbds[hosts[1]], "PBD")["currently_attached"] is False
    StorageNetwork.of(db).mend("10.0.0.5", hosts[1])
    app.wait_enabled("sr.repair")
    app.action("sr.repair").trigger()
    title = "Repair 'NFS virtual disk storage'"
    qtbot.waitUntil(lambda: len([e for e in app.tasks_titled(title) if e.ended]) == 2,
                    timeout=WAIT)
    assert app.tasks_titled(title)[-1].status == "success"
    assert db.get(pbds[hosts[1]], "PBD")["currently_attached"] is True


def _session(pool):
    import XenAPI

    session = XenAPI.Session(pool.url, ignore_ssl=True)
    session.xenapi.login_with_password(pool.user, pool.password, "2.21", "tests")
    return session.xenapi


def _fill(qtbot, edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def _to_location(app, pool, kind: str, name: str, artifacts_dir):
    qtbot = app.qtbot
    wizard = open_new_sr(app, pool)
    wizard.currentPage().radios[kind].setChecked(True)
    shoot(wizard, artifacts_dir, f"new-sr-1-type-{kind}")
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    page.name.selectAll()
    qtbot.keyClicks(page.name, name)
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    assert page.objectName() == "page_location" and page.panels[kind].isVisible()
    return wizard, page


def _finish(app, pool, wizard, name: str, artifacts_dir, kind: str, warning: str = "") -> dict:
    qtbot, db = app.qtbot, pool.db
    next_page(qtbot, wizard)
    summary = wizard.currentPage()
    assert summary.warning.text() == warning and summary.warning.isVisible() == bool(warning)
    shoot(wizard, artifacts_dir, f"new-sr-4-summary-{kind}")
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    app.wait_task(f"New SR '{name}'")
    sr = named(db, "SR", name)
    qtbot.waitUntil(lambda: app.selected_keys() == [("lab", "sr", sr)], timeout=WAIT)
    rec = db.get(sr, "SR")
    assert all(db.get(p, "PBD")["currently_attached"] for p in rec["PBDs"])
    return rec


def test_new_local_sr_on_a_servers_disk(app, pool, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    wizard, page = _to_location(app, pool, "ext", "Local scratch", artifacts_dir)
    hosts = sorted(db.all("host"), key=lambda h: db.get(h, "host")["name_label"])
    page.local_host.setCurrentIndex(page.local_host.findData(hosts[1]))
    _fill(qtbot, page.device, "/dev/sdc")
    click(qtbot, page.local_check)
    qtbot.waitUntil(lambda: "No SR is at" in page.status.text(), timeout=WAIT)
    wizard.review_now()
    assert page.isComplete()
    shoot(wizard, artifacts_dir, "new-sr-3-location-ext")
    second = db.get(hosts[1], "host")["name_label"]
    rec = _finish(app, pool, wizard, "Local scratch", artifacts_dir, "ext",
                  f"Making this SR erases everything on /dev/sdc of {second}.")
    assert (rec["type"], rec["shared"], rec["content_type"]) == ("ext", False, "user")
    (pbd,) = rec["PBDs"]
    assert db.get(pbd, "PBD")["host"] == hosts[1]
    assert db.get(pbd, "PBD")["device_config"] == {"device": "/dev/sdc"}


def test_new_iso_library_on_nfs(app, pool, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    wizard, page = _to_location(app, pool, "iso_nfs", "NFS ISOs", artifacts_dir)
    _fill(qtbot, page.iso_server, "10.0.0.7")
    _fill(qtbot, page.iso_path, "/export/iso")
    wizard.review_now()
    assert page.isComplete()
    shoot(wizard, artifacts_dir, "new-sr-3-location-iso_nfs")
    rec = _finish(app, pool, wizard, "NFS ISOs", artifacts_dir, "iso_nfs")
    assert (rec["type"], rec["content_type"], rec["shared"]) == ("iso", "iso", True)
    config = db.get(rec["PBDs"][0], "PBD")["device_config"]
    assert config["location"] == "10.0.0.7:/export/iso" and config["type"] == "nfs_iso"


@pytest.mark.changes_pool
def test_new_iso_library_on_smb_with_a_login(app, pool, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    StorageNetwork.of(db).require_login("files.lab", "isoreader", "pa55")
    wizard, page = _to_location(app, pool, "iso_smb", "SMB ISOs", artifacts_dir)
    _fill(qtbot, page.smb_server, "files.lab")
    _fill(qtbot, page.smb_share, "isos")
    _fill(qtbot, page.smb_user, "isoreader")
    _fill(qtbot, page.smb_password, "pa55")
    assert page.smb_password.echoMode() == QLineEdit.EchoMode.Password
    wizard.review_now()
    assert page.isComplete()
    shoot(wizard, artifacts_dir, "new-sr-3-location-iso_smb")
    rec = _finish(app, pool, wizard, "SMB ISOs", artifacts_dir, "iso_smb")
    assert (rec["type"], rec["content_type"]) == ("iso", "iso")
    config = db.get(rec["PBDs"][0], "PBD")["device_config"]
    assert config["location"] == r"\\files.lab\isos" and config["username"] == "isoreader"


@pytest.mark.changes_pool
def test_a_new_sr_over_one_found_on_a_lun_asks_first(app, pool, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    wizard = open_new_sr(app, pool)
    wizard.currentPage().radios["iscsi"].setChecked(True)
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    page.name.selectAll()
    qtbot.keyClicks(page.name, "Over LUN 0")
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    qtbot.keyClicks(page.target, "chap-erase")
    qtbot.keyClicks(page.chap_user, "chap")
    qtbot.keyClicks(page.chap_secret, "secret")
    click(qtbot, page.discover)
    qtbot.waitUntil(lambda: page.iqn.count() == 1, timeout=WAIT)
    click(qtbot, page.lun_button)
    qtbot.waitUntil(lambda: page.luns.topLevelItemCount() == 2, timeout=WAIT)
    # meanwhile an SR appears on LUN 0 (made by another client)
    session = _session(pool)
    host = min(db.all("host"), key=lambda h: db.get(h, "host")["name_label"])
    scsi_id = page.luns.topLevelItem(0).text(3)
    existing = session.SR.create(host, {
        "target": "chap-erase", "port": "3260", "chapuser": "chap", "chappassword": "secret",
        "targetIQN": str(page.iqn.currentData()), "SCSIid": scsi_id}, "0", "Keep me", "",
        "lvmoiscsi", "user", True, {})
    uuid = db.get(existing, "SR")["uuid"]

    def pick_first_lun(sr_text: str) -> None:
        click(qtbot, page.lun_button)
        qtbot.waitUntil(lambda: page.luns.topLevelItemCount() == 2
                        and page.luns.topLevelItem(0).text(4) == sr_text, timeout=WAIT)
        first = page.luns.topLevelItem(0)
        page.luns.setCurrentItem(first)
        first.setSelected(True)
        qtbot.waitUntil(lambda: page.choice_row.isVisible(), timeout=WAIT)
        page.choice.setCurrentIndex(page.choice.findData(""))  # make a new SR anyway
        assert "erasing" in page.choice.currentText()
        wizard.review_now()

    # an SR of this pool is never erased from here
    pick_first_lun(f"'Keep me' of this pool ({uuid})")
    assert not page.isComplete() and "one of this pool's" in page.problems.text()
    # one the pool forgot may be, after a warning and a question naming it
    for pbd in session.SR.get_PBDs(existing):
        session.PBD.unplug(pbd)
    session.SR.forget(existing)
    pick_first_lun(uuid)
    assert page.isComplete() and "erases it and every disk on it" in page.problems.text()
    shoot(wizard, artifacts_dir, "new-sr-3-location-iscsi-erase")
    next_page(qtbot, wizard)
    summary = wizard.currentPage()
    assert "erases the SR found on" in summary.warning.text()
    shoot(wizard, artifacts_dir, "new-sr-4-summary-iscsi-erase")
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    question = wait_dialog(qtbot, ConfirmDialog)
    assert question.danger
    text = " ".join(label.text() for label in question.findChildren(QLabel))
    assert f"the SR {uuid} and every disk on it" in text
    save_screenshot(question, artifacts_dir / "storage-new-sr-erase-question.png")
    question.reject()
    qtbot.waitUntil(lambda: not open_dialogs(ConfirmDialog), timeout=WAIT)
    assert uuid in backend(db).forgotten_srs  # still on the LUN, untouched
    assert not [s for s in db.all("SR").values() if s["name_label"] == "Over LUN 0"]
    assert not app.tasks_titled("Over LUN 0")
