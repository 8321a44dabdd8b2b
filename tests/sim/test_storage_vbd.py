"""VBDs over real sockets: create (autodetect, checks), destroy, hotplug and unplug, CD insert
and eject on running and halted VMs, set_mode, allowed_operations and events."""

from __future__ import annotations

from tests.sim.test_storage_sr import event_from, failure_of, new_vdi, sr_of_type
from xapiman.sim.model.values import NULL_REF

GiB = 1024**3


def user_vms(x, state: str) -> list[tuple[str, dict]]:
    return [(ref, rec) for ref, rec in x.VM.get_all_records().items()
            if rec["power_state"] == state and not rec["is_a_template"]
            and not rec["is_a_snapshot"] and not rec["is_control_domain"]]


def running_vm(x, *, tools: bool) -> str:
    for ref, rec in user_vms(x, "Running"):
        if (rec["guest_metrics"] != NULL_REF) == tools:
            return ref
    raise AssertionError(f"no running VM with tools={tools}")


def halted_vm(x) -> str:
    return user_vms(x, "Halted")[0][0]


def cd_drive(x, vm: str) -> str:
    return next(v for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "CD")


def an_iso(x) -> str:
    iso_sr = x.SR.get_by_name_label("ISO library")[0]
    return x.SR.get_VDIs(iso_sr)[0]


def disk_vbd(x, vm: str, vdi: str, userdevice: str = "autodetect", **extra) -> str:
    return x.VBD.create({"VM": vm, "VDI": vdi, "userdevice": userdevice, "bootable": False,
                         "mode": "RW", "type": "Disk", "empty": False, "other_config": {},
                         "qos_algorithm_type": "", "qos_algorithm_params": {}, **extra})


def empty_cd(x, vm: str, userdevice: str = "autodetect", mode: str = "RO") -> str:
    return x.VBD.create({"VM": vm, "VDI": NULL_REF, "userdevice": userdevice, "bootable": False,
                         "mode": mode, "type": "CD", "empty": True, "other_config": {},
                         "qos_algorithm_type": "", "qos_algorithm_params": {}})


# -- create and destroy ----------------------------------------------------------------------------


def test_create_autodetects_the_lowest_free_device(session):
    x = session.xenapi
    vm = halted_vm(x)
    used = {x.VBD.get_userdevice(v) for v in x.VM.get_VBDs(vm)}
    assert used == {"0", "3"}
    first = disk_vbd(x, vm, new_vdi(x, sr_of_type(x, "nfs")))
    second = disk_vbd(x, vm, new_vdi(x, sr_of_type(x, "nfs")))
    assert (x.VBD.get_userdevice(first), x.VBD.get_userdevice(second)) == ("1", "2")
    rec = x.VBD.get_record(first)
    assert (rec["currently_attached"], rec["device"], rec["empty"]) == (False, "", False)
    assert rec["allowed_operations"] == ["attach"]
    assert first in x.VM.get_VBDs(vm) and first in x.VDI.get_VBDs(rec["VDI"])


def test_create_refusals(session):
    x = session.xenapi
    vm = halted_vm(x)
    vdi = new_vdi(x, sr_of_type(x, "nfs"))
    assert failure_of(empty_cd, x, vm, mode="RW") == ["VBD_CDS_MUST_BE_READONLY"]
    assert failure_of(disk_vbd, x, vm, NULL_REF, empty=True) == [
        "VBD_NOT_REMOVABLE_MEDIA", "in constructor"]
    assert failure_of(disk_vbd, x, vm, vdi, "0") == ["DEVICE_ALREADY_EXISTS", "0"]
    assert failure_of(disk_vbd, x, vm, vdi, "xvda") == ["DEVICE_ALREADY_EXISTS", "xvda"]
    assert failure_of(disk_vbd, x, vm, vdi, "bogus") == ["INVALID_DEVICE", "bogus"]
    assert failure_of(disk_vbd, x, vm, an_iso(x)) == ["VDI_READONLY", an_iso(x)]
    assert failure_of(disk_vbd, x, NULL_REF, vdi) == ["HANDLE_INVALID", "VM", NULL_REF]
    assert failure_of(x.VBD.create, {"VM": vm})[0] == "INTERNAL_ERROR"
    assert failure_of(x.VBD.plug, vm) == ["HANDLE_INVALID", "VBD", vm]


def test_destroy_refuses_an_attached_vbd(session):
    x = session.xenapi
    vm = running_vm(x, tools=True)
    vbd = next(v for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "Disk")
    assert failure_of(x.VBD.destroy, vbd) == [
        "OPERATION_NOT_ALLOWED",
        f"VBD '{x.VBD.get_uuid(vbd)}' still attached to '{x.VM.get_uuid(vm)}'"]
    spare = disk_vbd(x, vm, new_vdi(x, sr_of_type(x, "nfs")))
    x.VBD.destroy(spare)
    assert spare not in x.VM.get_VBDs(vm)


# -- plug and unplug --------------------------------------------------------------------------------


def test_hotplug_and_unplug_a_disk_on_a_running_vm(session):
    x = session.xenapi
    vm = running_vm(x, tools=True)
    vdi = new_vdi(x, sr_of_type(x, "nfs"))
    vbd = disk_vbd(x, vm, vdi)
    assert "plug" in x.VBD.get_allowed_operations(vbd)
    assert "destroy" in x.VDI.get_allowed_operations(vdi)
    token = event_from(session, ["vbd"], "")["token"]
    x.VBD.plug(vbd)
    rec = x.VBD.get_record(vbd)
    assert rec["currently_attached"] is True and rec["device"] == "xvdb"
    assert "unplug" in rec["allowed_operations"] and "plug" not in rec["allowed_operations"]
    assert "destroy" not in x.VDI.get_allowed_operations(vdi)
    events = event_from(session, ["vbd"], token, 1.0)["events"]
    assert any(e["ref"] == vbd and e["snapshot"]["currently_attached"] for e in events)
    assert failure_of(x.VBD.plug, vbd) == ["DEVICE_ALREADY_ATTACHED", vbd]
    assert failure_of(x.VDI.destroy, vdi) == ["VDI_IN_USE", vdi, "destroy"]
    x.VBD.unplug(vbd)
    assert x.VBD.get_currently_attached(vbd) is False
    assert failure_of(x.VBD.unplug, vbd) == ["DEVICE_ALREADY_DETACHED", vbd]
    x.VBD.plug(vbd)
    x.VBD.unplug_force(vbd)
    assert x.VBD.get_record(vbd)["currently_attached"] is False


def test_plug_rules(session):
    x = session.xenapi
    halted = halted_vm(x)
    vbd = disk_vbd(x, halted, new_vdi(x, sr_of_type(x, "nfs")))
    assert failure_of(x.VBD.plug, vbd) == ["VM_BAD_POWER_STATE", halted, "running", "halted"]
    no_tools = running_vm(x, tools=False)
    bare = disk_vbd(x, no_tools, new_vdi(x, sr_of_type(x, "nfs")))
    assert failure_of(x.VBD.plug, bare) == ["VM_MISSING_PV_DRIVERS", no_tools]
    vm = running_vm(x, tools=True)
    system_disk = next(v for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "Disk")
    assert failure_of(x.VBD.unplug, system_disk) == ["VBD_NOT_UNPLUGGABLE", system_disk]
    assert failure_of(x.VBD.unplug, cd_drive(x, vm)) == [
        "OPERATION_NOT_ALLOWED",
        "HVM CDROMs cannot be hotplugged/unplugged, only inserted or ejected"]
    x.VBD.assert_attachable(vbd)  # a halted VM can attach it at start


def test_a_disk_has_one_writer(session):
    x = session.xenapi
    vm = running_vm(x, tools=True)
    used = next(x.VBD.get_VDI(v) for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "Disk")
    other = halted_vm(x)
    vbd = disk_vbd(x, other, used)
    assert failure_of(x.VBD.assert_attachable, vbd) == ["VDI_IN_USE", used]
    # as in xapi, allowed_operations leave the costly sharing check out
    assert "attach" in x.VBD.get_allowed_operations(vbd)


# -- CD drives ---------------------------------------------------------------------------------------


def test_insert_and_eject_on_a_running_vm(session):
    x = session.xenapi
    vm = running_vm(x, tools=True)
    cd = cd_drive(x, vm)
    if not x.VBD.get_empty(cd):
        x.VBD.eject(cd)
    iso = an_iso(x)
    assert "insert" in x.VBD.get_allowed_operations(cd)
    assert failure_of(x.VBD.eject, cd) == ["VBD_IS_EMPTY", cd]
    x.VBD.insert(cd, iso)
    rec = x.VBD.get_record(cd)
    assert (rec["VDI"], rec["empty"], rec["currently_attached"]) == (iso, False, True)
    assert cd in x.VDI.get_VBDs(iso)
    assert "eject" in rec["allowed_operations"] and "insert" not in rec["allowed_operations"]
    assert failure_of(x.VBD.insert, cd, iso) == ["VBD_NOT_EMPTY", cd]
    x.VBD.eject(cd)
    rec = x.VBD.get_record(cd)
    assert (rec["VDI"], rec["empty"]) == (NULL_REF, True)
    assert cd not in x.VDI.get_VBDs(iso)


def test_insert_and_eject_on_a_halted_vm_and_refusals(session):
    x = session.xenapi
    vm = halted_vm(x)
    cd = cd_drive(x, vm)
    if not x.VBD.get_empty(cd):
        x.VBD.eject(cd)
    disk = next(v for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "Disk")
    iso = an_iso(x)
    assert failure_of(x.VBD.insert, disk, iso) == ["VBD_NOT_REMOVABLE_MEDIA", disk]
    assert failure_of(x.VBD.eject, disk) == ["VBD_NOT_REMOVABLE_MEDIA", disk]
    plain = new_vdi(x, sr_of_type(x, "nfs"))
    assert failure_of(x.VBD.insert, cd, plain) == ["VDI_IS_NOT_ISO", plain, "user"]
    x.VBD.insert(cd, iso)
    assert x.VBD.get_VDI(cd) == iso
    x.VBD.eject(cd)
    added = empty_cd(x, vm)
    assert x.VBD.get_userdevice(added) == "1"
    assert x.VBD.get_empty(added) is True


def test_insert_on_a_suspended_vm_is_refused(session):
    x = session.xenapi
    vm = user_vms(x, "Suspended")[0][0]
    cd = cd_drive(x, vm)
    call = x.VBD.eject if not x.VBD.get_empty(cd) else (lambda v: x.VBD.insert(v, an_iso(x)))
    assert failure_of(call, cd) == ["VM_BAD_POWER_STATE", vm, "halted, running", "suspended"]


def test_forgetting_an_inserted_iso_empties_the_drive(session):
    x = session.xenapi
    vm = halted_vm(x)
    cd = cd_drive(x, vm)
    if not x.VBD.get_empty(cd):
        x.VBD.eject(cd)
    iso = new_vdi(x, x.SR.get_by_name_label("ISO library")[0], 1024**2, name="seed.iso")
    x.VBD.insert(cd, iso)
    x.VDI.forget(iso)
    assert (x.VBD.get_VDI(cd), x.VBD.get_empty(cd)) == (NULL_REF, True)


# -- fields ------------------------------------------------------------------------------------------


def test_set_mode_needs_a_halted_vm(session):
    x = session.xenapi
    vm = running_vm(x, tools=True)
    vbd = next(v for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "Disk")
    assert failure_of(x.VBD.set_mode, vbd, "RO") == ["VM_BAD_POWER_STATE", vm, "halted",
                                                     "running"]
    halted = halted_vm(x)
    disk = next(v for v in x.VM.get_VBDs(halted) if x.VBD.get_type(v) == "Disk")
    x.VBD.set_mode(disk, "RO")
    assert x.VBD.get_mode(disk) == "RO"
    x.VBD.set_userdevice(disk, "5")
    assert x.VBD.get_userdevice(disk) == "5"
