"""VM copies and their lifecycle: clone, copy, snapshot, checkpoint, revert, destroy, provision.

Disks go through xapiman.sim.storage (copy-on-write clones, full copies, snapshots). Every
operation lets its simulated time pass first (cancellable where xapi's is) and then makes all
its objects at once under the database lock, undoing them if one step fails.
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from xapiman.sim import build, guest, storage
from xapiman.sim.call import Call
from xapiman.sim.db import RELATIONS, Database, new_uuid
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.registry import handler
from xapiman.sim.handlers.vm_power import halt
from xapiman.sim.lifecycle import refresh_allowed_operations, set_cancellable, vm_operation
from xapiman.sim.model.values import NEVER, NULL_REF, DateTime, now
from xapiman.sim.wire import xmlrpc
from xapiman.sim.wire.coerce import coerce_record

CLONE_SECONDS = 2.0
SNAPSHOT_SECONDS = 2.0
CHECKPOINT_SECONDS = 6.0
REVERT_SECONDS = 2.0
PROVISION_SECONDS = 2.0
COPY_BYTES_PER_SECOND = 512 * 1024**2
_MACS = random.Random()

# The "many" sets every class holds (kept by the database from the other side).
_RELATION_SETS: dict[str, tuple[str, ...]] = {}
for (_cls, _field), (_target, _set) in RELATIONS.items():
    _RELATION_SETS[_target] = (*_RELATION_SETS.get(_target, ()), _set)
# VM fields a copy never inherits (xapi's copy_vm_record resets them).
_VM_RESETS: dict[str, object] = {
    "current_operations": {}, "allowed_operations": [], "blocked_operations": {},
    "is_default_template": False, "transportable_snapshot_id": "", "resident_on": NULL_REF,
    "scheduled_to_be_resident_on": NULL_REF, "suspend_VDI": NULL_REF, "domid": -1,
    "domarch": "", "blobs": {}, "ha_always_run": False, "protection_policy": NULL_REF,
    "is_snapshot_from_vmpp": False, "snapshot_schedule": NULL_REF, "appliance": NULL_REF,
    "start_delay": 0, "shutdown_delay": 0, "order": 0, "suspend_SR": NULL_REF, "version": 0,
    "requires_reboot": False, "pending_guidances": [], "pending_guidances_recommended": [],
    "pending_guidances_full": [], "VUSBs": [], "VTPMs": [], "VGPUs": [], "attached_PCIs": [],
    "groups": [], "crash_dumps": [],
}


def copy_object(db: Database, cls: str, ref: str, **changes: object) -> str:
    """A new object like `ref`: new uuid, empty relation sets, `changes` applied."""
    record = {**db.get(ref, cls), "uuid": new_uuid(),
              **{name: [] for name in _RELATION_SETS.get(cls, ())}, **changes}
    return db.create(cls, record)


def undo(db: Database, made: Iterable[str]) -> None:
    """Remove objects made by an operation that failed half way (newest first)."""
    for ref in reversed(list(made)):
        cls = db.cls_of(ref)
        if cls == "VDI":
            storage.destroy_vdi(db, ref)
        elif cls is not None:
            db.destroy(ref)


# -- duplicating a VM -------------------------------------------------------------------------


class Duplicate:
    """One clone, copy, snapshot or checkpoint of a VM, made under the database lock.

    Attributes:
        kind: "clone", "copy", "snapshot" or "checkpoint".
        sr: for a copy, the SR every disk goes to (NULL: each disk's own SR).
        made: every object made so far (undone on failure).
    """

    def __init__(self, db: Database, vm: str, kind: str, *, sr: str = NULL_REF,
                 ignore_vdis: Iterable[str] = ()) -> None:
        self.db = db
        self.vm = vm
        self.kind = kind
        self.sr = sr
        self.ignore = set(ignore_vdis)
        self.made: list[str] = []

    @property
    def is_snapshot(self) -> bool:
        return self.kind in ("snapshot", "checkpoint")

    def make(self, new_name: str) -> str:
        try:
            return self._make(new_name)
        except BaseException:
            undo(self.db, self.made)
            raise

    def _make(self, new_name: str) -> str:
        db = self.db
        src = db.get(self.vm, "VM")
        disks = [(vbd, self._disk(vbd)) for vbd in src["VBDs"] if self._keeps(vbd)]
        new = self._remember(db.create("VM", self._vm_fields(src, new_name)))
        for vbd, vdi in disks:
            self._copy_vbd(vbd, new, vdi)
        for vif in src["VIFs"]:
            self._remember(copy_object(db, "VIF", vif, VM=new, **self._vif_changes(vif)))
        db.update(new, suspend_VDI=self._memory_image(src))
        if self.is_snapshot:
            db.update(self.vm, parent=new)
        refresh_allowed_operations(db, new)
        guest.refresh_devices(db, new)
        return new

    def _remember(self, ref: str) -> str:
        self.made.append(ref)
        return ref

    def _keeps(self, vbd: str) -> bool:
        return not (self.is_snapshot and self.db.get(vbd, "VBD")["VDI"] in self.ignore)

    def _disk(self, vbd: str) -> str:
        """The disk the copy's VBD uses: a new one, or the same ISO / nothing for CDs."""
        rec = self.db.get(vbd, "VBD")
        if rec["empty"] or rec["type"] == "CD" or self.db.find(rec["VDI"], "VDI") is None:
            return rec["VDI"]
        return self._remember(self._new_disk(rec["VDI"]))

    def _new_disk(self, vdi: str, *, image: bool = False) -> str:
        """A snapshot, full copy or copy-on-write clone of a disk (or of a memory image)."""
        if self.is_snapshot and not image:
            return storage.snapshot_vdi(self.db, vdi)
        if self.kind == "copy":
            sr = self.sr if self.sr != NULL_REF else self.db.get(vdi, "VDI")["SR"]
            return storage.copy_vdi(self.db, vdi, sr)
        return storage.clone_vdi(self.db, vdi)

    def _vm_fields(self, src: dict, new_name: str) -> dict:
        snapshot = self.is_snapshot
        power = src["power_state"]
        keeps_memory = (self.kind == "checkpoint" and power in ("Running", "Suspended")) or \
            (not snapshot and power == "Suspended")
        return {
            **src, "uuid": new_uuid(), **{f: [] for f in _RELATION_SETS["VM"]}, **_VM_RESETS,
            "name_label": new_name, "power_state": "Suspended" if keeps_memory else "Halted",
            "is_a_template": snapshot or src["is_a_template"], "is_a_snapshot": snapshot,
            "snapshot_of": self.vm if snapshot else NULL_REF,
            "snapshot_time": now() if snapshot else DateTime(NEVER),
            "snapshot_info": {"disk-snapshot-type": "crash_consistent",
                              "power-state-at-snapshot": power} if snapshot else {},
            "snapshot_metadata": snapshot_metadata(src) if snapshot else "",
            "parent": src["parent"] if snapshot else NULL_REF,
            "generation_id": new_uuid() if src["generation_id"] else "",
            "other_config": self._other_config(src),
            "metrics": self._copy_metrics(src["metrics"], "VM_metrics"),
            "guest_metrics": self._copy_metrics(src["guest_metrics"], "VM_guest_metrics"),
        }

    def _other_config(self, src: dict) -> dict[str, str]:
        other = {k: v for k, v in src["other_config"].items()
                 if k not in ("default_template", "xensource_internal")}
        if not self.is_snapshot:
            other["mac_seed"] = new_uuid()
        if src["is_a_template"]:
            other.setdefault("base_template_name", src["name_label"])
        return other

    def _copy_metrics(self, ref: str, cls: str) -> str:
        """A copy of the source's VM_metrics (a new one if it has none) or guest metrics."""
        if self.db.find(ref, cls) is not None:
            return self._remember(copy_object(self.db, cls, ref))
        if cls == "VM_metrics":
            return self._remember(self.db.create(cls, {}))
        return NULL_REF

    def _copy_vbd(self, vbd: str, vm: str, vdi: str) -> None:
        rec = self.db.get(vbd, "VBD")
        other = dict(rec["other_config"])
        if rec["type"] == "Disk":
            other.setdefault("owner", "")
        self._remember(copy_object(
            self.db, "VBD", vbd, VM=vm, VDI=vdi, device="", currently_attached=False,
            current_operations={}, other_config=other, metrics=NULL_REF))

    def _vif_changes(self, vif: str) -> dict[str, object]:
        changes: dict[str, object] = {"currently_attached": False, "current_operations": {},
                                      "metrics": NULL_REF}
        if not self.is_snapshot:
            changes.update(MAC=build.mac(_MACS), MAC_autogenerated=True)
        return changes

    def _memory_image(self, src: dict) -> str:
        """The copy's suspend image: a clone of the source's, or (checkpoint of a running VM)
        a new image of its memory."""
        if self.kind == "checkpoint" and src["power_state"] == "Running":
            return self._remember(guest.new_suspend_image(self.db, self.vm,
                                                          guest.suspend_sr(self.db, self.vm)))
        if self.kind == "snapshot" or self.db.find(src["suspend_VDI"], "VDI") is None:
            return NULL_REF
        return self._remember(self._new_disk(src["suspend_VDI"], image=True))


def disk_vbds(db: Database, vm: str) -> list[tuple[str, str]]:
    """(VBD, VDI) of the VM's disks: what copies duplicate and migrations move (not CDs)."""
    out = []
    for vbd in db.get(vm, "VM")["VBDs"]:
        rec = db.find(vbd, "VBD")
        if rec and not rec["empty"] and rec["type"] != "CD" and db.find(rec["VDI"], "VDI"):
            out.append((vbd, rec["VDI"]))
    return out


def copy_usage(db: Database, vdi: str, sr: str) -> int:
    """Bytes a full copy of `vdi` takes in `sr` (as storage.copy_vdi accounts it)."""
    rec = db.get(vdi, "VDI")
    dest = db.get(sr, "SR")
    size = rec["virtual_size"]
    if storage.holds_files(dest):
        return size
    if storage.is_thick(dest):
        return storage.thick_size(size)
    return max(rec["physical_utilisation"], storage.vhd_metadata_size(size))


def assert_copy_fits(db: Database, vm: str, sr: str) -> int:
    """SR_FULL [requested, maximum] before a copy starts; returns the bytes to copy."""
    need: dict[str, int] = {}
    total = 0
    for _vbd, vdi in disk_vbds(db, vm):
        target = sr if sr != NULL_REF else db.get(vdi, "VDI")["SR"]
        need[target] = need.get(target, 0) + copy_usage(db, vdi, target)
        total += db.get(vdi, "VDI")["virtual_size"]
    for target, size in need.items():
        storage.reserve(db, target, size)
    return total


def duplicate(call: Call, vm: str, op: str, new_name: str, *, seconds: float,
              check=None, **options) -> str:
    """Run `op` (clone, copy, snapshot, checkpoint): `check` (under the lock; it may return the
    seconds the work takes), the time passes, then the copy appears."""
    db = call.db
    with vm_operation(call, vm, op):
        if check is not None:
            with db.lock:
                seconds = check() or seconds
        call.sleep(seconds, steps=4)
        with db.lock:
            return Duplicate(db, vm, op, **options).make(new_name)


@handler("VM", "clone")
def clone(call: Call, vm: str, new_name: str) -> str:
    return duplicate(call, vm, "clone", new_name, seconds=CLONE_SECONDS)


@handler("VM", "copy")
def copy(call: Call, vm: str, new_name: str, sr: str) -> str:
    if sr != NULL_REF:
        call.db.get(sr, "SR")

    def check() -> float:
        return max(CLONE_SECONDS, assert_copy_fits(call.db, vm, sr) / COPY_BYTES_PER_SECOND)

    return duplicate(call, vm, "copy", new_name, seconds=CLONE_SECONDS, check=check, sr=sr)


@handler("VM", "snapshot")
def snapshot(call: Call, vm: str, new_name: str, ignore_vdis: list[str] | None = None) -> str:
    new = duplicate(call, vm, "snapshot", new_name, seconds=SNAPSHOT_SECONDS,
                    ignore_vdis=ignore_vdis or ())
    guest.vm_alert(call.db, vm, "VM_SNAPSHOTTED", 5, f"snapshotted, snapshot name: {new_name}")
    return new


@handler("VM", "checkpoint")
def checkpoint(call: Call, vm: str, new_name: str) -> str:
    def check() -> None:
        if call.db.get(vm, "VM")["power_state"] == "Running":
            guest.assert_suspend_space(call.db, vm, guest.suspend_sr(call.db, vm))

    new = duplicate(call, vm, "checkpoint", new_name, seconds=CHECKPOINT_SECONDS, check=check)
    guest.vm_alert(call.db, vm, "VM_CHECKPOINTED", 5, f"checkpointed, snapshot name: {new_name}")
    return new


# -- revert -----------------------------------------------------------------------------------

# Fields revert never takes from the snapshot (xapi's do_not_copy), and those it also keeps when
# the snapshot has no metadata (the snapshot record itself is the source then).
_KEPT_BY_REVERT = frozenset({
    "uuid", "suspend_VDI", "power_state", "parent", "current_operations", "allowed_operations",
    "metrics", "guest_metrics", "resident_on", "domid", "protection_policy", "snapshot_schedule",
    "scheduled_to_be_resident_on", "snapshots", "tags", "affinity", "groups", "consoles", "VBDs",
    "VIFs", "VGPUs", "VUSBs", "VTPMs", "attached_PCIs", "is_snapshot_from_vmpp", "children",
    "crash_dumps"})
_KEPT_WITHOUT_METADATA = frozenset({
    "name_label", "is_a_snapshot", "is_a_template", "is_default_template", "snapshot_of",
    "snapshot_time", "transportable_snapshot_id", "snapshot_info", "snapshot_metadata"})


def snapshot_metadata(rec: dict) -> str:
    """The VM record at snapshot time, serialised as xapi keeps it (an XML-RPC value)."""
    return xmlrpc.encode({k: v for k, v in rec.items() if v is not None})


def reverted_fields(snap: dict) -> dict[str, object]:
    """The VM fields a revert restores: from the snapshot's metadata, else from the snapshot."""
    keep = _KEPT_BY_REVERT
    source: dict = snap
    if snap["snapshot_metadata"]:
        call = f"<methodCall><methodName>r</methodName><params><param>{snap['snapshot_metadata']}"
        _, params = xmlrpc.decode_call(f"{call}</param></params></methodCall>".encode())
        source = coerce_record(params[0], "VM")
    else:
        keep = keep | _KEPT_WITHOUT_METADATA
    fields = {k: v for k, v in source.items() if k not in keep}
    fields["ha_always_run"] = False
    return fields


def replace_disks(db: Database, snapshot: str, vm: str) -> None:
    """The VM's disks that the snapshot has images of are deleted and replaced by clones of
    the images (other snapshots of them now point at the clones); its other VBDs go (their
    disks stay); the snapshot's CD drives are copied."""
    snap = db.get(snapshot, "VM")
    images = [(vbd, db.get(vbd, "VBD")) for vbd in snap["VBDs"]]
    originals = {db.get(r["VDI"], "VDI")["snapshot_of"] for _, r in images
                 if r["type"] == "Disk" and db.find(r["VDI"], "VDI")}
    for vbd in list(db.get(vm, "VM")["VBDs"]):
        vdi = db.get(vbd, "VBD")["VDI"]
        db.destroy(vbd)
        if vdi in originals and db.find(vdi, "VDI") is not None:
            storage.destroy_vdi(db, vdi)
    for vbd, rec in images:
        disk = rec["VDI"]
        if rec["type"] == "Disk" and db.find(disk, "VDI") is not None:
            old = db.get(disk, "VDI")["snapshot_of"]
            disk = storage.clone_vdi(db, disk)
            for other, _ in list(db.where("VDI", snapshot_of=old)):
                db.update(other, snapshot_of=disk)
        copy_object(db, "VBD", vbd, VM=vm, VDI=disk, device="", currently_attached=False,
                    current_operations={}, metrics=NULL_REF)


def replace_metrics(db: Database, snapshot: str, vm: str) -> None:
    snap = db.get(snapshot, "VM")
    rec = db.get(vm, "VM")
    for field, cls in (("metrics", "VM_metrics"), ("guest_metrics", "VM_guest_metrics")):
        if db.find(rec[field], cls) is not None:
            db.destroy(rec[field])
        new = copy_object(db, cls, snap[field]) if db.find(snap[field], cls) else NULL_REF
        if new == NULL_REF and cls == "VM_metrics":
            new = db.create(cls, {})
        db.update(vm, **{field: new})


def revert_to(db: Database, snapshot: str, vm: str) -> None:
    """Make `vm` what `snapshot` recorded: fields, disks, interfaces, memory image, state."""
    halt(db, vm)
    snap = db.get(snapshot, "VM")
    db.update(vm, **reverted_fields(snap))
    replace_disks(db, snapshot, vm)
    for vif in list(db.get(vm, "VM")["VIFs"]):
        db.destroy(vif)
    for vif in snap["VIFs"]:
        copy_object(db, "VIF", vif, VM=vm, currently_attached=False, current_operations={})
    replace_metrics(db, snapshot, vm)
    image = snap["suspend_VDI"]
    image = storage.clone_vdi(db, image) if db.find(image, "VDI") is not None else NULL_REF
    db.update(vm, parent=snapshot, suspend_VDI=image,
              power_state="Suspended" if image != NULL_REF else "Halted")
    refresh_allowed_operations(db, vm)
    guest.refresh_devices(db, vm)


def vm_from_snapshot(db: Database, snapshot: str) -> str:
    """A VM to revert into when the snapshot's VM was deleted (with the old VM's uuid)."""
    snap = db.get(snapshot, "VM")
    fields = reverted_fields(snap)
    uuid = fields.get("uuid") if snap["snapshot_metadata"] else None
    vm = db.create("VM", {**fields, "uuid": uuid or new_uuid(), "power_state": "Halted",
                          "domid": -1, "metrics": db.create("VM_metrics", {})})
    db.update(snapshot, snapshot_of=vm)
    return vm


@handler("VM", "revert")
def revert(call: Call, snapshot: str) -> None:
    """Called on a snapshot: its VM goes back to it. A VM that was running when a checkpoint
    was taken comes back Suspended (as in xapi; clients resume it)."""
    db = call.db
    with vm_operation(call, snapshot, "revert"):
        set_cancellable(call, False)
        vm = db.get(snapshot, "VM")["snapshot_of"]
        if db.find(vm, "VM") is None:
            with db.lock:
                vm = vm_from_snapshot(db, snapshot)
        with vm_operation(call, vm, "reverting"):
            call.sleep(REVERT_SECONDS, steps=2)
            with db.lock:
                revert_to(db, snapshot, vm)
    snap = db.get(snapshot, "VM")
    guest.vm_alert(db, vm, "VM_SNAPSHOT_REVERTED", 5,
                   f"reverted to snapshot: {snap['name_label']} (uuid {snap['uuid']})")


# -- destroy, provision -----------------------------------------------------------------------


@handler("VM", "destroy")
def destroy(call: Call, self: str) -> None:
    """The VM record and what hangs off it (VBDs, VIFs, metrics, consoles); not its disks."""
    db = call.db
    with vm_operation(call, self, "destroy"):
        set_cancellable(call, False)
        with db.lock:
            if db.get(self, "VM")["other_config"].get("default_template") == "true":
                raise Failure("VM_CANNOT_DELETE_DEFAULT_TEMPLATE", self)
            remove_vm_records(db, self)


def remove_vm_records(db: Database, vm: str) -> None:
    """Delete the VM and what hangs off it (its children move up to its parent)."""
    with db.lock:
        rec = db.get(vm, "VM")
        for child in rec["children"]:
            db.update(child, parent=rec["parent"])
        for ref in (*rec["VBDs"], *rec["VIFs"], *rec["consoles"], rec["metrics"],
                    rec["guest_metrics"]):
            if db.cls_of(ref) is not None:
                db.destroy(ref)
        db.destroy(vm)


def provision_spec(rec: dict) -> list[dict[str, str]]:
    """The disks of other_config["disks"] (`<provision><disk device= size= sr= .../>`)."""
    text = rec["other_config"].get("disks")
    if not text:
        return []
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise Failure("INTERNAL_ERROR", f"Xapi_templates.Parse_failure: {exc}") from None
    if root.tag != "provision":
        raise Failure("INTERNAL_ERROR", "Xapi_templates.Parse_failure")
    return [dict(disk.attrib) for disk in root]


def provision_disk(db: Database, vm: str, disk: dict[str, str]) -> list[str]:
    """One disk of the spec: a VDI (named after its device) in the SR given by uuid, its VBD."""
    try:
        sr = db.by_uuid("SR", disk.get("sr", ""))
        size = int(disk["size"])
        userdevice = disk["device"]
    except (KeyError, ValueError):
        raise Failure("INTERNAL_ERROR", "Xapi_templates.Parse_failure") from None
    except Failure:
        raise Failure("UUID_INVALID", "sr", disk.get("sr", "")) from None
    vdi_type = disk.get("type", "system")
    vdi = storage.new_vdi(db, sr, userdevice, size, type=vdi_type,
                          name_description="Created by template provisioner",
                          sm_config={"vm_hint": db.get(vm, "VM")["uuid"]})
    vbd = db.create("VBD", {
        "VM": vm, "VDI": vdi, "userdevice": userdevice, "bootable": disk.get("bootable") == "true",
        "mode": "RW", "type": "Disk", "unpluggable": vdi_type != "system", "empty": False,
        "other_config": {"owner": ""}})
    return [vdi, vbd]


@handler("VM", "provision")
def provision(call: Call, vm: str) -> None:
    """Make the disks the template describes; the VM stops being a template."""
    db = call.db
    with vm_operation(call, vm, "provision"):
        call.sleep(PROVISION_SECONDS, steps=2)
        with db.lock:
            spec = provision_spec(db.get(vm, "VM"))
            made: list[str] = []
            try:
                for disk in spec:
                    made += provision_disk(db, vm, disk)
            except BaseException:
                undo(db, made)
                raise
            rest = {k: v for k, v in db.get(vm, "VM")["other_config"].items()
                    if k not in ("disks", "postinstall")}
            db.update(vm, is_a_template=False, other_config=rest)
            guest.refresh_devices(db, vm)
