"""Alerts the simulator raises by itself, and metrics that follow what happens in the pool."""

from __future__ import annotations

import time

import pytest

from xapiman.sim import metrics
from xapiman.sim.alerts import SR_NEARLY_FULL

pytestmark = pytest.mark.timeout(60)


def messages(session, name: str) -> list[dict]:
    return [m for m in session.xenapi.message.get_all_records().values() if m["name"] == name]


def running(db) -> list[str]:
    return sorted(ref for ref, rec in db.all("VM").items()
                  if rec["power_state"] == "Running" and not rec["is_control_domain"])


def test_a_crashed_vm_raises_vm_crashed_and_restarts(pool, session):
    vm = running(pool.db)[0]
    rec = pool.db.get(vm, "VM")
    domid = rec["domid"]
    pool.sim.alerts.crash_vm(vm)
    [crashed] = messages(session, "VM_CRASHED")
    assert crashed["obj_uuid"] == rec["uuid"] and crashed["cls"] == "VM"
    assert int(crashed["priority"]) == 2
    after = pool.db.get(vm, "VM")
    assert after["power_state"] == "Running" and after["domid"] != domid


def test_a_vm_that_must_not_restart_stays_halted_after_a_crash(pool, session):
    vm = running(pool.db)[0]
    pool.db.update(vm, actions_after_crash="destroy")
    pool.sim.alerts.crash_vm(vm)
    assert pool.db.get(vm, "VM")["power_state"] == "Halted"
    assert len(messages(session, "VM_CRASHED")) == 1


def test_host_memory_low_alerts_once_while_it_lasts(pool, session):
    host = pool.sim.coordinator
    host_rec = pool.db.get(host, "host")
    before = len(messages(session, "ALARM"))
    metrics_ref = host_rec["metrics"]
    total = int(pool.db.get(metrics_ref, "host_metrics")["memory_total"])
    from xapiman.sim.placement import host_free_memory

    free = host_free_memory(pool.db, host)
    # the host's memory shrinks to just above what its VMs use: 2 % free
    pool.db.update(metrics_ref, memory_total=total - free + int((total - free) * 0.02))
    wait_for(lambda: len(messages(session, "ALARM")) == before + 1)
    alarm = max(messages(session, "ALARM"), key=lambda m: m["timestamp"])
    assert alarm["obj_uuid"] == host_rec["uuid"] and alarm["cls"] == "Host"
    assert 'name value="memory_free_kib"' in alarm["body"]
    pool.db.touch(host)  # still low: no second alert
    time.sleep(1.5)
    assert len(messages(session, "ALARM")) == before + 1


def test_an_sr_nearly_full_alerts(pool, session):
    sr, rec = next((ref, r) for ref, r in pool.db.all("SR").items()
                   if r["content_type"] != "iso" and int(r["physical_size"]) > 0)
    before = len(messages(session, "ALARM"))
    pool.db.update(sr, physical_utilisation=int(int(rec["physical_size"]) * 0.95))
    wait_for(lambda: len(messages(session, "ALARM")) == before + 1)
    alarm = max(messages(session, "ALARM"), key=lambda m: m["timestamp"])
    assert alarm["cls"] == "SR" and alarm["obj_uuid"] == rec["uuid"]
    value = float(alarm["body"].split('value value="')[1].split('"')[0])
    assert value > SR_NEARLY_FULL


def test_a_vm_that_starts_works_hard_at_first_and_one_that_stops_has_no_data(pool, session):
    db = pool.db
    vm = running(db)[0]
    session.xenapi.VM.hard_shutdown(vm)
    assert metrics.vm_sources(db, vm) == []
    session.xenapi.VM.start(vm, False, False)
    host = db.get(vm, "VM")["resident_on"]
    now = time.time()
    cpu = {ds.name: ds for ds in metrics.vm_sources(db, vm)}["cpu_usage"]
    assert cpu.at(now) > 0.5  # booting
    assert cpu.at(now + 600) < cpu.at(now)  # settles
    busy = {ds.name: ds for ds in metrics.host_sources(db, host)}["running_domains"]
    assert busy.at(now) == len(metrics.resident_vms(db, host))


def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        time.sleep(0.05)
