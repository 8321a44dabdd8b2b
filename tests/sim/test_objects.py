"""Constructors and destructors of the smaller classes, host certificates and features."""

from __future__ import annotations

import pytest
import XenAPI

from xapiman.sim import tls
from xapiman.sim.testing import running_pool

NULL = "OpaqueRef:NULL"


def failure(fn, *args) -> list[str]:
    with pytest.raises(XenAPI.Failure) as info:
        fn(*args)
    return info.value.details


def gone(x, cls: str, ref: str) -> bool:
    return failure(getattr(x, cls).get_record, ref)[:2] == ["HANDLE_INVALID", cls]


def halted_vm(x) -> str:
    return next(vm for vm, r in x.VM.get_all_records().items()
                if r["power_state"] == "Halted" and not r["is_a_template"])


def test_certificates_of_the_served_pool(tmp_path):
    with running_pool(tls=True) as pool:
        s = XenAPI.Session(pool.url, ignore_ssl=True)
        s.xenapi.login_with_password(pool.user, pool.password, "2.21", "cert-test")
        x = s.xenapi
        for host in x.host.get_all():
            kinds = {x.Certificate.get_type(c): c for c in x.host.get_certificates(host)}
            assert set(kinds) == {"host", "host_internal"}
            assert x.Certificate.get_fingerprint_sha256(kinds["host"]) == pool.fingerprint
        pem = tls.make_self_signed("Corp Root CA", tmp_path).read_text()
        x.pool.install_ca_certificate("corp-root", pem)
        assert x.pool.certificate_list() == ["corp-root"]
        assert failure(x.pool.install_ca_certificate, "corp-root", pem) == \
            ["CERTIFICATE_ALREADY_EXISTS", "corp-root"]
        assert failure(x.pool.install_ca_certificate, "bad", "not a PEM") == \
            ["CERTIFICATE_CORRUPT", "bad"]
        [ca] = [c for c, r in x.Certificate.get_all_records().items() if r["type"] == "ca"]
        assert x.Certificate.get_name(ca) == "corp-root" and x.Certificate.get_host(ca) == NULL
        x.pool.uninstall_ca_certificate("corp-root")
        assert gone(x, "Certificate", ca)
        assert failure(x.pool.uninstall_ca_certificate, "corp-root") == \
            ["CERTIFICATE_DOES_NOT_EXIST", "corp-root"]


def test_features_and_devices_of_each_host(session):
    x = session.xenapi
    for host, rec in x.host.get_all_records().items():
        features = [x.Feature.get_record(f) for f in rec["features"]]
        assert features and all(f["enabled"] and f["host"] == host for f in features)
        classes = {x.PCI.get_class_name(p) for p in rec["PCIs"]}
        assert {"VGA compatible controller", "Ethernet controller"} <= classes
        [pgpu] = rec["PGPUs"]
        assert x.PGPU.get_is_system_display_device(pgpu) is True
    assert x.pool.get_restrictions(x.pool.get_all()[0])["restrict_vtpm"] == "false"


def test_gpu_groups_and_vgpus(session):
    x = session.xenapi
    [group] = x.GPU_group.get_all()
    [passthrough] = x.GPU_group.get_enabled_VGPU_types(group)
    assert x.GPU_group.get_remaining_capacity(group, passthrough) == str(len(x.host.get_all()))
    assert failure(x.GPU_group.destroy, group)[0] == "GPU_GROUP_CONTAINS_PGPU"
    empty = x.GPU_group.create("spare", "", {})
    x.GPU_group.destroy(empty)
    assert gone(x, "GPU_group", empty)
    running = x.VM.get_by_name_label("prod-web-01")[0]
    assert failure(x.VGPU.create, running, group, "0", {}, passthrough)[0] == "VM_BAD_POWER_STATE"
    vm = halted_vm(x)
    vgpu = x.VGPU.create(vm, group, "0", {}, passthrough)
    assert x.VM.get_VGPUs(vm) == [vgpu] and vgpu in x.GPU_group.get_VGPUs(group)
    assert failure(x.VGPU.create, vm, group, "0", {}, passthrough) == ["DEVICE_ALREADY_EXISTS", "0"]
    x.VGPU.destroy(vgpu)
    assert x.VM.get_VGPUs(vm) == []


def test_usb_passthrough(session):
    x = session.xenapi
    [group] = x.USB_group.get_all()
    assert failure(x.USB_group.destroy, group)[0] == "USB_GROUP_CONTAINS_PUSB"
    vm = halted_vm(x)
    vusb = x.VUSB.create(vm, group, {})
    assert x.VM.get_VUSBs(vm) == [vusb]
    assert failure(x.VUSB.create, vm, group, {}) == ["USB_GROUP_CONFLICT", group]
    assert failure(x.VUSB.unplug, vusb) == ["DEVICE_ALREADY_DETACHED", vusb]
    x.VUSB.destroy(vusb)
    assert gone(x, "VUSB", vusb)


def test_vtpm(session):
    x = session.xenapi
    vm = halted_vm(x)
    vtpm = x.VTPM.create(vm, True)
    assert x.VM.get_VTPMs(vm) == [vtpm]
    assert failure(x.VTPM.create, vm, True) == ["VTPM_MAX_AMOUNT_REACHED", "1"]
    x.VTPM.destroy(vtpm)
    assert x.VM.get_VTPMs(vm) == []


def test_tunnels_and_sriov(session):
    x = session.xenapi
    pifs = x.PIF.get_all_records()
    eth0 = next(p for p, r in pifs.items() if r["device"] == "eth0" and r["physical"])
    eth1 = next(p for p, r in pifs.items() if r["device"] == "eth1" and r["host"] == pifs[eth0]["host"])
    private = x.network.create({"name_label": "private", "other_config": {}})
    tunnel = x.tunnel.create(eth0, private, "vxlan")
    access = x.tunnel.get_access_PIF(tunnel)
    assert x.PIF.get_host(access) == pifs[eth0]["host"] and x.PIF.get_network(access) == private
    assert x.PIF.get_tunnel_transport_PIF_of(eth0) == [tunnel]
    assert failure(x.tunnel.create, eth0, private, "gre") == ["NETWORK_ALREADY_CONNECTED", private, access]
    x.tunnel.destroy(tunnel)
    assert gone(x, "PIF", access)
    assert failure(x.network_sriov.create, eth0, private) == ["PIF_IS_NOT_SRIOV_CAPABLE", eth0]
    sriov = x.network_sriov.create(eth1, private)
    assert x.PIF.get_sriov_physical_PIF_of(eth1) == [sriov]
    assert failure(x.network_sriov.create, eth1, private) == ["NETWORK_SRIOV_ALREADY_ENABLED", eth1]
    logical = x.network_sriov.get_logical_PIF(sriov)
    x.network_sriov.destroy(sriov)
    assert gone(x, "PIF", logical)
    sdn = x.SDN_controller.introduce("ssl", "10.0.0.7", "6632")
    assert failure(x.SDN_controller.introduce, "ssl", "10.0.0.8", "6632")[0] == "OPERATION_NOT_ALLOWED"
    x.SDN_controller.forget(sdn)


def test_pvs_clusters_repositories_and_dr(session):
    x = session.xenapi
    site = x.PVS_site.introduce("farm", "", "8dcb2ba4-1c6f-4f05-a2f6-6d7d4d6a0a1c")
    server = x.PVS_server.introduce(["10.0.4.2"], "6910", "6930", site)
    assert failure(x.PVS_server.introduce, ["10.0.4.2"], "6910", "6930", site) == \
        ["PVS_SERVER_ADDRESS_IN_USE", "10.0.4.2"]
    vif = next(v for v, r in x.VIF.get_all_records().items() if r["device"] == "0")
    proxy = x.PVS_proxy.create(site, vif)
    assert x.PVS_site.get_proxies(site) == [proxy]
    assert failure(x.PVS_site.forget, site) == ["PVS_SITE_CONTAINS_SERVERS", server]
    x.PVS_server.forget(server)
    x.PVS_site.forget(site)
    assert gone(x, "PVS_proxy", proxy)

    pif = next(p for p, r in x.PIF.get_all_records().items() if r["management"])
    cluster = x.Cluster.create(pif, "corosync", True, 20.0, 1.0)
    [member] = x.Cluster.get_cluster_hosts(cluster)
    assert failure(x.Cluster_host.destroy, member) == ["CLUSTER_HOST_IS_LAST", member]
    x.Cluster.destroy(cluster)
    assert gone(x, "Cluster_host", member)

    repo = x.Repository.introduce("base", "", "https://updates.example/8.3", "", True, "")
    assert failure(x.Repository.introduce, "base", "", "https://other", "", True, "") == \
        ["REPOSITORY_ALREADY_EXISTS", repo]
    x.Repository.forget(repo)
    task = x.DR_task.create("lvmoiscsi", {"target": "10.0.1.5"}, [])
    assert x.DR_task.get_introduced_SRs(task) == []
    x.DR_task.destroy(task)
    assert gone(x, "DR_task", task)


@pytest.mark.parametrize("cls", ["PVS_cache_storage", "Observer", "VM_group", "Caller",
                                 "Rate_limit"])
def test_generic_constructors(session, cls):
    x = session.xenapi
    api = getattr(x, cls)
    ref = api.create({"name_label": f"a {cls}"} if cls != "PVS_cache_storage" else {"size": "1"})
    assert ref in api.get_all()
    api.destroy(ref)
    assert gone(x, cls, ref)
