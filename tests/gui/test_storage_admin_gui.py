"""An SR's and a disk's life in the app, driven through its menus and tab buttons against the
simulator: rescan (a disk forgotten by the pool comes back), set as default, detach, forget and
destroy (each asking first, the destructive ones naming what goes; refused, nothing changes),
disks renamed, attached at a chosen position read-only, moved (copied while the VM is down,
live while it runs), detached, imported from an image file, exported back, and an import
cancelled halfway. The server's records are checked after each step; the questions are saved
as pictures (artifacts/storage-*.png)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from PyQt6.QtCore import QItemSelectionModel
from PyQt6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QWizard

from tests.gui.fixtures import (  # noqa: F401
    app_fixture,
    click,
    loop_fixture,
    open_dialogs,
    wait_dialog,
)
from xapiman.gui.dialogs import ConfirmDialog, FormDialog
from xapiman.gui.dialogs.disk_image import DiskExportDialog, DiskImportDialog
from xapiman.gui.screenshot import save_screenshot
from xapiman.gui.wizards.new_sr import NewSrWizard
from xapiman.sim.testing import RunningPool, running_pool

MiB, GiB = 1024**2, 1024**3
WAIT = 15_000
pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def pool() -> Iterator[RunningPool]:
    with running_pool(hosts=2, vms=6, tls=True) as p:
        yield p


@pytest.fixture(scope="module")
def xapi(pool):
    import XenAPI

    session = XenAPI.Session(pool.url, ignore_ssl=True)
    session.xenapi.login_with_password(pool.user, pool.password, "2.21", "tests")
    yield session.xenapi
    session.xenapi.session.logout()
    session("close")()


def named(db, cls: str, name: str) -> str:
    found = [r for r, rec in db.all(cls).items() if rec["name_label"] == name]
    assert len(found) == 1, (cls, name, found)
    return found[0]


def new_nfs_sr(xapi, db, name: str, server: str) -> str:
    host = min(db.all("host"), key=lambda h: db.get(h, "host")["name_label"])
    return xapi.SR.create(host, {"server": server, "serverpath": "/" + name.replace(" ", "")},
                          "0", name, "", "nfs", "user", True, {})


def new_disk(xapi, sr: str, name: str, size: int = GiB) -> str:
    return xapi.VDI.create({"name_label": name, "name_description": "", "SR": sr,
                            "virtual_size": str(size), "type": "user", "sharable": False,
                            "read_only": False, "other_config": {}, "xenstore_data": {},
                            "sm_config": {}, "tags": []})


def user_vm(db, state: str) -> str:
    return next(r for r, v in sorted(db.all("VM").items(), key=lambda kv: kv[1]["name_label"])
                if v["power_state"] == state and not v["is_a_template"]
                and not v["is_control_domain"] and not v["is_a_snapshot"])


def dialog_text(dialog) -> str:
    return " ".join(label.text() for label in dialog.findChildren(QLabel))


def ask(app, action_id: str) -> ConfirmDialog:
    """Trigger the action (enabled for the selection) and wait for its question."""
    app.wait_enabled(action_id)
    app.action(action_id).trigger()
    question = wait_dialog(app.qtbot, ConfirmDialog)
    assert isinstance(question, ConfirmDialog)
    return question


def refuse(app, question: ConfirmDialog) -> None:
    click(app.qtbot, question.cancel_button)
    app.qtbot.waitUntil(lambda: not open_dialogs(ConfirmDialog), timeout=WAIT)


def choose(form: FormDialog, key: str, value: object) -> None:
    combo = form.inputs[key]
    assert isinstance(combo, QComboBox)
    field = next(f for f in form.form.fields if f.key == key)
    combo.setCurrentIndex(next(i for i, c in enumerate(field.choices) if c.value == value))


def type_into(qtbot, edit, text: str) -> None:
    assert isinstance(edit, QLineEdit)
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def next_page(qtbot, wizard) -> None:
    wizard.review_now()  # what the user typed is checked once they pause
    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))


def attached(db, sr: str) -> set[bool]:
    return {db.get(p, "PBD")["currently_attached"] for p in db.get(sr, "SR")["PBDs"]}


def test_rescan_default_detach_and_forget(app, pool, xapi, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    sr = new_nfs_sr(xapi, db, "Admin NFS", "10.0.0.40")
    stray = new_disk(xapi, sr, "stray disk")
    xapi.VDI.forget(stray)  # the pool no longer knows the disk; the storage still holds it
    assert not [v for v in db.all("VDI").values() if v["name_label"] == "stray disk"]
    app.connect(pool)
    app.select(sr)
    app.wait_enabled("sr.rescan")
    app.action("sr.rescan").trigger()
    app.wait_task("Rescan 'Admin NFS'")
    found = named(db, "VDI", "stray disk")
    assert db.get(found, "VDI")["SR"] == sr
    qtbot.waitUntil(lambda: app.conn().cache.record("VDI", found) is not None, timeout=WAIT)
    # the default SR
    pool_ref = next(iter(db.all("pool")))
    before = db.get(pool_ref, "pool")["default_SR"]
    app.wait_enabled("pool.set_default_sr")
    app.action("pool.set_default_sr").trigger()
    qtbot.waitUntil(lambda: [db.get(pool_ref, "pool")[k] for k in (
        "default_SR", "suspend_image_SR", "crash_dump_SR")] == [sr] * 3, timeout=WAIT)
    qtbot.waitUntil(lambda: not app.action("pool.set_default_sr").isEnabled(), timeout=WAIT)
    assert "default SR already" in app.action("pool.set_default_sr").toolTip()
    xapi.pool.set_default_SR(pool_ref, before)
    # detach: asked first, nothing deleted
    question = ask(app, "sr.detach")
    assert "Admin NFS" in dialog_text(question) and "nothing on it is deleted" in \
        dialog_text(question)
    refuse(app, question)
    assert attached(db, sr) == {True}
    question = ask(app, "sr.detach")
    click(qtbot, question.ok_button)
    app.wait_task("Detach 'Admin NFS'")
    assert attached(db, sr) == {False} and db.find(found, "VDI") is not None
    # forget: a danger, naming the pool's record and the disks it forgets
    uuid = db.get(sr, "SR")["uuid"]
    question = ask(app, "sr.forget")
    assert question.danger
    text = dialog_text(question)
    assert "'Admin NFS' and of its disk" in text and "data stays" in text
    save_screenshot(question, artifacts_dir / "storage-sr-forget-question.png")
    refuse(app, question)
    assert db.find(sr, "SR") is not None
    question = ask(app, "sr.forget")
    click(qtbot, question.ok_button)
    app.wait_task("Forget 'Admin NFS'")
    assert db.find(sr, "SR") is None and db.find(found, "VDI") is None
    # the New SR wizard finds it at its export and attaches it again, its disk with it
    app.select("")
    app.wait_enabled("sr.new")
    app.action("sr.new").trigger()
    wizard = wait_dialog(qtbot, NewSrWizard)
    assert isinstance(wizard, NewSrWizard)
    wizard.currentPage().radios["nfs"].setChecked(True)
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    type_into(qtbot, page.name, "Admin NFS again")
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    qtbot.keyClicks(page.nfs_server, "10.0.0.40")
    page.nfs_path.setEditText("/AdminNFS")
    click(qtbot, page.nfs_check)
    qtbot.waitUntil(lambda: page.choice_row.isVisible(), timeout=WAIT)
    assert page.choice.currentData() == uuid and "in this pool" not in page.choice.currentText()
    next_page(qtbot, wizard)
    assert f"Attach the existing SR {uuid}; its disks are kept." in wizard.currentPage().texts()
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish.text() == "Attach"
    click(qtbot, finish)
    app.wait_task("Attach SR 'Admin NFS again'")
    again = db.by_uuid("SR", uuid)
    qtbot.waitUntil(lambda: app.selected_keys() == [("lab", "sr", again)], timeout=WAIT)
    assert db.get(again, "SR")["name_label"] == "Admin NFS again" and attached(db, again) == {True}
    assert [db.get(v, "VDI")["name_label"] for v in db.get(again, "SR")["VDIs"]] == ["stray disk"]


def test_destroy_names_the_disks_and_their_vms(app, pool, xapi, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    sr = new_nfs_sr(xapi, db, "Doomed NFS", "10.0.0.41")
    disk = new_disk(xapi, sr, "doomed data", 2 * GiB)
    vm = user_vm(db, "Halted")
    vbd = xapi.VBD.create({"VM": vm, "VDI": disk, "userdevice": "6", "bootable": False,
                           "mode": "RW", "type": "Disk", "empty": False, "other_config": {},
                           "qos_algorithm_type": "", "qos_algorithm_params": {}})
    app.connect(pool)
    # an SR whose disks a running VM uses cannot go, and says which
    busy = named(db, "SR", "NFS virtual disk storage")
    app.select(busy)
    qtbot.waitUntil(lambda: "Running VMs use its disks" in app.action("sr.destroy").toolTip(),
                    timeout=WAIT)
    assert not app.action("sr.destroy").isEnabled()
    app.select(sr)
    question = ask(app, "sr.destroy")
    assert question.danger
    text = dialog_text(question)
    vm_name = db.get(vm, "VM")["name_label"]
    assert "'doomed data' (2 GiB)" in text and vm_name in text and "cannot be undone" in text
    save_screenshot(question, artifacts_dir / "storage-sr-destroy-question.png")
    refuse(app, question)
    assert db.find(sr, "SR") is not None and db.find(disk, "VDI") is not None
    question = ask(app, "sr.destroy")
    click(qtbot, question.ok_button)
    app.wait_task("Destroy 'Doomed NFS'")
    assert db.find(sr, "SR") is None and db.find(disk, "VDI") is None
    assert db.find(vbd, "VBD") is None and vbd not in db.get(vm, "VM")["VBDs"]


def disks_tab(app, sr: str):
    app.select(sr)
    assert app.window.show_tab("Disks")
    return app.window.tabs.currentWidget()


def pick_row(app, page, key: str) -> None:
    app.qtbot.waitUntil(lambda: key in page.list.items, timeout=WAIT)
    page.list.clearSelection()
    page.list.items[key].setSelected(True)


@pytest.mark.changes_pool
def test_rename_attach_move_and_detach_a_disk(app, pool, xapi, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    nfs = named(db, "SR", "NFS virtual disk storage")
    iscsi = named(db, "SR", "iSCSI virtual disk storage")
    disk = new_disk(xapi, nfs, "mover")
    vm = user_vm(db, "Halted")
    app.connect(pool)
    page = disks_tab(app, nfs)
    buttons = page.actions_row.buttons
    pick_row(app, page, disk)
    qtbot.waitUntil(buttons["object.rename"].isEnabled, timeout=WAIT)
    click(qtbot, buttons["object.rename"])
    form = wait_dialog(qtbot, FormDialog)
    type_into(qtbot, form.inputs["name"], "mover disk")
    click(qtbot, form.ok_button)
    qtbot.waitUntil(lambda: db.get(disk, "VDI")["name_label"] == "mover disk", timeout=WAIT)
    qtbot.waitUntil(lambda: page.list.row_texts()[disk][0] == "mover disk", timeout=WAIT)
    # attached at a chosen free position, read-only
    qtbot.waitUntil(buttons["vdi.attach"].isEnabled, timeout=WAIT)
    click(qtbot, buttons["vdi.attach"])
    form = wait_dialog(qtbot, FormDialog)
    assert "Which VM should 'mover disk' be attached to?" in dialog_text(form)
    choose(form, "vm", vm)
    type_into(qtbot, form.inputs["position"], "5")
    read_only = form.inputs["read_only"]
    assert isinstance(read_only, QCheckBox)
    read_only.setChecked(True)
    save_screenshot(form, artifacts_dir / "storage-disk-attach.png")
    click(qtbot, form.ok_button)
    app.wait_task("Attach 'mover disk'")
    vbd = db.get(disk, "VDI")["VBDs"][0]
    assert (db.get(vbd, "VBD")["VM"], db.get(vbd, "VBD")["userdevice"],
            db.get(vbd, "VBD")["mode"]) == (vm, "5", "RO")
    # moved while its VM is down: copied to the other SR, the VM keeps it at the same place
    pick_row(app, page, disk)
    qtbot.waitUntil(buttons["vdi.move"].isEnabled, timeout=WAIT)
    click(qtbot, buttons["vdi.move"])
    form = wait_dialog(qtbot, FormDialog)
    choose(form, "sr", iscsi)
    click(qtbot, form.ok_button)
    app.wait_task("Move 'mover disk'", timeout=30_000)
    assert db.find(disk, "VDI") is None
    moved = named(db, "VDI", "mover disk")
    assert db.get(moved, "VDI")["SR"] == iscsi
    vbds = [db.get(b, "VBD") for b in db.get(moved, "VDI")["VBDs"]]
    assert [(b["VM"], b["userdevice"], b["mode"]) for b in vbds] == [(vm, "5", "RO")]
    # detached from the other SR's Disks tab: asked first, the disk stays
    page = disks_tab(app, iscsi)
    buttons = page.actions_row.buttons
    pick_row(app, page, moved)
    qtbot.waitUntil(buttons["vdi.detach"].isEnabled, timeout=WAIT)
    click(qtbot, buttons["vdi.detach"])
    question = wait_dialog(qtbot, ConfirmDialog)
    assert "'mover disk'" in dialog_text(question) and "The disk is kept" in \
        dialog_text(question)
    click(qtbot, question.ok_button)
    qtbot.waitUntil(lambda: not db.get(moved, "VDI")["VBDs"], timeout=WAIT)
    assert db.find(moved, "VDI") is not None


@pytest.mark.changes_pool
def test_a_running_vms_disk_moves_live(app, pool, xapi, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    vm = user_vm(db, "Running")
    vbd = next(b for b in db.get(vm, "VM")["VBDs"]
               if db.get(b, "VBD")["type"] == "Disk" and db.get(b, "VBD")["currently_attached"])
    disk = db.get(vbd, "VBD")["VDI"]
    source = db.get(disk, "VDI")["SR"]
    dest = next(r for r, s in db.all("SR").items()
                if r != source and s["shared"] and s["content_type"] == "user")
    app.connect(pool)
    app.select(vm)
    assert app.window.show_tab("Storage")
    page = app.window.tabs.currentWidget()
    buttons = page.actions_row.buttons
    qtbot.waitUntil(lambda: vbd in page.list.items, timeout=WAIT)
    page.list.items[vbd].setSelected(True)
    qtbot.waitUntil(buttons["vdi.move"].isEnabled, timeout=WAIT)
    save_screenshot(app.window, artifacts_dir / "storage-vm-storage-tab.png")
    click(qtbot, buttons["vdi.move"])
    form = wait_dialog(qtbot, FormDialog)
    choose(form, "sr", dest)
    click(qtbot, form.ok_button)
    app.wait_task("Move '", timeout=60_000)
    vdis = [db.get(b, "VBD")["VDI"] for b in db.get(vm, "VM")["VBDs"]
            if db.get(b, "VBD")["userdevice"] == db.get(vbd, "VBD")["userdevice"]]
    assert len(vdis) == 1 and db.get(vdis[0], "VDI")["SR"] == dest
    assert db.get(vm, "VM")["power_state"] == "Running"
    assert all(db.get(b, "VBD")["currently_attached"] for b in db.get(vdis[0], "VDI")["VBDs"])


def test_import_export_and_cancel_a_disk_image(app, pool, xapi, tmp_path, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    nfs = named(db, "SR", "NFS virtual disk storage")
    image = tmp_path / "appliance.img"
    data = os.urandom(MiB) + bytes(MiB) + b"the end".ljust(MiB, b"\0")
    image.write_bytes(data)
    app.connect(pool)
    page = disks_tab(app, nfs)
    buttons = page.actions_row.buttons
    qtbot.waitUntil(buttons["vdi.import"].isEnabled, timeout=WAIT)
    click(qtbot, buttons["vdi.import"])
    dialog = wait_dialog(qtbot, DiskImportDialog)
    assert isinstance(dialog, DiskImportDialog)
    qtbot.keyClicks(dialog.path, str(image))
    qtbot.waitUntil(lambda: "RAW image of a 3 MiB disk" in dialog.info.text(), timeout=WAIT)
    assert dialog.sr.currentData() == nfs
    save_screenshot(dialog, artifacts_dir / "storage-disk-import.png")
    click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    app.wait_task("Import appliance.img", timeout=30_000)
    disk = named(db, "VDI", "appliance")
    assert db.get(disk, "VDI")["SR"] == nfs and db.get(disk, "VDI")["virtual_size"] >= len(data)
    # exported back: the same bytes
    pick_row(app, page, disk)
    qtbot.waitUntil(buttons["vdi.export"].isEnabled, timeout=WAIT)
    click(qtbot, buttons["vdi.export"])
    dialog = wait_dialog(qtbot, DiskExportDialog)
    assert isinstance(dialog, DiskExportDialog)
    out = tmp_path / "back.raw"
    type_into(qtbot, dialog.path, str(out))
    assert dialog.format.text() == "Format: raw"
    click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    app.wait_task("Export 'appliance'", timeout=30_000)
    assert out.read_bytes()[:len(data)] == data
    # a large import cancelled from the task list: the half-made disk goes again
    big = tmp_path / "big.img"
    with big.open("wb") as f:
        f.truncate(8 * GiB)  # sparse: nothing on disk, a long upload
    click(qtbot, buttons["vdi.import"])
    dialog = wait_dialog(qtbot, DiskImportDialog)
    qtbot.keyClicks(dialog.path, str(big))
    qtbot.waitUntil(lambda: "8 GiB disk" in dialog.info.text(), timeout=WAIT)
    click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    qtbot.waitUntil(lambda: any(e.progress > 0 and e.ended is None
                                for e in app.tasks_titled("Import big.img")), timeout=WAIT)
    assert [v for v in db.all("VDI").values() if v["name_label"] == "big"]
    entry = app.tasks_titled("Import big.img")[-1]
    tasks = app.window.tasks
    row = tasks.entries.index(entry)
    panel = app.window.task_panel
    panel.selectionModel().select(panel.model().index(row, 0),
                                  QItemSelectionModel.SelectionFlag.ClearAndSelect
                                  | QItemSelectionModel.SelectionFlag.Rows)
    panel.cancel_action.trigger()
    qtbot.waitUntil(lambda: entry.ended is not None, timeout=30_000)
    assert entry.status == "cancelled"
    qtbot.waitUntil(lambda: not [v for v in db.all("VDI").values() if v["name_label"] == "big"],
                    timeout=WAIT)
