"""The two metric formats xapi serves: `rrd_updates` exports (JSON or XML) and whole RRD dumps.

`parse_updates(body)` reads a `GET /rrd_updates` answer in either form (the body says which);
`parse_dump(body)` reads the rrdtool-style XML of `GET /host_rrd` and `GET /vm_rrd`. Both give
columns named by `Column` (consolidation function, owner kind, owner uuid, data source name)
and values in time order, oldest first, as float64 with NaN for unknown values: a gap stays a
gap. Malformed documents raise `MalformedMetrics` with what is wrong.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np
import orjson

from xapiman.xapi.errors import MalformedResponse

KINDS = ("host", "vm", "sr")


class MalformedMetrics(MalformedResponse):
    """A metrics document that cannot be read (what is wrong is in the message)."""


@dataclass(frozen=True)
class Column:
    """One legend entry: `AVERAGE:vm:<uuid>:cpu0` is Column("AVERAGE", "vm", uuid, "cpu0")."""

    cf: str
    kind: str
    uuid: str
    name: str

    @classmethod
    def parse(cls, entry: str) -> Column | None:
        """The column of a legend entry; None for one that names no host, VM or SR."""
        parts = entry.split(":", 3)
        if len(parts) != 4 or parts[1] not in KINDS or not parts[2] or not parts[3]:
            return None
        return cls(parts[0], parts[1], parts[2], parts[3])


@dataclass
class Updates:
    """An `rrd_updates` answer.

    Attributes:
        start, end, step: as the server states them (`end` is the next request's `start`).
        columns: one per legend entry (None where the entry names nothing known).
        times: row times (unix seconds), oldest first.
        values: shape (columns, rows), oldest first; NaN where the server had no value.
    """

    start: int
    step: int
    end: int
    columns: list[Column | None]
    times: np.ndarray
    values: np.ndarray

    def objects(self) -> dict[tuple[str, str], dict[str, int]]:
        """(kind, uuid) -> data source name -> column index (AVERAGE columns only, when the
        answer has them; else the first consolidation function seen)."""
        out: dict[tuple[str, str], dict[str, int]] = {}
        chosen: dict[tuple[str, str], str] = {}
        for i, col in enumerate(self.columns):
            if col is None:
                continue
            key = (col.kind, col.uuid)
            cf = chosen.setdefault(key, col.cf)
            if col.cf != cf:
                if col.cf != "AVERAGE" or cf == "AVERAGE":
                    continue
                chosen[key] = "AVERAGE"  # AVERAGE wins over MIN / MAX seen first
                out[key] = {}
            out.setdefault(key, {}).setdefault(col.name, i)
        return out


@dataclass
class Archive:
    """One archive of a dumped RRD: its consolidation, step and rows (oldest first)."""

    cf: str
    step: int
    times: np.ndarray
    values: np.ndarray  # shape (data sources, rows)


@dataclass
class Dump:
    """A whole RRD (`/host_rrd`, `/vm_rrd`): data source names and every archive."""

    step: int
    last_update: int
    names: list[str]
    archives: list[Archive]

    def archive(self, step: int, cf: str = "AVERAGE") -> Archive | None:
        """The archive with this step (None when the RRD has none)."""
        return next((a for a in self.archives if a.step == step and a.cf == cf), None)


def number(text: object) -> float:
    """A value as xcp-rrdd writes it ("0.0123", "NaN", "Infinity", "-Infinity", 12)."""
    if isinstance(text, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(text, int | float):
        return float(text)
    if not isinstance(text, str):
        raise ValueError(f"not a number: {text!r}")
    value = float(text.strip())
    return value


def parse_updates(body: bytes) -> Updates:
    """An `rrd_updates` answer, JSON or XML (told apart by its first character).

    Raises:
        MalformedMetrics: not an rrd_updates document, or rows that do not fit the legend.
    """
    head = body.lstrip()[:1]
    if head == b"{":
        return _updates_from_json(body)
    if head == b"<":
        return _updates_from_xml(body)
    raise MalformedMetrics("the metrics answer is neither JSON nor XML")


def _updates_from_json(body: bytes) -> Updates:
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MalformedMetrics(f"the metrics answer is not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("meta"), dict):
        raise MalformedMetrics("the metrics answer has no 'meta' object")
    meta = doc["meta"]
    legend = meta.get("legend")
    data = doc.get("data")
    if not isinstance(legend, list) or not all(isinstance(e, str) for e in legend):
        raise MalformedMetrics("the metrics answer has no legend of strings")
    if not isinstance(data, list):
        raise MalformedMetrics("the metrics answer has no 'data' list")
    times: list[float] = []
    rows: list[list[object]] = []
    for i, row in enumerate(data):
        if not isinstance(row, dict) or not isinstance(row.get("values"), list):
            raise MalformedMetrics(f"row {i} of the metrics answer is not {{t, values}}")
        times.append(_field(row.get("t"), f"row {i} time"))
        rows.append(row["values"])
    return _assemble(meta.get("start"), meta.get("step"), meta.get("end"), legend, times, rows)


def _updates_from_xml(body: bytes) -> Updates:
    root = _xml_root(body, "xport")
    meta = root.find("meta")
    data = root.find("data")
    if meta is None or data is None:
        raise MalformedMetrics("the metrics answer has no <meta> or no <data>")
    legend = [e.text or "" for e in meta.iterfind("legend/entry")]
    times: list[float] = []
    rows: list[list[object]] = []
    for i, row in enumerate(data.iterfind("row")):
        times.append(_field(row.findtext("t"), f"row {i} time"))
        rows.append([v.text or "" for v in row.iterfind("v")])
    return _assemble(meta.findtext("start"), meta.findtext("step"), meta.findtext("end"),
                     legend, times, rows)


def _assemble(start: object, step: object, end: object, legend: list[str],
              times: list[float], rows: list[list[object]]) -> Updates:
    first = int(_field(start, "start"))
    stride = int(_field(step, "step"))
    last = int(_field(end, "end"))
    if stride <= 0:
        raise MalformedMetrics(f"the metrics step must be positive, not {stride}")
    width = len(legend)
    matrix = np.empty((len(rows), width), dtype=np.float64)
    for i, row in enumerate(rows):
        if len(row) != width:
            raise MalformedMetrics(f"row {i} has {len(row)} values for {width} legend entries")
        try:
            matrix[i] = [number(v) for v in row]
        except ValueError as exc:
            raise MalformedMetrics(f"row {i}: {exc}") from None
    stamps = np.asarray(times, dtype=np.float64)
    order = np.argsort(stamps, kind="stable")  # rows come newest first
    stamps = stamps[order]
    keep = np.ones(len(stamps), dtype=bool)
    keep[1:] = np.diff(stamps) > 0  # a repeated time keeps its first row only
    return Updates(first, stride, last, [Column.parse(e) for e in legend],
                   stamps[keep], matrix[order][keep].T.copy())


def _field(value: object, what: str) -> float:
    try:
        result = number(value)
    except ValueError:
        raise MalformedMetrics(f"the metrics {what} is not a number: {value!r}") from None
    if not math.isfinite(result):
        raise MalformedMetrics(f"the metrics {what} is not a finite number: {value!r}")
    return result


def _xml_root(body: bytes, tag: str) -> ET.Element:
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise MalformedMetrics(f"the metrics answer is not valid XML: {exc}") from None
    if root.tag != tag:
        raise MalformedMetrics(f"the metrics answer is <{root.tag}>, not <{tag}>")
    return root


def parse_dump(body: bytes) -> Dump:
    """A whole RRD in rrdtool's dump format (the XML of `/host_rrd` and `/vm_rrd`).

    Raises:
        MalformedMetrics: not an RRD dump, or archives whose rows do not fit its sources.
    """
    root = _xml_root(body, "rrd")
    step = int(_field(root.findtext("step"), "step"))
    last_update = int(_field(root.findtext("lastupdate"), "last update"))
    if step <= 0:
        raise MalformedMetrics(f"the RRD step must be positive, not {step}")
    names = [(ds.findtext("name") or "").strip() for ds in root.iterfind("ds")]
    archives = []
    for n, rra in enumerate(root.iterfind("rra")):
        pdp = int(_field(rra.findtext("pdp_per_row"), f"archive {n} rows per step"))
        stride = step * max(1, pdp)
        rows = [[v.text or "" for v in row.iterfind("v")]
                for row in rra.iterfind("database/row")]
        matrix = np.empty((len(rows), len(names)), dtype=np.float64)
        for i, row in enumerate(rows):
            if len(row) != len(names):
                raise MalformedMetrics(f"archive {n} row {i} has {len(row)} values for "
                                       f"{len(names)} data sources")
            try:
                matrix[i] = [number(v) for v in row]
            except ValueError as exc:
                raise MalformedMetrics(f"archive {n} row {i}: {exc}") from None
        newest = last_update - last_update % stride
        times = newest - stride * np.arange(len(rows) - 1, -1, -1, dtype=np.float64)
        archives.append(Archive((rra.findtext("cf") or "").strip(), stride, times,
                                matrix.T.copy()))
    return Dump(step, last_update, names, archives)
