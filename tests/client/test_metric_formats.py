"""Reading rrd_updates (JSON and XML) and RRD dumps; what data sources mean and their units."""

from __future__ import annotations

import contextlib
import http.client
import math
from collections.abc import Iterator
from urllib.parse import urlsplit

import numpy as np
import pytest

from xapiman.xapi import datasources
from xapiman.xapi.datasources import Unit, format_value, load_figures, meaning
from xapiman.xapi.metricstore import MetricStore, Ring
from xapiman.xapi.rrd import Column, MalformedMetrics, parse_dump, parse_updates

VM = "ecd8d7a0-1be3-4d91-bd0e-4888c0e30ab3"

# reference/xapi.md section 6.2, with the second row written out
XAPI_MD_SAMPLE = f"""<?xml version="1.0" encoding="UTF-8"?>
<xport>
 <meta>
  <start>1718000000</start><step>5</step><end>1718000600</end>
  <rows>120</rows><columns>3</columns>
  <legend>
   <entry>AVERAGE:host:7d9c…:cpu0</entry>
   <entry>AVERAGE:vm:{VM}:cpu0</entry>
   <entry>AVERAGE:vm:{VM}:memory</entry>
  </legend>
 </meta>
 <data>
  <row><t>1718000600</t><v>0.0123</v><v>0.0282</v><v>209715200.0</v></row>
  <row><t>1718000595</t><v>0.0</v><v>NaN</v><v>209715200.0</v></row>
 </data>
</xport>""".encode()


def test_the_reference_sample_reads_oldest_first_with_its_gap():
    doc = parse_updates(XAPI_MD_SAMPLE)
    assert (doc.start, doc.step, doc.end) == (1718000000, 5, 1718000600)
    assert doc.columns == [Column("AVERAGE", "host", "7d9c…", "cpu0"),
                           Column("AVERAGE", "vm", VM, "cpu0"),
                           Column("AVERAGE", "vm", VM, "memory")]
    assert doc.times.tolist() == [1718000595, 1718000600]  # rows arrive newest first
    assert doc.values[0].tolist() == [0.0, 0.0123]
    assert math.isnan(doc.values[1][0]) and doc.values[1][1] == 0.0282
    assert doc.objects() == {("host", "7d9c…"): {"cpu0": 0},
                             ("vm", VM): {"cpu0": 1, "memory": 2}}


def test_the_json_form_with_string_values_and_infinities():
    body = (b'{"meta":{"start":100,"step":60,"end":220,"rows":2,"columns":2,'
            b'"legend":["AVERAGE:vm:' + VM.encode() + b':cpu_usage",'
            b'"AVERAGE:vm:' + VM.encode() + b':vif_0_rx"]},'
            b'"data":[{"t":220,"values":["0.5","Infinity"]},'
            b'{"t":160,"values":["-Infinity","NaN"]}]}')
    doc = parse_updates(body)
    assert doc.step == 60 and doc.end == 220
    assert doc.times.tolist() == [160.0, 220.0]
    assert doc.values[0].tolist() == [-math.inf, 0.5]
    assert math.isnan(doc.values[1][0]) and doc.values[1][1] == math.inf


def test_both_forms_of_one_answer_agree(pool):
    """The simulator's JSON and XML answers for the same rows give the same columns."""
    host = next(iter(pool.db.all("host").values()))
    parts = urlsplit(pool.url)
    with _login(pool) as session:
        path = f"/rrd_updates?session_id={session}&start=-60&host=true&cf=AVERAGE&interval=5"
        as_xml = parse_updates(_get(parts, path))
        as_json = parse_updates(_get(parts, path + "&json"))
    assert as_json.columns == as_xml.columns
    assert host["uuid"] in {c.uuid for c in as_json.columns if c}
    # "the last 60 s" moves on by a 5 s row when a step ends between the two requests (on a
    # loaded machine it does): the rows both answers hold must agree, and be all but one
    rows, in_json, in_xml = np.intersect1d(as_json.times, as_xml.times, return_indices=True)
    assert len(rows) >= max(len(as_json.times), len(as_xml.times)) - 1 >= 10
    assert np.allclose(as_json.values[:, in_json], as_xml.values[:, in_xml], equal_nan=True)


@pytest.mark.parametrize("body, why", [
    (b"", "neither JSON nor XML"),
    (b"{nope", "not valid JSON"),
    (b'{"meta":{"start":1,"step":5,"end":2,"legend":["AVERAGE:vm:u:cpu0"]},'
     b'"data":[{"t":1,"values":["1","2"]}]}', "row 0 has 2 values for 1 legend"),
    (b'{"meta":{"start":1,"step":5,"end":2,"legend":["AVERAGE:vm:u:cpu0"]},'
     b'"data":[{"t":1,"values":["lots"]}]}', "row 0"),
    (b'{"meta":{"start":1,"step":0,"end":2,"legend":[]},"data":[]}', "step must be positive"),
    (b'{"meta":{"start":"x","step":5,"end":2,"legend":[]},"data":[]}', "start is not a number"),
    (b"<xport><meta/></xport>", "no <meta> or no <data>"),
    (b"<rrd/>", "not <xport>"),
    (b"<xport><meta>", "not valid XML"),
])
def test_malformed_answers_say_what_is_wrong(body, why):
    with pytest.raises(MalformedMetrics, match=why):
        parse_updates(body)


def test_unknown_legend_entries_are_skipped_not_fatal():
    body = (b'{"meta":{"start":0,"step":5,"end":5,"legend":["AVERAGE:pool:x:y","bad",'
            b'"AVERAGE:vm:' + VM.encode() + b':cpu0"]},"data":[{"t":5,"values":["1","2","3"]}]}')
    doc = parse_updates(body)
    assert doc.columns[:2] == [None, None]
    assert doc.objects() == {("vm", VM): {"cpu0": 2}}


def test_a_whole_rrd_dump_from_the_simulator(pool):
    parts = urlsplit(pool.url)
    with _login(pool) as session:
        dump = parse_dump(_get(parts, f"/host_rrd?session_id={session}"))
    assert dump.step == 5
    assert {"cpu0", "cpu_avg", "memory_total_kib", "pif_aggr_rx"} <= set(dump.names)
    steps = [(a.step, len(a.times)) for a in dump.archives]
    assert steps == [(5, 120), (60, 120), (3600, 168), (86400, 366)]
    hourly = dump.archive(3600)
    assert hourly is not None and hourly.values.shape == (len(dump.names), 168)
    assert np.all(np.diff(hourly.times) == 3600)
    assert hourly.times[-1] <= dump.last_update
    with pytest.raises(MalformedMetrics, match="not <rrd>"):
        parse_dump(XAPI_MD_SAMPLE)


def test_units_and_labels():
    assert meaning("vm", "cpu3").unit is Unit.FRACTION and meaning("vm", "cpu3").group == "cpu"
    free = meaning("vm", "memory_internal_free")
    assert (free.unit, free.factor) == (Unit.BYTES, 1024.0)
    assert meaning("host", "memory_total_kib").factor == 1024.0
    sr = meaning("host", "io_throughput_read_1a2b3c4d")
    assert (sr.unit, sr.factor, sr.group, sr.device) == (Unit.BYTES_PER_S, 1048576.0, "disk",
                                                          "1a2b3c4d")
    assert meaning("vm", "vbd_xvda_write").device == "xvda"
    assert meaning("vm", "vif_1_tx").group == "network"
    assert meaning("host", "pif_eth0_rx").label == "eth0 receive"
    assert meaning("vm", "vbd_xvda_read_latency").factor == 1e-6
    assert format_value(0.4213, Unit.FRACTION) == "42.1 %"
    assert format_value(3 * 1024**3, Unit.BYTES) == "3.0 GiB"
    assert format_value(2_500_000, Unit.BYTES_PER_S) == "2.5 MB/s"
    assert format_value(math.nan, Unit.BYTES) == "–"
    assert format_value(0.0004, Unit.SECONDS) == "400 μs"


def test_load_figures_of_a_vm_and_a_host():
    one = np.array([1.0, 2.0])
    vm = load_figures("vm", {"cpu0": np.array([0.2, 0.4]), "cpu1": np.array([0.4, 0.6]),
                             "memory": np.array([4096.0, 4096.0]),
                             "memory_internal_free": np.array([1.0, 2.0]),
                             "vbd_xvda_read": one, "vbd_xvda_write": one,
                             "vbd_xvda_read_latency": one * 100,
                             "vif_0_rx": one, "vif_0_tx": one * 3})
    assert vm[datasources.CPU].tolist() == pytest.approx([0.3, 0.5])  # mean of the vCPUs
    assert vm[datasources.MEMORY].tolist() == [3072.0, 2048.0]  # minus the guest's free KiB
    assert vm[datasources.DISK].tolist() == [2.0, 4.0]  # latency is not throughput
    assert vm[datasources.NETWORK].tolist() == [4.0, 8.0]
    host = load_figures("host", {"cpu_avg": one / 4, "memory_total_kib": one * 8,
                                 "memory_free_kib": one * 2, "io_throughput_total_1a2b3c4d": one,
                                 "io_throughput_read_1a2b3c4d": one,
                                 "pif_aggr_rx": one, "pif_aggr_tx": one, "pif_eth0_rx": one})
    assert host[datasources.MEMORY].tolist() == [6144.0, 12288.0]
    assert host[datasources.MEMORY_TOTAL].tolist() == [8192.0, 16384.0]
    assert host[datasources.DISK].tolist() == [1048576.0, 2097152.0]
    assert host[datasources.NETWORK].tolist() == [2.0, 4.0]


def test_a_ring_keeps_the_newest_rows_and_marks_time_gaps():
    ring = Ring(5, 6)
    ring.add(np.array([100.0, 105.0, 110.0]), {"cpu0": np.array([1.0, 2.0, 3.0])})
    assert ring.add(np.array([105.0, 110.0]), {"cpu0": np.array([9.0, 9.0])}) == 0  # repeats
    ring.add(np.array([130.0, 135.0]), {"cpu0": np.array([4.0, 5.0])})  # 15 s of silence
    times, values = ring.series("cpu0")
    assert times.tolist() == [100, 105, 110, 115, 130, 135]
    assert math.isnan(values[3]) and values[[0, 1, 2, 4, 5]].tolist() == [1, 2, 3, 4, 5]
    ring.add(np.array([140.0]), {"cpu0": np.array([6.0]), "cpu1": np.array([0.5])})
    times, values = ring.series("cpu0")
    assert times.tolist() == [105, 110, 115, 130, 135, 140]  # the oldest went
    assert ring.latest("cpu0") == 6.0 and ring.latest("cpu1") == 0.5
    assert math.isnan(ring.series("cpu1")[1][0])  # a new source has no past


def test_the_store_keeps_details_only_for_watched_objects():
    doc = parse_updates(XAPI_MD_SAMPLE)
    store = MetricStore()
    assert store.ingest(doc, detail={VM}) == {"7d9c…", VM}
    assert "cpu0" in store.names(VM) and "cpu0" not in store.names("7d9c…")
    assert store.latest(VM, datasources.CPU) == pytest.approx(0.0282)
    assert store.latest(VM, datasources.MEMORY) == 209715200.0
    assert store.ingest(doc) == set()  # nothing new


@contextlib.contextmanager
def _login(pool) -> Iterator[str]:
    """A session id for the side channels; logged out and closed afterwards."""
    import XenAPI

    session = XenAPI.Session(pool.url)
    session.xenapi.login_with_password(pool.user, pool.password, "2.21", "xapiman-tests")
    try:
        yield session._session
    finally:
        session.xenapi.session.logout()
        session("close")()


def _get(parts, path: str) -> bytes:
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        assert response.status == 200, body
        return body
    finally:
        conn.close()
