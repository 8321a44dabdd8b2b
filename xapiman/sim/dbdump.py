"""Load a XAPI database dump (xapi's `state.db` XML) into a simulator Database."""

from __future__ import annotations

import logging
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from xapiman.sim.build import GiB
from xapiman.sim.db import RELATIONS, Database
from xapiman.sim.lifecycle import refresh_all
from xapiman.sim.model.spec import CLASS_BY_LOWER, ENUMS, MODEL
from xapiman.sim.model.types import XType
from xapiman.sim.model.values import NULL_REF, DateTime, now
from xapiman.sim.wire.coerce import INT64_MAX, INT64_MIN

log = logging.getLogger("xapiman.sim.dbdump")

# Row attributes that are xapi's bookkeeping, not API fields.
BOOKKEEPING = frozenset({"ref", "_ref", "__ctime", "__mtime"})
# Tables whose rows die with xapi (never persisted; not loaded should a dump carry any).
NOT_PERSISTED = frozenset({"session", "task", "event"})
# Why the rows of a table are not served (as a phrase after "N rows: ").
_NOT_A_CLASS = "not a class of the XAPI datamodel"
_NOT_KEPT = "not kept across a restart of xapi"
_NOT_A_TABLE = "not a database table of xapi"
_BUILT_IN = "xapi's roles are built in: the simulator serves them"
_REMOVED = "loaded, but XAPI removed the class: its calls answer MESSAGE_REMOVED"
# The "many" side of every relation: recomputed from the "one" side after loading.
DERIVED_SETS: dict[str, frozenset[str]] = {}
for (_cls, _field), (_target, _set) in RELATIONS.items():
    DERIVED_SETS[_target] = DERIVED_SETS.get(_target, frozenset()) | {_set}

_UNPROTECT = {"_": "  ", "n": "\n", "r": "\r", "t": "\t", "%": "%", ".": " "}
_PROTECTED = re.compile(r"%(.)", re.S)
_TOKEN = re.compile(
    r"""\s*(?:(\()|(\))|'((?:[^'\\]|\\.)*)'?|"((?:[^"\\]|\\.)*)"?|([^\s()'"]+))""", re.S
)
_ESCAPED = re.compile(r"\\(.)", re.S)
_DATETIME = re.compile(r"\d{8}T\d\d:\d\d:\d\dZ")
_DATETIME_EXTENDED = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)?Z?")

SExpr = str | list  # an atom, or a list of S-expressions


class Problems(Counter):
    """Oddities met while loading (hand edits, unknown spellings), logged once per kind."""

    def note(self, what: str) -> None:
        self[what] += 1

    def report(self, path: Path) -> None:
        for what, count in sorted(self.items()):
            log.warning("%s: %s (%d time%s)", path.name, what, count, "" if count == 1 else "s")


# -- text layers ------------------------------------------------------------------------------


def unprotect(text: str) -> str:
    """Undo xapi's whitespace protection: `%_` two spaces, `%n` LF, `%r` CR, `%t` TAB, `%%` %,
    `%.` one space."""
    if "%" not in text:
        return text
    return _PROTECTED.sub(lambda m: _UNPROTECT.get(m.group(1), m.group(0)), text)


def parse_sexpr(text: str, problems: Problems | None = None) -> SExpr:
    """Parse one S-expression as xapi writes sets and maps: `('a' 'b')`, `(('k' 'v'))`, `()`.

    Atoms are quoted with ' or " and backslash escapes the next character. A list left open at
    the end is closed (as XenCenter's reader does), and noted in `problems`.
    """
    stack: list[list[SExpr]] = [[]]
    pos = 0
    while True:
        m = _TOKEN.match(text, pos)
        if m is None:
            break
        pos = m.end()
        if m.group(1):
            stack.append([])
        elif m.group(2):
            if len(stack) == 1:
                raise ValueError(f"unbalanced ')' in {text[:60]!r}")
            done = stack.pop()
            stack[-1].append(done)
        else:
            atom = next(g for g in (m.group(3), m.group(4), m.group(5)) if g is not None)
            stack[-1].append(_ESCAPED.sub(r"\1", atom) if "\\" in atom else atom)
    if text[pos:].strip():
        raise ValueError(f"cannot parse {text[pos:pos + 40]!r}")
    if len(stack) > 1 and problems is not None:
        problems.note("S-expression missing its closing ')' (closed)")
    while len(stack) > 1:
        done = stack.pop()
        stack[-1].append(done)
    top = stack[0]
    if len(top) != 1:
        raise ValueError(f"expected one S-expression in {text[:60]!r}")
    return top[0]


# -- type-directed decoding -------------------------------------------------------------------


def _datetime(text: str) -> DateTime:
    if _DATETIME.fullmatch(text):
        return DateTime(text)
    m = _DATETIME_EXTENDED.fullmatch(text)
    if m:
        return DateTime(f"{m.group(1)}{m.group(2)}{m.group(3)}T{m.group(4)}Z")
    raise ValueError(f"not a datetime: {text!r}")


def _int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        try:
            value = int(float(text))  # "12." or "1e3": an OCaml float where an int was expected
        except (ValueError, OverflowError):
            raise ValueError(f"not an int: {_clip(text)}") from None
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError(f"{_clip(text)} is beyond XAPI's 64-bit ints")
    return value


def _float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"not a float: {_clip(text)}") from None
    if not math.isfinite(value):
        raise ValueError(f"not a finite float: {_clip(text)}")
    return value


def _enum(text: str, name: str) -> str:
    values = ENUMS[name]
    if text in values:
        return text
    lower = text.lower()
    for value in values:
        if value.lower() == lower:
            return value
    raise ValueError(f"{text!r} is not a value of enum {name}")


def _bool(text: str) -> bool:
    lower = text.lower()
    if lower not in ("true", "false"):
        raise ValueError(f"not a bool: {text!r}")
    return lower == "true"


def decode_atom(text: str, t: XType) -> object:
    """A scalar of type `t` from its dump spelling; ValueError when it is not one."""
    kind = t.kind
    if kind == "string":
        return text
    if kind == "ref":
        return text or NULL_REF
    if kind == "int":
        return _int(text)
    if kind == "float":
        return _float(text)
    if kind == "bool":
        return _bool(text)
    if kind == "datetime":
        return _datetime(text)
    if kind == "enum":
        return _enum(text, t.name)
    if kind == "option" and t.item is not None:
        return decode_value(text, t.item) if text else None
    raise ValueError(f"cannot decode a {t}")


def decode_value(text: str, t: XType, problems: Problems | None = None) -> object:
    """A field value of type `t` from its (unprotected) attribute text."""
    if t.kind in ("set", "map"):
        return decode_tree(parse_sexpr(text, problems) if text.strip() else [], t, problems)
    return decode_atom(text, t)


def decode_tree(node: SExpr, t: XType, problems: Problems | None) -> object:
    """A set or map from its parsed S-expression; items that do not decode are left out."""
    if isinstance(node, str):  # a collection written as a quoted string, or a lone atom
        inner = parse_sexpr(node, problems) if node.strip() else []
        if isinstance(inner, str):
            raise ValueError(f"{_clip(node)} is not a {t}")
        return decode_tree(inner, t, problems)
    assert t.item is not None
    if t.kind == "set":
        items = []
        for item in node:
            try:
                items.append(_decode_item(item, t.item, problems))
            except ValueError as exc:
                _note(problems, f"set item dropped: {exc}")
        return items
    assert t.value is not None
    result: dict[str, object] = {}
    for pair in node:
        if isinstance(pair, str) or len(pair) != 2 or not isinstance(pair[0], str):
            _note(problems, f"map entry dropped: not a (key value) pair in a {t}")
            continue
        try:
            result[pair[0]] = _decode_item(pair[1], t.value, problems)
        except ValueError as exc:
            _note(problems, f"map entry dropped: {exc}")
    return result


def _decode_item(node: SExpr, t: XType, problems: Problems | None) -> object:
    if isinstance(node, list):
        if t.kind not in ("set", "map"):
            raise ValueError(f"a list where a {t} was expected")
        return decode_tree(node, t, problems)
    return decode_value(node, t, problems)


def _clip(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "...")


def _note(problems: Problems | None, what: str) -> None:
    if problems is not None:
        problems.note(what)


# -- reading the document ---------------------------------------------------------------------


def read_root(path: Path) -> ET.Element:
    """The `<database>` element of `path`; ValueError saying why when it is not a dump."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ValueError(f"{path}: not a XAPI database dump: XML error: {exc}") from None
    if root.tag != "database":
        raise ValueError(f"{path}: not a XAPI database dump: the root element is <{root.tag}>, "
                         "expected <database>")
    if root.find("table") is None:
        raise ValueError(f"{path}: not a XAPI database dump: <database> has no <table>")
    return root


def manifest(root: ET.Element) -> dict[str, str]:
    """The dump's manifest pairs (schema version, generation count, ...)."""
    node = root.find("manifest")
    if node is None:
        return {}
    return {p.get("key", ""): p.get("value", "") for p in node.findall("pair")}


class _RowReader:
    """Turns `<row>` attributes of one class into field values (remembering which field each
    attribute names)."""

    def __init__(self, cls: str, problems: Problems) -> None:
        self.cls = cls
        self.fields = MODEL[cls].fields
        self.skip = DERIVED_SETS.get(cls, frozenset())
        self.problems = problems
        self._columns: dict[str, str | None] = {}

    def column(self, attr: str) -> str | None:
        """The field an attribute holds (`name__label` -> `name_label`); None to skip it."""
        try:
            return self._columns[attr]
        except KeyError:
            pass
        name = attr.replace("__", "_")
        field = name if name in self.fields and name not in self.skip else None
        if field is None and name not in self.skip:
            log.debug("%s.%s is not in the datamodel; skipped", self.cls, name)
        self._columns[attr] = field
        return field

    def record(self, row: ET.Element) -> dict[str, object]:
        fields: dict[str, object] = {}
        for attr, raw in row.attrib.items():
            if attr in BOOKKEEPING:
                continue
            name = self.column(attr)
            if name is None:
                continue
            spec = self.fields[name]
            try:
                fields[name] = decode_value(unprotect(raw), spec.type, self.problems)
            except ValueError as exc:
                self.problems.note(f"{self.cls}.{name} left at its default: {exc}")
        return fields


def unserved_reason(cls: str | None) -> str | None:
    """Why the rows of a table of class `cls` (None: no such class) are not served, in part or
    at all; None when they are."""
    if cls is None:
        return _NOT_A_CLASS
    if cls in NOT_PERSISTED:
        return _NOT_KEPT
    if cls == "role":
        return _BUILT_IN
    spec = MODEL[cls]
    if not spec.in_database and cls != "message":
        return _NOT_A_TABLE
    if spec.removed:
        return _REMOVED
    return None


def load_tables(root: ET.Element, db: Database, problems: Problems) -> dict[str, tuple[int, str]]:
    """Create every row of every table of the datamodel in `db`, refs as in the dump.

    Returns the tables not served, or served in part: table name -> (rows, why)."""
    unserved: dict[str, tuple[int, str]] = {}
    for table in root.iter("table"):
        name = table.get("name", "")
        cls = CLASS_BY_LOWER.get(name.lower())
        reason = unserved_reason(cls)
        if reason is not None and len(table):
            rows = unserved.get(name, (0, reason))[0] + len(table)
            unserved[name] = (rows, reason)
        if cls is None or reason not in (None, _REMOVED):
            continue
        reader = _RowReader(cls, problems)
        for row in table.iter("row"):
            ref = row.get("ref") or row.get("_ref")
            if not ref:
                problems.note(f"{cls} row without a ref skipped")
                continue
            if db.cls_of(ref) is not None:
                problems.note(f"{cls} row with a duplicate ref skipped")
                continue
            db.create(cls, reader.record(row), ref=ref)
    return unserved


def _refers_elsewhere(db: Database, value: object, t: XType) -> bool:
    """Whether `value` (of ref type `t`) names an object of another class than `t`'s."""
    if not isinstance(value, str):
        return False
    cls = db.cls_of(value)
    return cls is not None and cls != t.name


def _kept_refs(db: Database, value: object, t: XType) -> object:
    """`value` without the refs in it that name objects of other classes (None: no change)."""
    if t.kind == "ref":
        return NULL_REF if _refers_elsewhere(db, value, t) else None
    if t.kind == "set" and t.item is not None and t.item.kind == "ref" and isinstance(value, list):
        kept = [item for item in value if not _refers_elsewhere(db, item, t.item)]
        return kept if len(kept) != len(value) else None
    if t.kind == "map" and isinstance(value, dict) and t.item is not None and t.value is not None:
        key_t, value_t = t.item, t.value
        if key_t.kind != "ref" and value_t.kind != "ref":
            return None
        kept_map = {k: v for k, v in value.items()
                    if not (key_t.kind == "ref" and _refers_elsewhere(db, k, key_t))
                    and not (value_t.kind == "ref" and _refers_elsewhere(db, v, value_t))}
        return kept_map if len(kept_map) != len(value) else None
    return None


def drop_refs_to_other_classes(db: Database, problems: Problems) -> None:
    """A reference to an object of the wrong class (a hand edit, a mangled dump) would send the
    pool's code into a record of another shape: it reads as a reference to nothing (NULL, or
    left out of a set or map). References to objects absent from the dump stay, as in xapi."""
    for cls, spec in MODEL.items():
        fields = [(name, f.type) for name, f in spec.fields.items()
                  if name not in DERIVED_SETS.get(cls, frozenset())
                  and "ref" in (f.type.kind, getattr(f.type.item, "kind", ""),
                                getattr(f.type.value, "kind", ""))]
        if not fields:
            continue
        for ref, rec in list(db.all(cls).items()):
            for name, t in fields:
                kept = _kept_refs(db, rec.get(name), t)
                if kept is not None:
                    db.update(ref, **{name: kept})
                    problems.note(f"{cls}.{name}: a reference to an object of another class "
                                  "dropped")


def report_unserved(path: Path, unserved: dict[str, tuple[int, str]]) -> None:
    """One warning line naming every table of the dump that is not served, or only in part."""
    if not unserved:
        return
    parts = [f"{name} ({rows} row{'' if rows == 1 else 's'}: {why})"
             for name, (rows, why) in sorted(unserved.items())]
    log.warning("%s: not served: %s", path.name, "; ".join(parts))


# -- making the loaded pool servable ----------------------------------------------------------


def settle_pool(db: Database, path: Path) -> None:
    """One pool whose master is a host of the dump; ValueError when the dump has no pool or host."""
    pools = db.all("pool")
    hosts = db.all("host")
    if not pools:
        raise ValueError(f"{path}: the dump has no pool row")
    if not hosts:
        raise ValueError(f"{path}: the dump has no host row")
    for extra in list(pools)[1:]:
        log.warning("%s: extra pool row %s dropped", path.name, extra)
        db.destroy(extra)
    pool, record = next(iter(pools.items()))
    if record["master"] not in hosts:
        master = next(iter(hosts))
        log.warning("%s: pool.master %s is not a host; %s takes over", path.name,
                    record["master"], hosts[master]["name_label"])
        db.update(pool, master=master)


def _host_metrics(db: Database, ref: str) -> dict[str, object]:
    """Metrics for a host whose dump kept none: room for its running VMs (at least 2 GiB)."""
    used = sum(vm["memory_static_max"] for _r, vm in db.where("VM", resident_on=ref))
    total = max(2 * GiB, used + GiB)
    return {"memory_total": total, "memory_free": total - used, "live": True,
            "last_updated": now()}


def _pif_metrics(db: Database, ref: str) -> dict[str, object]:
    physical = db.get(ref, "PIF")["physical"]
    return {"carrier": physical, "speed": 1000 if physical else 0, "duplex": physical,
            "last_updated": now()}


def _vm_metrics(db: Database, ref: str) -> dict[str, object]:
    vm = db.get(ref, "VM")
    running = vm["power_state"] in ("Running", "Paused")
    return {"memory_actual": vm["memory_target"] if running else 0,
            "VCPUs_number": vm["VCPUs_at_startup"] if running else 0, "last_updated": now()}


# (class, field, metrics class, the new metrics' fields) for objects whose metrics rows are
# absent (old dumps kept no host_metrics / PIF_metrics): made up so the pool can be shown.
MISSING_METRICS: list[tuple[str, str, str, Callable[[Database, str], dict[str, object]]]] = [
    ("host", "metrics", "host_metrics", _host_metrics),
    ("PIF", "metrics", "PIF_metrics", _pif_metrics),
    ("VM", "metrics", "VM_metrics", _vm_metrics),
]


def add_missing_metrics(db: Database) -> None:
    for cls, field, metrics_cls, make in MISSING_METRICS:
        for ref in list(db.all(cls)):
            if db.find(db.get(ref)[field], metrics_cls) is None:
                db.update(ref, **{field: db.create(metrics_cls, make(db, ref))})


def forget_real_addresses(db: Database) -> None:
    """Console URLs point at the recorded pool's management addresses: nothing may use them."""
    for ref, console in list(db.all("console").items()):
        if console["location"]:
            db.update(ref, location="")


def upgrade_domain_type(db: Database) -> None:
    """What xapi's database upgrade does for dumps from before VM.domain_type: a VM whose type
    is unspecified is PV when it has no HVM boot policy (control domains are PV), HVM
    otherwise; a VM that is not halted had its domain booted that way."""
    for ref, vm in list(db.all("VM").items()):
        if vm["domain_type"] != "unspecified":
            continue
        pv = vm["is_control_domain"] or not vm["HVM_boot_policy"]
        kind = "pv" if pv else "hvm"
        db.update(ref, domain_type=kind)
        metrics = db.find(vm["metrics"], "VM_metrics")
        if vm["power_state"] != "Halted" and metrics is not None:
            db.update(vm["metrics"], current_domain_type=kind, hvm=not pv)


def drop_stale_operations(db: Database) -> None:
    """Operations in flight when the dump was taken died with their tasks (xapi clears them
    at start too): an SR recorded mid-scan must not look busy for ever."""
    for cls, spec in MODEL.items():
        if "current_operations" not in spec.fields:
            continue
        for ref, rec in list(db.all(cls).items()):
            if rec["current_operations"]:
                db.update(ref, current_operations={})


def load_dump(path: str | Path) -> Database:
    """The pool recorded in a XAPI database dump, ready to be served by a Simulator.

    Refs are kept as in the dump; fields the dump lacks get the datamodel defaults; every table
    of the datamodel loads, and one warning line names the tables that are not served (rows of
    an unknown class, sessions and tasks, classes XAPI removed); the relation sets are
    recomputed; operations in flight are dropped and the VMs' allowed_operations follow the
    simulator's rules. ValueError (with the reason) when `path` is not a dump.
    """
    path = Path(path)
    root = read_root(path)
    info = manifest(root)
    problems = Problems()
    db = Database()
    with db.lock:
        unserved = load_tables(root, db, problems)
        report_unserved(path, unserved)
        drop_refs_to_other_classes(db, problems)
        db.rebuild_relations()
        try:
            settle_pool(db, path)
        except ValueError:
            problems.report(path)  # what hid the pool or its hosts (rows skipped) comes first
            raise
        add_missing_metrics(db)
        upgrade_domain_type(db)
        forget_real_addresses(db)
        drop_stale_operations(db)
        refresh_all(db)
    problems.report(path)
    log.info("%s: schema %s.%s, %d objects", path.name, info.get("schema_major_vsn", "?"),
             info.get("schema_minor_vsn", "?"), sum(len(t) for t in db.tables.values()))
    return db
