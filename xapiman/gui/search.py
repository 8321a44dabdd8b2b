"""The search box's filter over the resource tree: name, uuid, tag or IP, as one types."""

from __future__ import annotations

from PyQt6.QtCore import QModelIndex, QSortFilterProxyModel

from xapiman.gui.tree.model import ResourceTreeModel, SearchRole


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


__all__ = ["ResourceFilter", "SearchRole"]
