"""What a tree row shows: its label, icon, tooltip and search text, and what it depends on."""

from __future__ import annotations

from dataclasses import dataclass, field

from xapiman.gui.icons import icon
from xapiman.gui.tree import layout
from xapiman.gui.tree.describe import describe, search_text
from xapiman.gui.tree.nodes import Node
from xapiman.xapi.cache import ObjectCache


@dataclass
class ConnectionEntry:
    """A connection as the tree knows it.

    Attributes:
        conn_id: stable id (the profile name); name: shown until the pool is loaded.
        state, reason, attempt: the connection state ("connecting", "connected", ...).
        cache: the connection's ObjectCache (None before it exists).
    """

    conn_id: str
    name: str
    cache: ObjectCache | None = None
    state: str = "disconnected"
    reason: str = ""
    attempt: int = 0
    root: Node | None = None
    nodes: dict[tuple, Node] = field(default_factory=dict)
    placed: dict[str, dict[tuple, Node]] = field(default_factory=dict)  # ref -> parent key -> node
    owners: dict[str, str] = field(default_factory=dict)  # VM (guest) metrics ref -> VM ref
    emptied: set[tuple] = field(default_factory=set)  # group keys that lost a child
    basis: dict[str, tuple] = field(default_factory=dict)  # ref -> what its rows depend on
    loading: bool = False  # the first placement is under way, a slice per event-loop turn
    deferred: list = field(default_factory=list)  # batches that came meanwhile


def record_of(entry: ConnectionEntry, node: Node) -> dict | None:
    return entry.cache.get(node.ref) if entry.cache is not None and node.ref else None

def label(entry: ConnectionEntry, node: Node) -> str:
    if node.kind == "connection":
        return connection_label(entry)
    if node.kind == "group":
        return node.label
    record = record_of(entry, node)
    return (record or {}).get("name_label") or node.label

def connection_label(entry: ConnectionEntry) -> str:
    title = pool_title(entry) or entry.name
    if entry.state == "connected":
        return title
    if entry.state == "reconnecting":
        return f"{title} (reconnecting, attempt {entry.attempt})"
    if entry.state == "failed":
        return f"{title} (failed: {entry.reason})" if entry.reason else f"{title} (failed)"
    if entry.state == "connecting":
        return f"{title} (connecting…)"
    return f"{title} (disconnected)"

def pool_title(entry: ConnectionEntry) -> str:
    cache = entry.cache
    if cache is None or not getattr(cache, "loaded", False):
        return ""
    pool = next(iter(cache.records("pool").values()), None)
    if pool is None:
        return ""
    if pool.get("name_label"):
        return pool["name_label"]
    master = cache.record("host", pool.get("master", ""))
    return (master or {}).get("name_label", "")

def row_icon(entry: ConnectionEntry, node: Node):
    if node.kind == "connection":
        if entry.state == "failed":
            return icon("failed")
        if entry.state != "connected":
            return icon("connecting")
        if entry.cache is not None and layout.is_standalone(entry.cache):
            return icon("host")
        return icon("pool")
    if node.kind == "group":
        return icon(node.key[0] if node.key[0] in ("folder", "tag") else "folder")
    record = record_of(entry, node) or {}
    return icon(node.kind, describe(node.kind, record, entry.cache).state)

def tooltip(entry: ConnectionEntry, node: Node) -> str:
    if node.kind == "connection":
        return connection_label(entry)
    if node.kind == "group":
        return node.label
    record = record_of(entry, node) or {}
    return describe(node.kind, record, entry.cache).tooltip

def search(entry: ConnectionEntry, node: Node) -> str:
    if node.kind in ("connection", "group"):
        return label(entry, node).casefold()
    record = record_of(entry, node)
    if record is None:
        return ""
    if node.search is not None and node.search[0] == id(record):
        return node.search[1]
    text = search_text(node.kind, record, entry.cache)
    node.search = (id(record), text)
    return text

def shown(entry: ConnectionEntry, node: Node, record: dict) -> tuple:
    """Everything the row displays; a batch that leaves it equal needs no repaint."""
    description = describe(node.kind, record, entry.cache)
    return (record.get("name_label", ""), description.state, description.tooltip,
            tuple(record.get("tags", ())), record.get("uuid", ""))


# What a row shows or where it goes depends on these fields of its record...
BASIS_FIELDS = ("name_label", "uuid", "power_state", "resident_on", "is_a_template",
                 "is_a_snapshot", "is_default_template", "is_control_domain", "snapshot_of",
                 "snapshot_time", "shared", "enabled", "address", "type", "physical_size",
                 "physical_utilisation")
# ... and on these records it points to (their identity changes when they change).
BASIS_LINKS = (("guest_metrics", "vm_guest_metrics"), ("metrics", "host_metrics"))


def basis(cache, record: dict) -> tuple:
    """Everything a row depends on, cheap to compare: equal means nothing to redo."""
    other = record.get("other_config", {})
    linked = tuple(id(cache.record(cls, record.get(field, "")))
                   for field, cls in BASIS_LINKS if field in record)
    return (tuple(record.get(f) for f in BASIS_FIELDS), tuple(record.get("tags", ())),
            other.get("folder"), other.get("HideFromXenCenter"), tuple(record.get("PBDs", ())),
            linked)
