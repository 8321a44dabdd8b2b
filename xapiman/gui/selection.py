"""The tree's selection as action targets: (connection, XAPI class, ref)."""

from __future__ import annotations

from xapiman.actions import Target
from xapiman.gui.tree import layout
from xapiman.gui.tree.model import KeyRole

VM_KINDS = {"vm", "template", "snapshot"}


def target_of(key: tuple, connection_of) -> Target | None:
    """The action target of a tree row key (conn name, node kind, ref)."""
    conn_name, kind, ref = key
    conn = connection_of(conn_name)
    if conn is None:
        return None
    if kind == "connection":
        host = standalone_host(conn.cache)
        if host:
            return Target(conn, "host", host)
        pool = next(iter(conn.cache.records("pool")), None)
        return Target(conn, "pool", pool) if pool else None
    if kind == "group" or not ref:
        return None
    return Target(conn, "vm" if kind in VM_KINDS else kind, ref)


def standalone_host(cache) -> str:
    """The host of a standalone server (a pool without a name, one host), else ""."""
    if cache is None or not layout.is_standalone(cache):
        return ""
    return next(iter(cache.records("host")), "")


def selected_keys(view) -> list[tuple]:
    """(conn, kind, ref) of each selected row, in the view's order."""
    model = view.model()
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    keys = []
    for index in sorted(rows, key=lambda i: (i.parent().row(), i.row())):
        key = model.data(index, KeyRole)
        if key:
            keys.append(key)
    return keys
