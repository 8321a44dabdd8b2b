"""The dashboard: every host and the busiest VMs of one pool (or of every connected pool),
each with its CPU, memory, disk and network now and as a sparkline of the last minutes,
sortable by each, live while it is shown."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PyQt6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from xapiman.gui.perf.feed import MetricsFeed
from xapiman.gui.perf.sparkline import (
    ScaleRole,
    SparkKeyRole,
    SparklineDelegate,
    SparkRole,
    inner_size,
)
from xapiman.i18n import translate
from xapiman.xapi import datasources
from xapiman.xapi.datasources import Unit, format_value
from xapiman.xapi.metrics import RUNNING, Load
from xapiman.xapi.metricstore import MetricStore

FIGURES = ("cpu", "memory", "disk", "network")
SPARK_SECONDS = 600  # what a sparkline covers
LINES_PER_TURN_S = 0.006  # sparklines drawn ahead per turn of the event loop
REFRESH_MS = 5000  # least time between two redraws of the tables: one per sampling step
BUSIEST = 50  # VMs listed
FIGURE_WIDTHS = {"cpu": 150, "memory": 240, "disk": 165, "network": 165}  # pixels
SortValueRole = Qt.ItemDataRole.UserRole + 13
KeyRole = Qt.ItemDataRole.UserRole + 14  # (connection name, ref)


@dataclass
class LoadRow:
    """One host or VM in a dashboard table."""

    conn: str
    ref: str
    name: str
    pool: str
    host: str
    load: Load
    uuid: str = ""
    store: object = None  # the MetricStore the sparklines are read from, when painted
    sparks: dict[str, np.ndarray] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    keys: dict[str, tuple] = field(default_factory=dict)

    def text(self, key: str) -> str:
        found = self.texts.get(key)
        if found is None:
            found = self.texts[key] = figure_text(self.load, key)
        return found

    def spark_key(self, key: str) -> tuple:
        """What identifies a sparkline's values (new samples make a new key)."""
        found = self.keys.get(key)
        if found is None:
            found = self.keys[key] = (self.conn, self.ref, key, self.load.time,
                                      self.load.memory_total)
        return found

    def spark_top(self, key: str) -> float | None:
        """The value the top of the sparkline stands for (None: its highest value)."""
        if key == "cpu":
            return 1.0
        if key == "memory":
            return self.load.memory_total
        return None

    def spark(self, key: str) -> np.ndarray | None:
        """The recent values of a figure (read once per refresh, when first painted)."""
        found = self.sparks.get(key)
        if found is None and self.store is not None:
            since = time.time() - SPARK_SECONDS
            found = self.sparks[key] = self.store.series(  # type: ignore[attr-defined]
                self.uuid, _SPARK_NAMES[key], 5, since)[1]
        return found

    def figure(self, key: str) -> float:
        value = self.load.figure(key)
        return float(value) if value is not None and value == value else -1.0


class LoadTableModel(QAbstractTableModel):
    """Rows of hosts or VMs with their load; sorted by one figure (or the name)."""

    def __init__(self, with_host: bool, with_pool: bool, parent=None) -> None:
        super().__init__(parent)
        self.with_host = with_host
        self.with_pool = with_pool
        self.rows: list[LoadRow] = []
        self._columns = ("name",) + (("pool",) if with_pool else ()) + \
            (("host",) if with_host else ()) + FIGURES
        self.sort_key = "cpu"
        self.descending = True

    def columns(self) -> list[str]:
        return list(self._columns)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(self._columns):
            return None
        t = translate
        return {"name": t("Dashboard", "Name"), "pool": t("Dashboard", "Pool"),
                "host": t("Dashboard", "Server"), "cpu": t("Dashboard", "CPU"),
                "memory": t("Dashboard", "Memory"), "disk": t("Dashboard", "Disk"),
                "network": t("Dashboard", "Network")}[self._columns[section]]

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        r, c = index.row(), index.column()
        if not 0 <= r < len(self.rows) or not 0 <= c < len(self._columns) \
                or not index.isValid():
            return None
        row = self.rows[r]
        column = self._columns[c]
        if role == KeyRole:
            return (row.conn, row.ref)
        if column in ("name", "pool", "host"):
            text = getattr(row, column)
            if role in (Qt.ItemDataRole.DisplayRole, SortValueRole):
                return text
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return row.text(column)
        if role == SortValueRole:
            return row.figure(column)
        if role == SparkRole:
            return row.spark(column)
        if role == SparkKeyRole:
            return row.spark_key(column)
        if role == ScaleRole:
            return row.spark_top(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.name}: {figure_text(row.load, column)}"
        return None

    def set_rows(self, rows: list[LoadRow]) -> None:
        rows = self._sorted(rows)
        same = [(r.conn, r.ref) for r in rows] == [(r.conn, r.ref) for r in self.rows]
        self.rows = rows
        if same and rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(rows) - 1, len(self._columns) - 1))
        elif not same:
            self.beginResetModel()
            self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self.sort_key = self._columns[column]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        old = [(r.conn, r.ref) for r in self.rows]
        self.rows = self._sorted(self.rows)
        new_place = {(r.conn, r.ref): i for i, r in enumerate(self.rows)}
        for index in self.persistentIndexList():
            if index.row() < len(old):
                place = new_place[old[index.row()]]
                self.changePersistentIndex(index, self.index(place, index.column()))
        self.layoutChanged.emit()

    def _sorted(self, rows: list[LoadRow]) -> list[LoadRow]:
        key = self.sort_key
        if key in FIGURES:
            return sorted(rows, key=lambda r: (-r.figure(key) if self.descending
                                               else r.figure(key), r.name.casefold()))
        return sorted(rows, key=lambda r: str(getattr(r, key)).casefold(),
                      reverse=self.descending)


def figure_text(load: Load, key: str) -> str:
    if key == "cpu":
        return format_value(load.cpu, Unit.FRACTION)
    if key == "memory":
        if load.memory is not None and load.memory_total:
            return f"{format_value(load.memory, Unit.BYTES)} ({load.memory / load.memory_total:.0%})"
        return format_value(load.memory, Unit.BYTES)
    return format_value(load.figure(key), Unit.BYTES_PER_S)


_SPARK_NAMES = {"cpu": datasources.CPU, "memory": datasources.MEMORY,
                "disk": datasources.DISK, "network": datasources.NETWORK}


class Dashboard(QWidget):
    """Hosts and the busiest VMs of the pools `pools()` names, live while shown.

    Args:
        feed: the window's metrics feed; connection: connection name -> Connection (or None).
        pools: the connection names to show (called on each refresh).
    """

    refreshed = pyqtSignal()

    def __init__(self, feed: MetricsFeed, connection: Callable[[str], object],
                 pools: Callable[[], list[str]], *, across_pools: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        self.feed = feed
        self.connection = connection
        self.pools = pools
        self._subs: dict[str, object] = {}
        self.refresh_seconds: list[float] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel()
        self.status.setObjectName("dashboardStatus")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #78281f;")
        self.status.hide()
        layout.addWidget(self.status)
        layout.addWidget(QLabel(translate("Dashboard", "<b>Servers</b>")))
        self.hosts = LoadTableModel(with_host=False, with_pool=across_pools, parent=self)
        self.host_view = self._table(self.hosts, "dashboardHosts")
        layout.addWidget(self.host_view, 2)
        layout.addWidget(QLabel(translate("Dashboard", "<b>Busiest VMs</b>")))
        self.vms = LoadTableModel(with_host=True, with_pool=across_pools, parent=self)
        self.vm_view = self._table(self.vms, "dashboardVms")
        layout.addWidget(self.vm_view, 5)
        feed.updated.connect(self._on_updated)
        feed.status_changed.connect(self._on_status)
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.timeout.connect(self.refresh)
        self._last_refresh = 0.0
        self._staged: tuple[list[LoadRow], list[LoadRow]] | None = None
        self.loading = True  # until the first rows are shown
        self._jobs: list[tuple] = []

    def _table(self, model: LoadTableModel, name: str) -> QTableView:
        view = QTableView()
        view.setObjectName(name)
        view.setModel(model)
        view.setSortingEnabled(True)
        view.sortByColumn(model.columns().index("cpu"), Qt.SortOrder.DescendingOrder)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows = view.verticalHeader()
        assert rows is not None
        rows.hide()
        rows.setDefaultSectionSize(26)
        delegate = SparklineDelegate(view)
        for i, column in enumerate(model.columns()):
            if column in FIGURES:
                view.setItemDelegateForColumn(i, delegate)
        header = view.horizontalHeader()
        assert header is not None
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i, column in enumerate(model.columns()):
            if column in FIGURES:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Fixed)
                header.resizeSection(i, FIGURE_WIDTHS[column])
            elif column != "name":
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        return view

    # -- watching ---------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.watch()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.unwatch()
        super().hideEvent(event)

    def watch(self) -> None:
        """Fetch every host and VM of the shown pools (load figures only)."""
        for name in self.pools():
            conn = self.connection(name)
            if conn is None or name in self._subs:
                continue
            client = self.feed.client(name, conn)
            self._subs[name] = client.watch(pool=True, detail=False)
        self.refresh()

    def unwatch(self) -> None:
        for sub in self._subs.values():
            sub.close()  # type: ignore[attr-defined]
        self._subs.clear()

    def _on_updated(self, conn_name: str, _uuids) -> None:
        """New samples: redraw now, or once the least time between redraws has passed."""
        if conn_name not in self._subs or not self.isVisible() or self._later.isActive():
            return
        wait = self._last_refresh + REFRESH_MS / 1000 - time.monotonic()
        if wait <= 0 or (self.loading and self._staged is None):
            self.refresh()
        else:
            self._later.start(int(wait * 1000))

    def _on_status(self, conn_name: str, _host: str, _status) -> None:
        if conn_name in self._subs:
            self._show_status()

    # -- rows -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Rows again from the samples: every host, and the busiest VMs by the sort figure."""
        started = time.perf_counter()
        self._last_refresh = time.monotonic()
        key = self.vms.sort_key if self.vms.sort_key in FIGURES else "cpu"
        hosts: list[LoadRow] = []
        ranked: list[tuple[float, str, str, Load, MetricStore]] = []
        for name in self.pools():
            conn = self.connection(name)
            if conn is None or name not in self._subs:
                continue
            store = self.feed.client(name, conn).store
            for uuid, load in store.loads("host").items():
                ref = conn.cache.ref_of_uuid("host", uuid)  # type: ignore[attr-defined]
                if ref is not None:
                    hosts.append(self._row(name, conn, "host", ref, load, uuid, store))
            for uuid, load in store.loads("vm").items():
                ranked.append((load.figure(key) or 0.0, name, uuid, load, store))
        ranked.sort(key=lambda item: -item[0] if item[0] == item[0] else 1.0)
        vms: list[LoadRow] = []
        for _figure, name, uuid, load, store in ranked:
            conn = self.connection(name)
            if conn is None:
                continue
            ref = conn.cache.ref_of_uuid("vm", uuid)  # type: ignore[attr-defined]
            record = conn.cache.record("vm", ref) if ref else None  # type: ignore[attr-defined]
            if ref is None or record is None or record.get("is_control_domain") \
                    or record.get("power_state") not in RUNNING:
                continue
            vms.append(self._row(name, conn, "vm", ref, load, uuid, store))
            if len(vms) == BUSIEST:
                break
        self.refresh_seconds.append(time.perf_counter() - started)
        # draw the visible rows' new sparklines a few at a time, then show the rows
        self._staged = (hosts, vms)
        self._jobs = self._line_jobs(self.host_view, self.hosts, hosts) + \
            self._line_jobs(self.vm_view, self.vms, vms)
        QTimer.singleShot(0, self._draw_lines)

    def _line_jobs(self, view: QTableView, model: LoadTableModel, rows: list[LoadRow]
                   ) -> list[tuple]:
        rows = model._sorted(rows)
        first = max(0, view.rowAt(0))
        viewport, rows_header = view.viewport(), view.verticalHeader()
        if viewport is None or rows_header is None:
            return []
        row_height = view.rowHeight(0) or rows_header.defaultSectionSize()
        shown = max(1, viewport.height() // max(1, row_height) + 1)
        delegate = view.itemDelegateForColumn(model.columns().index("cpu"))
        jobs = []
        grid = 1 if view.showGrid() else 0  # a cell is its section less the grid line
        colour = view.palette().text().color()
        height = row_height - grid
        for row in rows[first:first + shown]:
            for key in FIGURES:
                column = model.columns().index(key)
                size = inner_size(view.columnWidth(column) - grid, height)
                if isinstance(delegate, SparklineDelegate) \
                        and not delegate.has(row.spark_key(key), size):
                    jobs.append((delegate, row, key, size, colour))
        return jobs

    def _draw_lines(self) -> None:
        """Some of the pending lines (about a frame's worth), then the rest on later turns."""
        deadline = time.perf_counter() + LINES_PER_TURN_S
        while self._jobs and time.perf_counter() < deadline:
            delegate, row, key, size, colour = self._jobs.pop()
            delegate.render(row.spark_key(key), row.spark(key), row.spark_top(key),
                            row.text(key), colour, size)
        if self._jobs:
            QTimer.singleShot(0, self._draw_lines)
            return
        staged, self._staged = self._staged, None
        if staged is None:
            return
        self.hosts.set_rows(staged[0])
        self.vms.set_rows(staged[1])
        if staged[0] or staged[1]:
            self.loading = False
        self._show_status()
        self.refreshed.emit()

    def _row(self, pool: str, conn, kind: str, ref: str, load: Load, uuid: str,
             store: object) -> LoadRow:
        cache = conn.cache
        record = cache.record(kind, ref) or {}
        host = ""
        if kind == "vm":
            host = (cache.record("host", record.get("resident_on", "")) or {}).get(
                "name_label", "")
        return LoadRow(pool, ref, str(record.get("name_label", "")),
                       _pool_name(cache, pool), host, load, uuid, store)

    def _show_status(self) -> None:
        problems = []
        for name in self._subs:
            conn = self.connection(name)
            if conn is None:
                continue
            client = self.feed.client(name, conn)
            for host in conn.cache.records("host"):  # type: ignore[attr-defined]
                status = client.status(host)
                if status is not None and status.ok is False:
                    problems.append(f"{status.name or host}: {status.error}")
        if not problems and self.loading and self._subs:
            problems.append(translate("Dashboard", "Loading the servers' and VMs' load…"))
        self.status.setText("\n".join(problems))
        self.status.setVisible(bool(problems))


def _pool_name(cache, conn_name: str) -> str:
    for rec in cache.records("pool").values():
        if rec.get("name_label"):
            return str(rec["name_label"])
    return conn_name


class DashboardWindow(QWidget):
    """The dashboard across every connected pool, in a window of its own."""

    def __init__(self, feed: MetricsFeed, connection: Callable[[str], object],
                 pools: Callable[[], list[str]], select: Callable[[str, str], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("dashboardWindow")
        self.setWindowTitle(translate("Dashboard", "Dashboard: all pools"))
        self.resize(1180, 720)
        layout = QVBoxLayout(self)
        self.dashboard = Dashboard(feed, connection, pools, across_pools=True)
        layout.addWidget(self.dashboard)
        for view in (self.dashboard.host_view, self.dashboard.vm_view):
            view.doubleClicked.connect(lambda index: self._open(index, select))

    @staticmethod
    def _open(index, select: Callable[[str, str], object]) -> None:
        key = index.data(KeyRole)
        if key:
            select(*key)
