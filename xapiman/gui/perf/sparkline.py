"""A table cell that shows a figure as a small line of its last minutes, with its value."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QRectF, QSize, Qt
from PyQt6.QtGui import QColor, QPainter, QPen, QPixmap
from PyQt6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

SparkRole = Qt.ItemDataRole.UserRole + 11  # numpy array of the recent values (NaN: gaps)
ScaleRole = Qt.ItemDataRole.UserRole + 12  # the value the top of the cell stands for
SparkKeyRole = Qt.ItemDataRole.UserRole + 15  # what identifies the values (same key: same line)
CACHE_SIZE = 2000
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LINE = QColor("#2e6da4")


class SparklineDelegate(QStyledItemDelegate):
    """Paints the cell's SparkRole values as a line on the left and its text on the right.

    A line is drawn once per SparkKeyRole key and cell size, then reused from a cache (a
    dashboard repaints far more often than an object gets new samples).
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._lines: OrderedDict[tuple, QPixmap] = OrderedDict()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        key = index.data(SparkKeyRole)
        if key is None and index.data(SparkRole) is None:
            super().paint(painter, option, index)
            return
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if selected or state & QStyle.StateFlag.State_MouseOver:
            widget = option.widget
            if widget is not None:
                widget.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem,
                                             option, painter, widget)
        cell = option.rect
        width, height = cell.width() - 6, cell.height() - 6
        text_width = min(118, width // 2)
        painter.drawPixmap(cell.left() + 3, cell.top() + 3,
                           self._line(index, key, line_size(cell.width(), cell.height())))
        pen = painter.pen()
        painter.setPen(option.palette.highlightedText().color() if selected
                       else option.palette.text().color())
        painter.drawText(cell.right() - 3 - text_width, cell.top() + 3, text_width, height,
                         _RIGHT, str(index.data(Qt.ItemDataRole.DisplayRole) or ""))
        painter.setPen(pen)

    def _line(self, index, key, size: QSize) -> QPixmap:
        cache_key = (key, size.width(), size.height()) if key is not None else None
        found = self._lines.get(cache_key) if cache_key is not None else None
        if found is not None:
            self._lines.move_to_end(cache_key)
            return found
        top = index.data(ScaleRole)
        return self.render(key, index.data(SparkRole), float(top) if top else None, size)

    def has(self, key, size: QSize) -> bool:
        return (key, size.width(), size.height()) in self._lines

    def render(self, key, values, top: float | None, size: QSize) -> QPixmap:
        """Draw a line into the cache (ahead of painting, or when a paint misses it)."""
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        if values is not None:
            line = QPainter(pixmap)
            draw_sparkline(line, QRectF(0, 0, size.width(), size.height()),
                           np.asarray(values, dtype=np.float64), top)
            line.end()
        if key is not None:
            self._lines[(key, size.width(), size.height())] = pixmap
            while len(self._lines) > CACHE_SIZE:
                self._lines.popitem(last=False)
        return pixmap

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), 150), max(hint.height(), 22))


def line_size(cell_width: int, cell_height: int) -> QSize:
    """The size of the line in a cell of this size (the value's text takes the right part)."""
    width, height = cell_width - 6, cell_height - 6
    return QSize(max(1, width - min(118, width // 2) - 4), max(1, height))


def draw_sparkline(painter: QPainter, rect: QRectF, values: np.ndarray,
                   top: float | None = None) -> None:
    """The values as a line across `rect` (oldest left), scaled to `top` (default: their
    maximum); unknown values break the line."""
    if rect.width() < 4 or not len(values):
        return
    width = max(2, int(rect.width() / 2))
    if len(values) > width:  # one point per two pixels: the peak of each bucket
        per = -(-len(values) // width)
        padded = np.concatenate([np.full(per * width - len(values), np.nan), values])
        buckets = padded.reshape(width, per)
        known = np.isfinite(buckets).any(axis=1)
        values = np.full(width, np.nan)
        values[known] = np.nanmax(buckets[known], axis=1)
    finite = np.isfinite(values)
    if not finite.any():
        return
    high = top if top and top > 0 else float(np.max(values[finite])) or 1.0
    n = len(values)
    xs = rect.left() + np.arange(n) * (rect.width() / max(1, n - 1))
    ys = rect.bottom() - np.clip(np.nan_to_num(values) / high, 0.0, 1.0) * rect.height()
    line = pg.arrayToQPath(xs, ys, connect=finite)  # one path, broken where unknown
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # many cells, often
    painter.setPen(QPen(LINE, 1.2))
    painter.drawPath(line)
