"""Typed views and relation indexes, checked against the simulator's own database."""

from __future__ import annotations

from tests.client.conftest import wait_until
from xapiman.xapi.records import SR, VDI, VM, Host, Message, Network, Pool


def test_vm_views_parse_and_resolve(conn, pool) -> None:
    db = pool.db
    vms = conn.cache.objects(VM)
    assert {v.ref for v in vms} == set(db.all("VM"))
    real = {v.ref for v in vms if v.is_real}
    assert real == {r for r, rec in db.all("VM").items() if not rec["is_a_template"]
                    and not rec["is_a_snapshot"] and not rec["is_control_domain"]}
    for vm in (v for v in vms if v.ref in real):
        rec = db.all("VM")[vm.ref]
        assert vm.power_state == rec["power_state"]
        assert vm.memory_static_max == rec["memory_static_max"]
        assert vm.vcpus_at_startup == rec["VCPUs_at_startup"]
        assert {b.ref for b in vm.vbds} == {r for r, b in db.all("VBD").items() if b["VM"] == vm.ref}
        assert {d.ref for d in vm.disks} == {b["VDI"] for b in db.all("VBD").values()
                                             if b["VM"] == vm.ref and b["type"] == "Disk"}
        assert {s.ref for s in vm.srs} == {db.all("VDI")[d.ref]["SR"] for d in vm.disks}
        assert {v.ref for v in vm.vifs} == {r for r, v in db.all("VIF").items() if v["VM"] == vm.ref}
        host = vm.resident_on
        assert (host.ref if host else "OpaqueRef:NULL") == rec["resident_on"]
        if vm.is_running:
            assert vm.memory == db.all("VM_metrics")[rec["metrics"]]["memory_actual"]
            assert vm.can("clean_shutdown") == ("clean_shutdown" in rec["allowed_operations"])
        gm = db.all("VM_guest_metrics").get(rec["guest_metrics"])
        if gm is not None:
            assert vm.os_name == gm["os_version"]["name"].split("|")[0]
            assert set(vm.ip_addresses) == {a for a in gm["networks"].values() if a}


def test_host_sr_network_relations(conn, pool) -> None:
    db = pool.db
    for host in conn.cache.objects(Host):
        assert {v.ref for v in host.resident_vms} == {
            r for r, v in db.all("VM").items() if v["resident_on"] == host.ref}
        assert host.cpu_count == len(db.all("host")[host.ref]["host_CPUs"])
        assert host.memory_total > 0 and host.live
        assert host.is_coordinator == (host.ref == pool.sim.coordinator)
    for sr in conn.cache.objects(SR):
        assert {h.ref for h in sr.hosts} == {
            p["host"] for p in db.all("PBD").values() if p["SR"] == sr.ref}
        assert {v.ref for v in sr.vdis} == set(db.all("SR")[sr.ref]["VDIs"])
    for net in conn.cache.objects(Network):
        assert {v.ref for v in net.vifs} == set(db.all("network")[net.ref]["VIFs"])
    pool_view = conn.cache.pool
    assert isinstance(pool_view, Pool) and pool_view.master.ref == pool.sim.coordinator
    assert pool_view.name == "xapiman demo pool"


def test_indexes_follow_changes(conn, pool) -> None:
    hosts = sorted(pool.db.all("host"))
    vm = next(r for r, v in pool.db.all("VM").items()
              if v["resident_on"] == hosts[0] and not v["is_control_domain"])
    pool.db.update(vm, resident_on=hosts[1])
    wait_until(lambda: conn.cache.find(VM, vm).resident_on.ref == hosts[1])
    assert vm not in {v.ref for v in conn.cache.find(Host, hosts[0]).resident_vms}
    assert vm in {v.ref for v in conn.cache.find(Host, hosts[1]).resident_vms}
    disk = conn.cache.find(VM, vm).disks[0]
    pool.db.destroy(disk.ref)
    wait_until(lambda: conn.cache.find(VDI, disk.ref) is None)
    assert disk.ref not in conn.cache.referrers("VDI", "SR", disk.raw["SR"])


def test_snapshot_tree(conn, pool) -> None:
    db = pool.db
    vm = next(r for r, v in db.all("VM").items() if v["power_state"] == "Halted"
              and not v["is_a_template"])

    def snap(name: str, parent: str, time: str) -> str:
        return db.create("VM", {"name_label": name, "is_a_snapshot": True, "snapshot_of": vm,
                                "parent": parent, "snapshot_time": time,
                                "power_state": "Halted"})

    first = snap("first", "OpaqueRef:NULL", "20250101T10:00:00Z")
    second = snap("second", first, "20250102T10:00:00Z")
    branch = snap("branch", first, "20250103T10:00:00Z")
    db.update(vm, parent=second)
    wait_until(lambda: conn.cache.find(VM, vm).raw.get("parent") == second)
    view = conn.cache.find(VM, vm)
    assert [s.name for s in view.snapshots] == ["first", "second", "branch"]
    assert view.snapshots[0].snapshot_time.year == 2025
    assert not view.snapshots[0].is_real and view.snapshots[0].snapshot_of.ref == vm
    tree = view.snapshot_tree()
    assert [n.snapshot.ref for n in tree] == [first]
    assert [n.snapshot.ref for n in tree[0].children] == [second, branch]
    assert [n.current for n in tree[0].children] == [True, False]
    assert view.parent.ref == second and branch in {s.ref for s in view.snapshots}


def test_message_subject_found_by_uuid(conn, pool) -> None:
    vm = next(iter(pool.db.all("VM")))
    uuid = pool.db.all("VM")[vm]["uuid"]
    msg = pool.db.create("message", {"name": "VM_STARTED", "priority": 5, "cls": "VM",
                                     "obj_uuid": uuid, "timestamp": "20250101T10:00:00Z",
                                     "body": "started"})
    wait_until(lambda: conn.cache.find(Message, msg) is not None)
    view = conn.cache.find(Message, msg)
    assert view.priority == 5 and view.obj_class == "VM" and view.subject.ref == vm
    assert view.timestamp.isoformat() == "2025-01-01T10:00:00+00:00"
    assert conn.cache.view(msg) == view and conn.cache.class_of(msg) == "message"
