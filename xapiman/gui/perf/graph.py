"""One performance graph: time on the x axis, one unit on the y axis, a line per series.

Drawn with pyqtgraph (antialiasing off, NaN drawn as gaps, time axis in local time). Hovering
shows the time and each series' value in its unit; series can be hidden; what is shown can be
written as CSV.
"""

from __future__ import annotations

import datetime
import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg  # type: ignore[import-untyped]
from PyQt6.QtCore import QPointF
from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

from xapiman.xapi.datasources import Unit, format_value

pg.setConfigOptions(antialias=False, background="w", foreground="#333333")

COLOURS = ("#2e6da4", "#d35400", "#27ae60", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d",
           "#f39c12", "#2c3e50", "#e84393", "#00897b", "#6d4c41")


@dataclass(frozen=True)
class SeriesSpec:
    """One line: the source name in the store, its label, and the factor to its unit."""

    name: str
    label: str
    factor: float = 1.0
    total: bool = False  # the graph's headline series (drawn bold, on top)


class UnitAxis(pg.AxisItem):
    """A y axis whose ticks are written in the graph's unit ("40 %", "1.5 GiB", "2 MB/s")."""

    def __init__(self, unit: Unit) -> None:
        super().__init__("left")
        self.unit = unit
        self.setWidth(70)

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph override
        return [format_value(v * scale, self.unit) for v in values]

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802, N803 - pyqtgraph override
        """Sizes in bytes get ticks at powers of two (1 GiB, 512 MiB ...), about one per
        60 pixels; other units keep pyqtgraph's decimal ticks."""
        span = maxVal - minVal
        if self.unit is not Unit.BYTES or span <= 0 or size <= 0:
            return super().tickSpacing(minVal, maxVal, size)
        step = 2.0 ** math.ceil(math.log2(span / max(2.0, size / 60.0)))
        return [(step, 0.0), (step / 2, 0.0)]


class MetricGraph(QWidget):
    """A titled graph of series in one unit.

    Attributes:
        title: the graph's name ("CPU", "Memory" ...); unit: of every series' values.
        hidden: names of series the user chose not to draw.
    """

    def __init__(self, title: str, unit: Unit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"graph:{title}")
        self.title = title
        self.unit = unit
        self.hidden: set[str] = set()
        self.specs: list[SeriesSpec] = []
        self._data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._items: dict[str, pg.PlotDataItem] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(),
                                             "left": UnitAxis(unit)})
        self.plot.setMinimumHeight(120)
        self.plot.setTitle(title, size="10pt")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.getPlotItem().vb.setLimits(yMin=0)
        layout.addWidget(self.plot)
        self.legend = QLabel()
        self.legend.setObjectName("graphLegend")
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("font-size: 8pt;")
        layout.addWidget(self.legend)
        self.hover = QLabel()
        self.hover.setObjectName("graphHover")
        self.hover.setStyleSheet("color: #333; font-size: 8pt;")
        layout.addWidget(self.hover)
        self.plot.scene().sigMouseMoved.connect(self._hovered)

    # -- series -----------------------------------------------------------------------------

    def set_series(self, specs: Sequence[SeriesSpec]) -> None:
        """Which lines the graph has (kept lines keep their colour)."""
        if [s.name for s in specs] == [s.name for s in self.specs]:
            self.specs = list(specs)
            return
        self.plot.clear()
        self._items = {}
        self.specs = list(specs)
        for i, spec in enumerate(self.specs):
            main = i == 0 and spec.total
            pen = pg.mkPen(COLOURS[i % len(COLOURS)], width=2.5 if main else 1.2)
            item = self.plot.plot([], [], pen=pen, connect="finite")
            item.setZValue(10 if main else 0)
            item.setVisible(spec.name not in self.hidden)
            self._items[spec.name] = item
        self._data = {k: v for k, v in self._data.items() if k in self._items}
        self._show_legend()

    def set_hidden(self, names: Iterable[str]) -> None:
        self.hidden = set(names)
        for name, item in self._items.items():
            item.setVisible(name not in self.hidden)
        self._show_legend()

    def _show_legend(self) -> None:
        parts = []
        for i, spec in enumerate(self.specs):
            if spec.name in self.hidden:
                continue
            colour = COLOURS[i % len(COLOURS)]
            label = html.escape(spec.label)
            if i == 0 and spec.total:
                label = f"<b>{label}</b>"
            parts.append(f'<span style="color:{colour}">&#9632;</span>&nbsp;{label}')
        self.legend.setText("&nbsp;&nbsp; ".join(parts))
        self.legend.setVisible(len(self.specs) > 1)

    def set_data(self, data: dict[str, tuple[np.ndarray, np.ndarray]],
                 span: tuple[float, float]) -> None:
        """New values: name -> (times, raw values); `span` is the time range to show."""
        by_name = {s.name: s for s in self.specs}
        top = 0.0
        for name, (times, values) in data.items():
            spec = by_name.get(name)
            item = self._items.get(name)
            if spec is None or item is None:
                continue
            scaled = values * spec.factor
            self._data[name] = (times, scaled)
            finite = np.isfinite(scaled)
            if finite.any():
                item.setData(times, scaled, connect="finite", skipFiniteCheck=True)
                if name not in self.hidden:
                    top = max(top, float(np.max(scaled[finite])))
            else:
                item.setData([], [])
        self.plot.setXRange(span[0], span[1], padding=0)
        if self.unit is Unit.FRACTION:
            self.plot.setYRange(0, max(1.0, top) if top > 1 else 1.0, padding=0.02)
        else:
            self.plot.setYRange(0, top * 1.1 if top > 0 else 1.0, padding=0)

    def shown(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """What is drawn: name -> (times, values in the graph's unit), hidden ones left out."""
        return {s.name: self._data[s.name] for s in self.specs
                if s.name in self._data and s.name not in self.hidden}

    # -- hover ------------------------------------------------------------------------------

    def _hovered(self, pos: QPointF) -> None:
        box = self.plot.getPlotItem().vb
        if not self.plot.sceneBoundingRect().contains(pos):
            return
        x = box.mapSceneToView(pos).x()
        self.hover.setText(self.values_at(x))

    def values_at(self, t: float) -> str:
        """The time nearest to `t` and each shown series' value then, in its unit."""
        parts = []
        moment = None
        for spec in self.specs:
            if spec.name in self.hidden or spec.name not in self._data:
                continue
            times, values = self._data[spec.name]
            if not len(times):
                continue
            i = int(np.clip(np.searchsorted(times, t), 0, len(times) - 1))
            if i > 0 and abs(times[i - 1] - t) < abs(times[i] - t):
                i -= 1
            moment = times[i]
            parts.append(f"{spec.label}: {format_value(float(values[i]), self.unit)}")
        if moment is None:
            return ""
        when = datetime.datetime.fromtimestamp(float(moment)).strftime("%Y-%m-%d %H:%M:%S")
        return f"{when}   " + "   ".join(parts)
