"""The nodes of the resource tree, kept sorted so a node's row is found by bisection."""

from __future__ import annotations

from bisect import bisect_left

from xapiman.gui.tree.layout import KIND_RANK


class Node:
    """One row of the tree.

    Attributes:
        key: unique within its connection: ("obj", ref, parent key), a group key such as
            ("folder", "/a"), or ("root",) for the connection itself.
        kind: "connection", "group", or the object kind (host, vm, template, snapshot, sr,
            network); ref: the object's ref ("" for groups and connections).
        conn: the connection id the node belongs to.
        sort_key: (rank, folded name, tie-breaker); children are kept in this order.
    """

    __slots__ = ("parent", "children", "child_keys", "key", "kind", "ref", "conn", "sort_key",
                 "label", "attached", "search", "shown")

    def __init__(self, key: tuple, kind: str, ref: str, conn: str, label: str) -> None:
        self.parent: Node | None = None
        self.children: list[Node] = []
        self.child_keys: list[tuple] = []
        self.key = key
        self.kind = kind
        self.ref = ref
        self.conn = conn
        self.label = label
        self.sort_key = make_sort_key(kind, label, key)
        self.attached = False
        self.search: tuple[int, str] | None = None
        self.shown: tuple | None = None  # what the row showed last (to skip no-op updates)

    def row(self) -> int:
        assert self.parent is not None
        return bisect_left(self.parent.child_keys, self.sort_key)

    def position_for(self, child_sort_key: tuple) -> int:
        return bisect_left(self.child_keys, child_sort_key)

    def insert(self, child: Node) -> int:
        pos = self.position_for(child.sort_key)
        self.children.insert(pos, child)
        self.child_keys.insert(pos, child.sort_key)
        child.parent = self
        return pos

    def take(self, row: int) -> Node:
        child = self.children.pop(row)
        self.child_keys.pop(row)
        child.parent = None
        return child

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def __repr__(self) -> str:
        return f"Node({self.kind} {self.label!r})"


def make_sort_key(kind: str, label: str, key: tuple) -> tuple:
    return (KIND_RANK.get(kind, 9), natural(label), repr(key))


def natural(text: str) -> tuple:
    """Sort key that orders "vm-2" before "vm-10"."""
    out: list = []
    number = ""
    word = ""
    for ch in text.casefold():
        if ch.isdigit():
            if word:
                out.append((1, word))
                word = ""
            number += ch
        else:
            if number:
                out.append((0, int(number)))
                number = ""
            word += ch
    if number:
        out.append((0, int(number)))
    if word:
        out.append((1, word))
    return tuple(out)
