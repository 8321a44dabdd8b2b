"""The event watcher: notifications per batch, lost streams, expired sessions, count checks."""

from __future__ import annotations

import threading
import time

from tests.client.conftest import (
    FAST_TIMEOUTS,
    ChangeRecorder,
    StateRecorder,
    cache_matches_server,
    wait_until,
)
from xapiman.xapi import ConnectionState, Timeouts

EVENT_CLASSES = ("VM", "VM_metrics", "VBD", "VDI", "VIF", "network", "host", "SR", "PBD",
                 "pool", "console")


def real_vms(p) -> list[str]:
    return sorted(ref for ref, r in p.db.all("VM").items()
                  if not r["is_a_template"] and not r["is_control_domain"])


def test_server_changes_arrive_as_one_notification_per_batch(conn, pool) -> None:
    changes = ChangeRecorder()
    conn.cache.subscribe(changes)
    vm = real_vms(pool)[0]

    pool.db.update(vm, name_label="renamed")
    change = changes.next_matching(lambda c: vm in c.changed_in("VM"))
    assert not change.added and not change.removed and not change.resync
    assert conn.cache.record("VM", vm)["name_label"] == "renamed"

    # several changes made at once reach the client as one batch, one notification
    with pool.db.lock:
        net = pool.db.create("network", {"name_label": "new-net", "bridge": "xenbr9"})
        pool.db.update(vm, name_label="again")
        gone = real_vms(pool)[1]
        vbds = [r for r, rec in pool.db.all("VBD").items() if rec["VM"] == gone]
        for vbd in vbds:
            pool.db.destroy(vbd)
    change = changes.next_matching(lambda c: bool(c.added_in("network")))
    assert change.added_in("network") == {net}
    assert vm in change.changed_in("vm") and gone in change.changed_in("VM")  # its VBDs set
    assert change.removed_in("VBD") == set(vbds)
    assert conn.cache.record("network", net)["name_label"] == "new-net"
    assert all(conn.cache.record("VBD", v) is None for v in vbds)
    assert conn.cache.referrers("VBD", "VM", gone) == ()

    pool.db.destroy(net)
    change = changes.next_matching(lambda c: bool(c.removed_in("network")))
    assert change.removed_in("network") == {net}
    assert conn.cache.record("network", net) is None


def test_records_are_replaced_not_mutated(conn, pool) -> None:
    vm = real_vms(pool)[0]
    before = conn.cache.record("VM", vm)
    snapshot = conn.cache.snapshot()
    pool.db.update(vm, name_label="next")
    wait_until(lambda: conn.cache.record("VM", vm)["name_label"] == "next")
    assert before["name_label"] != "next"
    assert snapshot.tables["vm"][vm] is before  # an old state stays as it was


def test_dropped_event_stream_resynchronises_without_stale_objects(conn, pool) -> None:
    states = StateRecorder()
    conn.add_state_listener(states)
    changes = ChangeRecorder()
    conn.cache.subscribe(changes)
    vms = real_vms(pool)
    pool.faults.drop_event_from = 2  # the next event.from calls fail too: back-off, retry
    wait_until(lambda: pool.faults.drop_event_streams() > 0)
    with pool.db.lock:  # changed while the stream is down
        pool.db.update(vms[0], name_label="changed while cut")
        pool.db.destroy(vms[1])
        added = pool.db.create("network", {"name_label": "added while cut"})
    wait_until(lambda: conn.state is ConnectionState.CONNECTED
               and "reconnecting" in states.states(), timeout=8)
    wait_until(lambda: cache_matches_server(conn, pool, EVENT_CLASSES), timeout=8)
    assert conn.cache.record("VM", vms[0])["name_label"] == "changed while cut"
    assert conn.cache.record("VM", vms[1]) is None
    assert conn.cache.record("network", added) is not None
    assert states.states()[-1] == "connected"
    assert any(c.attempt >= 1 for c in states.changes if c.state is ConnectionState.RECONNECTING)
    for cls in EVENT_CLASSES:  # nothing duplicated, nothing left over
        assert conn.cache.count(cls) == len(pool.db.all(cls))


def test_expired_session_logs_in_again_transparently(conn, pool) -> None:
    states = StateRecorder()
    conn.add_state_listener(states)
    old = conn.session_ref
    pool.faults.expire_sessions()
    assert conn.call("pool.get_all") == list(pool.db.all("pool"))
    assert conn.session_ref != old and conn.session_ref in pool.db.all("session")
    vm = real_vms(pool)[0]
    pool.db.update(vm, name_label="after expiry")  # the event thread goes on too
    wait_until(lambda: conn.cache.record("VM", vm)["name_label"] == "after expiry", timeout=8)
    assert len([r for r, s in pool.db.all("session").items()
                if s["originator"] == "xapiman"]) == 1  # one re-login, not one per thread
    assert "failed" not in states.states()


def test_count_mismatch_triggers_a_full_resync(conn, pool) -> None:
    changes = ChangeRecorder()
    conn.cache.subscribe(changes)
    ghost = pool.db.create("network", {"name_label": "ghost"})
    changes.next_matching(lambda c: ghost in c.added_in("network"))
    with pool.db.lock:  # a deletion whose event is lost
        pool.db.destroy(ghost)
        pool.db.tombstones.pop(ghost)
    vm = real_vms(pool)[0]
    pool.db.update(vm, name_label="wake up")  # a batch whose counts reveal the loss
    change = changes.next_matching(lambda c: c.resync)
    assert change.removed_in("network") == {ghost}
    assert not change.added  # nothing re-added, nothing duplicated
    assert conn.cache.record("network", ghost) is None
    assert cache_matches_server(conn, pool, EVENT_CLASSES)
    assert conn.cache.record("VM", vm)["name_label"] == "wake up"


def test_a_batch_read_before_close_does_not_land_after_it(pool, connections) -> None:
    """close() waits a few seconds for the event thread, then clears the cache: a first load
    still being parsed then must not fill the closed connection's cache again."""
    conn = connections(pool.url, pool.user, pool.password, timeouts=FAST_TIMEOUTS)
    conn.connect(timeout=10)
    watcher = conn._watcher
    full = conn.call("event.from", ["*"], "", 0.0)  # what the event thread was parsing
    seen = ChangeRecorder()
    conn.close()
    conn.cache.subscribe(seen)
    watcher._token = ""  # it was reading the whole pool when close() came
    watcher._apply(full)
    assert conn.cache.counts() == {} and not conn.cache.loaded
    assert seen.queue.empty()


def test_notifications_keep_the_order_of_the_changes_when_close_comes_meanwhile(
        pool, connections) -> None:
    """A subscriber still busy with a batch when close() clears the cache: every subscriber
    hears of the batch before it hears that everything was removed."""
    conn = connections(pool.url, pool.user, pool.password,
                       timeouts=Timeouts(connect=2.0, call=5.0, event_poll=5.0,
                                         event_read=10.0, close=0.1))
    conn.connect(timeout=10)
    vm = next(ref for ref, r in pool.db.all("VM").items() if not r["is_a_template"])
    busy, release = threading.Event(), threading.Event()

    def slow(change) -> None:  # told first; holds the event thread on the rename
        if threading.current_thread() is conn._watcher and vm in change.changed_in("vm"):
            busy.set()
            release.wait(10)

    order: list[str] = []
    conn.cache.subscribe(slow)
    conn.cache.subscribe(lambda change: order.append(
        "rename" if vm in change.changed_in("vm") else
        "clear" if vm in change.removed_in("vm") else "other"))
    pool.db.update(vm, name_label="renamed before close")
    assert busy.wait(5)
    session = conn.session_ref
    closing = threading.Thread(target=conn.close)
    closing.start()
    wait_until(lambda: session not in pool.db.all("session"))  # close() logged out
    time.sleep(0.2)  # what close() does next (clear the cache) has had its chance
    release.set()
    closing.join(10)
    assert not closing.is_alive()
    assert [o for o in order if o != "other"] == ["rename", "clear"]
