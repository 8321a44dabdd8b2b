"""The main window: the resource tree and search on the left, the selected object's tabs on
the right, the task list below; menus and toolbar built from the registered actions."""

from __future__ import annotations

import asyncio
import threading
import time

from PyQt6.QtCore import QItemSelectionModel, QSize, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QActionGroup, QKeySequence
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSplitter,
    QTabWidget,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from xapiman.actions import peers
from xapiman.gui import keyboard, menus, shell_menus
from xapiman.gui.aio import spawn
from xapiman.gui.alerts.view import AlertsView
from xapiman.gui.batching import merge_changes
from xapiman.gui.bridge import PoolBridge
from xapiman.gui.connect_flow import ConnectFlow
from xapiman.gui.connection_commands import ConnectionCommands
from xapiman.gui.connection_page import ConnectionStatusPage
from xapiman.gui.notifications import NotificationsHub
from xapiman.gui.notify import NotificationBar
from xapiman.gui.perf.dashboard import DashboardWindow
from xapiman.gui.perf.feed import MetricsFeed
from xapiman.gui.perf.treebars import LoadBars
from xapiman.gui.prompter import QtPrompter
from xapiman.gui.qactions import ActionBinder
from xapiman.gui.search import ResourceFilter, TreeSearch
from xapiman.gui.selection import selected_keys, standalone_host, target_of
from xapiman.gui.tabs import TabContext, pages_for
from xapiman.gui.tasks_panel import TaskListModel, TaskPanel
from xapiman.gui.tree import layout
from xapiman.gui.tree.layout import TreeOptions
from xapiman.gui.tree.model import KeyRole, ResourceTreeModel
from xapiman.gui.tree_hint import EmptyViewHint
from xapiman.gui.window_memory import WindowMemory
from xapiman.i18n import QT_TRANSLATE_NOOP, translate
from xapiman.pools.manager import PoolManager
from xapiman.settings import Settings
from xapiman.xapi.errors import SessionAuthenticationFailed

CLOSE_WAIT_S = 3.0  # seconds the window waits for the pools' logouts when it closes
VIEW_NAMES = {layout.INFRASTRUCTURE: QT_TRANSLATE_NOOP("Main", "Infrastructure"),
              layout.OBJECTS: QT_TRANSLATE_NOOP("Main", "Objects"),
              layout.FOLDERS: QT_TRANSLATE_NOOP("Main", "Folders"),
              layout.TAGS: QT_TRANSLATE_NOOP("Main", "Tags")}

class MainWindow(QMainWindow):
    """Signals:
        closed(): the window closed for good (its pools were closed first).
    """

    closed = pyqtSignal()

    def __init__(self, manager: PoolManager, bridge: PoolBridge, passwords=None,
                 settings: Settings | None = None, *, remember: bool = True) -> None:
        """`remember`: restore the last run's window and keep this one's (False for a
        screenshot run, which must look the same every time and change nothing)."""
        super().__init__()
        self._closing: threading.Thread | None = None
        self._pools_closed = False
        self.setObjectName("mainWindow")
        self.setWindowTitle("xapiman")
        self.settings = settings if settings is not None else Settings().load()
        self.manager = manager
        peers.install(lambda: {n: c for n in manager.names() if (c := manager.get(n)) is not None},
                      retire=manager.retire)
        self.bridge = bridge
        self.model = ResourceTreeModel(parent=self, load_slice=600)
        self.filter = ResourceFilter(self)
        self.filter.setSourceModel(self.model)
        self.tasks = TaskListModel(self)
        self.flow = ConnectFlow(self, manager, passwords, self.notify)
        self.prompter = QtPrompter(self, self.settings)
        self.metrics = MetricsFeed(self)
        self.dashboard_window: DashboardWindow | None = None
        self._current: tuple | None = None
        self._pages: list = []
        self._pending: dict[str, list] = {}
        self._flush_scheduled = False
        self._build_left()
        self.searching = TreeSearch(self.tree, self.filter, self.model)
        self.tree_hint = EmptyViewHint(self.tree, self.model)
        self._build_right()
        self._build_tasks()
        self.binder = ActionBinder(self, self.targets, self.prompter, self._started)
        self.binder.problem.connect(self.notify)
        self.notifications = NotificationsHub(self)
        self._build_alerts()
        self._build_menus()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self.binder.refresh)
        self._wire()
        keyboard.install(self)
        self.memory = WindowMemory(self, self.splitter, self.settings, enabled=remember)
        self._restore_memory()
        self.status(translate("Main", "Ready"))

    # -- layout -----------------------------------------------------------------------------

    def _build_left(self) -> None:
        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(4, 4, 0, 4)
        row = QHBoxLayout()
        self.view_box = QComboBox()
        self.view_box.setObjectName("viewSelector")
        for key, label in VIEW_NAMES.items():
            self.view_box.addItem(translate("Main", label), key)
        row.addWidget(self.view_box)
        box.addLayout(row)
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText(translate("Main", "Search by name, uuid, tag or IP"))
        self.search.setClearButtonEnabled(True)
        box.addWidget(self.search)
        self.tree = QTreeView()
        self.tree.setObjectName("resourceTree")
        self.tree.setModel(self.filter)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.setIconSize(QSize(16, 16))
        box.addWidget(self.tree)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)

    def _build_right(self) -> None:
        right = QWidget()
        box = QVBoxLayout(right)
        box.setContentsMargins(4, 4, 4, 4)
        self.banner = NotificationBar()
        box.addWidget(self.banner)
        header = QHBoxLayout()
        self.header_icon = QLabel()
        self.header_title = QLabel(translate("Main", "Select an object"))
        self.header_title.setObjectName("objectTitle")
        font = self.header_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.header_title.setFont(font)
        header.addWidget(self.header_icon)
        header.addWidget(self.header_title, 1)
        box.addLayout(header)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("objectTabs")
        box.addWidget(self.tabs, 1)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([320, 960])
        self.setCentralWidget(self.splitter)

    def _build_tasks(self) -> None:
        self.task_panel = TaskPanel(self.tasks)
        dock = QDockWidget(translate("Main", "Tasks"), self)
        dock.setObjectName("tasksDock")
        dock.setWidget(self.task_panel)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.tasks_dock = dock
        self.resizeDocks([dock], [150], Qt.Orientation.Vertical)

    def _build_alerts(self) -> None:
        self.alerts_view = AlertsView(self.manager.get, self.binder.trigger)
        dock = QDockWidget(translate("Alerts", "Alerts"), self)
        dock.setObjectName("alertsDock")
        dock.setWidget(self.alerts_view)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.tabifyDockWidget(self.tasks_dock, dock)
        self.tasks_dock.raise_()
        self.alerts_dock = dock
        self.alerts_status = QLabel()
        self.alerts_status.setObjectName("alertsUnread")
        self.statusBar().addPermanentWidget(self.alerts_status)
        self.alerts_view.unread_changed.connect(self._show_unread)
        self.alerts_view.urgent.connect(self._announce_alert)
        self.alerts_view.select_requested.connect(self.select)
        dock.visibilityChanged.connect(
            lambda shown: self.alerts_view.mark_read() if shown else None)
        self.tree_bars = LoadBars(self.tree, self.metrics, self.manager.get, self.manager.names)

    def _show_unread(self, count: int) -> None:
        title = translate("Alerts", "Alerts")
        text = translate("Alerts", "{count} new alerts").format(count=count) if count else ""
        self.alerts_dock.setWindowTitle(f"{title} ({count})" if count else title)
        self.alerts_status.setText(text)

    def _announce_alert(self, alert) -> None:
        self.notify(translate("Alerts", "{pool}: {priority} alert: {title} ({about})").format(
            pool=alert.pool, priority=alert.priority_text, title=alert.title,
            about=alert.about), alert.details)

    def show_dashboard(self) -> DashboardWindow:
        """The dashboard across every connected pool, in its own window."""
        if self.dashboard_window is None:
            self.dashboard_window = DashboardWindow(
                self.metrics, self.manager.get,
                lambda: [n for n in self.manager.names() if self.manager.get(n) is not None],
                self.select, self)
        self.dashboard_window.show()
        self.dashboard_window.raise_()
        return self.dashboard_window

    def _build_menus(self) -> None:
        self.connections = ConnectionCommands(self)
        self.add_server_action = self.connections.add_server
        self.reconnect_action = self.connections.connect_all
        self.disconnect_action = self.connections.disconnect_selected
        self.remove_action = self.connections.remove
        conn = self.connections
        qactions = self.binder.qactions
        bar = self.menuBar()
        assert bar is not None
        self.menus: dict[str, QMenu] = {}
        file_menu = self._menu(bar, "file", translate("Menu", "&File"))
        for item in (conn.add_server, None, conn.connect_all, conn.disconnect_all, None):
            file_menu.addSeparator() if item is None else file_menu.addAction(item)
        menus.fill(file_menu, ("vm.import", "vm.export", None), qactions)
        quit_action = QAction(translate("Menu", "&Quit"), self)
        quit_action.setObjectName("action:quit")
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self._build_view_menu(self._menu(bar, "view", translate("Menu", "&View")))
        titles = menus.menu_titles()
        connection_items = {
            "pool": (conn.connect_selected, conn.enter_password, conn.disconnect_selected,
                     conn.remove),
            "server": (conn.add_server, conn.connect_selected, conn.enter_password,
                       conn.disconnect_selected, conn.remove),
        }
        for key in menus.OBJECT_MENUS:
            menu = self._menu(bar, key, titles[key])
            for item in connection_items.get(key, ()):
                menu.addAction(item)
            if key in connection_items:
                menu.addSeparator()
            menus.fill(menu, menus.menu_layout(key), qactions)
        shell_menus.build_tools_menu(self, self._menu(bar, "tools", translate("Menu", "T&ools")))
        shell_menus.build_window_menu(self, self._menu(bar, "window",
                                                       translate("Menu", "&Window")))
        shell_menus.build_help_menu(self, self._menu(bar, "help", translate("Menu", "&Help")))
        toolbar = QToolBar(translate("Menu", "Main toolbar"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setAccessibleName(translate("Menu", "Main toolbar"))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(conn.add_server)
        toolbar.addSeparator()
        menus.fill(toolbar, menus.TOOLBAR, qactions)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _menu(self, bar, key: str, title: str) -> QMenu:
        menu = bar.addMenu(title)
        assert menu is not None
        menu.setObjectName(f"menu:{key}")
        menu.setToolTipsVisible(True)  # a greyed item says why on hover
        self.menus[key] = menu
        return menu

    def _build_view_menu(self, menu: QMenu) -> None:
        group = QActionGroup(self)
        self.view_actions = {}
        for key, label in VIEW_NAMES.items():
            action = QAction(translate("Main", label), self)
            action.setCheckable(True)
            action.setChecked(key == layout.INFRASTRUCTURE)
            action.triggered.connect(lambda _c=False, k=key: self.set_view(k))
            group.addAction(action)
            menu.addAction(action)
            self.view_actions[key] = action
        menu.addSeparator()
        self.toggles = {}
        for attr, label in (
                ("show_templates", translate("Main", "Show Custom &Templates")),
                ("show_default_templates", translate("Main", "Show &Default Templates")),
                ("show_snapshots", translate("Main", "Show &Snapshots")),
                ("show_hidden", translate("Main", "Show &Hidden Objects"))):
            action = QAction(label, self)
            action.setCheckable(True)
            action.setObjectName(f"toggle:{attr}")
            action.toggled.connect(self._apply_toggles)
            menu.addAction(action)
            self.toggles[attr] = action
        bars = QAction(translate("Dashboard", "Show CPU and &Memory Bars"), self, checkable=True)
        bars.setObjectName("toggle:load_bars")
        bars.toggled.connect(self.tree_bars.set_shown)
        menu.addAction(bars)
        self.toggles_bars = bars
        menu.addSeparator()
        menu.addAction(self.tasks_dock.toggleViewAction())
        menu.addAction(self.alerts_dock.toggleViewAction())
        dashboard = QAction(translate("Dashboard", "Dashboard of All Pools"), self)
        dashboard.setObjectName("action:dashboard")
        dashboard.triggered.connect(self.show_dashboard)
        menu.addAction(dashboard)
        notifications = QAction(translate("Menu", "&Notifications"), self)
        notifications.setObjectName("action:notifications")
        notifications.setShortcut(QKeySequence("Ctrl+Shift+N"))
        notifications.triggered.connect(lambda: self.notifications.show())
        menu.addAction(notifications)

    def _wire(self) -> None:
        b = self.bridge
        b.added.connect(self._on_added)
        b.removed.connect(self._on_removed)
        b.removed.connect(self.metrics.forget)
        b.removed.connect(self.alerts_view.forget)
        b.removed.connect(self.notifications.forget)
        b.removed.connect(lambda _name: self.tree_bars.sync())
        b.state_changed.connect(self._on_state)
        b.cache_changed.connect(self._on_cache)
        b.failed.connect(self._on_failed)
        b.warning.connect(lambda name, text: self.notify(
            translate("MainWindow", "{name}: {warning}").format(name=name, warning=text)))
        b.certificate_question.connect(self.flow.ask_certificate)
        self.tree.selectionModel().selectionChanged.connect(self._on_selection)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.search.textChanged.connect(self.searching.set_text)
        self.view_box.currentIndexChanged.connect(
            lambda i: self.set_view(self.view_box.itemData(i)))
        self.tasks.failed.connect(lambda e: self.notify(f"{e.title}: {e.error}", e.details))
        self.task_panel.cancel_requested.connect(self.cancel_task)
        self.tasks.revealed.connect(self.reveal)
        self.model.loaded.connect(self._on_loaded)
        self.model.loaded.connect(self.tree_hint.schedule)

    # -- connections ------------------------------------------------------------------------

    def _on_added(self, name: str, conn) -> None:
        if self.model.entry(name) is not None:
            self.model.set_cache(name, conn.cache)
            self.model.set_state(name, "connecting")
        else:
            self.model.add_connection(name, name, conn.cache, "connecting")

    def _on_removed(self, name: str) -> None:
        self.model.remove_connection(name)
        self.tasks.connection_ended(name, translate(
            "TaskList", "the connection was closed before the task ended"))

    def _on_state(self, name: str, change) -> None:
        self.model.set_state(name, change.state.value, change.reason, change.attempt)
        if change.state.value == "disconnected":
            self.tasks.connection_ended(name, translate(
                "TaskList", "the connection was closed before the task ended"))
            self.status(translate("MainWindow", "{name}: disconnected").format(
                name=name), 5000)
        elif change.state.value == "failed":
            self.tasks.connection_ended(name, translate(
                "TaskList", "the connection failed before the task ended: {reason}").format(
                    reason=change.reason))
        self.notifications.connection_state(name, change.state.value, change.reason,
                                            change.attempt)
        if change.state.value == "reconnecting":
            self.status(translate("Main", "{name}: connection lost, reconnecting (attempt "
                                          "{attempt})…").format(name=name,
                                                                attempt=change.attempt))
        elif change.state.value == "connected":
            self.status(translate("Main", "{name}: connected").format(name=name), 5000)
            self.tree_bars.sync()
        if self._current and self._current[0] == name:
            self._refresh_header()
            status = [p for p in self._pages if isinstance(p, ConnectionStatusPage)]
            conn = self.manager.get(name)
            if status and conn is not None and conn.cache.loaded:
                self._show_pages()  # the pool is there now: its own pages
            for page in status:
                page.refresh()
        self.connections.refresh()

    def _on_cache(self, name: str, change) -> None:
        """Queue the batch; batches that pile up while the GUI is busy are applied as one."""
        self._pending.setdefault(name, []).append(change)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            QTimer.singleShot(0, self._flush_pending)

    def _flush_pending(self) -> None:
        self._flush_scheduled = False
        pending, self._pending = self._pending, {}
        for name, changes in pending.items():
            conn = self.manager.get(name)
            if conn is None:
                continue
            self._apply_change(name, merge_changes(changes, conn.cache))

    def _apply_change(self, name: str, change) -> None:
        self.model.apply(name, change)
        self.searching.tree_changed()
        conn = self.manager.get(name)
        if conn is not None:
            self.tasks.update_from_cache(name, change, conn.cache)
            self.alerts_view.cache_changed(name, change)
            self.notifications.cache_changed(name, change)
        if self._current and self._current[0] == name:
            self._refresh_header()
            for page in self._pages:
                page.cache_changed(change)
        if not self._refresh_timer.isActive():
            self._refresh_timer.start(150)

    def _on_loaded(self, name: str) -> None:
        QTimer.singleShot(0, lambda: self._expand_root(name))
        self.searching.warm_up()

    def _expand_root(self, name: str) -> None:
        index = self.filter.mapFromSource(self.model.find(name, ""))
        if index.isValid():
            self.tree.expand(index)
            # selecting builds the pool's tab pages: on a turn of its own
            QTimer.singleShot(0, lambda: self._select_root_if_nothing(name))

    def _select_root_if_nothing(self, name: str) -> None:
        if self.tree.selectionModel().hasSelection():
            return
        remembered_conn, cls, uuid = self.memory.selection()
        if self.restore_selection and remembered_conn == name and uuid:
            conn = self.manager.get(name)
            ref = conn.cache.ref_of_uuid(cls, uuid) if conn is not None else None
            if ref and self.select(name, ref):
                return
        index = self.filter.mapFromSource(self.model.find(name, ""))
        if index.isValid():
            self.tree.setCurrentIndex(index)

    def _on_failed(self, name: str, exc: object) -> None:
        text = translate("Connection", "{name}: could not connect: {error}").format(
            name=name, error=exc)
        if isinstance(exc, SessionAuthenticationFailed):
            self.notifications.problem(text, repr(exc), name)
            self.banner.show_message(text, repr(exc), action=(
                translate("Connection", "Enter Another Password…"),
                lambda: self.connections.ask_password(name)))
            self.status(text, 10000)
        else:
            self.notify(text, repr(exc))

    def reconnect_all(self) -> None:
        """Connect again every server that is not connected (asking for passwords that were
        not saved)."""
        for name in self.model.connection_ids():
            conn = self.manager.get(name)
            if conn is None:
                spawn(self.flow.connect_saved(name, self.prompter), f"Connect {name}",
                      self._failed)
            elif conn.state.value in ("failed", "disconnected"):
                self.manager.connect(name)

    def show_disconnected(self, name: str) -> None:
        """List a saved server that is not connected (Reconnect All connects it)."""
        self.model.add_connection(name, name, None, "disconnected")

    # -- selection, tabs, actions -----------------------------------------------------------

    def targets(self):
        out = []
        for key in selected_keys(self.tree):
            target = target_of(key, self.manager.get)
            if target is not None:
                out.append(target)
        return out

    def _on_selection(self, *_args) -> None:
        keys = selected_keys(self.tree)
        self._current = keys[0] if keys else None
        self._show_pages()
        self.binder.refresh()
        self.connections.refresh()
        self._remember_selection()

    def _remember_selection(self) -> None:
        if self._current is None:
            return
        name, _kind, ref = self._current
        conn = self.manager.get(name)
        if conn is None:
            return
        record = conn.cache.get(ref) if ref else None
        cls = conn.cache.class_of(ref) if ref else ""
        self.memory.save_selection(name, cls or "", str((record or {}).get("uuid", "")))

    def _show_pages(self) -> None:
        current_title = self.tabs.tabText(self.tabs.currentIndex()) if self.tabs.count() else ""
        self.tabs.clear()
        for page in self._pages:
            page.hide()
            page.setParent(None)
            page.deleteLater()
        self._pages = []
        if self._current is None:
            self._refresh_header()
            return
        name, kind, ref = self._current
        conn = self.manager.get(name)
        if kind == "connection" and (conn is None or not conn.cache.loaded):
            page = ConnectionStatusPage(self, name)
            self._pages.append(page)
            self.tabs.addTab(page, page.title)
            self._refresh_header()
            return
        if conn is None:
            return
        if kind == "connection":
            host = standalone_host(conn.cache)
            kind, ref = ("host", host) if host else (
                "connection", next(iter(conn.cache.records("pool")), ""))
        context = TabContext(self.binder.trigger, self.select, self.manager.get, self.metrics,
                             self.settings)
        for page_class in pages_for(kind):
            if not page_class.shown_for(conn.cache, kind, ref):
                continue
            page = page_class(context)
            page.show_object(name, conn.cache, kind, ref)
            self._pages.append(page)
            self.tabs.addTab(page, page.shown_title())
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i) == current_title:
                self.tabs.setCurrentIndex(i)
        self._refresh_header()

    def _refresh_header(self) -> None:
        if self._current is None:
            self.header_title.setText(translate("Main", "Select an object"))
            self.header_icon.clear()
            return
        index = self.model.find(self._current[0], self._current[2])
        self.header_title.setText(index.data() or "")
        decoration = index.data(Qt.ItemDataRole.DecorationRole)
        if decoration is not None:
            self.header_icon.setPixmap(decoration.pixmap(24, 24))

    def show_tab(self, title: str) -> bool:
        for i in range(self.tabs.count()):
            page = self.tabs.widget(i)
            names = {self.tabs.tabText(i).casefold(), getattr(page, "title", "").casefold()}
            if title.casefold() in names:
                self.tabs.setCurrentIndex(i)
                return True
        return False

    def select(self, conn_name: str, ref: str) -> bool:
        index = self.filter.mapFromSource(self.model.find(conn_name, ref))
        if not index.isValid():
            return False
        self.tree.scrollTo(index)
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        return True

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def select_by_name(self, name: str, prefer: str | None = None) -> bool:
        """Select the object with this name or uuid (in connection `prefer` first)."""
        names = self.model.connection_ids()
        if prefer in names:
            names.remove(prefer)
            names.insert(0, prefer)
        for conn_name in names:
            conn = self.manager.get(conn_name)
            if conn is None:
                continue
            for cls in ("vm", "host", "sr", "network", "pool"):
                for ref, rec in conn.cache.records(cls).items():
                    if name in (rec.get("name_label"), rec.get("uuid")) and (
                            self.select(conn_name, ref)):
                        return True
            entry = self.model.entry(conn_name)
            if entry is not None and self.model.pool_title(entry) == name:
                return self.select(conn_name, "")
        return False

    def _context_menu(self, pos) -> None:
        menu = self.context_menu()
        if menu is not None:
            menu.exec(self.tree.viewport().mapToGlobal(pos))
            menu.deleteLater()

    def context_menu(self) -> QMenu | None:
        """The menu for the selected rows: what applies to them, and for a pool's own row
        what applies to its connection (never window-wide items)."""
        keys = selected_keys(self.tree)
        if not keys:
            return None
        self.connections.refresh()
        menu = QMenu(self)
        menu.setObjectName("contextMenu")
        menu.setToolTipsVisible(True)
        conn = self.connections
        rows = {k[1] for k in keys}
        pairs = [(k, t) for k in keys if (t := target_of(k, self.manager.get)) is not None]
        targets = [t for _k, t in pairs]
        if rows == {"connection"}:
            states = {conn.state(k[0]) for k in keys}
            connected = states & {"connected", "connecting", "reconnecting"}
            if not connected or states - {"connected"}:
                menu.addAction(conn.connect_selected)
                menu.addAction(conn.enter_password)
            if connected:
                menu.addAction(conn.disconnect_selected)
            menu.addSeparator()
        kinds = {t.cls if k[1] == "connection" else k[1] for k, t in pairs}
        menus.fill(menu, menus.context_ids(kinds, targets), self.binder.qactions)
        if rows == {"connection"}:
            menu.addSeparator()
            menu.addAction(conn.remove)
        if menu.isEmpty():
            menu.deleteLater()
            return None
        return menu

    def cancel_task(self, entry) -> None:
        """Ask the server to cancel a running task (best effort, as in xapi)."""
        spawn(self._cancel(entry), f"Cancel {entry.title}", self._failed)

    async def _cancel(self, entry) -> None:
        conn = self.manager.get(entry.conn)
        try:
            if entry.handle is not None:
                await asyncio.to_thread(entry.handle.cancel)
            elif conn is not None:
                await asyncio.to_thread(conn.call, "task.cancel", entry.ref)
            self.status(translate("Main", "Cancelling {task}…").format(task=entry.title), 5000)
        except Exception as exc:
            self.notify(translate("Main", "{task} could not be cancelled: {error}").format(
                task=entry.title, error=exc), repr(exc))

    def reveal(self, conn_name: str, result: object, tries: int = 20) -> None:
        """Select what a finished task made (a new VM), once the tree shows it."""
        refs = result if isinstance(result, list) else [result]
        ref = next((r for r in refs if isinstance(r, str) and r.startswith("OpaqueRef:")), None)
        if ref is None or self.select(conn_name, ref) or tries <= 0:
            return
        later = QTimer(self)  # the window's own: a window closed meanwhile is never reached
        later.setSingleShot(True)
        later.timeout.connect(lambda: self.reveal(conn_name, ref, tries - 1))
        later.timeout.connect(later.deleteLater)
        later.start(250)

    def _started(self, target, title: str, handle) -> None:
        self.tasks.add_started(self._name_of(target.conn), title, handle)

    def _name_of(self, conn) -> str:
        for name in self.manager.names():
            if self.manager.get(name) is conn:
                return name
        return "?"

    # -- view options -----------------------------------------------------------------------

    def set_view(self, key: str) -> None:
        self.view_actions[key].setChecked(True)
        index = self.view_box.findData(key)
        if index != self.view_box.currentIndex():
            self.view_box.setCurrentIndex(index)
        self._apply_toggles()

    def _apply_toggles(self) -> None:
        view = next(k for k, a in self.view_actions.items() if a.isChecked())
        toggles = {k: a.isChecked() for k, a in self.toggles.items()}
        self.memory.save_tree(view, toggles)
        options = TreeOptions(view=view, **toggles)
        if options == self.model.options:
            return
        self.model.set_options(options)
        self.tree_hint.schedule()
        for name in self.model.connection_ids():
            self._on_loaded(name)

    # -- messages ---------------------------------------------------------------------------

    def status(self, text: str, timeout_ms: int = 0) -> None:
        """A line in the status bar (for `timeout_ms`, 0: until the next one)."""
        bar = self.statusBar()
        if bar is not None:
            bar.showMessage(text, timeout_ms)

    def notify(self, text: str, details: str = "") -> None:
        self.notifications.problem(text, details)
        self.banner.show_message(text, details)
        self.status(text, 10000)

    def _restore_memory(self) -> None:
        """The layout, tree view and toggles of the last run (the selection once loaded)."""
        self.restore_selection = True
        self.memory.restore_layout()
        for attr, on in self.memory.toggles().items():
            if attr in self.toggles:
                self.toggles[attr].blockSignals(True)
                self.toggles[attr].setChecked(on)
                self.toggles[attr].blockSignals(False)
        view = self.memory.view(layout.INFRASTRUCTURE)
        self.set_view(view if view in VIEW_NAMES else layout.INFRASTRUCTURE)

    def _failed(self, error: BaseException) -> None:
        """Background work failed unexpectedly (a bug): it was logged; say so."""
        self.notify(translate("MainWindow", "Something went wrong: {error}").format(
            error=error), repr(error))

    def finish_closing(self, timeout: float = CLOSE_WAIT_S) -> None:
        """When the app ends (its event loop is over): the pools' logouts, started by the
        window's close or now, get up to `timeout` seconds before the process goes."""
        closing = self._closing
        if closing is None:
            closing = self._closing = threading.Thread(target=self.manager.close_all,
                                                       name="close pools", daemon=True)
            closing.start()
        closing.join(timeout)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        """The window goes at once; it closes for good (`closed`) once every pool is logged
        out of, or after CLOSE_WAIT_S, so that an unreachable pool never holds the app. The
        logouts run on a thread of their own, never on the GUI thread."""
        if self._pools_closed:
            super().closeEvent(event)
            self.closed.emit()
            return
        event.ignore()
        if self._closing is not None:
            return
        self.metrics.close()
        self.memory.save_layout()  # while it is still shown, as it is
        self.hide()

        def close_all() -> None:  # the settings' last write and the logouts: off the GUI
            self.settings.flush()
            self.manager.close_all()

        self._closing = threading.Thread(target=close_all, name="close pools", daemon=True)
        self._closing.start()
        deadline = time.monotonic() + CLOSE_WAIT_S
        timer = QTimer(self)

        def check() -> None:
            closing = self._closing
            if closing is not None and closing.is_alive() and time.monotonic() < deadline:
                return
            timer.stop()
            self._pools_closed = True
            self.close()

        timer.timeout.connect(check)
        timer.start(20)


def key_of(index) -> tuple | None:
    return index.data(KeyRole)
