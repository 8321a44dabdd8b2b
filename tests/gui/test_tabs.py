"""The tab pages against a simulated pool: what they show, how they follow changes, which
actions they start, and pictures of the main ones (artifacts/tab-*.png)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import pytest
from PyQt6.QtWidgets import QLabel

from xapiman.gui.screenshot import save_screenshot
from xapiman.gui.tabs import TabContext, pages_for
from xapiman.gui.tabs.alerts import AlertsPage, alert_details
from xapiman.gui.tabs.fmt import alert_title, power, size
from xapiman.gui.tabs.general import NetworkGeneralPage
from xapiman.gui.tabs.host_general import HostGeneralPage
from xapiman.gui.tabs.host_lists import HostNicsPage, HostStoragePage, HostVmsPage
from xapiman.gui.tabs.lists import SORT_ROLE
from xapiman.gui.tabs.pool_pages import PoolGeneralPage, PoolSummaryPage
from xapiman.gui.tabs.sr_pages import SrDisksPage, SrGeneralPage
from xapiman.gui.tabs.vm_general import VmGeneralPage
from xapiman.gui.tabs.vm_network import VmNetworkPage, addresses_by_device
from xapiman.gui.tabs.vm_resources import MemoryPage, VcpusPage
from xapiman.gui.tabs.vm_snapshots import NOW, SnapshotsPage
from xapiman.gui.tabs.vm_storage import VmStoragePage
from xapiman.sim.testing import RunningPool, running_pool
from xapiman.xapi.cache import ObjectCache
from xapiman.xapi.connection import Connection

CONN = "Test pool"
NULL = "OpaqueRef:NULL"


class Recorder:
    """The pages' `trigger`: keeps (action id, target refs or None for the selection)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str] | None]] = []

    def __call__(self, action_id: str, targets=None) -> None:
        self.calls.append((action_id, None if targets is None else [t.ref for t in targets]))


class Changes:
    """Collects the cache's change notices (they arrive on the connection's thread)."""

    def __init__(self, conn: Connection) -> None:
        self._lock = threading.Lock()
        self.seen: list = []
        self._unsubscribe = conn.cache.subscribe(self._add)

    def _add(self, change) -> None:
        with self._lock:
            self.seen.append(change)

    def wait(self, qtbot, predicate, timeout: float = 5.0) -> list:
        """Every notice so far, once one of them satisfies `predicate`."""
        def ready() -> bool:
            with self._lock:
                return any(predicate(c) for c in self.seen)
        qtbot.waitUntil(ready, timeout=int(timeout * 1000))
        self._unsubscribe()
        with self._lock:
            return list(self.seen)


@contextlib.contextmanager
def connected_pool() -> Iterator[tuple[RunningPool, Connection]]:
    with running_pool(2, 20) as p:
        conn = Connection(p.url, p.user, p.password)
        conn.connect(30)
        try:
            yield p, conn
        finally:
            conn.close()


@pytest.fixture(scope="module")
def shared_pool() -> Iterator[tuple[RunningPool, Connection]]:
    with connected_pool() as pool_and_conn:
        yield pool_and_conn


@pytest.fixture
def pool(request) -> Iterator[tuple[RunningPool, Connection]]:
    """The module's pool, or one of its own for a test marked `changes_pool`."""
    if request.node.get_closest_marker("changes_pool") is None:
        yield request.getfixturevalue("shared_pool")
        return
    with connected_pool() as pool_and_conn:
        yield pool_and_conn


@pytest.fixture
def ctx(pool):
    _p, conn = pool
    recorder = Recorder()
    context = TabContext(recorder, lambda _name, _ref: None,
                         lambda name: conn if name == CONN else None)
    context.recorder = recorder  # type: ignore[attr-defined]
    return context


def show(qtbot, page_class, ctx, conn, kind: str, ref: str, width: int = 940, height: int = 560):
    page = page_class(ctx)
    qtbot.addWidget(page)
    page.resize(width, height)
    page.show_object(CONN, conn.cache, kind, ref)
    page.show()
    qtbot.waitExposed(page)
    return page


def find_vm(db, predicate) -> str:
    return next(ref for ref, rec in sorted(db.all("VM").items(), key=lambda kv: kv[1]["name_label"])
                if not rec["is_a_template"] and not rec["is_control_domain"]
                and not rec["is_a_snapshot"] and predicate(rec))


def other_vm(db, ref: str) -> str:
    return find_vm(db, lambda rec: rec["uuid"] != db.get(ref, "VM")["uuid"])


def values(page) -> dict[str, str]:
    return page.form.values()


def test_pages_for_each_kind() -> None:
    titles = {kind: [p.title for p in pages_for(kind)]
              for kind in ("vm", "host", "sr", "network", "connection", "snapshot")}
    assert titles["vm"] == ["General", "Memory", "vCPUs", "Storage", "Networking", "Console",
                            "Performance", "Snapshots", "Alerts", "Search"]
    assert titles["host"] == ["General", "Memory", "Storage", "NICs", "Networking", "VMs",
                              "Console", "Performance", "Users", "Alerts", "Search"]
    assert titles["sr"] == ["General", "Disks", "Alerts", "Search"]
    assert titles["network"] == ["General", "Search"]
    assert titles["connection"] == ["General", "Summary", "HA", "Memory", "Dashboard", "Storage",
                                    "Networking", "Users", "Alerts", "Search"]
    assert titles["snapshot"] == ["General", "Storage", "Networking"]


@pytest.mark.changes_pool
def test_vm_general_shows_the_record_and_follows_it(qtbot, pool, ctx, artifacts_dir) -> None:
    p, conn = pool
    vm = find_vm(p.db, lambda r: r["power_state"] == "Running" and r["guest_metrics"] != NULL)
    rec = p.db.get(vm, "VM")
    page = show(qtbot, VmGeneralPage, ctx, conn, "vm", vm)
    shown = values(page)
    host = p.db.get(rec["resident_on"], "host")
    gm = p.db.get(rec["guest_metrics"], "VM_guest_metrics")
    assert shown["Name"] == rec["name_label"]
    assert shown["UUID"] == rec["uuid"]
    assert shown["Power state"] == "Running"
    assert shown["Server"] == host["name_label"]
    assert shown["Operating system"] == gm["os_version"]["name"]
    assert shown["vCPUs"].startswith(str(rec["VCPUs_at_startup"]))
    assert shown["Memory"] == f"{size(rec['memory_static_max'])} in use"
    assert shown["Tools"].startswith("Installed")
    assert gm["networks"]["0/ip"] in shown["IP addresses"]
    assert shown["Uptime"] and shown["Uptime"] != "Not running"
    save_screenshot(page, artifacts_dir / "tab-vm-general.png")

    changes = Changes(conn)
    p.db.update(vm, name_label="renamed-by-test", tags=["b", "a"])
    for change in changes.wait(qtbot, lambda c: vm in c.changed_in("vm")):
        page.cache_changed(change)
    assert values(page)["Name"] == "renamed-by-test"
    assert values(page)["Tags"] == "a, b"

    page.actions_row.buttons["object.rename"].click()
    assert ctx.recorder.calls == [("object.rename", [vm])]


@pytest.mark.changes_pool
def test_vm_general_ignores_other_vms(qtbot, pool, ctx) -> None:
    p, conn = pool
    vm = find_vm(p.db, lambda r: r["power_state"] == "Halted")
    page = show(qtbot, VmGeneralPage, ctx, conn, "vm", vm)
    other = other_vm(p.db, vm)
    changes = Changes(conn)
    p.db.update(other, name_label="someone-else")
    seen = changes.wait(qtbot, lambda c: other in c.changed_in("vm"))
    relevant = [c for c in seen if other in c.changed_in("vm")]
    assert relevant and not any(page.concerned(c) for c in relevant)
    assert values(page)["Power state"] == power("Halted")
    assert values(page)["Uptime"] == "Not running"


def test_memory_and_vcpus_pages(qtbot, pool, ctx) -> None:
    p, conn = pool
    vm = find_vm(p.db, lambda r: r["power_state"] == "Running")
    rec = p.db.get(vm, "VM")
    memory = show(qtbot, MemoryPage, ctx, conn, "vm", vm)
    shown = values(memory)
    assert shown["Static maximum"] == size(rec["memory_static_max"])
    assert shown["Dynamic minimum"] == size(rec["memory_dynamic_min"])
    assert size(p.db.get(rec["metrics"], "VM_metrics")["memory_actual"]) in shown["Current"]
    memory.actions_row.buttons["vm.set_memory"].click()
    vcpus = show(qtbot, VcpusPage, ctx, conn, "vm", vm)
    assert values(vcpus)["At startup"] == str(rec["VCPUs_at_startup"])
    assert values(vcpus)["Maximum"] == str(rec["VCPUs_max"])
    edit = vcpus.actions_row.buttons["vm.set_vcpus"]
    assert not edit.isEnabled() and "Shut the VM down" in edit.toolTip()
    assert ctx.recorder.calls == [("vm.set_memory", [vm])]


@pytest.mark.changes_pool
def test_vm_storage_lists_disks_and_the_dvd_drive(qtbot, pool, ctx, artifacts_dir) -> None:
    p, conn = pool
    db = p.db

    def cd_of(ref: str) -> dict:
        return next(v for v in db.all("VBD").values() if v["VM"] == ref and v["type"] == "CD")

    def has_disc(rec: dict) -> bool:
        return any(db.get(v, "VBD")["type"] == "CD" and not db.get(v, "VBD")["empty"]
                   for v in rec["VBDs"])

    vm = find_vm(db, lambda r: r["power_state"] == "Running" and has_disc(r))
    page = show(qtbot, VmStoragePage, ctx, conn, "vm", vm)
    disks = {ref: rec for ref, rec in db.all("VBD").items()
             if rec["VM"] == vm and rec["type"] == "Disk"}
    rows = page.list.row_texts()
    assert set(rows) == set(disks)
    for ref, texts in rows.items():
        vdi = db.get(disks[ref]["VDI"], "VDI")
        assert texts[0] == disks[ref]["userdevice"]
        assert texts[1] == vdi["name_label"]
        assert texts[3] == size(vdi["virtual_size"])
        assert texts[4] == db.get(vdi["SR"], "SR")["name_label"]
    iso = db.get(cd_of(vm)["VDI"], "VDI")["name_label"]
    assert page.drive_label.text().startswith(iso)
    buttons = page.drive_buttons.buttons
    assert buttons["vm.cd_eject"].isEnabled()
    assert not buttons["vm.cd_insert"].isEnabled()
    assert "eject it first" in buttons["vm.cd_insert"].toolTip()
    save_screenshot(page, artifacts_dir / "tab-vm-storage.png")

    buttons["vm.cd_eject"].click()
    assert ctx.recorder.calls == [("vm.cd_eject", [vm])]
    changes = Changes(conn)
    cd_ref = next(r for r, v in db.all("VBD").items() if v["VM"] == vm and v["type"] == "CD")
    conn.call("VBD.eject", cd_ref)
    for change in changes.wait(qtbot, lambda c: cd_ref in c.changed_in("vbd")):
        page.cache_changed(change)
    assert page.drive_label.text() == "Empty"
    assert buttons["vm.cd_insert"].isEnabled() and not buttons["vm.cd_eject"].isEnabled()


def test_vm_networking_shows_interfaces_and_addresses(qtbot, pool, ctx) -> None:
    p, conn = pool
    db = p.db
    vm = find_vm(db, lambda r: r["power_state"] == "Running" and r["guest_metrics"] != NULL)
    page = show(qtbot, VmNetworkPage, ctx, conn, "vm", vm)
    vifs = {ref: rec for ref, rec in db.all("VIF").items() if rec["VM"] == vm}
    rows = page.list.row_texts()
    assert set(rows) == set(vifs)
    networks = db.get(db.get(vm, "VM")["guest_metrics"], "VM_guest_metrics")["networks"]
    for ref, texts in rows.items():
        assert texts[1] == vifs[ref]["MAC"]
        assert texts[2] == db.get(vifs[ref]["network"], "network")["name_label"]
        assert texts[3] == ", ".join(addresses_by_device(networks).get(vifs[ref]["device"], []))
    assert rows[next(r for r, v in vifs.items() if v["device"] == "0")][3] == networks["0/ip"]


def test_addresses_by_device_orders_ipv4_first() -> None:
    found = addresses_by_device({"0/ipv6/0": "fe80::1", "0/ip": "10.0.0.5",
                                 "0/ipv4/0": "10.0.0.5", "0/ipv4/1": "192.168.1.2",
                                 "1/ipv4/0": "172.16.0.1", "1/other": "x"})
    assert found == {"0": ["10.0.0.5", "192.168.1.2", "fe80::1"], "1": ["172.16.0.1"]}


@pytest.mark.changes_pool
def test_snapshots_tree_and_buttons(qtbot, pool, ctx, artifacts_dir) -> None:
    p, conn = pool
    db = p.db
    counts = {}
    for rec in db.all("VM").values():
        if rec["is_a_snapshot"]:
            counts[rec["snapshot_of"]] = counts.get(rec["snapshot_of"], 0) + 1
    vm = max(counts, key=lambda ref: counts[ref])
    snaps = {ref: rec for ref, rec in db.all("VM").items() if rec["snapshot_of"] == vm}
    page = show(qtbot, SnapshotsPage, ctx, conn, "vm", vm)
    assert set(page.items) == set(snaps) | {NOW}
    for ref, rec in snaps.items():
        item = page.items[ref]
        assert item.text(0) == rec["name_label"]
        kind = "Disks and memory" if rec["power_state"] == "Suspended" else "Disks only"
        assert item.text(2) == kind
        expected = page.items[rec["parent"]] if rec["parent"] in snaps else None
        assert item.parent() is expected
    now_parent = page.items[NOW].parent()
    assert now_parent is page.items.get(db.get(vm, "VM")["parent"])
    assert not page.buttons.buttons["snapshot.revert"].isEnabled()
    newest = max(snaps, key=lambda ref: str(snaps[ref]["snapshot_time"]))
    page.select_refs([newest])
    assert page.buttons.buttons["snapshot.revert"].isEnabled()
    assert page.buttons.buttons["snapshot.delete"].isEnabled()
    save_screenshot(page, artifacts_dir / "tab-vm-snapshots.png")
    page.buttons.buttons["snapshot.revert"].click()
    page.buttons.buttons["vm.snapshot"].click()
    assert ctx.recorder.calls == [("snapshot.revert", [newest]), ("vm.snapshot", [vm])]

    changes = Changes(conn)
    conn.call("VM.snapshot", vm, "taken by the test")
    for change in changes.wait(qtbot, lambda c: any(
            (conn.cache.record("vm", r) or {}).get("snapshot_of") == vm
            for r in c.added_in("vm"))):
        page.cache_changed(change)
    names = {item.text(0) for item in page.items.values()}
    assert "taken by the test" in names
    assert page.items[newest].isSelected()  # the selection survives the new row


@pytest.mark.changes_pool
def test_alerts_of_a_vm_newest_first(qtbot, pool, ctx) -> None:
    p, conn = pool
    db = p.db
    uuids = {rec["obj_uuid"] for rec in db.all("message").values() if rec["cls"] == "VM"}
    vm = next(ref for ref, rec in db.all("VM").items() if rec["uuid"] in uuids)
    uuid = db.get(vm, "VM")["uuid"]
    page = show(qtbot, AlertsPage, ctx, conn, "vm", vm)
    mine = {ref for ref, rec in db.all("message").items() if rec["obj_uuid"] == uuid}
    assert set(page.list.row_texts()) == mine
    assert page.list.isColumnHidden(3)
    changes = Changes(conn)
    ref = conn.call("message.create", "VM_REBOOTED", 3, "VM", uuid, "VM rebooted by test.")
    for change in changes.wait(qtbot, lambda c: ref in c.added_in("message")):
        page.cache_changed(change)
    texts = page.list.row_texts()[ref]
    assert texts[1:3] == ("Warning", "VM rebooted") and texts[4] == "VM rebooted by test."
    times = [page.list.topLevelItem(i).data(0, SORT_ROLE)
             for i in range(page.list.topLevelItemCount())]
    assert times == sorted(times, reverse=True)  # newest first


def test_alert_words() -> None:
    assert alert_title("HOST_CLOCK_SKEW_DETECTED") == "Host clock skew detected"
    assert alert_title("VM_STARTED") == "VM started"
    assert alert_details('<value><variable><name value="cpu_usage"/><value value="0.93"/>'
                         "</variable></value>") == "CPU usage reached 93.0 %"
    assert alert_details('<value><variable><name value="memory_free_kib"/><value value="2048"/>'
                         "</variable></value>") == "Free memory reached 2.0 MiB"


def test_host_general(qtbot, pool, ctx, artifacts_dir) -> None:
    p, conn = pool
    db = p.db
    pool_rec = next(iter(db.all("pool").values()))
    host = pool_rec["master"]
    rec = db.get(host, "host")
    page = show(qtbot, HostGeneralPage, ctx, conn, "host", host, height=720)
    shown = values(page)
    cpus = [c for c in db.all("host_cpu").values() if c["host"] == host]
    metrics = db.get(rec["metrics"], "host_metrics")
    used = metrics["memory_total"] - metrics["memory_free"]
    assert shown["Name"] == rec["name_label"]
    assert shown["Pool role"] == "Coordinator"
    assert shown["Address"] == rec["address"]
    assert shown["State"] == "Enabled"
    assert shown["Count"] == str(len(cpus))
    assert shown["Model"].startswith(cpus[0]["modelname"])
    assert shown["Use"].startswith(f"{size(used)} used of {size(metrics['memory_total'])}")
    assert rec["software_version"]["product_version"] in shown["Product"]
    assert "day" in shown["Server uptime"]
    save_screenshot(page, artifacts_dir / "tab-host-general.png")


def test_host_lists(qtbot, pool, ctx) -> None:
    p, conn = pool
    db = p.db
    host = next(iter(db.all("host")))
    nics = show(qtbot, HostNicsPage, ctx, conn, "host", host)
    pifs = {ref: rec for ref, rec in db.all("PIF").items() if rec["host"] == host}
    rows = nics.list.row_texts()
    assert set(rows) == set(pifs)
    management = next(ref for ref, rec in pifs.items() if rec["management"])
    assert rows[management][7] == "Yes" and rows[management][6].startswith(pifs[management]["IP"])
    assert rows[management][3].endswith("bit/s")
    storage = show(qtbot, HostStoragePage, ctx, conn, "host", host)
    srs = {rec["SR"] for rec in db.all("PBD").values() if rec["host"] == host}
    assert set(storage.list.row_texts()) == srs
    vms = show(qtbot, HostVmsPage, ctx, conn, "host", host)
    resident = {ref for ref, rec in db.all("VM").items()
                if rec["resident_on"] == host and not rec["is_control_domain"]}
    assert set(vms.list.row_texts()) == resident
    for ref, texts in vms.list.row_texts().items():
        assert texts[0] == db.get(ref, "VM")["name_label"]


def test_host_vms_page_with_a_thousand_vms(qtbot, ctx) -> None:
    cache = ObjectCache()
    host = "OpaqueRef:host-1"
    events = [{"class": "host", "ref": host, "operation": "add",
               "snapshot": {"name_label": "big-host", "uuid": "h1", "metrics": NULL}}]
    for i in range(1000):
        events.append({"class": "VM_metrics", "ref": f"OpaqueRef:m{i}", "operation": "add",
                       "snapshot": {"memory_actual": str(2 * 1024**3), "VCPUs_number": "2",
                                    "start_time": "20250101T00:00:00Z"}})
        events.append({"class": "VM", "ref": f"OpaqueRef:vm{i}", "operation": "add",
                       "snapshot": {"name_label": f"vm-{i:04d}", "uuid": f"u{i}",
                                    "power_state": "Running", "resident_on": host,
                                    "metrics": f"OpaqueRef:m{i}", "guest_metrics": NULL,
                                    "VCPUs_at_startup": "2", "memory_dynamic_max": "1"}})
    cache.load(events)
    page = HostVmsPage(ctx)
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.show()
    page.show_object(CONN, cache, "host", host)
    assert page.list.topLevelItemCount() == 1000
    assert page.list.topLevelItem(0).text(0) == "vm-0000"
    items = dict(page.list.items)
    change = cache.apply([{"class": "VM", "ref": "OpaqueRef:vm7", "operation": "mod",
                           "snapshot": {**cache.record("vm", "OpaqueRef:vm7"),
                                        "name_label": "vm-7-renamed"}}])
    page.cache_changed(change)
    assert page.list.items["OpaqueRef:vm7"].text(0) == "vm-7-renamed"
    # the change is applied to the rows there are, not by building the 1000 rows again
    # (how long either takes is measured by bench/gui_responsiveness.py, not here)
    assert page.list.topLevelItemCount() == 1000
    assert all(page.list.items[ref] is item for ref, item in items.items())
    unrelated = cache.apply([{"class": "host", "ref": "OpaqueRef:other", "operation": "add",
                              "snapshot": {"name_label": "other"}}])
    assert not page.concerned(unrelated)


def test_sr_general_and_disks(qtbot, pool, ctx, artifacts_dir) -> None:
    p, conn = pool
    db = p.db
    sr = next(ref for ref, rec in db.all("SR").items() if rec["type"] == "nfs")
    rec = db.get(sr, "SR")
    page = show(qtbot, SrGeneralPage, ctx, conn, "sr", sr)
    shown = values(page)
    hosts = sorted(db.get(db.get(pbd, "PBD")["host"], "host")["name_label"]
                   for pbd in rec["PBDs"])
    assert shown["Shared"] == "Yes"
    assert shown["Default storage"] == "Yes"
    assert shown["Type"].startswith("nfs")
    assert shown["Connected to"] == ", ".join(hosts)
    assert shown["Use"].startswith(f"{size(rec['physical_utilisation'])} used of "
                                   f"{size(rec['physical_size'])}")
    save_screenshot(page, artifacts_dir / "tab-sr-general.png")
    disks = show(qtbot, SrDisksPage, ctx, conn, "sr", sr)
    vdis = {ref: v for ref, v in db.all("VDI").items() if v["SR"] == sr}
    rows = disks.list.row_texts()
    assert set(rows) == set(vdis)
    for ref, texts in rows.items():
        assert texts[0] == vdis[ref]["name_label"]
        assert texts[2] == size(vdis[ref]["virtual_size"])
        assert texts[5] == ("Yes" if vdis[ref]["is_a_snapshot"] else "No")
    used = next(ref for ref, v in vdis.items() if v["VBDs"] and not v["is_a_snapshot"])
    vm_names = {db.get(db.get(vbd, "VBD")["VM"], "VM")["name_label"]
                for vbd in vdis[used]["VBDs"]}
    assert rows[used][4] == ", ".join(sorted(vm_names))


@pytest.mark.changes_pool
def test_pool_general_and_summary(qtbot, pool, ctx, artifacts_dir) -> None:
    p, conn = pool
    db = p.db
    pool_ref, pool_rec = next(iter(db.all("pool").items()))
    general = show(qtbot, PoolGeneralPage, ctx, conn, "connection", pool_ref)
    master = db.get(pool_rec["master"], "host")
    assert values(general)["Coordinator"].startswith(master["name_label"])
    summary = show(qtbot, PoolSummaryPage, ctx, conn, "connection", pool_ref, height=760)
    shown = summary.totals.values("Virtual machines")
    real = [r for r in db.all("VM").values() if not (r["is_a_template"] or r["is_a_snapshot"]
                                                     or r["is_control_domain"])]
    assert shown["VMs"].startswith(f"{len(real)}: ")
    for state in ("Running", "Halted", "Suspended", "Paused"):
        count = sum(1 for r in real if r["power_state"] == state)
        assert (f"{count} {power(state).lower()}" in shown["VMs"]) == bool(count)
    assert summary.form.values("Pool")["Servers"] == "2 (all enabled)"
    storage = summary.totals.values("Shared storage")
    assert "NFS virtual disk storage" in storage and "ISO library" not in storage
    assert set(summary.hosts.row_texts()) == set(db.all("host"))
    save_screenshot(summary, artifacts_dir / "tab-pool-summary.png")

    vm = find_vm(db, lambda r: r["power_state"] == "Halted")
    changes = Changes(conn)
    p.db.update(vm, name_description="only the description changes")
    seen = changes.wait(qtbot, lambda c: vm in c.changed_in("vm"))
    assert not any(summary.concerned(c) for c in seen if vm in c.changed_in("vm"))


def test_network_general(qtbot, pool, ctx) -> None:
    p, conn = pool
    db = p.db
    net = next(ref for ref, rec in db.all("network").items() if rec["bridge"] == "xenbr0")
    rec = db.get(net, "network")
    page = show(qtbot, NetworkGeneralPage, ctx, conn, "network", net)
    shown = values(page)
    assert shown["Bridge"] == "xenbr0"
    assert shown["MTU"] == str(rec["MTU"])
    assert shown["Server interfaces"].startswith(str(len(rec["PIFs"])))
    assert shown["VM interfaces"].startswith(str(len(rec["VIFs"])))


def test_a_deleted_object_says_so(qtbot, pool, ctx) -> None:
    p, conn = pool
    page = show(qtbot, VmGeneralPage, ctx, conn, "vm", "OpaqueRef:gone")
    assert "no longer exists" in page.form.findChild(QLabel, "value:").text()
    storage = show(qtbot, VmStoragePage, ctx, conn, "vm", "OpaqueRef:gone")
    assert storage.list.topLevelItemCount() == 0 and "no longer" in storage.summary.text()


def test_trigger_on_explicit_targets(qtbot, pool) -> None:
    from PyQt6.QtWidgets import QWidget

    from xapiman.gui.qactions import ActionBinder

    p, conn = pool
    vm = find_vm(p.db, lambda r: True)
    window = QWidget()
    qtbot.addWidget(window)
    binder = ActionBinder(window, lambda: [], None, lambda *_a: None)
    problems: list[str] = []
    binder.problem.connect(lambda text, _details: problems.append(text))
    context = TabContext(binder.trigger, lambda *_a: None, lambda _n: conn)
    targets = context.targets(CONN, [vm, "OpaqueRef:unknown"])
    assert [(t.cls, t.ref) for t in targets] == [("vm", vm)]
    # a page's explicit pick is checked like a tree selection (a VM is no snapshot)
    assert context.trigger_on("snapshot.revert", CONN, [vm]) is None
    assert problems == ["Revert to Snapshot: Select a snapshot to revert to."]
    assert context.trigger_on("snapshot.revert", CONN, ["OpaqueRef:unknown"]) is None
    assert len(problems) == 1
