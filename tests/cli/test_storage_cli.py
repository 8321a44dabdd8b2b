"""`xapiman-cli sr ...` and `disk ...` against the simulator, each checked in the server's
records: probing NFS and iSCSI, making and attaching SRs, repair with a server that cannot reach
the storage, set-default, detach, forget, destroy (which asks first), and every disk operation
including image import and export."""

from __future__ import annotations

import io
import json
import os

import pytest

from tests.cli.test_cli import cli
from xapiman.sim import vhd
from xapiman.sim.storage_net import StorageNetwork
from xapiman.sim.testing import running_pool

MiB, GiB = 1024**2, 1024**3
pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def pool():
    with running_pool(hosts=2, vms=8, tls=True) as p:
        yield p


def ok(pool, *args: str, env: dict | None = None):
    result = cli(pool, *args, env=env)
    assert result.returncode == 0, (args, result.stderr)
    return result


def sr_by_name(pool, name: str) -> tuple[str, dict]:
    found = [(r, s) for r, s in pool.db.all("SR").items() if s["name_label"] == name]
    assert len(found) == 1, (name, found)
    return found[0]


def attached(pool, sr: str) -> dict[str, bool]:
    db = pool.db
    return {db.get(db.get(p, "PBD")["host"], "host")["name_label"]:
            db.get(p, "PBD")["currently_attached"] for p in db.get(sr, "SR")["PBDs"]}


def test_nfs_probe_new_attach_and_lifecycle(pool, tmp_path):
    exports = ok(pool, "sr", "probe", "nfs", "--server", "10.0.0.5", "--json")
    assert "/export/vms" in [e["path"] for e in json.loads(exports.stdout)]
    bad = cli(pool, "sr", "probe", "nfs", "--server", "nas.invalid")
    assert bad.returncode == 1
    assert "Incorrect DNS name" in bad.stderr and "IP address" in bad.stderr
    made = ok(pool, "sr", "new", "nfs", "--server", "10.0.0.30", "--path", "/srv/vms",
              "--name", "NFS two", "--nfs-version", "4")
    uuid = made.stdout.strip().splitlines()[-1]
    ref, rec = sr_by_name(pool, "NFS two")
    assert rec["uuid"] == uuid and rec["type"] == "nfs" and rec["shared"]
    configs = [pool.db.get(p, "PBD")["device_config"] for p in rec["PBDs"]]
    assert configs[0] == {"server": "10.0.0.30", "serverpath": "/srv/vms", "nfsversion": "4"}
    assert set(attached(pool, ref).values()) == {True}
    # set as default, then detach and forget: the data stays and a new SR attaches it again
    ok(pool, "sr", "set-default", "NFS two")
    assert pool.db.get(next(iter(pool.db.all("pool"))), "pool")["default_SR"] == ref
    ok(pool, "sr", "detach", "NFS two")
    assert set(attached(pool, ref).values()) == {False}
    refused = cli(pool, "sr", "forget", "NFS two")
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert "NFS two" in refused.stderr and pool.db.find(ref, "SR") is not None
    ok(pool, "sr", "forget", "NFS two", "--yes")
    assert pool.db.find(ref, "SR") is None
    again = ok(pool, "sr", "new", "nfs", "--server", "10.0.0.30", "--path", "/srv/vms",
               "--name", "NFS two again")
    assert f"found the SR {uuid}" in again.stderr
    assert again.stdout.strip().splitlines()[-1] == uuid
    ref, rec = sr_by_name(pool, "NFS two again")
    assert rec["uuid"] == uuid and set(attached(pool, ref).values()) == {True}


def test_iscsi_probe_and_new_with_chap(pool):
    StorageNetwork.of(pool.db).require_chap("san.lab", "admin", "s3cret")
    env = {"XAPIMAN_STORAGE_SECRET": "s3cret"}
    refused = cli(pool, "sr", "probe", "iscsi", "--target", "san.lab")
    assert refused.returncode == 1 and "CHAP" in refused.stderr
    iqns = json.loads(ok(pool, "sr", "probe", "iscsi", "--target", "san.lab", "--chap-user",
                         "admin", "--json", env=env).stdout)
    iqn = iqns[0]["iqn"]
    luns = json.loads(ok(pool, "sr", "probe", "iscsi", "--target", "san.lab", "--chap-user",
                         "admin", "--iqn", iqn, "--json", env=env).stdout)
    assert [lun["lun"] for lun in luns] == ["0", "1"] and luns[1]["size"] == 2 * 1024**4
    assert all(lun["sr"] == "" for lun in luns)
    made = ok(pool, "sr", "new", "iscsi", "--target", "san.lab", "--chap-user", "admin",
              "--iqn", iqn, "--lun", "1", "--name", "SAN LUN 1", env=env)
    ref, rec = sr_by_name(pool, "SAN LUN 1")
    assert rec["type"] == "lvmoiscsi" and int(rec["physical_size"]) == 2 * 1024**4
    config = pool.db.get(rec["PBDs"][0], "PBD")["device_config"]
    assert config["SCSIid"] == luns[1]["scsi_id"] and config["chapuser"] == "admin"
    assert made.stdout.strip().splitlines()[-1] == rec["uuid"]
    luns = json.loads(ok(pool, "sr", "probe", "iscsi", "--target", "san.lab", "--chap-user",
                         "admin", "--iqn", iqn, "--json", env=env).stdout)
    assert luns[1]["sr"] == rec["uuid"] and luns[1]["in_pool"] == "SAN LUN 1"


@pytest.mark.changes_pool
def test_repair_says_each_servers_result(pool):
    db = pool.db
    hosts = sorted(db.all("host"), key=lambda h: db.get(h, "host")["name_label"])
    net = StorageNetwork.of(db)
    net.cut("10.0.0.31", hosts[1])
    ok(pool, "sr", "new", "nfs", "--server", "10.0.0.31", "--path", "/vms", "--name", "NFS 31")
    ref, _rec = sr_by_name(pool, "NFS 31")
    names = [db.get(h, "host")["name_label"] for h in hosts]
    assert attached(pool, ref) == {names[0]: True, names[1]: False}
    failed = cli(pool, "sr", "repair", "NFS 31")
    assert failed.returncode == 1
    assert names[1] in failed.stderr and "NFS service" in failed.stderr
    assert attached(pool, ref) == {names[0]: True, names[1]: False}
    net.mend("10.0.0.31", hosts[1])
    ok(pool, "sr", "repair", "NFS 31")
    assert attached(pool, ref) == {names[0]: True, names[1]: True}
    gone = cli(pool, "sr", "repair", "NFS 31")
    assert gone.returncode == 1 and "every server" in gone.stderr


def test_destroy_names_what_it_destroys(pool):
    ok(pool, "sr", "new", "nfs", "--server", "10.0.0.32", "--path", "/scratch", "--name",
       "Scratch")
    ref, _rec = sr_by_name(pool, "Scratch")
    ok(pool, "disk", "new", "--sr", "Scratch", "--size", "1GiB", "--name", "doomed disk")
    refused = cli(pool, "sr", "destroy", "Scratch")
    assert refused.returncode == 1
    assert "doomed disk" in refused.stderr and "--yes" in refused.stderr
    assert pool.db.find(ref, "SR") is not None
    ok(pool, "sr", "destroy", "Scratch", "--yes")
    assert pool.db.find(ref, "SR") is None
    assert not [v for v in pool.db.all("VDI").values() if v["name_label"] == "doomed disk"]


def _disk(pool, name: str) -> tuple[str, dict]:
    found = [(r, v) for r, v in pool.db.all("VDI").items() if v["name_label"] == name]
    assert len(found) == 1, (name, found)
    return found[0]


def _halted_vm(pool) -> tuple[str, str]:
    ref, rec = next((r, v) for r, v in sorted(pool.db.all("VM").items(),
                                              key=lambda kv: kv[1]["name_label"])
                    if v["power_state"] == "Halted" and not v["is_a_template"]
                    and not v["is_control_domain"] and not v["is_a_snapshot"])
    return ref, rec["name_label"]


@pytest.mark.changes_pool
def test_disk_operations(pool, tmp_path):
    db = pool.db
    vm, vm_name = _halted_vm(pool)
    made = ok(pool, "disk", "new", "--sr", "NFS virtual disk storage", "--size", "2GiB",
              "--name", "data", "--description", "for tests")
    ref, rec = _disk(pool, "data")
    assert rec["uuid"] == made.stdout.strip().splitlines()[-1]
    assert rec["virtual_size"] == 2 * GiB and rec["name_description"] == "for tests"
    ok(pool, "disk", "resize", "data", "--size", "3GiB")
    assert db.get(ref, "VDI")["virtual_size"] == 3 * GiB
    shrink = cli(pool, "disk", "resize", "data", "--size", "1GiB")
    assert shrink.returncode == 1 and "cannot shrink" in shrink.stderr
    ok(pool, "disk", "rename", "data", "--name", "data disk")
    assert db.get(ref, "VDI")["name_label"] == "data disk"
    ok(pool, "disk", "attach", "data disk", "--vm", vm_name, "--position", "7", "--read-only")
    vbd = next(b for b in db.get(ref, "VDI")["VBDs"])
    assert (db.get(vbd, "VBD")["VM"], db.get(vbd, "VBD")["userdevice"],
            db.get(vbd, "VBD")["mode"]) == (vm, "7", "RO")
    moved = ok(pool, "disk", "move", "data disk", "--sr", "iSCSI virtual disk storage")
    new_ref, new_rec = _disk(pool, "data disk")
    assert new_ref != ref and db.find(ref, "VDI") is None
    assert new_rec["uuid"] == moved.stdout.strip().splitlines()[-1]
    assert db.get(new_rec["SR"], "SR")["name_label"] == "iSCSI virtual disk storage"
    vbds = db.get(new_ref, "VDI")["VBDs"]
    assert [(db.get(b, "VBD")["VM"], db.get(b, "VBD")["userdevice"]) for b in vbds] == \
        [(vm, "7")]
    ok(pool, "disk", "detach", "data disk", "--vm", vm_name)
    assert not db.get(new_ref, "VDI")["VBDs"]
    refused = cli(pool, "disk", "delete", "data disk")
    assert refused.returncode == 1 and "data disk" in refused.stderr
    ok(pool, "disk", "delete", "data disk", "--yes")
    assert db.find(new_ref, "VDI") is None
    # an image in, the same data out
    image = tmp_path / "appliance.img"
    data = os.urandom(MiB) + bytes(2 * MiB) + b"end of the image".ljust(MiB, b"\0")
    image.write_bytes(data)
    made = ok(pool, "disk", "import", str(image), "--sr", "NFS virtual disk storage")
    ref, rec = _disk(pool, "appliance")
    assert rec["uuid"] == made.stdout.strip().splitlines()[-1] and rec["virtual_size"] >= len(data)
    out = tmp_path / "back.raw"
    ok(pool, "disk", "export", "appliance", "--output", str(out))
    assert out.read_bytes()[:len(data)] == data
    packed = tmp_path / "back.vhd"
    ok(pool, "disk", "export", "appliance", "--output", str(packed))
    raw = packed.read_bytes()
    size, pieces = vhd.read(io.BytesIO(raw).read, len(raw))
    restored = bytearray(size)
    for offset, piece in pieces:
        restored[offset:offset + len(piece)] = piece
    assert bytes(restored[:len(data)]) == data
    ok(pool, "disk", "import", str(packed), "--name", "from vhd", "--sr",
       "iSCSI virtual disk storage")
    vhd_ref, vhd_rec = _disk(pool, "from vhd")
    assert vhd_rec["virtual_size"] >= size
    not_image = tmp_path / "empty.img"
    not_image.write_bytes(b"")
    bad = cli(pool, "disk", "import", str(not_image))
    assert bad.returncode == 1 and "empty" in bad.stderr


def test_local_and_iso_srs_and_the_list(pool):
    db = pool.db
    hosts = sorted(db.all("host"), key=lambda h: db.get(h, "host")["name_label"])
    second = db.get(hosts[1], "host")["name_label"]
    ok(pool, "sr", "new", "ext", "--device", "/dev/sdd", "--host", second, "--name", "Local sdd")
    ref, rec = sr_by_name(pool, "Local sdd")
    assert (rec["type"], rec["shared"]) == ("ext", False)
    assert [(db.get(p, "PBD")["host"], db.get(p, "PBD")["device_config"]) for p in rec["PBDs"]] \
        == [(hosts[1], {"device": "/dev/sdd"})]
    ok(pool, "sr", "new", "lvm", "--device", "/dev/sde", "--host", second, "--name", "Local sde")
    assert sr_by_name(pool, "Local sde")[1]["type"] == "lvm"
    ok(pool, "sr", "new", "iso-nfs", "--server", "10.0.0.7", "--path", "/export/iso",
       "--name", "CLI ISOs")
    ref, rec = sr_by_name(pool, "CLI ISOs")
    assert (rec["type"], rec["content_type"]) == ("iso", "iso")
    assert db.get(rec["PBDs"][0], "PBD")["device_config"]["location"] == "10.0.0.7:/export/iso"
    StorageNetwork.of(db).require_login("smb.lab", "reader", "pa55")
    wrong = cli(pool, "sr", "new", "iso-smb", "--server", "smb.lab", "--share", "isos",
                "--smb-user", "reader", "--name", "SMB ISOs", env={"XAPIMAN_STORAGE_SECRET": "no"})
    assert wrong.returncode == 1 and "Permission denied" in wrong.stderr
    assert not [s for s in db.all("SR").values() if s["name_label"] == "SMB ISOs"]
    ok(pool, "sr", "new", "iso-smb", "--server", "smb.lab", "--share", "isos", "--smb-user",
       "reader", "--name", "SMB ISOs", env={"XAPIMAN_STORAGE_SECRET": "pa55"})
    ref, rec = sr_by_name(pool, "SMB ISOs")
    config = db.get(rec["PBDs"][0], "PBD")["device_config"]
    assert config["location"] == r"\\smb.lab\isos" and config["username"] == "reader"
    listed = {r["name"]: r for r in json.loads(ok(pool, "sr", "list", "--json").stdout)}
    assert listed["Local sdd"]["servers"] == 1 and listed["Local sdd"]["connected"] == 1
    assert listed["CLI ISOs"]["servers"] == len(hosts)
    # an ISO library is not destroyed, only forgotten
    refused = cli(pool, "sr", "destroy", "CLI ISOs", "--yes")
    assert refused.returncode == 1 and "forget it instead" in refused.stderr


def test_rescan_finds_a_forgotten_disk(pool):
    import XenAPI

    session = XenAPI.Session(pool.url, ignore_ssl=True)
    session.xenapi.login_with_password(pool.user, pool.password, "2.21", "tests")
    try:
        x = session.xenapi
        sr, _rec = sr_by_name(pool, "NFS virtual disk storage")
        vdi = x.VDI.create({"name_label": "found again", "name_description": "", "SR": sr,
                            "virtual_size": str(GiB), "type": "user", "sharable": False,
                            "read_only": False, "other_config": {}, "xenstore_data": {},
                            "sm_config": {}, "tags": []})
        uuid = x.VDI.get_uuid(vdi)
        x.VDI.forget(vdi)
    finally:
        session.xenapi.session.logout()
        session("close")()
    assert uuid not in {v["uuid"] for v in pool.db.all("VDI").values()}
    ok(pool, "sr", "rescan", "NFS virtual disk storage")
    assert pool.db.get(pool.db.by_uuid("VDI", uuid), "VDI")["SR"] == sr


@pytest.mark.changes_pool
def test_a_running_vms_disk_moves_live(pool):
    db = pool.db
    vm = next(r for r, v in sorted(db.all("VM").items(), key=lambda kv: kv[1]["name_label"])
              if v["power_state"] == "Running" and not v["is_control_domain"])
    vbd = next(b for b in db.get(vm, "VM")["VBDs"]
               if db.get(b, "VBD")["type"] == "Disk" and db.get(b, "VBD")["currently_attached"])
    disk = db.get(db.get(vbd, "VBD")["VDI"], "VDI")
    dest = next(s["name_label"] for r, s in db.all("SR").items()
                if r != disk["SR"] and s["shared"] and s["content_type"] == "user")
    moved = ok(pool, "disk", "move", disk["uuid"], "--sr", dest)
    new_uuid = moved.stdout.strip().splitlines()[-1]
    new = db.by_uuid("VDI", new_uuid)
    assert db.get(db.get(new, "VDI")["SR"], "SR")["name_label"] == dest
    assert db.get(vm, "VM")["power_state"] == "Running"
    (new_vbd,) = db.get(new, "VDI")["VBDs"]
    assert db.get(new_vbd, "VBD")["VM"] == vm and db.get(new_vbd, "VBD")["currently_attached"]
