"""Where fetched metrics are kept: per object and step, a ring of the newest samples.

Values are float32 (NaN for unknown), times uint32 unix seconds. An object whose graphs are
open keeps every data source ("detail"); every other fetched object keeps only its load
figures (`datasources.LOAD`), which is what the dashboard and `top` rank. A jump in time
larger than two steps gets one NaN row, so a plot shows the gap instead of bridging it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from xapiman.xapi import datasources
from xapiman.xapi.rrd import Dump, Updates


@dataclass(frozen=True)
class Load:
    """The current load of a host or VM (None where unknown).

    Attributes:
        cpu: 0..1; memory, memory_total: bytes; disk, network: bytes per second.
        time: when it was measured (unix time).
    """

    cpu: float | None
    memory: float | None
    memory_total: float | None
    disk: float | None
    network: float | None
    time: int | None

    def figure(self, key: str) -> float | None:
        """A figure by sort key: cpu, memory, disk or network."""
        return getattr(self, key)


# How many rows each step keeps: 1 hour at 5 s, 2 hours at 1 min, 1 week at 1 h, 1 year at 1 day
CAPACITY = {5: 720, 60: 120, 3600: 168, 86400: 366}


class Ring:
    """The newest `capacity` rows of one object at one step."""

    __slots__ = ("capacity", "count", "head", "index", "step", "times", "values")

    def __init__(self, step: int, capacity: int, names: Iterable[str] = ()) -> None:
        self.step = step
        self.capacity = capacity
        self.index: dict[str, int] = {}
        self.times = np.zeros(capacity, dtype=np.uint32)
        self.values = np.full((0, capacity), np.nan, dtype=np.float32)
        self.count = 0
        self.head = 0  # where the next row goes
        for name in names:
            self._column(name)

    @property
    def last_time(self) -> int | None:
        return int(self.times[(self.head - 1) % self.capacity]) if self.count else None

    def _column(self, name: str) -> int:
        row = self.index.get(name)
        if row is None:
            row = self.index[name] = len(self.index)
            extra = np.full((1, self.capacity), np.nan, dtype=np.float32)
            self.values = np.vstack([self.values, extra])
        return row

    def add(self, times: np.ndarray, columns: Mapping[str, np.ndarray]) -> int:
        """Append the rows newer than the last one kept; returns how many were added."""
        last = self.last_time
        keep = times > last if last is not None else np.ones(len(times), dtype=bool)
        if not keep.any():
            return 0
        new_times = times[keep]
        rows = {self._column(name): np.asarray(col)[keep] for name, col in columns.items()}
        if last is not None and new_times[0] - last > 2 * self.step:
            self._append(np.array([last + self.step]), {})  # a gap: one unknown row
        self._append(new_times, rows)
        return int(keep.sum())

    def _append(self, times: np.ndarray, rows: Mapping[int, np.ndarray]) -> None:
        n = len(times)
        if n > self.capacity:
            times = times[-self.capacity:]
            rows = {r: v[-self.capacity:] for r, v in rows.items()}
            n = self.capacity
        slots = (self.head + np.arange(n)) % self.capacity
        self.times[slots] = times
        self.values[:, slots] = np.nan
        for row, col in rows.items():
            self.values[row, slots] = col
        self.head = (self.head + n) % self.capacity
        self.count = min(self.capacity, self.count + n)

    def _ordered(self, row: np.ndarray, first: int = 0) -> np.ndarray:
        """The kept part of a ring row in time order, from its `first`-oldest entry."""
        start = (self.head - self.count + first) % self.capacity
        end = start + self.count - first
        if end <= self.capacity:
            return row[start:end]
        return np.concatenate((row[start:], row[:end - self.capacity]))

    def series(self, name: str, since: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(times, values) of one column in time order, as float64 copies."""
        times = self._ordered(self.times).astype(np.float64)
        first = int(np.searchsorted(times, since)) if since is not None else 0
        times = times[first:]
        row = self.index.get(name)
        if row is None:
            return times, np.full(len(times), np.nan)
        return times, self._ordered(self.values[row], first).astype(np.float64)

    def latest(self, name: str) -> float | None:
        """The newest known value of a column (None when it has none in the last rows)."""
        row = self.index.get(name)
        if row is None or not self.count:
            return None
        for back in range(1, min(self.count, 3) + 1):
            value = float(self.values[row, (self.head - back) % self.capacity])
            if value == value:  # not NaN
                return value
        return None

    def load(self) -> Load:
        """The newest load figures (a ring of the 5 s step)."""
        return Load(self.latest(datasources.CPU), self.latest(datasources.MEMORY),
                    self.latest(datasources.MEMORY_TOTAL), self.latest(datasources.DISK),
                    self.latest(datasources.NETWORK), self.last_time)

    def nbytes(self) -> int:
        return self.times.nbytes + self.values.nbytes


@dataclass
class ObjectMetrics:
    """Everything kept about one host or VM."""

    kind: str
    uuid: str
    rings: dict[int, Ring]
    detail: bool = False


class MetricStore:
    """The metrics of one pool, filled by fetcher threads and read by anyone (thread-safe)."""

    def __init__(self, capacity: Mapping[int, int] | None = None) -> None:
        self.capacity = dict(capacity or CAPACITY)
        self._objects: dict[str, ObjectMetrics] = {}
        self._latest: dict[str, Load] = {}  # the live load of each object, kept at ingest
        self._lock = threading.Lock()

    def _ring(self, kind: str, uuid: str, step: int) -> Ring:
        obj = self._objects.get(uuid)
        if obj is None:
            obj = self._objects[uuid] = ObjectMetrics(kind, uuid, {})
        ring = obj.rings.get(step)
        if ring is None:
            ring = obj.rings[step] = Ring(step, self.capacity.get(step, 120), datasources.LOAD)
        return ring

    def ingest(self, updates: Updates, detail: set[str] | frozenset[str] = frozenset()) -> set[str]:
        """Keep an rrd_updates answer: every source of the uuids in `detail`, the load figures
        of all. Returns the uuids that got new rows."""
        touched = set()
        objects = updates.objects()
        with self._lock:
            for (kind, uuid), names in objects.items():
                columns = {name: updates.values[i] for name, i in names.items()}
                keep = datasources.load_figures(kind, columns)
                if uuid in detail:
                    keep.update(columns)
                ring = self._ring(kind, uuid, updates.step)
                if uuid in detail:
                    self._objects[uuid].detail = True
                if ring.add(updates.times, keep):
                    touched.add(uuid)
                    if updates.step == 5:
                        self._latest[uuid] = ring.load()
        return touched

    def ingest_dump(self, kind: str, uuid: str, dump: Dump) -> None:
        """Keep every AVERAGE archive of a whole RRD (history for the longer time ranges)."""
        with self._lock:
            for archive in dump.archives:
                if archive.cf != "AVERAGE":
                    continue
                columns = dict(zip(dump.names, archive.values, strict=True))
                keep = datasources.load_figures(kind, columns)
                keep.update(columns)
                self._ring(kind, uuid, archive.step).add(archive.times, keep)
            self._objects[uuid].detail = True

    def series(self, uuid: str, name: str, step: int = 5,
               since: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            obj = self._objects.get(uuid)
            ring = obj.rings.get(step) if obj is not None else None
            if ring is None:
                return np.empty(0), np.empty(0)
            return ring.series(name, since)

    def names(self, uuid: str, step: int = 5) -> list[str]:
        """The columns kept for an object at a step (load figures first)."""
        with self._lock:
            obj = self._objects.get(uuid)
            ring = obj.rings.get(step) if obj is not None else None
            return list(ring.index) if ring is not None else []

    def latest(self, uuid: str, name: str, step: int = 5) -> float | None:
        with self._lock:
            obj = self._objects.get(uuid)
            ring = obj.rings.get(step) if obj is not None else None
            return ring.latest(name) if ring is not None else None

    def loads(self, kind: str | None = None) -> dict[str, Load]:
        """The current load of every object (of `kind`), read under one lock."""
        with self._lock:
            if kind is None:
                return dict(self._latest)
            return {u: load for u, load in self._latest.items()
                    if self._objects[u].kind == kind}

    def load(self, uuid: str) -> Load | None:
        """The current load of one object (None before its first live sample)."""
        with self._lock:
            obj = self._objects.get(uuid)
            ring = obj.rings.get(5) if obj is not None else None
            return ring.load() if ring is not None and ring.count else None

    def last_time(self, uuid: str, step: int = 5) -> int | None:
        with self._lock:
            obj = self._objects.get(uuid)
            ring = obj.rings.get(step) if obj is not None else None
            return ring.last_time if ring is not None else None

    def kind_of(self, uuid: str) -> str | None:
        with self._lock:
            obj = self._objects.get(uuid)
            return obj.kind if obj is not None else None

    def uuids(self, kind: str | None = None) -> list[str]:
        with self._lock:
            return [u for u, o in self._objects.items() if kind is None or o.kind == kind]

    def forget(self, uuids: Iterable[str]) -> None:
        with self._lock:
            for uuid in uuids:
                self._objects.pop(uuid, None)
                self._latest.pop(uuid, None)

    def nbytes(self) -> int:
        """The memory the samples take (times and values)."""
        with self._lock:
            return sum(r.nbytes() for o in self._objects.values() for r in o.rings.values())
