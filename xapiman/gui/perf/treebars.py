"""CPU and memory as two small bars at the end of host and VM rows of the resource tree (an
option of the View menu, as in XenCenter's search view). While on, every host and VM of the
connected pools is fetched (load figures only)."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QRectF
from PyQt6.QtGui import QColor, QPainter
from PyQt6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QTreeView

from xapiman.gui.perf.feed import MetricsFeed
from xapiman.gui.tree.model import KeyRole
from xapiman.xapi.metricstore import Load

BAR_WIDTH = 34
BAR_HEIGHT = 4
CPU_COLOUR = QColor("#2e9d4a")
MEMORY_COLOUR = QColor("#2e6da4")
HIGH_COLOUR = QColor("#c0392b")
TRACK = QColor(0, 0, 0, 30)


class LoadBars(QStyledItemDelegate):
    """The tree's delegate: draws the row as usual, then its load bars when shown."""

    def __init__(self, tree: QTreeView, feed: MetricsFeed,
                 connection: Callable[[str], object], pools: Callable[[], list[str]]) -> None:
        super().__init__(tree)
        self.tree = tree
        self.feed = feed
        self.connection = connection
        self.pools = pools
        self.shown = False
        self._subs: dict[str, object] = {}
        self._loads: dict[str, dict[str, Load]] = {}
        tree.setItemDelegate(self)
        feed.updated.connect(self._on_updated)

    def set_shown(self, shown: bool) -> None:
        """Show or hide the bars (fetching starts and stops with them)."""
        self.shown = shown
        if shown:
            self.sync()
        else:
            for sub in self._subs.values():
                sub.close()  # type: ignore[attr-defined]
            self._subs.clear()
            self._loads.clear()
        self._repaint()

    def sync(self) -> None:
        """Watch the pools connected now (call when pools come and go)."""
        if not self.shown:
            return
        names = set(self.pools())
        for name in list(self._subs):
            if name not in names or self.connection(name) is None:
                self._subs.pop(name).close()  # type: ignore[attr-defined]
                self._loads.pop(name, None)
        for name in names - set(self._subs):
            conn = self.connection(name)
            if conn is not None:
                self._subs[name] = self.feed.client(name, conn).watch(pool=True, detail=False)

    def _on_updated(self, conn_name: str, _uuids) -> None:
        if not self.shown or conn_name not in self._subs:
            return
        conn = self.connection(conn_name)
        if conn is None:
            return
        self._loads[conn_name] = self.feed.client(conn_name, conn).store.loads()
        self._repaint()

    def _repaint(self) -> None:
        viewport = self.tree.viewport()
        if viewport is not None:
            viewport.update()

    def load_of(self, key) -> Load | None:
        """The load shown for a tree row key (conn, class, ref), None for other rows."""
        if not self.shown or not key or key[1] not in ("vm", "host"):
            return None
        conn = self.connection(key[0])
        loads = self._loads.get(key[0])
        if conn is None or not loads:
            return None
        record = conn.cache.record(key[1], key[2])  # type: ignore[attr-defined]
        return loads.get(record.get("uuid", "")) if record else None

    def paint(self, painter: QPainter | None, option: QStyleOptionViewItem, index) -> None:
        load = self.load_of(index.data(KeyRole)) if self.shown else None
        if load is None or painter is None:
            super().paint(painter, option, index)
            return
        room = 2 * BAR_WIDTH + 14
        narrowed = QStyleOptionViewItem(option)
        narrowed.rect = option.rect.adjusted(0, 0, -room, 0)
        super().paint(painter, narrowed, index)
        memory = (load.memory / load.memory_total
                  if load.memory is not None and load.memory_total else None)
        right = option.rect.right() - 4
        middle = option.rect.center().y()
        painter.save()
        for i, (fraction, colour) in enumerate(((load.cpu, CPU_COLOUR),
                                                (memory, MEMORY_COLOUR))):
            left = right - (2 - i) * (BAR_WIDTH + 5) + 5
            track = QRectF(left, middle - BAR_HEIGHT / 2, BAR_WIDTH, BAR_HEIGHT)
            painter.fillRect(track, TRACK)
            if fraction is not None and fraction == fraction:
                share = min(1.0, max(0.0, fraction))
                fill = QRectF(track.left(), track.top(), track.width() * share, BAR_HEIGHT)
                painter.fillRect(fill, HIGH_COLOUR if i == 0 and share >= 0.9 else colour)
        painter.restore()

    def helpEvent(self, event, view, option, index) -> bool:  # noqa: N802 - Qt override
        load = self.load_of(index.data(KeyRole)) if self.shown else None
        if load is not None and event.pos().x() > option.rect.right() - 2 * BAR_WIDTH - 14:
            from PyQt6.QtWidgets import QToolTip

            from xapiman.gui.perf.dashboard import figure_text
            from xapiman.i18n import translate

            QToolTip.showText(event.globalPos(), translate(
                "Dashboard", "CPU {cpu}, memory {memory}").format(
                    cpu=figure_text(load, "cpu"), memory=figure_text(load, "memory")), view)
            return True
        return super().helpEvent(event, view, option, index)
