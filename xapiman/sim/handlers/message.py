"""message.*: the pool's alerts (create, query by object or time, destroy) and post_message."""

from __future__ import annotations

import calendar
import time
import weakref

from xapiman.sim.call import Call
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.implicit import parse_where, public
from xapiman.sim.handlers.registry import handler
from xapiman.sim.model.values import DateTime, datetime_of

# The datamodel class each value of the `cls` enum names (classes this simulator lacks
# have no objects, so messages about them are refused as xapi refuses unknown uuids).
CLASS_OF_CLS = {"VM": "VM", "Host": "host", "SR": "SR", "Pool": "pool", "VDI": "VDI",
                "VMPP": "VMPP", "VMSS": "VMSS", "PVS_proxy": "PVS_proxy",
                "Certificate": "Certificate"}

# Priorities xapi gives its own alerts (ocaml/xapi-consts/api_messages.ml): 1 is the most
# urgent, 5 informational.
PRIORITIES = {
    "HA_POOL_OVERCOMMITTED": 3, "HA_HOST_FAILED": 3, "HA_STATEFILE_LOST": 2,
    "VM_STARTED": 5, "VM_SHUTDOWN": 5, "VM_REBOOTED": 5, "VM_MIGRATED": 5, "VM_SUSPENDED": 5,
    "VM_RESUMED": 5, "VM_PAUSED": 5, "VM_UNPAUSED": 5, "VM_SNAPSHOTTED": 5, "VM_CLONED": 5,
    "VM_CRASHED": 2, "HOST_CLOCK_SKEW_DETECTED": 3, "HOST_CLOCK_WENT_BACKWARDS": 1,
    "POOL_MASTER_TRANSITION": 4, "PBD_PLUG_FAILED_ON_SERVER_START": 3, "ALARM": 1,
    "LICENSE_EXPIRES_SOON": 2, "MULTIPATH_PERIODIC_ALERT": 3, "FAILED_LOGIN_ATTEMPTS": 3,
    "BOND_STATUS_CHANGED": 3, "HOST_SERVER_CERTIFICATE_EXPIRED": 1,
}

# Exact creation times (xapi files messages under a float timestamp; the record keeps seconds).
_CREATED: weakref.WeakKeyDictionary[Database, dict[str, float]] = weakref.WeakKeyDictionary()


def _created_times(db: Database) -> dict[str, float]:
    with db.lock:
        found = _CREATED.get(db)
        if found is None:
            found = _CREATED[db] = {}
        return found


def unix_time(stamp: str) -> float:
    """Seconds since the epoch of a XAPI datetime (`YYYYMMDDTHH:MM:SSZ`)."""
    return float(calendar.timegm(time.strptime(stamp, "%Y%m%dT%H:%M:%SZ")))


def created_at(db: Database, ref: str, record: dict) -> float:
    return _created_times(db).get(ref) or unix_time(record["timestamp"])


def post_message(db: Database, name: str, priority: int | None, cls: str, obj_uuid: str,
                 body: str) -> str:
    """Add an alert (no check of the object; for the simulator's own events). Returns its ref.

    `priority` None takes xapi's priority for a known `name` (else 3).
    """
    moment = time.time()
    if priority is None:
        priority = PRIORITIES.get(name, 3)
    with db.lock:
        ref = db.create("message", {"name": name, "priority": priority, "cls": cls,
                                    "obj_uuid": obj_uuid, "timestamp": datetime_of(moment),
                                    "body": body})
        _created_times(db)[ref] = moment
    return ref


def object_exists(db: Database, cls: str, obj_uuid: str) -> bool:
    table = CLASS_OF_CLS.get(cls)
    if table is None or table not in db.tables:
        return False
    return any(rec.get("uuid") == obj_uuid for rec in db.all(table).values())


def newest_first(db: Database, items: list[tuple[str, dict]]) -> dict[str, dict]:
    items.sort(key=lambda item: created_at(db, *item), reverse=True)
    return {ref: public(rec) for ref, rec in items}


def messages_after(db: Database, since: float, about: tuple[str, str] | None = None
                   ) -> dict[str, dict]:
    """Messages created after `since` (unix time), about (cls, obj_uuid) when given."""
    with db.lock:
        items = [(ref, rec) for ref, rec in db.all("message").items()
                 if created_at(db, ref, rec) > since
                 and (about is None or (rec["cls"], rec["obj_uuid"]) == about)]
        return newest_first(db, items)


def get_message(db: Database, ref: str) -> dict:
    record = db.find(ref, "message")
    if record is None:
        raise Failure("HANDLE_INVALID", "message", ref)
    return record


def destroy_message(db: Database, ref: str) -> None:
    with db.lock:
        get_message(db, ref)
        db.destroy(ref)
        _created_times(db).pop(ref, None)


@handler("message", "create")
def create(call: Call, name: str, priority: int, cls: str, obj_uuid: str, body: str) -> str:
    if not object_exists(call.db, cls, obj_uuid):
        raise Failure("UUID_INVALID", cls, obj_uuid)
    return post_message(call.db, name, priority, cls, obj_uuid, body)


@handler("message", "destroy")
def destroy(call: Call, self: str) -> None:
    destroy_message(call.db, self)


@handler("message", "destroy_many")
def destroy_many(call: Call, messages: list[str]) -> None:
    for ref in messages:
        destroy_message(call.db, ref)


@handler("message", "destroy_all")
def destroy_all(call: Call, filters: dict[str, str]) -> None:
    """Filters: before / after (datetimes), priority."""
    db = call.db
    before = unix_time(filters["before"]) if "before" in filters else None
    after = unix_time(filters["after"]) if "after" in filters else None
    priority = int(filters["priority"]) if "priority" in filters else None
    with db.lock:
        for ref, rec in list(db.all("message").items()):
            moment = unix_time(rec["timestamp"])
            if before is not None and not moment < before:
                continue
            if after is not None and not moment > after:
                continue
            if priority is not None and rec["priority"] != priority:
                continue
            destroy_message(db, ref)


@handler("message", "get")
def get(call: Call, cls: str, obj_uuid: str, since: DateTime) -> dict[str, dict]:
    if not object_exists(call.db, cls, obj_uuid):
        raise Failure("UUID_INVALID")
    return messages_after(call.db, unix_time(since), (cls, obj_uuid))


@handler("message", "get_since")
def get_since(call: Call, since: DateTime) -> dict[str, dict]:
    return messages_after(call.db, unix_time(since))


@handler("message", "get_all")
def get_all(call: Call) -> list[str]:
    return list(call.db.all("message"))


@handler("message", "get_record")
def get_record(call: Call, self: str) -> dict:
    return public(get_message(call.db, self))


@handler("message", "get_by_uuid")
def get_by_uuid(call: Call, uuid: str) -> str:
    for ref, rec in call.db.all("message").items():
        if rec["uuid"] == uuid:
            return ref
    raise Failure("UUID_INVALID", "message", uuid)


@handler("message", "get_all_records")
def get_all_records(call: Call) -> dict[str, dict]:
    return messages_after(call.db, 0.0)


@handler("message", "get_all_records_where")
def get_all_records_where(call: Call, expr: str) -> dict[str, dict]:
    test = parse_where(expr)
    with call.db.lock:
        items = [(ref, rec) for ref, rec in call.db.all("message").items() if test(rec)]
        return newest_first(call.db, items)


# -- alerts of a freshly generated pool ---------------------------------------------------------

def add_sample_messages(db: Database) -> None:
    """A few alerts such as a real pool shows (called once by synth.generate_pool)."""
    hosts = list(db.all("host").values())
    vms = [rec for rec in db.all("VM").values()
           if not rec["is_a_template"] and not rec["is_control_domain"]]
    if not hosts:
        return
    post_message(db, "POOL_MASTER_TRANSITION", None, "Host", hosts[0]["uuid"], "")
    if len(hosts) > 1:
        post_message(db, "HOST_CLOCK_SKEW_DETECTED", None, "Host", hosts[-1]["uuid"],
                     f"The clock of host {hosts[-1]['name_label']} differs from the "
                     "coordinator's clock by 4 seconds. Please check NTP.")
    running = [rec for rec in vms if rec["power_state"] == "Running"]
    for rec in running[:3]:
        post_message(db, "VM_STARTED", None, "VM", rec["uuid"],
                     f"VM '{rec['name_label']}' started.")
    if running:
        post_message(db, "ALARM", None, "VM", running[-1]["uuid"],
                     '<value><variable><name value="cpu_usage"/><value value="0.93"/>'
                     "</variable></value>")
