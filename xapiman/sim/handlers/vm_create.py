"""VM.create: the generic constructor, plus what xapi adds to every new VM (its metrics)."""

from __future__ import annotations

from xapiman.sim import lifecycle
from xapiman.sim.call import Call
from xapiman.sim.handlers.implicit import create
from xapiman.sim.handlers.registry import handler
from xapiman.sim.model.values import now


@handler("VM", "create")
def vm_create(call: Call, args: dict) -> str:
    db = call.db
    with db.lock:
        vm = create(call, "VM", args)
        metrics = db.create("VM_metrics", {"install_time": now(), "last_updated": now()})
        db.update(vm, metrics=metrics, power_state="Halted")
        lifecycle.refresh_allowed_operations(db, vm)
    return vm
