"""Performance tabs and the dashboard against a simulated pool: graphs that move, ranges,
series, pause, exports, hover, a host that stops answering; pictures in artifacts/perf-*.png."""

from __future__ import annotations

import asyncio
import csv
import time

import numpy as np
import pytest

from tests.gui.test_tabs import CONN, Recorder
from xapiman.gui.perf.dashboard import Dashboard, DashboardWindow, KeyRole, LoadTableModel
from xapiman.gui.perf.feed import MetricsFeed
from xapiman.gui.screenshot import save_screenshot
from xapiman.gui.tabs import TabContext
from xapiman.gui.tabs.dashboard import DashboardPage
from xapiman.gui.tabs.performance import PerformancePage
from xapiman.sim.testing import running_pool
from xapiman.xapi import datasources
from xapiman.xapi.connection import Connection

pytestmark = [pytest.mark.gui, pytest.mark.timeout(90)]


@pytest.fixture(scope="module")
def pool():
    with running_pool(2, 16) as p:
        conn = Connection(p.url, p.user, p.password)
        conn.connect(30)
        try:
            yield p, conn
        finally:
            conn.close()


@pytest.fixture
def feed(qapp):
    made = MetricsFeed()
    yield made
    made.close()


@pytest.fixture
def ctx(pool, feed):
    _p, conn = pool
    return TabContext(Recorder(), lambda _n, _r: None,
                      lambda name: conn if name == CONN else None, feed)


def running_vm(db) -> str:
    """The first running VM by name that has a disk and a network interface."""
    def has_disk(rec) -> bool:
        return any(db.get(vbd, "VBD")["type"] == "Disk" and not db.get(vbd, "VBD")["empty"]
                   for vbd in rec["VBDs"])

    return min((rec["name_label"], ref) for ref, rec in db.all("VM").items()
               if rec["power_state"] == "Running" and not rec["is_control_domain"]
               and has_disk(rec) and rec["VIFs"])[1]


def open_page(qtbot, cls, ctx, conn, kind: str, ref: str):
    page = cls(ctx)
    qtbot.addWidget(page)
    page.resize(960, 900)
    page.show_object(CONN, conn.cache, kind, ref)
    page.show()
    qtbot.waitExposed(page)
    return page


def drawn(graph, name: str) -> np.ndarray:
    item = graph._items.get(name)
    return item.getData()[1] if item is not None else np.empty(0)


def test_vm_graphs_move_and_stop_fetching_when_hidden(qtbot, pool, ctx, feed, artifacts_dir):
    p, conn = pool
    vm = running_vm(p.db)
    page = open_page(qtbot, PerformancePage, ctx, conn, "vm", vm)
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    assert set(page.graphs) == {"cpu", "memory", "disk", "network"}
    cpu = page.graphs["cpu"]
    vcpus = int(p.db.get(p.db.get(vm, "VM")["metrics"], "VM_metrics")["VCPUs_number"])
    assert [s.name for s in cpu.specs] == ["cpu_usage"] + [f"cpu{i}" for i in range(vcpus)]
    assert len(drawn(cpu, "cpu_usage")) >= 100  # ten minutes at once
    disks = {s.name for s in page.graphs["disk"].specs}
    assert disks and all(d.startswith("vbd_") for d in disks)
    assert {d.rsplit("_", 1)[1] for d in disks} == {"read", "write"}
    devices = {p.db.get(vif, "VIF")["device"] for vif in p.db.get(vm, "VM")["VIFs"]}
    assert {s.name for s in page.graphs["network"].specs} == {
        f"vif_{d}_{way}" for d in devices for way in ("rx", "tx")}
    memory = {s.name for s in page.graphs["memory"].specs}
    assert {"memory", "memory_target"} <= memory
    save_screenshot(page, artifacts_dir / "perf-vm-1.png")
    last = cpu._items["cpu_usage"].getData()[0][-1]
    qtbot.waitUntil(lambda: cpu._items["cpu_usage"].getData()[0][-1] > last, timeout=12_000)
    save_screenshot(page, artifacts_dir / "perf-vm-2.png")
    client = feed.client(CONN, conn)
    host = client.host_of(vm)
    assert host in client.watched_hosts()
    page.hide()
    qtbot.waitUntil(lambda: client.watched_hosts() == [], timeout=5000)


def test_series_choice_pause_hover_and_exports(qtbot, pool, ctx, tmp_path):
    p, conn = pool
    vm = running_vm(p.db)
    page = open_page(qtbot, PerformancePage, ctx, conn, "vm", vm)
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    cpu = page.graphs["cpu"]
    page.show_series(cpu, "cpu0", False)
    assert "cpu0" not in cpu.shown() and "cpu_usage" in cpu.shown()
    assert not cpu._items["cpu0"].isVisible()
    hover = cpu.values_at(cpu.shown()["cpu_usage"][0][-1])
    assert "CPU total:" in hover and "%" in hover and "CPU 0" not in hover
    page.set_paused(True)
    assert "Paused" in page.status.text()
    frozen = cpu._items["cpu_usage"].getData()[0][-1]
    qtbot.wait(6000)  # an update arrives meanwhile but is not drawn
    assert cpu._items["cpu_usage"].getData()[0][-1] == frozen
    page.set_paused(False)
    assert cpu._items["cpu_usage"].getData()[0][-1] > frozen
    loop = asyncio.new_event_loop()
    try:
        rows = loop.run_until_complete(page.export_csv(tmp_path / "vm.csv"))
        loop.run_until_complete(page.export_png(tmp_path / "vm.png"))
    finally:
        loop.close()
    with open(tmp_path / "vm.csv", newline="") as f:
        table = list(csv.reader(f))
    assert len(table) == rows + 1 and rows >= 100
    assert table[0][0] == "time" and "CPU: CPU total (fraction)" in table[0]
    assert not any("CPU 0 " in h for h in table[0])  # hidden series are not exported
    column = table[0].index("CPU: CPU total (fraction)")
    assert 0 <= float(table[-1][column]) <= 1
    assert (tmp_path / "vm.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_history_ranges(qtbot, pool, ctx):
    p, conn = pool
    host = p.sim.coordinator
    page = open_page(qtbot, PerformancePage, ctx, conn, "host", host)
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    page.range_box.setCurrentIndex(2)  # last week, hourly
    assert page.step == 3600
    qtbot.waitUntil(lambda: len(drawn(page.graphs["cpu"], "cpu_avg")) == 168, timeout=10_000)
    times = page.graphs["cpu"]._items["cpu_avg"].getData()[0]
    assert times[-1] - times[0] == 167 * 3600
    page.range_box.setCurrentIndex(3)  # last year, daily
    qtbot.waitUntil(lambda: len(drawn(page.graphs["cpu"], "cpu_avg")) >= 365, timeout=10_000)


def test_host_graphs_and_a_host_that_stops_answering(qtbot, artifacts_dir, feed):
    with running_pool(2, 8) as p:
        conn = Connection(p.url, p.user, p.password)
        conn.connect(30)
        try:
            ctx = TabContext(Recorder(), lambda _n, _r: None, lambda _name: conn, feed)
            supporter = next(h for h in p.db.all("host") if h != p.sim.coordinator)
            page = open_page(qtbot, PerformancePage, ctx, conn, "host", supporter)
            qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
            assert list(page.graphs) == ["cpu", "load", "memory", "network", "disk"]
            memory = {s.name for s in page.graphs["memory"].specs}
            assert memory == {datasources.MEMORY, datasources.MEMORY_TOTAL}
            srs = [s.label for s in page.graphs["disk"].specs]
            names = {r["name_label"] for r in p.db.all("SR").values()}
            assert srs and all(label.rsplit(" ", 1)[0] in names for label in srs)
            nics = [s.name for s in page.graphs["network"].specs]
            assert nics and all(n.startswith("pif_eth") for n in nics)
            assert page.status.isHidden()
            save_screenshot(page, artifacts_dir / "perf-host.png")
            p.sim.stop_host(supporter)
            qtbot.waitUntil(lambda: "does not answer" in page.status.text(), timeout=20_000)
            assert page.status.isVisible()
            name = p.db.get(supporter, "host")["name_label"]
            assert page.status.text().startswith(name)
        finally:
            feed.forget(CONN)
            conn.close()


def test_a_halted_vm_says_it_has_no_data(qtbot, pool, ctx):
    p, conn = pool
    halted = next(ref for ref, rec in p.db.all("VM").items()
                  if rec["power_state"] == "Halted" and not rec["is_a_template"])
    page = open_page(qtbot, PerformancePage, ctx, conn, "vm", halted)
    assert "not running" in page.status.text()


def test_the_dashboard_ranks_hosts_and_vms_and_sorts_by_each(qtbot, pool, ctx, feed,
                                                            artifacts_dir, qtmodeltester):
    p, conn = pool
    page = open_page(qtbot, DashboardPage, ctx, conn, "connection",
                     next(iter(conn.cache.records("pool"))))
    board = page.dashboard
    running = {ref for ref, rec in p.db.all("VM").items()
               if rec["power_state"] in ("Running", "Paused") and not rec["is_control_domain"]}
    qtbot.waitUntil(lambda: board.hosts.rowCount() == 2 and board.vms.rowCount() == len(running),
                    timeout=10_000)
    cpu = [r.figure("cpu") for r in board.vms.rows]
    assert cpu == sorted(cpu, reverse=True)
    board.vm_view.sortByColumn(board.vms.columns().index("memory"), _descending())
    memory = [r.figure("memory") for r in board.vms.rows]
    assert memory == sorted(memory, reverse=True)
    assert board.vms.rows[0].spark("memory").size >= 20  # the recent minutes at once
    top = board.vms.index(0, board.vms.columns().index("memory"))
    assert "GiB" in top.data() and "%" in top.data()
    assert board.vms.index(0, 0).data(KeyRole) == (CONN, board.vms.rows[0].ref)
    qtmodeltester.check(board.vms)
    qtmodeltester.check(board.hosts)
    before = len(board.refresh_seconds)
    qtbot.waitUntil(lambda: len(board.refresh_seconds) > before, timeout=12_000)  # live
    save_screenshot(page, artifacts_dir / "perf-dashboard.png")
    client = feed.client(CONN, conn)
    page.hide()
    qtbot.waitUntil(lambda: client.watched_hosts() == [], timeout=5000)


def test_the_dashboard_across_pools(qtbot, pool, feed):
    p, conn = pool
    with running_pool(1, 4, seed=9) as other:
        conn2 = Connection(other.url, other.user, other.password)
        conn2.connect(30)
        try:
            conns = {"one": conn, "two": conn2}
            window = DashboardWindow(feed, conns.get, lambda: sorted(conns), lambda *_a: None)
            qtbot.addWidget(window)
            window.show()
            board: Dashboard = window.dashboard
            qtbot.waitUntil(lambda: board.hosts.rowCount() == 3, timeout=10_000)
            assert {r.conn for r in board.hosts.rows} == {"one", "two"}
            assert "pool" in board.hosts.columns()
            pools = {board.hosts.index(i, 1).data() for i in range(3)}
            assert pools == {p.sim.pool_name(), other.sim.pool_name()}
            window.close()
        finally:
            feed.forget("two")
            feed.forget("one")
            conn2.close()


def test_an_empty_load_table_is_a_valid_model(qtmodeltester):
    qtmodeltester.check(LoadTableModel(with_host=True, with_pool=True))


def _descending():
    from PyQt6.QtCore import Qt

    return Qt.SortOrder.DescendingOrder


def test_feed_merges_news_and_drops_a_forgotten_pool(qtbot, pool, feed):
    _p, conn = pool
    client = feed.client(CONN, conn)
    got = []
    feed.updated.connect(lambda name, uuids: got.append((name, set(uuids))))
    with client.watch(pool=True, detail=False):
        qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    assert got[0][0] == CONN and len(got[0][1]) > 1
    feed.forget(CONN)
    assert client.closed
    time.sleep(0.1)
