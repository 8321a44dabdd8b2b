"""Server actions against the simulator: maintenance mode, reboot, shut down."""

from __future__ import annotations

import asyncio

import pytest

from tests.gui.scripted_prompter import ScriptedPrompter
from xapiman.actions import REGISTRY, ActionContext, Target
from xapiman.sim.testing import running_pool
from xapiman.xapi.connection import Connection


@pytest.fixture
def pool_conn():
    with running_pool(hosts=2, vms=8) as pool:
        conn = Connection(pool.url, pool.user, pool.password)
        conn.connect(30)
        try:
            yield pool, conn
        finally:
            conn.close()


def run(action_id: str, target: Target, *answers) -> list:
    prompter = ScriptedPrompter.with_answers(*answers)
    started = asyncio.run(REGISTRY[action_id].run(ActionContext(prompter), [target]))
    for item in started:
        item.handle.wait(30)
    return started


def supporter(pool) -> str:
    return next(h for h in pool.db.all("host") if h != pool.sim.coordinator)


def wait_for(conn, predicate, timeout: float = 10.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the cache did not catch up"
        time.sleep(0.02)


def test_maintenance_mode_round_trip(pool_conn):
    pool, conn = pool_conn
    host = supporter(pool)
    target = Target(conn, "host", host)
    assert REGISTRY["host.maintenance_enter"].can_run([target])
    exit_state = REGISTRY["host.maintenance_exit"].can_run([target])
    assert not exit_state and exit_state.reason == "The server is not in maintenance mode."
    run("host.maintenance_enter", target, True)
    assert pool.db.get(host)["enabled"] is False
    assert pool.db.get(host)["resident_VMs"] == [pool.db.get(host)["control_domain"]]
    wait_for(conn, lambda: conn.cache.record("host", host)["enabled"] is False)
    again = REGISTRY["host.maintenance_enter"].can_run([target])
    assert not again and again.reason == "The server is already in maintenance mode."
    run("host.maintenance_exit", target)
    assert pool.db.get(host)["enabled"] is True


def test_reboot_asks_and_the_server_comes_back(pool_conn):
    pool, conn = pool_conn
    host = supporter(pool)
    target = Target(conn, "host", host)
    assert run("host.reboot", target, False) == []  # answered no: nothing happens
    assert pool.db.get(host)["enabled"] is True
    run("host.reboot", target, True)
    metrics = pool.db.get(host)["metrics"]
    wait_for(conn, lambda: pool.db.get(metrics)["live"] is True)  # back after the reboot
    wait_for(conn, lambda: bool(REGISTRY["host.maintenance_enter"].can_run([target])))


def test_shutdown_leaves_the_server_off(pool_conn):
    pool, conn = pool_conn
    host = supporter(pool)
    target = Target(conn, "host", host)
    run("host.shutdown", target, True)
    metrics = pool.db.get(host)["metrics"]
    assert pool.db.get(metrics)["live"] is False
    wait_for(conn, lambda: not conn.cache.record("host_metrics", metrics)["live"])
    state = REGISTRY["host.reboot"].can_run([target])
    assert not state and state.reason == "The server is not reachable."
