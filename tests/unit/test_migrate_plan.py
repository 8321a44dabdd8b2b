"""The Migrate action's availability and the migration plan (defaults, XAPI call, checks) from
records in a real ObjectCache."""

from __future__ import annotations

import pytest

from tests.unit.test_actions_availability import RUNNING_OPS, GiB, Pool
from xapiman.actions import REGISTRY, Target, peers
from xapiman.actions.migrate_plan import MigratePlan, describe, review

FEATURES = {"VDI_SNAPSHOT": "1", "VDI_MIRROR": "1", "VDI_CREATE": "1"}


def small_pool(name: str = "dc1", *, h2_memory: int = 64 * GiB) -> tuple[Pool, dict[str, str]]:
    """Two hosts, a local SR each, a shared NFS SR (the default), one network on both, and a
    running VM on h1 with its disk on h1's local SR and one interface."""
    pool = Pool()
    h1 = pool.host("h1")
    h2 = pool.host("h2", memory_total=h2_memory)
    pool.add("SM", type="ext", features=FEATURES)
    pool.add("SM", type="nfs", features=FEATURES)
    local1 = pool.sr("Local storage", shared=False, sr_type="ext", hosts={h1: True})
    local2 = pool.sr("Local storage", shared=False, sr_type="ext", hosts={h2: True})
    nfs = pool.sr("NFS", hosts={h1: True, h2: True})
    iso = pool.sr("ISOs", content_type="iso", sr_type="iso", hosts={h1: True, h2: True})
    net = pool.add("network", name_label="Pool network", bridge="xenbr0", PIFs=[], VIFs=[],
                   other_config={}, managed=True)
    for host in (h1, h2):
        pif = pool.add("PIF", host=host, network=net, management=True)
        pool.records[net][1]["PIFs"].append(pif)
        pool.records[host][1]["PIFs"] = [pif]
    pool.add("pool", name_label=name, master=h1, default_SR=nfs)
    vm = pool.vm("web", power="Running", ops=(*RUNNING_OPS, "migrate_send"), tools=True,
                 memory=4 * GiB)
    pool.resident(vm, h1)
    pool.disk(vm, local1, size=20 * GiB)
    vif = pool.add("VIF", VM=vm, network=net, device="0", MAC="aa:bb:cc:00:00:01")
    pool.records[vm][1]["VIFs"].append(vif)
    pool.records[net][1]["VIFs"].append(vif)
    return pool, dict(h1=h1, h2=h2, local1=local1, local2=local2, nfs=nfs, iso=iso, net=net,
                      vm=vm, vif=vif)


@pytest.fixture(autouse=True)
def no_other_pools():
    yield
    peers.install(None)


def test_migrate_is_offered_when_another_server_can_take_the_vm() -> None:
    pool, r = small_pool()
    conn = pool.conn()
    assert REGISTRY["vm.migrate"].check(Target(conn, "vm", r["vm"]))


def test_migrate_says_why_no_server_can_take_the_vm() -> None:
    pool, r = small_pool(h2_memory=2 * GiB)
    conn = pool.conn()
    result = REGISTRY["vm.migrate"].check(Target(conn, "vm", r["vm"]))
    assert not result
    assert result.reason.startswith("No other server can take it (h2: Not enough free memory")


def test_another_open_pool_is_somewhere_to_go() -> None:
    pool, r = small_pool(h2_memory=2 * GiB)
    conn = pool.conn()
    other, _ = small_pool("dc2")
    other_conn = other.conn()
    peers.install(lambda: {"dc1": conn, "dc2": other_conn})
    assert REGISTRY["vm.migrate"].check(Target(conn, "vm", r["vm"]))
    assert list(peers.others(conn)) == ["dc2"]


def test_a_vm_on_local_storage_gets_its_disk_moved_to_the_default_sr() -> None:
    pool, r = small_pool()
    conn = pool.conn()
    plan = MigratePlan.for_vms(conn, [r["vm"]])
    assert plan.host == r["h2"]
    [disk] = plan.disks
    assert disk.sr == r["local1"] and disk.dest_sr == r["nfs"] and disk.moves
    assert plan.method(r["vm"]) == "VM.migrate_send"
    assert plan.vdi_map(r["vm"]) == {disk.vdi: r["nfs"]} and plan.vif_map(r["vm"]) == {}
    assert review(plan).ok
    lines = dict(describe(plan))
    assert lines["Destination"] == "h2"
    assert "'Local storage (h1)' → 'NFS'" in lines["  disk disk 0"]


def test_a_vm_on_shared_storage_keeps_its_disks_and_moves_with_pool_migrate() -> None:
    pool, r = small_pool()
    pool.records[r["vm"]][1]["VBDs"] = []
    pool.disk(r["vm"], r["nfs"])
    plan = MigratePlan.for_vms(pool.conn(), [r["vm"]])
    assert [d.moves for d in plan.disks] == [False]
    assert plan.method(r["vm"]) == "VM.pool_migrate"


def test_review_names_what_is_wrong() -> None:
    pool, r = small_pool()
    conn = pool.conn()
    plan = MigratePlan.for_vms(conn, [r["vm"]])
    plan.disks[0].dest_sr = r["local1"]
    assert review(plan).errors("storage") == [
        "h2 cannot reach 'Local storage (h1)', chosen for the disk 'disk 0' of 'web'."]
    plan.disks[0].dest_sr = r["iso"]
    assert review(plan).errors("storage") == ["'ISOs' does not hold VM disks."]
    plan.disks[0].dest_sr = r["local2"]
    assert review(plan).ok
    pool.records[r["local2"]][1]["physical_utilisation"] = 1020 * GiB
    plan = MigratePlan.for_vms(pool.conn(), [r["vm"]], host=r["h2"])
    plan.disks[0].dest_sr = r["local2"]
    assert review(plan).errors("storage") == [
        "'Local storage (h2)' has 4 GiB free; the disks moving there need 20 GiB."]
    plan.set_host(r["h1"])
    assert review(plan).errors("destination") == ["h1: The VM is already on this server."]


def test_to_another_pool_interfaces_join_the_network_of_the_same_name() -> None:
    pool, r = small_pool()
    other, o = small_pool("dc2")
    conn, far = pool.conn(), other.conn()
    plan = MigratePlan.for_vms(conn, [r["vm"]], far, "dc2")
    assert plan.cross_pool and plan.host in (o["h1"], o["h2"])
    assert plan.vif_map(r["vm"]) == {r["vif"]: o["net"]}
    assert plan.disks[0].dest_sr == o["nfs"]
    assert plan.method(r["vm"]) == "VM.migrate_send"
    assert dict(describe(plan))["Destination"].endswith("in pool dc2")
    assert review(plan).ok
