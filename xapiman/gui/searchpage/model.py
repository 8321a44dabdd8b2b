"""The Search page's table: one row per object, every column computed, sorted by value."""

from __future__ import annotations

from PyQt6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt

from xapiman.gui.icons import icon
from xapiman.gui.searchpage.query import Column, ResultRow

SortRole = Qt.ItemDataRole.UserRole + 1
KeyRole = Qt.ItemDataRole.UserRole + 2  # (class, ref)


class ResultsModel(QAbstractTableModel):
    """Rows kept by ref: a refresh with the same objects changes cells in place (the view
    keeps its selection, scroll position and sort)."""

    def __init__(self, columns: list[Column], parent=None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.rows: list[ResultRow] = []
        self._index: dict[str, int] = {}

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return self.columns[section].title
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        text, sort = row.cells[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return text or None
        if role == SortRole:
            return sort
        if role == KeyRole:
            return (row.cls, row.ref)
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            return icon(row.kind, row.state)
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[index.column()].numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def set_rows(self, rows: list[ResultRow]) -> None:
        """Show exactly these rows: removed, changed and added ones signalled as such."""
        wanted = {r.ref for r in rows}
        for position in range(len(self.rows) - 1, -1, -1):
            if self.rows[position].ref not in wanted:
                self.beginRemoveRows(QModelIndex(), position, position)
                del self.rows[position]
                self.endRemoveRows()
        self._index = {r.ref: i for i, r in enumerate(self.rows)}
        fresh = []
        for row in rows:
            at = self._index.get(row.ref)
            if at is None:
                fresh.append(row)
            elif self.rows[at].cells != row.cells:
                self.rows[at] = row
                self.dataChanged.emit(self.index(at, 0),
                                      self.index(at, len(self.columns) - 1))
        if fresh:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
            self.rows.extend(fresh)
            self.endInsertRows()
        self._index = {r.ref: i for i, r in enumerate(self.rows)}


class SortedResults(QSortFilterProxyModel):
    """Sorts by each column's value (numbers as numbers, empty cells last)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(True)

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802
        a, b = left.data(SortRole), right.data(SortRole)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)
