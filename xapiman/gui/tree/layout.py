"""Where each object goes in the resource tree, per view (no Qt: pure rules over records)."""

from __future__ import annotations

from dataclasses import dataclass

from xapiman.xapi.refs import NULL_REF

INFRASTRUCTURE = "infrastructure"
OBJECTS = "objects"
FOLDERS = "folders"
TAGS = "tags"
VIEWS = (INFRASTRUCTURE, OBJECTS, FOLDERS, TAGS)

# Classes the tree shows, parents before children.
SHOWN = ("host", "sr", "network", "vm")
KIND_RANK = {"group": 0, "host": 1, "vm": 2, "template": 3, "snapshot": 4, "sr": 5, "network": 6}
TYPE_GROUPS = {"host": "Servers", "vm": "Virtual machines", "template": "Templates",
               "snapshot": "Snapshots", "sr": "Storage", "network": "Networks"}

ROOT = ("root",)


@dataclass(frozen=True)
class TreeOptions:
    """The tree's toggles."""

    view: str = INFRASTRUCTURE
    show_templates: bool = False
    show_default_templates: bool = False
    show_snapshots: bool = False
    show_hidden: bool = False


def vm_kind(record: dict) -> str:
    if record.get("is_a_snapshot"):
        return "snapshot"
    if record.get("is_a_template"):
        return "template"
    return "vm"


def object_kind(cls: str, record: dict) -> str:
    return vm_kind(record) if cls == "vm" else cls


def visible(cls: str, record: dict, options: TreeOptions) -> bool:
    """Whether the object appears at all (control domains never; hidden ones on request)."""
    other = record.get("other_config", {})
    if not options.show_hidden and str(other.get("HideFromXenCenter", "")).lower() == "true":
        return False
    if cls == "vm":
        if record.get("is_control_domain"):
            return False
        kind = vm_kind(record)
        if kind == "snapshot":
            return options.show_snapshots
        if kind == "template":
            if record.get("is_default_template"):
                return options.show_default_templates
            return options.show_templates
        return True
    if cls == "network" and not options.show_hidden:
        return "is_host_internal_management_network" not in other
    return True


def is_standalone(cache) -> bool:
    """A host not in a named pool is shown on its own, as XenCenter does."""
    pools = cache.records("pool")
    pool = next(iter(pools.values()), None)
    return pool is not None and not pool.get("name_label") and cache.count("host") == 1


def infrastructure_parent(cls: str, ref: str, record: dict, cache,
                          options: TreeOptions) -> tuple | None:
    standalone = is_standalone(cache)

    def host_node(host_ref: str) -> tuple:
        if standalone or cache.record("host", host_ref) is None:
            return ROOT
        return ("obj", host_ref)

    if cls == "host":
        return None if standalone else ROOT  # a standalone host is the top row itself
    if cls == "vm":
        kind = vm_kind(record)
        if kind == "snapshot":
            parent = record.get("snapshot_of", NULL_REF)
            parent_rec = cache.record("vm", parent)
            if parent_rec is not None and visible("vm", parent_rec, options):
                return ("obj", parent)
            return ROOT
        if kind == "vm" and record.get("power_state") in ("Running", "Paused"):
            return host_node(record.get("resident_on", NULL_REF))
        return ROOT
    if cls == "sr":
        if not record.get("shared"):
            hosts = {(cache.record("pbd", p) or {}).get("host") for p in record.get("PBDs", ())}
            hosts.discard(None)
            if len(hosts) == 1:
                return host_node(hosts.pop())
        return ROOT
    return ROOT


def parents(cls: str, ref: str, record: dict, cache, options: TreeOptions) -> list[tuple]:
    """The keys of the nodes under which this object appears (none when hidden)."""
    if not visible(cls, record, options):
        return []
    view = options.view
    if view == INFRASTRUCTURE:
        parent = infrastructure_parent(cls, ref, record, cache, options)
        return [parent] if parent is not None else []
    if view == OBJECTS:
        return [("type", TYPE_GROUPS[object_kind(cls, record)])]
    if view == FOLDERS:
        folder = folder_of(record)
        return [("folder", folder)] if folder else []
    if view == TAGS:
        return [("tag", tag) for tag in sorted(set(record.get("tags", ())))]
    raise ValueError(f"unknown view {view}")


def folder_of(record: dict) -> str:
    raw = str(record.get("other_config", {}).get("folder", "")).strip()
    parts = [p for p in raw.split("/") if p]
    return "/" + "/".join(parts) if parts else ""


def group_parent(key: tuple) -> tuple:
    """The parent of a group node: folders nest, everything else hangs from the root."""
    if key[0] == "folder":
        path = key[1].rsplit("/", 1)[0]
        return ("folder", path) if path else ROOT
    return ROOT


def group_label(key: tuple) -> str:
    if key[0] == "folder":
        return key[1].rsplit("/", 1)[1]
    return str(key[1])
