"""Where VMs can run: free memory per host, a VM's memory need, boot checks, host choice and
the evacuation plan of a host (xapi's Memory_check, assert_can_boot_here and
compute_evacuation_plan, simplified)."""

from __future__ import annotations

from collections.abc import Iterable

from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.lifecycle import operation_error
from xapiman.sim.model.values import NULL_REF

LIVE_STATES = ("Running", "Paused")


# -- memory -----------------------------------------------------------------------------------

def vm_memory_need(db: Database, vm: str) -> int:
    """Bytes `vm` occupies on a host: its current footprint when it runs (VM_metrics
    memory_actual), else memory_static_max; plus the VM's memory_overhead."""
    rec = db.get(vm, "VM")
    overhead = int(rec.get("memory_overhead", 0) or 0)
    if rec["power_state"] in LIVE_STATES:
        metrics = db.find(rec["metrics"], "VM_metrics")
        actual = int(metrics["memory_actual"]) if metrics else 0
        if actual > 0:
            return actual + overhead
    return int(rec["memory_static_max"]) + overhead


def host_memory_total(db: Database, host: str) -> int:
    metrics = db.find(db.get(host, "host")["metrics"], "host_metrics")
    return int(metrics["memory_total"]) if metrics else 0


def vms_using_memory_of(db: Database, host: str) -> list[str]:
    """VMs resident on `host` (the control domain too) and VMs about to arrive there."""
    refs = list(db.get(host, "host")["resident_VMs"])
    for ref in db.referrers("VM", "scheduled_to_be_resident_on", host):
        if db.get(ref, "VM")["resident_on"] != host:
            refs.append(ref)
    return refs


def host_free_memory(db: Database, host: str) -> int:
    """memory_total − the host's memory_overhead − the memory of the VMs using it."""
    with db.lock:
        used = sum(vm_memory_need(db, vm) for vm in vms_using_memory_of(db, host))
        overhead = int(db.get(host, "host")["memory_overhead"])
        return host_memory_total(db, host) - overhead - used


# -- what a VM needs from a host --------------------------------------------------------------

def host_is_live(db: Database, host: str) -> bool:
    metrics = db.find(db.get(host, "host")["metrics"], "host_metrics")
    return bool(metrics and metrics["live"])


def required_srs(db: Database, vm: str) -> list[str]:
    """The SRs of the VM's non-empty VBDs (and of its suspend image when suspended)."""
    rec = db.get(vm, "VM")
    vdis = []
    for vbd in rec["VBDs"]:
        vbd_rec = db.find(vbd, "VBD")
        if vbd_rec and not vbd_rec["empty"] and vbd_rec["VDI"] != NULL_REF:
            vdis.append(vbd_rec["VDI"])
    if rec["power_state"] == "Suspended" and rec["suspend_VDI"] != NULL_REF:
        vdis.append(rec["suspend_VDI"])
    srs: list[str] = []
    for vdi in vdis:
        vdi_rec = db.find(vdi, "VDI")
        if vdi_rec and vdi_rec["SR"] not in srs:
            srs.append(vdi_rec["SR"])
    return srs


def srs_plugged_on(db: Database, host: str) -> set[str]:
    pbds = (db.find(pbd, "PBD") for pbd in db.get(host, "host")["PBDs"])
    return {pbd["SR"] for pbd in pbds if pbd and pbd["currently_attached"]}


def network_reaches(db: Database, network: str, host: str, vm: str) -> bool:
    """Whether `host` can attach `network` (xapi's assert_can_see_named_networks): a network
    with PIFs only where it has one; a PIF-less managed network only where the running VMs on
    it already are."""
    net = db.get(network, "network")
    pifs = [db.find(pif, "PIF") for pif in net["PIFs"]]
    if net["PIFs"]:
        return any(pif and pif["host"] == host for pif in pifs)
    if net["other_config"].get("assume_network_is_shared") == "true" or not net["managed"]:
        return True
    hosts = set()
    for vif in net["VIFs"]:
        owner = db.find(db.get(vif, "VIF")["VM"], "VM")
        if owner and owner["power_state"] == "Running":
            hosts.add(owner["resident_on"])
    return not hosts or host in hosts


def vm_networks(db: Database, vm: str) -> list[str]:
    nets: list[str] = []
    for vif in db.get(vm, "VM")["VIFs"]:
        rec = db.find(vif, "VIF")
        if rec and rec["network"] not in nets:
            nets.append(rec["network"])
    return nets


def boot_error(db: Database, vm: str, host: str, *, check_memory: bool = True) -> Failure | None:
    """Why `vm` cannot run on `host` (xapi's assert_can_boot_here order), or None.

    HOST_NOT_LIVE [] · HOST_DISABLED [host] · VM_REQUIRES_SR [vm, sr] ·
    VM_REQUIRES_NETWORK [vm, network] · HOST_NOT_ENOUGH_FREE_MEMORY [needed, available].
    """
    with db.lock:
        rec = db.get(vm, "VM")
        host_rec = db.get(host, "host")
        if not host_is_live(db, host):
            return Failure("HOST_NOT_LIVE")
        local_live_move = rec["power_state"] == "Running" and rec["resident_on"] == host
        if not rec["is_control_domain"] and not local_live_move and not host_rec["enabled"]:
            return Failure("HOST_DISABLED", host)
        plugged = srs_plugged_on(db, host)
        for sr in required_srs(db, vm):
            if sr not in plugged:
                return Failure("VM_REQUIRES_SR", vm, sr)
        for network in vm_networks(db, vm):
            if not network_reaches(db, network, host, vm):
                return Failure("VM_REQUIRES_NETWORK", vm, network)
        if check_memory and rec["resident_on"] != host:
            needed = vm_memory_need(db, vm)
            available = host_free_memory(db, host)
            if available < needed:
                return Failure("HOST_NOT_ENOUGH_FREE_MEMORY", needed, available)
        return None


def possible_hosts(db: Database, vm: str, exclude: Iterable[str] = ()) -> list[str]:
    """Enabled, live hosts (not in `exclude`) where `vm` could run now."""
    skip = set(exclude)
    with db.lock:
        return [h for h in db.all("host") if h not in skip and boot_error(db, vm, h) is None]


def choose_host(db: Database, vm: str, exclude: Iterable[str] = ()) -> str | None:
    """A host for `vm`: its affinity host when possible, else the one with most free memory;
    None when no enabled, live host has the memory, the SRs and the networks it needs."""
    with db.lock:
        candidates = possible_hosts(db, vm, exclude)
        if not candidates:
            return None
        affinity = db.get(vm, "VM")["affinity"]
        if affinity in candidates:
            return affinity
        return max(candidates, key=lambda h: host_free_memory(db, h))


# -- evacuation -------------------------------------------------------------------------------

def migration_error(db: Database, vm: str) -> Failure | None:
    """Why `vm` cannot be live-migrated now (xapi's pool_migrate operation check)."""
    return operation_error(db, vm, "pool_migrate")


def user_vms_on(db: Database, host: str) -> list[str]:
    """The VMs resident on `host` except its control domain."""
    out = []
    for vm in db.get(host, "host")["resident_VMs"]:
        rec = db.find(vm, "VM")
        if rec and not rec["is_control_domain"]:
            out.append(vm)
    return out


def evacuation_plan(db: Database, host: str) -> dict[str, str | Failure]:
    """For each VM resident on `host`: the host it would move to, or why it cannot move.

    As xapi: no other enabled host ⇒ NO_HOSTS_AVAILABLE [vm]; a VM must be able to boot on
    every target (SRs, networks, live); then a pool_migrate check; then memory is packed
    (largest VM first onto the target with most room), the rest get
    HOST_NOT_ENOUGH_FREE_MEMORY [vm].
    """
    with db.lock:
        vms = user_vms_on(db, host)
        targets = [h for h, rec in db.all("host").items() if h != host and rec["enabled"]]
        if not targets:
            return {vm: Failure("NO_HOSTS_AVAILABLE", vm) for vm in vms}
        plan: dict[str, str | Failure] = {}
        movable = []
        for vm in vms:
            error = next((e for h in targets
                          if (e := boot_error(db, vm, h, check_memory=False)) is not None), None)
            if error is not None:
                plan[vm] = error
            else:
                movable.append(vm)
            error = migration_error(db, vm)
            if error is not None:
                plan[vm] = error
        room = {h: host_free_memory(db, h) for h in targets}
        for vm in sorted(movable, key=lambda v: vm_memory_need(db, v), reverse=True):
            need = vm_memory_need(db, vm)
            best = max(targets, key=lambda h: room[h])
            if room[best] < need:
                plan[vm] = Failure("HOST_NOT_ENOUGH_FREE_MEMORY", vm)
                continue
            room[best] -= need
            plan.setdefault(vm, best)
        return plan


def evacuation_errors(plan: dict[str, str | Failure]) -> dict[str, Failure]:
    return {vm: step for vm, step in plan.items() if isinstance(step, Failure)}
