"""The metrics client against a simulated pool over real sockets: what it fetches, from which
host, for how long, and what happens when a host stops answering."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from tests.client.conftest import wait_until
from xapiman.sim.testing import running_pool
from xapiman.xapi import datasources
from xapiman.xapi.metrics import MetricsClient, MetricsEvent

pytestmark = pytest.mark.timeout(60)


class Events:
    def __init__(self) -> None:
        self.items: list[MetricsEvent] = []
        self.lock = threading.Lock()

    def __call__(self, event: MetricsEvent) -> None:
        with self.lock:
            self.items.append(event)

    def data_for(self, uuid: str) -> int:
        with self.lock:
            return sum(1 for e in self.items if uuid in e.uuids)

    def statuses(self, host: str) -> list[bool | None]:
        with self.lock:
            return [e.status.ok for e in self.items if e.status and e.host == host]


def running_vms(conn, host: str | None = None) -> list[str]:
    return sorted(ref for ref, rec in conn.cache.records("vm").items()
                  if rec["power_state"] == "Running" and not rec["is_control_domain"]
                  and (host is None or rec["resident_on"] == host))


@pytest.fixture
def client(conn):
    c = MetricsClient(conn)  # the app's time limit: a year of RRD can take seconds to come
    yield c
    c.close()


def test_a_vm_graph_fetches_from_its_host_only(conn, client):
    hosts = sorted(conn.cache.records("host"))
    vm = next(ref for ref in running_vms(conn, hosts[1])
              if conn.cache.record("vm", ref)["VIFs"] and any(
                  conn.cache.record("vbd", vbd)["type"] == "Disk"
                  for vbd in conn.cache.record("vm", ref)["VBDs"]))
    events = Events()
    client.add_listener(events)
    with client.watch([vm]):
        assert client.wait_answered([hosts[1]], 10)
        assert client.watched_hosts() == [hosts[1]]
        names = client.names(vm)
        assert {"cpu_usage", "memory", datasources.CPU} <= set(names)
        assert any(n.startswith("vbd_") for n in names) and any(n.startswith("vif_") for n in
                                                                   names)
        times, cpu = client.series(vm, "cpu_usage")
        assert len(times) >= 100  # the last 10 minutes at once
        assert np.all(np.diff(times) == 5)
        assert np.nanmax(cpu) <= 1.0 and np.nanmin(cpu) >= 0.0
        other = running_vms(conn, hosts[1])[1]
        assert client.names(other) == []  # not asked for
        assert events.data_for(client.uuid_of(vm)) >= 1
    wait_until(lambda: client.watched_hosts() == [], 5)  # nobody looks: fetching stops


def test_the_pool_view_ranks_every_host_and_vm_by_their_load(conn, client):
    hosts = sorted(conn.cache.records("host"))
    with client.watch(pool=True, detail=False):
        assert client.wait_answered(hosts, 10)
        assert sorted(client.watched_hosts()) == hosts
        for vm in running_vms(conn):
            load = client.load(vm)
            assert load is not None and 0.0 <= load.cpu <= 1.0
            assert 0 < load.memory <= load.memory_total
            assert load.disk > 0 and load.network > 0
        for host in hosts:
            load = client.load(host)
            assert load is not None and 0 < load.memory < load.memory_total
        # only the load figures are kept for objects nobody graphs
        assert set(client.names(running_vms(conn)[0])) == set(datasources.LOAD)
    halted = next(ref for ref, rec in conn.cache.records("vm").items()
                  if rec["power_state"] == "Halted" and not rec["is_a_template"])
    assert client.load(halted) is None


def test_next_request_starts_where_the_server_ended(pool, conn, client):
    vm = running_vms(conn)[0]
    events = Events()
    client.add_listener(events)
    uuid = client.uuid_of(vm)
    with client.watch([vm]):
        wait_until(lambda: events.data_for(uuid) >= 2, 15)  # a first answer and an update
        times, _ = client.series(vm, "cpu0")
    assert len(times) == len(np.unique(times))
    assert np.all(np.diff(times) == 5)  # continuous: no row twice, none missing


def test_a_host_that_stops_answering_says_so_and_the_others_go_on(pool, conn):
    # the app's time limit: a stopped host refuses at once, while 1 s was too short for the
    # coordinator's answers on a loaded machine
    client = MetricsClient(conn)
    try:
        coordinator = pool.sim.coordinator
        hosts = sorted(conn.cache.records("host"))
        supporter = next(h for h in hosts if h != coordinator)
        events = Events()
        client.add_listener(events)
        with client.watch(pool=True, detail=False):
            assert client.wait_answered(hosts, 10)
            pool.sim.stop_host(supporter)
            wait_until(lambda: client.status(supporter).ok is False, 20)
            status = client.status(supporter)
            assert "does not answer" in status.error and status.last_ok is not None
            assert client.status(coordinator).ok is True
            uuid = conn.cache.record("host", coordinator)["uuid"]
            before = events.data_for(uuid)
            wait_until(lambda: events.data_for(uuid) > before, 15)  # the coordinator goes on
            pool.sim.revive_host(supporter)
            wait_until(lambda: client.status(supporter).ok is True, 30)
        assert events.statuses(supporter)[-2:] == [False, True]
    finally:
        client.close()


def test_history_comes_from_the_whole_rrd_then_updates(conn, client):
    host = sorted(conn.cache.records("host"))[0]
    with client.watch([host], step=3600):
        wait_until(lambda: len(client.series(host, "cpu_avg", 3600)[0]) > 0, 40)
        times, values = client.series(host, "cpu_avg", 3600)
        assert len(times) == 168 and np.all(np.diff(times) == 3600)  # a week, hourly
        assert len(client.series(host, "cpu_avg", 86400)[0]) == 366  # the dump had the year
        assert np.all(np.isfinite(values))
    with pytest.raises(ValueError):
        client.watch([host], step=7)


def test_a_vm_that_stops_drops_out_and_one_that_starts_comes_in(conn, client):
    vm = running_vms(conn)[0]
    events = Events()
    client.add_listener(events)
    with client.watch([vm]):
        host = client.host_of(vm)
        assert client.wait_answered([host], 10)
        conn.call("VM.hard_shutdown", vm)
        wait_until(lambda: client.host_of(vm) is None, 10)
        wait_until(lambda: client.watched_hosts() == [], 10)  # nothing left to fetch there
        conn.call("VM.start", vm, False, False)
        wait_until(lambda: client.host_of(vm) is not None, 10)
        started = client.store.last_time(client.uuid_of(vm)) or 0
        wait_until(lambda: (client.store.last_time(client.uuid_of(vm)) or 0) > started, 20)


def test_closing_stops_everything_and_tells_nothing_more(conn):
    client = MetricsClient(conn, timeout=3.0)
    events = Events()
    client.add_listener(events)
    client.watch(pool=True, detail=False)
    assert client.wait_answered(list(conn.cache.records("host")), 10)
    client.close()
    count = len(events.items)
    assert client.watched_hosts() == []
    assert client.watch([next(iter(conn.cache.records("host")))]).closed
    threading.Event().wait(0.3)
    assert len(events.items) == count


def test_one_client_per_connection_and_https_through_the_pinned_certificate(connections):
    with running_pool(hosts=2, vms=6, tls=True) as pool:
        conn = connections(pool.url, pool.user, pool.password, fingerprint=pool.fingerprint)
        conn.connect(timeout=10)
        client = MetricsClient.of(conn)
        try:
            assert MetricsClient.of(conn) is client
            hosts = sorted(conn.cache.records("host"))
            with client.watch(pool=True, detail=False):
                assert client.wait_answered(hosts, 10)
                assert all(client.status(h).ok for h in hosts), [client.status(h) for h in hosts]
        finally:
            client.close()
        assert MetricsClient.of(conn) is not client  # a closed one is replaced
        MetricsClient.of(conn).close()
