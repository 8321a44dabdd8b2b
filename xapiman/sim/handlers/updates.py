"""Updates: pool_update (introduce from an uploaded VDI, precheck, apply on a host or the whole
pool, clean, destroy) and the deprecated pool_patch / host_patch, which xapi keeps in step with
the updates and forwards to them."""

from __future__ import annotations

import uuid as uuidlib

from xapiman.sim.call import Call
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.registry import handler
from xapiman.sim.model.values import NULL_REF, now
from xapiman.sim.storage import destroy_vdi

APPLY_SECONDS = 20.0
PRECHECK_SECONDS = 3.0


def patch_uuid(update_uuid: str) -> str:
    """The uuid of the pool_patch xapi makes for an update (bytes 4 to 7 zeroed)."""
    raw = bytearray(uuidlib.UUID(update_uuid).bytes)
    raw[4:8] = b"\0\0\0\0"
    return str(uuidlib.UUID(bytes=bytes(raw)))


def add_update(db: Database, fields: dict[str, object]) -> str:
    """A pool_update with its pool_patch twin (the update's uuid must be set)."""
    update = db.create("pool_update", fields)
    rec = db.get(update, "pool_update")
    db.create("pool_patch", {
        "uuid": patch_uuid(rec["uuid"]), "name_label": rec["name_label"],
        "name_description": rec["name_description"], "version": rec["version"],
        "size": rec["installation_size"], "pool_applied": False,
        "after_apply_guidance": list(rec["after_apply_guidance"]), "pool_update": update,
    })
    return update


def patch_of(db: Database, update: str) -> str | None:
    return next((ref for ref, _ in db.where("pool_patch", pool_update=update)), None)


def mark_applied(db: Database, update: str, host: str) -> None:
    """What xapi's resync after an apply leaves: the host lists the update (and the reboot it
    asks for), and a host_patch records it against the pool_patch."""
    host_rec = db.get(host, "host")
    rec = db.get(update, "pool_update")
    changes: dict[str, object] = {"updates": [*host_rec["updates"], update]}
    if "restartHost" in rec["after_apply_guidance"]:
        changes["updates_requiring_reboot"] = [*host_rec["updates_requiring_reboot"], update]
        if "reboot_host" not in host_rec["pending_guidances"]:
            changes["pending_guidances"] = [*host_rec["pending_guidances"], "reboot_host"]
    db.update(host, **changes)
    patch = patch_of(db, update)
    if patch is not None:
        db.create("host_patch", {
            "name_label": rec["name_label"], "name_description": rec["name_description"],
            "version": rec["version"], "host": host, "pool_patch": patch, "applied": True,
            "timestamp_applied": now(), "size": rec["installation_size"]})
        if all(update in h["updates"] for h in db.all("host").values()):
            db.update(patch, pool_applied=True)


@handler("pool_update", "introduce")
def introduce(call: Call, vdi: str) -> str:
    """The update an uploaded update ISO holds (the simulator reads its name from the VDI)."""
    db = call.db
    with db.lock:
        rec = db.get(vdi, "VDI")
        if rec["type"] == "cbt_metadata":
            raise Failure("VDI_INCOMPATIBLE_TYPE", vdi, "cbt_metadata")
        for ref, update in db.all("pool_update").items():
            if update["vdi"] == vdi:
                return ref
        label = rec["name_label"].removesuffix(".iso") or "update"
        return add_update(db, {
            "uuid": str(uuidlib.uuid4()), "name_label": label,
            "name_description": rec["name_description"], "version": "1.0",
            "installation_size": rec["virtual_size"], "after_apply_guidance": ["restartHost"],
            "vdi": vdi, "enforce_homogeneity": True, "key": ""})


def _assert_present(db: Database, update: str) -> dict:
    rec = db.get(update, "pool_update")
    if db.find(rec["vdi"], "VDI") is None:
        raise Failure("CANNOT_FIND_UPDATE")
    return rec


@handler("pool_update", "precheck")
def precheck(call: Call, self: str, host: str) -> str:
    with call.db.lock:
        call.db.get(host, "host")
        _assert_present(call.db, self)
    call.sleep(PRECHECK_SECONDS, steps=1)
    return "ok"


@handler("pool_update", "apply")
def apply(call: Call, self: str, host: str) -> None:
    db = call.db
    with db.lock:
        if self in db.get(host, "host")["updates"]:
            raise Failure("UPDATE_ALREADY_APPLIED", self)
    precheck(call, self, host)
    call.sleep(APPLY_SECONDS, steps=4)
    with db.lock:
        if self in db.get(host, "host")["updates"]:
            raise Failure("UPDATE_ALREADY_APPLIED", self)
        mark_applied(db, self, host)


@handler("pool_update", "pool_apply")
def pool_apply(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        db.get(self, "pool_update")
        hosts = [h for h, rec in db.all("host").items() if self not in rec["updates"]]
    if not hosts:
        raise Failure("UPDATE_ALREADY_APPLIED_IN_POOL", self)
    failed = []
    for host in hosts:
        try:
            with call.sub_call("pool_update.apply") as sub:
                apply(sub, self, host)
        except Failure:
            failed.append(host)
    if failed:
        raise Failure("UPDATE_POOL_APPLY_FAILED", *failed)


@handler("pool_update", "pool_clean")
def pool_clean(call: Call, self: str) -> None:
    """The update's ISO goes (it stays applied where it was)."""
    db = call.db
    with db.lock:
        vdi = db.get(self, "pool_update")["vdi"]
        if db.find(vdi, "VDI") is not None:
            destroy_vdi(db, vdi)
        db.update(self, vdi=NULL_REF)


@handler("pool_update", "destroy")
def destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        if db.get(self, "pool_update")["hosts"]:
            raise Failure("UPDATE_IS_APPLIED")
        patch = patch_of(db, self)
        db.destroy(self)
        if patch is not None:
            db.destroy(patch)


# -- the deprecated patches, forwarded to their updates ---------------------------------------


def _update_of(call: Call, patch: str) -> str:
    return call.db.get(patch, "pool_patch")["pool_update"]


@handler("pool_patch", "precheck")
def patch_precheck(call: Call, self: str, host: str) -> str:
    precheck(call, _update_of(call, self), host)
    return ""


@handler("pool_patch", "apply")
def patch_apply(call: Call, self: str, host: str) -> str:
    apply(call, _update_of(call, self), host)
    return ""


@handler("pool_patch", "pool_apply")
def patch_pool_apply(call: Call, self: str) -> None:
    update = _update_of(call, self)
    for host in list(call.db.all("host")):
        with call.sub_call("pool_patch.apply") as sub:
            apply(sub, update, host)
    with call.db.lock:
        call.db.update(self, pool_applied=True)


@handler("pool_patch", "clean", "clean_on_host")
def patch_clean(call: Call, self: str, host: str | None = None) -> None:
    call.db.get(self, "pool_patch")


@handler("pool_patch", "pool_clean")
def patch_pool_clean(call: Call, self: str) -> None:
    pool_clean(call, _update_of(call, self))


@handler("pool_patch", "destroy")
def patch_destroy(call: Call, self: str) -> None:
    destroy(call, _update_of(call, self))


@handler("host_patch", "apply")
def host_patch_apply(call: Call, self: str) -> None:
    call.db.get(self, "host_patch")
    raise Failure("MESSAGE_DEPRECATED")


@handler("host_patch", "destroy")
def host_patch_destroy(call: Call, self: str) -> None:
    with call.db.lock:
        call.db.get(self, "host_patch")
        call.db.destroy(self)
