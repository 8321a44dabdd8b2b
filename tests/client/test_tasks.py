"""Asynchronous calls followed through the event stream: result, failure, cancel, clean-up."""

from __future__ import annotations

import threading

import pytest

from tests.client.conftest import wait_until
from xapiman.sim.testing import running_pool
from xapiman.xapi import (
    ConnectionState,
    NotConnected,
    RetryPolicy,
    TaskCancelled,
    TaskHandle,
    TaskLost,
    XapiError,
)
from xapiman.xapi.records import VM, Task


def halted_vm(p) -> str:
    return next(ref for ref, r in sorted(p.db.all("VM").items())
                if r["power_state"] == "Halted" and not r["is_a_template"]
                and not r["is_a_snapshot"] and not r["is_control_domain"])


def test_async_create_is_followed_to_its_result(conn, pool) -> None:
    record = {"name_label": "made by a task", "name_description": "", "MTU": 1500,
              "other_config": {}, "bridge": "", "managed": True, "tags": []}
    handle = conn.call_async("network.create", record)
    assert handle.ref.startswith("OpaqueRef:") and handle.method == "network.create"
    network = handle.wait(5)
    assert handle.status == "success" and handle.progress == 1.0 and handle.done()
    assert network in pool.db.all("network")
    wait_until(lambda: conn.cache.record("network", network) is not None)
    assert conn.cache.record("network", network)["name_label"] == "made by a task"
    wait_until(lambda: handle.ref not in pool.db.all("task"))  # destroyed once done


def test_async_clone_gives_the_new_vm_and_reports_progress(conn, pool) -> None:
    vm = halted_vm(pool)
    seen: list[tuple[str, float]] = []
    handle = conn.call_async("VM.clone", vm, "clone of a halted vm")
    handle.add_listener(lambda h: seen.append((h.status, h.progress)))
    clone = handle.wait(5)
    assert isinstance(clone, str) and clone in pool.db.all("VM") and clone != vm
    wait_until(lambda: conn.cache.find(VM, clone) is not None)
    assert conn.cache.find(VM, clone).name == "clone of a halted vm"
    assert not seen or seen[-1] == ("success", 1.0)


def test_failed_task_raises_the_readable_error(conn, pool) -> None:
    running = next(ref for ref, r in pool.db.all("VM").items()
                   if r["power_state"] == "Running" and not r["is_control_domain"])
    handle = conn.call_async("VM.start", running, False, False)
    with pytest.raises(XapiError) as info:
        handle.wait(5)
    assert info.value.code == "VM_BAD_POWER_STATE"
    assert info.value.details["vm"] == running
    assert "halted" in str(info.value).lower() and "running" in str(info.value).lower()
    assert handle.status == "failure" and handle.error is info.value


def test_call_refused_at_once_raises_from_call_async(conn, pool) -> None:
    with pytest.raises(XapiError) as info:
        conn.call_async("VM.start", halted_vm(pool))  # two parameters missing
    assert info.value.code == "MESSAGE_PARAMETER_COUNT_MISMATCH"
    assert info.value.details == {"method": "VM.start", "expected": "3", "received": "1"}


def test_cancel_stops_a_running_task(connections) -> None:
    with running_pool(hosts=1, vms=6, speed=2.0) as p:  # a clean shutdown takes 2 s
        conn = connections(p.url, p.user, p.password)
        conn.connect(timeout=10)
        vm = next(ref for ref, r in p.db.all("VM").items()
                  if r["power_state"] == "Running" and not r["is_control_domain"])
        started = threading.Event()
        handle = conn.call_async("VM.clean_shutdown", vm)
        handle.add_listener(lambda h: started.set())
        assert started.wait(3) or handle.progress > 0
        handle.cancel()
        with pytest.raises(TaskCancelled):
            handle.wait(5)
        assert handle.status == "cancelled"
        assert p.db.get(vm)["power_state"] == "Running"


def test_task_view_parses_results(conn, pool) -> None:
    task = pool.db.create("task", {
        "name_label": "import", "status": "success", "progress": 1.0,
        "result": "<value><array><data><value>OpaqueRef:a</value><value>OpaqueRef:b</value>"
                  "</data></array></value>", "error_info": []})
    wait_until(lambda: conn.cache.find(Task, task) is not None)
    view = conn.cache.find(Task, task)
    assert view.result == ["OpaqueRef:a", "OpaqueRef:b"] and view.finished
    assert view.error is None
    followed: TaskHandle = conn.tasks.follow(task)
    assert followed.wait(1) == ["OpaqueRef:a", "OpaqueRef:b"]


def test_a_task_destroyed_by_someone_else_ends_as_lost(conn, pool) -> None:
    task = pool.db.create("task", {"name_label": "Async.VM.export", "status": "pending",
                                   "progress": 0.3})
    wait_until(lambda: conn.cache.find(Task, task) is not None)
    handle = conn.tasks.follow(task, "VM.export")
    assert handle.status == "pending" and not handle.done()
    pool.db.destroy(task)
    with pytest.raises(TaskLost):
        handle.wait(5)
    assert handle.status == "lost" and handle.done()


def test_tasks_running_when_the_connection_closes_end_as_lost(connections) -> None:
    with running_pool(hosts=1, vms=6, speed=2.0) as p:  # a clean shutdown takes 2 s
        conn = connections(p.url, p.user, p.password)
        conn.connect(timeout=10)
        vm = next(ref for ref, r in p.db.all("VM").items()
                  if r["power_state"] == "Running" and not r["is_control_domain"])
        handle = conn.call_async("VM.clean_shutdown", vm)
        conn.close()
        with pytest.raises(NotConnected):
            handle.wait(5)
        assert handle.status == "lost" and handle.done()


def test_tasks_running_when_the_connection_fails_end_as_lost(connections) -> None:
    with running_pool(hosts=1, vms=3) as p:
        conn = connections(p.url, p.user, p.password,
                           retry=RetryPolicy(attempts=2, first_delay=0.05, max_delay=0.1))
        conn.connect(timeout=10)
        task = p.db.create("task", {"name_label": "Async.VM.export", "status": "pending"})
        wait_until(lambda: conn.cache.find(Task, task) is not None)
        handle = conn.tasks.follow(task, "VM.export")
    # the pool is gone: the connection gives up, and says so to the task
    with pytest.raises(NotConnected) as info:
        handle.wait(20)
    assert conn.state is ConnectionState.FAILED
    assert handle.status == "lost" and "failed" in str(info.value)
