"""`xapiman-cli network ...`, `host nics`, `host nic-ip` and `vm nic ...` against the
simulator, each checked in the server's records."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import cli
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def pool():
    with running_pool(hosts=2, vms=8, tls=True) as p:
        yield p


def ok(pool, *args: str):
    result = cli(pool, *args)
    assert result.returncode == 0, (args, result.stderr)
    return result


def network_named(pool, name: str) -> tuple[str, dict]:
    found = [(r, n) for r, n in pool.db.all("network").items() if n["name_label"] == name]
    assert len(found) == 1, (name, found)
    return found[0]


def pifs_of(pool, net: str) -> list[dict]:
    return [pool.db.get(p, "PIF") for p in pool.db.get(net, "network")["PIFs"]]


def test_vlan_internal_and_bonded_networks(pool):
    db = pool.db
    made = ok(pool, "network", "new", "--name", "Storage VLAN 20", "--vlan", "20", "--nic",
              "eth1", "--mtu", "9000")
    ref, rec = network_named(pool, "Storage VLAN 20")
    assert made.stdout.strip() == rec["uuid"] and rec["MTU"] == 9000
    pifs = pifs_of(pool, ref)
    assert len(pifs) == len(db.all("host")) and {(p["device"], p["VLAN"]) for p in pifs} == \
        {("eth1", 20)}
    taken = cli(pool, "network", "new", "--name", "again", "--vlan", "20", "--nic", "eth1")
    assert taken.returncode == 1 and "VLAN 20 is on eth1 already" in taken.stderr
    ok(pool, "network", "new", "--name", "Lab private", "--internal", "--no-auto")
    ref, rec = network_named(pool, "Lab private")
    assert rec["PIFs"] == [] and rec["other_config"]["automatic"] == "false"
    ok(pool, "network", "new", "--name", "Bonded", "--bond", "eth2,eth3", "--mode", "lacp",
       "--hashing", "src_mac")
    ref, rec = network_named(pool, "Bonded")
    masters = pifs_of(pool, ref)
    assert len(masters) == len(db.all("host"))
    for master in masters:
        bond = db.get(master["bond_master_of"][0], "Bond")
        assert bond["mode"] == "lacp" and bond["properties"]["hashing_algorithm"] == "src_mac"
        assert sorted(db.get(s, "PIF")["device"] for s in bond["slaves"]) == ["eth2", "eth3"]
    host = db.get(masters[0]["host"], "host")["name_label"]
    nics = json.loads(ok(pool, "host", "nics", host, "--json").stdout)
    by_device = {(n["device"], n["vlan"]): n for n in nics}
    assert by_device[("eth2", -1)]["bond"] == "bond0"
    assert by_device[("eth0", -1)]["management"] is True
    assert by_device[("bond0", -1)]["speed"] == 20000
    bonded_again = cli(pool, "network", "new", "--name", "x", "--bond", "eth2,eth1")
    assert bonded_again.returncode == 1 and "eth2 is in bond0 already" in bonded_again.stderr
    # deleting a network takes its VLANs and bonds with it
    ok(pool, "network", "delete", "Bonded", "--yes")
    assert db.find(ref, "network") is None and not db.all("Bond")
    assert all(p["bond_slave_of"] == "OpaqueRef:NULL" for p in db.all("PIF").values())
    ok(pool, "network", "delete", "Storage VLAN 20", "--yes")
    assert not [p for p in db.all("PIF").values() if p["VLAN"] == 20]


def test_delete_says_which_vms_use_it(pool):
    used = cli(pool, "network", "delete", "DMZ (VLAN 100)", "--yes")
    assert used.returncode == 1 and "VMs use it:" in used.stderr
    vm = next(v for v in pool.db.all("VIF").values()
              if pool.db.get(v["network"], "network")["name_label"] == "DMZ (VLAN 100)")["VM"]
    assert pool.db.get(vm, "VM")["name_label"] in used.stderr
    nic = cli(pool, "network", "delete", "Pool-wide network associated with eth1", "--yes")
    assert nic.returncode == 1 and "eth1" in nic.stderr


def test_nic_ip_of_a_secondary_interface(pool):
    db = pool.db
    host = sorted(db.all("host").values(), key=lambda h: h["name_label"])[0]["name_label"]
    ok(pool, "host", "nic-ip", host, "eth1", "--static", "10.1.0.5/24", "--dns", "10.1.0.1")
    pif = next(p for p in db.all("PIF").values()
               if p["device"] == "eth1" and p["VLAN"] == -1
               and db.get(p["host"], "host")["name_label"] == host)
    assert (pif["ip_configuration_mode"], pif["IP"], pif["netmask"], pif["DNS"]) == \
        ("Static", "10.1.0.5", "255.255.255.0", "10.1.0.1")
    bad = cli(pool, "host", "nic-ip", host, "eth1", "--static", "10.1.0.300/24")
    assert bad.returncode == 1 and "not an IPv4 address" in bad.stderr
    management = cli(pool, "host", "nic-ip", host, "eth0", "--dhcp")
    assert management.returncode == 1 and "management" in management.stderr


@pytest.mark.changes_pool
def test_vm_nics(pool):
    db = pool.db
    vm, rec = next((r, v) for r, v in sorted(db.all("VM").items(),
                                            key=lambda kv: kv[1]["name_label"])
                   if v["power_state"] == "Halted" and not v["is_a_template"]
                   and not v["is_control_domain"] and not v["is_a_snapshot"])
    name = rec["name_label"]
    before = set(rec["VIFs"])
    ok(pool, "vm", "nic", "add", name, "--network", "DMZ (VLAN 100)", "--mac",
       "02:00:00:00:01:01", "--rate", "2048")
    added = next(v for v in db.get(vm, "VM")["VIFs"] if v not in before)
    vif = db.get(added, "VIF")
    assert vif["MAC"] == "02:00:00:00:01:01" and vif["qos_algorithm_params"] == {"kbps": "2048"}
    rows = json.loads(ok(pool, "vm", "nic", "list", name, "--json").stdout)
    device = vif["device"]
    assert next(r for r in rows if r["device"] == device)["rate_kib"] == 2048
    clash = cli(pool, "vm", "nic", "add", name, "--network", "DMZ (VLAN 100)", "--mac",
                "02:00:00:00:01:01")
    assert clash.returncode == 1 and "used by" in clash.stderr
    ok(pool, "vm", "nic", "set", name, device, "--network",
       "Pool-wide network associated with eth1", "--rate", "0", "--mac", "02:00:00:00:01:02")
    changed = next(v for v in db.get(vm, "VM")["VIFs"]
                   if db.get(v, "VIF")["device"] == device)
    vif = db.get(changed, "VIF")
    assert db.get(vif["network"], "network")["name_label"] == \
        "Pool-wide network associated with eth1"
    assert vif["MAC"] == "02:00:00:00:01:02" and vif["qos_algorithm_type"] == ""
    refused = cli(pool, "vm", "nic", "remove", name, device)
    assert refused.returncode == 1 and "02:00:00:00:01:02" in refused.stderr
    ok(pool, "vm", "nic", "remove", name, device, "--yes")
    assert changed not in db.get(vm, "VM")["VIFs"] and db.find(changed, "VIF") is None
    # a running guest that cannot take a new interface now: made, and the reason said
    running, rec = next((r, v) for r, v in sorted(db.all("VM").items(),
                                                 key=lambda kv: kv[1]["name_label"])
                        if v["power_state"] == "Running" and not v["is_control_domain"]
                        and v["guest_metrics"] != "OpaqueRef:NULL")
    db.update(rec["guest_metrics"], can_use_hotplug_vif="no")
    before = set(rec["VIFs"])
    said = ok(pool, "vm", "nic", "add", rec["name_label"], "--network", "DMZ (VLAN 100)")
    added = next(v for v in db.get(running, "VM")["VIFs"] if v not in before)
    assert db.get(added, "VIF")["currently_attached"] is False
    assert "next start" in said.stderr and "does not support VIF hotplug" in said.stderr
