"""Losing the coordinator: failover to the new one through the members, or giving up."""

from __future__ import annotations

import time

import pytest

from tests.client.conftest import FAST_TIMEOUTS, ChangeRecorder, StateRecorder, wait_until
from xapiman.sim.testing import running_pool
from xapiman.xapi import ConnectionState, NotConnected, RetryPolicy
from xapiman.xapi.records import Host, Pool


def test_killed_coordinator_fails_over_to_the_successor(connections) -> None:
    with running_pool(hosts=3, vms=10) as p:
        conn = connections(p.url, p.user, p.password)
        states = StateRecorder()
        conn.add_state_listener(states)
        conn.connect(timeout=10)
        changes = ChangeRecorder()
        conn.cache.subscribe(changes)
        counts = conn.cache.counts()
        old = p.sim.coordinator
        successor = next(h for h in p.db.all("host") if h != old)
        successor_url = p.sim.url(successor)

        p.faults.kill_coordinator(successor, delay=0.5)
        wait_until(lambda: conn.state is ConnectionState.RECONNECTING, timeout=5)
        # a call made meanwhile waits for the new coordinator instead of failing
        assert conn.call("pool.get_all") == list(p.db.all("pool"))
        wait_until(lambda: conn.state is ConnectionState.CONNECTED
                   and conn.coordinator_url == successor_url, timeout=9)

        seen = states.states()
        assert seen[:2] == ["connecting", "connected"]
        assert "reconnecting" in seen and seen[-1] == "connected"
        attempts = [c.attempt for c in states.changes if c.state is ConnectionState.RECONNECTING]
        assert attempts == list(range(1, len(attempts) + 1))
        pool = conn.cache.pool
        assert isinstance(pool, Pool) and pool.master is not None
        wait_until(lambda: conn.cache.pool.master.ref == successor)
        # a new coordinator: read everything again, tell only what differs
        resync = changes.next_matching(lambda c: c.resync)
        assert not resync.added and not resync.removed
        assert conn.cache.counts() == counts  # same objects, none lost or doubled
        assert p.url in conn.member_urls  # the old coordinator stays a member
        assert conn.call("pool.get_master", pool.ref) == successor
        assert conn.cache.find(Host, successor).is_coordinator


def test_no_coordinator_anywhere_gives_up_with_failed(connections) -> None:
    with running_pool(hosts=2, vms=2) as p:
        conn = connections(p.url, p.user, p.password,
                           retry=RetryPolicy(attempts=3, first_delay=0.05, max_delay=0.1),
                           timeouts=FAST_TIMEOUTS)
        states = StateRecorder()
        conn.add_state_listener(states)
        conn.connect(timeout=10)
        for host in list(p.sim.servers):
            p.sim.stop_host(host)
        started = time.monotonic()
        wait_until(lambda: conn.state is ConnectionState.FAILED, timeout=8)
        assert time.monotonic() - started < 5
        attempts = [c.attempt for c in states.changes if c.state is ConnectionState.RECONNECTING]
        assert attempts == [1, 2, 3]
        assert "refused" in conn.last_change.reason
        with pytest.raises(NotConnected):
            conn.call("pool.get_all")
