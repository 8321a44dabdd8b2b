"""host.evacuate and its prechecks, host.reboot / shutdown / power_on: VMs leave, the host's
server stops, and (reboot, power_on) comes back after simulated time."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from xapiman.sim.call import Call
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.host import (
    assert_live,
    host_operation,
    host_state,
    refresh_allowed_operations,
)
from xapiman.sim.handlers.registry import HANDLERS, handler
from xapiman.sim.model.values import NULL_REF, now
from xapiman.sim.placement import evacuation_errors, evacuation_plan, user_vms_on

if TYPE_CHECKING:
    from xapiman.sim.simulator import Simulator

log = logging.getLogger("xapiman.sim.host")

# Simulated seconds.
SHUTDOWN_TIME = 10.0  # a host from the API call to power-off
BOOT_TIME = 90.0  # a host from power-on to xapi answering again
# Real seconds a coordinator keeps serving after accepting its own reboot (to answer it).
ANSWER_GRACE = 0.2


# -- moving VMs (through the VM handlers, as subtasks as xapi does) ---------------------------

def run_vm_message(call: Call, name: str, *args: object) -> None:
    """Run VM.<name>(*args) as a subtask of this call (destroyed once done)."""
    fn = HANDLERS.get(("VM", name))
    if fn is None:
        raise Failure("NOT_IMPLEMENTED", f"VM.{name}")
    tasks = call.sim.tasks
    sub = tasks.create(f"Async.VM.{name}", host=call.sim.coordinator, session=call.session)
    call.db.update(sub, subtask_of=call.task_ref())
    try:
        with call.db.transaction():  # a VM that fails is left as it was; the others moved
            fn(Call(call.sim, call.session, call.host, f"VM.{name}", task=sub), *args)
        tasks.succeed(sub, None)
    except Failure as failure:
        tasks.fail(sub, failure)
        raise
    finally:
        with call.db.lock:
            if call.db.find(sub, "task") is not None:
                call.db.destroy(sub)


def migrate_vm(call: Call, vm: str, dest: str, options: dict[str, str]) -> None:
    """Live-migrate `vm` to `dest` (a VM that stopped meanwhile has nothing to move)."""
    try:
        run_vm_message(call, "pool_migrate", vm, dest, options)
    except Failure as failure:
        if failure.code != "VM_BAD_POWER_STATE":
            raise


def halt_vm(call: Call, vm: str) -> None:
    """Hard shutdown of a VM that cannot leave a host going down."""
    run_vm_message(call, "hard_shutdown", vm)


def first_error(plan: dict[str, str | Failure]) -> Failure | None:
    return next(iter(evacuation_errors(plan).values()), None)


def migrate_planned(call: Call, plan: dict[str, str | Failure], options: dict[str, str],
                    span: tuple[float, float] = (0.0, 1.0), tolerant: bool = False) -> None:
    """Move every VM the plan places; the call's progress runs through `span`. `tolerant`:
    log a failed migration and go on (the VM is stopped later)."""
    moves = [(vm, dest) for vm, dest in plan.items() if isinstance(dest, str)]
    start, end = span
    for i, (vm, dest) in enumerate(moves):
        if tolerant:
            try_logged(migrate_vm, call, vm, dest, options)
        else:
            migrate_vm(call, vm, dest, options)
        call.progress(start + (end - start) * (i + 1) / len(moves))


def try_logged(fn, *args: object) -> None:
    try:
        fn(*args)
    except Failure as failure:
        log.warning("%s%s failed: %s", fn.__name__, args[1:], failure)


# -- evacuation -------------------------------------------------------------------------------

@handler("host", "assert_can_evacuate")
def assert_can_evacuate(call: Call, host: str) -> None:
    call.db.get(host, "host")
    errors = evacuation_errors(evacuation_plan(call.db, host))
    if errors:
        text = "|".join(",".join(e.description) for e in errors.values())
        raise Failure("CANNOT_EVACUATE_HOST", text)


@handler("host", "get_vms_which_prevent_evacuation")
def get_vms_which_prevent_evacuation(call: Call, self: str) -> dict[str, list[str]]:
    call.db.get(self, "host")
    errors = evacuation_errors(evacuation_plan(call.db, self))
    return {vm: failure.description for vm, failure in errors.items()}


@handler("host", "evacuate")
def evacuate(call: Call, host: str, network: str = NULL_REF, evacuate_batch_size: int = 0) -> None:
    db = call.db
    db.get(host, "host")
    if network != NULL_REF:
        db.get(network, "network")
    with host_operation(call, host, "evacuate"):
        plan = evacuation_plan(db, host)
        error = first_error(plan)
        if error is not None:
            raise error
        options = {"live": "true"} if network == NULL_REF else {"network": network,
                                                                "live": "true"}
        migrate_planned(call, plan, options)
        left = user_vms_on(db, host)
        if left:
            raise Failure("INTERNAL_ERROR",
                          f"evacuate: {len(left)} VMs are still resident on {host}")
        call.progress(1.0)


# -- reboot, shutdown, power on ---------------------------------------------------------------

def clear_host_of_vms(call: Call, host: str) -> None:
    """What a host does before powering off: live-migrate what can go, stop the rest (a VM
    that fails either way is logged and left, as xapi's prepare_for_poweroff does)."""
    migrate_planned(call, evacuation_plan(call.db, host), {"live": "true"}, (0.1, 0.8),
                    tolerant=True)
    for vm in user_vms_on(call.db, host):
        try_logged(halt_vm, call, vm)


def set_host_up(sim: Simulator, host: str, up: bool) -> None:
    """Mark the host live or not and its PBDs plugged or not."""
    db = sim.db
    with db.lock:
        rec = db.get(host, "host")
        if db.find(rec["metrics"], "host_metrics") is not None:
            db.update(rec["metrics"], live=up, last_updated=now())
        for pbd in rec["PBDs"]:
            if db.find(pbd, "PBD") is not None:
                db.update(pbd, currently_attached=up)
        refresh_allowed_operations(db, host)


def stop_server(sim: Simulator, host: str, later: bool) -> None:
    """Stop the host's HTTP server (after ANSWER_GRACE when it must answer this call first)."""
    def stop() -> None:
        if host == sim.coordinator:
            sim.sessions.expire_all()  # xapi's sessions do not outlive the coordinator
        sim.stop_host(host)

    if later:
        timer = threading.Timer(ANSWER_GRACE, stop)
        timer.daemon = True
        timer.start()
    else:
        stop()


def boot_host(sim: Simulator, host: str) -> None:
    """The host is back: its server answers first, then it shows live with its PBDs plugged,
    and enabled unless told otherwise (a client that sees it live can reach it at once, on its
    old address)."""
    db = sim.db
    if db.find(host, "host") is None:
        return
    state = host_state(db)
    with db.lock:
        rec = db.get(host, "host")
        other = {**rec["other_config"], "boot_time": f"{int(time.time())}."}
        db.update(host, other_config=other)
        if host in state.disabled_until_reboot:
            state.disabled_until_reboot.discard(host)
            db.on_undo(lambda: state.disabled_until_reboot.add(host))

    def up() -> None:
        sim.revive_host(host)
        with db.lock:
            if db.find(host, "host") is None:
                return
            db.update(host, enabled=host not in state.no_auto_enable)
            set_host_up(sim, host, True)
        log.info("host %s is up", rec["name_label"])

    db.after_commit(up)


def after_simulated(sim: Simulator, seconds: float, fn, *args: object) -> None:
    """Run fn(*args) on a timer after `seconds` of simulated time."""
    speed = sim.config.speed
    real = seconds / speed if speed > 0 else 0.0
    timer = threading.Timer(real, fn, args)
    timer.daemon = True
    timer.start()


def power_off(call: Call, host: str, op: str) -> None:
    """host.reboot / host.shutdown once the operation was accepted."""
    assert_live(call, host)
    db = call.db
    down = host_state(db).disabled_until_reboot
    if host not in down:
        down.add(host)
        db.on_undo(lambda: down.discard(host))
    clear_host_of_vms(call, host)
    call.sleep(SHUTDOWN_TIME, steps=2, start=0.8, end=1.0)
    set_host_up(call.sim, host, False)
    db.after_commit(lambda: stop_server(call.sim, host, later=host == call.host))
    if op == "reboot":
        db.after_commit(lambda: after_simulated(call.sim, BOOT_TIME, boot_host, call.sim, host))


@handler("host", "reboot")
def reboot(call: Call, host: str) -> None:
    call.db.get(host, "host")
    with host_operation(call, host, "reboot"):
        power_off(call, host, "reboot")


@handler("host", "shutdown")
def shutdown(call: Call, host: str) -> None:
    call.db.get(host, "host")
    with host_operation(call, host, "shutdown"):
        power_off(call, host, "shutdown")


@handler("host", "power_on")
def power_on(call: Call, host: str) -> None:
    call.db.get(host, "host")
    with host_operation(call, host, "power_on"):
        call.sleep(BOOT_TIME, steps=4)
        boot_host(call.sim, host)
