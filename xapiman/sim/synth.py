"""Synthetic pools of any size: hosts, storage, networks, templates and VMs in every state."""

from __future__ import annotations

import random

from xapiman.sim import build
from xapiman.sim.build import GiB, MiB
from xapiman.sim.db import Database
from xapiman.sim.model.values import NULL_REF, now

OSES = [
    ("Debian Bookworm 12", "debian", "12", "6.1.0-18-amd64"),
    ("Ubuntu Noble Numbat 24.04", "ubuntu", "24.04", "6.8.0-31-generic"),
    ("Rocky Linux 9.4", "rocky", "9", "5.14.0-427.el9.x86_64"),
    ("Microsoft Windows Server 2022 Standard", "windows", "10", ""),
    ("AlmaLinux 8.10", "almalinux", "8", "4.18.0-553.el8_10.x86_64"),
]
ROLES = ["web", "db", "cache", "build", "mail", "dns", "proxy", "app", "monitor", "backup"]
TAGS = ["production", "staging", "backup", "critical", "linux", "windows"]
FOLDERS = ["/Production", "/Production/Web", "/Staging", "/Infrastructure"]
TEMPLATES = [
    ("Debian Bookworm 12", 2, 2 * GiB, 10 * GiB),
    ("Ubuntu Noble Numbat 24.04", 2, 2 * GiB, 10 * GiB),
    ("Rocky Linux 9", 2, 2 * GiB, 10 * GiB),
    ("AlmaLinux 9", 2, 2 * GiB, 10 * GiB),
    ("Windows Server 2022 (64-bit)", 2, 4 * GiB, 32 * GiB),
    ("Windows 11", 2, 4 * GiB, 64 * GiB),
    ("Other install media", 1, 1 * GiB, 8 * GiB),
]
POWER_CYCLE = ["Running", "Running", "Running", "Halted", "Running", "Suspended", "Running",
               "Halted", "Paused", "Running"]


def generate_pool(hosts: int = 2, vms: int = 20, *, seed: int = 1,
                  name: str = "xapiman demo pool") -> Database:
    """A pool of `hosts` hosts and `vms` VMs (about 10 objects per VM), reproducible by seed."""
    rng = random.Random(seed)
    db = Database()
    pool = build.add_pool(db, name)
    host_refs = [build.add_host(db, f"xcp-host-{i + 1:02d}", rng=rng) for i in range(hosts)]
    db.update(pool, master=host_refs[0])
    mgmt = build.add_network(db, "Pool-wide network associated with eth0", "xenbr0")
    storage_net = build.add_network(db, "Pool-wide network associated with eth1", "xenbr1")
    build.add_network(db, "Host internal management network", "xenapi",
                      description="Network on which guests will be assigned a link-local address")
    for i, host in enumerate(host_refs):
        build.add_pif(db, host, mgmt, "eth0", management=True, ip=f"10.0.0.{10 + i}", rng=rng)
        build.add_pif(db, host, storage_net, "eth1", rng=rng)
    local_srs = [
        build.add_sr(db, "Local storage", "ext", 2 * 1024 * GiB, [h], shared=False,
                     device_config={"device": "/dev/nvme0n1p3"})
        for h in host_refs
    ]
    shared = build.add_sr(db, "NFS virtual disk storage", "nfs", 8 * 1024 * GiB, host_refs,
                          shared=True, description="NFS SR [10.0.0.5:/export/vms]",
                          device_config={"server": "10.0.0.5", "serverpath": "/export/vms"})
    iso = build.add_sr(db, "ISO library", "iso", 500 * GiB, host_refs, shared=True,
                       content_type="iso", description="NFS ISO library",
                       device_config={"location": "10.0.0.5:/export/iso"})
    tools_sr = build.add_sr(db, "XCP-ng Tools", "iso", 0, host_refs, shared=True,
                            content_type="iso")
    db.update(tools_sr, is_tools_sr=True)
    for image in ("debian-12.5.0-amd64-netinst.iso", "ubuntu-24.04-live-server-amd64.iso",
                  "Rocky-9.4-x86_64-minimal.iso", "Win2022_EN-US.iso"):
        build.add_vdi(db, iso, image, rng.randint(600, 5000) * MiB, used=None, read_only=True)
    tools_iso = build.add_vdi(db, tools_sr, "guest-tools.iso", 60 * MiB, read_only=True)
    db.update(tools_iso, is_tools_iso=True)
    db.update(pool, default_SR=shared, suspend_image_SR=shared, crash_dump_SR=shared)
    for label, vcpus, memory, disk in TEMPLATES:
        _add_template(db, label, vcpus, memory, disk)
    free = {h: db.get(db.get(h, "host")["metrics"], "host_metrics")["memory_total"] - 8 * GiB
            for h in host_refs}
    for n in range(vms):
        state = POWER_CYCLE[n % len(POWER_CYCLE)]
        os_name = OSES[n % len(OSES)]
        memory = rng.choice([1, 2, 4, 8]) * GiB
        host = NULL_REF
        if state in ("Running", "Paused"):
            candidates = [h for h in host_refs if free[h] >= memory]
            if candidates:
                host = candidates[n % len(candidates)]
                free[host] -= memory
            else:
                state = "Halted"
        sr = shared if n % 3 else local_srs[(n // 3) % len(local_srs)]
        if sr != shared and host != NULL_REF:
            sr = local_srs[host_refs.index(host)]
        vm = _add_vm(db, rng, f"{ROLES[n % len(ROLES)]}-{n + 1:03d}", state, host, memory,
                     rng.choice([1, 2, 4]), sr, [mgmt], os_name, tools=(n % 7 != 6))
        if n % 5 == 0:
            _tag(db, vm, rng)
    db.rebuild_relations()
    return db


def _tag(db: Database, vm: str, rng: random.Random) -> None:
    tags = rng.sample(TAGS, 2)
    other = dict(db.get(vm, "VM")["other_config"], folder=rng.choice(FOLDERS))
    db.update(vm, tags=tags, other_config=other)


def _add_template(db: Database, label: str, vcpus: int, memory: int, disk: int) -> str:
    disks = (
        f'<provision><disk device="0" size="{disk}" sr="" bootable="true" type="system"/>'
        "</provision>"
    )
    metrics = db.create("VM_metrics", {})
    return db.create("VM", {
        "name_label": label,
        "name_description": f"Template which allows VM installation from install media ({label})",
        "is_a_template": True, "is_default_template": True, "power_state": "Halted",
        "memory_static_max": memory, "memory_dynamic_max": memory, "memory_dynamic_min": memory,
        "memory_static_min": 512 * MiB, "VCPUs_max": vcpus, "VCPUs_at_startup": vcpus,
        "HVM_boot_policy": "BIOS order", "HVM_boot_params": {"order": "cdn"},
        "platform": {"viridian": "true" if "Windows" in label else "false", "acpi": "1",
                     "apic": "true", "pae": "true", "nx": "true", "device-model": "qemu-upstream-compat"},
        "other_config": {"disks": disks, "install-methods": "cdrom", "default_template": "true"},
        "metrics": metrics, "user_version": 1, "domain_type": "hvm",
        "allowed_operations": ["clone", "copy", "export", "provision", "changing_static_range",
                               "changing_dynamic_range", "changing_shadow_memory",
                               "changing_NVRAM", "metadata_export"],
    })


def _add_vm(db: Database, rng: random.Random, name: str, state: str, host: str, memory: int,
            vcpus: int, sr: str, networks: list[str], os_info: tuple[str, str, str, str], *,
            tools: bool) -> str:
    running = state in ("Running", "Paused")
    metrics = db.create("VM_metrics", {
        "memory_actual": memory if running else 0, "VCPUs_number": vcpus if running else 0,
        "VCPUs_utilisation": {str(i): 0.0 for i in range(vcpus)} if running else {},
        "start_time": now() if running else "19700101T00:00:00Z", "install_time": now(),
        "last_updated": now(), "state": [], "hvm": True,
        "current_domain_type": "hvm" if running else "unspecified",
    })
    vm = db.create("VM", {
        "name_label": name, "name_description": f"{os_info[0]} server",
        "power_state": state, "resident_on": host, "affinity": NULL_REF,
        "domid": rng.randint(1, 400) if running else -1,
        "memory_static_max": memory, "memory_dynamic_max": memory,
        "memory_dynamic_min": memory, "memory_static_min": 512 * MiB,
        "memory_target": memory if running else 0,
        "VCPUs_max": vcpus, "VCPUs_at_startup": vcpus, "VCPUs_params": {},
        "HVM_boot_policy": "BIOS order", "HVM_boot_params": {"order": "dc"},
        "platform": {"acpi": "1", "apic": "true", "pae": "true", "nx": "true",
                     "viridian": "true" if os_info[1] == "windows" else "false"},
        "other_config": {"base_template_name": os_info[0]}, "metrics": metrics,
        "user_version": 1, "domain_type": "hvm", "actions_after_crash": "restart",
        "actions_after_shutdown": "destroy", "actions_after_reboot": "restart",
    })
    disk = build.add_vdi(db, sr, f"{name} disk 0", rng.choice([10, 20, 40, 80]) * GiB)
    build.add_vbd(db, vm, disk, "0", attached=running, bootable=True)
    build.add_vbd(db, vm, NULL_REF, "3", vbd_type="CD", attached=running)
    for i, net in enumerate(networks):
        build.add_vif(db, vm, net, str(i), attached=running, rng=rng)
    if running:
        db.create("console", {"protocol": "rfb", "VM": vm, "location": ""})
    if tools and state != "Halted":
        ip = f"10.0.{rng.randint(1, 250)}.{rng.randint(2, 250)}"
        gm = db.create("VM_guest_metrics", {
            "os_version": {"name": os_info[0], "distro": os_info[1], "major": os_info[2],
                           "uname": os_info[3]},
            "PV_drivers_version": {"major": "9", "minor": "3", "micro": "3", "build": "12"},
            "PV_drivers_detected": True, "PV_drivers_up_to_date": True,
            "networks": {"0/ip": ip, "0/ipv4/0": ip},
            "other": {"feature-shutdown": "1", "feature-suspend": "1", "feature-poweroff": "1",
                      "feature-reboot": "1", "feature-vcpu-hotplug": "1", "has-vendor-device": "0",
                      "platform-feature-multiprocessor-suspend": "1"},
            "live": True, "last_updated": now(),
            "can_use_hotplug_vbd": "yes", "can_use_hotplug_vif": "yes",
        })
        db.update(vm, guest_metrics=gm)
    return vm
