"""vApps (VM_appliance): which of start / clean_shutdown / hard_shutdown / shutdown make sense
now, as xapi's Xapi_vm_appliance_lifecycle decides from its VMs' power states."""

from __future__ import annotations

from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.model.values import NULL_REF

OPERATIONS = ("start", "clean_shutdown", "hard_shutdown", "shutdown")
# operation -> (a VM power state the operation makes sense for, the reason when none has it)
_WANTED = {
    "start": (lambda s: s == "Halted", "There are no halted VMs in this appliance."),
    "clean_shutdown": (lambda s: s == "Running", "There are no running VMs in this appliance."),
    "hard_shutdown": (lambda s: s != "Halted", "All VMs in this appliance are halted."),
    "shutdown": (lambda s: s != "Halted", "All VMs in this appliance are halted."),
}


def operation_errors(db: Database, ref: str) -> dict[str, Failure | None]:
    """Each appliance operation -> the error it meets now (None: allowed)."""
    rec = db.get(ref, "VM_appliance")
    current = rec["current_operations"]
    if current:
        task, running = next(iter(current.items()))
        busy = Failure("OTHER_OPERATION_IN_PROGRESS", "VM_appliance", ref, running, task)
        return dict.fromkeys(OPERATIONS, busy)
    states = [vm["power_state"] for vm in (db.find(v, "VM") for v in rec["VMs"]) if vm]
    if not states:
        return dict.fromkeys(OPERATIONS, Failure("OPERATION_NOT_ALLOWED", "Appliance has no VMs."))
    errors: dict[str, Failure | None] = {}
    for op, (wanted, reason) in _WANTED.items():
        errors[op] = None if any(wanted(s) for s in states) else \
            Failure("OPERATION_NOT_ALLOWED", reason)
    return errors


def refresh(db: Database, ref: str) -> None:
    """Recompute the appliance's allowed_operations (written only when they changed)."""
    with db.lock:
        rec = db.find(ref, "VM_appliance")
        if rec is None:
            return
        allowed = [op for op, error in operation_errors(db, ref).items() if error is None]
        if allowed != rec["allowed_operations"]:
            db.update(ref, allowed_operations=allowed)


def refresh_of_vm(db: Database, vm_record: dict) -> None:
    """After a change to one of its VMs."""
    if vm_record["appliance"] != NULL_REF:
        refresh(db, vm_record["appliance"])
