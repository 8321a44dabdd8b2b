"""High availability: pool.enable_ha / disable_ha (statefile and metadata disks on a shared
SR), the failover plan questions (pool.ha_compute_*, ha_failover_plan_exists), the number
of failures tolerated, overcommitment, VM restart priorities and SR.assert_can_host_ha_statefile
(the rules are in sim/ha.py)."""

from __future__ import annotations

from xapiman.sim import build, ha
from xapiman.sim.build import MiB
from xapiman.sim.call import Call
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.pool import pool_operation
from xapiman.sim.handlers.registry import handler
from xapiman.sim.placement import host_is_live

# Simulated seconds.
HA_TIME = 8.0  # enable_ha / disable_ha
STATEFILE_SIZE = 4 * MiB
HA_METADATA_SIZE = 256 * MiB


def statefile_sr(call: Call, heartbeat_srs: list[str]) -> str:
    """The SR for the statefile: the first of `heartbeat_srs` (each checked), else the first
    shared SR that can hold it (CANNOT_CREATE_STATE_FILE when none)."""
    db = call.db
    for sr in heartbeat_srs:
        error = ha.statefile_error(db, sr)
        if error is not None:
            raise error
    if heartbeat_srs:
        return heartbeat_srs[0]
    for ref in db.all("SR"):
        if ha.statefile_error(db, ref) is None:
            return ref
    raise Failure("CANNOT_CREATE_STATE_FILE")


@handler("pool", "enable_ha")
def enable_ha(call: Call, heartbeat_srs: list[str], configuration: dict[str, str]) -> None:
    db, pool = call.db, call.sim.pool_ref()
    with pool_operation(call, "ha_enable"):
        for host, rec in db.all("host").items():
            if not host_is_live(db, host):
                raise Failure("HOST_OFFLINE", host)
            if not rec["enabled"]:
                raise Failure("HA_POOL_IS_ENABLED_BUT_HOST_IS_DISABLED")
        sr = statefile_sr(call, heartbeat_srs)
        for vm, rec in db.all("VM").items():
            if ha.user_vm(rec) and ha.is_protected(rec["ha_restart_priority"]):
                error = ha.agility_error(db, vm)
                if error is not None:
                    raise error
        call.sleep(HA_TIME)
        with db.lock:
            statefile = build.add_vdi(db, sr, "Statefile for HA", STATEFILE_SIZE,
                                      used=STATEFILE_SIZE, vdi_type="ha_statefile")
            build.add_vdi(db, sr, "Metadata for HA", HA_METADATA_SIZE, vdi_type="redo_log")
            config = {"timeout": str(int(ha.DEFAULT_TIMEOUT)), **configuration}
            # xapi keeps the statefile VDIs' refs in these string sets
            db.update(pool, ha_enabled=True, ha_statefiles=[statefile],
                      ha_configuration=config, ha_cluster_stack="xhad")
            ha.arm_hosts(db, statefile)
            ha.refresh_plan(db, announce=True)


@handler("pool", "disable_ha")
def disable_ha(call: Call) -> None:
    db, pool = call.db, call.sim.pool_ref()
    with pool_operation(call, "ha_disable"):
        call.sleep(HA_TIME / 2)
        with db.lock:
            ha.forget_statefiles(db)
            ha.clear_host_fields(db)
            db.update(pool, ha_enabled=False, ha_statefiles=[], ha_configuration={},
                      ha_plan_exists_for=0, ha_overcommitted=False)


@handler("pool", "ha_compute_max_host_failures_to_tolerate")
def compute_max(call: Call) -> int:
    return ha.max_failures(call.db)


@handler("pool", "ha_compute_hypothetical_max_host_failures_to_tolerate")
def compute_hypothetical(call: Call, configuration: dict[str, str]) -> int:
    db = call.db
    for vm, priority in configuration.items():
        db.get(vm, "VM")
        if priority not in ha.PRIORITIES:
            raise Failure("INVALID_VALUE", "ha_restart_priority", priority)
    return ha.max_failures(db, configuration)


@handler("pool", "ha_failover_plan_exists")
def failover_plan_exists(call: Call, n: int) -> bool:
    return ha.max_failures(call.db) >= n


@handler("pool", "set_ha_host_failures_to_tolerate")
def set_failures_to_tolerate(call: Call, self: str, value: int) -> None:
    db = call.db
    db.get(self, "pool")
    if value < 0:
        raise Failure("INVALID_VALUE", "ha_host_failures_to_tolerate", str(value))
    with db.lock:
        ha.assert_plan_kept(db, tolerated=value)
        db.update(self, ha_host_failures_to_tolerate=value)
        ha.refresh_plan(db, announce=True)


@handler("pool", "set_ha_allow_overcommit")
def set_allow_overcommit(call: Call, self: str, value: bool) -> None:
    db = call.db
    db.get(self, "pool")
    with db.lock:
        db.update(self, ha_allow_overcommit=value)
        ha.refresh_plan(db)


@handler("VM", "set_ha_restart_priority")
def set_restart_priority(call: Call, self: str, value: str) -> None:
    db = call.db
    rec = db.get(self, "VM")
    if value not in ha.PRIORITIES:
        raise Failure("INVALID_VALUE", "ha_restart_priority", value)
    with db.lock:
        _pool, pool = ha.pool_of(db)
        if pool["ha_enabled"] and ha.is_protected(value) and ha.user_vm(rec):
            error = ha.agility_error(db, self)
            if error is not None:
                raise error
            ha.assert_plan_kept(db, {self: value})
        db.update(self, ha_restart_priority=value)
        ha.refresh_plan(db, announce=True)


@handler("SR", "assert_can_host_ha_statefile")
def assert_can_host_statefile(call: Call, sr: str) -> None:
    error = ha.statefile_error(call.db, sr)
    if error is not None:
        raise error
