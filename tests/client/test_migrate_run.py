"""The Migrate action end to end against simulated pools: several VMs move at once, each as
its own task (storage moves three at a time); progress follows the server; cancel leaves the VM
where it was; a VM moves to another open pool and arrives in that pool's cache."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.client.conftest import FAST_TIMEOUTS, wait_until
from tests.gui.scripted_prompter import ScriptedPrompter
from xapiman.actions import REGISTRY, ActionContext, Target, peers
from xapiman.actions.migrate_plan import MigratePlan
from xapiman.actions.steps import StepError, StepTask
from xapiman.sim.testing import RunningPool, running_pool
from xapiman.xapi.connection import Connection

pytestmark = pytest.mark.timeout(90)


@contextmanager
def connected(p: RunningPool) -> Iterator[Connection]:
    conn = Connection(p.url, p.user, p.password, timeouts=FAST_TIMEOUTS)
    try:
        conn.connect(10)
        yield conn
    finally:
        conn.close()


def disks(db, vm: str) -> list[str]:
    return [db.get(v, "VBD")["VDI"] for v in db.get(vm, "VM")["VBDs"]
            if db.get(v, "VBD")["type"] == "Disk" and not db.get(v, "VBD")["empty"]]


def local_running(db) -> list[str]:
    return sorted(ref for ref, rec in db.all("VM").items()
                  if rec["power_state"] == "Running" and "migrate_send" in rec["allowed_operations"]
                  and disks(db, ref)
                  and not any(db.get(db.get(d, "VDI")["SR"], "SR")["shared"]
                              for d in disks(db, ref)))


def start(conn, plan: MigratePlan) -> list:
    ctx = ActionContext(ScriptedPrompter(), answers={"plan": plan})
    targets = [Target(conn, "vm", vm) for vm in plan.vms]
    return asyncio.run(REGISTRY["vm.migrate"].run(ctx, targets))


def test_several_vms_move_each_as_its_own_task_three_disk_moves_at_a_time():
    with running_pool(hosts=3, vms=40, speed=80) as p, connected(p) as conn:
        db = p.db
        source = db.get(local_running(db)[0], "VM")["resident_on"]
        vms = [vm for vm in local_running(db) if db.get(vm, "VM")["resident_on"] == source][:4]
        target = next(h for h in db.all("host") if h != source)
        assert len(vms) == 4
        plan = MigratePlan.for_vms(conn, vms, host=target)
        assert all(d.moves for d in plan.disks) and plan.host == target
        progress: list[float] = []
        started = start(conn, plan)
        assert [s.handle.method for s in started] == ["VM.migrate_send"] * 4
        assert len({s.handle.ref for s in started}) == 4
        started[0].handle.add_listener(lambda h: progress.append(h.progress))
        for item in started:
            item.handle.wait(60)
        assert all(s.handle.status == "success" for s in started)
        for vm in vms:
            assert db.get(vm, "VM")["resident_on"] == target
            assert {db.get(d, "VDI")["SR"] for d in disks(db, vm)} <= set(plan.vdi_map(vm).values())
        between = [x for x in progress if 0.05 < x < 0.97]
        assert between and between == sorted(between)


def test_cancel_leaves_the_vm_where_it_was():
    with running_pool(hosts=2, vms=20, speed=8) as p, connected(p) as conn:
        db = p.db
        vm = local_running(db)[0]
        here = db.get(vm, "VM")["resident_on"]
        old = {d: db.get(d, "VDI")["SR"] for d in disks(db, vm)}
        plan = MigratePlan.for_vms(conn, [vm])
        [item] = start(conn, plan)
        task: StepTask = item.handle
        wait_until(lambda: task.progress > 0.06, timeout=20)
        task.cancel()
        with pytest.raises(StepError, match="stays where it was"):
            task.wait(30)
        assert task.status == "cancelled"
        rec = db.get(vm, "VM")
        assert rec["resident_on"] == here and rec["power_state"] == "Running"
        assert rec["current_operations"] == {}
        assert {d: db.get(d, "VDI")["SR"] for d in disks(db, vm)} == old


def test_a_vm_moves_to_another_open_pool_and_arrives_in_its_cache():
    with running_pool(hosts=2, vms=10) as a, running_pool(hosts=2, vms=4, seed=7) as b, \
            connected(a) as here, connected(b) as there:
        peers.install(lambda: {"a": here, "b": there})
        try:
            vm = sorted(r for r, rec in a.db.all("VM").items()
                        if rec["power_state"] == "Halted" and not rec["is_a_template"]
                        and not rec["is_control_domain"] and not rec["is_a_snapshot"])[0]
            name = a.db.get(vm, "VM")["name_label"]
            plan = MigratePlan.for_vms(here, [vm], there, "b")
            [item] = start(here, plan)
            assert item.handle.reveal_in == "b" and item.handle.reveal
            new = item.handle.wait(30)
            assert there.cache.record("VM", new)["name_label"] == name
            assert b.db.get(new, "VM")["power_state"] == "Halted"
            wait_until(lambda: here.cache.record("VM", vm) is None)
        finally:
            peers.install(None)
