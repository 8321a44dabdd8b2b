"""The XVA format of VM export/import: ova.xml, disk chunks and simulated disk contents.

An XVA is a tar stream: `ova.xml` first (an XML-RPC value `{version, objects}` where each
object is `{class, id, snapshot}` and refs between exported objects are rewritten to ids
"Ref:<n>"), then per disk a directory named after the VDI's id holding 1 MiB chunks
`00000000`, `00000001`, ... each followed by `<chunk>.checksum` (SHA-1 hex). All-zero chunks
are left out, except the first and the last, which xapi always writes.

Simulated disks hold zeros but for a small label in their first sector, unless an import wrote
other data into them: that data is kept (up to `KEEP_CHUNKS` chunks per disk) so a re-export
gives it back.
"""

from __future__ import annotations

import hashlib
import random
import re
import threading
import weakref
import xmlrpc.client
from dataclasses import dataclass, field

from xapiman.sim import lifecycle, storage
from xapiman.sim.build import mac
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.implicit import public
from xapiman.sim.model.spec import MODEL
from xapiman.sim.model.types import XType
from xapiman.sim.model.values import NULL_REF
from xapiman.sim.wire import xmlrpc as wire
from xapiman.sim.wire.coerce import coerce

CHUNK = 1024 * 1024
OVA = "ova.xml"
EXPORT_VSN = 2
KEEP_CHUNKS = 64
CHUNK_NAME = re.compile(r"(Ref:[^/]+)/(\d{8})(\.checksum|\.xxhash)?\Z")


def checksum(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()  # noqa: S324 - the XVA format's checksum


# -- simulated disk contents ------------------------------------------------------------------

_CONTENTS: weakref.WeakKeyDictionary[Database, dict[str, dict[int, bytes]]] = (
    weakref.WeakKeyDictionary())
_CONTENTS_LOCK = threading.Lock()


def _contents(db: Database) -> dict[str, dict[int, bytes]]:
    with _CONTENTS_LOCK:
        found = _CONTENTS.get(db)
        if found is None:
            found = _CONTENTS[db] = {}
        return found


def label_sector(rec: dict) -> bytes:
    """The first sector of a never-written simulated disk: a readable label and 55 AA."""
    text = (f"xapiman simulated disk\nuuid={rec['uuid']}\nname={rec['name_label']}\n"
            f"size={rec['virtual_size']}\n").encode()[:500]
    return text.ljust(510, b"\0") + b"\x55\xaa"


def stored_chunks(db: Database, vdi: str, rec: dict) -> dict[int, bytes]:
    """The non-zero chunks of a disk (a label in chunk 0 unless an import wrote data)."""
    kept = _contents(db).get(vdi)
    if kept is not None:
        return dict(kept)
    size = rec["virtual_size"]
    if size <= 0:
        return {}
    first = label_sector(rec)[: min(size, CHUNK)]
    return {0: first.ljust(min(size, CHUNK), b"\0")}


def keep_chunk(db: Database, vdi: str, index: int, data: bytes) -> None:
    """Remember a non-zero chunk written into `vdi` by an import (first KEEP_CHUNKS only)."""
    chunks = _contents(db).setdefault(vdi, {})
    if len(chunks) < KEEP_CHUNKS and data.count(0) != len(data):
        chunks[index] = data


def replace_contents(db: Database, vdi: str, chunks: dict[int, bytes]) -> None:
    """`vdi` now holds these non-zero chunks and zeros elsewhere (a whole-disk write)."""
    kept = {i: d for i, d in sorted(chunks.items()) if d.count(0) != len(d)}
    _contents(db)[vdi] = dict(list(kept.items())[:KEEP_CHUNKS])


def chunk_plan(size: int, nonzero: dict[int, bytes]) -> list[int]:
    """The chunk numbers an export writes: the non-zero ones plus the first and the last."""
    if size <= 0:
        return []
    last = (size - 1) // CHUNK
    return sorted({0, last} | {i for i in nonzero if i <= last})


def chunk_data(size: int, index: int, nonzero: dict[int, bytes]) -> bytes:
    length = min(CHUNK, size - index * CHUNK)
    data = nonzero.get(index)
    return data[:length].ljust(length, b"\0") if data is not None else bytes(length)


# -- export: the object graph and ova.xml -------------------------------------------------------


@dataclass
class ExportDisk:
    """A disk an export streams: its id in ova.xml (the tar directory), VDI ref and size."""

    id: str
    vdi: str
    size: int


def _has_ref(t: XType | None) -> bool:
    if t is None:
        return False
    return t.kind == "ref" or _has_ref(t.item) or _has_ref(t.value)


def externalise(cls: str, rec: dict, ids: dict[str, str]) -> dict:
    """A record with refs to exported objects rewritten to their ids, others made null/empty,
    and the operation fields cleared."""
    fields = MODEL[cls].fields
    out: dict = {}
    for name, value in public(rec).items():
        spec = fields.get(name)
        t = spec.type if spec is not None else None
        if t is not None and t.kind == "ref":
            out[name] = ids.get(value, NULL_REF)
        elif t is not None and t.kind == "set" and _has_ref(t.item):
            out[name] = [ids[v] for v in value if v in ids]
        elif t is not None and _has_ref(t):
            out[name] = {}
        else:
            out[name] = value
    out["current_operations"] = {}
    out["allowed_operations"] = []
    return out


def export_objects(db: Database, vm: str) -> tuple[list[tuple[str, str, dict]], list[ExportDisk]]:
    """The (class, id, snapshot) objects of a VM export and the disks to stream (call with the
    database lock held)."""
    rec = db.get(vm, "VM")
    order: list[tuple[str, str]] = [("VM", vm)]
    for vif in rec["VIFs"]:
        vif_rec = db.find(vif, "VIF")
        if vif_rec is not None:
            order += [("VIF", vif), ("network", vif_rec["network"])]
    disks: list[str] = []
    for vbd in rec["VBDs"]:
        vbd_rec = db.find(vbd, "VBD")
        if vbd_rec is None:
            continue
        order.append(("VBD", vbd))
        vdi_rec = None if vbd_rec["empty"] else db.find(vbd_rec["VDI"], "VDI")
        if vdi_rec is not None:
            order += [("VDI", vbd_rec["VDI"]), ("SR", vdi_rec["SR"])]
            sr_rec = db.find(vdi_rec["SR"], "SR") or {}
            if vbd_rec["type"] != "CD" and sr_rec.get("content_type") != "iso":
                disks.append(vbd_rec["VDI"])
    ids: dict[str, str] = {}
    for _cls, ref in order:
        if ref not in ids and db.cls_of(ref) is not None:
            ids[ref] = f"Ref:{len(ids)}"
    objects = []
    for cls in ("VM", "VBD", "VIF", "network", "VDI", "SR"):
        for ref, ident in ids.items():
            if db.cls_of(ref) == cls:
                snapshot = externalise(cls, db.get(ref, cls), ids)
                if cls == "VM":
                    snapshot.update(power_state="Halted", suspend_VDI=NULL_REF, domid=-1,
                                    is_a_snapshot=False)
                if cls in ("VBD", "VIF"):
                    snapshot["currently_attached"] = False
                objects.append((cls, ident, snapshot))
    streamed = [ExportDisk(ids[v], v, db.get(v, "VDI")["virtual_size"])
                for v in dict.fromkeys(disks)]
    return objects, sorted(streamed, key=lambda d: d.id)


def version_record(db: Database) -> dict:
    """The `version` member of ova.xml: who wrote the export."""
    pool = next(iter(db.all("pool").values()), {})
    host = db.find(pool.get("master", NULL_REF), "host") or {}
    software = host.get("software_version", {})
    return {"hostname": host.get("hostname", ""), "date": software.get("date", ""),
            "product_version": software.get("product_version", ""),
            "product_brand": software.get("product_brand", ""),
            "build_number": software.get("build_number", ""),
            "xapi_major": host.get("API_version_major", 2),
            "xapi_minor": host.get("API_version_minor", 21), "export_vsn": EXPORT_VSN}


def ova_xml(db: Database, objects: list[tuple[str, str, dict]]) -> bytes:
    doc = {"version": version_record(db),
           "objects": [{"class": cls, "id": ident, "snapshot": snap}
                       for cls, ident, snap in objects]}
    return wire.encode(doc).encode("utf-8")


# -- import: reading ova.xml ------------------------------------------------------------------


@dataclass
class XvaObject:
    cls: str
    id: str
    snapshot: dict


def _plain(value: object) -> object:
    if isinstance(value, xmlrpc.client.DateTime):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def parse_ova(data: bytes) -> list[XvaObject]:
    """The objects of an ova.xml; IMPORT_ERROR [reason] when it is not one."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", data.decode("utf-8", "replace"))
    doc = ("<?xml version='1.0'?><methodResponse><params><param>" + text
           + "</param></params></methodResponse>")
    try:
        (value,), _ = xmlrpc.client.loads(doc, use_builtin_types=False)
    except Exception as exc:  # expat or xmlrpc errors
        raise Failure("IMPORT_ERROR", f"ova.xml is not readable: {exc}") from exc
    value = _plain(value)
    if not isinstance(value, dict) or not isinstance(value.get("objects"), list):
        raise Failure("IMPORT_ERROR", "ova.xml has no objects")
    objects = []
    for item in value["objects"]:
        if (isinstance(item, dict) and item.get("class") in MODEL
                and isinstance(item.get("snapshot"), dict)):
            objects.append(XvaObject(item["class"], str(item.get("id", "")), item["snapshot"]))
    return objects


def internalise(cls: str, snapshot: dict) -> dict:
    """The fields of an exported record that can be taken over as they are: typed, without
    refs, runtime operations or the uuid (unknown or ill-typed fields are dropped)."""
    fields = MODEL[cls].fields
    out: dict = {}
    for name, value in snapshot.items():
        spec = fields.get(name)
        if spec is None or _has_ref(spec.type) or name in ("uuid", "current_operations",
                                                             "allowed_operations"):
            continue
        try:
            out[name] = coerce(value, spec.type)
        except Failure:
            continue
    return out


# -- import: creating the objects -------------------------------------------------------------

@dataclass
class Imported:
    """What an import created (refs in creation order), its VMs, its disks (id in ova.xml ->
    (new VDI, virtual size)) and the bytes written per VDI."""

    sr: str
    created: list[str] = field(default_factory=list)
    vms: list[str] = field(default_factory=list)
    disks: dict[str, tuple[str, int]] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)


def _uuid(db: Database, cls: str, snapshot: dict, restore: bool) -> dict:
    """{"uuid": the exported uuid} when restoring and it is free here, else {} (a new one)."""
    uuid = snapshot.get("uuid")
    if restore and isinstance(uuid, str) and uuid:
        if all(rec.get("uuid") != uuid for rec in db.all(cls).values()):
            return {"uuid": uuid}
    return {}


def _network(db: Database, obj: XvaObject, imported: Imported) -> str:
    """An existing network with the exported uuid, bridge or name, else a new one."""
    snap = obj.snapshot
    for key in ("uuid", "bridge", "name_label"):
        for ref, rec in db.all("network").items():
            if snap.get(key) and rec.get(key) == snap.get(key):
                return ref
    fields = internalise("network", snap)
    fields["bridge"] = f"xapi{len(db.all('network'))}"
    ref = db.create("network", fields)
    imported.created.append(ref)
    return ref


def _is_disk(obj: XvaObject, objects: list[XvaObject]) -> bool:
    srs = {o.id: o.snapshot for o in objects if o.cls == "SR"}
    if srs.get(obj.snapshot.get("SR"), {}).get("content_type") == "iso":
        return False
    users = [o for o in objects if o.cls == "VBD" and o.snapshot.get("VDI") == obj.id]
    return not users or any(u.snapshot.get("type") != "CD" for u in users)


def _vdi(db: Database, obj: XvaObject, objects: list[XvaObject], restore: bool,
         imported: Imported) -> str | None:
    """A new disk in the import SR, or for a CD the existing ISO with that uuid (or None)."""
    snap = obj.snapshot
    if not _is_disk(obj, objects):
        uuid = snap.get("uuid")
        return next((r for r, rec in db.all("VDI").items() if rec["uuid"] == uuid), None)
    keep = ("name_description", "type", "sharable", "read_only", "other_config", "tags",
            "xenstore_data", "on_boot", "allow_caching")
    fields = {k: v for k, v in internalise("VDI", snap).items() if k in keep}
    fields.update(_uuid(db, "VDI", snap, restore))
    size = int(coerce(snap.get("virtual_size", 0), MODEL["VDI"].fields["virtual_size"].type))
    ref = storage.new_vdi(db, imported.sr, str(snap.get("name_label", "")), size, **fields)
    imported.created.append(ref)
    imported.disks[obj.id] = (ref, size)
    return ref


def _vm(db: Database, obj: XvaObject, task: str, restore: bool, imported: Imported) -> str:
    fields = internalise("VM", obj.snapshot)
    for name in ("domid", "is_control_domain", "is_default_template", "domarch",
                 "requires_reboot", "pending_guidances"):
        fields.pop(name, None)
    metrics = db.create("VM_metrics", {})
    imported.created.append(metrics)
    fields.update(_uuid(db, "VM", obj.snapshot, restore), power_state="Halted", domid=-1,
                  metrics=metrics, current_operations={task: "import"}, allowed_operations=[])
    ref = db.create("VM", fields)
    imported.created.append(ref)
    imported.vms.append(ref)
    return ref


def _vbd(db: Database, obj: XvaObject, ids: dict[str, str], imported: Imported) -> None:
    snap = obj.snapshot
    vdi = ids.get(str(snap.get("VDI")), NULL_REF)
    fields = internalise("VBD", snap)
    if vdi == NULL_REF and fields.get("type") != "CD" and not fields.get("empty"):
        raise Failure("IMPORT_ERROR_FAILED_TO_FIND_OBJECT", str(snap.get("VDI")))
    cd = fields.get("type") == "CD"
    fields.update(VM=ids[str(snap.get("VM"))], VDI=vdi, empty=vdi == NULL_REF,
                  currently_attached=False, device="",
                  allowed_operations=["attach", "eject", "insert"] if cd else ["attach"])
    imported.created.append(db.create("VBD", fields))


def _vif(db: Database, obj: XvaObject, ids: dict[str, str], restore: bool,
         imported: Imported) -> None:
    snap = obj.snapshot
    fields = internalise("VIF", snap)
    fields.update(_uuid(db, "VIF", snap, restore), VM=ids[str(snap.get("VM"))],
                  network=ids.get(str(snap.get("network")), NULL_REF),
                  currently_attached=False, allowed_operations=["attach"])
    if not restore or not fields.get("MAC"):
        fields.update(MAC=mac(random.Random()), MAC_autogenerated=True)
    imported.created.append(db.create("VIF", fields))


def create_objects(db: Database, objects: list[XvaObject], sr: str, task: str, *,
                   restore: bool) -> Imported:
    """Create the networks, disks, VMs, VBDs and VIFs of an ova.xml (all or nothing)."""
    imported = Imported(sr)
    ids: dict[str, str] = {}
    with db.lock:
        try:
            for obj in objects:
                if obj.cls == "network":
                    ids[obj.id] = _network(db, obj, imported)
                elif obj.cls == "VDI":
                    found = _vdi(db, obj, objects, restore, imported)
                    if found is not None:
                        ids[obj.id] = found
            for obj in objects:
                if obj.cls == "VM":
                    ids[obj.id] = _vm(db, obj, task, restore, imported)
            for obj in objects:
                if str(obj.snapshot.get("VM")) not in ids:
                    continue
                if obj.cls == "VBD":
                    _vbd(db, obj, ids, imported)
                elif obj.cls == "VIF":
                    _vif(db, obj, ids, restore, imported)
        except Exception:
            cleanup(db, imported)
            raise
        if not imported.vms:
            cleanup(db, imported)
            raise Failure("IMPORT_ERROR", "ova.xml describes no VM")
    return imported


def finish(db: Database, imported: Imported, task: str) -> None:
    """End the import: the VMs lose their `import` operation and the disks show their data."""
    with db.lock:
        for vm in imported.vms:
            ops = db.get(vm, "VM")["current_operations"]
            lifecycle.set_current_operations(db, vm, {k: v for k, v in ops.items() if k != task})
        sr_rec = db.get(imported.sr, "SR")
        if not storage.is_thick(sr_rec):
            for vdi, size in imported.disks.values():
                used = storage.vhd_metadata_size(size) + imported.written.get(vdi, 0)
                db.update(vdi, physical_utilisation=used)
            storage.recount(db, imported.sr)


def cleanup(db: Database, imported: Imported) -> None:
    """Remove everything an import created (a failed import leaves nothing behind)."""
    with db.lock:
        for ref in reversed(imported.created):
            if db.cls_of(ref) is not None:
                db.destroy(ref)
            _contents(db).pop(ref, None)
        if db.find(imported.sr, "SR") is not None:
            storage.recount(db, imported.sr)
        imported.created.clear()
