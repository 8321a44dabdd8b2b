"""The simulator's object database: class -> ref -> record, with generations for event.from.

Every change bumps the database generation and stamps the object, so `event.from` can answer
"what changed since token T" with coalesced add / mod / del events. Records are replaced, never
changed in place, so a reader holding one sees a consistent object without the lock. The
one-to-many relation sets (VM.VBDs, SR.VDIs, host.resident_VMs ...) are kept from their
"one" side, as xapi does.
"""

from __future__ import annotations

import threading
import uuid as uuidlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from xapiman.sim.errors import Failure
from xapiman.sim.model.spec import CLASS_BY_LOWER, MODEL
from xapiman.sim.model.values import NULL_REF

# (class holding the ref, its field) -> (class of the target, set field on the target)
RELATIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("VBD", "VM"): ("VM", "VBDs"),
    ("VBD", "VDI"): ("VDI", "VBDs"),
    ("VIF", "VM"): ("VM", "VIFs"),
    ("VIF", "network"): ("network", "VIFs"),
    ("VDI", "SR"): ("SR", "VDIs"),
    ("PBD", "SR"): ("SR", "PBDs"),
    ("PBD", "host"): ("host", "PBDs"),
    ("PIF", "host"): ("host", "PIFs"),
    ("PIF", "network"): ("network", "PIFs"),
    ("host_cpu", "host"): ("host", "host_CPUs"),
    ("VM", "resident_on"): ("host", "resident_VMs"),
    ("console", "VM"): ("VM", "consoles"),
    ("VM", "snapshot_of"): ("VM", "snapshots"),
    ("VM", "parent"): ("VM", "children"),
    ("VDI", "snapshot_of"): ("VDI", "snapshots"),
    ("task", "subtask_of"): ("task", "subtasks"),
    ("Bond", "master"): ("PIF", "bond_master_of"),
    ("PIF", "bond_slave_of"): ("Bond", "slaves"),
    ("VLAN", "tagged_PIF"): ("PIF", "VLAN_slave_of"),
}
_RELATIONS_BY_CLASS: dict[str, list[tuple[str, str, str]]] = {}
for (_cls, _field), (_target, _set) in RELATIONS.items():
    _RELATIONS_BY_CLASS.setdefault(_cls, []).append((_field, _target, _set))

# Fields looked up by value often enough to keep an index: (class, field).
INDEXED_FIELDS = {("VM", "scheduled_to_be_resident_on")}

# Classes whose objects are not in the database proper and do not produce events.
NO_EVENTS = {"event", "role", "user", "secret", "session"}


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
        return {name.lower(): len(table) for name, table in self.tables.items()}

    # -- writing ----------------------------------------------------------------------------

    def create(self, cls: str, fields: dict | None = None, ref: str | None = None) -> str:
        """Add an object of `cls` with `fields` over the defaults; returns its ref."""
        with self.lock:
            record = MODEL[cls].new_record()
            if fields:
                record.update(fields)
            if "uuid" in record and not record["uuid"]:
                record["uuid"] = new_uuid()
            ref = ref or new_ref()
            gen = self._bump(cls)
            self.tables[cls][ref] = record
            self._index(cls, ref, None, record)
            self.stamps[ref] = Stamp(cls, gen, gen)
            self._touch(ref, gen)
            for field, target, set_field in _RELATIONS_BY_CLASS.get(cls, ()):
                self._link(target, record.get(field, NULL_REF), set_field, ref, gen)
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
            record = dict(old)
            record.update(changes)
            gen = self._bump(stamp.cls)
            table[ref] = record
            self._index(stamp.cls, ref, old, record)
            stamp.mtime = gen
            self._touch(ref, gen)
            for field, target, set_field in _RELATIONS_BY_CLASS.get(stamp.cls, ()):
                if field in changes and old.get(field) != record.get(field):
                    self._unlink(target, old.get(field, NULL_REF), set_field, ref, gen)
                    self._link(target, record.get(field, NULL_REF), set_field, ref, gen)
            self._changed()
            return record

    def destroy(self, ref: str) -> None:
        with self.lock:
            stamp = self.stamps.pop(ref, None)
            if stamp is None:
                raise Failure("HANDLE_INVALID", "object", ref)
            record = self.tables[stamp.cls].pop(ref)
            self._index(stamp.cls, ref, record, None)
            gen = self._bump(stamp.cls)
            self.recent.pop(ref, None)
            if stamp.cls not in NO_EVENTS:
                self.tombstones[ref] = (stamp.cls, stamp.ctime, gen, record)
            for field, target, set_field in _RELATIONS_BY_CLASS.get(stamp.cls, ()):
                self._unlink(target, record.get(field, NULL_REF), set_field, ref, gen)
            self._changed()

    def touch(self, ref: str) -> None:
        """Mark `ref` modified without changing it (event.inject)."""
        with self.lock:
            stamp = self.stamps[ref]
            gen = self._bump(stamp.cls)
            stamp.mtime = gen
            self._touch(ref, gen)
            self._changed()

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
                derived: dict[str, list[str]] = {ref: [] for ref in self.tables[target_cls]}
                for ref, rec in self.tables[cls].items():
                    target = rec.get(field)
                    if target in derived:
                        derived[target].append(ref)
                for target, refs in derived.items():
                    rec = self.tables[target_cls][target]
                    if rec.get(set_field) != refs:
                        self.tables[target_cls][target] = {**rec, set_field: refs}


def class_name(lower: str) -> str | None:
    """The datamodel spelling of a class name given in any case (event subscriptions)."""
    return CLASS_BY_LOWER.get(lower.lower())
