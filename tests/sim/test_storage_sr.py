"""SRs and PBDs over real sockets: create for each driver, device_config errors, probe, scan
with events, forget and introduce, destroy, setters, PBD plug/unplug and SR operations."""

from __future__ import annotations

import time

import pytest
import XenAPI

from xapiman.sim.storage import backend
from xapiman.sim.testing import running_pool

GiB = 1024**3
TiB = 1024**4


# -- helpers shared by the storage tests -------------------------------------------------------


def failure_of(call, *args, **kwargs) -> list[str]:
    with pytest.raises(XenAPI.Failure) as info:
        call(*args, **kwargs)
    return info.value.details


def event_from(session, classes, token, timeout=0.0):
    return getattr(session.xenapi.event, "from")(classes, token, timeout)


def sr_of_type(x, sr_type: str) -> str:
    return next(ref for ref, rec in x.SR.get_all_records().items() if rec["type"] == sr_type)


def new_vdi(x, sr: str, size: int = GiB, name: str = "disk", **extra) -> str:
    return x.VDI.create({"SR": sr, "virtual_size": str(size), "type": "user",
                         "sharable": False, "read_only": False, "other_config": {},
                         "name_label": name, **extra})


def assert_sizes_consistent(x) -> None:
    """SR.physical_utilisation and virtual_allocation are the sums over the SR's VDIs."""
    vdis = x.VDI.get_all_records()
    for ref, sr in x.SR.get_all_records().items():
        mine = [v for v in vdis.values() if v["SR"] == ref]
        assert int(sr["physical_utilisation"]) == sum(int(v["physical_utilisation"]) for v in mine)
        assert int(sr["virtual_allocation"]) == sum(int(v["virtual_size"]) for v in mine)


def wait_until(test, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not test():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def unplug_all(x, sr: str) -> None:
    for pbd in x.SR.get_PBDs(sr):
        x.PBD.unplug(pbd)


# -- SR.create ---------------------------------------------------------------------------------


def test_supported_types_are_the_drivers_sr_create_accepts(session):
    types = session.xenapi.SR.get_supported_types()
    assert {"ext", "lvm", "nfs", "lvmoiscsi", "iso"} <= set(types)


def test_create_local_lvm_sr_gets_one_plugged_pbd(session):
    x = session.xenapi
    host = x.host.get_all()[0]
    sr = x.SR.create(host, {"device": "/dev/sdb"}, "0", "Local LVM", "spare disk", "lvm",
                     "user", False, {})
    rec = x.SR.get_record(sr)
    assert (rec["type"], rec["content_type"], rec["shared"]) == ("lvm", "user", False)
    assert int(rec["physical_size"]) == TiB and int(rec["physical_utilisation"]) == 0
    assert [x.PBD.get_host(p) for p in rec["PBDs"]] == [host]
    assert x.PBD.get_currently_attached(rec["PBDs"][0]) is True
    assert x.PBD.get_device_config(rec["PBDs"][0]) == {"device": "/dev/sdb"}
    assert "vdi_create" in rec["allowed_operations"]
    assert "destroy" not in rec["allowed_operations"]  # PBDs are plugged
    assert rec["current_operations"] == {}


def test_create_shared_nfs_sr_plugs_a_pbd_on_every_host(session):
    x = session.xenapi
    host = x.host.get_all()[1]
    sr = x.SR.create(host, {"server": "10.0.0.7", "serverpath": "/export/new"}, "0", "NFS 2", "",
                     "nfs", "user", True, {})
    pbds = [x.PBD.get_record(p) for p in x.SR.get_PBDs(sr)]
    assert sorted(p["host"] for p in pbds) == sorted(x.host.get_all())
    assert all(p["currently_attached"] for p in pbds)
    assert int(x.SR.get_physical_size(sr)) == 4 * TiB


def test_create_refuses_unknown_drivers_and_incomplete_device_configs(session):
    x = session.xenapi
    host = x.host.get_all()[0]

    def create(config, sr_type):
        return failure_of(x.SR.create, host, config, "0", "x", "", sr_type, "user", True, {})

    assert create({}, "floppyfs") == ["SR_UNKNOWN_DRIVER", "floppyfs"]
    assert create({}, "nfs") == ["SR_BACKEND_FAILURE_102", "",
                                 "The request is missing the server parameter", ""]
    assert create({}, "lvm") == ["SR_BACKEND_FAILURE_90", "",
                                 "The request is missing the device parameter", ""]
    assert create({}, "iso") == ["SR_BACKEND_FAILURE_220", "",
                                 "'Location' parameter must be specified in Device Configuration",
                                 ""]
    assert create({}, "lvmoiscsi")[:3] == ["SR_BACKEND_FAILURE_95", "",
                                           "The request is missing the target parameter"]
    assert create({"device": "/dev/sdb", "SRmaster": "true"}, "lvm") == [
        "VALUE_NOT_SUPPORTED", "SRmaster", "true", "This key is for internal use only"]
    assert x.SR.get_by_name_label("x") == []


def test_iso_sr_finds_the_images_of_its_location(session):
    x = session.xenapi
    host = x.host.get_all()[0]
    sr = x.SR.create(host, {"location": "10.0.0.9:/isos"}, "0", "More ISOs", "", "iso", "iso",
                     True, {})
    names = sorted(x.VDI.get_name_label(v) for v in x.SR.get_VDIs(sr))
    assert names == ["alpine-virt-3.20.0-x86_64.iso", "debian-12.5.0-amd64-netinst.iso",
                     "ubuntu-24.04-live-server-amd64.iso"]
    vdi = x.VDI.get_record(x.SR.get_VDIs(sr)[0])
    assert vdi["location"] == vdi["name_label"] and vdi["read_only"] is True
    assert failure_of(x.SR.create, host, {"location": "isos"}, "0", "bad", "", "iso", "iso",
                      True, {})[0] == "SR_BACKEND_FAILURE_225"
    assert_sizes_consistent(x)


def test_make_is_deprecated(session):
    x = session.xenapi
    assert failure_of(x.SR.make, x.host.get_all()[0], {"device": "/dev/sdb"}, "0", "x", "",
                      "lvm", "user", {}) == ["MESSAGE_DEPRECATED"]


# -- SR.probe ----------------------------------------------------------------------------------


def test_probe_nfs_lists_exports_then_the_srs_on_an_export(session):
    x = session.xenapi
    host = x.host.get_all()[0]
    details = failure_of(x.SR.probe, host, {"server": "10.0.0.5"}, "nfs", {})
    assert details[:3] == ["SR_BACKEND_FAILURE_101", "",
                           "The request is missing the serverpath parameter"]
    assert "<Path>/export/vms</Path>" in details[3] and "<nfs-exports>" in details[3]
    nfs = sr_of_type(x, "nfs")
    answer = x.SR.probe(host, {"server": "10.0.0.5", "serverpath": "/export/vms"}, "nfs", {})
    assert answer.startswith('<?xml version="1.0" ?>\n<SRlist>')
    assert f"<UUID>{x.SR.get_uuid(nfs)}</UUID>" in answer
    empty = x.SR.probe(host, {"server": "10.0.0.5", "serverpath": "/export/backup"}, "nfs")
    assert "<UUID>" not in empty


def test_probe_iscsi_walks_target_iqn_and_lun_then_creates_on_the_lun(session):
    x = session.xenapi
    host = x.host.get_all()[0]
    config = {"target": "192.168.7.20"}
    iqns = failure_of(x.SR.probe, host, config, "lvmoiscsi", {})
    assert iqns[0] == "SR_BACKEND_FAILURE_96" and "<iscsi-target-iqns>" in iqns[3]
    iqn = iqns[3].split("<TargetIQN>")[1].split("</TargetIQN>")[0]
    luns = failure_of(x.SR.probe, host, {**config, "targetIQN": iqn}, "lvmoiscsi", {})
    assert luns[:3] == ["SR_BACKEND_FAILURE_107", "",
                        "The SCSIid parameter is missing or incorrect"]
    scsi_id = luns[3].split("<SCSIid>")[1].split("</SCSIid>")[0]
    size = int(luns[3].split("<size>")[1].split("</size>")[0])
    config = {**config, "targetIQN": iqn, "SCSIid": scsi_id}
    assert "<UUID>" not in x.SR.probe(host, config, "lvmoiscsi", {})
    sr = x.SR.create(host, config, "0", "SAN", "", "lvmoiscsi", "user", True, {})
    assert int(x.SR.get_physical_size(sr)) == size
    assert f"<UUID>{x.SR.get_uuid(sr)}</UUID>" in x.SR.probe(host, config, "lvmoiscsi", {})


def test_probe_ext_is_not_supported_by_smapiv1_drivers(session):
    x = session.xenapi
    host = x.host.get_all()[0]
    assert failure_of(x.SR.probe_ext, host, {"server": "10.0.0.5"}, "nfs", {}) == [
        "SR_OPERATION_NOT_SUPPORTED"]
    assert failure_of(x.SR.probe, host, {}, "nope", {}) == ["SR_UNKNOWN_DRIVER", "nope"]


# -- SR.scan -----------------------------------------------------------------------------------


def write_behind(db, sr: str, name: str, size: int, used: int) -> str:
    """Put a disk on the SR's storage without telling xapi (the next scan finds it)."""
    with db.lock:
        uuid = f"00000000-0000-4000-8000-{len(db.all('VDI')):012d}"
        backend(db).hidden.setdefault(db.get(sr, "SR")["uuid"], []).append({
            "uuid": uuid, "name_label": name, "virtual_size": size,
            "physical_utilisation": used, "location": uuid, "type": "user"})
        return uuid


def delete_behind(db, vdi: str) -> None:
    """Remove a disk's data without telling xapi (the next scan drops its VDI)."""
    with db.lock:
        rec = db.get(vdi, "VDI")
        sr_uuid = db.get(rec["SR"], "SR")["uuid"]
        backend(db).vanished.setdefault(sr_uuid, set()).add(rec["location"])


def test_scan_adds_a_disk_written_behind_xapis_back_with_events(pool, session):
    x = session.xenapi
    nfs = sr_of_type(x, "nfs")
    before = x.SR.get_record(nfs)
    token = event_from(session, ["sr", "vdi"], "")["token"]
    uuid = write_behind(pool.db, nfs, "restored.vhd", 30 * GiB, 7 * GiB)
    assert x.SR.get_VDIs(nfs) == before["VDIs"]  # xapi does not know yet
    x.SR.scan(nfs)
    vdi = x.VDI.get_by_uuid(uuid)
    rec = x.VDI.get_record(vdi)
    assert (rec["name_label"], rec["SR"], rec["managed"]) == ("restored.vhd", nfs, True)
    assert int(rec["virtual_size"]) == 30 * GiB and rec["sm_config"] == {"vdi_type": "vhd"}
    after = x.SR.get_record(nfs)
    assert int(after["physical_utilisation"]) == int(before["physical_utilisation"]) + 7 * GiB
    assert int(after["virtual_allocation"]) == int(before["virtual_allocation"]) + 30 * GiB
    events = event_from(session, ["sr", "vdi"], token, 1.0)["events"]
    assert any(e["class"] == "vdi" and e["operation"] == "add" and e["ref"] == vdi
               for e in events)
    assert any(e["class"] == "sr" and e["operation"] == "mod" and e["ref"] == nfs
               and e["snapshot"]["physical_utilisation"] == after["physical_utilisation"]
               for e in events)
    assert_sizes_consistent(x)


def test_scan_drops_a_disk_deleted_behind_xapis_back(pool, session):
    x = session.xenapi
    nfs = sr_of_type(x, "nfs")
    vdi = new_vdi(x, nfs, 5 * GiB)
    delete_behind(pool.db, vdi)
    token = event_from(session, ["vdi"], "")["token"]
    x.SR.scan(nfs)
    assert vdi not in x.SR.get_VDIs(nfs)
    events = event_from(session, ["vdi"], token, 1.0)["events"]
    assert any(e["operation"] == "del" and e["ref"] == vdi for e in events)
    assert_sizes_consistent(x)


def test_scan_needs_a_plugged_pbd(session):
    x = session.xenapi
    host = x.host.get_all()[0]
    sr = x.SR.create(host, {"device": "/dev/sdc"}, "0", "spare", "", "ext", "user", False, {})
    unplug_all(x, sr)
    assert failure_of(x.SR.scan, sr) == ["SR_HAS_NO_PBDS", sr]
    assert failure_of(x.SR.scan, host) == ["HANDLE_INVALID", "SR", host]
    assert failure_of(x.SR.set_name_label, sr, "renamed") == ["SR_HAS_NO_PBDS", sr]


# -- destroy, forget, introduce -------------------------------------------------------------------


def test_destroy_needs_unplugged_pbds_and_no_disks(session):
    x = session.xenapi
    host = x.host.get_all()[0]
    sr = x.SR.create(host, {"server": "10.0.0.8", "serverpath": "/scratch"}, "0", "scratch", "",
                     "nfs", "user", True, {})
    pbds = x.SR.get_PBDs(sr)
    vdi = new_vdi(x, sr)
    assert failure_of(x.SR.destroy, sr) == ["SR_HAS_PBD", sr]
    assert failure_of(x.SR.forget, sr) == ["SR_HAS_PBD", sr]
    unplug_all(x, sr)
    allowed = x.SR.get_allowed_operations(sr)
    assert "forget" in allowed and "destroy" not in allowed
    assert failure_of(x.SR.destroy, sr) == ["SR_NOT_EMPTY"]
    x.PBD.plug(pbds[0])
    x.VDI.destroy(vdi)
    x.PBD.unplug(pbds[0])
    assert "destroy" in x.SR.get_allowed_operations(sr)
    x.SR.destroy(sr)
    assert x.SR.get_by_name_label("scratch") == []
    for pbd in pbds:
        assert failure_of(x.PBD.get_record, pbd) == ["HANDLE_INVALID", "PBD", pbd]
    assert "<UUID>" not in x.SR.probe(host, {"server": "10.0.0.8", "serverpath": "/scratch"},
                                      "nfs", {})


def test_destroy_refuses_without_pbds_and_when_indestructible(session):
    x = session.xenapi
    sr = x.SR.introduce("", "empty", "", "nfs", "user", True, {})
    assert failure_of(x.SR.destroy, sr) == ["SR_HAS_NO_PBDS", sr]
    lvm = x.SR.create(x.host.get_all()[0], {"device": "/dev/sdd"}, "0", "keep", "", "lvm",
                      "user", False, {})
    x.SR.add_to_other_config(lvm, "indestructible", "true")
    unplug_all(x, lvm)
    assert failure_of(x.SR.destroy, lvm) == ["SR_INDESTRUCTIBLE", lvm]


def test_forget_then_introduce_brings_the_disks_back(session):
    x = session.xenapi
    host = x.host.get_all()[0]
    config = {"server": "10.0.0.5", "serverpath": "/export/backup"}
    sr = x.SR.create(host, config, "0", "backups", "nightly", "nfs", "user", True, {})
    vdi = new_vdi(x, sr, 8 * GiB, name="archive")
    sr_uuid, vdi_uuid = x.SR.get_uuid(sr), x.VDI.get_uuid(vdi)
    unplug_all(x, sr)
    x.SR.forget(sr)
    assert failure_of(x.SR.get_record, sr) == ["HANDLE_INVALID", "SR", sr]
    assert failure_of(x.VDI.get_record, vdi) == ["HANDLE_INVALID", "VDI", vdi]
    assert f"<UUID>{sr_uuid}</UUID>" in x.SR.probe(host, config, "nfs", {})

    again = x.SR.introduce(sr_uuid, "backups", "nightly", "nfs", "user", True, {})
    rec = x.SR.get_record(again)
    assert (rec["uuid"], rec["PBDs"], rec["VDIs"]) == (sr_uuid, [], [])
    assert int(rec["physical_size"]) == -1
    assert failure_of(x.SR.introduce, sr_uuid, "twice", "", "nfs", "user", True) == [
        "SR_UUID_EXISTS", sr_uuid]
    for h in x.host.get_all():
        x.PBD.plug(x.PBD.create({"host": h, "SR": again, "device_config": config}))
    back = x.SR.get_record(again)
    assert [x.VDI.get_uuid(v) for v in back["VDIs"]] == [vdi_uuid]
    restored = x.VDI.get_by_uuid(vdi_uuid)
    assert x.VDI.get_name_label(restored) == "archive"
    assert int(back["physical_size"]) == 4 * TiB
    assert_sizes_consistent(x)


def test_introduce_of_storage_that_does_not_exist_fails_at_plug(session):
    x = session.xenapi
    sr = x.SR.introduce("6f1c9a4e-0c55-4d2b-9a51-1d2f1f0b7e10", "ghost", "", "lvm", "user",
                        False, {})
    pbd = x.PBD.create({"host": x.host.get_all()[0], "SR": sr,
                        "device_config": {"device": "/dev/sde"}})
    assert x.PBD.get_currently_attached(pbd) is False
    assert failure_of(x.PBD.plug, pbd) == [
        "SR_BACKEND_FAILURE_47", "",
        "The SR is not available [opterr=no such SR 6f1c9a4e-0c55-4d2b-9a51-1d2f1f0b7e10]", ""]


# -- setters -------------------------------------------------------------------------------------


def test_setters(session):
    x = session.xenapi
    nfs = sr_of_type(x, "nfs")
    x.SR.set_name_label(nfs, "Shared NFS")
    x.SR.set_name_description(nfs, "filer 2")
    assert (x.SR.get_name_label(nfs), x.SR.get_name_description(nfs)) == ("Shared NFS", "filer 2")
    assert failure_of(x.SR.set_shared, nfs, False) == ["SR_HAS_MULTIPLE_PBDS",
                                                       *x.SR.get_PBDs(nfs)]
    local = x.SR.get_by_name_label("Local storage")[0]
    x.SR.set_shared(local, True)
    assert x.SR.get_shared(local) is True
    assert failure_of(x.SR.set_physical_size, nfs, str(GiB)) == ["PERMISSION_DENIED", ""]


# -- PBDs ----------------------------------------------------------------------------------------


def test_pbd_unplug_is_refused_while_a_running_vm_uses_the_sr(session):
    x = session.xenapi
    for pbd, rec in x.PBD.get_all_records().items():
        running = [vm for vm in x.host.get_resident_VMs(rec["host"])
                   if not x.VM.get_is_control_domain(vm)]
        in_use = [x.VBD.get_VDI(vbd) for vm in running for vbd in x.VM.get_VBDs(vm)
                  if x.VBD.get_currently_attached(vbd) and not x.VBD.get_empty(vbd)
                  and x.VDI.get_SR(x.VBD.get_VDI(vbd)) == rec["SR"]]
        if in_use:
            details = failure_of(x.PBD.unplug, pbd)
            assert details[0] == "VDI_IN_USE" and sorted(details[1:]) == sorted(set(in_use))
            assert x.PBD.get_currently_attached(pbd) is True
            return
    pytest.fail("the synthetic pool has no running VM")


def test_pbd_create_destroy_and_sharing_rules(session):
    x = session.xenapi
    first, second = x.host.get_all()[:2]
    sr = x.SR.create(first, {"device": "/dev/sdf"}, "0", "usb", "", "ext", "user", False, {})
    pbd = x.SR.get_PBDs(sr)[0]
    assert failure_of(x.PBD.create, {"host": first, "SR": sr, "device_config": {}}) == [
        "PBD_EXISTS", sr, first, pbd]
    other = x.PBD.create({"host": second, "SR": sr, "device_config": {"device": "/dev/sdf"}})
    assert failure_of(x.PBD.plug, other) == ["SR_NOT_SHARABLE", sr, first]
    assert failure_of(x.PBD.destroy, pbd) == ["OPERATION_NOT_ALLOWED",
                                              "PBD is currently attached"]
    assert failure_of(x.PBD.set_device_config, pbd, {}) == ["PERMISSION_DENIED", ""]
    x.PBD.plug(pbd)  # already plugged: nothing happens
    x.PBD.unplug(pbd)
    x.PBD.unplug(pbd)
    assert failure_of(x.VDI.create, {"SR": sr, "virtual_size": "1", "type": "user",
                                     "sharable": False, "read_only": False,
                                     "other_config": {}}) == ["SR_HAS_NO_PBDS", sr]
    x.PBD.plug(other)
    x.PBD.destroy(pbd)
    assert x.SR.get_PBDs(sr) == [other]


# -- operations in progress ----------------------------------------------------------------------


def test_sr_operations_show_in_current_operations_and_serialise():
    with running_pool(hosts=1, vms=2, speed=2.0) as p:
        s = XenAPI.Session(p.url)
        s.xenapi.login_with_password(p.user, p.password)
        x = s.xenapi
        nfs = sr_of_type(x, "nfs")
        x.SR.scan(nfs)
        idle = x.SR.get_allowed_operations(nfs)
        assert "scan" in idle and "destroy" not in idle
        first = x.Async.SR.scan(nfs)
        wait_until(lambda: list(x.SR.get_current_operations(nfs).items()) == [(first, "scan")])
        assert x.SR.get_allowed_operations(nfs) == []
        second = x.Async.SR.scan(nfs)  # waits for the first, as xapi retries
        wait_until(lambda: x.task.get_status(second) != "pending")
        assert x.task.get_status(first) == "success"
        assert x.task.get_status(second) == "success"
        assert x.SR.get_current_operations(nfs) == {}
        assert sorted(x.SR.get_allowed_operations(nfs)) == sorted(idle)
