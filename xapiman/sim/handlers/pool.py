"""pool.*: designate_new_master, eject, join (sim/membership.py), sync_database, licence state,
and the pool's allowed/current operations."""

from __future__ import annotations

import threading

from xapiman.sim import membership
from xapiman.sim.call import Call
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure, internal_error
from xapiman.sim.handlers.host import assert_live, prepare_hosts
from xapiman.sim.handlers.message import add_sample_messages, post_message
from xapiman.sim.handlers.network import refresh_vif_operations
from xapiman.sim.handlers.registry import handler
from xapiman.sim.model.spec import ENUMS
from xapiman.sim.model.values import NULL_REF
from xapiman.sim.operations import refresh_allowed, running_operation

POOL_OPERATIONS: tuple[str, ...] = ENUMS["pool_allowed_operations"]
# Operations that refuse to run beside each other, with the error they give (xapi_pool_helpers).
BLOCKING = {
    "ha_enable": "HA_ENABLE_IN_PROGRESS", "ha_disable": "HA_DISABLE_IN_PROGRESS",
    "cluster_create": "CLUSTER_CREATE_IN_PROGRESS",
    "designate_new_master": "DESIGNATE_NEW_MASTER_IN_PROGRESS",
    "tls_verification_enable": "TLS_VERIFICATION_ENABLE_IN_PROGRESS",
    "configure_repositories": "CONFIGURE_REPOSITORIES_IN_PROGRESS",
    "sync_updates": "SYNC_UPDATES_IN_PROGRESS", "sync_bundle": "SYNC_BUNDLE_IN_PROGRESS",
    "apply_updates": "APPLY_UPDATES_IN_PROGRESS",
}
# Simulated seconds.
TRANSITION_TIME = 5.0  # designate_new_master: database hand-over and restarts


def operation_errors(db: Database, pool: str) -> dict[str, Failure | None]:
    """For each pool operation, the error it would meet now (None: allowed)."""
    rec = db.get(pool, "pool")
    current = list(rec["current_operations"].items())
    errors: dict[str, Failure | None] = dict.fromkeys(POOL_OPERATIONS)
    blocking = next((op for _task, op in current if op in BLOCKING), None)
    waiting = next(((t, op) for t, op in current if op not in BLOCKING), None)
    busy = Failure("OTHER_OPERATION_IN_PROGRESS", "pool", pool,
                   *((waiting[1], waiting[0]) if waiting else ()))
    for op in POOL_OPERATIONS:
        if blocking is not None:
            errors[op] = Failure(BLOCKING[blocking]) if op in BLOCKING else busy
        elif waiting is not None:
            errors[op] = busy
    if current:
        return errors
    if rec["ha_enabled"]:
        errors["ha_enable"] = errors["tls_verification_enable"] = Failure("HA_IS_ENABLED")
    else:
        errors["ha_disable"] = Failure("HA_NOT_ENABLED")
    return errors


def pool_operation(call: Call, op: str):
    return running_operation(call, call.sim.pool_ref(), op, operation_errors)


def refresh_pool_operations(db: Database) -> None:
    for pool in db.all("pool"):
        refresh_allowed(db, pool, operation_errors)


# -- the coordinator --------------------------------------------------------------------------

@handler("pool", "designate_new_master")
def designate_new_master(call: Call, host: str) -> None:
    db, sim = call.db, call.sim
    db.get(host, "host")
    with pool_operation(call, "designate_new_master"):
        assert_live(call, host)
        if host == sim.coordinator:
            return  # already the coordinator: nothing to do
        if db.get(sim.pool_ref(), "pool")["ha_enabled"]:
            raise Failure("HA_IS_ENABLED")
        call.sleep(TRANSITION_TIME)
        with db.lock:
            db.update(sim.pool_ref(), master=host)
    # Both hosts restart their toolstack; sessions (never persisted) are gone.
    db.after_commit(sim.sessions.expire_all)
    post_message(db, "POOL_MASTER_TRANSITION", None, "Host", db.get(host, "host")["uuid"], "")


@handler("pool", "sync_database")
def sync_database(call: Call) -> None:
    call.sleep(1.0)


@handler("pool", "get_license_state")
def get_license_state(call: Call, self: str) -> dict[str, str]:
    db = call.db
    db.get(self, "pool")
    hosts = list(db.all("host").values())
    editions = sorted({h["edition"] for h in hosts if h["edition"]})
    expiries = sorted(h["license_params"].get("expiry", "") for h in hosts)
    expiry = expiries[0] if expiries and expiries[0] else "never"
    return {"edition": editions[0] if editions else "free", "expiry": expiry}


# -- eject ------------------------------------------------------------------------------------

@handler("pool", "eject")
def eject(call: Call, host: str) -> None:
    db, sim = call.db, call.sim
    db.get(host, "host")
    with pool_operation(call, "eject"):
        assert_live(call, host)
        if db.get(sim.pool_ref(), "pool")["ha_enabled"]:
            raise Failure("HA_IS_ENABLED")
        if host == sim.coordinator:
            raise internal_error("Xapi_pool.Cannot_eject_master")
        for vm in db.get(host, "host")["resident_VMs"]:
            rec = db.get(vm, "VM")
            if not rec["is_control_domain"] and rec["power_state"] != "Halted":
                raise Failure("OPERATION_NOT_ALLOWED", "VM resident on host")
        call.sleep(10.0)
        with db.lock:
            rec = db.get(host, "host")
            name, uuid = rec["name_label"], rec["uuid"]
            port = sim.servers[host].port if host in sim.servers else 0
            forget_host(db, host)

        def standalone() -> None:  # the host restarts on its own
            sim.stop_host(host, hold=False)  # its own server takes the port
            membership.serve_ejected(sim, name, uuid, port)

        db.after_commit(standalone)


@handler("pool", "join", "join_force")
def join(call: Call, master_address: str, master_username: str, master_password: str) -> None:
    """This standalone server joins the pool whose coordinator answers at `master_address`."""
    sim, db = call.sim, call.db
    found = membership.simulator_at(master_address)
    if found is None or found[0] is sim:
        raise Failure("JOINING_HOST_CONNECTION_FAILED")
    pool_sim, their_host = found
    if their_host != pool_sim.coordinator:
        raise Failure("HOST_IS_SLAVE", pool_sim.db.get(pool_sim.coordinator, "host")["address"])
    config = pool_sim.config
    if master_username != config.user or master_password != config.password:
        raise Failure("SESSION_AUTHENTICATION_FAILED", master_username,
                      "Authentication failure")
    with db.lock, pool_sim.db.lock:
        error = membership.join_error(db, pool_sim.db)
        if error is not None:
            raise error
    call.sleep(10.0)
    host = sim.coordinator
    # the pool's database changes too: taken back should this call fail on the way
    with pool_sim.db.lock, pool_sim.db.transaction(call.checkpoint, into_outer=False):
        if pool_sim.db.find(host, "host") is not None:
            raise internal_error("the host is in the pool already")
        membership.copy_host(db, pool_sim.db, host, pool_sim.coordinator)
        prepare_hosts(pool_sim.db)
        refresh_pool_operations(pool_sim.db)
    # the joining server restarts as a supporter of the pool (after answering this call)
    timer = threading.Timer(0.2, membership.move_server, (sim, pool_sim, host))
    timer.daemon = True
    timer.start()


def destroy_if_present(db: Database, ref: str) -> None:
    cls = db.cls_of(ref)
    if cls is not None:
        db.destroy(ref)


def forget_host(db: Database, host: str) -> None:
    """Remove `host` and what only it had: metrics, CPUs, PIFs, PBDs, control domain, local SRs."""
    rec = db.get(host, "host")
    for pif in list(rec["PIFs"]):
        destroy_if_present(db, db.get(pif, "PIF")["metrics"])
        destroy_if_present(db, pif)
    for sr in {db.get(pbd, "PBD")["SR"] for pbd in rec["PBDs"]}:
        if not db.get(sr, "SR")["shared"]:
            forget_local_sr(db, sr)
    for pbd in list(db.get(host, "host")["PBDs"]):
        destroy_if_present(db, pbd)
    for cpu in list(rec["host_CPUs"]):
        destroy_if_present(db, cpu)
    dom0 = db.find(rec["control_domain"], "VM")
    if dom0 is not None:
        for console in dom0["consoles"]:
            destroy_if_present(db, console)
        destroy_if_present(db, dom0["metrics"])
        destroy_if_present(db, rec["control_domain"])
    for vm, _rec in list(db.where("VM", affinity=host)):
        db.update(vm, affinity=NULL_REF)
    destroy_if_present(db, rec["metrics"])
    db.destroy(host)


def forget_local_sr(db: Database, sr: str) -> None:
    for vdi in list(db.get(sr, "SR")["VDIs"]):
        for vbd in list(db.get(vdi, "VDI")["VBDs"]):
            destroy_if_present(db, vbd)
        destroy_if_present(db, vdi)
    for pbd in list(db.get(sr, "SR")["PBDs"]):
        destroy_if_present(db, pbd)
    db.destroy(sr)


# -- a freshly generated pool -------------------------------------------------------------------

def finish_generated_pool(db: Database) -> None:
    """What xapi computes or creates by itself, for a pool made by synth.generate_pool:
    allowed operations (hosts, pool, VIFs), the host-internal management network flag, a few alerts."""
    prepare_hosts(db)
    refresh_pool_operations(db)
    for ref, rec in db.all("network").items():
        if rec["bridge"] == "xenapi":
            other = {**rec["other_config"], "is_host_internal_management_network": "true"}
            db.update(ref, other_config=other)
    for vif in list(db.all("VIF")):
        refresh_vif_operations(db, vif)
    add_sample_messages(db)
