"""The Alerts view: every connected pool's alerts, filtered by pool, object, priority and
time; dismissing one or many; the unread count; new urgent alerts announced."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from PyQt6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from xapiman.actions import Target
from xapiman.gui.alerts.model import COLUMNS, AlertRole, AlertsModel, SortRole
from xapiman.i18n import translate
from xapiman.xapi.alerts import HIGH, INFORMATION, Alert, AlertFilter, alerts_in, newest_first

DISMISS = "alert.dismiss"


def time_choices() -> list[tuple[str, float | None]]:
    return [(translate("Alerts", "Any time"), None),
            (translate("Alerts", "Last hour"), 3600.0),
            (translate("Alerts", "Last 24 hours"), 86400.0),
            (translate("Alerts", "Last 7 days"), 604800.0)]


def priority_choices() -> list[tuple[str, int]]:
    return [(translate("Alerts", "All priorities"), INFORMATION),
            (translate("Alerts", "Critical"), 1),
            (translate("Alerts", "Major and above"), 2),
            (translate("Alerts", "Warning and above"), 3),
            (translate("Alerts", "Minor and above"), 4)]


class AlertsView(QWidget):
    """Signals:
        unread_changed(int): alerts that arrived since the view was last looked at.
        urgent(Alert): a new alert of high priority arrived (not those there at connection).
        select_requested(conn name, ref): the user wants the alert's object in the tree.
    """

    unread_changed = pyqtSignal(int)
    urgent = pyqtSignal(object)
    select_requested = pyqtSignal(str, str)

    def __init__(self, connection: Callable[[str], object],
                 trigger: Callable[[str, list[Target]], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alertsView")
        self.connection = connection
        self.trigger = trigger
        self._by_pool: dict[str, list[Alert]] = {}
        self._seen: set[tuple[str, str]] = set()
        self._loaded: set[str] = set()
        self.unread = 0
        self.model = AlertsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        self.pool_box = QComboBox()
        self.pool_box.setObjectName("alertsPool")
        self.priority_box = QComboBox()
        self.priority_box.setObjectName("alertsPriority")
        for text, level in priority_choices():
            self.priority_box.addItem(text, level)
        self.time_box = QComboBox()
        self.time_box.setObjectName("alertsTime")
        for text, seconds in time_choices():
            self.time_box.addItem(text, seconds)
        self.search = QLineEdit()
        self.search.setObjectName("alertsSearch")
        self.search.setPlaceholderText(translate("Alerts", "Object or text"))
        self.search.setClearButtonEnabled(True)
        self.dismiss_button = QPushButton(translate("Alerts", "Dismiss"))
        self.dismiss_button.setObjectName("alertsDismiss")
        self.dismiss_all_button = QPushButton(translate("Alerts", "Dismiss All Shown"))
        self.dismiss_all_button.setObjectName("alertsDismissAll")
        for widget in (self.pool_box, self.priority_box, self.time_box):
            bar.addWidget(widget)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.dismiss_button)
        bar.addWidget(self.dismiss_all_button)
        layout.addLayout(bar)
        self.table = QTableView()
        self.table.setObjectName("alertsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COLUMNS.index("time"), Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        rows, header = self.table.verticalHeader(), self.table.horizontalHeader()
        assert rows is not None and header is not None
        rows.hide()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("details"), QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.summary = QLabel()
        self.summary.setObjectName("alertsSummary")
        layout.addWidget(self.summary)
        self.pool_box.currentIndexChanged.connect(self.apply_filter)
        self.priority_box.currentIndexChanged.connect(self.apply_filter)
        self.time_box.currentIndexChanged.connect(self.apply_filter)
        self.search.textChanged.connect(self.apply_filter)
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        self.dismiss_all_button.clicked.connect(self.dismiss_shown)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._open)
        selection = self.table.selectionModel()
        assert selection is not None
        self.selection: QItemSelectionModel = selection
        self.selection.selectionChanged.connect(self._update_buttons)
        self._fill_pools()
        self.apply_filter()

    # -- the alerts -------------------------------------------------------------------------

    def reload(self, conn_name: str) -> None:
        """Read a pool's alerts from its cache again (after a batch that touched them)."""
        conn = self.connection(conn_name)
        if conn is None:
            self.forget(conn_name)
            return
        cache = conn.cache  # type: ignore[attr-defined]
        if not cache.loaded:  # closed or reconnecting: the alerts come back with the pool
            if conn_name in self._by_pool:
                self.forget(conn_name)
            return
        found = alerts_in(cache, conn_name)
        first = conn_name not in self._loaded
        self._loaded.add(conn_name)
        if first:  # what the pool had at connection is not news
            self._seen.update((conn_name, a.ref) for a in found)
        else:
            known = {a.ref for a in self._by_pool.get(conn_name, [])}
            for alert in found:
                if alert.ref not in known and alert.priority in HIGH:
                    self.urgent.emit(alert)
        self._by_pool[conn_name] = found
        self._fill_pools()
        self.apply_filter()
        self._count_unread()

    def cache_changed(self, conn_name: str, change) -> None:
        if conn_name not in self._loaded or getattr(change, "resync", False) \
                or change.touched("message"):
            self.reload(conn_name)

    def forget(self, conn_name: str) -> None:
        self._by_pool.pop(conn_name, None)
        self._loaded.discard(conn_name)
        self._seen = {k for k in self._seen if k[0] != conn_name}
        self._fill_pools()
        self.apply_filter()
        self._count_unread()

    def all_alerts(self) -> list[Alert]:
        return newest_first(a for alerts in self._by_pool.values() for a in alerts)

    # -- filtering --------------------------------------------------------------------------

    def current_filter(self) -> AlertFilter:
        pool = self.pool_box.currentData()
        seconds = self.time_box.currentData()
        since = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=seconds)
                 if seconds else None)
        return AlertFilter(frozenset({pool}) if pool else frozenset(), self.search.text(),
                           int(self.priority_box.currentData() or INFORMATION), since)

    def apply_filter(self) -> None:
        keep = self.current_filter()
        shown = [a for a in self.all_alerts() if keep.keeps(a)]
        self.model.set_alerts(shown)
        total = sum(len(a) for a in self._by_pool.values())
        self.summary.setText(translate("Alerts", "{shown} of {total} alerts shown.").format(
            shown=len(shown), total=total))
        self._update_buttons()

    def _fill_pools(self) -> None:
        chosen = self.pool_box.currentData()
        names = sorted(self._by_pool)
        if [self.pool_box.itemData(i) for i in range(1, self.pool_box.count())] == names \
                and self.pool_box.count():
            return
        self.pool_box.blockSignals(True)
        self.pool_box.clear()
        self.pool_box.addItem(translate("Alerts", "All pools"), "")
        for name in names:
            self.pool_box.addItem(name, name)
        index = self.pool_box.findData(chosen) if chosen else 0
        self.pool_box.setCurrentIndex(max(0, index))
        self.pool_box.blockSignals(False)

    # -- unread -----------------------------------------------------------------------------

    def mark_read(self) -> None:
        """The user looked at the view: everything in it is read."""
        self._seen.update((a.pool, a.ref) for a in self.all_alerts())
        self._count_unread()

    def _count_unread(self) -> None:
        current = {(a.pool, a.ref) for a in self.all_alerts()}
        self._seen &= current
        unread = len(current - self._seen)
        window = self.window()
        if self.isVisible() and window is not None and window.isActiveWindow():
            self._seen |= current
            unread = 0
        if unread != self.unread:
            self.unread = unread
            self.unread_changed.emit(unread)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.mark_read()

    # -- dismissing -------------------------------------------------------------------------

    def selected(self) -> list[Alert]:
        rows = {self.proxy.mapToSource(i).row() for i in self.selection.selectedRows()}
        return [self.model.alerts[r] for r in sorted(rows) if r < len(self.model.alerts)]

    def shown(self) -> list[Alert]:
        return list(self.model.alerts)

    def dismiss_selected(self) -> object:
        return self.dismiss(self.selected())

    def dismiss_shown(self) -> object:
        return self.dismiss(self.shown())

    def dismiss(self, alerts: list[Alert]) -> object:
        """Run the dismiss action on these alerts (it asks first), pool by pool."""
        results = []
        by_pool: dict[str, list[Alert]] = {}
        for alert in alerts:
            by_pool.setdefault(alert.pool, []).append(alert)
        for pool, items in by_pool.items():
            conn = self.connection(pool)
            if conn is None:
                continue
            targets = [Target(conn, "message", a.ref) for a in items]  # type: ignore[arg-type]
            results.append(self.trigger(DISMISS, targets))
        return results[0] if len(results) == 1 else results

    def _update_buttons(self, *_args) -> None:
        self.dismiss_button.setEnabled(self.selection.hasSelection())
        self.dismiss_all_button.setEnabled(bool(self.model.alerts))

    def _context_menu(self, pos) -> None:
        if not self.selection.hasSelection():
            return
        menu = QMenu(self)
        menu.addAction(translate("Alerts", "Dismiss"), self.dismiss_selected)
        alert = self.selected()[0]
        if alert.about_ref:
            menu.addAction(translate("Alerts", "Show {name}").format(name=alert.about),
                           lambda: self.select_requested.emit(alert.pool, alert.about_ref))
        viewport = self.table.viewport()
        if viewport is not None:
            menu.exec(viewport.mapToGlobal(pos))

    def _open(self, index) -> None:
        alert = self.proxy.data(index, AlertRole)
        if isinstance(alert, Alert) and alert.about_ref:
            self.select_requested.emit(alert.pool, alert.about_ref)
