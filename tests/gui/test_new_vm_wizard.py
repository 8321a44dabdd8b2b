"""The New VM wizard and the export / import dialogs, driven through their widgets in the real
main window against the simulator; the server's records are checked afterwards and every
wizard page is saved as a screenshot (artifacts/new-vm-*.png)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PyQt6 import sip
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QDialogButtonBox, QWizard

from tests.gui.fixtures import app_fixture, click, loop_fixture, wait_dialog  # noqa: F401
from xapiman.actions.vm_xva import ImportPlan
from xapiman.gui.dialogs.xva import ExportDialog, ImportDialog
from xapiman.gui.screenshot import save_screenshot
from xapiman.gui.wizards.new_vm import NewVmWizard
from xapiman.sim.testing import RunningPool, running_pool
from xapiman.xapi.refs import NULL_REF

GiB = 1024**3
pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def pool() -> Iterator[RunningPool]:
    with running_pool(hosts=3, vms=6, tls=True) as p:
        yield p


def named(db, cls: str, name: str) -> str:
    return next(r for r, rec in db.all(cls).items() if rec["name_label"] == name)


def shoot(widget, artifacts_dir, name: str) -> None:
    save_screenshot(widget, artifacts_dir / f"{name}.png")  # laid out first, then grabbed


def next_page(qtbot, wizard: QWizard) -> None:
    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))


def open_wizard(app, pool) -> NewVmWizard:
    app.connect(pool)
    app.select(named(pool.db, "host", "xcp-host-01"))
    app.wait_enabled("vm.new")
    app.action("vm.new").trigger()
    wizard = wait_dialog(app.qtbot, NewVmWizard)
    assert isinstance(wizard, NewVmWizard)
    return wizard


@pytest.fixture
def one_host_in_maintenance(pool) -> Iterator[str]:
    host = named(pool.db, "host", "xcp-host-03")
    pool.db.update(host, enabled=False)
    try:
        yield host
    finally:
        pool.db.update(host, enabled=True)


def summary_texts(page) -> list[str]:
    items = (page.rows.itemAt(i) for i in range(page.rows.count()))
    return [item.widget().text() for item in items
            if item is not None and item.widget() is not None]


def test_the_wizard_creates_the_vm_it_shows(app, pool, artifacts_dir,
                                            one_host_in_maintenance) -> None:
    qtbot, db = app.qtbot, pool.db
    wizard = open_wizard(app, pool)
    wizard.resize(860, 640)
    # template: searchable, with its recommendations
    page = wizard.currentPage()
    assert page.objectName() == "page_template"
    groups = [page.list.topLevelItem(i).text(0) for i in range(page.list.topLevelItemCount())]
    assert groups == ["Custom templates", "Default templates"]
    shoot(wizard, artifacts_dir, "new-vm-1-templates")
    qtbot.keyClicks(page.search, "bookworm")
    visible = [i.text(0) for i in page._items() if not i.isHidden()]
    assert visible == ["Debian Bookworm 12"]
    assert page.select(named(db, "VM", "Debian Bookworm 12"))
    assert "Recommended: up to 32 vCPUs" in page.detail.text()
    shoot(wizard, artifacts_dir, "new-vm-1-template")
    next_page(qtbot, wizard)
    # name: validated as typed
    page = wizard.currentPage()
    page.name.clear()
    wizard.review_now()
    assert not page.isComplete() and "may not be empty" in page.problems.text()
    qtbot.keyClicks(page.name, "wizard-vm")
    qtbot.keyClicks(page.description, "made in the wizard")
    wizard.review_now()
    assert page.isComplete()
    shoot(wizard, artifacts_dir, "new-vm-2-name")
    next_page(qtbot, wizard)
    # installation media: an ISO
    page = wizard.currentPage()
    assert page.objectName() == "page_install"
    page.radios["iso"].setChecked(True)
    page.iso.setCurrentIndex(page.iso.findText("debian-12.5.0-amd64-netinst.iso",
                                               Qt.MatchFlag.MatchStartsWith))
    assert page.radios["url"].isEnabled()  # Debian installs from the network too
    shoot(wizard, artifacts_dir, "new-vm-3-install")
    next_page(qtbot, wizard)
    # home server: ranked with the reasons; pick the second host
    page = wizard.currentPage()
    assert "Recommended now:" in page.recommendation.text()
    # the hosts' CPU load, measured while the wizard is open, joins the ranking
    qtbot.waitUntil(lambda: "CPU load" in page.recommendation.text(), timeout=15_000)
    rows = [page.hosts.topLevelItem(i) for i in range(page.hosts.topLevelItemCount())]
    verdicts = {r.text(0): (r.text(1), r.text(5)) for r in rows}
    assert verdicts["xcp-host-03"] == ("Not suitable", "The server is in maintenance mode.")
    assert {verdicts["xcp-host-01"][0], verdicts["xcp-host-02"][0]} == {"Recommended",
                                                                          "Suitable"}
    assert rows[0].text(1) == "Recommended" and rows[0].text(4).endswith("%")
    third = next(r for r in rows if r.text(0) == "xcp-host-03")
    page.hosts.setCurrentItem(third)  # its whole verdict shows under the list
    assert page.host_detail.text() == "xcp-host-03: The server is in maintenance mode."
    wizard.review_now()
    assert "The server is in maintenance mode." in page.problems.text()
    assert not page.isComplete()  # it is to start now: a server in maintenance cannot
    rows = [page.hosts.topLevelItem(i) for i in range(page.hosts.topLevelItemCount())]
    second = next(r for r in rows if r.text(0) == "xcp-host-02")
    page.hosts.setCurrentItem(second)
    second.setSelected(True)
    assert page.fixed.isChecked()
    wizard.review_now()
    assert page.isComplete()
    shoot(wizard, artifacts_dir, "new-vm-4-home-server")
    next_page(qtbot, wizard)
    # vCPUs and memory within the template's recommendations
    page = wizard.currentPage()
    assert page.vcpus.maximum() == 32
    page.vcpus.setValue(4)
    page.cores.setCurrentIndex(page.cores.findData(2))
    page.memory.setValue(300.0)  # more than xcp-host-02 has free: a warning here
    wizard.review_now()
    assert "xcp-host-02 cannot start VM 1 now: Not enough free memory" in page.problems.text()
    shoot(wizard, artifacts_dir, "new-vm-5-memory-warning")
    page.memory.setValue(3.0)
    wizard.review_now()
    assert page.isComplete() and not page.problems.isVisible()
    shoot(wizard, artifacts_dir, "new-vm-5-cpu-memory")
    next_page(qtbot, wizard)
    # disks: grow the template's, add one on another SR
    page = wizard.currentPage()
    size0 = page.table.cellWidget(0, 1)
    assert size0.minimum() == 10.0  # the template's disk cannot shrink
    size0.setValue(16.0)
    click(qtbot, page.add)
    page.table.cellWidget(1, 1).setValue(4.0)
    sr1 = page.table.cellWidget(1, 2)
    sr1.setCurrentIndex(sr1.findData(named(db, "SR", "iSCSI virtual disk storage")))
    shoot(wizard, artifacts_dir, "new-vm-6-storage")
    next_page(qtbot, wizard)
    # networks: a second interface with a fixed MAC, checked as typed
    page = wizard.currentPage()
    click(qtbot, page.add)
    net1 = page.table.cellWidget(1, 1)
    net1.setCurrentIndex(net1.findData(named(db, "network", "DMZ (VLAN 100)")))
    mac = page.table.cellWidget(1, 2)
    qtbot.keyClicks(mac, "01:00:5e:00:00:01")
    wizard.review_now()
    assert not page.isComplete() and "multicast" in page.problems.text()
    shoot(wizard, artifacts_dir, "new-vm-7-networking-error")
    mac.clear()
    qtbot.keyClicks(mac, "02:00:00:00:00:42")
    wizard.review_now()
    assert page.isComplete()
    shoot(wizard, artifacts_dir, "new-vm-7-networking")
    next_page(qtbot, wizard)
    # summary, start now
    page = wizard.currentPage()
    assert page.objectName() == "page_summary"
    page.start.setChecked(True)
    texts = [page.rows.itemAt(i).widget().text() for i in range(page.rows.count())
             if page.rows.itemAt(i).widget() is not None]
    assert "wizard-vm" in texts and "xcp-host-02" in texts
    shoot(wizard, artifacts_dir, "new-vm-8-summary")
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    app.wait_task("New VM 'wizard-vm'", timeout=30_000)
    vm = named(db, "VM", "wizard-vm")
    rec = db.get(vm, "VM")
    assert rec["name_description"] == "made in the wizard"
    assert rec["power_state"] == "Running" and rec["affinity"] == named(db, "host", "xcp-host-02")
    assert (rec["VCPUs_max"], rec["platform"]["cores-per-socket"]) == (4, "2")
    assert rec["memory_static_max"] == 3 * GiB
    disks = sorted((db.get(db.get(b, "VBD")["VDI"], "VDI")["virtual_size"],
                    db.get(db.get(db.get(b, "VBD")["VDI"], "VDI")["SR"], "SR")["name_label"])
                   for b in rec["VBDs"] if db.get(b, "VBD")["type"] == "Disk")
    assert disks == [(4 * GiB, "iSCSI virtual disk storage"),
                     (16 * GiB, "NFS virtual disk storage")]
    cds = [db.get(db.get(b, "VBD")["VDI"], "VDI")["name_label"] for b in rec["VBDs"]
           if db.get(b, "VBD")["type"] == "CD"]
    assert cds == ["debian-12.5.0-amd64-netinst.iso"]
    macs = {db.get(db.get(v, "VIF")["network"], "network")["name_label"]: db.get(v, "VIF")["MAC"]
            for v in rec["VIFs"]}
    assert macs["DMZ (VLAN 100)"] == "02:00:00:00:00:42"
    # the new VM is selected in the tree
    qtbot.waitUntil(lambda: [k[2] for k in app.selected_keys()] == [vm], timeout=10_000)
    entry = app.wait_task("New VM 'wizard-vm'")
    assert "Created and started 'wizard-vm' on xcp-host-02" in app.task_row_text(entry)
    shoot(app.window, artifacts_dir, "new-vm-9-created")


def test_many_vms_from_the_wizard(app, pool, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    wizard = open_wizard(app, pool)
    wizard.pages["template"].select(named(db, "VM", "Other install media"))
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    page.name.clear()
    qtbot.keyClicks(page.name, "farm-{n}")
    page.count.setValue(6)
    assert "farm-1, farm-2, farm-3, …, farm-6" in page.preview.text()
    for _ in range(6):
        wizard.review_now()
        next_page(qtbot, wizard)
    page = wizard.currentPage()
    assert page.objectName() == "page_summary"
    page.start.setChecked(False)
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    entry = app.wait_task("New VMs farm-1 … farm-6", timeout=30_000)
    assert "6 of 6 VMs created." in app.task_row_text(entry)
    assert {f"farm-{n}" for n in range(1, 7)} <= {v["name_label"] for v in db.all("VM").values()}
    members = [app.wait_task(f"New VM 'farm-{n}'") for n in range(1, 7)]  # each its own task
    assert all(m.status == "success" for m in members)
    shoot(app.window, artifacts_dir, "new-vm-many-created")


def test_export_and_import_dialogs(app, pool, tmp_path, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    app.connect(pool)
    vm = next(r for r, v in sorted(db.all("VM").items(), key=lambda kv: kv[1]["name_label"])
              if v["power_state"] == "Halted" and not v["is_a_template"] and v["VBDs"])
    app.select(vm)
    app.wait_enabled("vm.export")
    app.action("vm.export").trigger()
    dialog = wait_dialog(qtbot, ExportDialog)
    name = db.get(vm, "VM")["name_label"]
    assert dialog.path.text() == str(Path.home() / f"{name}.xva")  # home, named after the VM
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "exported.xva"
    dialog.path.setText(str(target))
    shoot(dialog, artifacts_dir, "export-dialog")
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    app.wait_task("Export '", timeout=30_000)
    assert target.exists() and sorted(p.name for p in folder.iterdir()) == ["exported.xva"]
    bad = folder / "notes.xva"
    bad.write_text("not an export" * 100)
    app.select(named(db, "host", "xcp-host-03"))
    app.wait_enabled("vm.import")
    app.action("vm.import").trigger()
    dialog = wait_dialog(qtbot, ImportDialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.path.setText(str(bad))
    qtbot.waitUntil(lambda: "not an XVA export" in dialog.check.text(), timeout=5000)
    assert not ok.isEnabled()
    shoot(dialog, artifacts_dir, "import-dialog-not-an-xva")
    dialog.path.setText(str(target))
    qtbot.waitUntil(lambda: "An XVA export" in dialog.check.text(), timeout=5000)
    assert ok.isEnabled()
    assert dialog.host.currentData() == named(db, "host", "xcp-host-03")
    shoot(dialog, artifacts_dir, "import-dialog")
    before = set(db.all("VM"))
    click(qtbot, ok)
    app.wait_task("Import exported.xva", timeout=30_000)
    [new_vm] = set(db.all("VM")) - before
    assert db.get(new_vm, "VM")["affinity"] == named(db, "host", "xcp-host-03")
    qtbot.waitUntil(lambda: [k[2] for k in app.selected_keys()] == [new_vm], timeout=10_000)


@pytest.fixture
def hosts_set_apart(pool) -> Iterator[Callable[[str, str], None]]:
    """`set_apart(name, how)`: the host named is short of memory ("memory") or in maintenance
    mode ("maintenance") until the test ends."""
    db = pool.db
    undo: list[Callable[[], None]] = []

    def set_apart(name: str, how: str) -> None:
        host = named(db, "host", name)
        if how == "memory":
            metrics = db.get(host, "host")["metrics"]
            total = db.get(metrics, "host_metrics")["memory_total"]
            db.update(metrics, memory_total=6 * GiB)
            undo.append(lambda: db.update(metrics, memory_total=total))
        else:
            db.update(host, enabled=False)
            undo.append(lambda: db.update(host, enabled=True))

    try:
        yield set_apart
    finally:
        for step in reversed(undo):
            step()


SHORT = "Not enough free memory: the VM needs 2.0 GiB"
MAINTENANCE = "The server is in maintenance mode."
NO_DVD = "The server cannot reach the storage 'DVD drives (xcp-host-03)'."


@pytest.mark.parametrize(("kind", "apart", "home", "why_not"), [
    ("url", {"xcp-host-01": "memory", "xcp-host-03": "maintenance"}, "xcp-host-02",
     {"xcp-host-01": SHORT, "xcp-host-03": MAINTENANCE}),
    ("pxe", {"xcp-host-01": "maintenance", "xcp-host-02": "memory"}, "xcp-host-03",
     {"xcp-host-01": MAINTENANCE, "xcp-host-02": SHORT}),
    ("dvd", {}, "xcp-host-03", {"xcp-host-01": NO_DVD, "xcp-host-02": NO_DVD}),
])
def test_the_wizard_places_automatically_and_sets_the_boot_media(
        app, pool, artifacts_dir, hosts_set_apart, kind, apart, home, why_not) -> None:
    """Made from a shared SR (no home server chosen) on a pool whose hosts differ in free
    memory, state and the storage they reach: a network install, a network boot or a host's
    DVD drive; the template's disk swapped for a new one, the interface moved to another
    network. The home page says which host can take the VM and why the others cannot, and the
    VM starts there."""
    qtbot, db = app.qtbot, pool.db
    for name, how in apart.items():
        hosts_set_apart(name, how)
    app.connect(pool)
    app.select(named(db, "SR", "NFS virtual disk storage"))  # no host: no home server
    app.wait_enabled("vm.new")
    app.action("vm.new").trigger()
    wizard = wait_dialog(qtbot, NewVmWizard)
    assert isinstance(wizard, NewVmWizard)
    wizard.resize(860, 640)
    assert wizard.pages["template"].select(named(db, "VM", "Debian Bookworm 12"))
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    page.name.clear()
    qtbot.keyClicks(page.name, f"via-{kind}")
    wizard.review_now()
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    assert page.objectName() == "page_install"
    page.radios[kind].setChecked(True)
    url = "http://deb.debian.org/debian/"
    if kind == "url":
        qtbot.keyClicks(page.url, "gopher://mirror")
        wizard.review_now()
        assert not page.isComplete()
        assert "http://, https://, ftp:// or nfs://" in page.problems.text()
        page.url.clear()
        qtbot.keyClicks(page.url, url)
        wizard.review_now()
        assert not page.problems.isVisible()
        shoot(wizard, artifacts_dir, "new-vm-3-install-url")
    drive = ""
    if kind == "dvd":
        page.dvd.setCurrentIndex(page.dvd.findText("xcp-host-03", Qt.MatchFlag.MatchContains))
        drive = page.dvd.currentData()
    wizard.review_now()
    assert page.isComplete()
    next_page(qtbot, wizard)
    # home server: automatic, the one host that can take the VM named with why, the others
    # with why not
    page = wizard.currentPage()
    assert page.auto.isChecked() and not page.hosts.selectedItems()
    rows = {r.text(0): r for r in (page.hosts.topLevelItem(i)
                                   for i in range(page.hosts.topLevelItemCount()))}
    assert page.hosts.topLevelItem(0).text(0) == home
    assert rows[home].text(1) == "Recommended"
    text = page.recommendation.text()
    assert text.startswith(f"Recommended now: {home} — ") and "Recommended:" not in text
    assert "of memory left after this VM" in text
    for name, why in why_not.items():
        assert rows[name].text(1) == "Not suitable"
        assert rows[name].text(5).startswith(why)
    # the column is narrow: below the list, every reason in full
    assert page.host_detail.text().splitlines() == [
        f"{name}: {rows[name].text(5)}" for name in sorted(why_not)]
    shoot(wizard, artifacts_dir, f"new-vm-4-home-server-{kind}")
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    page.vcpus.setValue(2)
    page.memory.setValue(2.5)
    wizard.review_now()
    next_page(qtbot, wizard)
    # storage: the template's disk removed, a new one added
    page = wizard.currentPage()
    assert page.table.rowCount() == 1
    page.table.selectRow(0)
    click(qtbot, page.remove)
    assert page.table.rowCount() == 0 and wizard.plan.disks == []
    click(qtbot, page.add)
    page.table.cellWidget(0, 1).setValue(8.0)
    assert page.table.item(0, 0).text() == "Disk 1 (new)"
    wizard.review_now()
    assert page.isComplete()
    next_page(qtbot, wizard)
    # networking: the template's interface goes, one on eth1 comes
    page = wizard.currentPage()
    click(qtbot, page.remove)
    assert page.table.rowCount() == 0
    click(qtbot, page.add)
    eth1 = named(db, "network", "Pool-wide network associated with eth1")
    net = page.table.cellWidget(0, 1)
    net.setCurrentIndex(net.findData(eth1))
    wizard.review_now()
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    assert page.objectName() == "page_summary"
    page.start.setChecked(True)
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    entry = app.wait_task(f"New VM 'via-{kind}'", timeout=30_000)
    assert f"Created and started 'via-{kind}' on {home}" in app.task_row_text(entry)
    vm = named(db, "VM", f"via-{kind}")
    qtbot.waitUntil(lambda: [k[2] for k in app.selected_keys()] == [vm], timeout=10_000)
    rec = db.get(vm, "VM")
    assert rec["power_state"] == "Running"
    assert db.get(rec["resident_on"], "host")["name_label"] == home
    assert (rec["memory_static_min"], rec["memory_dynamic_min"], rec["memory_dynamic_max"],
            rec["memory_static_max"]) == (512 * 1024**2, 2.5 * GiB, 2.5 * GiB, 2.5 * GiB)
    assert (rec["VCPUs_max"], rec["VCPUs_at_startup"]) == (2, 2)
    vbds = [db.get(b, "VBD") for b in rec["VBDs"]]
    disks = [(db.get(v["VDI"], "VDI")["virtual_size"],
              db.get(db.get(v["VDI"], "VDI")["SR"], "SR")["name_label"])
             for v in vbds if v["type"] == "Disk"]
    assert disks == [(8 * GiB, "NFS virtual disk storage")]
    cds = [v for v in vbds if v["type"] == "CD"]
    vifs = [(db.get(v, "VIF")["device"], db.get(v, "VIF")["network"]) for v in rec["VIFs"]]
    assert vifs == [("0", eth1)]
    if kind == "url":
        assert rec["other_config"]["install-repository"] == url
        assert [cd["empty"] for cd in cds] == [True]
    elif kind == "pxe":
        assert rec["HVM_boot_params"]["order"].startswith("n")
    else:
        assert [cd["VDI"] for cd in cds] == [drive]


def test_a_closed_connection_stops_the_wizard_with_the_reason(app, pool, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    wizard = open_wizard(app, pool)
    wizard.resize(860, 640)
    wizard.pages["template"].select(named(db, "VM", "Other install media"))
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    page.name.clear()
    qtbot.keyClicks(page.name, "never-made")
    for _ in range(6):
        wizard.review_now()
        next_page(qtbot, wizard)
    page = wizard.currentPage()
    assert page.objectName() == "page_summary"
    create = wizard.button(QWizard.WizardButton.FinishButton)
    assert create.isEnabled()
    before = len(db.all("VM"))
    summary = summary_texts(page)
    assert "never-made" in summary and "Other install media" in summary
    app.manager.close("lab")  # the user disconnects the pool meanwhile
    qtbot.waitUntil(lambda: not create.isEnabled(), timeout=10_000)
    assert page.problems.text() == ("• The connection to the pool is closed: nothing can be "
                                    "created. Connect to the pool again and start over.")
    assert summary_texts(page) == summary  # what it was about stays in view
    shoot(wizard, artifacts_dir, "new-vm-connection-closed")
    click(qtbot, wizard.button(QWizard.WizardButton.BackButton))
    assert not wizard.currentPage().isComplete()  # no page goes on
    wizard.reject()
    assert len(db.all("VM")) == before


def test_an_import_dialog_closed_while_it_reads_the_file_is_left_alone(app, pool,
                                                                        tmp_path) -> None:
    """The file is checked on a worker thread; a slow file (here a pipe that nothing writes to
    yet) may answer after the dialog is gone."""
    qtbot = app.qtbot
    app.connect(pool)
    pipe = tmp_path / "slow.xva"
    os.mkfifo(pipe)
    dialog = ImportDialog(ImportPlan(str(pipe), NULL_REF, NULL_REF), app.conn().cache,
                          app.window)
    checking = dialog.checking
    assert checking is not None and dialog.check.text() == "Checking the file…"
    dialog.reject()
    dialog.deleteLater()
    qtbot.waitUntil(lambda: sip.isdeleted(dialog), timeout=5000)
    with open(pipe, "wb") as writer:  # the check reads now
        writer.write(b"not an export" * 100)
    qtbot.waitUntil(checking.done, timeout=10_000)
    assert checking.exception() is None
