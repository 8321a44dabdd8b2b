"""The resource tree model: every connection's pool, hosts, VMs, SRs and networks, updated
row by row from cache notifications (never rebuilt, so selection and expansion survive)."""

from __future__ import annotations

from PyQt6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt, QTimer, pyqtSignal

from xapiman.gui.tree import layout
from xapiman.gui.tree.layout import ROOT, SHOWN, TreeOptions
from xapiman.gui.tree.nodes import Node, make_sort_key
from xapiman.gui.tree.presentation import (
    ConnectionEntry,
    basis,
    label,
    pool_title,
    row_icon,
    search,
    shown,
    tooltip,
)
from xapiman.xapi.cache import ObjectCache

KeyRole = Qt.ItemDataRole.UserRole + 1  # (conn id, class, ref) of an object row
SearchRole = Qt.ItemDataRole.UserRole + 2  # lower-case text the search box matches
KindRole = Qt.ItemDataRole.UserRole + 3


class ResourceTreeModel(QAbstractItemModel):
    """Signals:
        loaded(conn_id): a connection's objects were placed for the first time.
    """

    loaded = pyqtSignal(str)

    def __init__(self, options: TreeOptions | None = None, parent: QObject | None = None, *,
                 load_slice: int | None = None) -> None:
        """`load_slice`: place a new pool's objects this many per event-loop turn, so that a
        big pool does not stop the window while it appears (None: all at once)."""
        super().__init__(parent)
        self.load_slice = load_slice
        self.options = options or TreeOptions()
        self._top = Node(("top",), "top", "", "", "")
        self._top.attached = True
        self._conns: dict[str, ConnectionEntry] = {}

    # -- Qt model interface -----------------------------------------------------------------

    def _node(self, index: QModelIndex) -> Node:
        return index.internalPointer() if index.isValid() else self._top

    def _shown_children(self, node: Node) -> list[Node]:
        """A node's children as views may see them (none while its pool is being placed)."""
        if node.kind == "connection":
            entry = self._conns.get(node.conn)
            if entry is not None and entry.loading:
                return []
        return node.children

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        children = self._shown_children(self._node(parent))
        if column != 0 or not 0 <= row < len(children):
            return QModelIndex()
        return self.createIndex(row, 0, children[row])

    def parent(self, index: QModelIndex) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node: Node = index.internalPointer()
        up = node.parent
        if up is None or up is self._top:
            return QModelIndex()
        return self.createIndex(up.row(), 0, up)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return len(self._shown_children(self._node(parent)))

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 1

    def index_of(self, node: Node) -> QModelIndex:
        if node is self._top or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row(), 0, node)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        node: Node = index.internalPointer()
        entry = self._conns.get(node.conn)
        if entry is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return label(entry, node)
        if role == Qt.ItemDataRole.DecorationRole:
            return row_icon(entry, node)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(entry, node)
        if role == KeyRole:
            return (node.conn, node.kind, node.ref)
        if role == KindRole:
            return node.kind
        if role == SearchRole:
            return search(entry, node)
        return None

    def nodes(self):
        """Every row's node, depth first (for the search filter's single walk)."""
        for child in self._top.children:
            yield from child.walk()

    def top_nodes(self) -> list[Node]:
        return self._top.children

    def search_text(self, node: Node) -> str:
        entry = self._conns.get(node.conn)
        return search(entry, node) if entry is not None else ""

    def pool_title(self, entry: ConnectionEntry) -> str:
        return pool_title(entry)

    # -- connections ------------------------------------------------------------------------

    def add_connection(self, conn_id: str, name: str, cache: ObjectCache | None = None,
                       state: str = "connecting") -> None:
        if conn_id in self._conns:
            return
        entry = ConnectionEntry(conn_id, name, cache, state)
        entry.root = Node(ROOT, "connection", "", conn_id, name)
        entry.nodes[ROOT] = entry.root
        self._conns[conn_id] = entry
        self._insert(self._top, entry.root)

    def remove_connection(self, conn_id: str) -> None:
        entry = self._conns.get(conn_id)
        if entry is None or entry.root is None:
            return
        self._detach(entry.root)
        del self._conns[conn_id]

    def set_state(self, conn_id: str, state: str, reason: str = "", attempt: int = 0) -> None:
        entry = self._conns.get(conn_id)
        if entry is None or entry.root is None:
            return
        entry.state, entry.reason, entry.attempt = state, reason, attempt
        self._changed(entry.root)

    def set_cache(self, conn_id: str, cache: ObjectCache | None) -> None:
        entry = self._conns[conn_id]
        if entry.cache is not cache:
            entry.cache = cache
            self._clear_objects(entry)

    def connection_ids(self) -> list[str]:
        return list(self._conns)

    def entry(self, conn_id: str) -> ConnectionEntry | None:
        return self._conns.get(conn_id)

    # -- options ----------------------------------------------------------------------------

    def set_options(self, options: TreeOptions) -> None:
        """Another view or toggle: the objects are placed again (a user action, not an update)."""
        if options == self.options:
            return
        self.beginResetModel()
        self.options = options
        for entry in self._conns.values():
            assert entry.root is not None
            for node in entry.root.walk():
                node.attached = False
            entry.root.children.clear()
            entry.root.child_keys.clear()
            entry.nodes = {ROOT: entry.root}
            entry.placed.clear()
            entry.basis.clear()
            entry.loading = False
            entry.deferred.clear()
            if entry.cache is not None and getattr(entry.cache, "loaded", False):
                self._place_all(entry)
            for node in entry.root.walk():
                node.attached = True
        self.endResetModel()

    # -- cache notifications ----------------------------------------------------------------

    def apply(self, conn_id: str, change) -> None:
        """Apply one CacheChange of connection `conn_id` (on the GUI thread)."""
        entry = self._conns.get(conn_id)
        if entry is None or entry.cache is None or entry.root is None:
            return
        if entry.loading:
            entry.deferred.append(change)
            return
        if not entry.placed and not entry.root.children:
            entry.basis.clear()
            if self.load_slice:
                self._load_in_slices(entry)
            else:
                self._first_load(entry)
            return
        cache = entry.cache
        assert cache is not None
        touched: set[str] = set()
        for cls in SHOWN:
            for ref in change.removed_in(cls):
                if cache.get(ref) is None:
                    self._remove_object(entry, ref)
                else:  # merged batches: removed, then back
                    touched.add(ref)
            touched |= change.added_in(cls) | change.changed_in(cls)
        touched |= self._related(entry, change)
        if change.changed_in("pool") or change.added_in("pool") or change.touched("host"):
            self._changed(entry.root)
            if change.touched("pool") or change.added_in("host") or change.removed_in("host"):
                entry.basis.clear()  # a standalone host may have joined a pool, or the reverse
        order = sorted(touched, key=lambda r: SHOWN.index(cache.class_of(r))
                       if cache.class_of(r) in SHOWN else 99)
        for ref in order:
            self._place(entry, ref)
        self._prune_groups(entry)

    def _related(self, entry: ConnectionEntry, change) -> set[str]:
        """Objects whose row depends on another class's record (metrics, PBDs, guest data)."""
        cache = entry.cache
        assert cache is not None
        out: set[str] = set()
        for pbd in change.touched("pbd"):
            rec = cache.record("pbd", pbd)
            if rec:
                out.add(rec.get("SR", ""))
        if change.touched("host_metrics"):
            out |= set(cache.records("host"))
        for cls in ("vm_guest_metrics", "vm_metrics"):
            for ref in change.changed_in(cls) | change.added_in(cls):
                owner = entry.owners.get(ref)
                if owner:
                    out.add(owner)
        out.discard("")
        return {r for r in out if cache.class_of(r) in SHOWN}

    def _first_load(self, entry: ConnectionEntry) -> None:
        """Place everything quietly under a detached root, then announce it in one insert."""
        root = entry.root
        assert root is not None
        root.attached = False
        try:
            self._place_all(entry)
        finally:
            root.attached = True
        self._announce(entry)

    def _load_in_slices(self, entry: ConnectionEntry) -> None:
        """As `_first_load`, a slice of objects per event-loop turn; batches arriving
        meanwhile are applied once everything is placed."""
        cache = entry.cache
        assert cache is not None
        refs = iter([ref for cls in SHOWN for ref in list(cache.records(cls))])
        entry.loading = True

        def step() -> None:
            if self._conns.get(entry.conn_id) is not entry or not entry.loading:
                return
            root = entry.root
            assert root is not None
            root.attached = False
            try:
                placed = 0
                for ref in refs:
                    self._place(entry, ref)
                    placed += 1
                    if placed >= (self.load_slice or 1):
                        break
            finally:
                root.attached = True
            if placed:
                QTimer.singleShot(0, step)
                return
            entry.loading = False
            self._announce(entry)
            deferred, entry.deferred = entry.deferred, []
            for change in deferred:
                self.apply(entry.conn_id, change)

        step()

    def _announce(self, entry: ConnectionEntry) -> None:
        """Insert the quietly placed top rows of a connection in one go."""
        root = entry.root
        assert root is not None
        children = list(root.children)
        root.children.clear()
        root.child_keys.clear()
        if children:
            self.beginInsertRows(self.index_of(root), 0, len(children) - 1)
            for child in children:
                root.insert(child)
                for node in child.walk():
                    node.attached = True
            self.endInsertRows()
        self._changed(root)
        self.loaded.emit(entry.conn_id)

    def _place_all(self, entry: ConnectionEntry) -> None:
        cache = entry.cache
        assert cache is not None
        for cls in SHOWN:
            for ref in list(cache.records(cls)):
                self._place(entry, ref)

    def _clear_objects(self, entry: ConnectionEntry) -> None:
        entry.basis.clear()
        entry.loading = False
        entry.deferred.clear()
        assert entry.root is not None
        if entry.root.children:
            self.beginRemoveRows(self.index_of(entry.root), 0, len(entry.root.children) - 1)
            for child in entry.root.children:
                for node in child.walk():
                    node.attached = False
            entry.root.children.clear()
            entry.root.child_keys.clear()
            self.endRemoveRows()
        entry.nodes = {ROOT: entry.root}
        entry.placed.clear()

    # -- placing one object -----------------------------------------------------------------

    def _place(self, entry: ConnectionEntry, ref: str, depth: int = 0) -> None:
        cache = entry.cache
        assert cache is not None
        cls = cache.class_of(ref)
        record = cache.get(ref)
        if record is None or cls not in SHOWN:
            self._remove_object(entry, ref)
            entry.basis.pop(ref, None)
            return
        depends = basis(cache, record)
        if ref in entry.placed and entry.basis.get(ref) == depends:
            return  # nothing its rows show or depend on changed (a description, say)
        entry.basis[ref] = depends
        kind = layout.object_kind(cls, record)
        if cls == "vm":
            entry.owners[record.get("guest_metrics", "")] = ref
            entry.owners[record.get("metrics", "")] = ref
        wanted = layout.parents(cls, ref, record, cache, self.options)
        have = entry.placed.get(ref, {})
        label = record.get("name_label", "") or ref
        sort_key = make_sort_key(kind, label, ("obj", ref))
        # one node moving to one other place: a move keeps its selection and expansion
        if len(have) == 1 and len(wanted) == 1 and next(iter(have)) != wanted[0]:
            node = next(iter(have.values()))
            parent = self._parent_node(entry, wanted[0], depth)
            if parent is not None and not self._inside(parent, node):
                self._move(entry, node, parent, wanted[0], ref, sort_key, kind, depth)
                return
        for pkey in [k for k in have if k not in wanted]:
            self._remove_node(entry, have[pkey], ref, pkey)
        for pkey in wanted:
            node = entry.placed.get(ref, {}).get(pkey)
            if node is not None:
                if node.sort_key != sort_key or node.kind != kind:
                    self._resort(node, sort_key, kind)
                    node.shown = shown(entry, node, record)
                else:
                    showing = shown(entry, node, record)
                    if showing != node.shown:
                        node.shown = showing
                        self._changed(node)
                continue
            parent = self._parent_node(entry, pkey, depth)
            if parent is None:
                continue
            node = Node(("obj", ref, pkey), kind, ref, entry.conn_id, label)
            node.sort_key = sort_key
            node.shown = shown(entry, node, record)
            entry.nodes[node.key] = node
            entry.placed.setdefault(ref, {})[pkey] = node
            self._insert(parent, node)

    @staticmethod
    def _inside(parent: Node, node: Node) -> bool:
        up: Node | None = parent
        while up is not None:
            if up is node:
                return True
            up = up.parent
        return False

    def _parent_node(self, entry: ConnectionEntry, pkey: tuple, depth: int) -> Node | None:
        if pkey == ROOT:
            return entry.root
        if pkey[0] == "obj":
            nodes = entry.placed.get(pkey[1])
            if not nodes and depth < 3:
                self._place(entry, pkey[1], depth + 1)
                nodes = entry.placed.get(pkey[1])
            return next(iter(nodes.values())) if nodes else entry.root
        node = entry.nodes.get(pkey)
        if node is None:
            parent = self._parent_node(entry, layout.group_parent(pkey), depth)
            if parent is None:
                return None
            node = Node(pkey, "group", "", entry.conn_id, layout.group_label(pkey))
            node.sort_key = make_sort_key("group", node.label, pkey)
            entry.nodes[pkey] = node
            self._insert(parent, node)
        return node

    # -- row operations with their signals --------------------------------------------------

    def _insert(self, parent: Node, node: Node) -> None:
        if parent.attached:
            row = parent.position_for(node.sort_key)
            self.beginInsertRows(self.index_of(parent), row, row)
            parent.insert(node)
            for n in node.walk():
                n.attached = True
            self.endInsertRows()
        else:
            parent.insert(node)

    def _detach(self, node: Node) -> None:
        parent = node.parent
        if parent is None:
            return
        if parent.kind == "group":
            entry = self._conns.get(parent.conn)
            if entry is not None:
                entry.emptied.add(parent.key)
        row = node.row()
        if parent.attached:
            self.beginRemoveRows(self.index_of(parent), row, row)
            parent.take(row)
            for n in node.walk():
                n.attached = False
            self.endRemoveRows()
        else:
            parent.take(row)

    def _move(self, entry: ConnectionEntry, node: Node, parent: Node, pkey: tuple, ref: str,
              sort_key: tuple, kind: str, depth: int) -> None:
        """Move an object's node under another parent (a VM starting on a host ...)."""
        old_key = next(iter(entry.placed[ref]))
        if not self._relocate(node, parent, sort_key, kind):
            # Qt refused the move: take the rows out and place the object again, where it
            # belongs now (its children follow it)
            self._remove_node(entry, node, ref, old_key)
            entry.basis.pop(ref, None)
            self._place(entry, ref, depth + 1)
            return
        entry.nodes.pop(node.key, None)
        node.key = ("obj", ref, pkey)
        entry.nodes[node.key] = node
        entry.placed[ref] = {pkey: node}

    def _resort(self, node: Node, sort_key: tuple, kind: str) -> None:
        """A renamed object takes its new place among its siblings."""
        assert node.parent is not None
        self._relocate(node, node.parent, sort_key, kind)

    def _relocate(self, node: Node, parent: Node, sort_key: tuple, kind: str) -> bool:
        """Move `node` (with its subtree) under `parent` at the place of `sort_key`.

        Uses Qt's row moves so views keep the node's selection and expansion. Returns False
        when Qt refuses the move (the caller removes and inserts instead).
        """
        old_parent = node.parent
        assert old_parent is not None
        if old_parent.kind == "group" and old_parent is not parent:
            entry = self._conns.get(old_parent.conn)
            if entry is not None:
                entry.emptied.add(old_parent.key)
        src = node.row()
        dst = parent.position_for(sort_key)  # counted with the node still in place, as Qt does
        signal = old_parent.attached and parent.attached
        moving = False
        if signal:
            moving = self.beginMoveRows(self.index_of(old_parent), src, src,
                                        self.index_of(parent), dst)
            if not moving and parent is not old_parent:
                return False
        elif old_parent.attached or parent.attached:
            return False
        old_parent.take(src)
        node.sort_key = sort_key
        node.kind = kind
        parent.insert(node)
        if moving:
            self.endMoveRows()
        self._changed(node)
        return True

    def _remove_node(self, entry: ConnectionEntry, node: Node, ref: str, pkey: tuple) -> None:
        orphans = [n.ref for n in node.walk() if n is not node and n.ref]
        self._detach(node)
        for n in node.walk():
            entry.nodes.pop(n.key, None)
            if n.ref and n.ref in entry.placed:
                entry.placed[n.ref] = {k: v for k, v in entry.placed[n.ref].items() if v is not n}
                if not entry.placed[n.ref]:
                    del entry.placed[n.ref]
        for orphan in orphans:
            self._place(entry, orphan)

    def _remove_object(self, entry: ConnectionEntry, ref: str) -> None:
        for pkey, node in list(entry.placed.get(ref, {}).items()):
            self._remove_node(entry, node, ref, pkey)
        entry.placed.pop(ref, None)

    def _prune_groups(self, entry: ConnectionEntry) -> None:
        """Folder, tag and type groups left with nothing in them go away (only those that
        lost a child are looked at; a folder emptied that way may empty its parent)."""
        while entry.emptied:
            key = entry.emptied.pop()
            node = entry.nodes.get(key)
            if node is not None and node.kind == "group" and not node.children:
                self._detach(node)  # may add the parent folder to `emptied`
                entry.nodes.pop(key, None)

    def _changed(self, node: Node) -> None:
        if node.attached and node.parent is not None:
            index = self.index_of(node)
            self.dataChanged.emit(index, index)

    # -- lookups for the window -------------------------------------------------------------

    def find(self, conn_id: str, ref: str) -> QModelIndex:
        """The first row showing object `ref` of connection `conn_id` (invalid if none)."""
        entry = self._conns.get(conn_id)
        if entry is None:
            return QModelIndex()
        if not ref:
            return self.index_of(entry.root) if entry.root else QModelIndex()
        nodes = entry.placed.get(ref)
        if not nodes:
            return QModelIndex()
        return self.index_of(next(iter(nodes.values())))

    def object_count(self) -> int:
        return sum(len(e.placed) for e in self._conns.values())

