"""Every wait has an end: a failed connection ends the waits on its tasks, and an event stream
that keeps failing is retried with back-off until the connection gives up."""

from __future__ import annotations

import time

import pytest

from tests.client.conftest import StateRecorder, wait_until
from xapiman.sim.testing import running_pool
from xapiman.xapi import ConnectionState, NotConnected, RetryPolicy

QUICK_GIVE_UP = RetryPolicy(attempts=4, first_delay=0.1, factor=2.0, max_delay=0.4)


def halted_vm(pool) -> str:
    return next(r for r, v in pool.db.all("VM").items()
                if v["power_state"] == "Halted" and not v["is_a_template"]
                and not v["is_a_snapshot"] and not v["is_control_domain"])


def test_a_failed_connection_ends_the_waits_on_its_tasks(connections) -> None:
    with running_pool(hosts=1, vms=4, speed=0.02) as pool:  # VM.start takes a while
        conn = connections(pool.url, pool.user, pool.password, retry=QUICK_GIVE_UP)
        conn.connect(timeout=10)
        handle = conn.call_async("VM.start", halted_vm(pool), False, False)
        pool.sim.kill_coordinator()  # a single host: nobody takes over
        started = time.monotonic()
        with pytest.raises(NotConnected) as info:
            handle.wait(20)
        assert time.monotonic() - started < 5
    assert conn.state is ConnectionState.FAILED
    assert "VM.start" in str(info.value) and "may or may not have finished" in str(info.value)
    assert handle.done()


def test_an_event_stream_that_keeps_failing_backs_off_then_fails(pool, connections) -> None:
    conn = connections(pool.url, pool.user, pool.password, retry=QUICK_GIVE_UP)
    conn.connect(timeout=10)
    recorder = StateRecorder()
    conn.add_state_listener(recorder)
    calls_before = 10**6
    pool.faults.drop_event_from = calls_before  # every event.from fails; other calls work
    conn.wait_for_state(ConnectionState.FAILED, timeout=8)
    event_calls = calls_before - pool.faults.drop_event_from
    pool.faults.drop_event_from = 0
    assert conn.state is ConnectionState.FAILED
    assert "gave up reconnecting after 4 attempts" in conn.last_change.reason
    attempts = [c.attempt for c in recorder.changes if c.state is ConnectionState.RECONNECTING]
    assert attempts == [1, 2, 3, 4]
    assert event_calls <= 6
    with pytest.raises(NotConnected):
        conn.call("pool.get_all")


def test_back_off_pauses_have_jitter_and_a_cap() -> None:
    policy = RetryPolicy(first_delay=1.0, factor=2.0, max_delay=5.0, jitter=0.5)
    pauses = [policy.pause(3) for _ in range(50)]
    assert all(2.0 <= p <= 4.0 for p in pauses) and len(set(pauses)) > 40
    assert max(policy.pause(30) for _ in range(50)) <= 5.0
    assert policy.exhausted(11, 1.0) and not policy.exhausted(10, 1.0)
    assert policy.exhausted(1, 121.0)


def test_a_stream_that_works_again_starts_counting_afresh(pool, connections) -> None:
    conn = connections(pool.url, pool.user, pool.password, retry=QUICK_GIVE_UP)
    conn.connect(timeout=10)
    recorder = StateRecorder()
    conn.add_state_listener(recorder)
    for loss in range(1, 4):  # three separate losses, each one recovered
        wait_until(lambda: pool.faults.drop_event_streams() > 0, timeout=5)
        wait_until(lambda n=loss: recorder.states().count("connected") == n, timeout=5)
    assert conn.state is ConnectionState.CONNECTED
    assert {c.attempt for c in recorder.changes if c.state is ConnectionState.RECONNECTING} \
        == {1}
