"""High availability in the simulator: enabling on a shared heartbeat SR, the failover plan
and its limits, restart priorities, and a killed host's protected VMs restarted elsewhere with
xapi's messages."""

from __future__ import annotations

import pytest
import XenAPI

from tests.sim.test_vm_power import on_shared_storage, user_vms, wait_for
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def pool():  # the conftest's `session` logs into this one
    with running_pool(hosts=3, vms=12) as p:
        yield p


@pytest.fixture
def x(session):
    return session.xenapi


def shared_sr(x) -> str:
    return next(sr for sr, rec in x.SR.get_all_records().items()
                if rec["shared"] and rec["type"] == "nfs")


def running_agile_vms(db) -> list[str]:
    return [vm for vm, rec in user_vms(db).items()
            if rec["power_state"] == "Running" and on_shared_storage(db, vm)]


def codes(x) -> list[str]:
    return [rec["name"] for rec in x.message.get_all_records().values()]


def test_enable_needs_a_shared_statefile_sr_and_agile_protected_vms(pool, x):
    the_pool = x.pool.get_all()[0]
    local = next(sr for sr, rec in x.SR.get_all_records().items()
                 if not rec["shared"] and rec["content_type"] == "user")
    with pytest.raises(XenAPI.Failure) as refused:
        x.pool.enable_ha([local], {})
    assert refused.value.details[0] == "INCOMPATIBLE_STATEFILE_SR"
    with pytest.raises(XenAPI.Failure) as refused:
        x.SR.assert_can_host_ha_statefile(local)
    assert refused.value.details[0] == "INCOMPATIBLE_STATEFILE_SR"
    x.SR.assert_can_host_ha_statefile(shared_sr(x))

    local_vm = next(vm for vm, rec in user_vms(pool.db).items()
                    if not on_shared_storage(pool.db, vm) and rec["VBDs"])
    x.VM.set_ha_restart_priority(local_vm, "restart")
    with pytest.raises(XenAPI.Failure) as refused:
        x.pool.enable_ha([shared_sr(x)], {})
    assert refused.value.details[0] == "HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED"
    assert x.pool.get_ha_enabled(the_pool) is False
    x.VM.set_ha_restart_priority(local_vm, "")

    sr = shared_sr(x)
    x.pool.enable_ha([sr], {})
    rec = x.pool.get_record(the_pool)
    assert rec["ha_enabled"] and rec["ha_cluster_stack"] == "xhad"
    assert rec["ha_configuration"]["timeout"] == "60"
    kinds = {x.VDI.get_type(v) for v in x.SR.get_VDIs(sr)}
    assert {"ha_statefile", "redo_log"} <= kinds
    [statefile] = rec["ha_statefiles"]
    assert all(h["ha_statefiles"] == [statefile] and len(h["ha_network_peers"]) == 2
               for h in x.host.get_all_records().values())
    with pytest.raises(XenAPI.Failure) as refused:
        x.VM.set_ha_restart_priority(local_vm, "restart")
    assert refused.value.details[0] == "HA_CONSTRAINT_VIOLATION_SR_NOT_SHARED"
    assert not x.SR.get_shared(refused.value.details[1])
    with pytest.raises(XenAPI.Failure) as refused:
        x.VM.set_ha_restart_priority(local_vm, "sometimes")
    assert refused.value.details[0] == "INVALID_VALUE"

    x.pool.disable_ha()
    rec = x.pool.get_record(the_pool)
    assert not rec["ha_enabled"] and rec["ha_statefiles"] == []
    assert not {x.VDI.get_type(v) for v in x.SR.get_VDIs(sr)} & {"ha_statefile", "redo_log"}


def test_the_plan_counts_the_failures_the_protected_vms_survive(pool, x):
    the_pool = x.pool.get_all()[0]
    vms = running_agile_vms(pool.db)
    assert len(vms) >= 2
    assert x.pool.ha_compute_max_host_failures_to_tolerate() == "2"  # nothing protected
    hypothetical = dict.fromkeys(vms, "restart")
    assert int(x.pool.ha_compute_hypothetical_max_host_failures_to_tolerate(hypothetical)) >= 1
    for vm in vms:
        x.VM.set_ha_restart_priority(vm, "restart")
    most = int(x.pool.ha_compute_max_host_failures_to_tolerate())
    assert x.pool.ha_failover_plan_exists(str(most)) is True
    x.pool.set_ha_host_failures_to_tolerate(the_pool, str(most))
    x.pool.enable_ha([shared_sr(x)], {})
    rec = x.pool.get_record(the_pool)
    assert rec["ha_plan_exists_for"] == str(most) and rec["ha_overcommitted"] is False
    if most < 2:
        with pytest.raises(XenAPI.Failure) as refused:
            x.pool.set_ha_host_failures_to_tolerate(the_pool, str(most + 1))
        assert refused.value.details[0] == "HA_OPERATION_WOULD_BREAK_FAILOVER_PLAN"
    with pytest.raises(XenAPI.Failure) as refused:
        x.pool.set_ha_host_failures_to_tolerate(the_pool, "-1")
    assert refused.value.details[0] == "INVALID_VALUE"


def test_a_killed_host_s_protected_vms_restart_elsewhere_in_order(pool, x):
    db = pool.db
    the_pool = x.pool.get_all()[0]
    coordinator = x.pool.get_master(the_pool)
    victim = next(h for h in x.host.get_all() if h != coordinator)
    for vm in running_agile_vms(db):  # gather the agile VMs on the victim
        if x.VM.get_resident_on(vm) != victim:
            x.VM.pool_migrate(vm, victim, {"live": "true"})
    on_victim = [vm for vm in running_agile_vms(db) if x.VM.get_resident_on(vm) == victim]
    assert len(on_victim) >= 2
    first, second, *rest = on_victim
    x.VM.set_ha_restart_priority(first, "restart")
    x.VM.set_order(first, "2")
    x.VM.set_ha_restart_priority(second, "restart")
    x.VM.set_order(second, "1")
    for vm in rest:
        x.VM.set_ha_restart_priority(vm, "")
    x.pool.set_ha_host_failures_to_tolerate(the_pool, "1")
    x.pool.enable_ha([shared_sr(x)], {})

    before = set(x.message.get_all())
    pool.sim.kill_host(victim)
    wait_for(lambda: x.VM.get_power_state(first) == "Running"
             and x.VM.get_resident_on(first) not in (victim, "OpaqueRef:NULL"))
    assert x.host_metrics.get_live(x.host.get_metrics(victim)) is False
    for vm in (first, second):
        assert x.VM.get_power_state(vm) == "Running"
        assert x.VM.get_resident_on(vm) != victim
    for vm in rest:
        assert x.VM.get_power_state(vm) == "Halted"
    new = [m for ref, m in pool.db.all("message").items() if ref not in before]  # in order
    names = [m["name"] for m in new]
    assert names[0] == "HA_HOST_FAILED" and new[0]["obj_uuid"] == x.host.get_uuid(victim)
    started = [m["obj_uuid"] for m in new if m["name"] == "VM_STARTED"]
    assert started == [x.VM.get_uuid(second), x.VM.get_uuid(first)]  # by their order
    # two hosts left: the plan for one failure may be gone
    rec = x.pool.get_record(the_pool)
    assert int(rec["ha_plan_exists_for"]) <= 1
