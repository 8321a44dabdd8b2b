"""The simulator's object database: class -> ref -> record, with generations for event.from.

Every change bumps the database generation and stamps the object, so `event.from` can answer
"what changed since token T" with coalesced add / mod / del events. Records are replaced, never
changed in place, so a reader holding one sees a consistent object without the lock. The
one-to-many relation sets (VM.VBDs, SR.VDIs, host.resident_VMs ...) are kept from their
"one" side, as xapi does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
import uuid as uuidlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from xapiman.sim.errors import Failure
from xapiman.sim.model.spec import CLASS_BY_LOWER, DATABASE_CLASSES, MODEL
from xapiman.sim.model.values import NULL_REF

# The relations xapi keeps (its datamodel's all_relations): (class holding the ref, its
# field) -> (class of the target, set field on the target). The holding field is a ref, or a
# set of refs for the many-to-many relations (host.updates <-> pool_update.hosts ...). Left
# out: xapi's relations through fields it does not publish (PCI.attached_VMs ...).
RELATIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("VM", "snapshot_of"): ("VM", "snapshots"),
    ("VDI", "snapshot_of"): ("VDI", "snapshots"),
    ("VM", "parent"): ("VM", "children"),
    ("task", "subtask_of"): ("task", "subtasks"),
    ("PIF", "bond_slave_of"): ("Bond", "slaves"),
    ("Bond", "master"): ("PIF", "bond_master_of"),
    ("VLAN", "tagged_PIF"): ("PIF", "VLAN_slave_of"),
    ("tunnel", "access_PIF"): ("PIF", "tunnel_access_PIF_of"),
    ("tunnel", "transport_PIF"): ("PIF", "tunnel_transport_PIF_of"),
    ("PBD", "host"): ("host", "PBDs"),
    ("PBD", "SR"): ("SR", "PBDs"),
    ("VBD", "VDI"): ("VDI", "VBDs"),
    ("crashdump", "VDI"): ("VDI", "crash_dumps"),
    ("VBD", "VM"): ("VM", "VBDs"),
    ("crashdump", "VM"): ("VM", "crash_dumps"),
    ("VIF", "VM"): ("VM", "VIFs"),
    ("VIF", "network"): ("network", "VIFs"),
    ("Cluster_host", "cluster"): ("Cluster", "cluster_hosts"),
    ("PIF", "host"): ("host", "PIFs"),
    ("PIF", "network"): ("network", "PIFs"),
    ("VDI", "SR"): ("SR", "VDIs"),
    ("VTPM", "VM"): ("VM", "VTPMs"),
    ("console", "VM"): ("VM", "consoles"),
    ("VM", "resident_on"): ("host", "resident_VMs"),
    ("host_cpu", "host"): ("host", "host_CPUs"),
    ("host_crashdump", "host"): ("host", "crashdumps"),
    ("host_patch", "host"): ("host", "patches"),
    ("host_patch", "pool_patch"): ("pool_patch", "host_patches"),
    ("host", "updates"): ("pool_update", "hosts"),
    ("VM", "protection_policy"): ("VMPP", "VMs"),
    ("VM", "snapshot_schedule"): ("VMSS", "VMs"),
    ("VM", "appliance"): ("VM_appliance", "VMs"),
    ("PGPU", "GPU_group"): ("GPU_group", "PGPUs"),
    ("VGPU", "GPU_group"): ("GPU_group", "VGPUs"),
    ("VGPU", "type"): ("VGPU_type", "VGPUs"),
    ("VGPU", "VM"): ("VM", "VGPUs"),
    ("VGPU", "resident_on"): ("PGPU", "resident_VGPUs"),
    ("PGPU", "supported_VGPU_types"): ("VGPU_type", "supported_on_PGPUs"),
    ("PGPU", "enabled_VGPU_types"): ("VGPU_type", "enabled_on_PGPUs"),
    ("GPU_group", "supported_VGPU_types"): ("VGPU_type", "supported_on_GPU_groups"),
    ("GPU_group", "enabled_VGPU_types"): ("VGPU_type", "enabled_on_GPU_groups"),
    ("PCI", "host"): ("host", "PCIs"),
    ("PGPU", "host"): ("host", "PGPUs"),
    ("VDI", "metadata_of_pool"): ("pool", "metadata_VDIs"),
    ("SR", "introduced_by"): ("DR_task", "introduced_SRs"),
    ("PVS_server", "site"): ("PVS_site", "servers"),
    ("PVS_proxy", "site"): ("PVS_site", "proxies"),
    ("PVS_cache_storage", "site"): ("PVS_site", "cache_storage"),
    ("PUSB", "host"): ("host", "PUSBs"),
    ("PUSB", "USB_group"): ("USB_group", "PUSBs"),
    ("VUSB", "USB_group"): ("USB_group", "VUSBs"),
    ("VUSB", "VM"): ("VM", "VUSBs"),
    ("Feature", "host"): ("host", "features"),
    ("network_sriov", "physical_PIF"): ("PIF", "sriov_physical_PIF_of"),
    ("network_sriov", "logical_PIF"): ("PIF", "sriov_logical_PIF_of"),
    ("Certificate", "host"): ("host", "certificates"),
    ("VM", "groups"): ("VM_group", "VMs"),
    ("Driver_variant", "driver"): ("Host_driver", "variants"),
    ("Caller", "rate_limit"): ("Rate_limit", "callers"),
}
# Per holding class: (field, target class, set field on the target, whether the field is a set)
_RELATIONS_BY_CLASS: dict[str, list[tuple[str, str, str, bool]]] = {}
for (_cls, _field), (_target, _set) in RELATIONS.items():
    _many = MODEL[_cls].fields[_field].type.kind == "set"
    _RELATIONS_BY_CLASS.setdefault(_cls, []).append((_field, _target, _set, _many))


def _targets(value: object, many: bool) -> list:
    """The refs a relation field holds (one ref, or a set of them)."""
    if many:
        return value if isinstance(value, list) else []
    return [value]


# Fields looked up by value often enough to keep an index: (class, field).
INDEXED_FIELDS = {("VM", "scheduled_to_be_resident_on")}

# Classes whose objects are not in the database proper and do not produce events.
NO_EVENTS = {"event", "role", "user", "secret", "session"}
# Classes a failed call does not take back: its task, the alerts it raised, the sessions.
UNJOURNALED = frozenset({"task", "message", "session"})

log = logging.getLogger("xapiman.sim")


def new_ref() -> str:
    return f"OpaqueRef:{uuidlib.uuid4()}"


def new_uuid() -> str:
    return str(uuidlib.uuid4())


@dataclass
class Stamp:
    """When an object was created and last changed (database generations)."""

    cls: str
    ctime: int
    mtime: int


@dataclass
class Journal:
    """The changes one call made, newest last, to take them back when the call fails.

    Entries: ("create", ref), ("update", ref, old values, new values), ("destroy", ref, cls,
    record), ("call", undo function) for state kept outside the database. `before_write` runs
    before each change it records and may raise (an injected fault), in which case that change
    is not made. `after` holds what must wait until the changes stand (stopping a server ...).
    """

    before_write: Callable[[], None] | None = None
    entries: list[tuple] = dataclasses.field(default_factory=list)
    after: list[Callable[[], None]] = dataclasses.field(default_factory=list)

    def undo(self, db: Database) -> None:
        """Take every change back, newest first; a field another call changed since keeps
        that call's value."""
        for entry in reversed(self.entries):
            try:
                _undo(db, entry)
            except Exception:  # an undo must not stop the others
                log.exception("could not undo %s", entry[:2])
        self.entries.clear()


def _undo(db: Database, entry: tuple) -> None:
    kind, ref = entry[0], entry[1]
    if kind == "call":
        ref()
    elif kind == "create":
        if db.cls_of(ref) is not None:
            db.destroy(ref)
    elif kind == "update":
        old, new = entry[2], entry[3]
        cls = db.cls_of(ref)
        if cls is None:
            return
        current = db.tables[cls][ref]
        restore = {k: v for k, v in old.items() if current.get(k) == new[k]}
        if restore:
            db.update(ref, **restore)
    elif db.cls_of(ref) is None:  # destroy
        db.create(entry[2], entry[3], ref=ref)


class Database:
    """All objects of one simulated pool.

    Attributes:
        lock: guards every read-modify-write; `changed` is notified after each change.
        generation: the database generation (first half of an event.from token).
        message_generation: the message generation (second half of the token).
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.generation = 0
        self.message_generation = 0
        self.tables: dict[str, dict[str, dict]] = {name: {} for name in MODEL}
        self.stamps: dict[str, Stamp] = {}
        # refs in order of last change (a dict keeps insertion order; re-inserted on change)
        self.recent: dict[str, int] = {}
        # deleted objects: ref -> (class, ctime, deletion generation, last record)
        self.tombstones: dict[str, tuple[str, int, int, dict]] = {}
        self.observers: list[Callable[[], None]] = []
        self.indexes: dict[tuple[str, str], dict[object, set[str]]] = {
            key: {} for key in INDEXED_FIELDS}
        self._local = threading.local()  # the journal of the call this thread serves

    # -- reading ----------------------------------------------------------------------------

    def cls_of(self, ref: str) -> str | None:
        stamp = self.stamps.get(ref)
        return stamp.cls if stamp else None

    def get(self, ref: str, cls: str | None = None) -> dict:
        """The record of `ref`; HANDLE_INVALID [cls, ref] when it is not an object of `cls`."""
        stamp = self.stamps.get(ref)
        if stamp is None or (cls is not None and stamp.cls != cls):
            raise Failure("HANDLE_INVALID", cls or "object", ref)
        return self.tables[stamp.cls][ref]

    def find(self, ref: str, cls: str) -> dict | None:
        return self.tables[cls].get(ref)

    def all(self, cls: str) -> dict[str, dict]:
        return self.tables[cls]

    def by_uuid(self, cls: str, uuid: str) -> str:
        for ref, rec in self.tables[cls].items():
            if rec.get("uuid") == uuid:
                return ref
        raise Failure("UUID_INVALID", cls, uuid)

    def where(self, cls: str, **match: object) -> Iterator[tuple[str, dict]]:
        for ref, rec in self.tables[cls].items():
            if all(rec.get(k) == v for k, v in match.items()):
                yield ref, rec

    def referrers(self, cls: str, field: str, value: object) -> set[str]:
        """Refs of the `cls` objects whose `field` is `value` (an indexed field)."""
        return set(self.indexes[(cls, field)].get(value, ()))

    def _index(self, cls: str, ref: str, old: dict | None, new: dict | None) -> None:
        for (icls, field), index in self.indexes.items():
            if icls != cls:
                continue
            if old is not None:
                refs = index.get(old.get(field))
                if refs is not None:
                    refs.discard(ref)
            if new is not None:
                index.setdefault(new.get(field), set()).add(ref)

    def counts(self) -> dict[str, int]:
        """Objects per database table (event.from's valid_ref_counts): every class xapi keeps
        in its database, by lower-case name."""
        tables = self.tables
        return {name.lower(): len(tables[name]) for name in DATABASE_CLASSES}

    # -- writing ----------------------------------------------------------------------------

    def create(self, cls: str, fields: dict | None = None, ref: str | None = None) -> str:
        """Add an object of `cls` with `fields` over the defaults; returns its ref."""
        with self.lock:
            journal = self._recording(cls)
            record = MODEL[cls].new_record()
            if fields:
                record.update(fields)
            if "uuid" in record and not record["uuid"]:
                record["uuid"] = new_uuid()
            ref = ref or new_ref()
            if journal is not None:
                journal.entries.append(("create", ref))
            self.tombstones.pop(ref, None)  # an undone deletion brings the object back
            gen = self._bump(cls)
            self.tables[cls][ref] = record
            self._index(cls, ref, None, record)
            self.stamps[ref] = Stamp(cls, gen, gen)
            self._touch(ref, gen)
            for field, target, set_field, many in _RELATIONS_BY_CLASS.get(cls, ()):
                value = record.get(field, NULL_REF)
                if value == NULL_REF or not value:
                    continue
                for one in _targets(value, many):
                    self._link(target, one, set_field, ref, gen)
            self._changed()
            return ref

    def update(self, ref: str, **changes: object) -> dict:
        """Change fields of `ref` (a new record replaces the old one); returns the new record."""
        with self.lock:
            stamp = self.stamps.get(ref)
            if stamp is None:
                raise Failure("HANDLE_INVALID", "object", ref)
            table = self.tables[stamp.cls]
            old = table[ref]
            journal = self._journal()
            if journal is not None and stamp.cls not in UNJOURNALED:
                previous = {k: old.get(k) for k in changes}
                if previous != changes:
                    if journal.before_write is not None:
                        journal.before_write()
                    journal.entries.append(("update", ref, previous, dict(changes)))
            record = dict(old)
            record.update(changes)
            gen = self._bump(stamp.cls)
            table[ref] = record
            self._index(stamp.cls, ref, old, record)
            stamp.mtime = gen
            self._touch(ref, gen)
            for field, target, set_field, many in _RELATIONS_BY_CLASS.get(stamp.cls, ()):
                if field in changes and old.get(field) != record.get(field):
                    before = _targets(old.get(field, NULL_REF), many)
                    after = _targets(record.get(field, NULL_REF), many)
                    for value in before:
                        if value not in after:
                            self._unlink(target, value, set_field, ref, gen)
                    for value in after:
                        self._link(target, value, set_field, ref, gen)
            self._changed()
            return record

    def destroy(self, ref: str) -> None:
        with self.lock:
            stamp = self.stamps.get(ref)
            if stamp is None:
                raise Failure("HANDLE_INVALID", "object", ref)
            journal = self._recording(stamp.cls)
            del self.stamps[ref]
            record = self.tables[stamp.cls].pop(ref)
            if journal is not None:
                journal.entries.append(("destroy", ref, stamp.cls, record))
            self._index(stamp.cls, ref, record, None)
            gen = self._bump(stamp.cls)
            self.recent.pop(ref, None)
            if stamp.cls not in NO_EVENTS:
                self.tombstones[ref] = (stamp.cls, stamp.ctime, gen, record)
            for field, target, set_field, many in _RELATIONS_BY_CLASS.get(stamp.cls, ()):
                for value in _targets(record.get(field, NULL_REF), many):
                    self._unlink(target, value, set_field, ref, gen)
            self._changed()

    def touch(self, ref: str) -> None:
        """Mark `ref` modified without changing it (event.inject)."""
        with self.lock:
            stamp = self.stamps[ref]
            gen = self._bump(stamp.cls)
            stamp.mtime = gen
            self._touch(ref, gen)
            self._changed()

    # -- journals: what a call changed, taken back when it fails ----------------------------

    def _journal(self) -> Journal | None:
        return getattr(self._local, "journal", None)

    def _recording(self, cls: str) -> Journal | None:
        """The journal a change to an object of `cls` goes to (its hook runs first)."""
        journal = self._journal()
        if journal is None or cls in UNJOURNALED:
            return None
        if journal.before_write is not None:
            journal.before_write()
        return journal

    @contextlib.contextmanager
    def transaction(self, before_write: Callable[[], None] | None = None, *,
                    into_outer: bool = True) -> Iterator[Journal]:
        """Record the changes this thread makes in the block; take them back if it raises.

        Nested in another transaction of the thread, the changes join the outer one when the
        block succeeds (`into_outer`), so a failure of the outer block takes them back too;
        otherwise they stand once the block succeeded. `before_write` defaults to the outer
        transaction's.
        """
        outer = self._journal()
        if before_write is None and outer is not None and into_outer:
            before_write = outer.before_write
        journal = Journal(before_write)
        self._local.journal = journal
        try:
            yield journal
        except BaseException:
            self._local.journal = None  # taking back is not itself recorded
            try:
                with self.lock:
                    journal.undo(self)
            finally:
                self._local.journal = outer
            raise
        self._local.journal = outer
        if into_outer and outer is not None:
            outer.entries.extend(journal.entries)
            outer.after.extend(journal.after)
            return
        for action in journal.after:
            action()

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run `action` once the changes of this thread's transaction stand (at once when
        there is none): what cannot be taken back, such as stopping a host's server."""
        journal = self._journal()
        if journal is None:
            action()
        else:
            journal.after.append(action)

    def on_undo(self, action: Callable[[], None]) -> None:
        """Have a failure of this thread's transaction also run `action` (in its turn among the
        changes taken back): for state kept outside the database."""
        journal = self._journal()
        if journal is not None:
            journal.entries.append(("call", action))

    # -- internals --------------------------------------------------------------------------

    def _bump(self, cls: str) -> int:
        if cls == "message":
            self.message_generation += 1
        self.generation += 1
        return self.generation

    def _touch(self, ref: str, gen: int) -> None:
        self.recent.pop(ref, None)
        self.recent[ref] = gen

    def _link(self, target_cls: str, target: object, set_field: str, ref: str, gen: int) -> None:
        table = self.tables[target_cls]
        if not isinstance(target, str) or target not in table:
            return
        old = table[target]
        if ref in old[set_field]:
            return
        record = dict(old)
        record[set_field] = [*old[set_field], ref]
        table[target] = record
        self.stamps[target].mtime = gen
        self._touch(target, gen)

    def _unlink(self, target_cls: str, target: object, set_field: str, ref: str, gen: int) -> None:
        table = self.tables[target_cls]
        if not isinstance(target, str) or target not in table:
            return
        old = table[target]
        if ref not in old[set_field]:
            return
        record = dict(old)
        record[set_field] = [r for r in old[set_field] if r != ref]
        table[target] = record
        self.stamps[target].mtime = gen
        self._touch(target, gen)

    def _changed(self) -> None:
        self.changed.notify_all()
        for observer in self.observers:
            observer()

    def rebuild_relations(self) -> None:
        """Recompute every one-to-many set from the "one" side, and the field indexes
        (after loading a dump or a saved state)."""
        with self.lock:
            for key in self.indexes:
                self.indexes[key] = {}
            for cls, table in self.tables.items():
                for ref, rec in table.items():
                    self._index(cls, ref, None, rec)
            for (cls, field), (target_cls, set_field) in RELATIONS.items():
                many = MODEL[cls].fields[field].type.kind == "set"
                derived: dict[str, list[str]] = {ref: [] for ref in self.tables[target_cls]}
                for ref, rec in self.tables[cls].items():
                    targets = _targets(rec.get(field), many)
                    for target in dict.fromkeys(targets) if many else targets:
                        refs = derived.get(target) if isinstance(target, str) else None
                        if refs is not None:
                            refs.append(ref)
                for target, refs in derived.items():
                    rec = self.tables[target_cls][target]
                    if rec.get(set_field) != refs:
                        self.tables[target_cls][target] = {**rec, set_field: refs}


def class_name(lower: str) -> str | None:
    """The datamodel spelling of a class name given in any case (event subscriptions)."""
    return CLASS_BY_LOWER.get(lower.lower())
