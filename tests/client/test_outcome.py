"""A call whose answer is lost in transit: a read says the exchange failed; a call that changes
things says it may have been applied; an Async call is followed through its task."""

from __future__ import annotations

import pytest

from xapiman.xapi import ConnectionLost, OutcomeUnknown, TransportError, tasks


def a_vm(pool, state: str = "Halted") -> str:
    return next(r for r, v in pool.db.all("VM").items()
                if v["power_state"] == state and not v["is_a_template"]
                and not v["is_a_snapshot"] and not v["is_control_domain"])


def test_a_lost_answer_to_a_change_says_it_may_have_been_applied(conn, pool) -> None:
    vm = a_vm(pool)
    pool.faults.cut_answers_to["VM.set_name_label"] = 1
    with pytest.raises(OutcomeUnknown) as info:
        conn.call("VM.set_name_label", vm, "renamed")
    assert isinstance(info.value, TransportError) and info.value.method == "VM.set_name_label"
    assert "VM.set_name_label may or may not have been applied" in str(info.value)
    assert "cut after" in str(info.value)
    assert pool.db.get(vm)["name_label"] == "renamed"  # it was, this time


def test_a_lost_answer_to_a_read_is_just_a_failed_exchange(conn, pool) -> None:
    pool.faults.cut_answers_to["VM.get_name_label"] = 1
    with pytest.raises(ConnectionLost) as info:
        conn.call("VM.get_name_label", a_vm(pool))
    assert not isinstance(info.value, OutcomeUnknown)


def test_an_async_call_whose_answer_is_lost_is_followed_through_its_task(conn, pool) -> None:
    vm = a_vm(pool)
    pool.faults.cut_answers_to["Async.VM.start"] = 1
    # kept on the server once it ended (by default it is destroyed in the background, which
    # may come before the look at it below)
    handle = conn.call_async("VM.start", vm, False, False, destroy=False)
    handle.wait(20)
    assert pool.db.get(vm)["power_state"] == "Running"
    assert pool.db.get(handle.ref)["name_label"] == "Async.VM.start"


def test_a_lost_async_answer_without_task_events_says_so(pool, connections,
                                                         monkeypatch) -> None:
    monkeypatch.setattr(tasks, "FIND_LOST_TASK", 0.5)
    conn = connections(pool.url, pool.user, pool.password, classes=("vm", "host", "pool"))
    conn.connect(timeout=10)
    pool.faults.cut_answers_to["Async.VM.clone"] = 1
    with pytest.raises(OutcomeUnknown) as info:
        conn.call_async("VM.clone", a_vm(pool), "twin")
    assert "Async.VM.clone may or may not have been applied" in str(info.value)
