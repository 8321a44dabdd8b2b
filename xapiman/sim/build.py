"""Builders of consistent object groups: a pool, a host with its metrics and CPUs, an SR with
its PBDs, a network with its PIFs, a VM with metrics, disks and interfaces."""

from __future__ import annotations

import random
import time

from xapiman.sim.db import Database, new_uuid
from xapiman.sim.model.values import NULL_REF, now

GiB = 1024**3
MiB = 1024**2

PRODUCT = {
    "product_brand": "XCP-ng",
    "product_version": "8.3.0",
    "product_version_text": "8.3",
    "product_version_text_short": "8.3",
    "platform_name": "XCP",
    "platform_version": "3.4.0",
    "xapi": "25.6",
    "xen": "4.17.5",
    "hostname": "",
    "date": "2025-06-01",
    "build_number": "release/yangtze/master/58",
    "linux": "4.19.0+1",
}


def mac(rng: random.Random) -> str:
    return "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}".format(
        0x02 | (rng.randrange(256) & 0xFC), *(rng.randrange(256) for _ in range(5))
    )


def add_pool(db: Database, name: str) -> str:
    return db.create("pool", {"name_label": name, "other_config": {}, "gui_config": {}})


def add_host(db: Database, name: str, *, cpus: int = 16, memory: int = 256 * GiB,
             address: str = "127.0.0.1", rng: random.Random | None = None) -> str:
    """A host with metrics, CPUs and its control domain."""
    rng = rng or random.Random(name)
    uptime = random.Random(f"{name} boot")  # not the pool's generator: its sequence stays
    booted = int(time.time()) - uptime.randint(3, 60) * 86400 - uptime.randint(0, 86399)
    metrics = db.create("host_metrics", {"memory_total": memory, "memory_free": memory // 2,
                                         "live": True, "last_updated": now()})
    version = dict(PRODUCT, hostname=name)
    host = db.create("host", {
        "name_label": name,
        "name_description": "Default install",
        "hostname": name,
        "address": address,
        "enabled": True,
        "metrics": metrics,
        "API_version_major": 2,
        "API_version_minor": 21,
        "API_version_vendor": "XenSource",
        "software_version": version,
        "memory_overhead": 1 * GiB,
        "edition": "xcp-ng",
        "sched_policy": "credit",
        "cpu_info": {"cpu_count": str(cpus), "socket_count": "2", "vendor": "GenuineIntel",
                     "speed": "2394.374", "modelname": "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz",
                     "family": "6", "model": "85", "stepping": "7"},
        "capabilities": ["xen-3.0-x86_64", "hvm-3.0-x86_32", "hvm-3.0-x86_64"],
        "allowed_operations": ["provision", "evacuate", "reboot", "shutdown", "vm_start",
                               "vm_resume", "vm_migrate"],
        "other_config": {"agent_start_time": f"{booted + 40}.", "boot_time": f"{booted}."},
        "license_params": {"expiry": "30000101T00:00:00Z"},
        "bios_strings": {"bios-vendor": "xapiman-sim", "system-manufacturer": "xapiman"},
        "display": "enabled",
    })
    for number in range(cpus):
        db.create("host_cpu", {
            "host": host, "number": number, "vendor": "GenuineIntel", "speed": 2394,
            "modelname": "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz", "family": 6, "model": 85,
            "stepping": "7", "flags": "fpu de tsc msr pae", "features": "",
            "utilisation": round(rng.random() * 0.2, 3),
        })
    dom0_metrics = db.create("VM_metrics", {"memory_actual": 4 * GiB, "VCPUs_number": 8,
                                            "start_time": now(), "state": []})
    dom0 = db.create("VM", {
        "name_label": f"Control domain on host: {name}",
        "name_description": "The domain which manages physical devices and manages other domains",
        "power_state": "Running", "is_control_domain": True, "resident_on": host, "domid": 0,
        "memory_static_max": 4 * GiB, "memory_dynamic_max": 4 * GiB,
        "memory_dynamic_min": 4 * GiB, "memory_static_min": 4 * GiB, "memory_target": 4 * GiB,
        "VCPUs_max": 8, "VCPUs_at_startup": 8, "metrics": dom0_metrics, "user_version": 1,
        "domain_type": "pv",
    })
    db.update(host, control_domain=dom0)
    db.create("console", {"protocol": "rfb", "VM": dom0, "location": ""})
    return host


def add_network(db: Database, name: str, bridge: str, *, description: str = "",
                mtu: int = 1500) -> str:
    return db.create("network", {"name_label": name, "name_description": description,
                                 "bridge": bridge, "MTU": mtu, "managed": True,
                                 "other_config": {}})


def add_pif(db: Database, host: str, network: str, device: str, *, management: bool = False,
            ip: str = "", rng: random.Random | None = None) -> str:
    rng = rng or random.Random(host + device)
    metrics = db.create("PIF_metrics", {"carrier": True, "speed": 10000, "duplex": True,
                                        "vendor_name": "Intel Corporation",
                                        "device_name": "Ethernet Controller X710",
                                        "last_updated": now()})
    return db.create("PIF", {
        "device": device, "network": network, "host": host, "MAC": mac(rng), "MTU": 1500,
        "VLAN": -1, "metrics": metrics, "physical": True, "currently_attached": True,
        "management": management, "ip_configuration_mode": "Static" if ip else "None",
        "IP": ip, "netmask": "255.255.255.0" if ip else "", "gateway": "", "DNS": "",
        "managed": True,
    })


def add_sr(db: Database, name: str, sr_type: str, size: int, hosts: list[str], *,
           shared: bool, content_type: str = "user", description: str = "",
           device_config: dict[str, str] | None = None) -> str:
    sr = db.create("SR", {
        "name_label": name, "name_description": description, "type": sr_type,
        "content_type": content_type, "shared": shared, "physical_size": size,
        "physical_utilisation": 0, "virtual_allocation": 0,
        "allowed_operations": ["vdi_create", "vdi_destroy", "vdi_resize", "vdi_clone",
                               "vdi_snapshot", "vdi_introduce", "scan", "plug", "unplug",
                               "update", "forget", "destroy", "pbd_create", "pbd_destroy"],
        "other_config": {}, "sm_config": {},
    })
    for host in hosts:
        db.create("PBD", {"host": host, "SR": sr, "device_config": dict(device_config or {}),
                          "currently_attached": True})
    return sr


def add_vdi(db: Database, sr: str, name: str, size: int, *, used: int | None = None,
            vdi_type: str = "user", read_only: bool = False, description: str = "") -> str:
    used = size // 3 if used is None else used
    vdi = db.create("VDI", {
        "name_label": name, "name_description": description, "SR": sr, "virtual_size": size,
        "physical_utilisation": used, "type": vdi_type, "sharable": False,
        "read_only": read_only, "location": new_uuid(), "managed": True,
        "allowed_operations": ["clone", "copy", "resize", "snapshot", "destroy", "forget",
                               "update", "generate_config"],
        "other_config": {}, "sm_config": {},
    })
    rec = db.get(sr, "SR")
    db.update(sr, physical_utilisation=rec["physical_utilisation"] + used,
              virtual_allocation=rec["virtual_allocation"] + size)
    return vdi


def add_vbd(db: Database, vm: str, vdi: str, userdevice: str, *, vbd_type: str = "Disk",
            attached: bool = False, bootable: bool = False) -> str:
    empty = vdi == NULL_REF
    devices = {"0": "xvda", "1": "xvdb", "2": "xvdc", "3": "xvdd", "4": "xvde", "5": "xvdf"}
    return db.create("VBD", {
        "VM": vm, "VDI": vdi, "userdevice": userdevice,
        "device": devices.get(userdevice, f"xvd{userdevice}") if attached else "",
        "bootable": bootable, "mode": "RO" if vbd_type == "CD" else "RW", "type": vbd_type,
        "unpluggable": vbd_type == "CD", "empty": empty, "currently_attached": attached,
        "other_config": {}, "qos_algorithm_params": {},
        "allowed_operations": (["attach", "eject", "insert"] if vbd_type == "CD" else ["attach"]),
    })


def add_vif(db: Database, vm: str, network: str, device: str, *, attached: bool,
            rng: random.Random) -> str:
    return db.create("VIF", {
        "VM": vm, "network": network, "device": device, "MAC": mac(rng), "MTU": 1500,
        "currently_attached": attached, "MAC_autogenerated": True,
        "locking_mode": "network_default", "other_config": {},
        "allowed_operations": ["attach"] if not attached else ["unplug"],
    })
