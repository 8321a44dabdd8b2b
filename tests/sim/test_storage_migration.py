"""Storage migration inside a pool and between pools: disks really move (their SR changes, sizes
kept, snapshots follow), and VM.assert_can_migrate refuses with xapi's errors."""

from __future__ import annotations

import pytest
import XenAPI

from tests.sim.test_vm_migrate import migration_maps, network_by_bridge, other_host, two_pools  # noqa: F401
from tests.sim.test_vm_power import details, disk_srs, login, pick, wait_task
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.timeout(60)


def local_sr_of(x, host: str) -> str:
    """The host's own local disk SR."""
    for pbd in x.host.get_PBDs(host):
        sr = x.PBD.get_SR(pbd)
        rec = x.SR.get_record(sr)
        if not rec["shared"] and rec["content_type"] == "user":
            return sr
    raise AssertionError("no local SR")


def disks(x, vm: str) -> list[str]:
    return [x.VBD.get_VDI(v) for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "Disk"]


def test_a_running_vm_on_local_storage_moves_live_with_its_disks(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Running", shared=False)
    target = other_host(x, vm)
    old = disks(x, vm)
    sizes = sorted(x.VDI.get_virtual_size(d) for d in old)
    snapshot = x.VM.snapshot(vm, "before the move")
    [snap_disk] = disks(x, snapshot)
    dest_sr = local_sr_of(x, target)
    dest = x.host.migrate_receive(target, network_by_bridge(x, "xenbr0"), {})
    vdi_map = dict.fromkeys(old, dest_sr)
    # the pool_migrate refusal that made storage motion necessary
    assert details(x.VM.pool_migrate, vm, target, {"live": "true"})[0] == "VM_REQUIRES_SR"
    x.VM.assert_can_migrate(vm, dest, True, vdi_map, {}, {})
    assert x.VM.migrate_send(vm, dest, True, vdi_map, {}, {}) == vm
    rec = x.VM.get_record(vm)
    assert rec["resident_on"] == target and rec["power_state"] == "Running"
    moved = disks(x, vm)
    assert {x.VDI.get_SR(d) for d in moved} == {dest_sr}
    assert sorted(x.VDI.get_virtual_size(d) for d in moved) == sizes
    assert not set(old) & set(x.VDI.get_all())
    [snap_moved] = disks(x, snapshot)
    assert snap_moved != snap_disk and x.VDI.get_SR(snap_moved) == dest_sr
    assert x.VDI.get_snapshot_of(snap_moved) in moved


def test_assert_can_migrate_refuses_within_the_pool(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Running", shared=False)
    target = other_host(x, vm)
    dest = x.host.migrate_receive(target, network_by_bridge(x, "xenbr0"), {})
    [vdi] = disks(x, vm)
    [source_sr] = disk_srs(pool.db, vm)
    # the disk stays on the source host's local SR, which the target cannot see
    assert details(x.VM.assert_can_migrate, vm, dest, True, {vdi: source_sr}, {}, {}) == [
        "VM_REQUIRES_SR", vm, source_sr]
    iso = next(sr for sr, rec in pool.db.all("SR").items() if rec["type"] == "iso")
    assert details(x.VM.assert_can_migrate, vm, dest, True, {vdi: iso}, {}, {}) == [
        "SR_DOES_NOT_SUPPORT_MIGRATION", iso, "VDI_SNAPSHOT;VDI_MIRROR_IN"]
    assert details(x.VM.migrate_send, vm, dest, True, {vdi: local_sr_of(x, target)}, {},
                   {"copy": "true"}) == [
        "OPERATION_NOT_ALLOWED", "Copy mode is disallowed on intra pool storage migration, "
        "try efficient alternatives, for example, VM.copy/clone."]
    assert x.VM.get_resident_on(vm) != target and x.VDI.get_SR(vdi) == source_sr


def test_no_more_than_three_storage_migrations_at_once():
    with running_pool(hosts=2, vms=20, speed=50) as p:
        x = login(p).xenapi
        running = [ref for ref, rec in p.db.all("VM").items()
                   if rec["power_state"] == "Running" and not rec["is_control_domain"]][:4]
        assert len(running) == 4
        tasks = []
        for vm in running:
            target = other_host(x, vm)
            dest = x.host.migrate_receive(target, network_by_bridge(x, "xenbr0"), {})
            vdi_map = dict.fromkeys(disks(x, vm), local_sr_of(x, target))
            tasks.append(x.Async.VM.migrate_send(vm, dest, True, vdi_map, {}, {}))
        for task in tasks:
            wait_task(x, task)
        errors = [x.task.get_error_info(t) for t in tasks]
        assert errors.count(["TOO_MANY_STORAGE_MIGRATES", "3"]) == 1, errors
        assert sum(1 for t in tasks if x.task.get_status(t) == "success") == 3


def test_cross_pool_refuses_an_sr_the_destination_host_cannot_see(two_pools):  # noqa: F811
    source, target = two_pools
    x, y = login(source).xenapi, login(target).xenapi
    vm = pick(source.db, "Running")
    dest, vdi_map, vif_map = migration_maps(x, y, vm)
    elsewhere = next(h for h in y.host.get_all() if h != dest["host"])
    foreign = local_sr_of(y, elsewhere)
    bad = dict.fromkeys(vdi_map, foreign)
    assert details(x.VM.assert_can_migrate, vm, dest, True, bad, vif_map, {}) == [
        "VM_REQUIRES_SR", vm, foreign]
    with pytest.raises(XenAPI.Failure):
        x.VM.migrate_send(vm, dest, True, bad, vif_map, {})
    assert x.VM.get_power_state(vm) == "Running" and vm in x.VM.get_all()


def test_a_vm_never_moves_to_an_older_version(two_pools):  # noqa: F811
    source, target = two_pools
    x, y = login(source).xenapi, login(target).xenapi
    vm = pick(source.db, "Running")
    dest, vdi_map, vif_map = migration_maps(x, y, vm)
    older = {**target.db.get(dest["host"], "host")["software_version"], "platform_version": "3.2.1"}
    target.db.update(dest["host"], software_version=older)
    assert details(x.VM.assert_can_migrate, vm, dest, True, vdi_map, vif_map, {}) == [
        "VM_HOST_INCOMPATIBLE_VERSION_MIGRATE", vm, dest["host"]]
    here = x.VM.get_resident_on(vm)
    other = other_host(x, vm)
    source.db.update(other, software_version={
        **source.db.get(other, "host")["software_version"], "xen": "4.13.0"})
    inside = x.host.migrate_receive(other, network_by_bridge(x, "xenbr0"), {})
    identity = {d: x.VDI.get_SR(d) for d in disks(x, vm)}
    assert details(x.VM.assert_can_migrate, vm, inside, True, identity, {}, {}) == [
        "NOT_SUPPORTED_DURING_UPGRADE"]
    assert x.VM.get_resident_on(vm) == here
