"""Metrics side channels: GET /rrd_updates (xport XML or JSON), /host_rrd, /vm_rrd, /sr_rrd.

Every host answers for itself: its own RRD, those of the VMs that have a domain on it and of
the SRs it has a PBD for. Values come from `xapiman.sim.metrics`; the archives are xcp-rrdd's
(5 s x 120, 1 min x 120, 1 h x 168, 1 day x 366, AVERAGE only) and the choice of archive and
of rows follows rrd_updates.ml (reference/xapi.md 6).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass

from xapiman.sim import metrics
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.routes import Request, route
from xapiman.sim.wire.xmlrpc import escape

# (primary data points per row, rows), finest first, as xcp-rrdd creates them
ARCHIVES: tuple[tuple[int, int], ...] = ((1, 120), (12, 120), (720, 168), (17280, 366))
CF = "AVERAGE"
_CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "X-Requested-With"}


@dataclass
class Rrd:
    """The data of one object: its legend prefix ("vm:<uuid>:") and data sources."""

    prefix: str
    sources: list[metrics.DataSource]


def f_to_s(value: float) -> str:
    """A value as xcp-rrdd prints it: %0.15g, zero as 0.0, NaN, Infinity, -Infinity."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0.0"
    return f"{value:0.15g}"


def choose_archive(start: int, interval: int, last_updated: float) -> tuple[int, int]:
    """The first archive at least `interval` coarse whose span reaches back to `start`, else
    the longest (rrd.ml find_best_rras)."""
    pdp_interval = interval // metrics.STEP
    last_pdp = int(last_updated) - int(last_updated) % metrics.STEP
    for pdp, rows in ARCHIVES:
        if pdp >= pdp_interval and start > last_pdp - metrics.STEP * rows * pdp:
            return pdp, rows
    return ARCHIVES[-1]


@dataclass
class Xport:
    """An rrd_updates answer: newest row first."""

    start: int
    step: int
    end: int
    legend: list[str]
    rows: list[tuple[int, list[float]]]

    def to_xml(self) -> bytes:
        out = ['<?xml version="1.0" encoding="UTF-8"?><xport><meta>',
               f"<start>{self.start}</start><step>{self.step}</step><end>{self.end}</end>",
               f"<rows>{len(self.rows)}</rows><columns>{len(self.legend)}</columns><legend>"]
        out += [f"<entry>{escape(name)}</entry>" for name in self.legend]
        out.append("</legend></meta><data>")
        for t, values in self.rows:
            out.append(f"<row><t>{t}</t>")
            out += [f"<v>{f_to_s(v)}</v>" for v in values]
            out.append("</row>")
        out.append("</data></xport>")
        return "".join(out).encode()

    def to_json(self) -> bytes:
        doc = {"meta": {"start": self.start, "step": self.step, "end": self.end,
                        "rows": len(self.rows), "columns": len(self.legend),
                        "legend": self.legend},
               "data": [{"t": t, "values": [f_to_s(v) for v in values]}
                        for t, values in self.rows]}
        return json.dumps(doc, separators=(",", ":")).encode()


def xport(rrds: list[Rrd], start: int, interval: int, last_updated: float) -> Xport:
    """The rows of every source of `rrds` from `start` (negative: relative) to the last update."""
    if start < 0:
        start += int(last_updated)
    pdp, row_count = choose_archive(start, interval, last_updated)
    step = metrics.STEP * pdp
    last = int(last_updated) - int(last_updated) % step
    first = start - start % step + step
    legend = [f"{CF}:{rrd.prefix}{ds.name}" for rrd in rrds for ds in rrd.sources]
    signals = [ds for rrd in rrds for ds in rrd.sources]
    rows = []
    for i in range(row_count):
        t = last - i * step
        if t < start:
            break
        rows.append((t, [ds.at(t, step) for ds in signals]))
    return Xport(first, step, last, legend, rows)


# -- which objects a host answers for -----------------------------------------------------------


def host_rrd(db: Database, host: str) -> Rrd:
    return Rrd(f"host:{db.get(host, 'host')['uuid']}:", metrics.host_sources(db, host))


def vm_rrds(db: Database, host: str, uuids: list[str] | None) -> list[Rrd]:
    """The RRDs of the VMs with a domain on `host` (only those in `uuids` when given)."""
    found = []
    for vm, rec in metrics.resident_vms(db, host):
        if uuids is None or rec["uuid"] in uuids:
            found.append(Rrd(f"vm:{rec['uuid']}:", metrics.vm_sources(db, vm)))
    return found


def sr_rrds(db: Database, host: str, uuids: list[str]) -> list[Rrd]:
    """The RRDs of the SRs `host` has a PBD for, among `uuids` ("all" for every one)."""
    found = []
    for pbd in db.get(host, "host").get("PBDs", []):
        pbd_rec = db.find(pbd, "PBD")
        sr_rec = db.find(pbd_rec["SR"], "SR") if pbd_rec else None
        if sr_rec is not None and ("all" in uuids or sr_rec["uuid"] in uuids):
            found.append(Rrd(f"sr:{sr_rec['uuid']}:", metrics.sr_sources(db, pbd_rec["SR"])))
    return found


def wants_json(request: Request) -> bool:
    """JSON when the `json` flag is present or the Accept header prefers it; as xapi since
    23.17 a bare */* counts for JSON."""
    if "json" in request.query:
        return True
    accept = request.handler.headers.get("Accept")
    if not accept:
        return False
    best: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        kind = {"application/json": "json", "text/xml": "xml", "application/xml": "xml",
                "*/*": "any", "application/*": "any", "text/*": "xml"}.get(media.lower())
        if kind is not None and kind not in best:
            best[kind] = q
    if "json" in best or "xml" in best:
        return best.get("json", -1.0) > best.get("xml", -1.0) and best.get("json", 0.0) > 0
    return best.get("any", 0.0) > 0


# -- handlers ---------------------------------------------------------------------------------


def _all_or(values: list[str] | None) -> list[str] | None:
    """A uuid filter: None (every object) when absent or "all"; [] for "none"."""
    if values is None or "all" in values:
        return None
    return [] if "none" in values else values


@route("GET", "/rrd_updates")
def rrd_updates(request: Request) -> None:
    with request.authenticated():
        try:
            start = int(request.arg("start", "") or "")
            interval = int(request.arg("interval", "0") or "0")
        except ValueError:
            request.reply(400, b"Bad Request: start (and interval) must be integers")
            return
        if request.arg("cf", CF) in ("MIN", "MAX", "LAST"):
            request.reply(500, b"Internal Server Error: No_RRA_Available")
            return
        db = request.sim.db
        with db.lock:
            rrds = [host_rrd(db, request.host)] if request.arg("host") == "true" else []
            rrds += vm_rrds(db, request.host, _all_or(request.query.get("vm_uuid")))
            rrds += sr_rrds(db, request.host, request.query.get("sr_uuid", []))
        if not rrds:
            request.reply(500, b"Internal Server Error: No_RRA_Available")
            return
        doc = xport(rrds, start, interval, metrics.last_update())
        if wants_json(request):
            request.reply(200, doc.to_json(), "application/json", _CORS)
        else:
            request.reply(200, doc.to_xml(), "text/xml", _CORS)


def dump(sources: list[metrics.DataSource], last_updated: float) -> bytes:
    """A whole RRD in rrdtool's dump format (every archive, oldest row first)."""
    lastupdate = int(last_updated)
    out = ['<?xml version="1.0" encoding="UTF-8"?><rrd><version>0003</version>',
           f"<step>{metrics.STEP}</step><lastupdate>{lastupdate}</lastupdate>"]
    for ds in sources:
        value = ds.at(lastupdate)
        out.append(f"<ds><name>{escape(ds.name)}</name><type>GAUGE</type>"
                   "<minimal_heartbeat>300.0000</minimal_heartbeat>"
                   f"<min>{f_to_s(ds.lo)}</min><max>{f_to_s(ds.hi)}</max>"
                   f"<last_ds>{f_to_s(value)}</last_ds><value>{f_to_s(value)}</value>"
                   "<unknown_sec>0</unknown_sec></ds>")
    for pdp, rows in ARCHIVES:
        out += list(_dump_archive(sources, lastupdate, pdp, rows))
    out.append("</rrd>")
    return "".join(out).encode()


def _dump_archive(sources: list[metrics.DataSource], lastupdate: int, pdp: int,
                  rows: int) -> Iterator[str]:
    step = metrics.STEP * pdp
    last = lastupdate - lastupdate % step
    yield f"<rra><cf>{CF}</cf><pdp_per_row>{pdp}</pdp_per_row><params><xff>0.5</xff></params>"
    yield "<cdp_prep>"
    for ds in sources:
        yield (f"<ds><primary_value>{f_to_s(ds.at(lastupdate))}</primary_value>"
               "<secondary_value>0.0</secondary_value><value>0.0</value>"
               "<unknown_datapoints>0</unknown_datapoints></ds>")
    yield "</cdp_prep><database>"
    for i in range(rows - 1, -1, -1):
        t = last - i * step
        yield "<row>" + "".join(f"<v>{f_to_s(ds.at(t, step))}</v>" for ds in sources) + "</row>"
    yield "</database></rra>"


def _send_dump(request: Request, sources: list[metrics.DataSource]) -> None:
    request.reply(200, dump(sources, metrics.last_update()), "text/xml", _CORS)


def _redirect(request: Request, host: str) -> None:
    scheme = "https" if request.sim.ssl_context is not None else "http"
    address = request.sim.db.get(host, "host")["address"]
    request.reply(302, b"", headers={"Location": f"{scheme}://{address}{request.handler.path}"})


@route("GET", "/host_rrd")
def host_rrd_dump(request: Request) -> None:
    with request.authenticated():
        db = request.sim.db
        with db.lock:
            sources = metrics.host_sources(db, request.host)
        _send_dump(request, sources)


@route("GET", "/vm_rrd")
def vm_rrd_dump(request: Request) -> None:
    """A running VM's RRD from the host it runs on (others redirect there); a halted VM has
    none."""
    with request.authenticated():
        db = request.sim.db
        with db.lock:
            vm = _lookup(db, "VM", request.arg("uuid"))
            rec = db.find(vm, "VM") if vm else None
            if rec is None or not metrics.vm_is_live(rec):
                request.reply(404, b"Not Found: no RRD for this VM")
                return
            if rec["resident_on"] != request.host:
                _redirect(request, rec["resident_on"])
                return
            sources = metrics.vm_sources(db, vm)
        _send_dump(request, sources)


@route("GET", "/sr_rrd")
def sr_rrd_dump(request: Request) -> None:
    with request.authenticated():
        db = request.sim.db
        with db.lock:
            sr = _lookup(db, "SR", request.arg("uuid"))
            rrds = sr_rrds(db, request.host, [db.get(sr, "SR")["uuid"]]) if sr else []
        if not rrds:
            request.reply(404, b"Not Found: no RRD for this SR on this host")
            return
        _send_dump(request, rrds[0].sources)


def _lookup(db: Database, cls: str, uuid: str | None) -> str | None:
    if not uuid:
        return None
    try:
        return db.by_uuid(cls, uuid)
    except Failure:
        return None
