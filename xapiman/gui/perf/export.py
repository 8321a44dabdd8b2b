"""Saving what a page shows: the shown series as CSV, the graphs as a PNG picture.

The data and the picture are taken on the GUI thread; the files are written on another.
"""

from __future__ import annotations

import asyncio
import csv
import datetime
import math
from collections.abc import Callable, Sequence
from pathlib import Path

from PyQt6.QtGui import QImage
from PyQt6.QtWidgets import QWidget

from xapiman.gui.perf.graph import MetricGraph
from xapiman.i18n import translate


def csv_table(graphs: Sequence[MetricGraph]) -> tuple[list[str], list[list[str]]]:
    """The shown series: a time column (ISO, local time) and one column per series
    ("graph: series (unit)"), empty where unknown, one row per time."""
    columns: list[tuple[str, dict[float, float]]] = []
    times: set[float] = set()
    for graph in graphs:
        labels = {s.name: s.label for s in graph.specs}
        for name, (t, v) in graph.shown().items():
            unit = graph.unit.value or "-"
            columns.append((f"{graph.title}: {labels[name]} ({unit})",
                            dict(zip(t.tolist(), v.tolist(), strict=True))))
            times.update(t.tolist())
    header = [translate("Performance", "time")] + [label for label, _ in columns]
    rows = []
    for moment in sorted(times):
        row = [datetime.datetime.fromtimestamp(moment).isoformat(timespec="seconds")]
        for _label, values in columns:
            value = values.get(moment)
            row.append("" if value is None or math.isnan(value) else f"{value:.6g}")
        rows.append(row)
    return header, rows


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


async def save_csv(path: Path, graphs: Sequence[MetricGraph],
                   report: Callable[[str], None]) -> int:
    """Write the shown series to `path`; tells `report` how it went. The number of rows."""
    header, rows = csv_table(graphs)
    try:
        await asyncio.to_thread(_write_csv, path, header, rows)
    except OSError as exc:
        report(translate("Performance", "Could not write {path}: {error}").format(
            path=path, error=exc.strerror or exc))
        return 0
    report(translate("Performance", "Saved {rows} rows to {path}.").format(rows=len(rows),
                                                                            path=path))
    return len(rows)


async def save_png(path: Path, widget: QWidget, report: Callable[[str], None]) -> None:
    """A picture of `widget` (the graphs) saved as PNG."""
    image: QImage = widget.grab().toImage()
    ok = await asyncio.to_thread(image.save, str(path), "PNG")
    if ok:
        report(translate("Performance", "Saved the graphs to {path}.").format(path=path))
    else:
        report(translate("Performance", "Could not write {path}.").format(path=path))
