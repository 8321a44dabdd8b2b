"""VM settings with rules: memory limits and ranges, vCPUs, blocked operations, template flag,
shadow memory; and the questions a client asks before acting: operation checks, possible
hosts, boot checks, free device numbers, memory overhead."""

from __future__ import annotations

from xapiman.sim import guest, placement
from xapiman.sim.call import Call
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.registry import handler
from xapiman.sim.handlers.vbd import disk_number
from xapiman.sim.lifecycle import (
    assert_operation_valid,
    gather,
    refresh_allowed_operations,
    vm_operation,
)

VCPU_RULE = "VCPU values must satisfy: 0 < VCPUs_at_startup ≤ VCPUs_max"
LIVE_VCPU_RULE = "VCPU values must satisfy: 0 < VCPUs ≤ VCPUs_max"
VBD_DEVICES = range(255)  # userdevice 0 ... 254 (xapi's allowed_VBD_devices_HVM/PV)
VIF_DEVICES = range(16)



# -- memory -----------------------------------------------------------------------------------


def assert_memory_order(db: Database, vm: str, static_min: int, dynamic_min: int,
                        dynamic_max: int, static_max: int) -> None:
    """xapi's Vm_memory_constraints: the four values in order; control domains and nested
    virtualisation pinned at static_max (MEMORY_CONSTRAINT_VIOLATION_MAXPIN [reason])."""
    facts = gather(db, vm)
    pinned_reason = None
    if facts.rec["is_control_domain"]:
        pinned_reason = "control domain"
    elif facts.metrics and facts.metrics["nested_virt"]:
        pinned_reason = "nested virt"
    if pinned_reason is not None:
        if not (static_min <= dynamic_min == dynamic_max == static_max):
            raise Failure("MEMORY_CONSTRAINT_VIOLATION_MAXPIN", pinned_reason)
    elif not (static_min <= dynamic_min <= dynamic_max <= static_max):
        raise Failure("MEMORY_CONSTRAINT_VIOLATION_ORDER")


def write_memory(db: Database, vm: str, static_min: int, dynamic_min: int, dynamic_max: int,
                 static_max: int) -> None:
    """Check and store the four limits (memory_target follows dynamic_min, as in xapi); a
    running VM's balloon follows dynamic_max."""
    with db.lock:
        assert_memory_order(db, vm, static_min, dynamic_min, dynamic_max, static_max)
        rec = db.update(vm, memory_static_min=static_min, memory_dynamic_min=dynamic_min,
                        memory_target=dynamic_min, memory_dynamic_max=dynamic_max,
                        memory_static_max=static_max)
        db.update(vm, memory_overhead=guest.domain_memory_overhead(rec))
        if rec["power_state"] == "Running":
            db.update(guest.metrics_of(db, vm), memory_actual=dynamic_max)


def memory(db: Database, vm: str) -> tuple[int, int, int, int]:
    rec = db.get(vm, "VM")
    return (rec["memory_static_min"], rec["memory_dynamic_min"], rec["memory_dynamic_max"],
            rec["memory_static_max"])


@handler("VM", "set_memory_limits")
def set_memory_limits(call: Call, self: str, static_min: int, static_max: int,
                      dynamic_min: int, dynamic_max: int) -> None:
    with vm_operation(call, self, "changing_memory_limits"):
        write_memory(call.db, self, static_min, dynamic_min, dynamic_max, static_max)


@handler("VM", "set_memory")
def set_memory(call: Call, self: str, value: int) -> None:
    """All but static_min become `value`."""
    with vm_operation(call, self, "changing_memory_limits"):
        write_memory(call.db, self, memory(call.db, self)[0], value, value, value)


def set_static_range(call: Call, vm: str, low: int | None, high: int | None) -> None:
    with vm_operation(call, vm, "changing_static_range"):
        static_min, dynamic_min, dynamic_max, static_max = memory(call.db, vm)
        write_memory(call.db, vm, static_min if low is None else low, dynamic_min, dynamic_max,
                     static_max if high is None else high)


def set_dynamic_range(call: Call, vm: str, low: int | None, high: int | None) -> None:
    with vm_operation(call, vm, "changing_dynamic_range"):
        static_min, dynamic_min, dynamic_max, static_max = memory(call.db, vm)
        write_memory(call.db, vm, static_min, dynamic_min if low is None else low,
                     dynamic_max if high is None else high, static_max)


@handler("VM", "set_memory_static_range")
def set_memory_static_range(call: Call, self: str, min: int, max: int) -> None:  # noqa: A002
    set_static_range(call, self, min, max)


@handler("VM", "set_memory_static_min")
def set_memory_static_min(call: Call, self: str, value: int) -> None:
    set_static_range(call, self, value, None)


@handler("VM", "set_memory_static_max")
def set_memory_static_max(call: Call, self: str, value: int) -> None:
    set_static_range(call, self, None, value)


@handler("VM", "set_memory_dynamic_range")
def set_memory_dynamic_range(call: Call, self: str, min: int, max: int) -> None:  # noqa: A002
    set_dynamic_range(call, self, min, max)


@handler("VM", "set_memory_dynamic_min")
def set_memory_dynamic_min(call: Call, self: str, value: int) -> None:
    set_dynamic_range(call, self, value, None)


@handler("VM", "set_memory_dynamic_max")
def set_memory_dynamic_max(call: Call, self: str, value: int) -> None:
    set_dynamic_range(call, self, None, value)


@handler("VM", "set_memory_target_live")
def set_memory_target_live(call: Call, self: str, target: int) -> None:  # noqa: ARG001
    """Deprecated; xapi does nothing (use set_memory_dynamic_range)."""
    with vm_operation(call, self, "changing_memory_live"):
        pass


@handler("VM", "wait_memory_target_live")
def wait_memory_target_live(call: Call, self: str) -> None:
    with vm_operation(call, self, "awaiting_memory_live"):
        pass


@handler("VM", "compute_memory_overhead")
def compute_memory_overhead(call: Call, vm: str) -> int:
    return guest.domain_memory_overhead(call.db.get(vm, "VM"))


@handler("VM", "set_HVM_shadow_multiplier")
def set_hvm_shadow_multiplier(call: Call, self: str, value: float) -> None:
    with vm_operation(call, self, "changing_shadow_memory"):
        if value < 1.0:
            text = repr(value)
            raise Failure("INVALID_VALUE", "multiplier", text[:-1] if text.endswith(".0") else text)
        with call.db.lock:
            rec = call.db.update(self, HVM_shadow_multiplier=value)
            call.db.update(self, memory_overhead=guest.domain_memory_overhead(rec))


# -- vCPUs ------------------------------------------------------------------------------------


@handler("VM", "set_VCPUs_max")
def set_vcpus_max(call: Call, self: str, value: int) -> None:
    with vm_operation(call, self, "changing_VCPUs"), call.db.lock:
        rec = call.db.get(self, "VM")
        if value < 1 or value < rec["VCPUs_at_startup"]:
            raise Failure("INVALID_VALUE", VCPU_RULE, value)
        rec = call.db.update(self, VCPUs_max=value)
        call.db.update(self, memory_overhead=guest.domain_memory_overhead(rec))


@handler("VM", "set_VCPUs_at_startup")
def set_vcpus_at_startup(call: Call, self: str, value: int) -> None:
    """No operation check in xapi: only the rule (and never on dom0)."""
    db = call.db
    with db.lock:
        facts = gather(db, self)
        if facts.is_dom0:
            raise Failure("OPERATION_NOT_ALLOWED", "set_VCPUs_at_startup is not allowed on dom0")
        if value < 1 or value > facts.rec["VCPUs_max"]:
            raise Failure("INVALID_VALUE", VCPU_RULE, value)
        db.update(self, VCPUs_at_startup=value)


@handler("VM", "set_VCPUs_number_live")
def set_vcpus_number_live(call: Call, self: str, nvcpu: int) -> None:
    """Hot-plug vCPUs of a running guest (which needs feature-vcpu-hotplug or PV drivers)."""
    db = call.db
    with vm_operation(call, self, "changing_VCPUs_live"), db.lock:
        if nvcpu < 1 or nvcpu > db.get(self, "VM")["VCPUs_max"]:
            raise Failure("INVALID_VALUE", LIVE_VCPU_RULE, nvcpu)
        db.update(self, VCPUs_at_startup=nvcpu)
        db.update(guest.metrics_of(db, self), VCPUs_number=nvcpu,
                  VCPUs_utilisation={str(i): 0.0 for i in range(nvcpu)})


# -- operation checks -------------------------------------------------------------------------


@handler("VM", "assert_operation_valid")
def vm_assert_operation_valid(call: Call, self: str, op: str) -> None:
    assert_operation_valid(call.db, self, op)


@handler("VM", "update_allowed_operations")
def update_allowed_operations(call: Call, self: str) -> None:
    call.db.get(self, "VM")
    refresh_allowed_operations(call.db, self)


def edit_blocked(call: Call, vm: str, change) -> None:
    """Change blocked_operations with `change(current) -> new`; allowed_operations follow."""
    with call.db.lock:
        current = call.db.get(vm, "VM")["blocked_operations"]
        call.db.update(vm, blocked_operations=change(dict(current)))
        refresh_allowed_operations(call.db, vm)


@handler("VM", "set_blocked_operations")
def set_blocked_operations(call: Call, self: str, value: dict[str, str]) -> None:
    edit_blocked(call, self, lambda _current: dict(value))


@handler("VM", "add_to_blocked_operations")
def add_to_blocked_operations(call: Call, self: str, key: str, value: str) -> None:
    rec = call.db.get(self, "VM")
    if key in rec["blocked_operations"]:
        raise Failure("MAP_DUPLICATE_KEY", "VM", "blocked_operations", rec["uuid"], key)
    edit_blocked(call, self, lambda current: {**current, key: value})


@handler("VM", "remove_from_blocked_operations")
def remove_from_blocked_operations(call: Call, self: str, key: str) -> None:
    edit_blocked(call, self, lambda current: {k: v for k, v in current.items() if k != key})


@handler("VM", "set_is_a_template")
def set_is_a_template(call: Call, self: str, value: bool) -> None:
    """Making a template is the make_into_template operation (Halted, not in an appliance...)."""
    if value:
        with vm_operation(call, self, "make_into_template"), call.db.lock:
            call.db.update(self, is_a_template=True)
    else:
        with call.db.lock:
            call.db.update(self, is_a_template=False)
            refresh_allowed_operations(call.db, self)


# -- where a VM can run -----------------------------------------------------------------------


@handler("VM", "get_possible_hosts")
def get_possible_hosts(call: Call, vm: str) -> list[str]:
    call.db.get(vm, "VM")
    return placement.possible_hosts(call.db, vm)


@handler("VM", "assert_can_boot_here")
def assert_can_boot_here(call: Call, self: str, host: str) -> None:
    call.db.get(self, "VM")
    call.db.get(host, "host")
    error = placement.boot_error(call.db, self, host)
    if error is not None:
        raise error


# -- free device numbers ----------------------------------------------------------------------


@handler("VM", "get_allowed_VBD_devices")
def get_allowed_vbd_devices(call: Call, vm: str) -> list[str]:
    db = call.db
    used = set()
    for vbd in db.get(vm, "VM")["VBDs"]:
        rec = db.find(vbd, "VBD")
        if rec is not None:
            used.update(n for n in (disk_number(rec["userdevice"]),
                                    disk_number(rec["device"])) if n is not None)
    return [str(n) for n in VBD_DEVICES if n not in used]


@handler("VM", "get_allowed_VIF_devices")
def get_allowed_vif_devices(call: Call, vm: str) -> list[str]:
    db = call.db
    used = {db.get(vif, "VIF")["device"] for vif in db.get(vm, "VM")["VIFs"]
            if db.find(vif, "VIF") is not None}
    return [str(n) for n in VIF_DEVICES if str(n) not in used]
