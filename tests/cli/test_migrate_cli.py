"""`xapiman-cli vm migrate` against simulated pools: a running VM on local storage moves live
with its disks, a VM moves to a second pool with its disks and networks, and a refusal is
printed in words before anything moves."""

from __future__ import annotations

import pytest

from tests.cli.test_cli import cli, real_vms
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.timeout(90)


def disks(db, vm: str) -> list[str]:
    out = []
    for vbd in db.get(vm, "VM")["VBDs"]:
        rec = db.get(vbd, "VBD")
        if rec["type"] == "Disk" and not rec["empty"]:
            out.append(rec["VDI"])
    return out


def local_vm(pool, state: str = "Running") -> str:
    return next(ref for ref in real_vms(pool, state)
                if not any(pool.db.get(pool.db.get(d, "VDI")["SR"], "SR")["shared"]
                           for d in disks(pool.db, ref)) and disks(pool.db, ref))


def local_sr(db, host: str) -> str:
    return next(ref for ref, sr in db.all("SR").items()
                if not sr["shared"] and sr["content_type"] == "user"
                and any(db.get(p, "PBD")["host"] == host for p in sr["PBDs"]))


@pytest.fixture
def pool():
    with running_pool(hosts=2, vms=20) as p:
        yield p


def test_a_running_vm_on_local_storage_moves_live_with_its_disks(pool):
    db = pool.db
    vm = local_vm(pool)
    rec = db.get(vm, "VM")
    here = rec["resident_on"]
    there = next(h for h in db.all("host") if h != here)
    sizes = sorted(db.get(d, "VDI")["virtual_size"] for d in disks(db, vm))
    target_sr = local_sr(db, there)
    result = cli(pool, "vm", "migrate", rec["uuid"], "--host", db.get(there, "host")["name_label"],
                 "--sr", db.get(target_sr, "SR")["uuid"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == rec["uuid"]
    moved = db.get(vm, "VM")
    assert moved["resident_on"] == there and moved["power_state"] == "Running"
    assert {db.get(d, "VDI")["SR"] for d in disks(db, vm)} == {target_sr}
    assert sorted(db.get(d, "VDI")["virtual_size"] for d in disks(db, vm)) == sizes


def test_a_vm_moves_to_another_pool_with_its_disks_and_networks(pool, tmp_path):
    env = {"XAPIMAN_CONFIG_DIR": str(tmp_path)}
    with running_pool(hosts=2, vms=4, seed=7, tls=True) as other:
        assert cli(None, "profile", "add", "dc2", other.url, env=env).returncode == 0
        db, far = pool.db, other.db
        vm = next(iter(real_vms(pool, "Running")))
        rec = db.get(vm, "VM")
        sizes = sorted(db.get(d, "VDI")["virtual_size"] for d in disks(db, vm))
        macs = sorted(db.get(v, "VIF")["MAC"] for v in rec["VIFs"])
        host = next(iter(far.all("host")))
        network = next(ref for ref, n in far.all("network").items() if n["bridge"] == "xenbr0")
        sources = {db.get(v, "VIF")["network"] for v in rec["VIFs"]}
        mapping = [arg for net in sources for arg in (
            "--network", f"{db.get(net, 'network')['uuid']}={far.get(network, 'network')['uuid']}")]
        result = cli(pool, "--trust-on-first-use", "vm", "migrate", rec["name_label"], "--host",
                     far.get(host, "host")["name_label"], "--to-profile", "dc2", *mapping,
                     env=env)
        assert result.returncode == 0, result.stderr
        new = far.by_uuid("VM", result.stdout.strip())
        arrived = far.get(new, "VM")
        assert db.find(vm, "VM") is None
        assert arrived["name_label"] == rec["name_label"]
        assert arrived["power_state"] == "Running" and arrived["resident_on"] == host
        assert sorted(far.get(d, "VDI")["virtual_size"] for d in disks(far, new)) == sizes
        assert all(far.get(d, "VDI")["SR"] in far.all("SR") for d in disks(far, new))
        assert sorted(far.get(v, "VIF")["MAC"] for v in arrived["VIFs"]) == macs
        assert {far.get(v, "VIF")["network"] for v in arrived["VIFs"]} == {network}


def test_a_refusal_is_shown_in_words_before_anything_moves(pool, tmp_path):
    env = {"XAPIMAN_CONFIG_DIR": str(tmp_path)}
    with running_pool(hosts=1, vms=2, seed=9, tls=True) as other:
        assert cli(None, "profile", "add", "old", other.url, env=env).returncode == 0
        host = next(iter(other.db.all("host")))
        older = {**other.db.get(host, "host")["software_version"], "platform_version": "2.0.0"}
        other.db.update(host, software_version=older)
        vm = next(iter(real_vms(pool, "Running")))
        rec = pool.db.get(vm, "VM")
        before = set(other.db.all("VM"))
        host_name = other.db.get(host, "host")["name_label"]
        args = ("--trust-on-first-use", "vm", "migrate", rec["uuid"], "--host", host_name,
                "--to-profile", "old")
        dry = cli(pool, *args, "--dry-run", env=env)
        assert dry.returncode == 1
        assert "older version" in dry.stderr and rec["name_label"] in dry.stderr
        result = cli(pool, *args, env=env)
        assert result.returncode == 1
        assert "Nothing was moved" in result.stderr and "older version" in result.stderr
        after = pool.db.get(vm, "VM")
        assert after["resident_on"] == rec["resident_on"] and after["power_state"] == "Running"
        assert set(other.db.all("VM")) == before


def test_a_plan_the_pool_cannot_take_is_refused_by_name(pool):
    db = pool.db
    vm = local_vm(pool)
    here = db.get(vm, "VM")["resident_on"]
    there = next(h for h in db.all("host") if h != here)
    iso = next(ref for ref, sr in db.all("SR").items() if sr["content_type"] == "iso")
    result = cli(pool, "vm", "migrate", db.get(vm, "VM")["uuid"], "--host",
                 db.get(there, "host")["name_label"], "--sr", db.get(iso, "SR")["uuid"])
    assert result.returncode == 1
    assert db.get(iso, "SR")["name_label"] in result.stderr
    assert db.get(vm, "VM")["resident_on"] == here
