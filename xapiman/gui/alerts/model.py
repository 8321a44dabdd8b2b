"""The alerts of every connected pool as a table model (one row per alert)."""

from __future__ import annotations

import datetime

from PyQt6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PyQt6.QtGui import QBrush, QColor

from xapiman.i18n import translate
from xapiman.xapi.alerts import HIGH, Alert

SortRole = Qt.ItemDataRole.UserRole + 21
AlertRole = Qt.ItemDataRole.UserRole + 22
COLUMNS = ("priority", "time", "pool", "about", "alert", "details")
PRIORITY_COLOURS = {1: QColor("#c0392b"), 2: QColor("#d35400"), 3: QColor("#b7950b")}


class AlertsModel(QAbstractTableModel):
    """Rows of `Alert`s; a refresh that keeps the same alerts only repaints."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.alerts: list[Alert] = []

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.alerts)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole \
                or not 0 <= section < len(COLUMNS):
            return None
        return (translate("Alerts", "Priority"), translate("Alerts", "Time"),
                translate("Alerts", "Pool"), translate("Alerts", "About"),
                translate("Alerts", "Alert"), translate("Alerts", "Details"))[section]

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.alerts) \
                or not 0 <= index.column() < len(COLUMNS):
            return None
        alert = self.alerts[index.row()]
        column = COLUMNS[index.column()]
        if role == AlertRole:
            return alert
        if role == Qt.ItemDataRole.DisplayRole:
            return {"priority": alert.priority_text, "time": _local(alert.time),
                    "pool": alert.pool, "about": alert.about, "alert": alert.title,
                    "details": alert.details}[column]
        if role == SortRole:
            if column == "priority":
                return alert.priority
            if column == "time":
                return alert.time.timestamp() if alert.time else 0.0
            return str(self.data(index)).casefold()
        if role == Qt.ItemDataRole.ForegroundRole and column == "priority":
            colour = PRIORITY_COLOURS.get(alert.priority)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.FontRole and alert.priority in HIGH and column == "alert":
            from PyQt6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return alert.body or alert.title
        return None

    def set_alerts(self, alerts: list[Alert]) -> None:
        if [(a.pool, a.ref) for a in alerts] == [(a.pool, a.ref) for a in self.alerts]:
            self.alerts = alerts
            if alerts:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(alerts) - 1, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self.alerts = alerts
        self.endResetModel()


def _local(moment: datetime.datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else ""
