"""`xapiman-cli` run as a program against the simulator: lists, starts, snapshots, migrates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xapiman.sim.testing import running_pool

CLI = str(Path(sys.executable).parent / "xapiman-cli")


def cli(pool, *args: str, env: dict | None = None, stdin: str | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess:
    environment = {**os.environ, "XAPIMAN_PASSWORD": pool.password if pool else "",
                   **(env or {})}
    base = ["--url", pool.url, "--user", pool.user] if pool else []
    if pool is not None and pool.fingerprint:
        base += ["--fingerprint", pool.fingerprint]
    return subprocess.run([CLI, *base, *args], capture_output=True, text=True, timeout=timeout,
                          env=environment, input=stdin)


@pytest.fixture(scope="module")
def shared_pool():
    with running_pool(hosts=2, vms=20, tls=True) as p:
        yield p


@pytest.fixture
def pool(request):
    """The module's pool, or one of its own for a test marked `changes_pool`."""
    if request.node.get_closest_marker("changes_pool") is None:
        yield request.getfixturevalue("shared_pool")
        return
    with running_pool(hosts=2, vms=20, tls=True) as p:
        yield p


def vm_named(pool, name):
    return next(r for r, v in pool.db.all("VM").items() if v["name_label"] == name)


def real_vms(pool, state=None):
    return {r: v for r, v in pool.db.all("VM").items()
            if not (v["is_a_template"] or v["is_a_snapshot"] or v["is_control_domain"])
            and (state is None or v["power_state"] == state)}


def test_stats_json(pool):
    result = cli(pool, "stats", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["transport"] == "jsonrpc"
    assert doc["counts"]["vm"] == len(pool.db.all("VM"))
    assert doc["objects"] == sum(doc["counts"].values())
    assert doc["load_s"] > 0 and doc["connect_s"] >= 0


def test_vm_list(pool):
    result = cli(pool, "vm", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {r["uuid"] for r in rows} == {v["uuid"] for v in real_vms(pool).values()}
    running = next(r for r in rows if r["power_state"] == "Running")
    ref = pool.db.by_uuid("VM", running["uuid"])
    assert running["host"] == pool.db.get(pool.db.get(ref)["resident_on"])["name_label"]
    text = cli(pool, "vm", "list")
    assert text.returncode == 0 and running["name"] in text.stdout


def on_shared_storage(pool, vm) -> bool:
    for vbd in vm["VBDs"]:
        vdi = pool.db.get(vbd)["VDI"]
        if vdi != "OpaqueRef:NULL" and pool.db.get(vbd)["type"] == "Disk":
            if not pool.db.get(pool.db.get(vdi)["SR"])["shared"]:
                return False
    return True


@pytest.mark.changes_pool
def test_start_snapshot_migrate_shutdown(pool):
    ref, vm = next((r, v) for r, v in real_vms(pool, "Halted").items()
                   if on_shared_storage(pool, v))
    name = vm["name_label"]
    assert cli(pool, "vm", "start", name).returncode == 0
    assert pool.db.get(ref)["power_state"] == "Running"
    result = cli(pool, "vm", "snapshot", name, "--name", "before-upgrade")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Snapshot '")
    snap_uuid = result.stdout.split()[-1]
    snap = pool.db.by_uuid("VM", snap_uuid)
    assert pool.db.get(snap)["snapshot_of"] == ref
    host = pool.db.get(ref)["resident_on"]
    other = next(h for h in pool.db.all("host") if h != host)
    other_name = pool.db.get(other)["name_label"]
    result = cli(pool, "vm", "migrate", vm["uuid"], "--host", other_name)
    assert result.returncode == 0, result.stderr
    assert pool.db.get(ref)["resident_on"] == other
    assert cli(pool, "vm", "shutdown", name, "--force", "--yes").returncode == 0
    assert pool.db.get(ref)["power_state"] == "Halted"
    assert cli(pool, "vm", "revert", "before-upgrade", "--yes").returncode == 0


def test_errors_are_one_readable_line(pool):
    ref, vm = next(iter(real_vms(pool, "Running").items()))
    result = cli(pool, "vm", "start", vm["name_label"])
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "running" in result.stderr
    result = cli(pool, "vm", "start", "no-such-vm")
    assert result.returncode == 1 and "no VM named" in result.stderr


@pytest.mark.changes_pool
def test_ambiguous_names_list_the_matches(pool):
    refs = list(real_vms(pool, "Halted"))[:2]
    for ref in refs:
        pool.db.update(ref, name_label="twin")
    result = cli(pool, "vm", "start", "twin")
    assert result.returncode == 1
    for ref in refs:
        assert pool.db.get(ref)["uuid"] in result.stderr


@pytest.mark.changes_pool
def test_destructive_needs_yes_without_a_terminal(pool):
    ref, vm = next(iter(real_vms(pool, "Halted").items()))
    clone = cli(pool, "vm", "clone", vm["uuid"], "--name", "to-delete")
    assert clone.returncode == 0, clone.stderr
    refused = cli(pool, "vm", "destroy", "to-delete", stdin="")
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert [r for r, v in pool.db.all("VM").items() if v["name_label"] == "to-delete"]
    assert cli(pool, "vm", "destroy", "to-delete", "--yes").returncode == 0
    assert not [r for r, v in pool.db.all("VM").items() if v["name_label"] == "to-delete"]


@pytest.mark.changes_pool
def test_no_wait_prints_the_task(pool):
    ref, vm = next(iter(real_vms(pool, "Halted").items()))
    result = cli(pool, "vm", "start", vm["uuid"], "--no-wait")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("OpaqueRef:")


def test_certificate_must_be_trusted(pool):
    env = {**os.environ, "XAPIMAN_PASSWORD": pool.password}

    def stats(*trust: str) -> subprocess.CompletedProcess:
        # each run ends by its own deadline, however loaded the machine; the test waits for
        # that end (with room for the interpreter to start) rather than guessing a time
        return subprocess.run([CLI, "--url", pool.url, "--timeout", "120", *trust, "stats"],
                              capture_output=True, text=True, env=env, timeout=300)

    refused = stats()
    assert refused.returncode == 1, refused.stderr
    assert "not trusted yet" in refused.stderr and pool.fingerprint in refused.stderr
    assert "--fingerprint" in refused.stderr
    trusted = stats("--trust-on-first-use")
    assert trusted.returncode == 0, trusted.stderr
    assert pool.fingerprint in trusted.stderr
    wrong = stats("--fingerprint", "AA:" * 31 + "AA")  # the remembered pin does not override it
    assert wrong.returncode == 1, wrong.stderr
    assert pool.fingerprint in wrong.stderr


def test_profiles(tmp_path):
    env = {"XAPIMAN_CONFIG_DIR": str(tmp_path)}
    assert cli(None, "profile", "add", "lab", "10.0.0.1", env=env).returncode == 0
    listing = cli(None, "profile", "list", env=env)
    assert "lab\thttps://10.0.0.1" in listing.stdout
    duplicate = cli(None, "profile", "add", "lab", "10.0.0.2", env=env)
    assert duplicate.returncode == 1 and "lab" in duplicate.stderr
    assert cli(None, "profile", "remove", "lab", env=env).returncode == 0
    assert cli(None, "profile", "list", env=env).stdout == ""
    (tmp_path / "profiles.yaml").write_text("profiles: [\n  {name: x\n")
    broken = cli(None, "profile", "list", env=env)
    assert broken.returncode == 0 and "line" in broken.stderr


@pytest.mark.slow
def test_twenty_profile_adds_at_once_keep_all_twenty(tmp_path):
    env = {**os.environ, "XAPIMAN_CONFIG_DIR": str(tmp_path)}
    names = [f"lab-{i:02d}" for i in range(20)]
    running = [subprocess.Popen([CLI, "profile", "add", name, f"10.0.0.{i + 1}"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for i, name in enumerate(names)]
    outputs = [proc.communicate(timeout=60) for proc in running]
    assert [proc.returncode for proc in running] == [0] * 20, [err for _out, err in outputs]
    listing = cli(None, "profile", "list", env={"XAPIMAN_CONFIG_DIR": str(tmp_path)})
    assert sorted(line.split("\t")[0] for line in listing.stdout.splitlines()) == names


def test_connect_with_a_profile(pool, tmp_path):
    env = {"XAPIMAN_CONFIG_DIR": str(tmp_path)}
    assert cli(None, "profile", "add", "sim", pool.url, env=env).returncode == 0
    base = [CLI, "--profile", "sim"]
    environment = {**os.environ, **env, "XAPIMAN_PASSWORD": pool.password}
    first = subprocess.run([*base, "--trust-on-first-use", "vm", "list"], capture_output=True,
                           text=True, env=environment, timeout=60)
    assert first.returncode == 0, first.stderr
    listing = cli(None, "profile", "list", env=env)
    assert pool.fingerprint in listing.stdout  # pinned in the profile
    again = subprocess.run([*base, "vm", "list"], capture_output=True, text=True,
                           env=environment, timeout=60)
    assert again.returncode == 0, again.stderr


def test_pool_loaded_from_a_dump(shared_dir):
    from xapiman.sim.dbdump import load_dump

    db = load_dump(shared_dir / "data" / "xapi-dbs" / "tampa-db_inc_snapshots.xml")
    with running_pool(db=db, tls=True) as dump_pool:
        listing = cli(dump_pool, "vm", "list", "--json")
        assert listing.returncode == 0, listing.stderr
        rows = json.loads(listing.stdout)
        assert len(rows) == 2 and all(r["power_state"] == "Running" for r in rows)
        db = dump_pool.db
        row = next(r for r in rows if on_shared_storage(dump_pool, db.get(db.by_uuid("VM", r["uuid"]))))
        snap = cli(dump_pool, "vm", "snapshot", row["uuid"], "--name", "from-cli")
        assert snap.returncode == 0, snap.stderr
        hosts = [h["name_label"] for h in db.all("host").values()]
        target = next(h for h in hosts if h != row["host"])
        moved = cli(dump_pool, "vm", "migrate", row["uuid"], "--host", target)
        assert moved.returncode == 0, moved.stderr
        ref = db.by_uuid("VM", row["uuid"])
        assert db.get(db.get(ref)["resident_on"])["name_label"] == target
