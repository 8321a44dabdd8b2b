"""The cache's data: one immutable state per batch, built from events, and the change notice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import methodcaller
from types import MappingProxyType
from typing import Any

from xapiman.xapi.indexes import FIELDS_BY_CLASS, INDEXED
from xapiman.xapi.refs import NULL_REF

Table = dict[str, dict]
# one event of an event.from answer: {"class", "operation", "ref", "snapshot" ...}, as decoded
Event = Mapping[str, Any]
Index = dict[str, tuple[str, ...]]
_NO_REFS: frozenset[str] = frozenset()


def _frozen(groups: dict[str, set[str]]) -> Mapping[str, frozenset[str]]:
    return MappingProxyType({cls: frozenset(refs) for cls, refs in groups.items() if refs})


@dataclass(frozen=True)
class CacheChange:
    """What one batch changed, per lower-case class ("vm", "host" ...): sets of refs.

    Attributes:
        added, changed, removed: class -> refs (classes without refs are absent).
        resync: the batch was a full re-read (after a reconnection, EVENTS_LOST or a count
            mismatch): consumers that keep their own structures may rebuild them.
    """

    added: Mapping[str, frozenset[str]] = field(default_factory=dict)
    changed: Mapping[str, frozenset[str]] = field(default_factory=dict)
    removed: Mapping[str, frozenset[str]] = field(default_factory=dict)
    resync: bool = False

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    @property
    def classes(self) -> frozenset[str]:
        return frozenset(self.added) | frozenset(self.changed) | frozenset(self.removed)

    def added_in(self, cls: str) -> frozenset[str]:
        return self.added.get(cls.lower(), _NO_REFS)

    def changed_in(self, cls: str) -> frozenset[str]:
        return self.changed.get(cls.lower(), _NO_REFS)

    def removed_in(self, cls: str) -> frozenset[str]:
        return self.removed.get(cls.lower(), _NO_REFS)

    def touched(self, cls: str) -> frozenset[str]:
        """Every ref of `cls` this batch added, changed or removed."""
        return self.added_in(cls) | self.changed_in(cls) | self.removed_in(cls)

    def __repr__(self) -> str:
        def count(groups: Mapping[str, frozenset[str]]) -> str:
            return ", ".join(f"{c}:{len(r)}" for c, r in sorted(groups.items()))

        return (f"CacheChange(added={{{count(self.added)}}}, changed={{{count(self.changed)}}}, "
                f"removed={{{count(self.removed)}}}, resync={self.resync})")


@dataclass(frozen=True)
class CacheState:
    """One consistent state of the cache. Never modified once published.

    Attributes:
        tables: lower-case class -> ref -> record. A class's table is replaced (not edited)
            when a batch touches it, so an unchanged table is the same object as before.
        indexes: (class, field) -> target ref -> refs of that class pointing at it.
        classes: ref -> lower-case class. Shared by successive states (a ref never changes
            class) and kept for the newest one: look the record up in `tables` after it.
    """

    tables: dict[str, Table]
    indexes: dict[tuple[str, str], Index]
    classes: dict[str, str]

    @classmethod
    def empty(cls) -> CacheState:
        return cls({}, {}, {})

    def class_of(self, ref: str) -> str | None:
        """The lower-case class holding `ref`."""
        cls = self.classes.get(ref)
        return cls if cls is not None and ref in self.tables.get(cls, ()) else None

    def updated(self, events: Iterable[Event]) -> tuple[CacheState, CacheChange]:
        """The state after an incremental batch, and what it changed."""
        tables = dict(self.tables)
        copied: set[str] = set()
        first_seen: dict[str, tuple[str, dict | None]] = {}
        for event in events:
            cls = _lower(event["class"])
            ref = event["ref"]
            if cls not in copied:
                tables[cls] = dict(tables.get(cls, ()))
                copied.add(cls)
            table = tables[cls]
            if ref not in first_seen:
                first_seen[ref] = (cls, table.get(ref))
            if event["operation"] == "del":
                table.pop(ref, None)
            else:
                snapshot = event.get("snapshot")
                if isinstance(snapshot, dict):
                    table[ref] = snapshot
        return self._with_changes(tables, first_seen)

    def _with_changes(self, tables: dict[str, Table],
                      first_seen: dict[str, tuple[str, dict | None]],
                      ) -> tuple[CacheState, CacheChange]:
        added: dict[str, set[str]] = {}
        changed: dict[str, set[str]] = {}
        removed: dict[str, set[str]] = {}
        indexes = _IndexEditor(self.indexes)
        classes = self.classes
        for ref, (cls, old) in first_seen.items():
            new = tables[cls].get(ref)
            if old is None and new is None:
                continue
            if old is None:
                added.setdefault(cls, set()).add(ref)
                classes[ref] = cls
            elif new is None:
                removed.setdefault(cls, set()).add(ref)
                classes.pop(ref, None)
            else:
                changed.setdefault(cls, set()).add(ref)
            for name in FIELDS_BY_CLASS.get(cls, ()):
                before = old.get(name) if old is not None else None
                after = new.get(name) if new is not None else None
                if before != after:
                    indexes.move((cls, name), ref, before, after)
        state = CacheState(tables, indexes.result(), classes)
        return state, CacheChange(_frozen(added), _frozen(changed), _frozen(removed))


class _IndexEditor:
    """Copy-on-write edits of the indexes: touched targets get new tuples at the end."""

    def __init__(self, indexes: dict[tuple[str, str], Index]) -> None:
        self.indexes = indexes
        self.pending: dict[tuple[str, str], dict[str, dict[str, None]]] = {}

    def move(self, key: tuple[str, str], ref: str, before: object, after: object) -> None:
        edits = self.pending.setdefault(key, {})
        current = self.indexes.get(key, {})
        if isinstance(before, str) and before and before != NULL_REF:
            if before not in edits:
                edits[before] = dict.fromkeys(current.get(before, ()))
            edits[before].pop(ref, None)
        if isinstance(after, str) and after and after != NULL_REF:
            if after not in edits:
                edits[after] = dict.fromkeys(current.get(after, ()))
            edits[after][ref] = None

    def result(self) -> dict[tuple[str, str], Index]:
        if not self.pending:
            return self.indexes
        indexes = dict(self.indexes)
        for key, edits in self.pending.items():
            index = dict(indexes.get(key, {}))
            for target, refs in edits.items():
                if refs:
                    index[target] = tuple(refs)
                else:
                    index.pop(target, None)
            indexes[key] = index
        return indexes


_LOWER: dict[str, str] = {}


def _lower(name: Any) -> str:
    """xapi's class names in events are lower case already; normalise once per spelling."""
    lower = _LOWER.get(name)
    if lower is None:
        lower = _LOWER[name] = str(name).lower()
    return lower


def build_state(events: Iterable[Event]) -> CacheState:
    """A state from a full batch (every object as an "add"), indexes built in one pass each."""
    tables: dict[str, Table] = {}
    last: object = None
    table: Table = {}
    for event in events:
        name = event["class"]
        if name != last:  # a full batch comes grouped by class: look the table up less
            last = name
            cls = _lower(name)
            table = tables.get(cls)  # type: ignore[assignment]
            if table is None:
                table = tables[cls] = {}
        snapshot = event.get("snapshot")
        if isinstance(snapshot, dict):
            table[event["ref"]] = snapshot
        elif event["operation"] == "del":
            table.pop(event["ref"], None)
    indexes: dict[tuple[str, str], Index] = {}
    for cls, name in INDEXED:
        table = tables.get(cls)  # type: ignore[assignment]
        if table:
            indexes[(cls, name)] = _group(table, name)
    classes: dict[str, str] = {}
    for cls, table in tables.items():
        classes.update(dict.fromkeys(table, cls))
    return CacheState(tables, indexes, classes)


def _group(table: Table, name: str) -> Index:
    groups: defaultdict[object, list[str]] = defaultdict(list)
    try:
        for ref, target in zip(table, map(methodcaller("get", name), table.values())):  # noqa: B905
            groups[target].append(ref)
    except TypeError:  # a list or a map where a ref belongs: index the refs only
        groups.clear()
        for ref, record in table.items():
            target = record.get(name)
            if isinstance(target, str):
                groups[target].append(ref)
    for nothing in (NULL_REF, None, ""):
        groups.pop(nothing, None)
    return {target: tuple(refs) for target, refs in groups.items()
            if isinstance(target, str)}


def diff_states(old: CacheState, new: CacheState, *, resync: bool) -> CacheChange:
    """What changed from `old` to `new` (records compared by value)."""
    added: dict[str, set[str]] = {}
    changed: dict[str, set[str]] = {}
    removed: dict[str, set[str]] = {}
    for cls in old.tables.keys() | new.tables.keys():
        before = old.tables.get(cls, {})
        after = new.tables.get(cls, {})
        if not before:
            added[cls] = set(after)
            continue
        added[cls] = after.keys() - before.keys()
        removed[cls] = before.keys() - after.keys()
        changed[cls] = {ref for ref in before.keys() & after.keys()
                        if before[ref] is not after[ref] and before[ref] != after[ref]}
    return CacheChange(_frozen(added), _frozen(changed), _frozen(removed), resync)
