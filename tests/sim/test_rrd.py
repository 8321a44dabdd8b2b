"""GET /rrd_updates, /host_rrd, /vm_rrd and /sr_rrd of the simulator, over real sockets."""

from __future__ import annotations

import base64
import http.client
import json
import re
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from xapiman.sim import metrics, routes_rrd

pytestmark = pytest.mark.timeout(60)

LEGEND = re.compile(r"AVERAGE:(host|vm|sr):([0-9a-f-]{36}):([A-Za-z0-9_]+)\Z")
NUMBER = re.compile(r"0\.0|-?\d+(\.\d+)?(e[-+]\d+)?|NaN|-?Infinity\Z")


def get(url: str, path: str, headers: dict[str, str] | None = None):
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def xport(url: str, sid: str, query: str, headers: dict[str, str] | None = None) -> ET.Element:
    status, _h, body = get(url, f"/rrd_updates?session_id={sid}&{query}", headers)
    assert status == 200, body
    return ET.fromstring(body)


def legend_of(doc: ET.Element) -> list[str]:
    return [e.text or "" for e in doc.find("meta/legend")]


def rows_of(doc: ET.Element) -> list[tuple[int, list[str]]]:
    return [(int(r.findtext("t")), [v.text or "" for v in r.findall("v")])
            for r in doc.find("data")]


@pytest.fixture
def sid(session) -> str:
    return session._session


def live_vms_on(db, host: str) -> set[str]:
    return {rec["uuid"] for rec in db.all("VM").values()
            if rec["resident_on"] == host and rec["power_state"] in ("Running", "Paused")}


def test_start_is_required_and_a_session_too(pool, sid):
    assert get(pool.url, f"/rrd_updates?session_id={sid}")[0] == 400
    assert get(pool.url, f"/rrd_updates?session_id={sid}&start=soon")[0] == 400
    assert get(pool.url, "/rrd_updates?start=-10")[0] == 401
    assert get(pool.url, "/rrd_updates?start=-10&session_id=OpaqueRef:nope")[0] == 401


def test_basic_auth_uses_a_temporary_session(pool):
    before = len(pool.db.all("session"))
    auth = base64.b64encode(f"{pool.user}:{pool.password}".encode()).decode()
    status, _h, body = get(pool.url, "/rrd_updates?start=-10&host=true",
                           {"Authorization": f"Basic {auth}"})
    assert status == 200 and body.startswith(b"<?xml")
    deadline = time.monotonic() + 5  # the temporary session ends just after the answer
    while len(pool.db.all("session")) != before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(pool.db.all("session")) == before
    wrong = base64.b64encode(f"{pool.user}:bad".encode()).decode()
    assert get(pool.url, "/rrd_updates?start=-10", {"Authorization": f"Basic {wrong}"})[0] == 401


def test_xport_layout_newest_row_first(pool, sid):
    doc = xport(pool.url, sid, "start=-300&host=true&cf=AVERAGE&interval=5")
    meta = doc.find("meta")
    legend = legend_of(doc)
    rows = rows_of(doc)
    step, end = int(meta.findtext("step")), int(meta.findtext("end"))
    assert step == 5 and end % 5 == 0 and abs(end - time.time()) < 10
    assert int(meta.findtext("rows")) == len(rows) >= 59
    assert int(meta.findtext("columns")) == len(legend)
    assert int(meta.findtext("start")) <= rows[-1][0] + step
    assert [t for t, _ in rows] == [end - i * step for i in range(len(rows))]
    for _t, values in rows:
        assert len(values) == len(legend)
        assert all(NUMBER.match(v) for v in values), values
    for entry in legend:
        assert LEGEND.match(entry), entry
    host_uuid = pool.db.get(pool.sim.coordinator, "host")["uuid"]
    assert f"AVERAGE:host:{host_uuid}:cpu0" in legend
    assert f"AVERAGE:host:{host_uuid}:memory_free_kib" in legend
    assert f"AVERAGE:host:{host_uuid}:pif_eth0_rx" in legend


def test_each_host_reports_only_its_resident_vms(pool, sid):
    halted = {r["uuid"] for r in pool.db.all("VM").values() if r["power_state"] == "Halted"}
    seen: set[str] = set()
    for host, server in pool.sim.servers.items():
        doc = xport(server.url(), sid, "start=-20")
        uuids = {LEGEND.match(e).group(2) for e in legend_of(doc)}
        assert uuids == live_vms_on(pool.db, host)
        assert not uuids & halted
        assert not any(e.startswith("AVERAGE:host:") for e in legend_of(doc))
        seen |= uuids
    assert len(seen) >= 10  # control domains and running guests of both hosts


def test_vm_filter_and_vm_data_sources(pool, sid):
    db = pool.db
    vm, rec = next((r, v) for r, v in db.all("VM").items()
                   if v["power_state"] == "Running" and not v["is_control_domain"]
                   and v["resident_on"] == pool.sim.coordinator)
    doc = xport(pool.url, sid, f"start=-30&vm_uuid={rec['uuid']}")
    names = {LEGEND.match(e).group(3) for e in legend_of(doc)}
    assert {e.split(":")[2] for e in legend_of(doc)} == {rec["uuid"]}
    assert {"cpu0", "cpu_usage", "memory", "memory_target", "vif_0_rx", "vif_0_tx",
            "vbd_xvda_read", "vbd_xvda_write", "vbd_xvda_read_latency"} <= names
    row = dict(zip(legend_of(doc), rows_of(doc)[0][1], strict=True))
    assert float(row[f"AVERAGE:vm:{rec['uuid']}:memory"]) == rec["memory_target"]
    assert 0.0 <= float(row[f"AVERAGE:vm:{rec['uuid']}:cpu0"]) <= 1.0


def test_values_move_and_the_past_stays_put(pool, sid):
    first = xport(pool.url, sid, "start=-600&host=true")
    legend = legend_of(first)
    rows = rows_of(first)
    assert len(rows) >= 100
    cpu = legend.index(next(e for e in legend if e.startswith("AVERAGE:vm:") and e.endswith(":cpu0")))
    series = [float(values[cpu]) for _t, values in rows]
    assert len(set(series)) > len(series) // 2  # it moves
    second = dict(rows_of(xport(pool.url, sid, "start=-600&host=true")))
    common = [(t, v) for t, v in rows if t in second]
    assert len(common) >= 100 and all(second[t] == v for t, v in common)


def test_host_memory_matches_resident_vms(pool, sid):
    db, host = pool.db, pool.sim.coordinator
    doc = xport(pool.url, sid, "start=-10&host=true&vm_uuid=none")
    uuid = db.get(host, "host")["uuid"]
    row = dict(zip(legend_of(doc), rows_of(doc)[0][1], strict=True))
    total = db.get(db.get(host, "host")["metrics"], "host_metrics")["memory_total"]
    used = db.get(host, "host")["memory_overhead"] + sum(
        r["memory_target"] for r in db.all("VM").values()
        if r["resident_on"] == host and r["power_state"] in ("Running", "Paused"))
    assert float(row[f"AVERAGE:host:{uuid}:memory_total_kib"]) == total // 1024
    assert float(row[f"AVERAGE:host:{uuid}:memory_free_kib"]) == (total - used) // 1024
    cpus = [float(v) for k, v in row.items() if re.search(r":cpu\d+\Z", k)]
    assert float(row[f"AVERAGE:host:{uuid}:cpu_avg"]) == pytest.approx(sum(cpus) / len(cpus))


def test_json_by_flag_or_accept_header(pool, sid):
    for query, headers in (("start=-60&host=true&json", {}),
                           ("start=-60&host=true", {"Accept": "application/json"})):
        status, hdrs, body = get(pool.url, f"/rrd_updates?session_id={sid}&{query}", headers)
        assert status == 200 and hdrs["content-type"] == "application/json"
        doc = json.loads(body)
        meta = doc["meta"]
        assert isinstance(meta["start"], int) and meta["step"] == 5
        assert meta["rows"] == len(doc["data"]) and meta["columns"] == len(meta["legend"])
        times = [row["t"] for row in doc["data"]]
        assert times == sorted(times, reverse=True)
        assert all(isinstance(v, str) for row in doc["data"] for v in row["values"])
    status, hdrs, _ = get(pool.url, f"/rrd_updates?session_id={sid}&start=-60&host=true",
                          {"Accept": "text/xml, application/json;q=0.5"})
    assert hdrs["content-type"] == "text/xml"


def test_interval_and_start_pick_the_archive(pool, sid):
    minute = xport(pool.url, sid, "start=-3600&host=true&interval=60")
    assert minute.findtext("meta/step") == "60"
    assert 59 <= len(rows_of(minute)) <= 61
    hour = xport(pool.url, sid, f"start={int(time.time()) - 86400 * 2}&host=true")
    assert hour.findtext("meta/step") == "3600"
    day = xport(pool.url, sid, "start=-864000&host=true&interval=86400")
    assert day.findtext("meta/step") == "86400"


def test_sr_filter(pool, sid):
    db = pool.db
    shared = next(r["uuid"] for r in db.all("SR").values() if r["type"] == "nfs")
    doc = xport(pool.url, sid, f"start=-20&vm_uuid=none&sr_uuid={shared}")
    assert {e.split(":")[1:3] == ["sr", shared] for e in legend_of(doc)} == {True}
    assert f"AVERAGE:sr:{shared}:io_throughput_read" in legend_of(doc)


def test_full_rrd_dumps(pool, sid):
    status, _h, body = get(pool.url, f"/host_rrd?session_id={sid}")
    assert status == 200
    rrd = ET.fromstring(body)
    names = [d.findtext("name") for d in rrd.findall("ds")]
    assert "cpu_avg" in names and rrd.findtext("step") == "5"
    archives = rrd.findall("rra")
    assert [int(a.findtext("pdp_per_row")) for a in archives] == [1, 12, 720, 17280]
    assert [len(a.findall("database/row")) for a in archives] == [120, 120, 168, 366]
    assert all(len(r.findall("v")) == len(names) for r in archives[0].findall("database/row"))

    db = pool.db
    coordinator = pool.sim.coordinator
    here = next(r for r in db.all("VM").values()
                if r["power_state"] == "Running" and r["resident_on"] == coordinator)
    status, _h, body = get(pool.url, f"/vm_rrd?session_id={sid}&uuid={here['uuid']}")
    assert status == 200 and ET.fromstring(body).find("ds/name").text == "cpu0"
    there = next(r for r in db.all("VM").values()
                 if r["power_state"] == "Running" and r["resident_on"] != coordinator)
    status, headers, _ = get(pool.url, f"/vm_rrd?session_id={sid}&uuid={there['uuid']}")
    address = db.get(there["resident_on"], "host")["address"]
    assert status == 302 and headers["location"].startswith(f"http://{address}/vm_rrd?")
    halted = next(r for r in db.all("VM").values() if r["power_state"] == "Halted")
    assert get(pool.url, f"/vm_rrd?session_id={sid}&uuid={halted['uuid']}")[0] == 404


def test_metrics_are_deterministic_per_object_and_time():
    wave = metrics.Wave(0.3, metrics.seed_of("some-uuid", "cpu0"), 0.5, 0.3, 0.0, 0.0, 1.0)
    again = metrics.Wave(0.3, metrics.seed_of("some-uuid", "cpu0"), 0.5, 0.3, 0.0, 0.0, 1.0)
    other = metrics.Wave(0.3, metrics.seed_of("other-uuid", "cpu0"), 0.5, 0.3, 0.0, 0.0, 1.0)
    times = [1_700_000_000 + 5 * i for i in range(50)]
    assert [wave.at(t, 5) for t in times] == [again.at(t, 5) for t in times]
    assert [wave.at(t, 5) for t in times] != [other.at(t, 5) for t in times]
    hourly = [wave.at(1_700_000_000 + 3600 * i, 3600) for i in range(24)]
    assert all(0.0 <= v <= 1.0 for v in hourly) and len(set(hourly)) > 12


def test_xport_rows_follow_rrd_updates_rules():
    source = metrics.DataSource("x", "", metrics.Const(1.5))
    rrd = routes_rrd.Rrd("host:0000:", [source])
    for base in (1_800_000_000, 1_800_000_003, 1_800_000_004):
        updated = metrics.last_update(base)
        doc = routes_rrd.xport([rrd], -600, 0, updated)
        assert doc.step == 5 and len(doc.rows) == 120
        assert doc.rows[0][0] == doc.end == int(updated) - int(updated) % 5
        assert doc.rows[-1][0] == doc.end - 595 and doc.start == doc.end - 595
    assert routes_rrd.xport([rrd], -601, 0, metrics.last_update(1_800_000_000)).step == 60
    assert routes_rrd.xport([rrd], -600, 60, metrics.last_update(1_800_000_000)).step == 60
    assert routes_rrd.f_to_s(0.0) == "0.0" and routes_rrd.f_to_s(float("nan")) == "NaN"
    assert routes_rrd.f_to_s(1 / 3) == "0.333333333333333"
    assert routes_rrd.f_to_s(-float("inf")) == "-Infinity"
