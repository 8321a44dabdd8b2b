"""vApps (VM_appliance): create, destroy, start and the shutdowns, which run the VM operation
on every VM not yet in the wanted state, a group of VMs of the same `order` at a time
(ascending to start, descending to shut down), as xapi's Xapi_vm_appliance does."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from xapiman.sim import appliance
from xapiman.sim.call import Call
from xapiman.sim.errors import Failure
from xapiman.sim.handlers import vm_power
from xapiman.sim.handlers.implicit import constructor_values
from xapiman.sim.handlers.registry import handler
from xapiman.sim.model.values import NULL_REF
from xapiman.sim.operations import running_operation

log = logging.getLogger("xapiman.sim")

VMOperation = Callable[[Call, str], None]


@handler("VM_appliance", "create")
def appliance_create(call: Call, args: dict) -> str:
    db = call.db
    with db.lock:
        ref = db.create("VM_appliance", constructor_values("VM_appliance", args))
        appliance.refresh(db, ref)
    return ref


@handler("VM_appliance", "destroy")
def appliance_destroy(call: Call, self: str) -> None:
    """The vApp goes; its VMs stay, in no vApp."""
    db = call.db
    with db.lock:
        for vm in db.get(self, "VM_appliance")["VMs"]:
            db.update(vm, appliance=NULL_REF)
        db.destroy(self)


@handler("VM", "set_appliance")
def vm_set_appliance(call: Call, self: str, value: str) -> None:
    db = call.db
    with db.lock:
        old = db.get(self, "VM")["appliance"]
        if value != NULL_REF:
            db.get(value, "VM_appliance")
        db.update(self, appliance=value)
        for ref in (old, value):
            if ref != NULL_REF:
                appliance.refresh(db, ref)


def _groups(db, vms: list[str], ascending: bool) -> list[list[str]]:
    by_order: dict[int, list[str]] = {}
    for vm in vms:
        by_order.setdefault(db.get(vm, "VM")["order"], []).append(vm)
    return [by_order[k] for k in sorted(by_order, reverse=not ascending)]


def _run_group(call: Call, name: str, operation: VMOperation, vms: list[str]) -> None:
    """The VM operation on each VM of a group at once; failures show in the power states."""

    def one(vm: str) -> None:
        with call.sub_call(f"VM.{name}") as sub:
            try:
                operation(sub, vm)
            except Failure as failure:
                log.info("%s of %s in a vApp: %s", name, vm, failure)
            except Exception:
                log.exception("%s of %s in a vApp", name, vm)

    threads = [threading.Thread(target=one, args=(vm,), name=f"vApp {name}") for vm in vms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def perform(call: Call, ref: str, op: str, operation: VMOperation, wanted: str,
            ascending: bool) -> None:
    """Run `op` over the vApp's VMs; OPERATION_PARTIALLY_FAILED [op, VMs...] for the VMs
    that did not reach `wanted`."""
    db = call.db
    with running_operation(call, ref, op, appliance.operation_errors) as task:
        with db.lock:
            targets = [vm for vm in db.get(ref, "VM_appliance")["VMs"]
                       if db.get(vm, "VM")["power_state"] != wanted]
            groups = _groups(db, targets, ascending)
        for group in groups:
            call.sim.tasks.check_cancel(task)
            _run_group(call, op, operation, group)
        with db.lock:
            failed = [vm for vm in targets
                      if db.find(vm, "VM") is not None and db.get(vm, "VM")["power_state"] != wanted]
    if failed:
        raise Failure("OPERATION_PARTIALLY_FAILED", f"VM_appliance.{op}", *failed)


@handler("VM_appliance", "start")
def appliance_start(call: Call, self: str, paused: bool) -> None:
    perform(call, self, "start",
            lambda sub, vm: vm_power.start(sub, vm, paused, False),
            "Paused" if paused else "Running", ascending=True)


@handler("VM_appliance", "clean_shutdown")
def appliance_clean_shutdown(call: Call, self: str) -> None:
    perform(call, self, "clean_shutdown", vm_power.clean_shutdown, "Halted", ascending=False)


@handler("VM_appliance", "hard_shutdown")
def appliance_hard_shutdown(call: Call, self: str) -> None:
    perform(call, self, "hard_shutdown", vm_power.hard_shutdown, "Halted", ascending=False)


@handler("VM_appliance", "shutdown")
def appliance_shutdown(call: Call, self: str) -> None:
    perform(call, self, "shutdown", vm_power.shutdown, "Halted", ascending=False)
