"""High availability as xapi runs it (simplified): which VMs are protected, whether they could
restart elsewhere (agility), how many host failures the pool can take (the failover plan),
and what the pool does when a host dies.

* `ha_restart_priority` "restart" protects a VM (the deprecated "always_restart" too),
  "best-effort" restarts it when there is room, "" leaves it down.
* A protected VM must be agile: its disks on shared SRs, its networks on every host
  (`HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED [SR]`, `..._NETWORK_NOT_SHARED [network]`).
* `max_failures`: the most hosts that may fail at once, whichever they are, with every
  protected running VM of theirs still fitting into the free memory of the others (largest
  VM first, onto the host with most room). The plan covers `min(max, tolerated)`; below the
  number tolerated the pool is overcommitted.
* A dead host (`host_died`): after the heartbeat timeout its `host_metrics.live` turns false,
  its VMs are Halted, `HA_HOST_FAILED` is posted; protected VMs restart on the other hosts
  in their `order` (each waiting its `start_delay`), then best-effort ones; a protected VM
  that finds no room gets `HA_PROTECTED_VM_RESTART_FAILED`; a plan that shrank posts
  `HA_POOL_DROP_IN_PLAN_EXISTS_FOR` and, below the tolerated number, `HA_POOL_OVERCOMMITTED`.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from typing import TYPE_CHECKING

from xapiman.sim import guest, placement, storage
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.message import post_message
from xapiman.sim.model.values import now

if TYPE_CHECKING:
    from xapiman.sim.simulator import Simulator

log = logging.getLogger("xapiman.sim.ha")

PROTECTED = ("restart", "always_restart")
PRIORITIES = ("restart", "best-effort", "", "always_restart")
# Simulated seconds.
DEFAULT_TIMEOUT = 60.0  # heartbeat timeout before a silent host is declared dead
RESTART_SECONDS = 6.0  # a VM's boot on its new host
HOST_ASSUMED_DEAD = 600.0  # without HA: a silent host is marked not live after this
MAX_COMBINATIONS = 5000  # failure sets checked per count before giving up on a count
STATEFILE_SR_TYPES = ("nfs", "lvmoiscsi", "lvmohba", "lvmofcoe", "gfs2", "smb", "iscsi")


def pool_of(db: Database) -> tuple[str, dict]:
    ref = next(iter(db.all("pool")))
    return ref, db.get(ref, "pool")


def is_protected(priority: str) -> bool:
    return priority in PROTECTED


def user_vm(rec: dict) -> bool:
    return not (rec["is_a_template"] or rec["is_a_snapshot"] or rec["is_control_domain"])


# -- agility ----------------------------------------------------------------------------------

def network_on_every_host(db: Database, network: str) -> bool:
    hosts = set(db.all("host"))
    pifs = (db.find(pif, "PIF") for pif in db.get(network, "network")["PIFs"])
    return hosts <= {pif["host"] for pif in pifs if pif}


def agility_error(db: Database, vm: str) -> Failure | None:
    """Why `vm` could not restart on another host (None: it could)."""
    with db.lock:
        for sr in placement.required_srs(db, vm):
            if not db.get(sr, "SR")["shared"]:
                return Failure("HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED", sr)
        for network in placement.vm_networks(db, vm):
            if not network_on_every_host(db, network):
                return Failure("HA_CONSTRAINT_VIOLATION_NETWORK_NOT_SHARED", network)
    return None


def statefile_error(db: Database, sr: str) -> Failure | None:
    """Why `sr` cannot hold the heartbeat statefile (SR.assert_can_host_ha_statefile)."""
    rec = db.get(sr, "SR")
    if rec["type"] not in STATEFILE_SR_TYPES:
        return Failure("INCOMPATIBLE_STATEFILE_SR", rec["type"])
    if not rec["shared"]:
        return Failure("HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED", sr)
    for host in db.all("host"):
        if sr not in placement.srs_plugged_on(db, host):
            return Failure("HA_HOST_CANNOT_ACCESS_STATEFILE")
    return None


# -- the failover plan ------------------------------------------------------------------------

def protected_running(db: Database, priorities: dict[str, str] | None = None) -> dict[str, str]:
    """Protected VMs that run, with their host (`priorities` overrides the VMs' own)."""
    out = {}
    for vm, rec in db.all("VM").items():
        priority = (priorities or {}).get(vm, rec["ha_restart_priority"])
        if user_vm(rec) and is_protected(priority) and rec["power_state"] in ("Running",
                                                                            "Paused"):
            out[vm] = rec["resident_on"]
    return out


def _fits(db: Database, failed: tuple[str, ...], survivors: list[str],
          vms: dict[str, str], room: dict[str, int]) -> bool:
    left = dict(room)
    moving = sorted((vm for vm, host in vms.items() if host in failed),
                    key=lambda v: placement.vm_memory_need(db, v), reverse=True)
    for vm in moving:
        if not survivors:
            return False
        best = max(survivors, key=lambda h: left[h])
        need = placement.vm_memory_need(db, vm)
        if left[best] < need:
            return False
        left[best] -= need
    return True


def max_failures(db: Database, priorities: dict[str, str] | None = None) -> int:
    """How many live hosts may fail at once with a restart plan for the protected VMs."""
    with db.lock:
        hosts = [h for h in db.all("host") if placement.host_is_live(db, h)]
        vms = protected_running(db, priorities)
        room = {h: placement.host_free_memory(db, h) for h in hosts}
        best = 0
        for n in range(1, len(hosts)):
            for checked, failed in enumerate(itertools.combinations(hosts, n)):
                if checked >= MAX_COMBINATIONS:
                    break
                survivors = [h for h in hosts if h not in failed]
                if not _fits(db, failed, survivors, vms, room):
                    return best
            best = n
        return best


def refresh_plan(db: Database, *, announce: bool = False) -> None:
    """Set the pool's plan fields from the VMs and hosts now (when HA is on); `announce`:
    post the messages of a plan that shrank or fell below the tolerated number."""
    with db.lock:
        pool, rec = pool_of(db)
        if not rec["ha_enabled"]:
            return
        tolerated = int(rec["ha_host_failures_to_tolerate"])
        plan = min(max_failures(db), tolerated)
        overcommitted = plan < tolerated
        db.update(pool, ha_plan_exists_for=plan, ha_overcommitted=overcommitted)
        if announce and plan < int(rec["ha_plan_exists_for"]):
            post_message(db, "HA_POOL_DROP_IN_PLAN_EXISTS_FOR", 3, "Pool", rec["uuid"],
                         f"The failover plan now covers {plan} host failure(s).")
        if announce and overcommitted and not rec["ha_overcommitted"]:
            post_message(db, "HA_POOL_OVERCOMMITTED", None, "Pool", rec["uuid"],
                         f"The pool can no longer restart its protected VMs after "
                         f"{tolerated} host failure(s).")


def assert_plan_kept(db: Database, priorities: dict[str, str] | None = None,
                     tolerated: int | None = None) -> None:
    """HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN when HA is on, overcommitment is not allowed and
    the change leaves fewer tolerable failures than the pool is set to tolerate."""
    _pool, rec = pool_of(db)
    if not rec["ha_enabled"] or rec["ha_allow_overcommit"]:
        return
    wanted = int(rec["ha_host_failures_to_tolerate"]) if tolerated is None else tolerated
    if max_failures(db, priorities) < wanted:
        raise Failure("HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN")


# -- a host that dies -------------------------------------------------------------------------

def simulated_sleep(sim: Simulator, seconds: float) -> None:
    speed = sim.config.speed
    if speed > 0 and seconds > 0:
        time.sleep(seconds / speed)


def detection_delay(db: Database) -> float:
    _pool, rec = pool_of(db)
    if not rec["ha_enabled"]:
        return HOST_ASSUMED_DEAD
    try:
        return float(rec["ha_configuration"].get("timeout", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def host_died(sim: Simulator, host: str) -> None:
    """The pool notices that `host` is gone (its server stopped earlier)."""
    db = sim.db
    with db.lock:
        rec = db.find(host, "host")
        if rec is None or host in sim.servers:
            return  # removed meanwhile, or back already
        metrics = db.find(rec["metrics"], "host_metrics")
        if metrics is not None:
            db.update(rec["metrics"], live=False, last_updated=now())
        _pool, pool = pool_of(db)
        if not pool["ha_enabled"]:
            return
        vms = [vm for vm in placement.user_vms_on(db, host)]
        for vm in vms:
            guest.domain_stopped(db, vm)
        for pbd in rec["PBDs"]:
            if db.find(pbd, "PBD") is not None:
                db.update(pbd, currently_attached=False)
        post_message(db, "HA_HOST_FAILED", None, "Host", rec["uuid"],
                     f"Server '{rec['name_label']}' has failed; high availability restarts "
                     f"its protected VMs on the other servers.")
    log.info("host %s failed; %d VMs were on it", rec["name_label"], len(vms))
    restart_vms(sim, vms)
    refresh_plan(db, announce=True)


def restart_order(db: Database, vms: list[str]) -> list[str]:
    """Protected VMs by their `order`, then best-effort ones; the rest stay down."""
    def key(vm: str) -> tuple[int, int, str]:
        rec = db.get(vm, "VM")
        return (0 if is_protected(rec["ha_restart_priority"]) else 1, int(rec["order"]),
                rec["name_label"])

    with db.lock:
        chosen = [vm for vm in vms if db.find(vm, "VM") is not None
                  and db.get(vm, "VM")["ha_restart_priority"] in (*PROTECTED, "best-effort")]
        return sorted(chosen, key=key)


def restart_vms(sim: Simulator, vms: list[str]) -> None:
    db = sim.db
    for vm in restart_order(db, vms):
        with db.lock:
            rec = db.find(vm, "VM")
            if rec is None or rec["power_state"] != "Halted":
                continue
            target = placement.choose_host(db, vm)
            if target is None:
                if is_protected(rec["ha_restart_priority"]):
                    post_message(db, "HA_PROTECTED_VM_RESTART_FAILED", 2, "VM", rec["uuid"],
                                 f"VM '{rec['name_label']}' could not be restarted: no server "
                                 f"has the room it needs.")
                continue
            db.update(vm, scheduled_to_be_resident_on=target)
        simulated_sleep(sim, RESTART_SECONDS)
        with db.lock:
            rec = db.find(vm, "VM")
            if rec is None or rec["power_state"] != "Halted":
                continue
            domid = guest.domain_started(sim, vm, target, paused=False)
            host_name = db.get(target, "host")["name_label"]
            post_message(db, "VM_STARTED", None, "VM", rec["uuid"],
                         f"VM '{rec['name_label']}' was restarted on '{host_name}' by high "
                         f"availability.")
        guest.expect_tools(sim, vm, domid)
        simulated_sleep(sim, float(rec["start_delay"]))


def watch_dead_host(sim: Simulator, host: str) -> None:
    """After the heartbeat timeout (simulated), declare `host` dead (in a thread)."""
    delay = detection_delay(sim.db)
    speed = sim.config.speed
    real = delay / speed if speed > 0 else 0.0

    def run() -> None:
        try:
            host_died(sim, host)
        except Exception:  # the pool goes on whatever one failover did
            log.exception("handling the failure of %s failed", host)

    if real <= 0:
        run()
        return
    timer = threading.Timer(real, run)
    timer.daemon = True
    timer.start()


def clear_host_fields(db: Database) -> None:
    for host in db.all("host"):
        db.update(host, ha_statefiles=[], ha_network_peers=[])


def arm_hosts(db: Database, statefile: str) -> None:
    uuids = [rec["uuid"] for rec in db.all("host").values()]
    for host, rec in db.all("host").items():
        db.update(host, ha_statefiles=[statefile],
                  ha_network_peers=[u for u in uuids if u != rec["uuid"]])


def forget_statefiles(db: Database) -> None:
    for vdi, rec in list(db.all("VDI").items()):
        if rec["type"] in ("ha_statefile", "redo_log") and rec["name_label"] in (
                "Statefile for HA", "Metadata for HA"):
            storage.destroy_vdi(db, vdi)

