"""The Performance tab of VMs and hosts: live graphs and history, fetched while it is shown."""

from __future__ import annotations

import time
from pathlib import Path

from PyQt6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from xapiman.gui.aio import spawn
from xapiman.gui.perf.export import save_csv, save_png
from xapiman.gui.perf.graph import MetricGraph
from xapiman.gui.perf.series import GraphSpec, graphs_for
from xapiman.gui.tabs.base import TabPage, page
from xapiman.i18n import translate
from xapiman.xapi.metrics import RANGES, RUNNING, MetricsClient, Subscription

GRAPH_HEIGHT = 220  # pixels: two rows of graphs fit the tab on a 768-pixel screen


def range_names() -> list[tuple[int, str]]:
    t = translate
    return [(600, t("Performance", "Last 10 minutes")), (7200, t("Performance", "Last 2 hours")),
            (604800, t("Performance", "Last week")), (31536000, t("Performance", "Last year"))]


@page
class PerformancePage(TabPage):
    title = "Performance"
    kinds = frozenset({"vm", "host"})
    order = 48

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.span = 600
        self.paused = False
        self.loading = True
        self._sub: Subscription | None = None
        self._client: MetricsClient | None = None
        self._feed_connected = False
        self.graphs: dict[str, MetricGraph] = {}
        self._specs: list[GraphSpec] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        self.range_box = QComboBox()
        self.range_box.setObjectName("perfRange")
        for seconds, text in range_names():
            self.range_box.addItem(text, seconds)
        self.range_box.currentIndexChanged.connect(self._range_chosen)
        bar.addWidget(self.range_box)
        self.series_button = QToolButton()
        self.series_button.setObjectName("perfSeries")
        self.series_button.setText(translate("Performance", "Series"))
        self.series_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.series_menu = QMenu(self)
        self.series_button.setMenu(self.series_menu)
        bar.addWidget(self.series_button)
        self.pause_button = QPushButton(translate("Performance", "Pause"))
        self.pause_button.setObjectName("perfPause")
        self.pause_button.setCheckable(True)
        self.pause_button.toggled.connect(self.set_paused)
        bar.addWidget(self.pause_button)
        bar.addStretch(1)
        self.csv_button = QPushButton(translate("Performance", "Export CSV…"))
        self.csv_button.clicked.connect(self._ask_csv)
        bar.addWidget(self.csv_button)
        self.png_button = QPushButton(translate("Performance", "Export PNG…"))
        self.png_button.clicked.connect(self._ask_png)
        bar.addWidget(self.png_button)
        outer.addLayout(bar)
        self.status = QLabel()
        self.status.setObjectName("perfStatus")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #78281f;")
        outer.addWidget(self.status)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        self.body = QWidget()
        self.body_layout = QGridLayout(self.body)  # two graphs side by side, rows below
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.body_layout.setColumnStretch(0, 1)
        self.body_layout.setColumnStretch(1, 1)
        scroll.setWidget(self.body)
        outer.addWidget(scroll, 1)

    # -- what is watched --------------------------------------------------------------------

    @property
    def step(self) -> int:
        return RANGES[self.span]

    def _conn(self):
        return self.context.connection(self.conn_name) if self.conn_name else None

    def show_object(self, conn_name: str, cache, kind: str, ref: str) -> None:
        self._unwatch()
        super().show_object(conn_name, cache, kind, ref)
        if self.isVisible():
            self._watch()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._watch()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._unwatch()
        super().hideEvent(event)

    def _watch(self) -> None:
        feed = self.context.metrics
        conn = self._conn()
        if self._sub is not None or feed is None or conn is None or not self.ref:
            return
        self._client = feed.client(self.conn_name, conn)
        if not self._feed_connected:
            feed.updated.connect(self._on_updated)
            feed.status_changed.connect(self._on_status)
            self._feed_connected = True
        self._sub = self._client.watch([self.ref], step=self.step, detail=True)
        self.redraw()

    def _unwatch(self) -> None:
        if self._sub is not None:
            self._sub.close()
            self._sub = None

    def _range_chosen(self) -> None:
        self.span = int(self.range_box.currentData())
        self.loading = True
        if self._sub is not None:
            self._unwatch()
            self._watch()

    def set_paused(self, paused: bool) -> None:
        """A paused page keeps fetching but does not redraw (resuming shows what came)."""
        self.paused = paused
        self.pause_button.setChecked(paused)
        self.pause_button.setText(translate("Performance", "Resume") if paused
                                  else translate("Performance", "Pause"))
        if not paused:
            self.redraw()
        self._show_status()

    # -- drawing ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """The object changed (started, stopped, migrated): the status and the series."""
        self.redraw()

    def _on_updated(self, conn_name: str, uuids) -> None:
        if conn_name != self.conn_name or self._client is None or not self.isVisible():
            return
        if self._client.uuid_of(self.ref) in uuids:
            self.redraw()

    def _on_status(self, conn_name: str, host: str, _status) -> None:
        if conn_name == self.conn_name and self._client is not None \
                and self._client.host_of(self.ref) == host:
            self._show_status()

    def redraw(self) -> None:
        client = self._client
        if client is None or self.paused:
            self._show_status()
            return
        names = client.names(self.ref, self.step)
        specs = graphs_for("host" if self.kind == "host" else "vm", names, self._sr_names())
        self._build(specs)
        now = time.time()
        since = now - self.span
        for spec in specs:
            data = {s.name: client.series(self.ref, s.name, self.step, since)
                    for s in spec.series}
            self.graphs[spec.key].set_data(data, (since, now))
        if names:
            self.loading = False
        self._show_status()

    def _build(self, specs: list[GraphSpec]) -> None:
        if [(s.key, s.series) for s in specs] == [(s.key, s.series) for s in self._specs]:
            return
        self._specs = specs
        for spec in specs:
            graph = self.graphs.get(spec.key)
            if graph is None:
                graph = self.graphs[spec.key] = MetricGraph(spec.title, spec.unit)
                place = len(self.graphs) - 1
                graph.setFixedHeight(GRAPH_HEIGHT)
                self.body_layout.addWidget(graph, place // 2, place % 2)
                self.body_layout.setRowStretch(place // 2 + 1, 1)  # graphs stay at the top
            graph.set_series(spec.series)
        self._fill_series_menu()

    def _fill_series_menu(self) -> None:
        self.series_menu.clear()
        for spec in self._specs:
            graph = self.graphs[spec.key]
            self.series_menu.addSection(spec.title)
            for series in spec.series:
                action = self.series_menu.addAction(series.label)
                assert action is not None
                action.setCheckable(True)
                action.setChecked(series.name not in graph.hidden)
                action.toggled.connect(
                    lambda on, g=graph, n=series.name: self.show_series(g, n, on))

    def show_series(self, graph: MetricGraph, name: str, shown: bool) -> None:
        """Draw or leave out one series of a graph."""
        hidden = set(graph.hidden)
        if shown:
            hidden.discard(name)
        else:
            hidden.add(name)
        graph.set_hidden(hidden)
        self.redraw()

    def _sr_names(self) -> dict[str, str]:
        if self.cache is None:
            return {}
        return {rec.get("uuid", "")[:8]: rec.get("name_label", "")
                for rec in self.cache.records("sr").values()}

    def status_text(self) -> str:
        """Why there is nothing to draw, or what is wrong ("" when all is well)."""
        record = self.record()
        if record is None:
            return translate("Performance", "This object no longer exists.")
        if self.kind != "host" and record.get("power_state") not in RUNNING:
            return translate("Performance", "The VM is not running: it has no live "
                                            "performance data.")
        client = self._client
        host = client.host_of(self.ref) if client is not None else None
        status = client.status(host) if client is not None and host else None
        if status is not None and status.ok is False:
            name = status.name or translate("Performance", "The host")
            return translate("Performance", "{host}: {error}. The graphs go on when it "
                                            "answers again.").format(host=name, error=status.error)
        if self.paused:
            return translate("Performance", "Paused: the graphs are not redrawn.")
        if self.loading:
            return translate("Performance", "Loading performance data…")
        return ""

    def _show_status(self) -> None:
        text = self.status_text()
        self.status.setText(text)
        self.status.setVisible(bool(text))

    # -- export -----------------------------------------------------------------------------

    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, translate("Performance", "Export as CSV"),
                                              f"{self._file_stem()}.csv", "CSV (*.csv)")
        if path:
            spawn(self.export_csv(Path(path)), "Export as CSV")

    def _ask_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, translate("Performance", "Export as PNG"),
                                              f"{self._file_stem()}.png", "PNG (*.png)")
        if path:
            spawn(self.export_png(Path(path)), "Export as PNG")

    def _file_stem(self) -> str:
        record = self.record() or {}
        name = str(record.get("name_label") or "performance")
        return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)

    async def export_csv(self, path: Path) -> int:
        """Write the shown series (off the GUI thread); the number of rows written."""
        return await save_csv(path, [self.graphs[s.key] for s in self._specs], self._report)

    async def export_png(self, path: Path) -> None:
        await save_png(path, self.body, self._report)

    def _report(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
