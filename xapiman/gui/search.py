"""The search box's filter over the resource tree: name, uuid, tag or IP, as one types."""

from __future__ import annotations

from PyQt6.QtCore import QModelIndex, QSortFilterProxyModel

from xapiman.gui.tree.model import SearchRole


class ResourceFilter(QSortFilterProxyModel):
    """Keeps rows whose search text contains every word typed (and their ancestors)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setDynamicSortFilter(False)
        self._words: list[str] = []

    def set_text(self, text: str) -> None:
        words = text.casefold().split()
        if words != self._words:
            self._words = words
            self.invalidateFilter()

    @property
    def active(self) -> bool:
        return bool(self._words)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        if not self._words:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        text = index.data(SearchRole) or ""
        return all(word in text for word in self._words)
