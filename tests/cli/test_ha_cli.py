"""`xapiman-cli pool ha ...` and `vm set-ha` against a simulated pool: HA turned on on a
shared SR with the failures the server computes, refusals in words, protected VMs restarted
after their server is killed, HA turned off."""

from __future__ import annotations

import json
import re

import pytest

from tests.cli.test_cli import cli, real_vms
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def pool():
    with running_pool(hosts=3, vms=12) as p:
        yield p


def on_shared_storage(db, vm: str) -> bool:
    srs = [db.get(db.get(v, "VBD")["VDI"], "VDI")["SR"] for v in db.get(vm, "VM")["VBDs"]
           if not db.get(v, "VBD")["empty"]]
    return bool(srs) and all(db.get(sr, "SR")["shared"] for sr in srs)


def named_sr(db, sr_type: str) -> str:
    return next(rec["name_label"] for rec in db.all("SR").values() if rec["type"] == sr_type)


def test_ha_on_protects_vms_that_restart_after_their_server_dies(pool):
    db = pool.db
    local = named_sr(db, "ext")
    result = cli(pool, "pool", "ha", "enable", "--sr", db.get(next(
        r for r, s in db.all("SR").items() if s["type"] == "ext"), "SR")["uuid"])
    assert result.returncode == 1
    assert "cannot go on" in result.stderr and local in result.stderr
    assert "not shared" in result.stderr

    agile = [vm for vm, rec in real_vms(pool, "Running").items() if on_shared_storage(db, vm)]
    names = [db.get(vm, "VM")["uuid"] for vm in agile[:2]]
    result = cli(pool, "vm", "set-ha", *names, "--restart", "always", "--order", "1")
    assert result.returncode == 0, result.stderr
    assert all(db.get(vm, "VM")["ha_restart_priority"] == "restart" for vm in agile[:2])
    assert all(db.get(vm, "VM")["order"] == 1 for vm in agile[:2])

    result = cli(pool, "pool", "ha", "enable", "--sr", named_sr(db, "nfs"), "--tolerate", "9")
    assert result.returncode == 1
    assert "cannot tolerate 9" in result.stderr
    assert not next(iter(db.all("pool").values()))["ha_enabled"]

    result = cli(pool, "pool", "ha", "enable", "--sr", named_sr(db, "nfs"), "--tolerate", "1")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^high availability +on$", result.stdout, re.M)
    assert "can lose 1 server" in result.stdout

    result = cli(pool, "pool", "ha", "set", "--tolerate", "0")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^failures tolerated +0$", result.stdout, re.M)
    result = cli(pool, "pool", "ha", "set", "--tolerate", "1")
    assert result.returncode == 0, result.stderr

    victim = db.get(agile[0], "VM")["resident_on"]
    pool.sim.kill_host(victim)
    result = cli(pool, "pool", "ha", "status", "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["enabled"] and status["failures_tolerated"] == 1
    victim_name = db.get(victim, "host")["name_label"]
    protected = {v["name"]: v for v in status["vms"]}
    for vm in agile[:2]:
        row = protected[db.get(vm, "VM")["name_label"]]
        assert row["restart"] == "restart" and row["power_state"] == "Running"
        assert row["host"] != victim_name

    result = cli(pool, "pool", "ha", "disable")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^high availability +off$", result.stdout, re.M)
    assert not next(iter(db.all("pool").values()))["ha_enabled"]
