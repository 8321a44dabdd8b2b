"""What the hosts reach of the storage network, over real sockets: SR.probe answers and errors
for NFS, iSCSI (CHAP) and ISO libraries, SR.create that leaves a PBD unplugged on a host that
cannot reach the server, PBD.plug failing on that host only, and VDI.pool_migrate."""

from __future__ import annotations

import xml.dom.minidom

import pytest
import XenAPI

from tests.sim.test_storage_sr import failure_of, new_vdi, sr_of_type
from xapiman.sim.storage_net import StorageNetwork

GiB = 1024**3


def texts(answer: str, tag: str) -> list[str]:
    doc = xml.dom.minidom.parseString(answer)
    return [node.firstChild.data for node in doc.getElementsByTagName(tag)]


def test_nfs_probe_says_what_the_server_answers(session, pool):
    x = session.xenapi
    host = x.host.get_all()[0]
    assert failure_of(x.SR.probe, host, {"server": "filer.invalid"}, "nfs") == [
        "SR_BACKEND_FAILURE_140", "", "Incorrect DNS name, unable to resolve.", ""]
    assert failure_of(x.SR.probe, host, {"server": "192.0.2.10"}, "nfs")[0] == \
        "SR_BACKEND_FAILURE_108"
    exports = failure_of(x.SR.probe, host, {"server": "10.0.0.5"}, "nfs")
    assert exports[0] == "SR_BACKEND_FAILURE_101"
    assert "/export/vms" in texts(exports[3], "Path")
    answer = x.SR.probe(host, {"server": "10.0.0.5", "serverpath": "/export/vms",
                               "probeversion": "true"}, "nfs", {})
    nfs = sr_of_type(x, "nfs")
    assert texts(answer, "UUID") == [x.SR.get_uuid(nfs)]
    assert texts(answer, "Version") == ["3", "4"]
    assert "\n\t\n" not in answer  # printed as the drivers print it
    StorageNetwork.of(pool.db).serve_versions("10.0.0.5", "3")
    assert failure_of(x.SR.probe, host, {"server": "10.0.0.5", "serverpath": "/export/vms",
                                         "nfsversion": "4.1"}, "nfs")[:3] == [
        "SR_BACKEND_FAILURE_72", "", "Required NFS server version unsupported "
                                     "[opterr=Unsupported NFS version: 4.1]"]


def test_iscsi_probe_steps_and_chap(session, pool):
    x = session.xenapi
    host = x.host.get_all()[0]
    target = "san-2.example.com"
    StorageNetwork.of(pool.db).require_chap(target, "alice", "s3cret")
    assert failure_of(x.SR.probe, host, {"target": target, "port": "99999"},
                      "lvmoiscsi")[0] == "SR_BACKEND_FAILURE_142"
    assert failure_of(x.SR.probe, host, {"target": target}, "lvmoiscsi")[0] == \
        "SR_BACKEND_FAILURE_68"
    chap = {"target": target, "chapuser": "alice", "chappassword": "s3cret"}
    iqns = failure_of(x.SR.probe, host, chap, "lvmoiscsi")
    assert iqns[0] == "SR_BACKEND_FAILURE_96"
    iqn = texts(iqns[3], "TargetIQN")[0]
    luns = failure_of(x.SR.probe, host, {**chap, "targetIQN": iqn}, "lvmoiscsi")
    assert luns[0] == "SR_BACKEND_FAILURE_107"
    scsi_ids, sizes = texts(luns[3], "SCSIid"), texts(luns[3], "size")
    assert len(scsi_ids) == 2 and int(sizes[0]) > 0
    config = {**chap, "targetIQN": iqn, "SCSIid": scsi_ids[0]}
    assert texts(x.SR.probe(host, config, "lvmoiscsi", {}), "UUID") == []
    sr = x.SR.create(host, config, "0", "SAN 2", "", "lvmoiscsi", "user", True, {})
    assert texts(x.SR.probe(host, config, "lvmoiscsi", {}), "UUID") == [x.SR.get_uuid(sr)]
    assert all(x.PBD.get_currently_attached(p) for p in x.SR.get_PBDs(sr))


@pytest.mark.parametrize("location,extra,code", [
    ("nas.invalid:/isos", {}, "SR_BACKEND_FAILURE_140"),
    ("192.0.2.3:/isos", {}, "SR_BACKEND_FAILURE_222"),
    ("\\\\files\\isos", {"type": "cifs", "username": "bob", "cifspassword": "nope"},
     "SR_BACKEND_FAILURE_222"),
])
def test_iso_library_errors(session, pool, location, extra, code):
    x = session.xenapi
    StorageNetwork.of(pool.db).require_login("files", "bob", "right")
    host = x.host.get_all()[0]
    before = len(x.SR.get_all())
    assert failure_of(x.SR.create, host, {"location": location, **extra}, "0", "ISOs", "",
                      "iso", "iso", True, {})[0] == code
    assert len(x.SR.get_all()) == before


def test_a_host_that_cannot_reach_the_server_keeps_its_pbd_unplugged(session, pool):
    x = session.xenapi
    first, second = sorted(x.host.get_all(), key=x.host.get_name_label)
    net = StorageNetwork.of(pool.db)
    net.cut("10.0.0.44", second)
    sr = x.SR.create(first, {"server": "10.0.0.44", "serverpath": "/vms"}, "0", "NFS 44", "",
                     "nfs", "user", True, {})
    attached = {x.PBD.get_host(p): x.PBD.get_currently_attached(p) for p in x.SR.get_PBDs(sr)}
    assert attached == {first: True, second: False}
    unplugged = next(p for p in x.SR.get_PBDs(sr) if x.PBD.get_host(p) == second)
    assert failure_of(x.PBD.plug, unplugged)[0] == "SR_BACKEND_FAILURE_108"
    assert x.PBD.get_currently_attached(unplugged) is False
    net.mend("10.0.0.44", second)
    x.PBD.plug(unplugged)
    assert x.PBD.get_currently_attached(unplugged) is True
    net.cut("10.0.0.44")  # unreachable from every host: SR.create fails on its host
    assert failure_of(x.SR.create, first, {"server": "10.0.0.44", "serverpath": "/other"}, "0",
                      "again", "", "nfs", "user", True, {})[0] == "SR_BACKEND_FAILURE_108"


def test_vdi_pool_migrate_moves_a_running_vms_disk(session, pool):
    x = session.xenapi
    vm = next(r for r, v in x.VM.get_all_records().items()
              if v["power_state"] == "Running" and not v["is_control_domain"]
              and any(x.VBD.get_type(b) == "Disk" for b in v["VBDs"])
              and x.SR.get_shared(x.VDI.get_SR(x.VBD.get_VDI(
                  next(b for b in v["VBDs"] if x.VBD.get_type(b) == "Disk")))))
    vbd = next(b for b in x.VM.get_VBDs(vm) if x.VBD.get_type(b) == "Disk")
    vdi = x.VBD.get_VDI(vbd)
    old = x.VDI.get_record(vdi)
    dest = next(r for r in (sr_of_type(x, "nfs"), sr_of_type(x, "lvmoiscsi")) if r != old["SR"])
    moved = x.VDI.pool_migrate(vdi, dest, {})
    assert x.VBD.get_VDI(vbd) == moved and x.VDI.get_SR(moved) == dest
    assert x.VDI.get_name_label(moved) == old["name_label"]
    assert x.VDI.get_virtual_size(moved) == old["virtual_size"]
    assert failure_of(x.VDI.get_record, vdi)[0] == "HANDLE_INVALID"
    loose = new_vdi(x, dest, GiB, "loose")
    assert failure_of(x.VDI.pool_migrate, loose, old["SR"], {}) == [
        "VDI_NEEDS_VM_FOR_MIGRATE", loose]
    local = next(r for r, s in x.SR.get_all_records().items()
                 if s["type"] == "ext" and x.PBD.get_host(s["PBDs"][0]) != x.VM.get_resident_on(vm))
    assert failure_of(x.VDI.pool_migrate, moved, local, {}) == ["VM_REQUIRES_SR", vm, local]
    assert x.VBD.get_VDI(vbd) == moved


def test_bonds_and_vlans_show_in_pifs(session, pool):
    x = session.xenapi
    host = x.host.get_all()[0]
    pifs = {v["device"]: r for r, v in x.PIF.get_all_records().items()
            if v["host"] == host and v["VLAN"] == "-1" and v["physical"]}
    net = x.network.create({"name_label": "bond", "name_description": "", "other_config": {},
                            "MTU": "9000"})
    assert failure_of(x.Bond.create, net, [pifs["eth2"]], "", "lacp", {}) == [
        "PIF_BOND_NEEDS_MORE_MEMBERS"]
    assert failure_of(x.Bond.create, net, [pifs["eth2"], pifs["eth3"]], "", "lacp",
                      {"lacp-time": "sometimes"})[0] == "INVALID_VALUE"
    bond = x.Bond.create(net, [pifs["eth2"], pifs["eth3"]], "", "lacp",
                         {"hashing_algorithm": "src_mac"})
    rec = x.Bond.get_record(bond)
    master = x.PIF.get_record(rec["master"])
    assert (master["device"], master["MTU"], master["network"]) == ("bond0", "9000", net)
    assert master["MAC"] == x.PIF.get_MAC(rec["primary_slave"])
    assert rec["properties"]["hashing_algorithm"] == "src_mac"
    assert sorted(rec["slaves"]) == sorted([pifs["eth2"], pifs["eth3"]])
    assert x.PIF_metrics.get_speed(master["metrics"]) == "20000"
    assert x.PIF.get_bond_slave_of(pifs["eth2"]) == bond
    assert failure_of(x.Bond.create, net, [pifs["eth2"], pifs["eth3"]], "", "lacp", {})[0] in (
        "PIF_ALREADY_BONDED", "NETWORK_ALREADY_CONNECTED")
    x.Bond.destroy(bond)
    assert x.PIF.get_bond_slave_of(pifs["eth2"]) == "OpaqueRef:NULL"
    assert failure_of(x.PIF.get_record, rec["master"])[0] == "HANDLE_INVALID"
    vlan_net = x.network.create({"name_label": "VLAN 300", "name_description": "",
                                 "other_config": {}})
    made = x.pool.create_VLAN_from_PIF(pifs["eth1"], vlan_net, "300")
    assert len(made) == len(x.host.get_all())
    assert {x.PIF.get_VLAN(p) for p in made} == {"300"}
    assert {x.PIF.get_device(p) for p in made} == {"eth1"}
    with pytest.raises(XenAPI.Failure):
        x.pool.create_VLAN_from_PIF(pifs["eth1"], vlan_net, "300")
    assert len(x.network.get_PIFs(vlan_net)) == len(made)
