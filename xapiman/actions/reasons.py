"""Why an operation is not possible on an object, in words (from allowed_operations)."""

from __future__ import annotations

from xapiman.actions.base import YES, Availability
from xapiman.i18n import translate
from xapiman.xapi.records.vm import operation_allowed
from xapiman.xapi.refs import NULL_REF


def state_word(state: str) -> str:
    """A VM's power state as it reads after "the VM is"."""
    words = {"Running": translate("Actions", "running"),
             "Halted": translate("Actions", "shut down"),
             "Suspended": translate("Actions", "suspended"),
             "Paused": translate("Actions", "paused")}
    return words.get(state, state)


# The power states in which xapi allows each operation (xapi_vm_lifecycle); operations not
# listed are allowed in every state.
_HALTED = ("Halted",)
_RUNNING = ("Running",)
OP_STATES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("start", "start_on", "clone", "copy", "provision", "make_into_template",
                     "changing_VCPUs", "changing_static_range", "changing_memory_limits",
                     "changing_NVRAM"), _HALTED),
    "unpause": ("Paused",),
    **dict.fromkeys(("resume", "resume_on"), ("Suspended",)),
    **dict.fromkeys(("clean_reboot", "clean_shutdown", "pause", "pool_migrate", "suspend",
                     "changing_VCPUs_live", "snapshot_with_quiesce"), _RUNNING),
    "changing_dynamic_range": ("Halted", "Running"),
    **dict.fromkeys(("destroy", "export"), ("Halted", "Suspended")),
    "hard_reboot": ("Paused", "Running"),
    **dict.fromkeys(("checkpoint", "hard_shutdown"), ("Paused", "Suspended", "Running")),
    "migrate_send": ("Halted", "Suspended", "Running"),
}
# What a running VM's guest must support (its guest tools report the feature).
_NEEDS_SUSPEND = frozenset({"suspend", "checkpoint", "pool_migrate", "migrate_send"})


def op_words() -> dict[str, str]:
    """What a running VM's guest must allow, as it reads after "it cannot"."""
    return {"suspend": translate("Actions", "be suspended"),
            "checkpoint": translate("Actions", "be checkpointed"),
            "pool_migrate": translate("Actions", "move while it runs"),
            "migrate_send": translate("Actions", "move while it runs"),
            "clean_shutdown": translate("Actions", "be shut down cleanly"),
            "clean_reboot": translate("Actions", "be rebooted cleanly"),
            "changing_VCPUs_live": translate("Actions", "change its vCPUs while it runs")}


def describe_busy(record: dict) -> str:
    ops = sorted(set(record.get("current_operations", {}).values()))
    return ", ".join(op.replace("_", " ") for op in ops)


def vm_operation(record: dict | None, op: str, *, on_snapshot: bool = False,
                 on_template: bool = False, cache=None) -> Availability:
    """Whether VM operation `op` is allowed now, with the reason when it is not.

    The server's `allowed_operations` decides; the reason is worked out from the record: the
    power state only when the operation needs another one, else what the guest lacks (with
    `cache`, its guest tools), else the server's word.
    """
    if record is None:
        return Availability(False, translate("Actions", "The object no longer exists."))
    if record.get("is_control_domain"):
        return Availability(False, translate("Actions", "Not possible on a control domain."))
    if record.get("is_a_snapshot") and not on_snapshot:
        return Availability(False, translate("Actions", "Not possible on a snapshot."))
    if record.get("is_a_template") and not record.get("is_a_snapshot") and not on_template:
        return Availability(False, translate("Actions", "Not possible on a template."))
    if operation_allowed(record, op):
        return YES
    if op in (record.get("blocked_operations") or {}):
        return Availability(False, translate("Actions", "This operation is blocked on this VM."))
    busy = describe_busy(record)
    if busy:
        return Availability(False, translate("Actions", "Busy: {operations} in progress.")
                            .format(operations=busy))
    state = record.get("power_state", "")
    if state and state not in OP_STATES.get(op, (state,)):
        return Availability(False, translate("Actions", "Not possible while the VM is {state}.")
                            .format(state=state_word(state)))
    words = op_words()
    if state == "Running" and op in words:
        doing = words[op]
        if cache is not None and guest_tools_missing(record, cache):
            return Availability(False, translate(
                "Actions", "The VM has no guest tools running, so it cannot {doing}; install "
                "them in the guest.").format(doing=doing))
        if op in _NEEDS_SUSPEND:
            return Availability(False, translate(
                "Actions", "The VM's guest does not support suspending, so it cannot "
                "{doing}.").format(doing=doing))
        return Availability(False, translate(
            "Actions", "The VM's guest does not allow it to {doing} now.").format(doing=doing))
    if state:
        return Availability(False, translate(
            "Actions", "The server does not allow this on the VM now (it is {state}).").format(
                state=state_word(state)))
    return Availability(False, translate("Actions", "The server does not allow this now."))


def guest_tools_missing(record: dict, cache) -> bool:
    """True when a running VM has no guest agent reporting (clean shutdown needs one)."""
    gm = record.get("guest_metrics", NULL_REF)
    return cache.record("VM_guest_metrics", gm) is None


def with_tools_hint(availability: Availability, record: dict | None, cache,
                    forced: str = "") -> Availability:
    """`availability`, or why a running VM without guest tools cannot do it cleanly and the
    forced action that can (`forced`: "vm.force_reboot" or "vm.force_shutdown")."""
    if availability or record is None or record.get("power_state") != "Running":
        return availability
    if guest_tools_missing(record, cache):
        if forced == "vm.force_reboot":
            return Availability(False, translate(
                "Actions", "The VM has no guest tools running, so it cannot be rebooted "
                "cleanly; use Force Reboot."), remedy=forced)
        return Availability(False, translate(
            "Actions", "The VM has no guest tools running, so it cannot be shut down cleanly; "
            "use Force Shut Down."), remedy=forced)
    return availability
