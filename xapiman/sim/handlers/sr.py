"""SR handlers (create, introduce, scan, update, forget, destroy, setters) and the rules
for SR allowed_operations."""

from __future__ import annotations

import contextlib

from xapiman.sim import storage_net
from xapiman.sim.call import Call
from xapiman.sim.db import Database, new_uuid
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.pbd import (
    DRIVERS,
    assert_no_srmaster_key,
    check_device_config,
    iso_library,
    plug,
    storage_size,
)
from xapiman.sim.handlers.registry import handler
from xapiman.sim.handlers.vdi import (
    assert_sr_attached,
    refresh_sr_vdis,
    stash_sr_contents,
    synchronise,
)
from xapiman.sim.storage import (
    RULES,
    changing_backend,
    drop_vdi_record,
    marked,
    recount,
    refresh_operations,
    refusals,
    sm_features,
)

LISTED = ("scan", "destroy", "forget", "plug", "unplug", "vdi_create", "vdi_destroy",
          "vdi_resize", "vdi_resize_online", "vdi_clone", "vdi_snapshot", "vdi_mirror",
          "vdi_enable_cbt", "vdi_disable_cbt", "vdi_data_destroy", "vdi_list_changed_blocks",
          "vdi_set_on_boot", "vdi_introduce", "update", "pbd_create", "pbd_destroy")
# SR operations that need a feature of the SR's driver (xapi's sm_cap_table).
FEATURE_OF_OP = {
    "vdi_create": "VDI_CREATE", "vdi_destroy": "VDI_DELETE", "vdi_resize": "VDI_RESIZE",
    "vdi_resize_online": "VDI_RESIZE", "vdi_introduce": "VDI_INTRODUCE",
    "vdi_mirror": "VDI_MIRROR", "vdi_enable_cbt": "VDI_CONFIG_CBT",
    "vdi_disable_cbt": "VDI_CONFIG_CBT", "vdi_data_destroy": "VDI_CONFIG_CBT",
    "vdi_list_changed_blocks": "VDI_CONFIG_CBT", "vdi_set_on_boot": "VDI_RESET_ON_BOOT",
    "update": "SR_UPDATE", "vdi_snapshot": "VDI_SNAPSHOT",
}
SR_DURATION = {"create": 4.0, "scan": 2.0, "destroy": 3.0, "forget": 1.0}


def sr_operation_errors(db: Database, sr: str) -> dict[str, Failure | None]:
    """The error each SR operation would meet now, in xapi's order of checks."""
    rec = db.get(sr, "SR")
    table, refuse = refusals(LISTED)
    features = sm_features(db, rec)
    refuse(Failure("SR_OPERATION_NOT_SUPPORTED", sr),
           *(op for op, feature in FEATURE_OF_OP.items() if feature not in features))
    if any(db.get(pbd, "PBD")["currently_attached"] for pbd in rec["PBDs"]):
        refuse(Failure("SR_HAS_PBD", sr), "destroy", "forget")
    if not rec["PBDs"]:
        refuse(Failure("SR_HAS_NO_PBDS", sr), "destroy")
    if any(_holds_data(db, vdi) for vdi in rec["VDIs"]):
        refuse(Failure("SR_NOT_EMPTY"), "destroy")
    running = sorted(rec["current_operations"].items(), key=lambda item: item[1])
    if running:
        task, op = running[0]
        refuse(Failure("OTHER_OPERATION_IN_PROGRESS", "SR", sr, op, task),
               *(o for o in LISTED if o != "plug"))
    for task, op in running:
        if op != "plug":
            refuse(Failure("OTHER_OPERATION_IN_PROGRESS", "SR", sr, op, task), "plug")
    return table


def _holds_data(db: Database, vdi: str) -> bool:
    rec = db.get(vdi, "VDI")
    return rec["managed"] and rec["type"] != "rrd"


RULES["SR"] = sr_operation_errors


def refresh_storage(db: Database) -> None:
    """Recompute allowed_operations of every SR, VDI and VBD (after building a pool)."""
    with db.lock:
        for sr in list(db.all("SR")):
            refresh_operations(db, sr)
            refresh_sr_vdis(db, sr)
        for vbd in list(db.all("VBD")):
            refresh_operations(db, vbd)


# -- creation ----------------------------------------------------------------------------------


def _driver(sr_type: str) -> str:
    name = sr_type.lower()
    if name not in DRIVERS:
        raise Failure("SR_UNKNOWN_DRIVER", sr_type)
    return name


@handler("SR", "create")
def sr_create(call: Call, host: str, device_config: dict, physical_size: int, name_label: str,
              name_description: str, sr_type: str, content_type: str, shared: bool,
              sm_config: dict | None = None) -> str:
    """Make the SR on its storage, one PBD per host that sees it, and plug them all."""
    db = call.db
    db.get(host, "host")
    driver = _driver(sr_type)
    with db.lock:
        assert_no_srmaster_key(device_config)
        storage_net.check(db, host, driver, device_config)
        check_device_config(db, driver, device_config)
    call.sleep(SR_DURATION["create"])
    with db.lock:
        sr = db.create("SR", {
            "name_label": name_label, "name_description": name_description, "type": driver,
            "content_type": content_type, "shared": shared, "sm_config": dict(sm_config or {}),
            "physical_size": storage_size(db, driver, device_config, physical_size),
            "physical_utilisation": 0, "virtual_allocation": 0, "other_config": {},
        })
        hosts = _hosts_seeing(db, host, shared)
        pbds = [db.create("PBD", {"host": h, "SR": sr, "device_config": dict(device_config),
                                  "currently_attached": False}) for h in hosts]
        if driver == "iso":
            _fill_iso_library(db, db.get(sr, "SR")["uuid"], device_config.get("location", ""))
        refresh_operations(db, sr)
    for pbd in pbds:  # xapi waits for every plug; one that fails leaves its PBD unplugged
        with contextlib.suppress(Failure):
            plug(call, pbd, seconds=0.0)
    return sr


def _hosts_seeing(db: Database, host: str, shared: bool) -> list[str]:
    """The hosts given PBDs: all (coordinator first) for a shared SR, else `host`."""
    if not shared:
        return [host]
    coordinator = next(iter(db.all("pool").values()))["master"]
    return [coordinator, *(h for h in db.all("host") if h != coordinator)]


def _fill_iso_library(db: Database, sr_uuid: str, location: str) -> None:
    kept = changing_backend(db).hidden.setdefault(sr_uuid, [])
    for name, size in iso_library(location):
        kept.append({"uuid": new_uuid(), "name_label": name, "location": name, "virtual_size": size,
                     "physical_utilisation": size, "type": "user", "read_only": True,
                     "sm_config": {}})


@handler("SR", "make")
def sr_make(call: Call, *_args: object) -> str:
    raise Failure("MESSAGE_DEPRECATED")


@handler("SR", "introduce")
def sr_introduce(call: Call, uuid: str, name_label: str, name_description: str, sr_type: str,
                 content_type: str, shared: bool, sm_config: dict | None = None) -> str:
    """An SR record for storage that already exists; its PBDs are created and plugged later."""
    db = call.db
    with db.lock:
        if uuid and any(rec["uuid"] == uuid for rec in db.all("SR").values()):
            raise Failure("SR_UUID_EXISTS", uuid)
        fields = {"name_label": name_label, "name_description": name_description,
                  "type": sr_type.lower(), "content_type": content_type, "shared": shared,
                  "sm_config": dict(sm_config or {}), "physical_size": -1,
                  "physical_utilisation": -1, "virtual_allocation": 0, "other_config": {}}
        if uuid:
            fields["uuid"] = uuid
        sr = db.create("SR", fields)
        refresh_operations(db, sr)
        return sr


@handler("SR", "get_supported_types")
def sr_get_supported_types(call: Call) -> list[str]:
    return list(DRIVERS)


# -- life ----------------------------------------------------------------------------------------


@handler("SR", "scan")
def sr_scan(call: Call, sr: str) -> None:
    db = call.db
    db.get(sr, "SR")
    with marked(call, (sr, "scan")):
        assert_sr_attached(db, sr)
        call.sleep(SR_DURATION["scan"])
        synchronise(db, sr)


@handler("SR", "update")
def sr_update(call: Call, sr: str) -> None:
    """Re-read the SR's sizes (xapi runs it without marking the SR)."""
    db = call.db
    with db.lock:
        assert_sr_attached(db, sr)
        recount(db, sr)


@handler("SR", "forget")
def sr_forget(call: Call, sr: str) -> None:
    """Remove the SR, its PBDs and VDIs from the database; the storage keeps its data."""
    db = call.db
    db.get(sr, "SR")
    with marked(call, (sr, "forget")):
        call.sleep(SR_DURATION["forget"])
        with db.lock:
            stash_sr_contents(db, sr)
            remove_sr_records(db, sr)


@handler("SR", "destroy")
def sr_destroy(call: Call, sr: str) -> None:
    """Delete the SR's storage (it must hold no disks) and every record of it."""
    db = call.db
    db.get(sr, "SR")
    with marked(call, (sr, "destroy")):
        if db.get(sr, "SR")["other_config"].get("indestructible") == "true":
            raise Failure("SR_INDESTRUCTIBLE", sr)
        call.sleep(SR_DURATION["destroy"])
        with db.lock:
            uuid = db.get(sr, "SR")["uuid"]
            store = changing_backend(db)
            for table in (store.hidden, store.vanished, store.forgotten_srs):
                table.pop(uuid, None)
            remove_sr_records(db, sr)


def remove_sr_records(db: Database, sr: str) -> None:
    rec = db.get(sr, "SR")
    for pbd in list(rec["PBDs"]):
        db.destroy(pbd)
    for vdi in list(rec["VDIs"]):
        drop_vdi_record(db, vdi)
    db.destroy(sr)


# -- fields ----------------------------------------------------------------------------------------


@handler("SR", "set_shared")
def sr_set_shared(call: Call, sr: str, value: bool) -> None:
    db = call.db
    with db.lock:
        pbds = db.get(sr, "SR")["PBDs"]
        if not value and len(pbds) > 1:
            raise Failure("SR_HAS_MULTIPLE_PBDS", *pbds)
        db.update(sr, shared=value)


@handler("SR", "set_name_label")
def sr_set_name_label(call: Call, sr: str, value: str) -> None:
    _set_on_driver(call.db, sr, name_label=value)


@handler("SR", "set_name_description")
def sr_set_name_description(call: Call, sr: str, value: str) -> None:
    _set_on_driver(call.db, sr, name_description=value)


def _set_on_driver(db: Database, sr: str, **change: str) -> None:
    """Names are written through the driver, on a host where the SR is attached."""
    with db.lock:
        assert_sr_attached(db, sr)
        db.update(sr, **change)


@handler("SR", "set_physical_size")
def sr_set_physical_size(call: Call, sr: str, value: int) -> None:
    call.db.get(sr, "SR")
    raise Failure("PERMISSION_DENIED", "")  # only the SM backend's own session may
