"""Pool membership between simulated servers running in this process: a standalone server
joins a pool (`pool.join` on the joining server, which finds the coordinator by address), and
an ejected host comes back as a standalone server of its own.

* Simulators register while they serve (`running`), so an address finds its simulator.
* Joining: the pool's database gains the host with its metrics, CPUs, control domain,
  interfaces (each on the pool's network of the same device, else its own network comes
  along), its local SRs with their disks, and a PBD for each of the pool's shared SRs; the
  joining server's own database is left behind (its user VMs with it: xapi keeps the pool's),
  its server stops and the pool serves the host on the same address.
* Ejecting (`pool.eject`, in handlers/pool.py): the host leaves the pool's database; a
  standalone server with the same name and uuid, local storage only and no VMs, answers on its
  address afterwards (xapi resets an ejected host's database).
"""

from __future__ import annotations

import copy
import logging
import threading
import weakref
from typing import TYPE_CHECKING

from xapiman.sim.db import RELATIONS, Database
from xapiman.sim.errors import Failure
from xapiman.sim.model.values import NULL_REF

if TYPE_CHECKING:
    from xapiman.sim.simulator import Simulator

log = logging.getLogger("xapiman.sim.membership")

_RUNNING: weakref.WeakSet[Simulator] = weakref.WeakSet()
_LOCK = threading.Lock()
TOOLS_SR_NAMES = ("XCP-ng Tools", "XenServer Tools")
# The "many" side of each relation, per class: derived from the children, never copied.
_DERIVED: dict[str, set[str]] = {}
for (_cls, _field), (_target, _set) in RELATIONS.items():
    _DERIVED.setdefault(_target, set()).add(_set)


def register(sim: Simulator) -> None:
    with _LOCK:
        _RUNNING.add(sim)


def unregister(sim: Simulator) -> None:
    with _LOCK:
        _RUNNING.discard(sim)


def address_of(text: str) -> str:
    """ "https://127.0.0.1:4430/" -> "127.0.0.1:4430" (a bare address stays as it is)."""
    rest = text.split("://", 1)[-1]
    return rest.split("/", 1)[0]


def simulator_at(address: str) -> tuple[Simulator, str] | None:
    """The running simulator one of whose hosts serves `address`, and that host."""
    wanted = address_of(address)
    with _LOCK:
        sims = list(_RUNNING)
    for sim in sims:
        for host, server in list(sim.servers.items()):
            if server.advertised == wanted:
                return sim, host
    return None


def is_tools_sr(rec: dict) -> bool:
    return bool(rec.get("is_tools_sr")) or rec["name_label"] in TOOLS_SR_NAMES


# -- the checks of the joining server ---------------------------------------------------------

def join_error(db: Database, pool_db: Database) -> Failure | None:
    """Why the only host of `db` cannot join the pool of `pool_db` (xapi's pre-join checks)."""
    if len(db.all("host")) > 1:
        return Failure("JOINING_HOST_CANNOT_BE_MASTER_OF_OTHER_HOSTS")
    if next(iter(pool_db.all("pool").values()))["ha_enabled"]:
        return Failure("HA_IS_ENABLED")
    for rec in db.all("VM").values():
        if rec["is_control_domain"] or rec["is_a_template"] or rec["is_a_snapshot"]:
            continue
        if rec["current_operations"]:
            return Failure("JOINING_HOST_CANNOT_HAVE_VMS_WITH_CURRENT_OPERATIONS")
        if rec["power_state"] in ("Running", "Paused", "Suspended"):
            return Failure("JOINING_HOST_CANNOT_HAVE_RUNNING_OR_SUSPENDED_VMS")
    for rec in db.all("SR").values():
        if rec["shared"] and not is_tools_sr(rec):
            return Failure("JOINING_HOST_CANNOT_CONTAIN_SHARED_SRS")
    for rec in db.all("PIF").values():
        if int(rec["VLAN"]) >= 0 and not rec["management"]:
            return Failure("POOL_JOINING_HOST_HAS_NON_MANAGEMENT_VLANS")
    mine = next(iter(db.all("host").values()))["software_version"].get("product_version")
    theirs = {h["software_version"].get("product_version") for h in pool_db.all("host").values()}
    if mine not in theirs:
        return Failure("POOL_JOINING_HOST_MUST_HAVE_SAME_PRODUCT_VERSION")
    return None


# -- copying the host's records into the pool -------------------------------------------------

def host_records(db: Database, host: str) -> list[tuple[str, str]]:
    """(class, ref) of what goes with `host` into a pool, parents before children."""
    rec = db.get(host, "host")
    out: list[tuple[str, str]] = [("host", host)]

    def add(cls: str, ref: str) -> None:
        if ref != NULL_REF and db.find(ref, cls) is not None and (cls, ref) not in out:
            out.append((cls, ref))

    add("host_metrics", rec["metrics"])
    for cpu in rec["host_CPUs"]:
        add("host_cpu", cpu)
    dom0 = rec["control_domain"]
    add("VM", dom0)
    if db.find(dom0, "VM") is not None:
        add("VM_metrics", db.get(dom0, "VM")["metrics"])
    for pif in rec["PIFs"]:
        add("PIF", pif)
        add("PIF_metrics", db.get(pif, "PIF")["metrics"])
    for pbd in rec["PBDs"]:
        sr = db.get(pbd, "PBD")["SR"]
        if db.get(sr, "SR")["shared"]:
            continue
        add("SR", sr)
        add("PBD", pbd)
        for vdi in db.get(sr, "SR")["VDIs"]:
            add("VDI", vdi)
    return out


def network_map(db: Database, pool_db: Database, host: str, coordinator: str) -> dict[str, str]:
    """The joining host's networks -> the pool's network on the coordinator's PIF of the same
    device (networks without one come along)."""
    theirs = {}
    for pif in pool_db.get(coordinator, "host")["PIFs"]:
        rec = pool_db.get(pif, "PIF")
        theirs[rec["device"]] = rec["network"]
    out = {}
    for pif in db.get(host, "host")["PIFs"]:
        rec = db.get(pif, "PIF")
        if rec["device"] in theirs and rec["VLAN"] in (-1, "-1"):
            out[rec["network"]] = theirs[rec["device"]]
    return out


def _mapped(value: object, refs: dict[str, str], pool_db: Database) -> object:
    if isinstance(value, list):
        return [m for v in value if (m := _mapped(v, refs, pool_db)) != NULL_REF]
    if isinstance(value, dict):
        return {k: _mapped(v, refs, pool_db) if _is_ref(v) else v for k, v in value.items()}
    if not _is_ref(value):
        return value
    assert isinstance(value, str)
    if value in refs:
        return refs[value]
    return value if pool_db.cls_of(value) is not None else NULL_REF


def _is_ref(value: object) -> bool:
    return isinstance(value, str) and value.startswith("OpaqueRef:") and value != NULL_REF


def copy_host(db: Database, pool_db: Database, host: str, coordinator: str) -> None:
    """Write `host` and what goes with it into `pool_db` (same refs and uuids)."""
    moving = host_records(db, host)
    refs = {ref: ref for _cls, ref in moving}
    refs.update(network_map(db, pool_db, host, coordinator))
    for net in {db.get(p, "PIF")["network"] for p in db.get(host, "host")["PIFs"]}:
        if net not in refs:
            moving.insert(1, ("network", net))
            refs[net] = net
    for cls, ref in moving:
        rec = copy.deepcopy(db.get(ref, cls))
        for field in _DERIVED.get(cls, ()):
            if field in rec:
                rec[field] = []
        fields = {k: _mapped(v, refs, pool_db) for k, v in rec.items()}
        if cls in ("VM", "host", "SR", "VDI", "PIF", "PBD"):
            fields.pop("current_operations", None)
        pool_db.create(cls, fields, ref=ref)
    for sr, rec in pool_db.all("SR").items():
        if rec["shared"] and rec["PBDs"]:
            model = pool_db.get(rec["PBDs"][0], "PBD")
            pool_db.create("PBD", {"host": host, "SR": sr, "device_config": model["device_config"],
                                   "currently_attached": True, "other_config": {}})


# -- a standalone server ----------------------------------------------------------------------

def standalone_db(name: str = "", uuid: str = "", seed: int = 7) -> Database:
    """A standalone server: one host (named `name`, with `uuid` when given), local storage
    and the tools ISO only, no VMs."""
    from xapiman.sim.handlers.pool import forget_local_sr
    from xapiman.sim.synth import generate_pool

    db = generate_pool(1, 0, seed=seed, name="")
    with db.lock:
        for sr, rec in list(db.all("SR").items()):
            if rec["shared"] and not is_tools_sr(rec):
                forget_local_sr(db, sr)
        for pif, rec in list(db.all("PIF").items()):  # a fresh server has no VLANs
            if int(rec["VLAN"]) >= 0:
                for ref in (rec["VLAN_master_of"], rec["metrics"], pif):
                    if ref != NULL_REF and db.cls_of(ref) is not None:
                        db.destroy(ref)
                if not db.get(rec["network"], "network")["PIFs"]:
                    db.destroy(rec["network"])
        pool_ref, pool = next(iter(db.all("pool").items()))
        db.update(pool_ref, default_SR=NULL_REF, suspend_image_SR=NULL_REF,
                  crash_dump_SR=NULL_REF)
        host = pool["master"]
        if name:
            db.update(host, name_label=name, hostname=name)
        if uuid:
            db.update(host, uuid=uuid)
    return db


def serve_ejected(sim: Simulator, name: str, uuid: str, port: int) -> Simulator:
    """The ejected host answers on `port` again, as a standalone server."""
    from xapiman.sim.simulator import Simulator

    single = Simulator(standalone_db(name, uuid), copy.copy(sim.config),
                       use_tls=sim.ssl_context is not None, cert=sim.cert, bind=sim.bind,
                       port=port, advertise=sim.advertise)
    single.start()
    sim.spawned.append(single)
    log.info("ejected host %s answers as a standalone server", name)
    return single


def move_server(joiner: Simulator, pool_sim: Simulator, host: str) -> None:
    """After a join: the joining server stops; the pool serves the host on its address."""
    port = joiner.servers[host].port if host in joiner.servers else 0
    joiner.stop()
    pool_sim.revive_host(host, port)
    pool_sim.spawned.append(joiner)  # stopped with the pool (already stopped: a no-op)
