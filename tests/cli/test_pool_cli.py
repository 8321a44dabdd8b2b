"""`xapiman-cli pool eject|join|designate` against simulated servers: a server leaves the pool
and stands alone, joins again, a refusal is printed in words before anything changes, and
another server becomes the coordinator."""

from __future__ import annotations

import time

import pytest

from tests.cli.test_cli import cli
from xapiman.sim.membership import standalone_db
from xapiman.sim.testing import RunningPool, running_pool

pytestmark = pytest.mark.timeout(90)


def wait_for(predicate, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met")


def test_eject_and_join_both_ways():
    with running_pool(hosts=3, vms=6) as pool:
        db = pool.db
        host = next(h for h in db.all("host") if h != pool.sim.coordinator)
        rec = db.get(host, "host")
        name, uuid, address = rec["name_label"], rec["uuid"], rec["address"]
        running = [v for v in rec["resident_VMs"] if not db.get(v, "VM")["is_control_domain"]]

        result = cli(pool, "pool", "eject", name, "--yes")
        if running:  # refused in words while VMs run there
            assert result.returncode == 1
            assert "VMs still run on it" in result.stderr
            for vm in running:
                assert cli(pool, "vm", "shutdown", db.get(vm, "VM")["uuid"], "--force",
                           "--yes").returncode == 0
            assert db.find(host, "host") is not None
        result = cli(pool, "pool", "eject", name)  # destructive: asks, and there is no tty
        assert result.returncode == 1 and "add --yes" in result.stderr
        assert "local storage 'Local storage'" in result.stderr
        assert db.find(host, "host") is not None
        result = cli(pool, "pool", "eject", name, "--yes")
        assert result.returncode == 0, result.stderr
        assert db.find(host, "host") is None

        alone = RunningPool(pool.sim, f"http://{address}", pool.user, pool.password, None)
        wait_for(lambda: cli(alone, "host", "recommend", "--memory", "1GiB").returncode == 0)
        coordinator = db.get(pool.sim.coordinator, "host")["address"]
        result = cli(alone, "pool", "join", "--coordinator", f"http://{coordinator}",
                     env={"XAPIMAN_COORDINATOR_PASSWORD": "wrong"})
        assert result.returncode == 1
        assert "user name or password" in result.stderr
        result = cli(alone, "pool", "join", "--coordinator", f"http://{coordinator}",
                     env={"XAPIMAN_COORDINATOR_PASSWORD": pool.password})
        assert result.returncode == 0, result.stderr
        wait_for(lambda: any(r["uuid"] == uuid for r in db.all("host").values()))
        back = next(h for h, r in db.all("host").items() if r["uuid"] == uuid)
        assert db.get(back, "host")["name_label"] == name

        # the pool's other direction: a server of it cannot join elsewhere
        with running_pool(hosts=1, vms=0, db=standalone_db("lone")) as lone:
            result = cli(pool, "pool", "join", "--coordinator", lone.url,
                         env={"XAPIMAN_COORDINATOR_PASSWORD": lone.password})
            assert result.returncode == 1
            assert "Only a standalone server can join a pool; this pool has 3 servers" \
                in result.stderr

        result = cli(pool, "pool", "designate", name)
        assert result.returncode == 0, result.stderr
        assert pool.sim.coordinator == back
