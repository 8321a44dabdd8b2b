"""VM power operations: start, start_on, shutdowns, reboots, suspend, resume, pause, unpause,
power_state_reset. Each runs as a VM operation (current_operations), takes simulated time
with task progress, and applies its result at the end, atomically."""

from __future__ import annotations

from xapiman.sim import guest, placement
from xapiman.sim.call import Call
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.registry import handler
from xapiman.sim.lifecycle import (
    LIVE_STATES,
    feature_error,
    gather,
    refresh_allowed_operations,
    set_cancellable,
    set_current_operations,
    vm_operation,
)
from xapiman.sim.model.values import NULL_REF

# Simulated seconds each operation takes.
START_SECONDS = 6.0
RESUME_SECONDS = 6.0
CLEAN_SHUTDOWN_SECONDS = 4.0
HARD_SHUTDOWN_SECONDS = 1.0
REBOOT_SECONDS = 8.0
SUSPEND_SECONDS = 8.0
PAUSE_SECONDS = 0.5

# What hard_shutdown cancels (xapi's Message_forwarding.VM.hard_shutdown).
CANCELLED_BY_HARD_SHUTDOWN = ("clean_shutdown", "clean_reboot", "hard_reboot", "pool_migrate",
                              "call_plugin", "shutdown", "suspend")


def assert_power_state(db: Database, vm: str, *states: str) -> dict:
    """The VM's record; VM_BAD_POWER_STATE when something else changed its state meanwhile."""
    rec = db.get(vm, "VM")
    if rec["power_state"] not in states:
        raise Failure("VM_BAD_POWER_STATE", vm, ", ".join(s.lower() for s in states),
                      rec["power_state"].lower())
    return rec


def place(db: Database, vm: str, host: str | None) -> str:
    """The host to boot on: `host` when it can take the VM, else the best one
    (NO_HOSTS_AVAILABLE [] when none can)."""
    if host is None:
        chosen = placement.choose_host(db, vm)
        if chosen is None:
            raise Failure("NO_HOSTS_AVAILABLE")
        return chosen
    error = placement.boot_error(db, vm, host)
    if error is not None:
        raise error
    return host


def boot(call: Call, vm: str, host: str | None, *, paused: bool, resume: bool = False) -> str:
    """Make a domain for the VM (on `host`, or a chosen one): reserve the host's memory, let
    the boot time pass, then the VM runs. Returns the host."""
    db = call.db
    with db.lock:
        rec = db.get(vm, "VM")
        db.update(vm, memory_overhead=guest.domain_memory_overhead(rec))
        target = place(db, vm, host)
        db.update(vm, scheduled_to_be_resident_on=target)
    try:
        call.sleep(RESUME_SECONDS if resume else START_SECONDS, steps=6)
        with db.lock:
            assert_power_state(db, vm, "Suspended" if resume else "Halted")
            domid = guest.domain_started(call.sim, vm, target, paused=paused)
            if resume:
                guest.drop_suspend_image(db, vm)
    except BaseException:
        with db.lock:
            rec = db.find(vm, "VM")
            if rec is not None and rec["scheduled_to_be_resident_on"] == target \
                    and rec["resident_on"] != target:
                db.update(vm, scheduled_to_be_resident_on=NULL_REF)
        raise
    guest.expect_tools(call.sim, vm, domid)
    return target


def halt(db: Database, vm: str) -> None:
    """The VM ends up Halted: its domain goes, a suspended VM loses its memory image."""
    with db.lock:
        rec = db.get(vm, "VM")
        if rec["power_state"] == "Suspended":
            guest.drop_suspend_image(db, vm)
        if rec["power_state"] != "Halted":
            guest.domain_stopped(db, vm)


def reboot(call: Call, vm: str) -> None:
    call.sleep(REBOOT_SECONDS, steps=4)
    with call.db.lock:
        assert_power_state(call.db, vm, "Running", "Paused")
        domid = guest.domain_rebooted(call.sim, vm)
    guest.expect_tools(call.sim, vm, domid)


def cancel_operations(call: Call, vm: str, ops: tuple[str, ...]) -> None:
    """Ask the tasks of the VM's running `ops` to stop."""
    for task, op in list(call.db.get(vm, "VM")["current_operations"].items()):
        if op in ops and task != call.task:
            try:
                call.sim.tasks.request_cancel(task)
            except Failure:
                pass  # already finished, or not cancellable


# -- start ------------------------------------------------------------------------------------


@handler("VM", "start")
def start(call: Call, vm: str, start_paused: bool, force: bool) -> None:  # noqa: ARG001
    with vm_operation(call, vm, "start"):
        host = boot(call, vm, None, paused=start_paused)
    guest.vm_alert(call.db, vm, "VM_STARTED", 5, f"started on host: {guest.host_words(call.db, host)}")


@handler("VM", "start_on")
def start_on(call: Call, vm: str, host: str, start_paused: bool, force: bool) -> None:  # noqa: ARG001
    call.db.get(host, "host")
    with vm_operation(call, vm, "start_on"):
        boot(call, vm, host, paused=start_paused)
    guest.vm_alert(call.db, vm, "VM_STARTED", 5, f"started on host: {guest.host_words(call.db, host)}")


@handler("VM", "resume")
def resume(call: Call, vm: str, start_paused: bool, force: bool) -> None:  # noqa: ARG001
    with vm_operation(call, vm, "resume"):
        host = boot(call, vm, None, paused=start_paused, resume=True)
    guest.vm_alert(call.db, vm, "VM_RESUMED", 5, f"resumed on host: {guest.host_words(call.db, host)}")


@handler("VM", "resume_on")
def resume_on(call: Call, vm: str, host: str, start_paused: bool, force: bool) -> None:  # noqa: ARG001
    call.db.get(host, "host")
    with vm_operation(call, vm, "resume_on"):
        boot(call, vm, host, paused=start_paused, resume=True)
    guest.vm_alert(call.db, vm, "VM_RESUMED", 5, f"resumed on host: {guest.host_words(call.db, host)}")


# -- shutdown and reboot ----------------------------------------------------------------------


@handler("VM", "clean_shutdown")
def clean_shutdown(call: Call, vm: str) -> None:
    with vm_operation(call, vm, "clean_shutdown"):
        call.sleep(CLEAN_SHUTDOWN_SECONDS, steps=4)
        halt(call.db, vm)
    guest.vm_alert(call.db, vm, "VM_SHUTDOWN", 5, "shutdown")


@handler("VM", "hard_shutdown")
def hard_shutdown(call: Call, vm: str) -> None:
    with vm_operation(call, vm, "hard_shutdown"):
        set_cancellable(call, False)
        cancel_operations(call, vm, CANCELLED_BY_HARD_SHUTDOWN)
        call.sleep(HARD_SHUTDOWN_SECONDS, steps=1)
        halt(call.db, vm)
    guest.vm_alert(call.db, vm, "VM_SHUTDOWN", 5, "shutdown forcibly")


@handler("VM", "shutdown")
def shutdown(call: Call, vm: str) -> None:
    """Clean when the guest cooperates, else hard; a suspended VM just loses its image."""
    with vm_operation(call, vm, "shutdown"):
        with call.db.lock:
            facts = gather(call.db, vm)
            clean = facts.is_live and feature_error(facts, "clean_shutdown", True) is None
        call.sleep(CLEAN_SHUTDOWN_SECONDS if clean else HARD_SHUTDOWN_SECONDS, steps=4)
        halt(call.db, vm)
    guest.vm_alert(call.db, vm, "VM_SHUTDOWN", 5, "shutdown")


@handler("VM", "clean_reboot")
def clean_reboot(call: Call, vm: str) -> None:
    with vm_operation(call, vm, "clean_reboot"):
        reboot(call, vm)
    guest.vm_alert(call.db, vm, "VM_REBOOTED", 5, "rebooted cleanly")


@handler("VM", "hard_reboot")
def hard_reboot(call: Call, vm: str) -> None:
    with vm_operation(call, vm, "hard_reboot"):
        set_cancellable(call, False)
        reboot(call, vm)
    guest.vm_alert(call.db, vm, "VM_REBOOTED", 5, "rebooted forcibly")


# -- suspend, pause ---------------------------------------------------------------------------


@handler("VM", "suspend")
def suspend(call: Call, vm: str) -> None:
    db = call.db
    with vm_operation(call, vm, "suspend"):
        with db.lock:
            sr = guest.suspend_sr(db, vm)
            guest.assert_suspend_space(db, vm, sr)
        call.sleep(SUSPEND_SECONDS, steps=8)
        with db.lock:
            assert_power_state(db, vm, "Running")
            image = guest.new_suspend_image(db, vm, sr)
            guest.domain_stopped(db, vm, "Suspended")
            db.update(vm, suspend_VDI=image)
    guest.vm_alert(db, vm, "VM_SUSPENDED", 5, "suspended")


def _set_paused(call: Call, vm: str, op: str, paused: bool) -> None:
    with vm_operation(call, vm, op):
        set_cancellable(call, False)
        call.sleep(PAUSE_SECONDS, steps=1)
        with call.db.lock:
            assert_power_state(call.db, vm, "Running" if paused else "Paused")
            call.db.update(vm, power_state="Paused" if paused else "Running")


@handler("VM", "pause")
def pause(call: Call, vm: str) -> None:
    _set_paused(call, vm, "pause", True)
    guest.vm_alert(call.db, vm, "VM_PAUSED", 5, "paused")


@handler("VM", "unpause")
def unpause(call: Call, vm: str) -> None:
    _set_paused(call, vm, "unpause", False)
    guest.vm_alert(call.db, vm, "VM_UNPAUSED", 5, "unpaused")


# -- recovery ---------------------------------------------------------------------------------


@handler("VM", "power_state_reset")
def power_state_reset(call: Call, vm: str) -> None:
    """Force Halted (after a host died). Refused for a control domain, and for a live VM whose
    domain still exists: on the coordinator DOMAIN_EXISTS, on a live host HOST_IS_LIVE."""
    db = call.db
    with db.lock:
        rec = db.get(vm, "VM")
        if rec["is_control_domain"]:
            raise Failure("CANNOT_RESET_CONTROL_DOMAIN", vm)
        if rec["power_state"] in LIVE_STATES:
            host = rec["resident_on"]
            if host == call.sim.coordinator:
                raise Failure("DOMAIN_EXISTS", vm)
            if db.find(host, "host") is not None and placement.host_is_live(db, host):
                raise Failure("HOST_IS_LIVE", host)
        set_current_operations(db, vm, {})
        if rec["power_state"] != "Halted":
            guest.domain_stopped(db, vm)
        refresh_allowed_operations(db, vm)
