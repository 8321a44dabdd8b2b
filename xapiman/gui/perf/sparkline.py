"""A table cell that shows a figure as a small line of its last minutes, with its value."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pyqtgraph as pg  # type: ignore[import-untyped]
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

    A cell is drawn once per SparkKeyRole key, size and selection into a picture kept in a
    cache (a dashboard repaints far more often than an object gets new samples); painting is
    then one copy of that picture.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._cells: OrderedDict[tuple, QPixmap] = OrderedDict()

    def paint(self, painter: QPainter | None, option: QStyleOptionViewItem, index) -> None:
        key = index.data(SparkKeyRole)
        if key is None or painter is None:
            super().paint(painter, option, index)
            return
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if selected or state & QStyle.StateFlag.State_MouseOver:
            widget = option.widget
            style = widget.style() if widget is not None else None
            if style is not None:
                style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option,
                                    painter, widget)
        cell = option.rect
        size = inner_size(cell.width(), cell.height())
        found = self._cells.get((key, size.width(), size.height(), selected))
        if found is None:
            palette = option.palette
            colour = palette.highlightedText().color() if selected else palette.text().color()
            top = index.data(ScaleRole)
            found = self.render(key, index.data(SparkRole), float(top) if top else None,
                                str(index.data(Qt.ItemDataRole.DisplayRole) or ""), colour,
                                size, selected)
        painter.drawPixmap(cell.left() + 3, cell.top() + 3, found)

    def has(self, key, size: QSize) -> bool:
        return (key, size.width(), size.height(), False) in self._cells

    def render(self, key, values, top: float | None, text: str, colour: QColor, size: QSize,
               selected: bool = False) -> QPixmap:
        """Draw a cell's line and value into the cache (ahead of painting, or on a miss)."""
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        text_width = min(118, size.width() // 2)
        painter = QPainter(pixmap)
        if values is not None:
            draw_sparkline(painter, QRectF(0, 0, size.width() - text_width - 4, size.height()),
                           np.asarray(values, dtype=np.float64), top)
        painter.setPen(colour)
        painter.drawText(size.width() - text_width, 0, text_width, size.height(), _RIGHT, text)
        painter.end()
        self._cells[(key, size.width(), size.height(), selected)] = pixmap
        while len(self._cells) > CACHE_SIZE:
            self._cells.popitem(last=False)
        return pixmap

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), 150), max(hint.height(), 22))


def inner_size(cell_width: int, cell_height: int) -> QSize:
    """What a cell of this size draws into (a 3-pixel margin all round)."""
    return QSize(max(1, cell_width - 6), max(1, cell_height - 6))


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
