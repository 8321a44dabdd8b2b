"""VBD handlers (create, destroy, plug, unplug, insert, eject, set_mode, assert_attachable), the
rules for VBD allowed_operations and the device numbers a VM's disks may use."""

from __future__ import annotations

import re

from xapiman.sim.call import Call
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.implicit import assert_mandatory
from xapiman.sim.handlers.registry import handler
from xapiman.sim.model.spec import MODEL
from xapiman.sim.model.values import NULL_REF
from xapiman.sim.storage import ADVISORY, RULES, marked, refresh_operations, refusals

LISTED = ("attach", "eject", "insert", "plug", "unplug", "unplug_force", "pause", "unpause")
PLUG_OPS = ("plug", "unplug", "unplug_force")
PARALLEL_OPS = ("pause", "unpause")
ATTACHABLE_VDI_TYPES = ("system", "user", "ephemeral", "suspend", "crashdump", "metadata", "rrd",
                        "pvs_cache")
MIGRATE_OPS = ("migrate_send", "pool_migrate")
VM_OPS_BLOCKING_PLUG = ("clean_shutdown", "hard_shutdown", "suspend", "pause")
_DEVICE_NAME = re.compile(r"(?:xvd|hd|sd|vd|fd)([a-z]+)[0-9]*\Z")


# -- device numbers --------------------------------------------------------------------------------


def disk_number(device: str) -> int | None:
    """The disk number a userdevice or device names: "2", "xvdc", "hdc" and "sdc" are all 2."""
    if device.isdigit():
        return int(device)
    m = _DEVICE_NAME.match(device)
    if m is None:
        return None
    number = 0
    for letter in m.group(1):
        number = number * 26 + ord(letter) - ord("a") + 1
    return number - 1


def device_name(number: int) -> str:
    """The guest device of disk `number` (0 -> xvda, 26 -> xvdaa)."""
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return "xvd" + letters


def is_hvm(db: Database, vm: str) -> bool:
    """Whether the VM has (or will have) an emulated device model."""
    rec = db.get(vm, "VM")
    if rec["power_state"] in ("Running", "Paused", "Suspended"):
        metrics = db.find(rec["metrics"], "VM_metrics") or {}
        return metrics.get("current_domain_type", rec["domain_type"]) == "hvm"
    return rec["domain_type"] == "hvm" or (rec["domain_type"] == "unspecified"
                                           and bool(rec["HVM_boot_policy"]))


def used_disk_numbers(db: Database, vm: str) -> set[int]:
    used: set[int] = set()
    for vbd in db.get(vm, "VM")["VBDs"]:
        rec = db.find(vbd, "VBD") or {}
        for name in (rec.get("userdevice", ""), rec.get("device", "")):
            number = disk_number(name)
            if number is not None:
                used.add(number)
    return used


def allowed_vbd_devices(db: Database, vm: str, vbd_type: str = "Disk") -> list[str]:
    """VM.get_allowed_VBD_devices: the free userdevice numbers of the VM, lowest first."""
    rec = db.get(vm, "VM")
    if vbd_type == "Floppy":
        if not is_hvm(db, vm):
            raise Failure("NOT_IMPLEMENTED", "VBD of type 'floppy' is not supported on PV domain")
        candidates = range(2)
    else:
        candidates = range(256 if rec["is_control_domain"] else 255)
    used = used_disk_numbers(db, vm)
    return [str(n) for n in candidates if n not in used]


# -- allowed operations ------------------------------------------------------------------------------


def vbd_operation_errors(db: Database, vbd: str, *,
                         sharing: bool = True) -> dict[str, Failure | None]:
    """The error each VBD operation would meet now, in xapi's order of checks. Without
    `sharing`, the costly check of the disk's other users is left out (as xapi does when it
    only recomputes allowed_operations)."""
    rec = db.get(vbd, "VBD")
    vm_rec = db.get(rec["VM"], "VM")
    table, refuse = refusals(LISTED)
    _refuse_concurrent(vbd, rec, refuse)
    _refuse_media(vbd, rec, refuse)
    _refuse_power(vbd, rec, vm_rec, refuse)
    _refuse_hotplug(db, vbd, rec, vm_rec, refuse)
    _refuse_vdi(db, vbd, rec, vm_rec, refuse, sharing)
    return table


def advisory_vbd_errors(db: Database, vbd: str) -> dict[str, Failure | None]:
    return vbd_operation_errors(db, vbd, sharing=False)


def _refuse_concurrent(vbd: str, rec: dict, refuse) -> None:
    running = sorted(rec["current_operations"].items(), key=lambda item: item[1])

    def busy(task: str, op: str) -> Failure:
        return Failure("OTHER_OPERATION_IN_PROGRESS", "VBD", vbd, op, task)

    if running:
        refuse(busy(*running[0]), *(op for op in LISTED if op not in PARALLEL_OPS))
    for task, op in running:
        if op not in PARALLEL_OPS:
            refuse(busy(task, op), "pause")
        if op not in ("attach", *PARALLEL_OPS):
            refuse(busy(task, op), "unpause")


def _refuse_media(vbd: str, rec: dict, refuse) -> None:
    if not rec["unpluggable"]:
        refuse(Failure("VBD_NOT_UNPLUGGABLE", vbd), "unplug", "unplug_force")
    if rec["type"] != "CD":
        refuse(Failure("VBD_NOT_REMOVABLE_MEDIA", vbd), "insert", "eject")
    if rec["empty"]:
        refuse(Failure("VBD_IS_EMPTY", vbd), "eject")
    else:
        refuse(Failure("VBD_NOT_EMPTY", vbd), "insert")


def _refuse_power(vbd: str, rec: dict, vm_rec: dict, refuse) -> None:
    state = vm_rec["power_state"]
    if state == "Running" and rec["currently_attached"]:
        refuse(Failure("DEVICE_ALREADY_ATTACHED", vbd), "plug")
    elif state == "Running":
        refuse(Failure("DEVICE_ALREADY_DETACHED", vbd), "unplug", "unplug_force")
    else:
        bad = Failure("VM_BAD_POWER_STATE", rec["VM"], "running", state.lower())
        refuse(bad, *PLUG_OPS, *(PARALLEL_OPS if state != "Paused" else ()))
    for running in vm_rec["current_operations"].values():
        if running in VM_OPS_BLOCKING_PLUG:
            refuse(Failure("OPERATION_NOT_ALLOWED",
                           f"Current operation on VM:{rec['VM']} is {running}"), "plug", "unplug")


def _refuse_hotplug(db: Database, vbd: str, rec: dict, vm_rec: dict, refuse) -> None:
    if vm_rec["power_state"] == "Running" and is_hvm(db, rec["VM"]):
        metrics = db.find(vm_rec["guest_metrics"], "VM_guest_metrics")
        hotplug = metrics["can_use_hotplug_vbd"] if metrics else "unspecified"
        if hotplug == "no":
            refuse(Failure("OPERATION_NOT_ALLOWED", "VM states it does not support VBD hotplug."),
                   *PLUG_OPS)
        elif hotplug == "unspecified" and not (metrics and metrics["PV_drivers_detected"]):
            refuse(Failure("VM_MISSING_PV_DRIVERS", rec["VM"]), *PLUG_OPS)
        if rec["type"] == "CD":
            refuse(Failure("OPERATION_NOT_ALLOWED",
                           "HVM CDROMs cannot be hotplugged/unplugged, only inserted or ejected"),
                   *PLUG_OPS)
    if rec["type"] == "CD" and vm_rec["power_state"] == "Suspended":
        refuse(Failure("VM_BAD_POWER_STATE", rec["VM"], "halted, running", "suspended"),
               "insert", "eject")


def _refuse_vdi(db: Database, vbd: str, rec: dict, vm_rec: dict, refuse, sharing: bool) -> None:
    vdi_rec = None if rec["empty"] else db.find(rec["VDI"], "VDI")
    if vdi_rec is None:
        return
    if not vdi_rec["managed"]:
        refuse(Failure("VDI_NOT_MANAGED", vbd), *LISTED)
    for task, running in vdi_rec["current_operations"].items():
        if running not in ("mirror", "copy"):
            refuse(Failure("OTHER_OPERATION_IN_PROGRESS", "VDI", rec["VDI"], running, task),
                   "attach", "plug", "insert")
    if sharing and not rec["currently_attached"]:
        failure = _sharing_error(db, vbd, rec, vm_rec, vdi_rec)
        if failure is not None:
            refuse(failure, "attach", "plug", "insert")


def _sharing_error(db: Database, vbd: str, rec: dict, vm_rec: dict,
                   vdi_rec: dict) -> Failure | None:
    """A disk that is not sharable has at most one writer at a time."""
    active = []
    for other in vdi_rec["VBDs"]:
        other_rec = db.find(other, "VBD")
        other_vm = db.find(other_rec["VM"], "VM") if other_rec else None
        if other == vbd or other_rec is None or other_vm is None:
            continue
        if other_vm["power_state"] == "Suspended" or other_vm["is_control_domain"]:
            continue
        if other_rec["currently_attached"] or other_rec["current_operations"]:
            active.append(other_rec)
    need_write = rec["mode"] == "RW"
    someone_writes = any(r["mode"] == "RW" for r in active)
    if (not vdi_rec["sharable"] and not vm_rec["is_control_domain"]
            and (someone_writes or (need_write and active))):
        return Failure("VDI_IN_USE", rec["VDI"])
    if need_write and vdi_rec["read_only"]:
        return Failure("VDI_READONLY", rec["VDI"])
    return None


RULES["VBD"] = vbd_operation_errors
ADVISORY["VBD"] = advisory_vbd_errors


def refresh_vm_devices(db: Database, vm: str) -> None:
    """Recompute allowed_operations of a VM's VBDs and their VDIs (after a power change)."""
    with db.lock:
        for vbd in db.get(vm, "VM")["VBDs"]:
            refresh_vbd(db, vbd)


def refresh_vbd(db: Database, vbd: str, *extra_vdis: str) -> None:
    rec = db.find(vbd, "VBD")
    if rec is not None:
        refresh_operations(db, vbd)
        extra_vdis = (*extra_vdis, rec["VDI"])
    for vdi in extra_vdis:
        if db.find(vdi, "VDI") is not None:
            refresh_operations(db, vdi)


# -- handlers ---------------------------------------------------------------------------------------


@handler("VBD", "create")
def vbd_create(call: Call, args: dict) -> str:
    assert_mandatory("VBD", args)
    db = call.db
    vm, vdi = args["VM"], args["VDI"]
    db.get(vm, "VM")
    check_new_vbd(db, args)
    with db.lock:
        userdevice = resolve_userdevice(db, vm, args["userdevice"], args["type"])
        fields = MODEL["VBD"].fields
        record = {k: v for k, v in args.items() if fields[k].qualifier != "RO/runtime"}
        record.update(userdevice=userdevice, VDI=NULL_REF if args["empty"] else vdi)
        vbd = db.create("VBD", record)
        refresh_vbd(db, vbd)
        return vbd


def check_new_vbd(db: Database, args: dict) -> None:
    """VBD.create's checks on the record, in xapi's order."""
    empty, vbd_type, vdi = args["empty"], args["type"], args["VDI"]
    if not empty:
        vdi_type = db.get(vdi, "VDI")["type"]
        if vdi_type not in ATTACHABLE_VDI_TYPES:
            raise Failure("VDI_INCOMPATIBLE_TYPE", vdi, vdi_type)
    if vbd_type == "CD" and args["mode"] != "RO":
        raise Failure("VBD_CDS_MUST_BE_READONLY")
    if vbd_type != "CD" and empty:
        raise Failure("VBD_NOT_REMOVABLE_MEDIA", "in constructor")
    if args["mode"] == "RW" and db.get(vdi, "VDI")["read_only"]:
        raise Failure("VDI_READONLY", vdi)
    for task, op in db.get(args["VM"], "VM")["current_operations"].items():
        if op in MIGRATE_OPS:
            raise Failure("OTHER_OPERATION_IN_PROGRESS", "VM", args["VM"], op, task)


def resolve_userdevice(db: Database, vm: str, userdevice: str, vbd_type: str) -> str:
    """"autodetect" becomes the lowest free device; a taken device is refused."""
    possible = allowed_vbd_devices(db, vm, vbd_type)
    if userdevice != "autodetect" and disk_number(userdevice) is None:
        raise Failure("INVALID_DEVICE", userdevice)
    if userdevice == "autodetect":
        if not possible:
            raise Failure("INVALID_DEVICE", userdevice)
        return possible[0]
    if disk_number(userdevice) in used_disk_numbers(db, vm):
        raise Failure("DEVICE_ALREADY_EXISTS", userdevice)
    return userdevice


@handler("VBD", "destroy")
def vbd_destroy(call: Call, vbd: str) -> None:
    db = call.db
    with db.lock:
        rec = db.get(vbd, "VBD")
        if rec["currently_attached"]:
            vm_uuid = db.get(rec["VM"], "VM")["uuid"]
            raise Failure("OPERATION_NOT_ALLOWED",
                          f"VBD '{rec['uuid']}' still attached to '{vm_uuid}'")
        db.destroy(vbd)
        refresh_vbd(db, vbd, rec["VDI"])


@handler("VBD", "plug")
def vbd_plug(call: Call, vbd: str) -> None:
    db = call.db
    db.get(vbd, "VBD")
    with marked(call, (vbd, "plug")):
        rec = db.get(vbd, "VBD")
        if is_hvm(db, rec["VM"]) and rec["type"] != "CD" and rec["mode"] == "RO":
            raise Failure("DISK_VBD_MUST_BE_READWRITE_FOR_HVM", vbd)
        call.sleep(1.0)
        with db.lock:
            number = disk_number(db.get(vbd, "VBD")["userdevice"]) or 0
            db.update(vbd, currently_attached=True, device=device_name(number))
    refresh_vbd(db, vbd)


@handler("VBD", "unplug", "unplug_force")
def vbd_unplug(call: Call, vbd: str) -> None:
    db = call.db
    op = "unplug_force" if call.wire_name.endswith("unplug_force") else "unplug"
    db.get(vbd, "VBD")
    with marked(call, (vbd, op)):
        call.sleep(0.5 if op == "unplug_force" else 1.0)
        db.update(vbd, currently_attached=False, device="")
    refresh_vbd(db, vbd)


@handler("VBD", "insert")
def vbd_insert(call: Call, vbd: str, vdi: str) -> None:
    db = call.db
    db.get(vbd, "VBD")
    with marked(call, (vbd, "insert")):
        with db.lock:
            vdi_rec = db.get(vdi, "VDI")
            if not vdi_rec["managed"]:
                raise Failure("VDI_NOT_MANAGED", vdi)
            content = db.get(vdi_rec["SR"], "SR")["content_type"]
            if content not in ("iso", "udev"):
                raise Failure("VDI_IS_NOT_ISO", vdi, content)
        call.sleep(1.0)
        db.update(vbd, VDI=vdi, empty=False)
    refresh_vbd(db, vbd)


@handler("VBD", "eject")
def vbd_eject(call: Call, vbd: str) -> None:
    db = call.db
    db.get(vbd, "VBD")
    with marked(call, (vbd, "eject")):
        old = db.get(vbd, "VBD")["VDI"]
        call.sleep(1.0)
        db.update(vbd, VDI=NULL_REF, empty=True)
    refresh_vbd(db, vbd, old)


@handler("VBD", "set_mode")
def vbd_set_mode(call: Call, vbd: str, value: str) -> None:
    db = call.db
    with db.lock:
        vm = db.get(vbd, "VBD")["VM"]
        state = db.get(vm, "VM")["power_state"]
        if state != "Halted":
            raise Failure("VM_BAD_POWER_STATE", vm, "halted", state.lower())
        db.update(vbd, mode=value)
        refresh_vbd(db, vbd)


@handler("VBD", "assert_attachable")
def vbd_assert_attachable(call: Call, vbd: str) -> None:
    with call.db.lock:
        call.db.get(vbd, "VBD")
        failure = vbd_operation_errors(call.db, vbd)["attach"]
    if failure is not None:
        raise failure
