"""VDIs over real sockets: create with space accounting, resize, snapshot and clone chains, copy,
destroy, forget and introduce, operations in progress, and the SR size invariant."""

from __future__ import annotations

import XenAPI

from tests.sim.test_storage_sr import (
    assert_sizes_consistent,
    failure_of,
    new_vdi,
    sr_of_type,
    wait_until,
)
from xapiman.sim.storage import thick_size, vhd_metadata_size
from xapiman.sim.testing import running_pool

MiB = 1024**2
GiB = 1024**3


def attached_disk(x) -> str:
    """A disk a running VM has attached."""
    for rec in x.VBD.get_all_records().values():
        if rec["currently_attached"] and rec["type"] == "Disk":
            return rec["VDI"]
    raise AssertionError("no running VM with a disk")


def small_lvm_sr(x, size: int) -> str:
    return x.SR.create(x.host.get_all()[0], {"device": "/dev/sdb"}, str(size), "small", "",
                       "lvm", "user", False, {})


# -- create --------------------------------------------------------------------------------------


def test_create_accounts_the_disk_in_its_sr(session):
    x = session.xenapi
    nfs = sr_of_type(x, "nfs")
    before = x.SR.get_record(nfs)
    vdi = new_vdi(x, nfs, 10 * GiB + 1, name="data", name_description="scratch",
                  tags=["tmp"], sm_config={"hint": "x"})
    rec = x.VDI.get_record(vdi)
    assert int(rec["virtual_size"]) == 10 * GiB + 2 * MiB  # whole VHD blocks
    assert int(rec["physical_utilisation"]) == vhd_metadata_size(10 * GiB + 2 * MiB)
    assert (rec["name_label"], rec["name_description"], rec["tags"]) == ("data", "scratch",
                                                                         ["tmp"])
    assert rec["location"] == rec["uuid"] and rec["managed"] is True
    assert rec["sm_config"] == {"hint": "x", "vdi_type": "vhd"}
    assert rec["current_operations"] == {}
    assert {"clone", "copy", "snapshot", "resize", "destroy", "forget"} <= set(
        rec["allowed_operations"])
    after = x.SR.get_record(nfs)
    assert int(after["virtual_allocation"]) == int(before["virtual_allocation"]) + 10 * GiB + 2 * MiB
    assert vdi in after["VDIs"]
    assert_sizes_consistent(x)


def test_create_on_thick_storage_takes_the_whole_size_and_can_fill_the_sr(session):
    x = session.xenapi
    sr = small_lvm_sr(x, 10 * GiB)
    vdi = new_vdi(x, sr, 4 * GiB)
    assert int(x.VDI.get_physical_utilisation(vdi)) == thick_size(4 * GiB)
    used = int(x.SR.get_physical_utilisation(sr))
    assert failure_of(new_vdi, x, sr, 8 * GiB) == [
        "SR_FULL", str(used + thick_size(8 * GiB)), str(10 * GiB)]
    assert x.SR.get_VDIs(sr) == [vdi]


def test_create_refusals(session):
    x = session.xenapi
    nfs = sr_of_type(x, "nfs")
    assert failure_of(new_vdi, x, nfs, 3 * 1024 * GiB)[:3] == [
        "SR_BACKEND_FAILURE_79", "",
        "VDI Invalid size [opterr=VDI size must be between 1 MB and 2088960 MB]"]
    assert failure_of(new_vdi, x, nfs, GiB, type="cbt_metadata") == [
        "VDI_INCOMPATIBLE_TYPE", "", "cbt_metadata"]
    assert failure_of(x.VDI.create, {"SR": nfs, "virtual_size": "1"})[0] == "INTERNAL_ERROR"
    tools = next(r for r, rec in x.SR.get_all_records().items() if rec["is_tools_sr"])
    assert failure_of(new_vdi, x, tools, MiB, name="x.iso") == [
        "SR_OPERATION_NOT_SUPPORTED", tools]
    bogus = "OpaqueRef:00000000-0000-0000-0000-000000000000"
    assert failure_of(new_vdi, x, bogus) == ["HANDLE_INVALID", "SR", bogus]


def test_iso_library_makes_sparse_iso_files_only(session):
    x = session.xenapi
    iso = x.SR.get_by_name_label("ISO library")[0]
    assert failure_of(new_vdi, x, iso, MiB, name="notes.txt") == [
        "SR_BACKEND_FAILURE_221", "", "ISO name must have .iso extension", ""]
    vdi = new_vdi(x, iso, 4 * MiB, name="config-drive.iso")
    rec = x.VDI.get_record(vdi)
    assert (rec["location"], int(rec["physical_utilisation"])) == ("config-drive.iso", 0)
    assert failure_of(new_vdi, x, iso, MiB, name="config-drive.iso")[0] == "SR_BACKEND_FAILURE_43"


# -- resize --------------------------------------------------------------------------------------


def test_resize_grows_only(session):
    x = session.xenapi
    vdi = new_vdi(x, sr_of_type(x, "nfs"), 2 * GiB)
    x.VDI.resize(vdi, str(5 * GiB))
    assert int(x.VDI.get_virtual_size(vdi)) == 5 * GiB
    assert int(x.VDI.get_physical_utilisation(vdi)) == vhd_metadata_size(5 * GiB)
    assert failure_of(x.VDI.resize, vdi, str(GiB)) == [
        "SR_BACKEND_FAILURE_79", "", "VDI Invalid size [opterr=shrinking not allowed]", ""]
    sr = small_lvm_sr(x, 10 * GiB)
    thick = new_vdi(x, sr, 2 * GiB)
    x.VDI.resize(thick, str(4 * GiB))
    assert int(x.VDI.get_physical_utilisation(thick)) == thick_size(4 * GiB)
    assert failure_of(x.VDI.resize, thick, str(20 * GiB))[0] == "SR_FULL"
    assert failure_of(x.VDI.resize_online, thick, str(5 * GiB)) == [
        "SR_OPERATION_NOT_SUPPORTED", sr]
    assert_sizes_consistent(x)


# -- snapshot, clone, copy ------------------------------------------------------------------------


def test_snapshot_and_clone_make_vhd_children(session):
    x = session.xenapi
    disk = attached_disk(x)  # a live disk can be snapshotted and cloned
    src = x.VDI.get_record(disk)
    snap = x.VDI.snapshot(disk, {})
    rec = x.VDI.get_record(snap)
    assert rec["is_a_snapshot"] is True and rec["snapshot_of"] == disk
    assert rec["name_label"] == src["name_label"] and rec["SR"] == src["SR"]
    assert rec["sm_config"]["vhd-parent"] == src["uuid"]
    assert str(rec["snapshot_time"]) != "19700101T00:00:00Z"
    assert snap in x.VDI.get_snapshots(disk)
    clone = x.VDI.clone(disk)
    rec = x.VDI.get_record(clone)
    assert rec["is_a_snapshot"] is False and rec["sm_config"]["vhd-parent"] == src["uuid"]
    assert rec["virtual_size"] == src["virtual_size"]
    assert_sizes_consistent(x)


def test_snapshot_refuses_sharable_disks(session):
    x = session.xenapi
    vdi = new_vdi(x, sr_of_type(x, "nfs"), GiB, sharable=True)
    assert failure_of(x.VDI.snapshot, vdi, {}) == ["VDI_IS_SHARABLE", vdi]
    assert "snapshot" not in x.VDI.get_allowed_operations(vdi)


def test_copy_to_another_sr_and_into_an_existing_disk(session):
    x = session.xenapi
    nfs, local = sr_of_type(x, "nfs"), sr_of_type(x, "ext")
    src = new_vdi(x, nfs, 3 * GiB, name="golden", other_config={"k": "v"})
    copy = x.VDI.copy(src, local)
    rec = x.VDI.get_record(copy)
    assert (rec["SR"], rec["name_label"], rec["other_config"]) == (local, "golden", {"k": "v"})
    assert int(rec["virtual_size"]) == 3 * GiB and rec["read_only"] is False
    small = new_vdi(x, local, GiB)
    assert failure_of(x.VDI.copy, src, "OpaqueRef:NULL", "OpaqueRef:NULL", small) == [
        "VDI_TOO_SMALL", small, str(3 * GiB)]
    iso = x.SR.get_by_name_label("ISO library")[0]
    image = x.SR.get_VDIs(iso)[0]
    assert failure_of(x.VDI.copy, src, "OpaqueRef:NULL", "OpaqueRef:NULL", image) == [
        "VDI_READONLY", image]
    target = new_vdi(x, local, 4 * GiB)
    assert x.VDI.copy(src, "OpaqueRef:NULL", "OpaqueRef:NULL", target) == target
    assert failure_of(x.VDI.copy, src, "OpaqueRef:NULL")[:2] == ["HANDLE_INVALID", "SR"]
    assert_sizes_consistent(x)


def test_copy_checks_space_in_the_destination(session):
    x = session.xenapi
    sr = small_lvm_sr(x, 2 * GiB)
    src = new_vdi(x, sr_of_type(x, "nfs"), 4 * GiB)
    assert failure_of(x.VDI.copy, src, sr) == ["SR_FULL", str(thick_size(4 * GiB)),
                                               str(2 * GiB)]
    assert x.SR.get_VDIs(sr) == []


# -- destroy, forget, introduce ------------------------------------------------------------------


def test_destroy_refuses_an_attached_disk(session):
    x = session.xenapi
    disk = attached_disk(x)
    assert "destroy" not in x.VDI.get_allowed_operations(disk)
    assert failure_of(x.VDI.destroy, disk) == ["VDI_IN_USE", disk, "destroy"]


def test_destroy_gives_space_back_and_removes_halted_vms_vbds(session):
    x = session.xenapi
    vm = next(r for r, rec in x.VM.get_all_records().items()
              if rec["power_state"] == "Halted" and not rec["is_a_template"]
              and not rec["is_a_snapshot"] and rec["VBDs"])
    vbd = next(v for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "Disk")
    disk = x.VBD.get_VDI(vbd)
    sr = x.VDI.get_SR(disk)
    before = x.SR.get_record(sr)
    x.VDI.destroy(disk)
    after = x.SR.get_record(sr)
    assert vbd not in x.VM.get_VBDs(vm)
    assert disk not in after["VDIs"]
    assert int(after["virtual_allocation"]) < int(before["virtual_allocation"])
    assert_sizes_consistent(x)


def test_forget_and_scan_bring_a_disk_back_with_its_uuid(session):
    x = session.xenapi
    nfs = sr_of_type(x, "nfs")
    vdi = new_vdi(x, nfs, GiB, name="keep me")
    uuid = x.VDI.get_uuid(vdi)
    x.VDI.forget(vdi)
    assert failure_of(x.VDI.get_by_uuid, uuid) == ["UUID_INVALID", "VDI", uuid]
    x.SR.scan(nfs)
    back = x.VDI.get_by_uuid(uuid)
    assert back != vdi and x.VDI.get_name_label(back) == "keep me"
    assert_sizes_consistent(x)


def test_introduce_needs_the_driver_feature_and_the_data(session):
    x = session.xenapi
    nfs, iscsi = sr_of_type(x, "nfs"), sr_of_type(x, "lvmoiscsi")
    assert failure_of(x.VDI.introduce, "", "n", "", nfs, "user", False, False, {}, "x") == [
        "SR_OPERATION_NOT_SUPPORTED", nfs]
    vdi = new_vdi(x, iscsi, GiB, name="lun disk")
    rec = x.VDI.get_record(vdi)
    x.VDI.forget(vdi)
    assert failure_of(x.VDI.introduce, "", "n", "", iscsi, "user", False, False, {},
                      "nowhere") == ["VDI_LOCATION_MISSING", iscsi, "nowhere"]
    assert failure_of(x.VDI.introduce, "not-a-uuid", "n", "", iscsi, "user", False, False, {},
                      rec["location"]) == ["UUID_INVALID", "VDI", "not-a-uuid"]
    again = x.VDI.introduce(rec["uuid"], "", "", iscsi, "user", False, False, {"a": "b"},
                            rec["location"])
    back = x.VDI.get_record(again)
    assert (back["uuid"], back["name_label"], back["other_config"]) == (rec["uuid"], "lun disk",
                                                                        {"a": "b"})
    assert back["virtual_size"] == rec["virtual_size"]
    assert failure_of(x.VDI.introduce, "", "dup", "", iscsi, "user", False, False, {},
                      rec["location"]) == ["LOCATION_NOT_UNIQUE", iscsi, rec["location"]]
    assert_sizes_consistent(x)


def test_update_and_generic_setters(session):
    x = session.xenapi
    vdi = new_vdi(x, sr_of_type(x, "nfs"))
    x.VDI.update(vdi)
    x.VDI.set_name_label(vdi, "renamed")
    x.VDI.set_name_description(vdi, "described")
    assert (x.VDI.get_name_label(vdi), x.VDI.get_name_description(vdi)) == ("renamed",
                                                                            "described")


# -- operations in progress and the invariant ------------------------------------------------------


def test_snapshot_shows_in_current_operations_of_vdi_and_sr():
    with running_pool(hosts=1, vms=2, speed=2.0) as p:
        s = XenAPI.Session(p.url)
        s.xenapi.login_with_password(p.user, p.password)
        x = s.xenapi
        vdi = new_vdi(x, sr_of_type(x, "nfs"))
        sr = x.VDI.get_SR(vdi)
        task = x.Async.VDI.snapshot(vdi, {})
        wait_until(lambda: x.VDI.get_current_operations(vdi) == {task: "snapshot"})
        assert x.SR.get_current_operations(sr) == {task: "vdi_snapshot"}
        assert x.VDI.get_allowed_operations(vdi) == []
        wait_until(lambda: x.task.get_status(task) != "pending")
        assert x.task.get_status(task) == "success"
        snap = x.task.get_result(task).split("<value>")[1].split("</value>")[0]
        assert x.VDI.get_snapshot_of(snap) == vdi
        assert x.VDI.get_current_operations(vdi) == {}
        assert "snapshot" in x.VDI.get_allowed_operations(vdi)


def test_sizes_stay_consistent_after_a_sequence_of_operations(session):
    x = session.xenapi
    nfs, local, iscsi = sr_of_type(x, "nfs"), sr_of_type(x, "ext"), sr_of_type(x, "lvmoiscsi")
    a = new_vdi(x, nfs, 4 * GiB)
    b = x.VDI.clone(a)
    c = x.VDI.snapshot(b)
    d = x.VDI.copy(c, local)
    e = x.VDI.copy(a, iscsi)
    x.VDI.resize(a, str(6 * GiB))
    x.VDI.resize(e, str(8 * GiB))
    x.VDI.destroy(b)
    x.VDI.forget(d)
    x.SR.scan(local)
    x.VDI.destroy(c)
    assert_sizes_consistent(x)


def test_cancelling_a_copy_removes_the_half_written_disk():
    with running_pool(hosts=1, vms=2, speed=10.0) as p:
        s = XenAPI.Session(p.url)
        s.xenapi.login_with_password(p.user, p.password)
        x = s.xenapi
        iscsi, nfs = sr_of_type(x, "lvmoiscsi"), sr_of_type(x, "nfs")
        src = new_vdi(x, iscsi, 40 * GiB)  # thick: 40 GiB of data, about 20 s to copy
        before = set(x.SR.get_VDIs(nfs))
        task = x.Async.VDI.copy(src, nfs)
        wait_until(lambda: float(x.task.get_progress(task)) > 0)
        assert x.VDI.get_current_operations(src) == {task: "copy"}
        x.task.cancel(task)
        wait_until(lambda: x.task.get_status(task) != "pending")
        assert x.task.get_status(task) == "cancelled"
        assert set(x.SR.get_VDIs(nfs)) == before
        assert x.VDI.get_current_operations(src) == {}
        assert_sizes_consistent(x)
