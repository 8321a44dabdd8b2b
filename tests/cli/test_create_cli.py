"""`xapiman-cli host recommend`, `vm new`, `vm export` and `vm import` run as programs against
the simulator, with the server's records checked afterwards."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import cli
from xapiman.sim.testing import running_pool

GiB = 1024**3


@pytest.fixture(scope="module")
def pool():
    with running_pool(hosts=3, vms=6, tls=True) as p:
        yield p


def host_named(pool, name: str) -> str:
    return next(r for r, h in pool.db.all("host").items() if h["name_label"] == name)


def test_host_recommend_explains_each_host(pool):
    db = pool.db
    small, maint = host_named(pool, "xcp-host-02"), host_named(pool, "xcp-host-03")
    db.update(db.get(small, "host")["metrics"], memory_total=6 * GiB)
    db.update(maint, enabled=False)
    try:
        result = cli(pool, "host", "recommend", "--memory", "8GiB", "--cpus", "2",
                     "--sr", "NFS virtual disk storage", "--json")
        assert result.returncode == 0, result.stderr
        rows = {r["host"]: r for r in json.loads(result.stdout)}
        assert rows["xcp-host-01"]["recommended"] and rows["xcp-host-01"]["suitable"]
        assert rows["xcp-host-02"]["reasons"][0].startswith(
            "Not enough free memory: the VM needs 8.0 GiB")
        assert rows["xcp-host-03"]["reasons"] == ["The server is in maintenance mode."]
        text = cli(pool, "host", "recommend", "--memory", "8GiB")
        assert text.returncode == 0, text.stderr
        first = text.stdout.splitlines()[1]
        assert first.startswith("xcp-host-01") and "recommended" in first
        assert "maintenance mode" in text.stdout
        # storage only one host sees: the others say so
        first_host = host_named(pool, "xcp-host-01")
        local = next(r for r, s in db.all("SR").items() if s["name_label"] == "Local storage"
                     and db.get(s["PBDs"][0])["host"] == first_host)
        db.update(db.get(small, "host")["metrics"], memory_total=256 * GiB)
        only = cli(pool, "host", "recommend", "--memory", "1GiB", "--sr",
                   db.get(local)["uuid"], "--json")
        rows = {r["host"]: r for r in json.loads(only.stdout)}
        assert rows["xcp-host-01"]["recommended"]
        assert rows["xcp-host-02"]["reasons"] == [
            "The server cannot reach the storage 'Local storage (xcp-host-01)'."]  # told apart
        too_big = cli(pool, "host", "recommend", "--memory", "4TiB")
        assert too_big.returncode == 1 and "no host can take this VM" in too_big.stderr
        bad = cli(pool, "host", "recommend", "--memory", "4")
        assert bad.returncode == 2 and "needs a unit" in bad.stderr
    finally:
        db.update(db.get(small, "host")["metrics"], memory_total=256 * GiB)
        db.update(maint, enabled=True)


def vm_records(pool, prefix: str) -> dict[str, dict]:
    return {v["name_label"]: v for v in pool.db.all("VM").values()
            if v["name_label"].startswith(prefix) and not v["is_a_template"]}


def test_vm_new_makes_what_the_options_say(pool):
    db = pool.db
    result = cli(pool, "vm", "new", "--template", "Debian Bookworm 12", "--name", "cli-one",
                 "--description", "from the command line", "--cpus", "4",
                 "--cores-per-socket", "2", "--memory", "3GiB", "--disk", "12GiB",
                 "--disk", "2GiB@iSCSI virtual disk storage", "--network", "DMZ (VLAN 100)",
                 "--network", "Pool-wide network associated with eth1=02:11:22:33:44:55",
                 "--iso", "debian-12.5.0-amd64-netinst.iso", "--host", "xcp-host-02",
                 "--start")
    assert result.returncode == 0, result.stderr
    uuid = result.stdout.strip()
    vm = db.get(db.by_uuid("VM", uuid), "VM")
    assert vm["name_label"] == "cli-one" and vm["power_state"] == "Running"
    assert db.get(vm["resident_on"], "host")["name_label"] == "xcp-host-02"
    assert (vm["VCPUs_max"], vm["platform"]["cores-per-socket"]) == (4, "2")
    assert vm["memory_static_max"] == vm["memory_dynamic_min"] == 3 * GiB
    disks, cds = [], []
    for vbd in vm["VBDs"]:
        rec = db.get(vbd, "VBD")
        if rec["type"] == "CD":
            cds.append(db.get(rec["VDI"], "VDI")["name_label"])
        else:
            vdi = db.get(rec["VDI"], "VDI")
            disks.append((vdi["virtual_size"], db.get(vdi["SR"], "SR")["name_label"]))
    assert sorted(disks) == [(2 * GiB, "iSCSI virtual disk storage"),
                             (12 * GiB, "NFS virtual disk storage")]
    assert cds == ["debian-12.5.0-amd64-netinst.iso"]
    vifs = sorted((db.get(v, "VIF")["device"], db.get(db.get(v, "VIF")["network"])["name_label"],
                   db.get(v, "VIF")["MAC"]) for v in vm["VIFs"])
    assert vifs[0][:2] == ("0", "DMZ (VLAN 100)")
    assert vifs[1] == ("1", "Pool-wide network associated with eth1", "02:11:22:33:44:55")


@pytest.mark.parametrize("media", [("--install-url", "http://deb.debian.org/debian/"),
                                   ("--pxe",), ("--dvd", "xcp-host-03")])
def test_vm_new_sets_the_boot_media_and_places_the_vm(pool, media):
    db = pool.db
    name = "cli" + media[0]
    result = cli(pool, "vm", "new", "--template", "Debian Bookworm 12", "--name", name,
                 "--memory", "1.5GiB", "--cpus", "2", "--auto-place", "--start", *media)
    assert result.returncode == 0, result.stderr
    vm = db.get(db.by_uuid("VM", result.stdout.strip()), "VM")
    assert vm["name_label"] == name and vm["power_state"] == "Running"
    assert (vm["memory_static_max"], vm["memory_dynamic_max"], vm["memory_dynamic_min"]) \
        == (3 * GiB // 2,) * 3
    assert (vm["VCPUs_max"], vm["VCPUs_at_startup"]) == (2, 2)
    cds = [db.get(b, "VBD") for b in vm["VBDs"] if db.get(b, "VBD")["type"] == "CD"]
    if media[0] == "--install-url":
        assert vm["other_config"]["install-repository"] == media[1]
        assert [cd["empty"] for cd in cds] == [True]
    elif media[0] == "--pxe":
        assert vm["HVM_boot_params"]["order"].startswith("n")
    else:  # a host's drive: the VM runs on that host
        [cd] = cds
        drive = db.get(cd["VDI"], "VDI")
        assert db.get(drive["SR"], "SR")["name_label"] == "DVD drives"
        assert db.get(vm["resident_on"], "host")["name_label"] == "xcp-host-03"


def test_vm_new_count_places_each_and_reports(pool):
    # The hosts' CPU load moves from one measurement to the next (the simulator's loads are
    # waves with noise), so a dry run and the real one can rank hosts apart when it counts:
    # both rank by memory and vCPUs only, which the dry run's plan must match exactly.
    dry = cli(pool, "vm", "new", "--template", "Other install media", "--name", "batch-{n}",
              "--count", "5", "--memory", "1GiB", "--start", "--no-load", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    planned = dict(line.split() for line in dry.stdout.splitlines() if line.startswith("  "))
    assert set(planned) == {f"batch-{n}" for n in range(1, 6)}
    assert not vm_records(pool, "batch-")  # a dry run makes nothing
    result = cli(pool, "vm", "new", "--template", "Other install media", "--name", "batch-{n}",
                 "--count", "5", "--memory", "1GiB", "--start", "--no-load", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["name"] for r in rows] == [f"batch-{n}" for n in range(1, 6)]
    assert all(r["status"] == "success" for r in rows)
    assert "5 of 5 VMs created." in result.stderr
    made = vm_records(pool, "batch-")
    for name, vm in made.items():
        assert pool.db.get(vm["resident_on"], "host")["name_label"] == planned[name]


def test_vm_new_refuses_a_bad_plan_with_every_reason(pool):
    result = cli(pool, "vm", "new", "--template", "Debian Bookworm 12", "--name", "bad",
                 "--cpus", "99", "--network", "DMZ (VLAN 100)=ff:ff:ff:ff:ff:ff")
    assert result.returncode == 1
    assert "The template allows 1 to 32 vCPUs." in result.stderr
    assert "multicast" in result.stderr
    missing = cli(pool, "vm", "new", "--template", "No such template", "--name", "x")
    assert missing.returncode == 1 and "no template named" in missing.stderr
    assert not vm_records(pool, "bad")


def test_vm_export_then_import(pool, tmp_path):
    db = pool.db
    vm = next(v for v in sorted(db.all("VM").values(), key=lambda v: v["name_label"])
              if v["power_state"] == "Halted" and not v["is_a_template"] and v["VBDs"])
    target = tmp_path / "out.xva"
    result = cli(pool, "vm", "export", vm["uuid"], "--output", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(target) and target.stat().st_size > 0
    again = cli(pool, "vm", "export", vm["uuid"], "--output", str(target), stdin="")
    assert again.returncode == 1 and "--yes" in again.stderr  # it would replace the file
    running = next(v for v in db.all("VM").values()
                   if v["power_state"] == "Running" and not v["is_control_domain"])
    refused = cli(pool, "vm", "export", running["uuid"], "--output", str(tmp_path / "r.xva"))
    assert refused.returncode == 1 and "cannot export" in refused.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xva"]
    imported = cli(pool, "vm", "import", str(target), "--sr", "iSCSI virtual disk storage",
                   "--host", "xcp-host-03")
    assert imported.returncode == 0, imported.stderr
    new = db.get(db.by_uuid("VM", imported.stdout.strip()), "VM")
    assert new["name_label"] == vm["name_label"]
    assert db.get(new["affinity"], "host")["name_label"] == "xcp-host-03"
    assert len(new["VBDs"]) == len(vm["VBDs"]) and len(new["VIFs"]) == len(vm["VIFs"])
    junk = tmp_path / "junk.xva"
    junk.write_bytes(b"junk" * 1000)
    bad = cli(pool, "vm", "import", str(junk))
    assert bad.returncode == 1 and "'junk.xva' is not an XVA export" in bad.stderr


def test_placement_and_creation_on_a_real_pool(shared_dir):
    """A XenServer pool's own database: its two hosts run different VMs (so differ in free
    memory) and each has its local storage."""
    from xapiman.sim.dbdump import load_dump

    db = load_dump(shared_dir / "data" / "xapi-dbs" / "tampa-db_inc_snapshots.xml")
    with running_pool(db=db, tls=True) as dump:
        db = dump.db

        def recommend(*args: str) -> dict[str, dict]:
            result = cli(dump, "host", "recommend", "--cpus", "1", "--json", *args)
            assert result.returncode in (0, 1), result.stderr
            return {r["host"]: r for r in json.loads(result.stdout)}

        free = {name: row["free_memory"] for name, row in recommend("--memory", "1GiB").items()}
        assert free["dt23"] > free["dt16"] + GiB
        between = (free["dt16"] + free["dt23"]) // 2 // 1024**2
        rows = recommend("--memory", f"{between}MiB")
        assert rows["dt23"]["recommended"]
        [short] = rows["dt16"]["reasons"]
        assert short.startswith("Not enough free memory: the VM needs ") and "free." in short
        dt16 = next(r for r, h in db.all("host").items() if h["name_label"] == "dt16")
        local = next(s for s in db.all("SR").values() if s["type"] == "lvm"
                     and db.get(s["PBDs"][0])["host"] == dt16)
        rows = recommend("--memory", "1GiB", "--sr", local["uuid"])
        assert rows["dt16"]["recommended"]
        assert rows["dt23"]["reasons"] == [
            "The server cannot reach the storage 'Local storage (dt16)'."]
        dt23 = next(r for r, h in db.all("host").items() if h["name_label"] == "dt23")
        db.update(dt23, enabled=False)
        assert recommend("--memory", "1GiB")["dt23"]["reasons"] == [
            "The server is in maintenance mode."]
        made = cli(dump, "vm", "new", "--template", "CentOS 5 (64-bit)", "--name", "real-1",
                   "--memory", "1GiB", "--disk", f"10GiB@{local['uuid']}", "--auto-place",
                   "--start")
        assert made.returncode == 0, made.stderr
        vm = db.get(db.by_uuid("VM", made.stdout.strip()), "VM")
        assert vm["power_state"] == "Running" and vm["resident_on"] == dt16
        assert vm["memory_static_max"] == vm["memory_dynamic_max"] == GiB
        disks = [db.get(db.get(b, "VBD")["VDI"], "VDI") for b in vm["VBDs"]
                 if db.get(b, "VBD")["type"] == "Disk"]
        assert [(d["virtual_size"], d["SR"]) for d in disks] == [
            (10 * GiB, db.by_uuid("SR", local["uuid"]))]
