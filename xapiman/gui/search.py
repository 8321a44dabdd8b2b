"""The search box's filter over the resource tree: name, uuid, tag or IP, as one types."""

from __future__ import annotations

import contextlib

from PyQt6.QtCore import QModelIndex, QSortFilterProxyModel, QTimer
from PyQt6.QtWidgets import QTreeView

from xapiman.gui.tree.model import KeyRole, ResourceTreeModel, SearchRole


class ResourceFilter(QSortFilterProxyModel):
    """Keeps rows whose search text contains every word typed, and their ancestors.

    The rows to keep are worked out once per text by one walk over the tree's nodes, so
    the proxy only looks up a set (Qt's recursive filtering asks the model for the same
    parents and children tens of thousands of times on a 5 000-VM pool).
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setDynamicSortFilter(False)
        self._words: list[str] = []
        self._keep: set[int] = set()

    def set_text(self, text: str) -> None:
        words = text.casefold().split()
        if words != self._words:
            self._words = words
            self._keep = set()
            self.refilter()

    @property
    def active(self) -> bool:
        return bool(self._words)

    def refilter(self) -> None:
        """Work out the rows to keep again (the text, or the tree, changed)."""
        self.use(self.matching())

    def matching(self) -> set[int]:
        """The rows (node ids) the current text keeps, worked out now."""
        return self._matching() if self._words else set()

    def kept(self) -> set[int]:
        return self._keep

    def use(self, keep: set[int]) -> None:
        self._keep = keep
        self.invalidateFilter()

    def _matching(self) -> set[int]:
        model = self.sourceModel()
        keep: set[int] = set()
        if not isinstance(model, ResourceTreeModel):
            return keep
        words = self._words
        for node in model.nodes():
            if id(node) in keep:
                continue
            text = model.search_text(node)
            if all(word in text for word in words):
                up = node
                while up is not None and id(up) not in keep:
                    keep.add(id(up))
                    up = up.parent
        return keep

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        if not self._words:
            return True
        node = source_parent.internalPointer() if source_parent.isValid() else None
        children = node.children if node is not None else self.sourceModel().top_nodes()
        return 0 <= source_row < len(children) and id(children[source_row]) in self._keep

    def match_count(self) -> int:
        return len(self._keep)




class TreeSearch:
    """The search box driving the tree: filter as one types, keep the view fast and restore
    the expansion from before the search when it is cleared.

    The tree is collapsed while the filter changes (a tree view takes seconds to drop
    thousands of expanded rows one range at a time) and expanded again on the matches.
    """

    def __init__(self, view: QTreeView, proxy: ResourceFilter, model: ResourceTreeModel,
                 expand_all_up_to: int = 400) -> None:
        self.view = view
        self.proxy = proxy
        self.model = model
        self.expand_all_up_to = expand_all_up_to
        self._expanded_before: set[tuple] = set()

    def set_text(self, text: str) -> None:
        was_active = self.proxy.active
        if not was_active and text.strip():
            self._expanded_before = self._expanded_keys()
        with self._quiet():
            self.view.collapseAll()
            self.proxy.set_text(text)
            if self.proxy.active:
                self._expand_matches()
            elif was_active:
                self._restore(self._expanded_before)

    def tree_changed(self) -> None:
        """The tree changed: while searching, update the matches (cheap when they are the
        same rows, the usual case)."""
        if not self.proxy.active:
            return
        keep = self.proxy.matching()
        if keep == self.proxy.kept():
            return
        with self._quiet():
            self.view.collapseAll()
            self.proxy.use(keep)
            self._expand_matches()

    def warm_up(self, per_turn: int = 800) -> None:
        """Work out each row's search text ahead, a slice per event-loop turn, so that the
        first keystroke does not do it for the whole pool."""
        self._warm(iter(list(self.model.nodes())), per_turn)

    def _warm(self, nodes, per_turn: int) -> None:
        for count, node in enumerate(nodes, 1):
            self.model.search_text(node)
            if count >= per_turn:
                QTimer.singleShot(0, lambda: self._warm(nodes, per_turn))
                return

    @contextlib.contextmanager
    def _quiet(self):
        self.view.setUpdatesEnabled(False)
        try:
            yield
        finally:
            self.view.setUpdatesEnabled(True)

    def _expand_matches(self) -> None:
        """Every level when the matches are few; the pools and hosts otherwise (expanding
        thousands of rows takes long and shows nothing useful)."""
        if self.proxy.match_count() <= self.expand_all_up_to:
            self.view.expandAll()
        else:
            self.view.expandToDepth(0)

    def _expanded_keys(self) -> set[tuple]:
        keys: set[tuple] = set()
        stack = [self.proxy.index(r, 0) for r in range(self.proxy.rowCount())]
        while stack:
            index = stack.pop()
            if self.view.isExpanded(index):
                keys.add(index.data(KeyRole))
                stack.extend(self.proxy.index(r, 0, index) for r in range(self.proxy.rowCount(index)))
        return keys

    def _restore(self, keys: set[tuple]) -> None:
        for conn, _kind, ref in keys:
            index = self.proxy.mapFromSource(self.model.find(conn, ref))
            if index.isValid():
                self.view.expand(index)
        current = self.view.currentIndex()
        if current.isValid():
            self.view.scrollTo(current)


__all__ = ["ResourceFilter", "SearchRole", "TreeSearch"]
