"""VM.pool_migrate inside a pool; host.migrate_receive, VM.assert_can_migrate and VM.migrate_send
within a pool (storage motion) and between two simulated pools over real sockets."""

from __future__ import annotations

import pytest

from tests.sim.test_vm_power import (
    details,
    disk_srs,
    login,
    pick,
    vm_snapshots_until_done,
)
from xapiman.sim.model.values import NULL_REF
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.timeout(60)

GiB = 1024**3


def other_host(x, vm: str) -> str:
    return next(h for h in x.host.get_all() if h != x.VM.get_resident_on(vm))


def network_by_bridge(x, bridge: str) -> str:
    return next(n for n, r in x.network.get_all_records().items() if r["bridge"] == bridge)


@pytest.fixture
def two_pools():
    with running_pool(hosts=2, vms=20) as source, running_pool(hosts=2, vms=4, seed=7) as dest:
        yield source, dest


def migration_maps(x, y, vm: str) -> tuple[dict, dict, dict]:
    """dest (from migrate_receive on the destination coordinator), vdi_map, vif_map."""
    host = y.pool.get_master(y.pool.get_all()[0])
    network = network_by_bridge(y, "xenbr0")
    dest = y.host.migrate_receive(host, network, {})
    sr = y.pool.get_default_SR(y.pool.get_all()[0])
    vdis = [x.VBD.get_VDI(v) for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "Disk"]
    return dest, {v: sr for v in vdis}, {v: network for v in x.VM.get_VIFs(vm)}


# -- pool_migrate -------------------------------------------------------------------------------


def test_pool_migrate_moves_the_running_vm():
    with running_pool(hosts=2, vms=20, speed=20) as p:
        x = login(p).xenapi
        vm = pick(p.db, "Running")
        target, domid = other_host(x, vm), x.VM.get_domid(vm)
        token = x.event_from([f"vm/{vm}"], "", 1.0)["token"]
        task = x.Async.VM.pool_migrate(vm, target, {"live": "true"})
        seen = vm_snapshots_until_done(x, vm, task, token)
        assert any(s["current_operations"] == {task: "pool_migrate"} for s in seen)
        assert x.task.get_status(task) == "success"
        rec = x.VM.get_record(vm)
        assert rec["resident_on"] == target and rec["power_state"] == "Running"
        assert rec["domid"] != domid and rec["scheduled_to_be_resident_on"] == NULL_REF
        address = x.host.get_address(target)
        assert all(x.console.get_location(c).startswith(f"http://{address}/")
                   for c in rec["consoles"])
        assert any(m["name"] == "VM_MIGRATED" and m["obj_uuid"] == rec["uuid"]
                   for m in x.message.get_all_records().values())


def test_pool_migrate_errors(pool, session):
    x = session.xenapi
    halted = pick(pool.db, "Halted")
    host = x.host.get_all()[0]
    assert details(x.VM.pool_migrate, halted, host, {}) == [
        "VM_BAD_POWER_STATE", halted, "running", "halted"]
    vm = pick(pool.db, "Running")
    target = other_host(x, vm)
    pool.db.update(target, enabled=False)
    assert details(x.VM.pool_migrate, vm, target, {}) == ["HOST_DISABLED", target]
    pool.db.update(target, enabled=True)
    pool.db.update(pool.db.get(target, "host")["metrics"], memory_total=GiB)
    error = details(x.VM.pool_migrate, vm, target, {})
    assert error[0] == "HOST_NOT_ENOUGH_FREE_MEMORY" and int(error[1]) > int(error[2])
    local = pick(pool.db, "Running", shared=False)
    [sr] = disk_srs(pool.db, local)
    assert details(x.VM.pool_migrate, local, other_host(x, local), {}) == [
        "VM_REQUIRES_SR", local, sr]
    assert x.VM.get_current_operations(vm) == {} and x.VM.get_resident_on(vm) != target


# -- migrate_receive --------------------------------------------------------------------------


def test_migrate_receive_gives_urls_and_a_session(pool, session):
    x = session.xenapi
    host = x.host.get_all()[1]
    dest = x.host.migrate_receive(host, network_by_bridge(x, "xenbr0"), {})
    address = x.host.get_address(host)
    assert set(dest) == {"SM", "host", "xenops", "session_id", "master"}
    assert dest["host"] == host and dest["session_id"].startswith("OpaqueRef:")
    assert dest["xenops"] == f"http://{address}/services/xenops?session_id={dest['session_id']}"
    coordinator = x.pool.get_master(x.pool.get_all()[0])
    assert dest["master"] == f"http://{x.host.get_address(coordinator)}"
    storage_net = network_by_bridge(x, "xenbr1")
    pif = next(p for p in x.network.get_PIFs(storage_net) if x.PIF.get_host(p) == host)
    assert details(x.host.migrate_receive, host, storage_net, {}) == [
        "PIF_HAS_NO_NETWORK_CONFIGURATION", pif]
    internal = network_by_bridge(x, "xenapi")
    assert details(x.host.migrate_receive, host, internal, {}) == [
        "HOST_CANNOT_ATTACH_NETWORK", host, internal]


# -- between pools --------------------------------------------------------------------------------


def test_migrate_send_moves_a_running_vm_to_another_pool(two_pools):
    source, target = two_pools
    x, y = login(source).xenapi, login(target).xenapi
    vm = pick(source.db, "Running")
    rec = x.VM.get_record(vm)
    old_disks = [x.VBD.get_VDI(v) for v in rec["VBDs"] if x.VBD.get_type(v) == "Disk"]
    old_sizes = sorted(x.VDI.get_virtual_size(d) for d in old_disks)
    old_macs = sorted(x.VIF.get_MAC(v) for v in rec["VIFs"])
    dest, vdi_map, vif_map = migration_maps(x, y, vm)
    x.VM.assert_can_migrate(vm, dest, True, vdi_map, vif_map, {})
    new = x.VM.migrate_send(vm, dest, True, vdi_map, vif_map, {})
    moved = y.VM.get_record(new)
    assert moved["name_label"] == rec["name_label"] and moved["power_state"] == "Running"
    assert moved["resident_on"] == dest["host"]
    assert moved["memory_static_max"] == rec["memory_static_max"]
    assert sorted(y.VIF.get_MAC(v) for v in moved["VIFs"]) == old_macs
    assert {y.VIF.get_network(v) for v in moved["VIFs"]} == set(vif_map.values())
    new_disks = [y.VBD.get_VDI(v) for v in moved["VBDs"] if y.VBD.get_type(v) == "Disk"]
    assert sorted(y.VDI.get_virtual_size(d) for d in new_disks) == old_sizes
    assert {y.VDI.get_SR(d) for d in new_disks} == set(vdi_map.values())
    assert "clean_shutdown" in moved["allowed_operations"]
    assert vm not in x.VM.get_all() and not set(old_disks) & set(x.VDI.get_all())


def test_migrate_send_copy_of_a_halted_vm_keeps_the_source(two_pools):
    source, target = two_pools
    x, y = login(source).xenapi, login(target).xenapi
    vm = pick(source.db, "Halted")
    dest, vdi_map, vif_map = migration_maps(x, y, vm)
    new = x.VM.migrate_send(vm, dest, False, vdi_map, vif_map, {"copy": "true"})
    assert y.VM.get_power_state(new) == "Halted" and "start" in y.VM.get_allowed_operations(new)
    assert vm in x.VM.get_all() and x.VM.get_current_operations(vm) == {}
    running = pick(source.db, "Running")
    dest, vdi_map, vif_map = migration_maps(x, y, running)
    assert details(x.VM.migrate_send, running, dest, True, vdi_map, vif_map,
                   {"copy": "true"}) == ["VM_BAD_POWER_STATE", running, "halted", "running"]


def test_assert_can_migrate_errors(two_pools):
    source, target = two_pools
    x, y = login(source).xenapi, login(target).xenapi
    vm = pick(source.db, "Running")
    dest, vdi_map, vif_map = migration_maps(x, y, vm)
    [vdi] = list(vdi_map)
    assert details(x.VM.assert_can_migrate, vm, dest, True, {}, vif_map, {}) == [
        "VDI_NOT_IN_MAP", vdi]
    vif = x.VM.get_VIFs(vm)[0]
    assert details(x.VM.assert_can_migrate, vm, dest, True, vdi_map, {}, {}) == [
        "VIF_NOT_IN_MAP", vif]
    target.db.update(dest["host"], enabled=False)
    assert details(x.VM.migrate_send, vm, dest, True, vdi_map, vif_map, {}) == [
        "HOST_DISABLED", dest["host"]]
    assert x.VM.get_power_state(vm) == "Running" and x.VM.get_current_operations(vm) == {}


# -- storage motion inside the pool --------------------------------------------------------------


def test_migrate_send_within_the_pool_moves_disks_and_the_vm(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Running")
    target = other_host(x, vm)
    dest = x.host.migrate_receive(target, network_by_bridge(x, "xenbr0"), {})
    [vdi] = [x.VBD.get_VDI(v) for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "Disk"]
    new_sr = next(sr for sr, rec in pool.db.all("SR").items()
                  if rec["shared"] and rec["content_type"] == "user"
                  and sr != x.VDI.get_SR(vdi))
    vif_map = {x.VM.get_VIFs(vm)[0]: network_by_bridge(x, "xenbr0")}
    assert details(x.VM.migrate_send, vm, dest, True, {vdi: new_sr}, vif_map, {}) == [
        "OPERATION_NOT_ALLOWED", "VIF mapping is not allowed for intra-pool migration -all VIFs "
        "must be on the same network"]
    assert x.VM.migrate_send(vm, dest, True, {vdi: new_sr}, {}, {}) == vm
    [moved] = [x.VBD.get_VDI(v) for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "Disk"]
    assert x.VDI.get_SR(moved) == new_sr and vdi not in x.VDI.get_all()
    assert x.VM.get_resident_on(vm) == target and x.VM.get_power_state(vm) == "Running"
