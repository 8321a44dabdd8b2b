"""Constructors and destructors xapi gives the smaller classes: GPU groups and vGPUs, USB
groups and passed-through USB devices, vTPMs, tunnels, SR-IOV networks, PVS sites, servers
and proxies, the SDN controller, clusters, update repositories, crash dumps and DR tasks.

Each checks what xapi checks before it changes anything (the objects a class still holds, a
VM's power state, duplicates) and answers xapi's error otherwise.
"""

from __future__ import annotations

from xapiman.sim.call import Call
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.registry import handler
from xapiman.sim.lifecycle import assert_operation_valid
from xapiman.sim.model.values import NULL_REF, now


def _halted(db: Database, vm: str) -> dict:
    rec = db.get(vm, "VM")
    if rec["power_state"] != "Halted":
        raise Failure("VM_BAD_POWER_STATE", vm, "halted", rec["power_state"].lower())
    return rec


def _forget(call: Call, ref: str, cls: str) -> None:
    with call.db.lock:
        call.db.get(ref, cls)
        call.db.destroy(ref)


# -- GPUs ---------------------------------------------------------------------------------------


@handler("GPU_group", "create")
def gpu_group_create(call: Call, name_label: str = "", name_description: str = "",
                     other_config: dict[str, str] | None = None) -> str:
    return call.db.create("GPU_group", {"name_label": name_label,
                                        "name_description": name_description,
                                        "other_config": dict(other_config or {})})


@handler("GPU_group", "destroy")
def gpu_group_destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        rec = db.get(self, "GPU_group")
        if rec["PGPUs"]:
            raise Failure("GPU_GROUP_CONTAINS_PGPU", ",".join(rec["PGPUs"]))
        if rec["VGPUs"]:
            raise Failure("GPU_GROUP_CONTAINS_VGPU", ",".join(rec["VGPUs"]))
        db.destroy(self)


def _capacity(db: Database, pgpu: str, vgpu_type: str) -> int:
    rec = db.get(pgpu, "PGPU")
    if vgpu_type not in rec["enabled_VGPU_types"]:
        return 0
    total = int(rec["supported_VGPU_max_capacities"].get(vgpu_type, 1))
    return max(0, total - len(rec["resident_VGPUs"]))


@handler("PGPU", "get_remaining_capacity")
def pgpu_remaining_capacity(call: Call, self: str, vgpu_type: str) -> int:
    call.db.get(vgpu_type, "VGPU_type")
    return _capacity(call.db, self, vgpu_type)


@handler("GPU_group", "get_remaining_capacity")
def gpu_group_remaining_capacity(call: Call, self: str, vgpu_type: str) -> int:
    db = call.db
    db.get(vgpu_type, "VGPU_type")
    return sum(_capacity(db, pgpu, vgpu_type) for pgpu in db.get(self, "GPU_group")["PGPUs"])


@handler("PGPU", "set_GPU_group")
def pgpu_set_gpu_group(call: Call, self: str, value: str) -> None:
    db = call.db
    with db.lock:
        if db.get(self, "PGPU")["resident_VGPUs"]:
            raise Failure("PGPU_IN_USE_BY_VM", ",".join(db.get(self, "PGPU")["resident_VGPUs"]))
        db.get(value, "GPU_group")
        db.update(self, GPU_group=value)


def _enabled_types(call: Call, self: str, types: list[str]) -> None:
    db = call.db
    with db.lock:
        supported = db.get(self, "PGPU")["supported_VGPU_types"]
        for t in types:
            db.get(t, "VGPU_type")
            if t not in supported:
                raise Failure("VGPU_TYPE_NOT_SUPPORTED", t, ",".join(supported))
        db.update(self, enabled_VGPU_types=types)


@handler("PGPU", "set_enabled_VGPU_types")
def pgpu_set_enabled_types(call: Call, self: str, value: list[str]) -> None:
    _enabled_types(call, self, list(dict.fromkeys(value)))


@handler("PGPU", "add_enabled_VGPU_types")
def pgpu_add_enabled_type(call: Call, self: str, value: str) -> None:
    current = call.db.get(self, "PGPU")["enabled_VGPU_types"]
    _enabled_types(call, self, [*current, value] if value not in current else current)


@handler("PGPU", "remove_enabled_VGPU_types")
def pgpu_remove_enabled_type(call: Call, self: str, value: str) -> None:
    current = call.db.get(self, "PGPU")["enabled_VGPU_types"]
    _enabled_types(call, self, [t for t in current if t != value])


@handler("VGPU", "create")
def vgpu_create(call: Call, vm: str, gpu_group: str, device: str = "0",
                other_config: dict[str, str] | None = None, type: str = NULL_REF) -> str:  # noqa: A002
    db = call.db
    with db.lock:
        _halted(db, vm)
        db.get(gpu_group, "GPU_group")
        if type != NULL_REF:
            db.get(type, "VGPU_type")
        for vgpu in db.get(vm, "VM")["VGPUs"]:
            if db.get(vgpu, "VGPU")["device"] == device:
                raise Failure("DEVICE_ALREADY_EXISTS", device)
        return db.create("VGPU", {"VM": vm, "GPU_group": gpu_group, "device": device,
                                  "other_config": dict(other_config or {}), "type": type})


@handler("VGPU", "destroy")
def vgpu_destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        if db.get(self, "VGPU")["currently_attached"]:
            raise Failure("OPERATION_NOT_ALLOWED", "vGPU is currently attached")
        db.destroy(self)


# -- USB ----------------------------------------------------------------------------------------


@handler("USB_group", "create")
def usb_group_create(call: Call, name_label: str = "", name_description: str = "",
                     other_config: dict[str, str] | None = None) -> str:
    return call.db.create("USB_group", {"name_label": name_label,
                                        "name_description": name_description,
                                        "other_config": dict(other_config or {})})


@handler("USB_group", "destroy")
def usb_group_destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        rec = db.get(self, "USB_group")
        if rec["PUSBs"]:
            raise Failure("USB_GROUP_CONTAINS_PUSB", ",".join(rec["PUSBs"]))
        if rec["VUSBs"]:
            raise Failure("USB_GROUP_CONTAINS_VUSB", ",".join(rec["VUSBs"]))
        db.destroy(self)


@handler("PUSB", "scan")
def pusb_scan(call: Call, host: str) -> None:
    call.db.get(host, "host")  # the simulated hosts' USB devices do not change


@handler("PUSB", "set_passthrough_enabled")
def pusb_set_passthrough_enabled(call: Call, self: str, value: bool) -> None:
    db = call.db
    with db.lock:
        rec = db.get(self, "PUSB")
        group = db.find(rec["USB_group"], "USB_group")
        if not value and group is not None and group["VUSBs"]:
            raise Failure("USB_GROUP_CONTAINS_VUSB", ",".join(group["VUSBs"]))
        db.update(self, passthrough_enabled=value)


@handler("VUSB", "create")
def vusb_create(call: Call, vm: str, usb_group: str,
                other_config: dict[str, str] | None = None) -> str:
    db = call.db
    with db.lock:
        _halted(db, vm)
        group = db.get(usb_group, "USB_group")
        if not group["PUSBs"]:
            raise Failure("USB_GROUP_CONTAINS_NO_PUSBS", usb_group)
        if group["VUSBs"]:
            raise Failure("USB_GROUP_CONFLICT", usb_group)
        return db.create("VUSB", {"VM": vm, "USB_group": usb_group,
                                  "other_config": dict(other_config or {}),
                                  "allowed_operations": ["attach"]})


@handler("VUSB", "destroy")
def vusb_destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        if db.get(self, "VUSB")["currently_attached"]:
            raise Failure("OPERATION_NOT_ALLOWED", "VUSB is currently attached")
        db.destroy(self)


@handler("VUSB", "unplug")
def vusb_unplug(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        rec = db.get(self, "VUSB")
        if not rec["currently_attached"]:
            raise Failure("DEVICE_ALREADY_DETACHED", self)
        db.update(self, currently_attached=False, allowed_operations=["attach"])


# -- vTPM ---------------------------------------------------------------------------------------


@handler("VTPM", "create")
def vtpm_create(call: Call, vm: str, is_unique: bool) -> str:
    db = call.db
    with db.lock:
        assert_operation_valid(db, vm, "create_vtpm")
        return db.create("VTPM", {"VM": vm, "backend": NULL_REF, "is_unique": is_unique,
                                  "persistence_backend": "xapi",
                                  "allowed_operations": ["destroy"]})


@handler("VTPM", "destroy")
def vtpm_destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        _halted(db, db.get(self, "VTPM")["VM"])
        db.destroy(self)


# -- networks -----------------------------------------------------------------------------------


def _assert_network_free(db: Database, network: str, host: str) -> None:
    for pif in db.get(network, "network")["PIFs"]:
        if db.get(pif, "PIF")["host"] == host:
            raise Failure("NETWORK_ALREADY_CONNECTED", network, pif)


@handler("tunnel", "create")
def tunnel_create(call: Call, transport_pif: str, network: str, protocol: str = "gre") -> str:
    """A tunnel over `transport_pif` to `network`, with an access PIF on the same host."""
    db = call.db
    with db.lock:
        transport = db.get(transport_pif, "PIF")
        if transport["tunnel_access_PIF_of"]:
            raise Failure("IS_TUNNEL_ACCESS_PIF", transport_pif)
        if transport["ip_configuration_mode"] == "None" and not transport["IP"]:
            raise Failure("TRANSPORT_PIF_NOT_CONFIGURED", transport_pif)
        host = transport["host"]
        _assert_network_free(db, network, host)
        number = sum(1 for t in db.all("tunnel").values()
                     if db.get(t["access_PIF"], "PIF")["host"] == host)
        access = db.create("PIF", {
            "device": f"tunnel{number}", "network": network, "host": host,
            "MAC": transport["MAC"], "MTU": transport["MTU"], "VLAN": -1, "physical": False,
            "ip_configuration_mode": "None", "managed": True})
        return db.create("tunnel", {"access_PIF": access, "transport_PIF": transport_pif,
                                    "status": {"active": "false"}, "protocol": protocol})


@handler("tunnel", "destroy")
def tunnel_destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        access = db.get(self, "tunnel")["access_PIF"]
        db.destroy(self)
        if db.find(access, "PIF") is not None:
            db.destroy(access)


@handler("network_sriov", "create")
def sriov_create(call: Call, pif: str, network: str) -> str:
    db = call.db
    with db.lock:
        rec = db.get(pif, "PIF")
        if not rec["physical"]:
            raise Failure("PIF_IS_NOT_PHYSICAL", pif)
        if "sriov" not in rec["capabilities"]:
            raise Failure("PIF_IS_NOT_SRIOV_CAPABLE", pif)
        if rec["sriov_physical_PIF_of"]:
            raise Failure("NETWORK_SRIOV_ALREADY_ENABLED", pif)
        _assert_network_free(db, network, rec["host"])
        logical = db.create("PIF", {
            "device": rec["device"], "network": network, "host": rec["host"], "MAC": rec["MAC"],
            "MTU": rec["MTU"], "VLAN": -1, "physical": False, "ip_configuration_mode": "None",
            "managed": True})
        return db.create("network_sriov", {"physical_PIF": pif, "logical_PIF": logical,
                                           "requires_reboot": True,
                                           "configuration_mode": "sysfs"})


@handler("network_sriov", "destroy")
def sriov_destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        logical = db.get(self, "network_sriov")["logical_PIF"]
        db.destroy(self)
        if db.find(logical, "PIF") is not None:
            db.destroy(logical)


@handler("network_sriov", "get_remaining_capacity")
def sriov_remaining_capacity(call: Call, self: str) -> int:
    db = call.db
    rec = db.get(self, "network_sriov")
    used = len(db.get(db.get(rec["logical_PIF"], "PIF")["network"], "network")["VIFs"])
    return max(0, 7 - used)


@handler("SDN_controller", "introduce")
def sdn_introduce(call: Call, protocol: str = "ssl", address: str = "", port: int = 0) -> str:
    db = call.db
    with db.lock:
        if db.all("SDN_controller"):
            raise Failure("OPERATION_NOT_ALLOWED", "SDN controller has been configured. "
                          "Please forget it first then introduce again.")
        if protocol == "pssl" and address:
            raise Failure("INVALID_VALUE", "address", address)
        return db.create("SDN_controller", {"protocol": protocol, "address": address,
                                            "port": port or 6632})


@handler("SDN_controller", "forget")
def sdn_forget(call: Call, self: str) -> None:
    _forget(call, self, "SDN_controller")


# -- PVS ----------------------------------------------------------------------------------------


@handler("PVS_site", "introduce")
def pvs_site_introduce(call: Call, name_label: str, name_description: str,
                       pvs_uuid: str) -> str:
    return call.db.create("PVS_site", {"name_label": name_label,
                                       "name_description": name_description,
                                       "PVS_uuid": pvs_uuid})


@handler("PVS_site", "forget")
def pvs_site_forget(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        rec = db.get(self, "PVS_site")
        running = [p for p in rec["proxies"] if db.get(p, "PVS_proxy")["currently_attached"]]
        if running:
            raise Failure("PVS_SITE_CONTAINS_RUNNING_PROXIES", ",".join(running))
        if rec["servers"]:
            raise Failure("PVS_SITE_CONTAINS_SERVERS", ",".join(rec["servers"]))
        for ref in [*rec["proxies"], *rec["cache_storage"]]:
            db.destroy(ref)
        db.destroy(self)


@handler("PVS_server", "introduce")
def pvs_server_introduce(call: Call, addresses: list[str], first_port: int, last_port: int,
                         site: str) -> str:
    db = call.db
    with db.lock:
        db.get(site, "PVS_site")
        if not 1 <= first_port <= last_port <= 65535:
            raise Failure("INVALID_VALUE", "first_port, last_port",
                          f"{first_port}, {last_port}")
        for rec in db.all("PVS_server").values():
            for address in addresses:
                if address in rec["addresses"]:
                    raise Failure("PVS_SERVER_ADDRESS_IN_USE", address)
        return db.create("PVS_server", {"addresses": list(addresses), "first_port": first_port,
                                        "last_port": last_port, "site": site})


@handler("PVS_server", "forget")
def pvs_server_forget(call: Call, self: str) -> None:
    _forget(call, self, "PVS_server")


@handler("PVS_proxy", "create")
def pvs_proxy_create(call: Call, site: str, vif: str) -> str:
    db = call.db
    with db.lock:
        db.get(site, "PVS_site")
        rec = db.get(vif, "VIF")
        if rec["device"] != "0":
            raise Failure("PVS_VIF_MUST_BE_FIRST_DEVICE")
        present = [p for p, r in db.all("PVS_proxy").items() if r["VIF"] == vif]
        if present:
            raise Failure("PVS_PROXY_ALREADY_PRESENT", ",".join(present))
        return db.create("PVS_proxy", {"site": site, "VIF": vif, "status": "stopped"})


@handler("PVS_proxy", "destroy")
def pvs_proxy_destroy(call: Call, self: str) -> None:
    _forget(call, self, "PVS_proxy")


# -- clusters -----------------------------------------------------------------------------------


@handler("Cluster", "create")
def cluster_create(call: Call, pif: str, cluster_stack: str, pool_auto_join: bool,
                   token_timeout: float = 20.0, token_timeout_coefficient: float = 1.0) -> str:
    db = call.db
    with db.lock:
        host = db.get(pif, "PIF")["host"]
        if db.all("Cluster"):
            raise Failure("CLUSTER_ALREADY_EXISTS")
        cluster = db.create("Cluster", {
            "cluster_stack": cluster_stack, "cluster_stack_version": 2, "is_quorate": True,
            "quorum": 1, "live_hosts": 1, "expected_hosts": 1, "pool_auto_join": pool_auto_join,
            "token_timeout": token_timeout,
            "token_timeout_coefficient": token_timeout_coefficient,
            "cluster_config": {}, "allowed_operations": ["add", "destroy", "enable", "disable"]})
        db.create("Cluster_host", {"cluster": cluster, "host": host, "PIF": pif,
                                   "enabled": True, "joined": True, "live": True,
                                   "last_update_live": now()})
        return cluster


@handler("Cluster", "destroy")
def cluster_destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        members = db.get(self, "Cluster")["cluster_hosts"]
        if len(members) > 1:
            raise Failure("CLUSTER_DOES_NOT_HAVE_ONE_NODE", len(members))
        for member in members:
            db.destroy(member)
        db.destroy(self)


@handler("Cluster_host", "create")
def cluster_host_create(call: Call, cluster: str, host: str, pif: str) -> str:
    db = call.db
    with db.lock:
        rec = db.get(cluster, "Cluster")
        db.get(host, "host")
        db.get(pif, "PIF")
        for member in rec["cluster_hosts"]:
            if db.get(member, "Cluster_host")["host"] == host:
                raise Failure("CLUSTER_ALREADY_EXISTS")
        member = db.create("Cluster_host", {"cluster": cluster, "host": host, "PIF": pif,
                                            "enabled": True, "joined": True, "live": True,
                                            "last_update_live": now()})
        count = len(db.get(cluster, "Cluster")["cluster_hosts"])
        db.update(cluster, live_hosts=count, expected_hosts=count, quorum=count // 2 + 1)
        return member


@handler("Cluster_host", "destroy")
def cluster_host_destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        cluster = db.get(self, "Cluster_host")["cluster"]
        members = db.get(cluster, "Cluster")["cluster_hosts"]
        if members == [self]:
            raise Failure("CLUSTER_HOST_IS_LAST", self)
        db.destroy(self)
        count = len(members) - 1
        db.update(cluster, live_hosts=count, expected_hosts=count, quorum=count // 2 + 1)


# -- repositories, crash dumps, disaster recovery -----------------------------------------------


@handler("Repository", "introduce")
def repository_introduce(call: Call, name_label: str, name_description: str, binary_url: str,
                         source_url: str, update: bool, gpgkey_path: str = "") -> str:
    db = call.db
    with db.lock:
        for ref, rec in db.all("Repository").items():
            if rec["name_label"] == name_label or rec["binary_url"] == binary_url:
                raise Failure("REPOSITORY_ALREADY_EXISTS", ref)
        return db.create("Repository", {
            "name_label": name_label, "name_description": name_description,
            "binary_url": binary_url, "source_url": source_url, "update": update,
            "gpgkey_path": gpgkey_path, "origin": "remote"})


@handler("Repository", "forget")
def repository_forget(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        db.get(self, "Repository")
        if any(self in rec["repositories"] for rec in db.all("pool").values()):
            raise Failure("REPOSITORY_IS_IN_USE")
        db.destroy(self)


@handler("host_crashdump", "destroy")
def host_crashdump_destroy(call: Call, self: str) -> None:
    _forget(call, self, "host_crashdump")


@handler("crashdump", "destroy")
def crashdump_destroy(call: Call, self: str) -> None:
    _forget(call, self, "crashdump")


@handler("DR_task", "create")
def dr_task_create(call: Call, type: str, device_config: dict[str, str],  # noqa: A002
                   whitelist: list[str]) -> str:
    """Probing the target finds no pool metadata on the simulated storage: a task with no SR."""
    if type not in ("lvmoiscsi", "lvmohba", "gfs2", "nfs", "lvm", "ext"):
        raise Failure("SR_UNKNOWN_DRIVER", type)
    return call.db.create("DR_task", {})


@handler("DR_task", "destroy")
def dr_task_destroy(call: Call, self: str) -> None:
    db = call.db
    with db.lock:
        for sr in db.get(self, "DR_task")["introduced_SRs"]:
            if db.find(sr, "SR") is not None and not db.get(sr, "SR")["PBDs"]:
                db.destroy(sr)
        db.destroy(self)
