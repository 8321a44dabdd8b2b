"""VDI handlers (create, destroy, snapshot, clone, copy, resize, update, forget, introduce), the
rules for VDI allowed_operations, and the SR scan that syncs VDI records with the storage."""

from __future__ import annotations

import re

from xapiman.sim.call import Call
from xapiman.sim.db import Database, new_uuid
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.implicit import assert_mandatory
from xapiman.sim.handlers.registry import handler
from xapiman.sim.model.values import NULL_REF, now
from xapiman.sim.storage import (
    MAX_VHD_SIZE,
    RULES,
    VHD_BLOCK,
    attached_vbds,
    changing_backend,
    clone_vdi,
    copy_vdi,
    destroy_vdi,
    drop_vdi_record,
    forget_vdi,
    holds_files,
    is_thick,
    marked,
    new_disk_usage,
    new_vdi,
    recount,
    refresh_operations,
    refusals,
    reserve,
    sm_failure,
    sm_features,
    snapshot_vdi,
    stored_vdi,
    thick_size,
    vhd_metadata_size,
)

COPY_RATE = 200 * 1024**2  # bytes per simulated second
LISTED = ("clone", "copy", "resize", "resize_online", "snapshot", "destroy", "forget", "update",
          "generate_config")
# Operations that may run while a VM has the disk attached (copy: only read-only attachments).
LIVE_OPS = frozenset({"snapshot", "resize_online", "blocked", "clone", "revert_to", "mirror",
                      "enable_cbt", "disable_cbt", "data_destroy"})
FEATURE_OF_OP = {
    "snapshot": "VDI_SNAPSHOT", "destroy": "VDI_DELETE", "resize": "VDI_RESIZE",
    "update": "VDI_UPDATE", "resize_online": "VDI_RESIZE_ONLINE",
    "generate_config": "VDI_GENERATE_CONFIG", "clone": "VDI_CLONE", "revert_to": "VDI_CLONE",
    "revert_from": "VDI_CLONE", "mirror": "VDI_MIRROR", "enable_cbt": "VDI_CONFIG_CBT",
    "disable_cbt": "VDI_CONFIG_CBT", "data_destroy": "VDI_CONFIG_CBT",
    "list_changed_blocks": "VDI_CONFIG_CBT", "set_on_boot": "VDI_RESET_ON_BOOT",
}
UUID_FORMAT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                         r"[0-9a-fA-F]{12}\Z")


# -- allowed operations ------------------------------------------------------------------------


def vdi_operation_errors(db: Database, vdi: str) -> dict[str, Failure | None]:
    """The error each VDI operation would meet now, in xapi's order of checks."""
    rec = db.get(vdi, "VDI")
    sr = rec["SR"]
    sr_rec = db.get(sr, "SR")
    table, refuse = refusals(LISTED)
    for task, running in rec["current_operations"].items():
        if running != "copy":
            refuse(Failure("OTHER_OPERATION_IN_PROGRESS", "VDI", vdi, running, task), *LISTED)
    if not sr_attached(db, sr):
        refuse(Failure("SR_HAS_NO_PBDS", sr), "resize")
    if attached_vbds(db, vdi):
        rw = bool(attached_vbds(db, vdi, rw_only=True))
        for op in LISTED:
            if op not in LIVE_OPS and (op != "copy" or rw):
                refuse(Failure("VDI_IN_USE", vdi, op), op)
    for vbd in rec["VBDs"]:
        for task, running in (db.find(vbd, "VBD") or {}).get("current_operations", {}).items():
            refuse(Failure("OTHER_OPERATION_IN_PROGRESS", "VDI", vdi, running, task), *LISTED)
    features = sm_features(db, sr_rec)
    refuse(Failure("SR_OPERATION_NOT_SUPPORTED", sr),
           *(op for op in LISTED if op in FEATURE_OF_OP and FEATURE_OF_OP[op] not in features))
    _refuse_specific(rec, sr_rec, vdi, refuse)
    return table


def _refuse_specific(rec: dict, sr_rec: dict, vdi: str, refuse) -> None:
    if rec["type"] == "rrd":
        refuse(Failure("VDI_HAS_RRDS", vdi), "destroy", "forget")
    if sr_rec["type"] == "udev":
        refuse(Failure("VDI_IS_A_PHYSICAL_DEVICE", vdi), "destroy")
    if rec["sharable"]:
        refuse(Failure("VDI_IS_SHARABLE", vdi), "snapshot")
    if rec["on_boot"] == "reset":
        refuse(Failure("VDI_ON_BOOT_MODE_INCOMPATIBLE_WITH_OPERATION"), "snapshot", "copy")
    if "copy" in rec["current_operations"].values():
        refuse(Failure("OPERATION_NOT_ALLOWED", "Snapshot operation not allowed during copy."),
               "snapshot")


RULES["VDI"] = vdi_operation_errors


def sr_attached(db: Database, sr: str) -> bool:
    return any(db.get(pbd, "PBD")["currently_attached"] for pbd in db.get(sr, "SR")["PBDs"])


def assert_sr_attached(db: Database, sr: str) -> None:
    if not sr_attached(db, sr):
        raise Failure("SR_HAS_NO_PBDS", sr)


def assert_managed(db: Database, vdi: str) -> None:
    if not db.get(vdi, "VDI")["managed"]:
        raise Failure("VDI_NOT_MANAGED", vdi)


def refresh_sr_vdis(db: Database, sr: str) -> None:
    with db.lock:
        for vdi in db.get(sr, "SR")["VDIs"]:
            refresh_operations(db, vdi)


def checked_size(sr_rec: dict, size: int) -> int:
    """A VHD's virtual size as the driver accepts it: within limits, whole 2 MiB blocks."""
    if holds_files(sr_rec):
        return size
    if size < 0 or size > MAX_VHD_SIZE:
        raise sm_failure(79, "VDI Invalid size [opterr=VDI size must be between 1 MB and "
                             f"{MAX_VHD_SIZE // 1024**2} MB]")
    return -(-size // VHD_BLOCK) * VHD_BLOCK


# -- handlers ----------------------------------------------------------------------------------


@handler("VDI", "create")
def vdi_create(call: Call, args: dict) -> str:
    assert_mandatory("VDI", args)
    db = call.db
    sr = args["SR"]
    sr_rec = db.get(sr, "SR")
    if args["type"] == "cbt_metadata":
        raise Failure("VDI_INCOMPATIBLE_TYPE", "", "cbt_metadata")
    with marked(call, (sr, "vdi_create")):
        assert_sr_attached(db, sr)
        size = checked_size(sr_rec, args["virtual_size"])
        name = args.get("name_label", "")
        fields = {k: args[k] for k in ("name_description", "xenstore_data", "sm_config", "tags")
                  if k in args}
        if holds_files(sr_rec):
            fields.update(iso_file_fields(db, sr, name, fields.get("sm_config", {})))
        else:
            reserve(db, sr, new_disk_usage(sr_rec, size))
        call.sleep(1.0)
        return new_vdi(db, sr, name, size, **{
            "type": args["type"], "sharable": args["sharable"], "read_only": args["read_only"],
            "other_config": args["other_config"], **fields})


def iso_file_fields(db: Database, sr: str, name: str, sm_config: dict) -> dict:
    """An ISO library makes a new disk as a sparse file named after the disk's label."""
    if not name.endswith(".iso"):
        raise sm_failure(221, "ISO name must have .iso extension")
    if any(db.get(vdi, "VDI")["location"] == name for vdi in db.get(sr, "SR")["VDIs"]):
        raise sm_failure(43, "The VDI already exists")
    return {"location": name, "physical_utilisation": 0,
            "sm_config": {**sm_config, "created": str(now())}}


@handler("VDI", "destroy")
def vdi_destroy(call: Call, vdi: str) -> None:
    db = call.db
    sr = db.get(vdi, "VDI")["SR"]
    with marked(call, (sr, "vdi_destroy"), (vdi, "destroy")):
        assert_sr_attached(db, sr)
        assert_managed(db, vdi)
        call.sleep(1.0)
        destroy_vdi(db, vdi)


@handler("VDI", "snapshot")
def vdi_snapshot(call: Call, vdi: str, driver_params: dict | None = None) -> str:
    db = call.db
    sr = db.get(vdi, "VDI")["SR"]
    with marked(call, (sr, "vdi_snapshot"), (vdi, "snapshot")):
        assert_sr_attached(db, sr)
        assert_managed(db, vdi)
        call.sleep(2.0)
        return snapshot_vdi(db, vdi)


@handler("VDI", "clone")
def vdi_clone(call: Call, vdi: str, driver_params: dict | None = None) -> str:
    db = call.db
    sr = db.get(vdi, "VDI")["SR"]
    with marked(call, (sr, "vdi_clone"), (vdi, "clone")):
        assert_sr_attached(db, sr)
        assert_managed(db, vdi)
        call.sleep(2.0)
        return clone_vdi(db, vdi)


@handler("VDI", "copy")
def vdi_copy(call: Call, vdi: str, sr: str = NULL_REF, base_vdi: str = NULL_REF,
             into_vdi: str = NULL_REF) -> str:
    """A full copy in `sr`, or into the existing disk `into_vdi`; `base_vdi` (a differential
    copy's base) only saves real blocks, so the simulator accepts and ignores it."""
    db = call.db
    src = db.get(vdi, "VDI")
    with marked(call, (vdi, "copy")):
        assert_managed(db, vdi)
        seconds = max(1.0, src["physical_utilisation"] / COPY_RATE)
        if db.find(into_vdi, "VDI") is not None:
            copy_into(call, vdi, into_vdi, seconds)
            return into_vdi
        db.get(sr, "SR")
        with marked(call, (sr, "vdi_create")):
            assert_sr_attached(db, sr)
            dest = copy_vdi(db, vdi, sr)
        try:
            call.sleep(seconds, steps=8)
        except Failure:
            with db.lock:
                if db.find(dest, "VDI") is not None:
                    drop_vdi_record(db, dest)
            raise
        return dest


def copy_into(call: Call, vdi: str, dest: str, seconds: float) -> None:
    """VDI.copy into an existing disk: it must be writable and large enough."""
    db = call.db
    src, dst = db.get(vdi, "VDI"), db.get(dest, "VDI")
    if dst["read_only"]:
        raise Failure("VDI_READONLY", dest)
    if dst["virtual_size"] < src["virtual_size"]:
        raise Failure("VDI_TOO_SMALL", dest, src["virtual_size"])
    call.sleep(seconds, steps=8)
    with db.lock:
        dst = db.get(dest, "VDI")
        used = max(dst["physical_utilisation"], src["physical_utilisation"])
        reserve(db, dst["SR"], used - dst["physical_utilisation"])
        db.update(dest, physical_utilisation=used)
        recount(db, dst["SR"])


@handler("VDI", "resize")
def vdi_resize(call: Call, vdi: str, size: int) -> None:
    resize(call, vdi, size, "resize")


@handler("VDI", "resize_online")
def vdi_resize_online(call: Call, vdi: str, size: int) -> None:
    resize(call, vdi, size, "resize_online")


def resize(call: Call, vdi: str, size: int, op: str) -> None:
    """Grow a disk (the drivers refuse to shrink one); thick SRs allocate the new space."""
    db = call.db
    sr = db.get(vdi, "VDI")["SR"]
    with marked(call, (sr, "vdi_resize" if op == "resize" else "vdi_resize_online"), (vdi, op)):
        assert_sr_attached(db, sr)
        assert_managed(db, vdi)
        with db.lock:
            new_size, used = resized_usage(db, vdi, size)
        call.sleep(1.0)
        with db.lock:
            new_size, used = resized_usage(db, vdi, size)
            db.update(vdi, virtual_size=new_size, physical_utilisation=used)
            recount(db, sr)


def resized_usage(db: Database, vdi: str, size: int) -> tuple[int, int]:
    """The new virtual size and physical use of `vdi` grown to `size` (space checked)."""
    rec = db.get(vdi, "VDI")
    sr_rec = db.get(rec["SR"], "SR")
    new_size = checked_size(sr_rec, size)
    if new_size < rec["virtual_size"]:
        raise sm_failure(79, "VDI Invalid size [opterr=shrinking not allowed]")
    used = rec["physical_utilisation"]
    if is_thick(sr_rec) and not rec["is_a_snapshot"]:
        used = max(used, thick_size(new_size))
    elif not holds_files(sr_rec):
        used += vhd_metadata_size(new_size) - vhd_metadata_size(rec["virtual_size"])
    reserve(db, rec["SR"], used - rec["physical_utilisation"])
    return new_size, used


@handler("VDI", "update")
def vdi_update(call: Call, vdi: str) -> None:
    db = call.db
    sr = db.get(vdi, "VDI")["SR"]
    with marked(call, (vdi, "update")):
        assert_sr_attached(db, sr)
        recount(db, sr)


@handler("VDI", "forget")
def vdi_forget(call: Call, vdi: str) -> None:
    call.db.get(vdi, "VDI")
    with marked(call, (vdi, "forget")):
        forget_vdi(call.db, vdi)


@handler("VDI", "introduce")
def vdi_introduce(call: Call, uuid: str, name_label: str, name_description: str, sr: str,
                  vdi_type: str, sharable: bool, read_only: bool, other_config: dict,
                  location: str, xenstore_data: dict | None = None,
                  sm_config: dict | None = None, *_ignored: object) -> str:
    """Make the record of a disk the storage holds at `location` (the driver's data wins)."""
    db = call.db
    db.get(sr, "SR")
    with marked(call, (sr, "vdi_introduce")), db.lock:
        assert_sr_attached(db, sr)
        if uuid and not UUID_FORMAT.match(uuid):
            raise Failure("UUID_INVALID", "VDI", uuid)
        for other in db.get(sr, "SR")["VDIs"]:
            other_rec = db.get(other, "VDI")
            if other_rec["location"] == location and other_rec["uuid"] != uuid:
                raise Failure("LOCATION_NOT_UNIQUE", sr, location)
        stored = take_stored(db, sr, location)
        fields = {**stored, "SR": sr, "type": vdi_type, "sharable": sharable,
                  "other_config": dict(other_config), "xenstore_data": dict(xenstore_data or {}),
                  "uuid": uuid or stored.get("uuid") or new_uuid()}
        fields["sm_config"] = {**stored.get("sm_config", {}), **(sm_config or {})}
        if name_label:
            fields["name_label"] = name_label
        if name_description:
            fields["name_description"] = name_description
        return add_stored_vdi(db, sr, fields)


def take_stored(db: Database, sr: str, location: str) -> dict:
    """Remove and return what the storage holds at `location` in `sr`: VDI_LOCATION_MISSING."""
    kept = changing_backend(db).hidden.get(db.get(sr, "SR")["uuid"], [])
    for i, rec in enumerate(kept):
        if rec.get("location") == location:
            return kept.pop(i)
    raise Failure("VDI_LOCATION_MISSING", sr, location)


def add_stored_vdi(db: Database, sr: str, stored: dict) -> str:
    """A VDI record for a disk that already exists on the storage (no space is reserved)."""
    fields = {**stored, "SR": sr, "managed": stored.get("managed", True)}
    if db.find(str(fields.get("snapshot_of", NULL_REF)), "VDI") is None:
        fields["snapshot_of"] = NULL_REF
    vdi = db.create("VDI", fields)
    recount(db, sr)
    refresh_operations(db, vdi)
    refresh_operations(db, sr)
    return vdi


# -- scan ----------------------------------------------------------------------------------------


def synchronise(db: Database, sr: str, default_size: int | None = None) -> None:
    """SR.scan: records appear for disks found on the storage, go for disks gone from it,
    and the SR's sizes are recounted."""
    with db.lock:
        sr_rec = db.get(sr, "SR")
        store = changing_backend(db)
        gone = store.vanished.pop(sr_rec["uuid"], set())
        for vdi in list(sr_rec["VDIs"]):
            if db.get(vdi, "VDI")["location"] in gone:
                drop_vdi_record(db, vdi)
        present = {db.get(v, "VDI")["location"] for v in db.get(sr, "SR")["VDIs"]}
        known_uuids = {rec["uuid"] for rec in db.all("VDI").values()}
        for stored in store.hidden.pop(sr_rec["uuid"], []):
            if stored["location"] not in present and stored.get("uuid") not in known_uuids:
                defaults = {"sm_config": {} if holds_files(sr_rec) else {"vdi_type": "vhd"}}
                add_stored_vdi(db, sr, {**defaults, **stored})
        forgotten = store.forgotten_srs.pop(sr_rec["uuid"], None)
        if db.get(sr, "SR")["physical_size"] < 0:
            size = forgotten["record"]["physical_size"] if forgotten else default_size or 0
            db.update(sr, physical_size=max(size, 0))
        recount(db, sr)
        other = {k: v for k, v in db.get(sr, "SR")["other_config"].items() if k != "dirty"}
        db.update(sr, other_config=other)
        refresh_operations(db, sr)


def stash_sr_contents(db: Database, sr: str) -> None:
    """SR.forget: the SR's disks and identity stay on the storage for a later introduce."""
    with db.lock:
        sr_rec = db.get(sr, "SR")
        store = changing_backend(db)
        kept = store.hidden.setdefault(sr_rec["uuid"], [])
        kept.extend(stored_vdi(db.get(vdi, "VDI")) for vdi in sr_rec["VDIs"])
        configs = [db.get(pbd, "PBD")["device_config"] for pbd in sr_rec["PBDs"]]
        store.forgotten_srs[sr_rec["uuid"]] = {
            "record": {k: sr_rec[k] for k in ("type", "content_type", "name_label",
                                              "name_description", "physical_size", "shared")},
            "device_config": dict(configs[0]) if configs else {},
        }
