"""VM snapshot schedules (VMSS): create with xapi's checks of the schedule, the setters that
check it, destroy, and snapshot_now, which snapshots every VM of the schedule and deletes the
oldest scheduled snapshots beyond the number to keep (what xapi's vmss plugin does)."""

from __future__ import annotations

import time

from xapiman.sim.call import Call
from xapiman.sim.errors import Failure
from xapiman.sim.handlers import vm_copy
from xapiman.sim.handlers.implicit import constructor_values
from xapiman.sim.handlers.message import post_message
from xapiman.sim.handlers.registry import handler
from xapiman.sim.model.values import NULL_REF, now
from xapiman.sim.storage import destroy_vdi

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MINUTES = ("0", "15", "30", "45")
# frequency -> the schedule keys it uses, each with its default
KEYS = {"hourly": (("min", "0"),),
        "daily": (("hour", "0"), ("min", "0")),
        "weekly": (("hour", "0"), ("min", "0"), ("days", "Monday"))}
ALL_KEYS = ("hour", "min", "days")


def _invalid(key: str, value: str) -> Failure:
    return Failure("INVALID_VALUE", f"schedule:{key}" if key else "schedule", value)


def _one_of(value: str, allowed: tuple[str, ...], key: str) -> str:
    found = next((a for a in allowed if a.lower() == value.lower()), None)
    if found is None:
        raise _invalid(key, value)
    return found


def checked_value(key: str, value: str) -> str:
    """A schedule value in xapi's spelling; INVALID_VALUE [schedule:key, value] otherwise."""
    if key == "min":
        return _one_of(value, MINUTES, key)
    if key == "hour":
        if not value.strip().lstrip("-").isdigit() or not 0 <= int(value) <= 23:
            raise _invalid(key, value)
        return value
    if key == "days":
        days: list[str] = []
        for day in value.split(","):
            found = _one_of(day, DAYS, key)
            if found in days:
                raise _invalid(key, value)
            days.append(found)
        return ",".join(days)
    raise _invalid(key, value)


def checked_schedule(frequency: str, schedule: dict[str, str]) -> dict[str, str]:
    """The schedule a frequency keeps: its keys (defaults for those missing), checked; the
    keys it does not use are dropped (xapi's Map_check.assert_all_keys)."""
    out = {}
    for key, default in KEYS[frequency]:
        out[key] = checked_value(key, schedule.get(key, default))
    return out


def assert_retained(value: int) -> None:
    if not 1 <= value <= 10:
        raise Failure("INVALID_VALUE", "retained_snapshots", str(value))


@handler("VMSS", "create")
def vmss_create(call: Call, args: dict) -> str:
    values = constructor_values("VMSS", args)
    frequency = values["frequency"]
    schedule = dict(values.get("schedule", {}))
    for key, value in schedule.items():
        if key not in dict(KEYS[frequency]):
            raise _invalid(key, value)
    values["schedule"] = checked_schedule(frequency, schedule)
    assert_retained(values.get("retained_snapshots", 7))
    return call.db.create("VMSS", values)


@handler("VMSS", "destroy")
def vmss_destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        rec = db.get(self, "VMSS")
        if rec["VMs"]:
            raise Failure("VMSS_HAS_VM")
        db.destroy(self)


def _update(call: Call, self: str, **changes: object) -> None:
    with call.db.lock:
        call.db.get(self, "VMSS")
        call.db.update(self, **changes)


@handler("VMSS", "set_frequency")
def set_frequency(call: Call, self: str, value: str) -> None:
    with call.db.lock:
        schedule = call.db.get(self, "VMSS")["schedule"]
        call.db.update(self, frequency=value, schedule=checked_schedule(value, schedule))


@handler("VMSS", "set_schedule")
def set_schedule(call: Call, self: str, value: dict[str, str]) -> None:
    """The keys given replace those of the schedule (xapi merges, then checks every key)."""
    with call.db.lock:
        merged = {**call.db.get(self, "VMSS")["schedule"], **value}
        _update(call, self, schedule={k: checked_value(k, v) for k, v in merged.items()})


@handler("VMSS", "add_to_schedule")
def add_to_schedule(call: Call, self: str, key: str, value: str) -> None:
    with call.db.lock:
        schedule = call.db.get(self, "VMSS")["schedule"]
        if key not in ALL_KEYS:
            raise _invalid(key, value)
        if key in schedule:
            raise Failure("MAP_DUPLICATE_KEY", "VMSS", "schedule",
                          call.db.get(self, "VMSS")["uuid"], key)
        _update(call, self, schedule={**schedule, key: checked_value(key, value)})


@handler("VMSS", "remove_from_schedule")
def remove_from_schedule(call: Call, self: str, key: str) -> None:
    with call.db.lock:
        schedule = call.db.get(self, "VMSS")["schedule"]
        _update(call, self, schedule={k: v for k, v in schedule.items() if k != key})


@handler("VMSS", "set_retained_snapshots")
def set_retained_snapshots(call: Call, self: str, value: int) -> None:
    assert_retained(value)
    _update(call, self, retained_snapshots=value)


@handler("VMSS", "set_type")
def set_type(call: Call, self: str, value: str) -> None:
    if value == "snapshot_with_quiesce":
        with call.db.lock:
            for vm in call.db.get(self, "VMSS")["VMs"]:
                raise Failure("VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED", vm)
    _update(call, self, type=value)


@handler("VMSS", "set_last_run_time")
def set_last_run_time(call: Call, self: str, value: str) -> None:
    _update(call, self, last_run_time=value)


@handler("VM", "set_snapshot_schedule")
def vm_set_snapshot_schedule(call: Call, self: str, value: str) -> None:
    with call.db.lock:
        call.db.get(self, "VM")
        if value != NULL_REF:
            call.db.get(value, "VMSS")
        call.db.update(self, snapshot_schedule=value)


# -- taking the snapshots -----------------------------------------------------------------------


def _delete_snapshot(db, snap: str) -> None:
    """A scheduled snapshot the schedule no longer keeps, with the disks only it uses."""
    with db.lock:
        rec = db.get(snap, "VM")
        disks = [db.get(vbd, "VBD")["VDI"] for vbd in rec["VBDs"]
                 if db.get(vbd, "VBD")["type"] == "Disk"]
        suspend = rec["suspend_VDI"]
        vm_copy.remove_vm_records(db, snap)
        for vdi in [*disks, suspend]:
            if db.find(vdi, "VDI") is not None and not db.get(vdi, "VDI")["VBDs"]:
                destroy_vdi(db, vdi)


def _take(call: Call, vm: str, kind: str, keep: int) -> str:
    name = f"{call.db.get(vm, 'VM')['name_label']}-{time.strftime('%Y%m%d-%H%M', time.gmtime())}"
    take = vm_copy.checkpoint if kind == "checkpoint" else vm_copy.snapshot
    with call.sub_call(f"VM.{'checkpoint' if kind == 'checkpoint' else 'snapshot'}") as sub:
        snap = take(sub, vm, name)
    db = call.db
    with db.lock:
        db.update(snap, is_vmss_snapshot=True)
        scheduled = sorted((s for s in db.get(vm, "VM")["snapshots"]
                            if db.get(s, "VM")["is_vmss_snapshot"]),
                           key=lambda s: db.get(s, "VM")["snapshot_time"])
    for old in scheduled[: max(0, len(scheduled) - keep)]:
        _delete_snapshot(db, old)
    return snap


@handler("VMSS", "snapshot_now")
def snapshot_now(call: Call, vmss: str) -> str:
    """Snapshot every VM of the schedule now; a VM that fails gets an alert and the others
    go on. Answers the snapshots taken, as a space-separated list of refs."""
    db = call.db
    with db.lock:
        rec = db.get(vmss, "VMSS")
        vms, kind, keep = list(rec["VMs"]), rec["type"], rec["retained_snapshots"]
    taken = []
    for vm in vms:
        try:
            taken.append(_take(call, vm, kind, keep))
        except Failure as failure:
            with db.lock:
                vm_rec = db.find(vm, "VM")
                post_message(db, "VMSS_SNAPSHOT_FAILED", 3, "VMSS", rec["uuid"],
                             f"VM '{vm_rec['name_label'] if vm_rec else vm}': "
                             f"{' '.join(failure.description)}")
    _update(call, vmss, last_run_time=now())
    return " ".join(taken)
