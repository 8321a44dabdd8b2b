"""The pool's Dashboard tab: its hosts and busiest VMs with live load and sparklines."""

from __future__ import annotations

from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

from xapiman.gui.perf.dashboard import Dashboard
from xapiman.gui.tabs.base import TabPage, page
from xapiman.i18n import translate


@page
class DashboardPage(TabPage):
    title = "Dashboard"
    kinds = frozenset({"connection"})
    order = 15

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.dashboard: Dashboard | None = None
        if context.metrics is None:
            layout.addWidget(QLabel(translate("Dashboard", "Metrics are not available here.")))
            return
        self.dashboard = Dashboard(context.metrics, context.connection,
                                   lambda: [self.conn_name] if self.conn_name else [])
        self.dashboard.host_view.doubleClicked.connect(self._open)
        self.dashboard.vm_view.doubleClicked.connect(self._open)
        layout.addWidget(self.dashboard)

    @property
    def loading(self) -> bool:
        """Nothing to show yet (screenshots wait for it)."""
        return self.dashboard is not None and self.dashboard.loading

    def show_object(self, conn_name: str, cache, kind: str, ref: str) -> None:
        if self.dashboard is not None:
            self.dashboard.unwatch()
        super().show_object(conn_name, cache, kind, ref)
        if self.dashboard is not None and self.isVisible():
            self.dashboard.watch()

    def concerned(self, change) -> bool:
        # rows follow the metrics feed; the cache matters for VMs starting, stopping, moving
        return bool(change) and (change.touched("vm") or change.touched("host")
                                 or getattr(change, "resync", False))

    def refresh(self) -> None:
        if self.dashboard is not None and self.dashboard.isVisible():
            self.dashboard.refresh()

    def _open(self, index) -> None:
        from xapiman.gui.perf.dashboard import KeyRole

        key = index.data(KeyRole)
        if key:
            self.context.select(*key)
