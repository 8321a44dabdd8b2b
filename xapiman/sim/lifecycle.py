"""xapi's VM operation checks (xapi_vm_lifecycle.ml): allowed power states, concurrency,
template and snapshot rules, guest features, allowed_operations, and `vm_operation`, which marks
an operation in current_operations while it runs."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xapiman.sim import appliance
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.model.spec import ENUMS
from xapiman.sim.model.values import NULL_REF

if TYPE_CHECKING:
    from xapiman.sim.call import Call

ALL_STATES = ("Halted", "Paused", "Suspended", "Running")
LIVE_STATES = ("Running", "Paused")

_HALTED = ("Halted",)
_RUNNING = ("Running",)
# Power states per operation, in xapi's order (the order of VM_BAD_POWER_STATE's "expected").
# Operations not listed are allowed in every state; control domains and snapshots change a
# few (see allowed_power_states).
_STATES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("changing_shadow_memory", "changing_NVRAM", "make_into_template",
                     "provision", "start", "start_on", "create_vtpm", "changing_VCPUs",
                     "changing_static_range", "changing_memory_limits", "clone", "copy"),
                    _HALTED),
    "unpause": ("Paused",),
    **dict.fromkeys(("csvm", "resume", "resume_on"), ("Suspended",)),
    **dict.fromkeys(("awaiting_memory_live", "call_plugin", "clean_reboot", "clean_shutdown",
                     "changing_memory_live", "changing_shadow_memory_live",
                     "changing_VCPUs_live", "data_source_op", "pause", "pool_migrate",
                     "send_sysrq", "send_trigger", "snapshot_with_quiesce", "sysprep",
                     "suspend"), _RUNNING),
    "changing_dynamic_range": ("Halted", "Running"),
    **dict.fromkeys(("create_template", "destroy", "export"), ("Halted", "Suspended")),
    "hard_reboot": ("Paused", "Running"),
    **dict.fromkeys(("checkpoint", "get_boot_record", "shutdown", "hard_shutdown"),
                    ("Paused", "Suspended", "Running")),
    "migrate_send": ("Halted", "Suspended", "Running"),
    "import": (),
}
_CONTROL_DOMAIN_LIVE_CHANGES = ("changing_VCPUs", "changing_static_range",
                                "changing_memory_limits")

# Operations a template allows (destroy and migrate_send too unless it is a default template).
_TEMPLATE_OPS = frozenset({"changing_dynamic_range", "changing_static_range",
                           "changing_memory_limits", "changing_shadow_memory", "changing_VCPUs",
                           "changing_NVRAM", "clone", "copy", "export", "metadata_export",
                           "provision"})
_SNAPSHOT_OPS = frozenset({"revert", "clone", "copy", "export", "destroy", "hard_shutdown",
                           "metadata_export"})
# What a control domain still allows (and dom0 not even changing_VCPUs nor destroy).
_CONTROL_DOMAIN_OPS = frozenset({"data_source_op", "changing_memory_live",
                                 "awaiting_memory_live", "metadata_export",
                                 "changing_dynamic_range", "changing_memory_limits",
                                 "changing_static_range", "start", "start_on", "changing_VCPUs",
                                 "destroy"})
# Operations that need the VM to be able to suspend (when it is live).
_SUSPEND_LIKE = frozenset({"suspend", "checkpoint", "pool_migrate", "migrate_send"})

# Operations that may overlap: groups whose members run together, and (running, new) pairs.
_OVERLAPPING_GROUPS = (frozenset({"clone", "copy", "export"}),
                       frozenset({"snapshot", "checkpoint"}),
                       frozenset({"get_boot_record"}))
_OVERLAPPING_PAIRS = {("snapshot_with_quiesce", "snapshot"), ("migrate_send", "metadata_export"),
                      ("migrate_send", "clean_shutdown"), ("migrate_send", "clean_reboot")}

# Operations left out of allowed_operations (xapi's ignored_ops).
IGNORED_OPS = frozenset({"create_template", "power_state_reset", "csvm", "get_boot_record",
                         "send_sysrq", "send_trigger", "query_services", "shutdown",
                         "call_plugin", "changing_memory_live", "awaiting_memory_live",
                         "changing_memory_limits", "changing_shadow_memory_live",
                         "changing_VCPUs", "assert_operation_valid", "data_source_op",
                         "update_allowed_operations", "import", "reverting"})
# xapi folds over the enum and conses each allowed op, so its list comes out reversed.
ALLOWABLE_OPS = tuple(op for op in reversed(ENUMS["vm_operations"]) if op not in IGNORED_OPS)


def is_true(value: str | None) -> bool:
    return value is not None and (value == "1" or value.lower() == "true")


def allowed_power_states(rec: dict, op: str, clone_suspended: bool = False) -> tuple[str, ...]:
    """The power states in which `op` may run on the VM `rec` (xapi's order)."""
    if op in _CONTROL_DOMAIN_LIVE_CHANGES and rec["is_control_domain"]:
        return ("Halted", "Running")
    if op in ("clone", "copy") and (rec["is_a_snapshot"] or clone_suspended):
        return ("Halted", "Suspended")
    return _STATES.get(op, ALL_STATES)


def is_allowed_concurrently(op: str, current: list[str]) -> bool:
    """Whether `op` may start while the operations `current` run."""
    for group in _OVERLAPPING_GROUPS:
        if op in group and all(c in group for c in current):
            return True
    if op == "hard_shutdown":
        return "hard_shutdown" not in current
    if op == "hard_reboot":
        return not any(c in ("hard_shutdown", "hard_reboot") for c in current)
    return len(current) == 1 and (current[0], op) in _OVERLAPPING_PAIRS


# -- what the checks look at ------------------------------------------------------------------


@dataclass
class VMFacts:
    """Everything the checks of one VM read, gathered once (as xapi's check_operation_error)."""

    ref: str
    rec: dict
    metrics: dict | None
    guest: dict | None
    is_dom0: bool
    clone_suspended: bool
    has_reset_disks: bool
    cooperative: bool  # not live, or a PV guest, or tools: the guest cooperates implicitly

    @property
    def power_state(self) -> str:
        return self.rec["power_state"]

    @property
    def is_live(self) -> bool:
        return self.rec["power_state"] in LIVE_STATES


def gather(db: Database, vm: str, rec: dict | None = None) -> VMFacts:
    """The facts about `vm` (`rec` replaces its record, e.g. with other current operations)."""
    rec = rec if rec is not None else db.get(vm, "VM")
    pool = next(iter(db.all("pool").values()), None)
    clone_suspended = bool(pool) and pool["other_config"].get("allow_clone_suspended_vm") == "true"
    metrics = db.find(rec["metrics"], "VM_metrics")
    guest = db.find(rec["guest_metrics"], "VM_guest_metrics")
    cooperative = (rec["power_state"] not in LIVE_STATES or _definitely_pv(metrics)
                   or has_pv_drivers(guest))
    return VMFacts(
        ref=vm, rec=rec, metrics=metrics, guest=guest,
        is_dom0=rec["is_control_domain"] and rec["domid"] == 0,
        clone_suspended=clone_suspended, has_reset_disks=_has_reset_disks(db, rec),
        cooperative=cooperative)


def _has_reset_disks(db: Database, rec: dict) -> bool:
    for vbd in rec["VBDs"]:
        vbd_rec = db.find(vbd, "VBD")
        vdi_rec = db.find(vbd_rec["VDI"], "VDI") if vbd_rec else None
        if vdi_rec and vdi_rec["sm_config"].get("on_boot") == "reset":
            return True
    return False


def has_pv_drivers(guest: dict | None) -> bool:
    """Whether guest tools report a driver version (xapi's Xapi_pv_driver_version)."""
    if guest is None:
        return False
    version = guest["PV_drivers_version"]
    return all(version.get(k, "").lstrip("-").isdigit() for k in ("major", "minor"))


def _definitely_pv(metrics: dict | None) -> bool:
    return metrics is not None and metrics["current_domain_type"] in ("pv", "pv_in_pvh", "pvh")


def _lacks(facts: VMFacts, feature: str) -> bool:
    return facts.guest is None or facts.guest["other"].get(feature) != "1"


def _platform_flag(facts: VMFacts, field: str, key: str) -> bool:
    if facts.metrics is not None:
        return bool(facts.metrics[field])
    return is_true(facts.rec["platform"].get(key))


# -- the checks, in xapi's order --------------------------------------------------------------


def _power_state_error(facts: VMFacts, op: str) -> Failure | None:
    allowed = allowed_power_states(facts.rec, op, facts.clone_suspended)
    if facts.power_state in allowed:
        return None
    expected = ", ".join(s.lower() for s in allowed)
    return Failure("VM_BAD_POWER_STATE", facts.ref, expected, facts.power_state.lower())


def _concurrency_error(facts: VMFacts, op: str) -> Failure | None:
    current = facts.rec["current_operations"]
    if not current or is_allowed_concurrently(op, list(current.values())):
        return None
    if len(current) == 1:
        task, running = next(iter(current.items()))
        return Failure("OTHER_OPERATION_IN_PROGRESS", "VM", facts.ref, running, task)
    return Failure("OTHER_OPERATION_IN_PROGRESS", "VM", facts.ref,
                   "{" + ",".join(current.values()) + "}", "{" + ",".join(current) + "}")


def _kind_error(facts: VMFacts, op: str) -> Failure | None:
    """Templates, snapshots, provision and revert."""
    rec = facts.rec
    if rec["is_a_template"] and not rec["is_a_snapshot"]:
        default = rec["is_default_template"] or is_true(rec["other_config"].get("default_template"))
        if op not in _TEMPLATE_OPS and not (op in ("destroy", "migrate_send") and not default):
            return Failure("VM_IS_TEMPLATE", facts.ref, op)
    if rec["is_a_snapshot"] and op not in _SNAPSHOT_OPS:
        return Failure("VM_IS_SNAPSHOT", facts.ref, op)
    if op == "provision" and not rec["is_a_template"]:
        return Failure("PROVISION_ONLY_ALLOWED_ON_TEMPLATE")
    if op == "revert" and not rec["is_a_snapshot"]:
        return Failure("REVERT_ONLY_ALLOWED_ON_SNAPSHOT")
    return None


def _mobility_error(facts: VMFacts, op: str, strict: bool) -> Failure | None:
    if not strict:
        return None
    if op in _SUSPEND_LIKE and (_platform_flag(facts, "nomigrate", "nomigrate")
                                or _platform_flag(facts, "nested_virt", "nested-virt")):
        return Failure("VM_IS_IMMOBILE", facts.ref)
    if op == "changing_dynamic_range" and _platform_flag(facts, "nested_virt", "nested-virt"):
        return Failure("VM_IS_USING_NESTED_VIRT", facts.ref)
    return None


def _control_domain_error(facts: VMFacts, op: str) -> Failure | None:
    if facts.is_dom0 and op in ("changing_VCPUs", "destroy"):
        return Failure("OPERATION_NOT_ALLOWED", "This operation is not allowed on dom0")
    if facts.rec["is_control_domain"] and op not in _CONTROL_DOMAIN_OPS:
        return Failure("OPERATION_NOT_ALLOWED", "This operation is not allowed on a control domain")
    return None


def feature_error(facts: VMFacts, op: str, strict: bool) -> Failure | None:
    """What a guest must support: PV guests and guests with tools cooperate implicitly."""
    implicit = facts.cooperative
    if op in _SUSPEND_LIKE and facts.is_live:
        reason = facts.guest["other"].get("data-cant-suspend-reason") if facts.guest else None
        if reason is not None:
            return Failure("VM_NON_SUSPENDABLE", facts.ref, reason)
        if not implicit and strict and _lacks(facts, "feature-suspend"):
            return Failure("VM_LACKS_FEATURE", facts.ref)
        return None
    if implicit:
        return None
    lacks_shutdown = _lacks(facts, "feature-shutdown")
    if op == "clean_shutdown" and strict and lacks_shutdown and _lacks(facts, "feature-poweroff"):
        return Failure("VM_LACKS_FEATURE", facts.ref)
    if op == "clean_reboot" and strict and lacks_shutdown and _lacks(facts, "feature-reboot"):
        return Failure("VM_LACKS_FEATURE", facts.ref)
    if op == "changing_VCPUs_live" and _lacks(facts, "feature-vcpu-hotplug"):
        return Failure("VM_LACKS_FEATURE", facts.ref)
    return None


def _device_error(facts: VMFacts, op: str) -> Failure | None:
    """Quiesced snapshots, reset-on-boot disks, USB devices."""
    if op == "snapshot_with_quiesce":
        return Failure("VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED", facts.ref)
    if op in ("checkpoint", "snapshot", "suspend") and facts.has_reset_disks:
        return Failure("VDI_ON_BOOT_MODE_INCOMPATIBLE_WITH_OPERATION")
    if op in ("suspend", "snapshot", "checkpoint", "migrate_send", "pool_migrate") \
            and facts.rec["VUSBs"]:
        return Failure("VM_HAS_VUSBS", facts.ref)
    return None


_GROUPINGS = (("appliance", "VM_IS_PART_OF_AN_APPLIANCE"),
              ("protection_policy", "VM_ASSIGNED_TO_PROTECTION_POLICY"),
              ("snapshot_schedule", "VM_ASSIGNED_TO_SNAPSHOT_SCHEDULE"))


def _membership_error(facts: VMFacts, op: str) -> Failure | None:
    """Appliances, protection policies and schedules; system domains; vTPMs."""
    rec = facts.rec
    if op == "make_into_template":
        for field, code in _GROUPINGS:
            if rec[field] != NULL_REF:
                return Failure(code, facts.ref, rec[field])
    if op == "query_services" and not is_true(rec["other_config"].get("is_system_domain")):
        return Failure("NOT_SYSTEM_DOMAIN", facts.ref)
    if op == "create_vtpm" and rec["VTPMs"]:
        return Failure("VTPM_MAX_AMOUNT_REACHED", len(rec["VTPMs"]))
    return None


def check(facts: VMFacts, op: str, strict: bool = True) -> Failure | None:
    """The first reason `op` cannot run on the VM now (xapi's check_operation_error), or None."""
    blocked = facts.rec["blocked_operations"].get(op)
    if blocked is not None:
        return Failure("OPERATION_BLOCKED", facts.ref, blocked)
    return _power_state_error(facts, op) or _later_error(facts, op, strict)


def _later_error(facts: VMFacts, op: str, strict: bool) -> Failure | None:
    """The checks after blocked operations and power state."""
    return (_concurrency_error(facts, op) or _kind_error(facts, op)
            or _mobility_error(facts, op, strict) or _control_domain_error(facts, op)
            or feature_error(facts, op, strict) or _device_error(facts, op)
            or _membership_error(facts, op))


def operation_error(db: Database, vm: str, op: str, strict: bool = True) -> Failure | None:
    with db.lock:
        return check(gather(db, vm), op, strict)


def assert_operation_valid(db: Database, vm: str, op: str, strict: bool = True) -> None:
    error = operation_error(db, vm, op, strict)
    if error is not None:
        raise error


# -- allowed_operations -----------------------------------------------------------------------


_CANDIDATES: dict[tuple[str, bool, bool], tuple[str, ...]] = {}


def _candidates(facts: VMFacts) -> tuple[str, ...]:
    """The allowable operations whose power states include the VM's (cached per kind of VM)."""
    rec = facts.rec
    key = (rec["power_state"], rec["is_control_domain"],
           rec["is_a_snapshot"] or facts.clone_suspended)
    found = _CANDIDATES.get(key)
    if found is None:
        found = _CANDIDATES[key] = tuple(
            op for op in ALLOWABLE_OPS
            if rec["power_state"] in allowed_power_states(rec, op, facts.clone_suspended))
    return found


def compute_allowed_operations(db: Database, vm: str, rec: dict | None = None) -> list[str]:
    facts = gather(db, vm, rec)
    blocked = facts.rec["blocked_operations"]
    return [op for op in _candidates(facts)
            if op not in blocked and _later_error(facts, op, True) is None]


def refresh_allowed_operations(db: Database, vm: str) -> None:
    """Recompute the VM's allowed_operations (written only when it changed)."""
    with db.lock:
        rec = db.find(vm, "VM")
        if rec is None:
            return
        allowed = compute_allowed_operations(db, vm, rec)
        if allowed != rec["allowed_operations"]:
            db.update(vm, allowed_operations=allowed)
        appliance.refresh_of_vm(db, rec)


def refresh_all(db: Database) -> None:
    """Recompute allowed_operations of every VM (after building or loading a pool)."""
    with db.lock:
        for vm in list(db.all("VM")):
            refresh_allowed_operations(db, vm)


def set_current_operations(db: Database, vm: str, current: dict[str, str]) -> None:
    """Write current_operations and the allowed_operations that follow in one change."""
    with db.lock:
        rec = db.find(vm, "VM")
        if rec is None:
            return
        changed = {**rec, "current_operations": current}
        db.update(vm, current_operations=current,
                  allowed_operations=compute_allowed_operations(db, vm, changed))
        appliance.refresh_of_vm(db, rec)


@contextlib.contextmanager
def vm_operation(call: Call, vm: str, op: str, *, strict: bool = True) -> Iterator[str]:
    """Run an operation as xapi's with_vm_operation: check it (raising the error), add
    {task: op} to current_operations, yield the task, and remove it again at the end.

    xapi retries OTHER_OPERATION_IN_PROGRESS internally for a while; the simulator answers at
    once, so a client sees the conflict.
    """
    db = call.db
    task = call.task_ref()
    with db.lock:
        assert_operation_valid(db, vm, op, strict)
        set_current_operations(db, vm, {**db.get(vm, "VM")["current_operations"], task: op})
    try:
        yield task
    finally:
        with db.lock:
            rec = db.find(vm, "VM")
            if rec is not None and task in rec["current_operations"]:
                rest = {t: o for t, o in rec["current_operations"].items() if t != task}
                set_current_operations(db, vm, rest)


def set_cancellable(call: Call, cancellable: bool) -> None:
    """Whether the call's task offers `cancel` (xapi's TaskHelper.set_(not_)cancellable)."""
    db = call.db
    with db.lock:
        task = call.task_ref()
        rec = db.find(task, "task")
        if rec is not None and rec["status"] == "pending":
            ops = ["cancel"] if cancellable else []
            if rec["allowed_operations"] != ops:
                db.update(task, allowed_operations=ops)
