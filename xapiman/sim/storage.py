"""Disk and space accounting of simulated SRs: VDI creation, clones, copies, snapshots, removal,
the data that lives on storage outside xapi's database, and operations marked in progress."""

from __future__ import annotations

import contextlib
import copy
import math
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from xapiman.sim.db import Database, new_uuid
from xapiman.sim.errors import Failure
from xapiman.sim.model.values import NULL_REF, now
from xapiman.sim.operations import OperationErrors, refresh_allowed

if TYPE_CHECKING:
    from xapiman.sim.call import Call

MiB = 1024**2
VHD_BLOCK = 2 * MiB
LVM_EXTENT = 4 * MiB
MAX_VHD_SIZE = 2040 * 1024**3

# SR types whose disks are VHD files (thin: a new disk uses only its metadata).
THIN_TYPES = frozenset({"ext", "nfs", "smb", "file", "ext4", "xfs", "zfs", "cephfs", "glusterfs"})
# SR types whose disks are VHDs in LVM volumes (thick: a writable leaf holds its whole size).
THICK_TYPES = frozenset({"lvm", "lvmoiscsi", "lvmohba", "lvmofcoe", "gfs2", "linstor"})
VHD_TYPES = THIN_TYPES | THICK_TYPES


# SM driver features (xapi's Smint capability names) that decide SR and VDI operations.
_VHD_FEATURES = frozenset({
    "VDI_CREATE", "VDI_DELETE", "VDI_CLONE", "VDI_SNAPSHOT", "VDI_RESIZE", "VDI_MIRROR",
    "VDI_UPDATE", "VDI_GENERATE_CONFIG", "VDI_CONFIG_CBT", "VDI_RESET_ON_BOOT", "SR_UPDATE",
})
SM_FEATURES: dict[str, frozenset[str]] = {
    **{name: _VHD_FEATURES for name in THIN_TYPES},
    **{name: _VHD_FEATURES | {"VDI_INTRODUCE"} for name in THICK_TYPES},
    "iso": frozenset({"VDI_CREATE", "VDI_DELETE"}),
    "udev": frozenset({"VDI_UPDATE", "SR_UPDATE"}),
}


_SM_CACHE: dict[str, tuple[dict, frozenset[str]]] = {}


def sm_features(db: Database, sr_rec: dict) -> frozenset[str]:
    """The features of the SR's driver (its SM record, else the built-in table); the tools SR
    cannot create or delete disks."""
    found = SM_FEATURES.get(sr_rec["type"], frozenset())
    for ref, sm in db.all("SM").items():
        if sm["type"] == sr_rec["type"]:
            cached = _SM_CACHE.get(ref)
            if cached is None or cached[0] is not sm:  # records are replaced on change
                names = frozenset(n.split("/")[0] for n in sm["features"] or sm["capabilities"])
                cached = _SM_CACHE[ref] = (sm, names)
            found = cached[1]
    if sr_rec.get("is_tools_sr"):
        found = found - {"VDI_CREATE", "VDI_DELETE"}
    return found


@dataclass
class Backend:
    """What the storage "really" holds outside xapi's database, per simulated pool.

    Attributes:
        hidden: SR uuid -> VDI records the next SR.scan adds (forgotten VDIs, disks written
            behind xapi's back).
        vanished: SR uuid -> VDI locations the next SR.scan drops (deleted behind xapi's back).
        forgotten_srs: SR uuid -> what SR.forget left on the storage: the SR record and the
            device_config of its PBDs, for SR.probe and SR.introduce.
    """

    hidden: dict[str, list[dict]] = field(default_factory=dict)
    vanished: dict[str, set[str]] = field(default_factory=dict)
    forgotten_srs: dict[str, dict] = field(default_factory=dict)


_BACKENDS: weakref.WeakKeyDictionary[Database, Backend] = weakref.WeakKeyDictionary()


def sm_failure(code: int, message: str, xml: str = "") -> Failure:
    """An SM driver error as xapi passes it on: [SR_BACKEND_FAILURE_<n>, "", message, xml]."""
    return Failure(f"SR_BACKEND_FAILURE_{code}", "", message, xml)


def backend(db: Database) -> Backend:
    """The storage behind `db` (made on first use)."""
    with db.lock:
        found = _BACKENDS.get(db)
        if found is None:
            found = _BACKENDS[db] = Backend()
        return found


def changing_backend(db: Database) -> Backend:
    """The storage behind `db`, about to be changed by the running call: should the call
    fail, the storage goes back to what it holds now."""
    store = backend(db)
    kept = copy.deepcopy((store.hidden, store.vanished, store.forgotten_srs))

    def restore() -> None:
        store.hidden, store.vanished, store.forgotten_srs = kept

    db.on_undo(restore)
    return store


# -- sizes ------------------------------------------------------------------------------------


def vhd_metadata_size(size: int) -> int:
    """Bytes an empty VHD of virtual `size` takes: footer, header and block allocation table."""
    blocks = math.ceil(max(size, 0) / VHD_BLOCK)
    table = math.ceil(blocks * 4 / 512) * 512
    return 512 + 1024 + table + 512


def thick_size(size: int) -> int:
    """Bytes an LVM volume for a VHD of virtual `size` takes (metadata, whole extents)."""
    total = size + vhd_metadata_size(size)
    return math.ceil(total / LVM_EXTENT) * LVM_EXTENT


def is_thick(sr_rec: dict) -> bool:
    return sr_rec["type"] in THICK_TYPES


def holds_files(sr_rec: dict) -> bool:
    """ISO libraries and removable devices: a disk's physical use is its size."""
    return sr_rec["content_type"] == "iso" or sr_rec["type"] not in VHD_TYPES


def new_disk_usage(sr_rec: dict, size: int) -> int:
    """Physical bytes a new empty writable disk of virtual `size` takes in this SR."""
    if holds_files(sr_rec):
        return size
    return thick_size(size) if is_thick(sr_rec) else vhd_metadata_size(size)


def sr_free(db: Database, sr: str) -> int:
    """Bytes still free in `sr` (never negative)."""
    with db.lock:
        rec = db.get(sr, "SR")
        return max(0, rec["physical_size"] - max(rec["physical_utilisation"], 0))


def reserve(db: Database, sr: str, size: int) -> None:
    """Check that `size` more bytes fit in `sr`: SR_FULL [requested total, physical size].

    Nothing is taken: the caller creates the VDI that uses the space under the same lock.
    """
    with db.lock:
        rec = db.get(sr, "SR")
        if size <= 0:
            return
        requested = max(rec["physical_utilisation"], 0) + size
        if requested > rec["physical_size"]:
            raise Failure("SR_FULL", requested, rec["physical_size"])


def recount(db: Database, sr: str) -> None:
    """Set the SR's physical_utilisation and virtual_allocation to the sums over its VDIs."""
    with db.lock:
        rec = db.find(sr, "SR")
        if rec is None:
            return
        used = allocated = 0
        for vdi in rec["VDIs"]:
            vrec = db.find(vdi, "VDI")
            if vrec is not None:
                used += vrec["physical_utilisation"]
                allocated += vrec["virtual_size"]
        if (used, allocated) != (rec["physical_utilisation"], rec["virtual_allocation"]):
            db.update(sr, physical_utilisation=used, virtual_allocation=allocated)


# -- operations in progress (current_operations / allowed_operations) --------------------------


# class -> (db, ref) -> each operation -> the error it meets (None: allowed), in listing order
RULES: dict[str, OperationErrors] = {}
# class -> a cheaper table for allowed_operations (xapi skips its costly checks there)
ADVISORY: dict[str, OperationErrors] = {}
LOCK_WAIT = 60.0  # real seconds a marking waits for a conflicting operation (xapi: retries)


def refusals(ops: tuple[str, ...]) -> tuple[dict[str, Failure | None], Callable[..., None]]:
    """An empty table of `ops` and `refuse(failure, *ops)`, which keeps each op's first error."""
    table: dict[str, Failure | None] = dict.fromkeys(ops)

    def refuse(failure: Failure, *which: str) -> None:
        for op in which:
            if table.get(op) is None:
                table[op] = failure

    return table, refuse


def refresh_operations(db: Database, ref: str) -> None:
    """Recompute allowed_operations of `ref` (nothing if it is gone or has no rules)."""
    cls = db.cls_of(ref) or ""
    errors_of = ADVISORY.get(cls) or RULES.get(cls)
    if errors_of is not None:
        refresh_allowed(db, ref, errors_of)


def operation_error(db: Database, ref: str, op: str) -> Failure | None:
    with db.lock:
        errors_of = RULES.get(db.cls_of(ref) or "")
        return errors_of(db, ref).get(op) if errors_of else None


Mark = tuple[str, str]  # (object ref, operation)


@contextlib.contextmanager
def marked(call: Call, *marks: Mark,
           check: Callable[[], Failure | None] | None = None) -> Iterator[str]:
    """Run the body with each (ref, op) in its object's current_operations under the call's task.

    Waits while another operation blocks (xapi retries OTHER_OPERATION_IN_PROGRESS), raises
    any other refusal at once. `check` adds a condition tested with the same lock.
    """
    db = call.db
    task = call.task_ref()
    deadline = time.monotonic() + LOCK_WAIT
    with db.lock:
        while True:
            failure = _first_refusal(db, marks, check)
            if failure is None:
                break
            if failure.code != "OTHER_OPERATION_IN_PROGRESS" or time.monotonic() > deadline:
                raise failure
            call.sim.tasks.check_cancel(task)
            db.changed.wait(0.2)
        for ref, op in marks:
            ops = dict(db.get(ref)["current_operations"])
            ops[task] = op
            db.update(ref, current_operations=ops)
            refresh_operations(db, ref)
    try:
        yield task
    finally:
        with db.lock:
            for ref, _op in marks:
                cls = db.cls_of(ref)
                rec = db.find(ref, cls) if cls else None
                if rec is not None and task in rec["current_operations"]:
                    ops = {t: o for t, o in rec["current_operations"].items() if t != task}
                    db.update(ref, current_operations=ops)
                    refresh_operations(db, ref)


def _first_refusal(db: Database, marks: tuple[Mark, ...],
                   check: Callable[[], Failure | None] | None) -> Failure | None:
    for ref, op in marks:
        db.get(ref)
        failure = operation_error(db, ref, op)
        if failure is not None:
            return failure
    return check() if check is not None else None


# -- VDIs -------------------------------------------------------------------------------------


def _vhd_sm_config(sr_rec: dict, given: dict) -> dict:
    config = dict(given)
    if not holds_files(sr_rec):
        config.setdefault("vdi_type", "vhd")
    return config


def new_vdi(db: Database, sr: str, name: str, size: int, **fields: object) -> str:
    """Create an empty disk of virtual `size` in `sr`; its space is checked and accounted.

    `fields` set any VDI field (type, read_only, other_config, physical_utilisation ...).
    """
    with db.lock:
        sr_rec = db.get(sr, "SR")
        given = fields.pop("physical_utilisation", None)
        used = new_disk_usage(sr_rec, size) if given is None else int(given)  # type: ignore[call-overload]
        reserve(db, sr, used)
        record: dict[str, object] = {
            "name_label": name, "name_description": "", "SR": sr, "virtual_size": size,
            "physical_utilisation": used, "type": "user", "sharable": False, "read_only": False,
            "location": "", "managed": True, "other_config": {}, "storage_lock": False,
            "missing": False,
        }
        record.update(fields)
        record["sm_config"] = _vhd_sm_config(sr_rec, dict(record.get("sm_config") or {}))
        record["uuid"] = record.get("uuid") or new_uuid()
        record["location"] = record["location"] or record["uuid"]
        vdi = db.create("VDI", record)
        recount(db, sr)
        refresh_operations(db, vdi)
        refresh_operations(db, sr)
        return vdi


def _derived_fields(src: dict, **changes: object) -> dict:
    """The fields a clone, copy or snapshot takes over from its source."""
    keep = ("name_label", "name_description", "type", "sharable", "read_only", "xenstore_data",
            "on_boot", "allow_caching", "tags")
    fields = {k: src[k] for k in keep if k in src}
    fields["other_config"] = dict(src.get("other_config", {}))
    fields.update(changes)
    return fields


def clone_vdi(db: Database, vdi: str, name: str | None = None) -> str:
    """A copy-on-write child of `vdi` in the same SR (sm_config vhd-parent = the source)."""
    with db.lock:
        src = db.get(vdi, "VDI")
        sr_rec = db.get(src["SR"], "SR")
        size = src["virtual_size"]
        if holds_files(sr_rec):
            used = src["physical_utilisation"]
        else:
            used = thick_size(size) if is_thick(sr_rec) else vhd_metadata_size(size)
        fields = _derived_fields(src, read_only=False, sm_config={"vhd-parent": src["uuid"]})
        label = name if name is not None else str(fields.pop("name_label", ""))
        fields.pop("name_label", None)
        return new_vdi(db, src["SR"], label, size, physical_utilisation=used, **fields)


def copy_vdi(db: Database, vdi: str, sr: str) -> str:
    """A full, independent copy of `vdi` in `sr` (space checked there)."""
    with db.lock:
        src = db.get(vdi, "VDI")
        dest = db.get(sr, "SR")
        size = src["virtual_size"]
        if holds_files(dest):
            used = size
        elif is_thick(dest):
            used = thick_size(size)
        else:
            used = max(src["physical_utilisation"], vhd_metadata_size(size))
        fields = _derived_fields(src, read_only=False)
        label = str(fields.pop("name_label", ""))
        return new_vdi(db, sr, label, size, physical_utilisation=used, **fields)


def snapshot_vdi(db: Database, vdi: str) -> str:
    """A read-only point-in-time image of `vdi` in its SR, linked by snapshot_of."""
    with db.lock:
        src = db.get(vdi, "VDI")
        size = src["virtual_size"]
        fields = _derived_fields(src, is_a_snapshot=True, snapshot_of=vdi, snapshot_time=now(),
                                 sm_config={"vhd-parent": src["uuid"]})
        label = str(fields.pop("name_label", ""))
        used = vhd_metadata_size(size)
        if holds_files(db.get(src["SR"], "SR")):
            used = src["physical_utilisation"]
        return new_vdi(db, src["SR"], label, size, physical_utilisation=used, **fields)


def attached_vbds(db: Database, vdi: str, *, rw_only: bool = False) -> list[str]:
    """The VBDs through which a running VM has `vdi` attached."""
    with db.lock:
        found = []
        for vbd in db.get(vdi, "VDI")["VBDs"]:
            rec = db.find(vbd, "VBD")
            if rec is not None and rec["currently_attached"] and (
                    not rw_only or rec["mode"] == "RW"):
                found.append(vbd)
        return found


def drop_vdi_record(db: Database, vdi: str) -> dict:
    """Remove `vdi` from the database: CD drives holding it become empty, disk VBDs go, a VM's
    suspend_VDI pointing at it is cleared; returns the last record."""
    with db.lock:
        rec = db.get(vdi, "VDI")
        for vbd in list(rec["VBDs"]):
            vbd_rec = db.find(vbd, "VBD")
            if vbd_rec is None:
                continue
            if vbd_rec["type"] == "CD":
                db.update(vbd, VDI=NULL_REF, empty=True)
                refresh_operations(db, vbd)
            else:
                db.destroy(vbd)
        for vm, _vm_rec in list(db.where("VM", suspend_VDI=vdi)):
            db.update(vm, suspend_VDI=NULL_REF)
        db.destroy(vdi)
        recount(db, rec["SR"])
        refresh_operations(db, rec["SR"])
        return rec


def destroy_vdi(db: Database, vdi: str) -> None:
    """Delete `vdi` and its data; its space is given back.

    VDI_IN_USE [vdi, "destroy"] while a running VM has it attached.
    """
    with db.lock:
        if attached_vbds(db, vdi):
            raise Failure("VDI_IN_USE", vdi, "destroy")
        for vbd in list(db.get(vdi, "VDI")["VBDs"]):
            if db.find(vbd, "VBD") is not None:
                db.destroy(vbd)
        drop_vdi_record(db, vdi)


def forget_vdi(db: Database, vdi: str) -> None:
    """Remove `vdi` from the database only: its data stays, and SR.scan brings it back."""
    with db.lock:
        rec = drop_vdi_record(db, vdi)
        sr_uuid = db.get(rec["SR"], "SR")["uuid"]
        changing_backend(db).hidden.setdefault(sr_uuid, []).append(stored_vdi(rec))


def stored_vdi(rec: dict) -> dict:
    """What the storage keeps of a VDI record (no database links)."""
    drop = ("VBDs", "snapshots", "crash_dumps", "allowed_operations", "current_operations", "SR")
    return {k: v for k, v in rec.items() if k not in drop}
