"""The simulator's state on disk: save and load a Database as JSON, and StateSaver, which keeps
the file current while a simulator runs."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from xapiman.atomic import atomic_write_bytes
from xapiman.sim.db import Database, Stamp
from xapiman.sim.model.spec import MODEL
from xapiman.sim.model.types import XType
from xapiman.sim.model.values import DateTime

log = logging.getLogger("xapiman.sim.state")

FORMAT = "xapiman-sim-state"
VERSION = 1
# Classes whose objects die with the process, as on a real pool restart.
UNSAVED = frozenset({"session", "task", "event"})


# -- saving -----------------------------------------------------------------------------------


def snapshot(db: Database) -> dict:
    """A consistent copy of what is saved (records are replaced, never changed, so shallow)."""
    with db.lock:
        tables = {
            cls: [[ref, db.stamps[ref].ctime, db.stamps[ref].mtime, rec]
                  for ref, rec in table.items()]
            for cls, table in db.tables.items()
            if cls not in UNSAVED
        }
        return {
            "format": FORMAT,
            "version": VERSION,
            "saved_at": time.time(),
            "generation": db.generation,
            "message_generation": db.message_generation,
            "tables": tables,
        }


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a reader sees the old file or the new one, whole."""
    atomic_write_bytes(path, data)


def save_state(db: Database, path: str | Path) -> None:
    """Write every table but sessions and tasks, with refs and generations, to `path`."""
    write_atomically(Path(path), orjson.dumps(snapshot(db)))


# -- loading ----------------------------------------------------------------------------------

Restorer = Callable[[object], object]


def _restorer(t: XType) -> Restorer | None:
    """How to give a JSON value of type `t` back its Python type; None when JSON keeps it."""
    if t.kind == "datetime":
        return lambda v: DateTime(v) if isinstance(v, str) else v
    if t.kind == "float":
        return lambda v: float(v) if type(v) is int else v
    if t.kind == "set" and t.item is not None:
        inner = _restorer(t.item)
        if inner is not None:
            return lambda v: [inner(x) for x in v] if isinstance(v, list) else v
    if t.kind == "map" and t.value is not None:
        inner_value = _restorer(t.value)
        if inner_value is not None:
            return lambda v: {k: inner_value(x) for k, x in v.items()} if isinstance(v, dict) else v
    return None


RESTORERS: dict[str, dict[str, Restorer]] = {
    cls: {name: r for name, f in spec.fields.items() if (r := _restorer(f.type)) is not None}
    for cls, spec in MODEL.items()
}


def _bad(path: Path, why: str) -> ValueError:
    return ValueError(f"{path}: not a usable xapiman-sim state file: {why}")


def _read_document(path: Path) -> dict:
    data = path.read_bytes()
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise _bad(path, f"not JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _bad(path, f"its format is not {FORMAT!r}")
    if doc.get("version") != VERSION:
        raise _bad(path, f"format version {doc.get('version')!r}, this simulator reads {VERSION}")
    for key in ("generation", "message_generation"):
        if type(doc.get(key)) is not int:
            raise _bad(path, f"{key} is not an integer")
    if not isinstance(doc.get("tables"), dict):
        raise _bad(path, "no tables")
    return doc


def _restore_record(cls: str, saved: dict) -> dict:
    """The record with its Python types back; fields the model gained or lost since the save
    get their defaults or are dropped."""
    fields = MODEL[cls].fields
    if saved.keys() == fields.keys():
        record = saved
    else:
        record = MODEL[cls].new_record()
        record.update((k, v) for k, v in saved.items() if k in fields)
    for name, restore in RESTORERS[cls].items():
        record[name] = restore(record[name])
    return record


def _fill(db: Database, cls: str, rows: object, path: Path) -> None:
    if cls not in MODEL or cls in UNSAVED:
        raise _bad(path, f"unknown table {cls!r}")
    if not isinstance(rows, list):
        raise _bad(path, f"table {cls} is not a list")
    table = db.tables[cls]
    for row in rows:
        if (not isinstance(row, list) or len(row) != 4 or not isinstance(row[0], str)
                or type(row[1]) is not int or type(row[2]) is not int
                or not isinstance(row[3], dict)):
            raise _bad(path, f"a row of table {cls} is not [ref, ctime, mtime, record]")
        ref, ctime, mtime, saved = row
        if ref in db.stamps:
            raise _bad(path, f"ref {ref} appears twice")
        table[ref] = _restore_record(cls, saved)
        db.stamps[ref] = Stamp(cls, ctime, mtime)


def load_state(path: str | Path) -> Database:
    """The Database saved in `path`; ValueError (nothing loaded) on a corrupt or foreign file."""
    path = Path(path)
    doc = _read_document(path)
    db = Database()
    for cls, rows in doc["tables"].items():
        _fill(db, cls, rows, path)
    newest = max((s.mtime for s in db.stamps.values()), default=0)
    if doc["generation"] < newest:
        raise _bad(path, f"generation {doc['generation']} is older than its objects ({newest})")
    db.generation = doc["generation"]
    db.message_generation = doc["message_generation"]
    for ref, stamp in sorted(db.stamps.items(), key=lambda item: item[1].mtime):
        db.recent[ref] = stamp.mtime
    db.rebuild_relations()  # the sets were saved consistent; this rebuilds the field indexes
    return db


# -- saving while running ---------------------------------------------------------------------


class StateSaver:
    """Saves `db` to `path` shortly after changes (debounced) and once more at stop().

    Attributes:
        delay: seconds without change before a save.
        max_delay: longest time a change waits while changes keep coming.
        saves: how many times the state was written.
    """

    def __init__(self, db: Database, path: str | Path, *, delay: float = 1.0,
                 max_delay: float = 10.0) -> None:
        self.db = db
        self.path = Path(path)
        self.delay = delay
        self.max_delay = max_delay
        self.saves = 0
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._first_change: float | None = None
        self._last_change = 0.0
        self._thread: threading.Thread | None = None

    def _on_change(self) -> None:  # runs under db.lock on every change: keep it cheap
        now = time.monotonic()
        self._last_change = now
        if self._first_change is None:
            self._first_change = now
        self._wake.set()

    def start(self) -> None:
        with self.db.lock:
            self.db.observers.append(self._on_change)
        self._thread = threading.Thread(target=self._run, name="xapiman-sim-state", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching and write the state one last time."""
        with self.db.lock:
            if self._on_change in self.db.observers:
                self.db.observers.remove(self._on_change)
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.save()

    def save(self) -> None:
        with self.db.lock:  # changes after this point wait for the next save
            self._first_change = None
        save_state(self.db, self.path)
        self.saves += 1

    def _run(self) -> None:
        while True:
            self._wake.wait()
            if self._stopping.is_set():
                return
            self._wait_for_quiet()
            if self._stopping.is_set():
                return
            self._wake.clear()
            try:
                self.save()
            except Exception:
                log.exception("cannot save the simulator state to %s", self.path)

    def _wait_for_quiet(self) -> None:
        """Wait until `delay` passed without change, or `max_delay` since the first change."""
        while not self._stopping.is_set():
            first = self._first_change if self._first_change is not None else time.monotonic()
            until = min(self._last_change + self.delay, first + self.max_delay)
            remaining = until - time.monotonic()
            if remaining <= 0:
                return
            self._stopping.wait(remaining)
