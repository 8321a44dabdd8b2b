"""The Search tab of every object: the objects below it in a table whose columns the user
chooses (CPU, memory, disks, network, IP address, uptime ...), filtered by words, kinds and
power states, with searches saved by name. Double-click a row to go to its object."""

from __future__ import annotations

import time

from PyQt6.QtCore import QPoint, Qt, QTimer
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from xapiman.gui.searchpage import query as q
from xapiman.gui.searchpage.model import KeyRole, ResultsModel, SortedResults
from xapiman.gui.tabs.base import TabPage, page
from xapiman.i18n import translate

COLUMNS_KEY = "search.columns"
SAVED_KEY = "search.saved"
REFRESH_S = 2.0  # at most one redraw per this many seconds from the metrics feed


@page
class SearchPage(TabPage):
    title = "Search"
    kinds = frozenset({"connection", "host", "sr", "network", "vm", "template"})
    order = 90

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.columns = q.columns()
        self.query = q.Query()
        self._subscription = None
        self._last = 0.0
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        self.saved_box = QComboBox()
        self.saved_box.setObjectName("savedSearches")
        self.saved_box.setAccessibleName(translate("Search", "Saved searches"))
        self.saved_box.setMinimumContentsLength(16)
        self.saved_box.activated.connect(self._use_saved)
        bar.addWidget(self.saved_box)
        self.text = QLineEdit()
        self.text.setObjectName("searchWords")
        self.text.setPlaceholderText(translate("Search", "Filter by name, tag or IP address"))
        self.text.setClearButtonEnabled(True)
        self.text.textChanged.connect(self._text_changed)
        bar.addWidget(self.text, 1)
        self.save_button = QPushButton(translate("Search", "&Save Search…"))
        self.save_button.setObjectName("saveSearch")
        self.save_button.clicked.connect(self.save_search)
        bar.addWidget(self.save_button)
        self.delete_button = QPushButton(translate("Search", "&Delete"))
        self.delete_button.setObjectName("deleteSearch")
        self.delete_button.clicked.connect(self.delete_search)
        bar.addWidget(self.delete_button)
        self.columns_button = QToolButton()
        self.columns_button.setObjectName("searchColumns")
        self.columns_button.setText(translate("Search", "&Columns"))
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.columns_menu = QMenu(self.columns_button)
        self.columns_button.setMenu(self.columns_menu)
        bar.addWidget(self.columns_button)
        box.addLayout(bar)
        self.model = ResultsModel(self.columns, self)
        self.sorted = SortedResults(self)
        self.sorted.setSourceModel(self.model)
        self.table = QTreeView()
        self.table.setObjectName("searchResults")
        self.table.setAccessibleName(translate("Search", "Search results"))
        self.table.setModel(self.sorted)
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.doubleClicked.connect(self._open)
        header = self.table.header()
        assert header is not None
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        box.addWidget(self.table, 1)
        self.count = QLabel()
        self.count.setObjectName("searchCount")
        box.addWidget(self.count)
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.timeout.connect(self.refresh_now)
        self._fill_columns_menu()
        self._apply_columns()
        self._fill_saved()
        if context.metrics is not None:
            context.metrics.updated.connect(self._on_metrics)

    # -- settings ---------------------------------------------------------------------------

    @property
    def settings(self):
        return self.context.settings

    def shown_columns(self) -> list[str]:
        default = [c.key for c in self.columns if c.shown]
        if self.settings is None:
            return default
        saved = [k for k in self.settings.get(COLUMNS_KEY, default)
                 if k in {c.key for c in self.columns}]
        return ["name", *[k for k in saved if k != "name"]]

    def set_column_shown(self, key: str, shown: bool) -> None:
        keys = [k for k in self.shown_columns() if k != key]
        if shown:
            keys.append(key)
        order = [c.key for c in self.columns]
        keys.sort(key=order.index)
        if self.settings is not None:
            self.settings.set(COLUMNS_KEY, keys)
        self._apply_columns()

    def _fill_columns_menu(self) -> None:
        self.columns_menu.clear()
        shown = set(self.shown_columns())
        for column in self.columns:
            action = QAction(column.title, self.columns_menu)
            action.setCheckable(True)
            action.setChecked(column.key in shown)
            action.setEnabled(column.key != "name")
            action.setObjectName(f"column:{column.key}")
            action.toggled.connect(lambda on, k=column.key: self.set_column_shown(k, on))
            self.columns_menu.addAction(action)

    def _apply_columns(self) -> None:
        shown = set(self.shown_columns())
        for position, column in enumerate(self.columns):
            self.table.setColumnHidden(position, column.key not in shown)
        for action in self.columns_menu.actions():
            key = action.objectName().split(":", 1)[1]
            action.blockSignals(True)
            action.setChecked(key in shown)
            action.blockSignals(False)

    def _header_menu(self, pos: QPoint) -> None:
        header = self.table.header()
        if header is not None:
            self.columns_menu.exec(header.mapToGlobal(pos))

    def saved_searches(self) -> list[q.SavedSearch]:
        mine = q.read_saved(self.settings.get(SAVED_KEY, [])) if self.settings is not None \
            else []
        return [*q.builtin_searches(), *mine]

    def _fill_saved(self, select: str = "") -> None:
        self.saved_box.blockSignals(True)
        self.saved_box.clear()
        for search in self.saved_searches():
            self.saved_box.addItem(search.name, search)
        index = self.saved_box.findText(select) if select else 0
        self.saved_box.setCurrentIndex(max(index, 0))
        self.saved_box.blockSignals(False)
        self._update_buttons()

    def _current_saved(self) -> q.SavedSearch | None:
        return self.saved_box.currentData()

    def _use_saved(self, _index: int = 0) -> None:
        search = self._current_saved()
        if search is None:
            return
        self.query = search.query
        self.text.blockSignals(True)
        self.text.setText(search.query.text)
        self.text.blockSignals(False)
        self._update_buttons()
        self.refresh_now()

    def _update_buttons(self) -> None:
        search = self._current_saved()
        self.delete_button.setEnabled(search is not None and not search.builtin)
        self.delete_button.setToolTip("" if self.delete_button.isEnabled() else translate(
            "Search", "The searches that come with xapiman cannot be deleted."))
        self.save_button.setEnabled(self.settings is not None)

    def save_search(self, name: str | None = None) -> str:
        """Keep the current search under a name (asked when not given)."""
        if name is None:
            name, ok = QInputDialog.getText(self, translate("Search", "Save Search"),
                                            translate("Search", "Name of this search:"))
            if not ok:
                return ""
        name = name.strip()
        if not name or self.settings is None:
            return ""
        mine = [s for s in q.read_saved(self.settings.get(SAVED_KEY, [])) if s.name != name]
        mine.append(q.SavedSearch(name, self.query))
        self.settings.set(SAVED_KEY, q.write_saved(mine))
        self._fill_saved(select=name)
        return name

    def delete_search(self) -> None:
        search = self._current_saved()
        if search is None or search.builtin or self.settings is None:
            return
        mine = [s for s in q.read_saved(self.settings.get(SAVED_KEY, []))
                if s.name != search.name]
        self.settings.set(SAVED_KEY, q.write_saved(mine))
        self._fill_saved()
        self._use_saved()

    # -- contents ---------------------------------------------------------------------------

    def _text_changed(self, text: str) -> None:
        self.query = q.Query(text, self.query.kinds, self.query.states)
        self.refresh_now()

    def _load(self, ref: str):
        conn = self.context.connection(self.conn_name)
        if conn is None or self.context.metrics is None:
            return None
        return self.context.metrics.client(self.conn_name, conn).load(ref)

    def refresh(self) -> None:
        rows = q.rows(self.cache, self.kind, self.ref, self.query, self._load)
        self.model.set_rows(rows)
        self._last = time.monotonic()
        total = len(rows)
        self.count.setText(translate("Search", "{count} objects").format(count=total)
                           if total != 1 else translate("Search", "1 object"))
        if not self.table.property("sized") and rows:
            self.table.setProperty("sized", True)
            for column in range(len(self.columns) - 1):
                self.table.resizeColumnToContents(column)
                self.table.setColumnWidth(column, min(max(self.table.columnWidth(column) + 16,
                                                          70), 320))

    def concerned(self, change) -> bool:
        return bool(change)

    # -- live figures -----------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._watch()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._unwatch()
        super().hideEvent(event)

    def show_object(self, conn_name: str, cache, kind: str, ref: str) -> None:
        self._unwatch()
        super().show_object(conn_name, cache, kind, ref)
        if self.isVisible():
            self._watch()

    def _watch(self) -> None:
        conn = self.context.connection(self.conn_name) if self.conn_name else None
        if conn is None or self.context.metrics is None or self._subscription is not None:
            return
        client = self.context.metrics.client(self.conn_name, conn)
        if self.kind == "connection":
            self._subscription = client.watch(pool=True, detail=False)
        else:
            refs = [ref for cls, ref in q.objects_below(self.cache, self.kind, self.ref)
                    if cls in ("vm", "host")]
            self._subscription = client.watch(refs, detail=False)

    def _unwatch(self) -> None:
        if self._subscription is not None:
            self._subscription.close()
            self._subscription = None

    def _on_metrics(self, conn_name: str, _uuids) -> None:
        if conn_name != self.conn_name or not self.isVisible() or self._later.isActive():
            return
        wait = self._last + REFRESH_S - time.monotonic()
        self._later.start(max(0, int(wait * 1000)))

    def _open(self, index) -> None:
        key = index.data(KeyRole)
        if key:
            self.context.select(self.conn_name, key[1])
