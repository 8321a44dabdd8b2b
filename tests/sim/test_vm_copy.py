"""VM clone, copy, snapshot, checkpoint, revert, destroy and provision over real sockets."""

from __future__ import annotations

import pytest

from tests.sim.test_vm_power import (
    details,
    disk_srs,
    login,
    pick,
    vm_snapshots_until_done,
    wait_task,
)
from xapiman.sim import build, storage
from xapiman.sim.model.values import NULL_REF
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.timeout(60)


def disks(x, vm: str) -> list[str]:
    return [x.VBD.get_VDI(v) for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "Disk"]


def macs(x, vm: str) -> list[str]:
    return sorted(x.VIF.get_MAC(v) for v in x.VM.get_VIFs(vm))


def default_template(db) -> str:
    return next(r for r, v in db.all("VM").items() if v["is_default_template"])


# -- clone, copy --------------------------------------------------------------------------------


def test_clone_makes_a_halted_vm_with_copy_on_write_disks_and_new_macs(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    token = x.event_from(["vm"], "", 1.0)["token"]
    clone = x.VM.clone(vm, "the clone")
    rec, src = x.VM.get_record(clone), x.VM.get_record(vm)
    assert rec["name_label"] == "the clone" and rec["power_state"] == "Halted"
    assert not rec["is_a_template"] and not rec["is_a_snapshot"] and rec["snapshot_info"] == {}
    assert rec["memory_static_max"] == src["memory_static_max"]
    assert rec["other_config"]["mac_seed"] != src["other_config"].get("mac_seed")
    [new_disk], [old_disk] = disks(x, clone), disks(x, vm)
    assert new_disk != old_disk
    new_rec = x.VDI.get_record(new_disk)
    assert new_rec["SR"] == x.VDI.get_SR(old_disk)
    assert new_rec["sm_config"]["vhd-parent"] == x.VDI.get_uuid(old_disk)
    assert len(rec["VIFs"]) == len(src["VIFs"]) and not set(macs(x, clone)) & set(macs(x, vm))
    assert "start" in rec["allowed_operations"]
    events = {e["ref"]: e for e in x.event_from(["vm"], token, 1.0)["events"]}
    assert events[clone]["operation"] == "add" and events[clone]["snapshot"]["VBDs"]


def test_clone_of_a_template_is_a_template_and_async_clone_returns_the_ref(pool, session):
    x = session.xenapi
    template = default_template(pool.db)
    task = x.Async.VM.clone(template, "from template")
    record = wait_task(x, task)
    assert record["status"] == "success" and record["type"] == "VM"
    new = record["result"][len("<value>"):-len("</value>")]
    assert record["result"] == f"<value>{new}</value>" and new.startswith("OpaqueRef:")
    rec = x.VM.get_record(new)
    assert rec["is_a_template"] and not rec["is_default_template"]
    assert "default_template" not in rec["other_config"]
    assert rec["other_config"]["base_template_name"] == x.VM.get_name_label(template)


def test_copy_copies_disks_to_the_given_sr_or_their_own(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted", shared=False)
    [local_sr] = disk_srs(pool.db, vm)
    shared_sr = x.pool.get_default_SR(x.pool.get_all()[0])
    copy = x.VM.copy(vm, "copied", shared_sr)
    [disk] = disks(x, copy)
    assert x.VDI.get_SR(disk) == shared_sr and x.VM.get_name_label(copy) == "copied"
    assert "vhd-parent" not in x.VDI.get_sm_config(disk)
    same = x.VM.copy(vm, "copied here", NULL_REF)
    assert [x.VDI.get_SR(d) for d in disks(x, same)] == [local_sr]


def test_copy_to_a_full_sr_fails_with_sr_full(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    hosts = list(pool.db.all("host"))
    tiny = build.add_sr(pool.db, "tiny", "nfs", 1024**2, hosts, shared=True)
    [disk] = disks(x, vm)
    rec = pool.db.get(disk, "VDI")
    need = max(rec["physical_utilisation"], storage.vhd_metadata_size(rec["virtual_size"]))
    assert details(x.VM.copy, vm, "no room", tiny) == ["SR_FULL", str(need), str(1024**2)]
    assert x.VM.get_current_operations(vm) == {} and x.SR.get_VDIs(tiny) == []


# -- snapshot, checkpoint, revert ----------------------------------------------------------------


def test_snapshot_records_the_vm_and_snapshots_its_disks(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Running")
    snap = x.VM.snapshot(vm, "snap")
    rec = x.VM.get_record(snap)
    assert rec["is_a_snapshot"] and rec["is_a_template"] and rec["snapshot_of"] == vm
    assert rec["power_state"] == "Halted" and rec["snapshot_time"].value[:4] >= "2024"
    assert rec["snapshot_info"] == {"power-state-at-snapshot": "Running",
                                    "disk-snapshot-type": "crash_consistent"}
    assert snap in x.VM.get_snapshots(vm) and x.VM.get_parent(vm) == snap
    assert macs(x, snap) == macs(x, vm)
    [image], [disk] = disks(x, snap), disks(x, vm)
    image_rec = x.VDI.get_record(image)
    assert image_rec["is_a_snapshot"] and image_rec["snapshot_of"] == disk
    assert image in x.VDI.get_snapshots(disk)
    assert x.VM.get_power_state(vm) == "Running"
    assert sorted(rec["allowed_operations"]) == ["clone", "copy", "destroy", "export",
                                                 "metadata_export", "revert"]
    assert details(x.VM.start, snap, False, False) == ["VM_IS_SNAPSHOT", snap, "start"]
    uuid = x.VM.get_uuid(vm)
    assert any(m["name"] == "VM_SNAPSHOTTED" and m["obj_uuid"] == uuid
               for m in x.message.get_all_records().values())


def test_snapshot_ignores_the_given_disks(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    snap = x.VM.snapshot(vm, "without disk", disks(x, vm))
    assert disks(x, snap) == [] and x.VM.get_is_a_snapshot(snap)


def test_checkpoint_of_a_running_vm_keeps_its_memory(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Running")
    snap = x.VM.checkpoint(vm, "with memory")
    rec = x.VM.get_record(snap)
    assert rec["power_state"] == "Suspended" and rec["is_a_snapshot"]
    assert x.VDI.get_type(rec["suspend_VDI"]) == "suspend"
    assert x.VM.get_power_state(vm) == "Running"
    halted = pick(pool.db, "Halted")
    assert details(x.VM.checkpoint, halted, "x") == [
        "VM_BAD_POWER_STATE", halted, "paused, suspended, running", "halted"]

def test_revert_restores_settings_and_disks(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    before = x.VM.get_record(vm)
    snap = x.VM.snapshot(vm, "base")
    later = x.VM.snapshot(vm, "later")
    [old_disk] = disks(x, vm)
    x.VM.set_VCPUs_max(vm, str(int(before["VCPUs_max"]) + 2))
    x.VM.set_memory(vm, str(int(before["memory_static_max"]) * 2))
    x.VM.set_name_description(vm, "changed")
    x.VM.revert(snap)
    rec = x.VM.get_record(vm)
    assert rec["VCPUs_max"] == before["VCPUs_max"]
    assert rec["memory_static_max"] == before["memory_static_max"]
    assert rec["name_description"] == before["name_description"]
    assert rec["power_state"] == "Halted" and rec["parent"] == snap
    [new_disk] = disks(x, vm)
    assert new_disk != old_disk and old_disk not in x.VDI.get_all()
    [later_image] = disks(x, later)
    assert x.VDI.get_snapshot_of(later_image) == new_disk  # snapshots follow the new disk
    assert macs(x, vm) == macs(x, snap)
    assert details(x.VM.revert, vm) == ["REVERT_ONLY_ALLOWED_ON_SNAPSHOT"]


def test_reverting_to_a_checkpoint_brings_back_a_suspended_vm(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Running")
    checkpoint = x.VM.checkpoint(vm, "memory")
    x.VM.hard_shutdown(vm)
    x.VM.revert(checkpoint)
    rec = x.VM.get_record(vm)
    assert rec["power_state"] == "Suspended"  # as xapi: the client resumes it
    assert rec["suspend_VDI"] not in (NULL_REF, x.VM.get_suspend_VDI(checkpoint))
    x.VM.resume(vm, False, False)
    assert x.VM.get_power_state(vm) == "Running"


def test_revert_when_the_vm_was_deleted_makes_it_again(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    name = x.VM.get_name_label(vm)
    snap = x.VM.snapshot(vm, "keep")
    x.VM.destroy(vm)
    x.VM.revert(snap)
    again = x.VM.get_snapshot_of(snap)
    assert again != vm and x.VM.get_name_label(again) == name
    assert len(disks(x, again)) == 1 and x.VM.get_power_state(again) == "Halted"


# -- destroy, provision -------------------------------------------------------------------------


def test_destroy_removes_the_vm_and_its_devices_not_its_disks(pool, session):
    x = session.xenapi
    vm = pick(pool.db, "Halted")
    rec = x.VM.get_record(vm)
    [disk] = disks(x, vm)
    x.VM.destroy(vm)
    assert vm not in x.VM.get_all() and rec["metrics"] not in x.VM_metrics.get_all()
    assert not set(rec["VBDs"]) & set(x.VBD.get_all())
    assert not set(rec["VIFs"]) & set(x.VIF.get_all())
    assert disk in x.VDI.get_all() and x.VDI.get_VBDs(disk) == []
    running = pick(pool.db, "Running")
    assert details(x.VM.destroy, running) == [
        "VM_BAD_POWER_STATE", running, "halted, suspended", "running"]
    template = default_template(pool.db)
    assert details(x.VM.destroy, template) == ["VM_IS_TEMPLATE", template, "destroy"]


def test_provision_makes_the_templates_disks(pool, session):
    x = session.xenapi
    halted = pick(pool.db, "Halted")
    assert details(x.VM.provision, halted) == ["PROVISION_ONLY_ALLOWED_ON_TEMPLATE"]
    vm = x.VM.clone(default_template(pool.db), "new vm")
    spec = x.VM.get_other_config(vm)["disks"]
    assert details(x.VM.provision, vm) == ["UUID_INVALID", "sr", ""]  # sr="" is not a uuid
    sr = x.pool.get_default_SR(x.pool.get_all()[0])
    x.VM.remove_from_other_config(vm, "disks")
    x.VM.add_to_other_config(vm, "disks", spec.replace('sr=""', f'sr="{x.SR.get_uuid(sr)}"'))
    x.VM.provision(vm)
    rec = x.VM.get_record(vm)
    assert not rec["is_a_template"] and "disks" not in rec["other_config"]
    [vbd] = rec["VBDs"]
    vbd_rec = x.VBD.get_record(vbd)
    assert vbd_rec["userdevice"] == "0" and vbd_rec["bootable"] and vbd_rec["mode"] == "RW"
    vdi = x.VDI.get_record(vbd_rec["VDI"])
    assert vdi["SR"] == sr and vdi["type"] == "system" and vdi["name_label"] == "0"
    size = spec.split('size="')[1].split('"')[0]
    assert vdi["virtual_size"] == size
    assert "start" in rec["allowed_operations"]


def test_copies_show_in_current_operations_while_they_run():
    with running_pool(hosts=2, vms=10, speed=10) as p:
        x = login(p).xenapi
        vm = pick(p.db, "Halted", shared=None)
        for op, args in (("clone", ("c1",)), ("copy", ("c2", NULL_REF)), ("snapshot", ("s1",))):
            token = x.event_from([f"vm/{vm}"], "", 1.0)["token"]
            task = getattr(x.Async.VM, op)(vm, *args)
            seen = vm_snapshots_until_done(x, vm, task, token)
            assert any(s["current_operations"] == {task: op} for s in seen), op
            assert wait_task(x, task)["status"] == "success", op
