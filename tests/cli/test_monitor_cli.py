"""`xapiman-cli top`, `alerts` and `dismiss` as programs against the simulator (HTTPS)."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import cli
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.timeout(90)


@pytest.fixture(scope="module")
def pool():
    with running_pool(hosts=2, vms=12, tls=True) as p:
        yield p


def running_vm_uuids(pool, host: str | None = None) -> set[str]:
    return {v["uuid"] for v in pool.db.all("VM").values()
            if v["power_state"] in ("Running", "Paused") and not v["is_control_domain"]
            and (host is None or v["resident_on"] == host)}


def test_top_ranks_hosts_and_vms_by_what_was_asked(pool):
    result = cli(pool, "top", "--sort", "memory", "--count", "0", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["sort"] == "memory"
    assert {h["uuid"] for h in doc["hosts"]} == {h["uuid"] for h in pool.db.all("host").values()}
    assert {v["uuid"] for v in doc["vms"]} == running_vm_uuids(pool)
    memory = [v["memory"] for v in doc["vms"]]
    assert memory == sorted(memory, reverse=True) and all(m > 0 for m in memory)
    assert all(0 <= v["cpu"] <= 1 and v["host"] for v in doc["vms"])
    assert any(v["network"] > 0 and v["disk"] > 0 for v in doc["vms"])


def test_top_of_one_host_as_a_table(pool):
    host = pool.sim.coordinator
    name = pool.db.get(host, "host")["name_label"]
    result = cli(pool, "top", "--host", name, "--count", "3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["HOST", "CPU", "MEMORY"]
    assert lines[1].startswith(name) and "%" in lines[1] and "GiB" in lines[1]
    vm_lines = lines[lines.index("") + 2:]
    assert len(vm_lines) == min(3, len(running_vm_uuids(pool, host)))
    assert all(name in line for line in vm_lines)
    assert cli(pool, "top", "--host", "no-such-host").returncode == 1


def test_a_host_that_does_not_answer_is_named_and_the_rest_shown(pool):
    supporter = next(h for h in pool.db.all("host") if h != pool.sim.coordinator)
    name = pool.db.get(supporter, "host")["name_label"]
    pool.sim.stop_host(supporter)
    try:
        result = cli(pool, "top", "--json")
    finally:
        pool.sim.revive_host(supporter)
    assert result.returncode == 0, result.stderr
    assert name in result.stderr and "does not answer" in result.stderr
    doc = json.loads(result.stdout)
    assert [h["name"] for h in doc["hosts"]] == [
        pool.db.get(pool.sim.coordinator, "host")["name_label"]]


def test_alerts_list_and_dismiss(pool):
    vm = next(r for r, v in pool.db.all("VM").items()
              if v["power_state"] == "Running" and not v["is_control_domain"])
    pool.sim.alerts.crash_vm(vm)
    result = cli(pool, "alerts", "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    server = {r["uuid"]: r for r in pool.db.all("message").values()}
    assert {a["uuid"] for a in found} == set(server)
    crashed = next(a for a in found if a["name"] == "VM_CRASHED")
    assert crashed["priority"] == 2 and crashed["title"] == "VM crashed"
    assert crashed["about"] == pool.db.get(vm, "VM")["name_label"]
    times = [a["time"] for a in found]
    assert times == sorted(times, reverse=True)
    urgent = json.loads(cli(pool, "alerts", "--priority", "2", "--json").stdout)
    assert urgent and all(a["priority"] <= 2 for a in urgent)
    table = cli(pool, "alerts")
    assert "VM crashed" in table.stdout and crashed["uuid"] in table.stdout
    # dismissing asks first: without a terminal and without --yes nothing goes
    refused = cli(pool, "dismiss", crashed["uuid"])
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert crashed["uuid"] in {r["uuid"] for r in pool.db.all("message").values()}
    done = cli(pool, "dismiss", crashed["uuid"], "--yes")
    assert done.returncode == 0, done.stderr
    assert crashed["uuid"] not in {r["uuid"] for r in pool.db.all("message").values()}
    assert cli(pool, "dismiss", crashed["uuid"], "--yes").returncode == 1  # no such alert now
    everything = cli(pool, "dismiss", "--all", "--yes")
    assert everything.returncode == 0, everything.stderr
    assert pool.db.all("message") == {}
    assert "No alerts." in cli(pool, "alerts").stdout
