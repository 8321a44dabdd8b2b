"""Why an operation is not possible on an object, in words (from allowed_operations)."""

from __future__ import annotations

from xapiman.actions.base import YES, Availability

STATE_WORDS = {"Running": "running", "Halted": "shut down", "Suspended": "suspended",
               "Paused": "paused"}


def describe_busy(record: dict) -> str:
    ops = sorted(set(record.get("current_operations", {}).values()))
    return ", ".join(op.replace("_", " ") for op in ops)


def vm_operation(record: dict | None, op: str, *, on_snapshot: bool = False,
                 on_template: bool = False) -> Availability:
    """Whether VM operation `op` is allowed now, with the reason when it is not.

    The server's `allowed_operations` decides; the reason is worked out from the record.
    """
    if record is None:
        return Availability(False, "The object no longer exists.")
    if record.get("is_control_domain"):
        return Availability(False, "Not possible on a control domain.")
    if record.get("is_a_snapshot") and not on_snapshot:
        return Availability(False, "Not possible on a snapshot.")
    if record.get("is_a_template") and not record.get("is_a_snapshot") and not on_template:
        return Availability(False, "Not possible on a template.")
    if op in record.get("allowed_operations", ()):
        return YES
    blocked = record.get("blocked_operations", {})
    if op in blocked:
        return Availability(False, "This operation is blocked on this VM.")
    busy = describe_busy(record)
    if busy:
        return Availability(False, f"Busy: {busy} in progress.")
    state = record.get("power_state", "")
    if state:
        return Availability(False, f"Not possible while the VM is {STATE_WORDS.get(state, state)}.")
    return Availability(False, "The server does not allow this now.")


def guest_tools_missing(record: dict, cache) -> bool:
    """True when a running VM has no guest agent reporting (clean shutdown needs one)."""
    gm = record.get("guest_metrics", "OpaqueRef:NULL")
    return cache.record("VM_guest_metrics", gm) is None


def with_tools_hint(availability: Availability, record: dict | None, cache) -> Availability:
    if availability or record is None or record.get("power_state") != "Running":
        return availability
    if guest_tools_missing(record, cache):
        return Availability(False, "The VM has no guest tools running, so it cannot be shut "
                                   "down cleanly; use Force Shut Down.")
    return availability
