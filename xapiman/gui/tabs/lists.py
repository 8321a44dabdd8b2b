"""Sortable lists of objects kept in step by key: only changed rows are touched."""

from __future__ import annotations

from dataclasses import dataclass, field

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QIcon
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from xapiman.gui.tabs.property_names import shown_label, shown_value

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2


class SortItem(QTreeWidgetItem):
    """A list row that sorts by the value kept in SORT_ROLE (sizes as numbers ...)."""

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        tree = self.treeWidget()
        column = tree.sortColumn() if tree is not None else 0
        mine, theirs = self.data(column, SORT_ROLE), other.data(column, SORT_ROLE)
        if mine is not None and theirs is not None:
            try:
                return bool(mine < theirs)
            except TypeError:
                pass
        return self.text(column).casefold() < other.text(column).casefold()


@dataclass
class Row:
    """One list row: its key (usually a ref), texts per column, optional sort keys per
    column (None: by text), icon, tooltip and child rows."""

    key: str
    texts: tuple[str, ...]
    sort: tuple[object, ...] = ()
    icon: QIcon | None = None
    tooltip: str = ""
    children: list[Row] = field(default_factory=list)
    italic: bool = False


class RefList(QTreeWidget):
    """A sortable multi-column list whose rows are kept by key: `sync` changes only what
    differs, so a refresh keeps the selection, the scroll position and the column widths."""

    def __init__(self, name: str, columns: list[str], *, sort_column: int | None = 0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setColumnCount(len(columns))
        self.setHeaderLabels([shown_label(column) for column in columns])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.header().setStretchLastSection(True)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.items: dict[str, QTreeWidgetItem] = {}
        self._sized = False
        if sort_column is not None:
            self.setSortingEnabled(True)
            self.sortByColumn(sort_column, Qt.SortOrder.AscendingOrder)

    def sync(self, rows: list[Row]) -> None:
        """Show exactly these rows (top level), reusing the items of known keys."""
        sorting = self.isSortingEnabled()
        self.setSortingEnabled(False)
        self.setUpdatesEnabled(False)
        try:
            wanted = {row.key for row in rows}
            for key in [k for k in self.items if k not in wanted]:
                item = self.items.pop(key)
                index = self.indexOfTopLevelItem(item)
                if index >= 0:
                    self.takeTopLevelItem(index)
            fresh = []
            for row in rows:
                item = self.items.get(row.key)
                if item is None:
                    item = SortItem()
                    item.setData(0, KEY_ROLE, row.key)
                    self.items[row.key] = item
                    fresh.append(item)
                fill_item(item, row)
            if fresh:
                self.addTopLevelItems(fresh)
        finally:
            self.setSortingEnabled(sorting)
            self.setUpdatesEnabled(True)
        if rows and not self._sized:
            self.fit_columns()

    def fit_columns(self) -> None:
        """Columns as wide as their contents (once: later the user's widths stay)."""
        self._sized = True
        for column in range(self.columnCount() - 1):
            self.resizeColumnToContents(column)
            width = self.columnWidth(column)
            self.setColumnWidth(column, min(max(width + 12, 60), 360))

    def fit_height(self, max_rows: int = 8) -> None:
        """As tall as its rows (up to `max_rows`, then it scrolls), for lists under a form."""
        count = max(1, min(self.topLevelItemCount(), max_rows))
        row = self.sizeHintForRow(0) if self.topLevelItemCount() else 20
        header = self.header().sizeHint().height()
        self.setFixedHeight(header + count * max(row, 18) + 2 * self.frameWidth() + 4)

    def selected_keys(self) -> list[str]:
        return [k for k in (item.data(0, KEY_ROLE) for item in self.selectedItems()) if k]

    def row_texts(self) -> dict[str, tuple[str, ...]]:
        """key -> texts of every top-level row (for tests and checks)."""
        return {key: tuple(item.text(c) for c in range(self.columnCount()))
                for key, item in self.items.items()}


def fill_item(item: QTreeWidgetItem, row: Row) -> None:
    """Set an item's texts, sort keys, icon and tooltip where they differ."""
    for column, text in enumerate(row.texts):
        text = shown_value(text)
        if item.text(column) != text:
            item.setText(column, text)
        key = row.sort[column] if column < len(row.sort) else None
        if item.data(column, SORT_ROLE) != key:
            item.setData(column, SORT_ROLE, key)
        if row.tooltip and item.toolTip(column) != row.tooltip:
            item.setToolTip(column, row.tooltip)
    if row.icon is not None:
        item.setIcon(0, row.icon)
    if row.italic != item.font(0).italic():
        font = item.font(0)
        font.setItalic(row.italic)
        for column in range(len(row.texts)):
            item.setFont(column, font)
