"""What the Search page lists (no Qt here): the objects below the selected one, a query over
them (words, kinds, power states), the columns it can show, and saved searches.

Objects below: a pool has every VM, template (custom), server, storage and network; a server
its running VMs and its own storage; a storage the VMs with a disk on it; a network the VMs
with an interface on it; a VM itself and its snapshots.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from xapiman.actions.naming import sr_label
from xapiman.gui.tabs import fmt
from xapiman.gui.tree.describe import search_text, vm_ips
from xapiman.gui.tree.layout import folder_of, vm_kind
from xapiman.i18n import translate
from xapiman.xapi.metricstore import Load
from xapiman.xapi.records import as_int, as_time
from xapiman.xapi.refs import NULL_REF

KINDS = ("vm", "template", "host", "sr", "network")


def kind_names() -> dict[str, str]:
    return {"vm": translate("Search", "VM"), "template": translate("Search", "Template"),
            "snapshot": translate("Search", "Snapshot"), "host": translate("Search", "Server"),
            "sr": translate("Search", "Storage"), "network": translate("Search", "Network")}


@dataclass(frozen=True)
class Query:
    """Words every listed object's search text holds, the kinds listed, the power states of
    VMs listed (empty: any)."""

    text: str = ""
    kinds: frozenset[str] = frozenset(KINDS)
    states: frozenset[str] = frozenset()

    def to_json(self) -> dict:
        return {"text": self.text, "kinds": sorted(self.kinds), "states": sorted(self.states)}

    @classmethod
    def from_json(cls, data: object) -> Query:
        if not isinstance(data, dict):
            return cls()
        kinds = frozenset(k for k in data.get("kinds", KINDS) if k in (*KINDS, "snapshot"))
        states = frozenset(str(s) for s in data.get("states", ()))
        return cls(str(data.get("text", "")), kinds or frozenset(KINDS), states)


@dataclass(frozen=True)
class SavedSearch:
    name: str
    query: Query
    builtin: bool = False


def builtin_searches() -> list[SavedSearch]:
    return [
        SavedSearch(translate("Search", "Everything"), Query(), True),
        SavedSearch(translate("Search", "VMs"), Query(kinds=frozenset({"vm"})), True),
        SavedSearch(translate("Search", "Running VMs"),
                    Query(kinds=frozenset({"vm"}), states=frozenset({"Running"})), True),
        SavedSearch(translate("Search", "VMs that are not running"),
                    Query(kinds=frozenset({"vm"}),
                          states=frozenset({"Halted", "Suspended", "Paused"})), True),
        SavedSearch(translate("Search", "Servers"), Query(kinds=frozenset({"host"})), True),
        SavedSearch(translate("Search", "Storage"), Query(kinds=frozenset({"sr"})), True),
    ]


def read_saved(values: object) -> list[SavedSearch]:
    """The user's saved searches from the settings (bad entries skipped)."""
    out = []
    for item in values if isinstance(values, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"]:
            out.append(SavedSearch(item["name"], Query.from_json(item.get("query"))))
    return out


def write_saved(searches: Iterable[SavedSearch]) -> list[dict]:
    return [{"name": s.name, "query": s.query.to_json()} for s in searches if not s.builtin]


# -- the objects below ---------------------------------------------------------------------------

def _shown_vm(record: dict) -> bool:
    return not record.get("is_control_domain") and not (
        record.get("is_a_template") and record.get("is_default_template"))


def objects_below(cache, kind: str, ref: str) -> list[tuple[str, str]]:
    """(class, ref) of the objects the Search page of `ref` lists."""
    out: list[tuple[str, str]] = []
    if kind in ("connection", "pool"):
        for ref_, rec in cache.records("vm").items():
            if _shown_vm(rec) and not rec.get("is_a_snapshot"):
                out.append(("vm", ref_))
        for cls in ("host", "sr", "network"):
            out.extend((cls, r) for r, rec in cache.records(cls).items()
                       if not _hidden(cls, rec))
    elif kind == "host":
        out.extend(("vm", r) for r in cache.referrers("vm", "resident_on", ref)
                   if _shown_vm(cache.record("vm", r) or {}))
        for pbd in cache.referrers("pbd", "host", ref):
            sr = (cache.record("pbd", pbd) or {}).get("SR", NULL_REF)
            rec = cache.record("sr", sr)
            if rec is not None and not rec.get("shared"):
                out.append(("sr", sr))
    elif kind == "sr":
        for vdi in (cache.record("sr", ref) or {}).get("VDIs", ()):
            for vbd in (cache.record("vdi", vdi) or {}).get("VBDs", ()):
                vm = (cache.record("vbd", vbd) or {}).get("VM", NULL_REF)
                if _shown_vm(cache.record("vm", vm) or {"is_control_domain": True}):
                    out.append(("vm", vm))
    elif kind == "network":
        for vif in (cache.record("network", ref) or {}).get("VIFs", ()):
            vm = (cache.record("vif", vif) or {}).get("VM", NULL_REF)
            if _shown_vm(cache.record("vm", vm) or {"is_control_domain": True}):
                out.append(("vm", vm))
    elif kind in ("vm", "template", "snapshot"):
        out.append(("vm", ref))
        out.extend(("vm", s) for s in (cache.record("vm", ref) or {}).get("snapshots", ()))
    return list(dict.fromkeys(out))


def _hidden(cls: str, record: dict) -> bool:
    other = record.get("other_config", {}) or {}
    if str(other.get("HideFromXenCenter", "")).lower() == "true":
        return True
    return cls == "network" and "is_host_internal_management_network" in other


def object_kind(cls: str, record: dict) -> str:
    return vm_kind(record) if cls == "vm" else cls


def matches(query: Query, cls: str, record: dict, cache) -> bool:
    kind = object_kind(cls, record)
    if kind not in query.kinds and not (kind == "snapshot" and "vm" in query.kinds):
        return False
    if query.states and kind == "vm" and record.get("power_state") not in query.states:
        return False
    if query.states and kind != "vm" and kind != "snapshot":
        return False
    words = query.text.casefold().split()
    if not words:
        return True
    text = search_text(kind if kind != "template" else "vm", record, cache)
    return all(word in text for word in words)


# -- columns -------------------------------------------------------------------------------------

Cell = tuple[str, object]  # text, sort key


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    value: Callable[[str, str, dict, object, Load | None], Cell]
    shown: bool = True  # by default
    numeric: bool = False


def _name(cls, ref, rec, cache, load) -> Cell:
    if cls == "sr":
        text = sr_label(cache, ref)
    else:
        text = str(rec.get("name_label") or "")
    return text, text.casefold()


def _type(cls, ref, rec, cache, load) -> Cell:
    text = kind_names().get(object_kind(cls, rec), cls)
    return text, text


def _state(cls, ref, rec, cache, load) -> Cell:
    if cls == "vm":
        text = fmt.power(str(rec.get("power_state", "")))
    elif cls == "host":
        metrics = cache.record("host_metrics", rec.get("metrics", "")) or {}
        text = (translate("Search", "Not reachable") if metrics.get("live") is False
                else translate("Search", "Maintenance mode") if not rec.get("enabled", True)
                else translate("Search", "Running"))
    elif cls == "sr":
        attached = [(cache.record("pbd", p) or {}).get("currently_attached")
                    for p in rec.get("PBDs", ())]
        text = (translate("Search", "Connected") if attached and all(attached)
                else translate("Search", "Not connected") if attached
                else translate("Search", "Detached"))
    else:
        text = ""
    return text, text


def _server(cls, ref, rec, cache, load) -> Cell:
    host: str = NULL_REF
    if cls == "vm":
        host = rec.get("resident_on", NULL_REF)
        if host == NULL_REF:
            host = rec.get("affinity", NULL_REF)
    elif cls == "sr":
        from xapiman.actions.naming import sr_host

        host = sr_host(cache, ref) or NULL_REF
    text = str((cache.record("host", host) or {}).get("name_label", "")) if host != NULL_REF else ""
    return text, text.casefold()


def _cpu(cls, ref, rec, cache, load) -> Cell:
    cpus = (as_int(rec.get("VCPUs_at_startup")) if cls == "vm"
            else len(rec.get("host_CPUs", ())) if cls == "host" else 0)
    if load is None or load.cpu is None:
        return "", -1.0
    if cpus:
        return translate("Search", "{percent}% of {count} CPUs").format(
            percent=round(load.cpu * 100), count=cpus), load.cpu
    return f"{round(load.cpu * 100)}%", load.cpu


def _memory(cls, ref, rec, cache, load) -> Cell:
    if cls in ("vm", "host") and load is not None and load.memory is not None:
        total = load.memory_total or 0
        if total:
            return translate("Search", "{used} of {total}").format(
                used=fmt.size(int(load.memory)), total=fmt.size(int(total))), load.memory
        return fmt.size(int(load.memory)), load.memory
    return "", -1.0


def _rate(value: float | None) -> Cell:
    if value is None:
        return "", -1.0
    return translate("Search", "{size}/s").format(size=fmt.size(int(value)) or "0 B"), value


def _disks(cls, ref, rec, cache, load) -> Cell:
    return _rate(load.disk if load is not None else None)


def _size(cls, ref, rec, cache, load) -> Cell:
    """A VM's disks added up; a storage's use of its size."""
    if cls == "vm":
        total = 0
        for vbd in rec.get("VBDs", ()):
            vbd_rec = cache.record("vbd", vbd) or {}
            if vbd_rec.get("type") == "CD":
                continue
            vdi = cache.record("vdi", vbd_rec.get("VDI", NULL_REF)) or {}
            total += as_int(vdi.get("virtual_size"))
        return (fmt.size(total) if total else ""), total
    if cls == "sr":
        size, used = as_int(rec.get("physical_size")), as_int(rec.get("physical_utilisation"))
        return (translate("Search", "{used} of {total}").format(
            used=fmt.size(used), total=fmt.size(size)) if size else ""), used
    return "", -1


def _network(cls, ref, rec, cache, load) -> Cell:
    return _rate(load.network if load is not None else None)


def _address(cls, ref, rec, cache, load) -> Cell:
    if cls == "vm":
        ips = vm_ips(rec, cache)
        text = ", ".join(ips[:2]) + ("…" if len(ips) > 2 else "")
    elif cls == "host":
        text = str(rec.get("address", ""))
    else:
        text = ""
    return text, tuple(int(p) if p.isdigit() else 0 for p in text.split(",")[0].split("."))


def _uptime(cls, ref, rec, cache, load) -> Cell:
    start: datetime.datetime | None = None
    if cls == "vm" and rec.get("power_state") in ("Running", "Paused"):
        start = as_time((cache.record("vm_metrics", rec.get("metrics", "")) or {})
                        .get("start_time"))
    elif cls == "host":
        start = fmt.epoch_time((rec.get("other_config", {}) or {}).get("boot_time")) or \
            fmt.epoch_time((cache.record("host_metrics", rec.get("metrics", "")) or {})
                           .get("boot_time"))
    if start is None:
        return "", 0.0
    return fmt.since(start), -start.timestamp()


def _description(cls, ref, rec, cache, load) -> Cell:
    text = str(rec.get("name_description", ""))
    return text, text.casefold()


def _tags(cls, ref, rec, cache, load) -> Cell:
    text = ", ".join(sorted(rec.get("tags", ()) or ()))
    return text, text


def _folder(cls, ref, rec, cache, load) -> Cell:
    text = folder_of(rec)
    return text, text


def columns() -> list[Column]:
    return [
        Column("name", translate("Search", "Name"), _name),
        Column("type", translate("Search", "Type"), _type, shown=False),
        Column("state", translate("Search", "State"), _state, shown=False),
        Column("server", translate("Search", "Server"), _server, shown=False),
        Column("cpu", translate("Search", "CPU usage"), _cpu, numeric=True),
        Column("memory", translate("Search", "Used memory"), _memory, numeric=True),
        Column("disks", translate("Search", "Disks"), _disks, numeric=True),
        Column("network", translate("Search", "Network"), _network, numeric=True),
        Column("address", translate("Search", "IP address"), _address),
        Column("uptime", translate("Search", "Uptime"), _uptime),
        Column("size", translate("Search", "Disk size"), _size, shown=False, numeric=True),
        Column("description", translate("Search", "Description"), _description, shown=False),
        Column("tags", translate("Search", "Tags"), _tags, shown=False),
        Column("folder", translate("Search", "Folder"), _folder, shown=False),
    ]


@dataclass
class ResultRow:
    cls: str
    ref: str
    kind: str
    cells: list[Cell] = field(default_factory=list)
    state: str = ""  # a VM's power state (its icon)


def rows(cache, kind: str, ref: str, query: Query,
         load: Callable[[str], Load | None]) -> list[ResultRow]:
    """The rows of the Search page of `ref` for `query`, every column worked out."""
    cols = columns()
    out = []
    for cls, obj in objects_below(cache, kind, ref):
        record = cache.record(cls, obj)
        if record is None or not matches(query, cls, record, cache):
            continue
        figures = load(obj) if cls in ("vm", "host") else None
        out.append(ResultRow(cls, obj, object_kind(cls, record),
                             [c.value(cls, obj, record, cache, figures) for c in cols],
                             str(record.get("power_state", "")) if cls == "vm" else ""))
    return out
