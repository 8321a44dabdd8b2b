"""The live object cache of one pool: class -> ref -> record, fed by event.from batches."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar, cast

from xapiman.xapi.cachestate import CacheChange, CacheState, Event, build_state, diff_states
from xapiman.xapi.indexes import INDEXED
from xapiman.xapi.listeners import Listeners
from xapiman.xapi.records.base import view_class

if TYPE_CHECKING:
    from xapiman.xapi.records import Pool, Record

log = logging.getLogger("xapiman.xapi.cache")

R = TypeVar("R", bound="Record")
Subscriber = Callable[[CacheChange], None]
_EMPTY: Mapping[str, dict] = MappingProxyType({})


class ObjectCache:
    """Every object of one pool as the server last described it.

    Records are the dicts received (XML-RPC ints as strings, JSON-RPC ints as numbers), never
    copied and never changed: an update replaces the record. The whole state is replaced
    after each batch (copy-on-write), so reads need no lock and a `snapshot()` stays
    consistent. Class names are case-insensitive ("VM", "vm"); notifications use xapi's
    lower-case event spelling ("vm", "vm_metrics").

    Only the event watcher writes (`load`, `apply`); subscribers are called on its thread,
    once per batch, with a CacheChange, in the order the batches were applied (the write lock
    is held while they are told, so a `clear()` from another thread waits for them).

    `clear()` (when the connection closes) starts a new epoch: a writer that read `epoch`
    before it passes it with each batch, and its batches are dropped once the cache was
    cleared, so nothing from before lands in a closed connection's cache.

    Attributes:
        batches: how many batches were applied (0 until the first full load).
    """

    def __init__(self) -> None:
        self._state = CacheState.empty()
        self._subscribers: Listeners[Subscriber] = Listeners()
        self._write_lock = threading.RLock()
        self._epoch = 0
        self._uuid_lock = threading.Lock()
        self._uuid_maps: dict[str, tuple[dict, dict[object, str]]] = {}
        self.batches = 0

    # -- reading ----------------------------------------------------------------------------

    def snapshot(self) -> CacheState:
        """The current state; it never changes (later batches make new states)."""
        return self._state

    @property
    def loaded(self) -> bool:
        return self.batches > 0

    def records(self, cls: str) -> Mapping[str, dict]:
        """ref -> record of every object of `cls` (read-only)."""
        table = self._state.tables.get(cls.lower())
        return MappingProxyType(table) if table is not None else _EMPTY

    def record(self, cls: str, ref: str) -> dict | None:
        return self._state.tables.get(cls.lower(), {}).get(ref)

    def get(self, ref: str) -> dict | None:
        """The record of `ref` whatever its class."""
        state = self._state
        cls = state.class_of(ref)
        return state.tables[cls][ref] if cls is not None else None

    def class_of(self, ref: str) -> str | None:
        """The lower-case class of `ref` ("vm", "host" ...)."""
        return self._state.class_of(ref)

    def ref_of_uuid(self, cls: str, uuid: str) -> str | None:
        """The ref of the `cls` object with this uuid (messages name objects by uuid).

        The uuid map of a class is built on first use and reused until the class changes.
        """
        table = self._state.tables.get(cls.lower())
        if not table:
            return None
        with self._uuid_lock:
            cached = self._uuid_maps.get(cls.lower())
            if cached is None or cached[0] is not table:
                cached = (table, {rec.get("uuid"): ref for ref, rec in table.items()})
                self._uuid_maps[cls.lower()] = cached
        return cached[1].get(uuid)

    def count(self, cls: str) -> int:
        return len(self._state.tables.get(cls.lower(), ()))

    def counts(self) -> dict[str, int]:
        return {cls: len(table) for cls, table in self._state.tables.items()}

    def referrers(self, cls: str, field: str, target: str) -> tuple[str, ...]:
        """Refs of the `cls` objects whose `field` is `target` (from an index, not a scan).

        Example: `referrers("VBD", "VM", vm)` is the VM's VBDs.

        Raises:
            KeyError: (cls, field) is not indexed (see indexes.INDEXED).
        """
        key = (cls.lower(), field)
        index = self._state.indexes.get(key)
        if index is None:
            if key not in INDEXED:
                raise KeyError(f"{cls}.{field} is not indexed")
            return ()
        return index.get(target, ())

    # -- typed views ------------------------------------------------------------------------

    def view(self, ref: str) -> Record | None:
        """The typed view of `ref` (a plain Record for classes without their own view)."""
        state = self._state
        cls = state.class_of(ref)
        if cls is None:
            return None
        return view_class(cls)(self, ref, state.tables[cls][ref])

    def find(self, kind: type[R], ref: str) -> R | None:
        """The `kind` view (records.VM, records.Host ...) of `ref`; None when not one."""
        record = self._state.tables.get(kind.xapi_class.lower(), {}).get(ref)
        return kind(self, ref, record) if record is not None else None

    def objects(self, kind: type[R]) -> list[R]:
        """A `kind` view of every object of its class."""
        table = self._state.tables.get(kind.xapi_class.lower(), {})
        return [kind(self, ref, record) for ref, record in table.items()]

    @property
    def pool(self) -> Pool | None:
        pools = self.objects(view_class("pool"))
        return cast("Pool", pools[0]) if pools else None

    # -- notifications ----------------------------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call `subscriber(change)` after each batch; returns the unsubscribe function."""
        return self._subscribers.add(subscriber)

    def _publish(self, change: CacheChange) -> None:
        """Tell the subscribers (with the write lock held: in the order of the changes)."""
        subscribers = self._subscribers.snapshot()
        for subscriber in subscribers:
            try:
                subscriber(change)
            except Exception:
                log.exception("a cache subscriber failed on %s", change)

    # -- writing (the event watcher) --------------------------------------------------------

    @property
    def epoch(self) -> int:
        """Increases with each `clear()`; a writer passes the one it started in."""
        return self._epoch

    def load(self, events: Iterable[Event], *,
             epoch: int | None = None) -> CacheChange:
        """Replace everything with a full `event.from("")` batch; one notification says
        what differs from before (everything is "added" on the first load).

        Dropped (an empty change, no notification) when `epoch` is given and the cache was
        cleared since.
        """
        with self._write_lock:
            if epoch is not None and epoch != self._epoch:
                return CacheChange()
            new = build_state(events)
            old = self._state
            change = diff_states(old, new, resync=self.batches > 0)
            self._state = new
            self.batches += 1
            self._publish(change)
        return change

    def apply(self, events: Iterable[Event], *,
              epoch: int | None = None) -> CacheChange:
        """Apply an incremental batch (add / mod / del events); one notification. Dropped
        as `load` says when the cache was cleared since `epoch`."""
        with self._write_lock:
            if epoch is not None and epoch != self._epoch:
                return CacheChange()
            new, change = self._state.updated(events)
            self._state = new
            self.batches += 1
            if change:
                self._publish(change)
        return change

    def clear(self) -> None:
        """Forget everything (after close) and start a new epoch; subscribers are told what
        was removed, after any batch they are still being told about."""
        with self._write_lock:
            self._epoch += 1
            old = self._state
            self._state = CacheState.empty()
            change = diff_states(old, self._state, resync=True)
            self.batches = 0
            if change:
                self._publish(change)

    def mismatched_counts(self, valid_ref_counts: Mapping[str, int],
                          ignore: Iterable[str] = ()) -> dict[str, tuple[int, int]]:
        """Classes whose server count differs from the cache: class -> (server, cache).

        Classes never seen in an event (the server does not send events for sessions,
        roles ...) and those in `ignore` are not compared.
        """
        state = self._state
        skip = set(ignore)
        out: dict[str, tuple[int, int]] = {}
        for cls, server in valid_ref_counts.items():
            lower = cls.lower()
            if lower in skip or lower not in state.tables:
                continue
            mine = len(state.tables[lower])
            if int(server) != mine:
                out[lower] = (int(server), mine)
        return out
