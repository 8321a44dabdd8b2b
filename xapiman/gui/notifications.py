"""The Notifications window, across every pool: Alerts (the pools' messages), Events (what
happened to the connections and what went wrong, as it happened) and the Task history (every
task that ended, newest first, kept even when the task list is cleared)."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

from PyQt6.QtCore import QAbstractTableModel, QModelIndex, QObject, QSortFilterProxyModel, Qt
from PyQt6.QtGui import QColor, QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from xapiman.gui.tasks_panel import FINAL, TaskEntry, TaskListModel, elapsed_text
from xapiman.i18n import translate

HISTORY_LIMIT = 2000  # events and finished tasks kept (the oldest go first)


@dataclass(frozen=True)
class Event:
    when: float  # unix time
    pool: str
    kind: str  # "connection", "problem", "task"
    text: str
    details: str = ""
    failed: bool = False


def kind_text(kind: str) -> str:
    return {"connection": translate("Notifications", "Connection"),
            "problem": translate("Notifications", "Problem"),
            "task": translate("Notifications", "Task")}.get(kind, kind)


def clock(when: float) -> str:
    return datetime.datetime.fromtimestamp(when).strftime("%Y-%m-%d %H:%M:%S")


class _Rows(QAbstractTableModel):
    """Newest first; a fixed number of columns from `cells(row)`."""

    headers: list[str] = []

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.items: list = []

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def cells(self, item) -> tuple[str, ...]:
        raise NotImplementedError

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells(item)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return getattr(item, "details", "") or self.cells(item)[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and getattr(item, "failed", False):
            return QColor("#b03a2e")
        if role == Qt.ItemDataRole.UserRole:
            return item.pool
        return None

    def add(self, item) -> None:
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.items.insert(0, item)
        self.endInsertRows()
        if len(self.items) > HISTORY_LIMIT:
            self.beginRemoveRows(QModelIndex(), HISTORY_LIMIT, len(self.items) - 1)
            del self.items[HISTORY_LIMIT:]
            self.endRemoveRows()

    def clear(self) -> None:
        self.beginResetModel()
        self.items.clear()
        self.endResetModel()


class EventLog(_Rows):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.headers = [translate("Notifications", "Time"), translate("Notifications", "Pool"),
                        translate("Notifications", "Kind"), translate("Notifications", "Event")]

    def cells(self, item: Event) -> tuple[str, ...]:
        return clock(item.when), item.pool, kind_text(item.kind), item.text


@dataclass(frozen=True)
class FinishedTask:
    pool: str
    title: str
    status: str
    started: float  # unix time
    seconds: float
    error: str
    details: str

    @property
    def failed(self) -> bool:
        return self.status == "failure"


class TaskHistory(_Rows):
    """Every task that ended, once, from the window's task list."""

    def __init__(self, tasks: TaskListModel, parent=None) -> None:
        super().__init__(parent)
        self.headers = [translate("Notifications", "Started"),
                        translate("Notifications", "Pool"), translate("Notifications", "Task"),
                        translate("Notifications", "Result"),
                        translate("Notifications", "Took")]
        self.tasks = tasks
        self._seen: set[int] = set()
        tasks.dataChanged.connect(self._collect)
        tasks.rowsInserted.connect(self._collect)
        self._collect()

    def cells(self, item: FinishedTask) -> tuple[str, ...]:
        result = {"success": translate("Notifications", "Done"),
                  "cancelled": translate("Notifications", "Cancelled")}.get(item.status, "")
        if item.failed:
            result = translate("Notifications", "Failed: {error}").format(error=item.error) \
                if item.error else translate("Notifications", "Failed")
        return clock(item.started), item.pool, item.title, result, elapsed_text(item.seconds)

    def _collect(self, *_args) -> None:
        now_wall, now_mono = time.time(), time.monotonic()
        for entry in self.tasks.entries:
            if entry.ended is None or entry.status not in FINAL or id(entry) in self._seen:
                continue
            self._seen.add(id(entry))
            self.add(self._finished(entry, now_wall, now_mono))

    @staticmethod
    def _finished(entry: TaskEntry, now_wall: float, now_mono: float) -> FinishedTask:
        started = now_wall - (now_mono - entry.started)
        return FinishedTask(entry.conn, entry.title, entry.status, started, entry.elapsed(),
                            entry.error, entry.details)


class PoolFilter(QSortFilterProxyModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.pool = ""

    def set_pool(self, pool: str) -> None:
        self.pool = pool
        self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802
        if not self.pool:
            return True
        model = self.sourceModel()
        return model is not None and model.index(row, 0, parent).data(
            Qt.ItemDataRole.UserRole) == self.pool


def _table(name: str, model) -> tuple[QTreeView, PoolFilter]:
    proxy = PoolFilter()
    proxy.setSourceModel(model)
    view = QTreeView()
    view.setObjectName(name)
    view.setModel(proxy)
    view.setRootIsDecorated(False)
    view.setUniformRowHeights(True)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    header = view.header()
    if header is not None:
        header.setStretchLastSection(True)
    return view, proxy


class NotificationsWindow(QWidget):
    """Alerts, events and task history of every pool, with a pool filter."""

    def __init__(self, alerts: QWidget, events: EventLog, history: TaskHistory,
                 pools, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("notificationsWindow")
        self.setWindowTitle(translate("Notifications", "Notifications – xapiman"))
        self.pools = pools
        self.events = events
        self.history = history
        box = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(translate("Notifications", "Pool:")))
        self.pool_box = QComboBox()
        self.pool_box.setObjectName("notificationsPool")
        self.pool_box.currentIndexChanged.connect(self._filter)
        bar.addWidget(self.pool_box)
        bar.addStretch(1)
        self.clear_button = QPushButton(translate("Notifications", "C&lear Events"))
        self.clear_button.setObjectName("clearEvents")
        self.clear_button.clicked.connect(events.clear)
        bar.addWidget(self.clear_button)
        box.addLayout(bar)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("notificationsTabs")
        self.alerts = alerts
        self.tabs.addTab(alerts, translate("Notifications", "Alerts"))
        self.event_view, self._event_filter = _table("eventLog", events)
        self.tabs.addTab(self.event_view, translate("Notifications", "Events"))
        self.history_view, self._history_filter = _table("taskHistory", history)
        self.tabs.addTab(self.history_view, translate("Notifications", "Task History"))
        box.addWidget(self.tabs, 1)
        close = QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self)
        close.activated.connect(self.close)
        self.resize(900, 480)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._fill_pools()
        for view in (self.event_view, self.history_view):
            for column in range(3):
                view.resizeColumnToContents(column)
        super().showEvent(event)

    def _fill_pools(self) -> None:
        current = self.pool_box.currentData() or ""
        self.pool_box.blockSignals(True)
        self.pool_box.clear()
        self.pool_box.addItem(translate("Notifications", "All pools"), "")
        for name in self.pools():
            self.pool_box.addItem(name, name)
        self.pool_box.setCurrentIndex(max(self.pool_box.findData(current), 0))
        self.pool_box.blockSignals(False)
        self._filter()

    def _filter(self, *_args) -> None:
        pool = self.pool_box.currentData() or ""
        self._event_filter.set_pool(pool)
        self._history_filter.set_pool(pool)

    def show_tab(self, which: str) -> None:
        index = {"alerts": 0, "events": 1, "tasks": 2}.get(which, 0)
        self.tabs.setCurrentIndex(index)


class NotificationsHub(QObject):
    """What the main window tells the Notifications window, kept while it is closed (a child
    of the window: its slots go with it)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.main = window
        self.events = EventLog(window)
        self.history = TaskHistory(window.tasks, window)
        self.view: NotificationsWindow | None = None

    def connection_state(self, name: str, state: str, reason: str = "",
                         attempt: int = 0) -> None:
        text = {
            "connected": translate("Notifications", "Connected."),
            "reconnecting": translate("Notifications", "The connection was lost; "
                                                       "reconnecting (attempt {n}).").format(
                n=attempt),
            "failed": translate("Notifications", "Could not connect: {reason}").format(
                reason=reason) if reason else translate("Notifications", "Could not connect."),
            "disconnected": translate("Notifications", "Disconnected."),
        }.get(state)
        if text:
            self.events.add(Event(time.time(), name, "connection", text, reason,
                                  failed=state == "failed"))

    def problem(self, text: str, details: str = "", pool: str = "") -> None:
        self.events.add(Event(time.time(), pool, "problem", text, details, failed=True))

    def cache_changed(self, name: str, change) -> None:
        if self.view is not None:
            self.view.alerts.cache_changed(name, change)  # type: ignore[attr-defined]

    def forget(self, name: str) -> None:
        if self.view is not None:
            self.view.alerts.forget(name)  # type: ignore[attr-defined]

    def show(self, tab: str = "events") -> NotificationsWindow:
        if self.view is None:
            from xapiman.gui.alerts.view import AlertsView

            window = self.main
            alerts = AlertsView(window.manager.get, window.binder.trigger)
            alerts.select_requested.connect(window.select)
            self.view = NotificationsWindow(alerts, self.events, self.history,
                                            window.model.connection_ids, window)
            for name in window.manager.names():
                alerts.reload(name)
        self.view.show_tab(tab)
        self.view.show()
        self.view.raise_()
        self.view.activateWindow()
        return self.view
