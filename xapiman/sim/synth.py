"""Synthetic pools of any size: hosts, storage, networks, templates and VMs in every state."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from xapiman.sim import build, guest
from xapiman.sim.build import GiB, MiB
from xapiman.sim.db import Database, new_uuid
from xapiman.sim.guest import TOOLS_KEY
from xapiman.sim.handlers.pool import finish_generated_pool
from xapiman.sim.handlers.sr import refresh_storage
from xapiman.sim.handlers.vm_copy import copy_object
from xapiman.sim.lifecycle import refresh_all
from xapiman.sim.model.values import NEVER, NULL_REF, DateTime, datetime_of, now
from xapiman.sim.synth_services import add_services

TiB = 1024 * GiB

OSES = [
    ("Debian Bookworm 12", "debian", "12", "6.1.0-18-amd64"),
    ("Ubuntu Noble Numbat 24.04", "ubuntu", "24.04", "6.8.0-31-generic"),
    ("Rocky Linux 9.4", "rocky", "9", "5.14.0-427.el9.x86_64"),
    ("Microsoft Windows Server 2022 Standard", "windows", "10", ""),
    ("AlmaLinux 8.10", "almalinux", "8", "4.18.0-553.el8_10.x86_64"),
]
# (role, the XenCenter folder it lives under in its environment)
ROLES = [("web", "Web"), ("db", "Databases"), ("cache", "Web"), ("build", "CI"),
         ("mail", "Infrastructure"), ("dns", "Infrastructure"), ("proxy", "Web"),
         ("app", "Applications"), ("monitor", "Infrastructure"), ("backup", "Infrastructure")]
# (name prefix, top folder, tag)
ENVIRONMENTS = [("prod", "Production", "production"), ("stage", "Staging", "staging"),
                ("prod", "Production", "production"), ("dev", "Development", "development")]
EMPTY_FOLDERS = ";/Archive;/Production/Legacy"
_LINUX = (2, 2 * GiB, 10 * GiB)
_WINDOWS = (2, 4 * GiB, 32 * GiB)
# (name, VCPUs, memory, disk) of the default templates
TEMPLATES = [
    *((name, *_LINUX) for name in (
        "Debian Bookworm 12", "Debian Bullseye 11", "Ubuntu Noble Numbat 24.04",
        "Ubuntu Jammy Jellyfish 22.04", "Rocky Linux 9", "AlmaLinux 9", "CentOS Stream 9",
        "Red Hat Enterprise Linux 9", "SUSE Linux Enterprise Server 15 (64-bit)")),
    *((name, *_WINDOWS) for name in (
        "Windows Server 2019 (64-bit)", "Windows Server 2022 (64-bit)", "Windows 10 (64-bit)")),
    ("Windows 11", 2, 4 * GiB, 64 * GiB),
    ("Other install media", 1, 1 * GiB, 8 * GiB),
]
# (name, description, base template, memory, disk) of templates users made from their VMs
CUSTOM_TEMPLATES = [
    ("web-base (Debian 12)", "nginx + node exporter, hardened", "Debian Bookworm 12",
     2 * GiB, 20 * GiB),
    ("Windows Server 2022 golden image", "Patched 2025-05, sysprepped",
     "Windows Server 2022 (64-bit)", 8 * GiB, 64 * GiB),
    ("build-agent (Rocky 9)", "CI runner with docker", "Rocky Linux 9", 4 * GiB, 40 * GiB),
]
ISO_IMAGES = ["debian-12.5.0-amd64-netinst.iso", "ubuntu-24.04-live-server-amd64.iso",
              "Rocky-9.4-x86_64-minimal.iso", "Win2022_EN-US.iso"]
SNAPSHOT_LABELS = ["before upgrade", "pre-patch", "known good", "after install", "nightly"]
POWER_CYCLE = ["Running", "Running", "Running", "Halted", "Running", "Suspended", "Running",
               "Halted", "Paused", "Running"]
DAY = 86400


_VHD_CAPS = ("SR_PROBE SR_UPDATE SR_SUPPORTS_LOCAL_CACHING VDI_CREATE VDI_DELETE VDI_ATTACH "
             "VDI_DETACH VDI_UPDATE VDI_CLONE VDI_SNAPSHOT VDI_RESIZE VDI_MIRROR "
             "VDI_GENERATE_CONFIG VDI_RESET_ON_BOOT VDI_CONFIG_CBT ATOMIC_PAUSE")
_LVM_CAPS = _VHD_CAPS + " SR_TRIM VDI_ACTIVATE VDI_DEACTIVATE VDI_INTRODUCE"
SM_CONFIG_KEYS = {
    "device": "local device path (required) (e.g. /dev/sda3)",
    "server": "hostname or IP address of NFS server (required)",
    "serverpath": "path on remote server (required)",
    "nfsversion": "NFS protocol version - 3, 4, 4.0, 4.1 (optional)",
    "target": "IP address or hostname of the iSCSI target (required)",
    "targetIQN": "The IQN of the target LUN group to be attached (required)",
    "SCSIid": "The scsi_id of the destination LUN",
    "chapuser": "The username to be used during CHAP authentication (optional)",
    "chappassword": "The password to be used during CHAP authentication (optional)",
    "port": "The network port number on which to query the target (optional)",
    "location": "path to mount (required)",
    "type": "cifs or nfs_iso",
    "username": "The username to be used during CIFS authentication",
    "cifspassword": "The password to be used during CIFS authentication",
}
# type -> (name, driver, configuration keys, capabilities, description)
SM_DRIVERS = {
    "lvm": ("Local LVM", "LVMSR", "device", _LVM_CAPS, "SR plugin which represents disks as VHD "
            "disks on Logical Volumes within a locally-attached Volume Group"),
    "ext": ("Local EXT3 VHD", "EXTSR", "device", _VHD_CAPS + " THIN_PROVISIONING", "SR plugin "
            "which represents disks as VHD files stored on a local EXT3 filesystem, created "
            "inside an LVM Volume"),
    "nfs": ("NFS VHD", "NFSSR", "server serverpath nfsversion", _VHD_CAPS + " THIN_PROVISIONING",
            "SR plugin which stores disks as VHD files on a remote NFS filesystem"),
    "lvmoiscsi": ("LVM over iSCSI", "LVMoISCSISR", "target targetIQN SCSIid chapuser "
                  "chappassword port", _LVM_CAPS, "SR plugin which represents disks as Logical "
                  "Volumes within a Volume Group created on an iSCSI LUN"),
    "iso": ("ISO", "ISOSR", "location type username cifspassword", "VDI_CREATE VDI_DELETE "
            "VDI_ATTACH VDI_DETACH SR_SCAN SR_ATTACH SR_DETACH",
            "Handles CD images stored as files in iso format"),
    "udev": ("Local Devices", "udevSR", "location", "VDI_ATTACH VDI_DETACH VDI_UPDATE SR_UPDATE",
             "SR plugin which represents devices plugged into the host (CD drives, USB disks) "
             "as VDIs"),
}


@dataclass
class Pool:
    """The shared parts VMs are built from."""

    hosts: list[str]
    mgmt: str = NULL_REF
    dmz: str = NULL_REF
    local: list[str] = field(default_factory=list)
    nfs: str = NULL_REF
    iscsi: str = NULL_REF
    isos: list[str] = field(default_factory=list)


def generate_pool(hosts: int = 2, vms: int = 20, *, seed: int = 1,
                  name: str = "xapiman demo pool") -> Database:
    """A pool of `hosts` hosts and `vms` VMs (about 10 objects per VM), reproducible by seed."""
    rng = random.Random(seed)
    db = Database()
    pool_ref = build.add_pool(db, name)
    add_sm_drivers(db)
    pool = Pool([build.add_host(db, f"xcp-host-{i + 1:02d}", rng=rng) for i in range(hosts)])
    db.update(pool_ref, master=pool.hosts[0],
              other_config={"EMPTY_FOLDERS": EMPTY_FOLDERS, "memory-ratio-hvm": "0.25",
                            "memory-ratio-pv": "0.25"})
    add_networks(db, pool, rng)
    add_storage(db, pool, rng)
    db.update(pool_ref, default_SR=pool.nfs, suspend_image_SR=pool.nfs, crash_dump_SR=pool.nfs)
    for label, vcpus, memory, disk in TEMPLATES:
        _add_template(db, label, vcpus, memory, disk)
    for item in CUSTOM_TEMPLATES:
        _add_custom_template(db, rng, pool, *item)
    add_vms(db, pool, vms, rng)
    add_services(db, pool.hosts)
    recount_srs(db)
    settle_host_memory(db)
    db.rebuild_relations()
    finish_generated_pool(db)
    refresh_all(db)
    refresh_storage(db)
    return db


# -- infrastructure -------------------------------------------------------------------------


def add_sm_drivers(db: Database) -> None:
    """One SM record per storage driver the pool uses, as xapi registers them at start."""
    for sr_type, (label, driver, keys, capabilities, description) in SM_DRIVERS.items():
        db.create("SM", {
            "name_label": label, "name_description": description, "type": sr_type,
            "vendor": "Citrix Systems Inc", "copyright": "(C) 2008 Citrix Systems Inc",
            "version": "1.0", "required_api_version": "1.0",
            "configuration": {key: SM_CONFIG_KEYS[key] for key in keys.split()},
            "capabilities": capabilities.split(),
            "features": dict.fromkeys(capabilities.split(), 1),
            "driver_filename": f"/opt/xensource/sm/{driver}",
            "supported_image_formats": [] if sr_type in ("iso", "udev") else ["vhd"],
        })


def add_networks(db: Database, pool: Pool, rng: random.Random) -> None:
    """eth0 (management), eth1 (storage), eth2 and eth3 (unused, for bonds), the internal
    network and a DMZ VLAN on eth0."""
    pool.mgmt = build.add_network(db, "Pool-wide network associated with eth0", "xenbr0")
    storage_net = build.add_network(db, "Pool-wide network associated with eth1", "xenbr1")
    spare = [build.add_network(db, f"Pool-wide network associated with eth{n}", f"xenbr{n}")
             for n in (2, 3)]
    build.add_network(db, "Host internal management network", "xenapi",
                      description="Network on which guests will be assigned a link-local address")
    pool.dmz = build.add_network(db, "DMZ (VLAN 100)", "xapi1",
                                 description="Public-facing services")
    for i, host in enumerate(pool.hosts):
        eth0 = build.add_pif(db, host, pool.mgmt, "eth0", management=True, ip=f"10.0.0.{10 + i}",
                             rng=rng)
        build.add_pif(db, host, storage_net, "eth1", rng=rng)
        for n, net in enumerate(spare, start=2):
            build.add_pif(db, host, net, f"eth{n}")  # own seed: the rest stays as it was
        tagged = build.add_pif(db, host, pool.dmz, "eth0", rng=rng)
        vlan = db.create("VLAN", {"tagged_PIF": eth0, "untagged_PIF": tagged, "tag": 100})
        db.update(tagged, VLAN=100, physical=False, VLAN_master_of=vlan,
                  MAC=db.get(eth0, "PIF")["MAC"])


def add_storage(db: Database, pool: Pool, rng: random.Random) -> None:
    """Local SRs and devices per host; shared NFS, iSCSI and ISO SRs; the tools ISO."""
    for host in pool.hosts:
        pool.local.append(build.add_sr(db, "Local storage", "ext", 2 * TiB, [host], shared=False,
                                       device_config={"device": "/dev/nvme0n1p3"}))
        dvd = build.add_sr(db, "DVD drives", "udev", 0, [host], shared=False, content_type="iso",
                           description="Physical DVD drives",
                           device_config={"location": "/dev/xapi/cd"})
        db.update(dvd, sm_config={"type": "cd"})
        build.add_vdi(db, dvd, "SCSI 0:0:0:0", 0, used=0, vdi_type="user", read_only=True)
        build.add_sr(db, "Removable storage", "udev", 0, [host], shared=False,
                     content_type="disk", device_config={"location": "/dev/xapi/block"})
    pool.nfs = build.add_sr(db, "NFS virtual disk storage", "nfs", 8 * TiB, pool.hosts,
                            shared=True, description="NFS SR [10.0.0.5:/export/vms]",
                            device_config={"server": "10.0.0.5", "serverpath": "/export/vms"})
    db.update(pool.nfs, tags=["shared-storage"])
    pool.iscsi = build.add_sr(db, "iSCSI virtual disk storage", "lvmoiscsi", 4 * TiB, pool.hosts,
                              shared=True,
                              description="iSCSI SR [10.0.1.5 (iqn.2024-01.lan.san:vms)]",
                              device_config={"target": "10.0.1.5", "port": "3260",
                                             "targetIQN": "iqn.2024-01.lan.san:vms",
                                             "SCSIid": "36001405a1b2c3d4e5f600000000000001"})
    db.update(pool.iscsi, sm_config={"allocation": "thick", "use_vhd": "true"})
    iso = build.add_sr(db, "ISO library", "iso", 500 * GiB, pool.hosts, shared=True,
                       content_type="iso", description="NFS ISO library",
                       device_config={"location": "10.0.0.5:/export/iso", "type": "nfs_iso"})
    for image in ISO_IMAGES:
        size = rng.randint(600, 5000) * MiB
        pool.isos.append(build.add_vdi(db, iso, image, size, used=size, read_only=True))
    tools_sr = build.add_sr(db, "XCP-ng Tools", "iso", 0, pool.hosts, shared=True,
                            content_type="iso")
    db.update(tools_sr, is_tools_sr=True)
    tools_iso = build.add_vdi(db, tools_sr, "guest-tools.iso", 60 * MiB, used=60 * MiB,
                              read_only=True)
    db.update(tools_iso, is_tools_iso=True)


def recount_srs(db: Database) -> None:
    """Each SR's usage is the sum over its VDIs; its size leaves room (as a real admin would)."""
    totals: dict[str, tuple[int, int]] = {}
    for vdi in db.all("VDI").values():
        used, allocated = totals.get(vdi["SR"], (0, 0))
        totals[vdi["SR"]] = (used + vdi["physical_utilisation"], allocated + vdi["virtual_size"])
    for sr, rec in list(db.all("SR").items()):
        used, allocated = totals.get(sr, (0, 0))
        size = rec["physical_size"]
        if rec["content_type"] != "iso" and size and used * 10 > size * 7:
            size = -(-used * 10 // 7 // TiB) * TiB  # 70 % full at most, whole TiB
        db.update(sr, physical_utilisation=used, virtual_allocation=allocated, physical_size=size)


def settle_host_memory(db: Database) -> None:
    """host_metrics.memory_free = total - host overhead - what the resident VMs use."""
    used: dict[str, int] = {}
    for vm in db.all("VM").values():
        if vm["resident_on"] != NULL_REF:
            used[vm["resident_on"]] = used.get(vm["resident_on"], 0) + vm["memory_static_max"]
    for ref, host in db.all("host").items():
        metrics = db.get(host["metrics"], "host_metrics")
        free = metrics["memory_total"] - host["memory_overhead"] - used.get(ref, 0)
        db.update(host["metrics"], memory_free=max(0, free))


# -- templates ------------------------------------------------------------------------------


def _recommendations(windows: bool) -> str:
    """A default template's `recommendations` (the limits xapi's templates ship with)."""
    return ('<restrictions><restriction field="memory-static-max" max="1649267441664"/>'
            f'<restriction field="vcpus-max" max="{64 if windows else 32}"/>'
            '<restriction property="number-of-vbds" max="255"/>'
            '<restriction property="number-of-vifs" max="7"/>'
            f'<restriction field="has-vendor-device" value="{str(windows).lower()}"/>'
            "</restrictions>")


def _add_template(db: Database, label: str, vcpus: int, memory: int, disk: int) -> str:
    disks = (
        f'<provision><disk device="0" size="{disk}" sr="" bootable="true" type="system"/>'
        "</provision>"
    )
    windows = "Windows" in label
    methods = "cdrom" if windows or label == "Other install media" else "cdrom,nfs,http,ftp"
    metrics = db.create("VM_metrics", {})
    return db.create("VM", {
        "name_label": label,
        "name_description": f"Template which allows VM installation from install media ({label})",
        "is_a_template": True, "is_default_template": True, "power_state": "Halted",
        "memory_static_max": memory, "memory_dynamic_max": memory, "memory_dynamic_min": memory,
        "memory_static_min": 512 * MiB, "VCPUs_max": vcpus, "VCPUs_at_startup": vcpus,
        "HVM_boot_policy": "BIOS order", "HVM_boot_params": {"order": "cdn"},
        "platform": {"viridian": "true" if "Windows" in label else "false", "acpi": "1",
                     "apic": "true", "pae": "true", "nx": "true",
                     "device-model": "qemu-upstream-compat"},
        "other_config": {"disks": disks, "install-methods": methods, "default_template": "true"},
        "recommendations": _recommendations(windows),
        "metrics": metrics, "user_version": 1, "domain_type": "hvm",
        "allowed_operations": ["clone", "copy", "export", "provision", "changing_static_range",
                               "changing_dynamic_range", "changing_shadow_memory",
                               "changing_NVRAM", "metadata_export"],
    })


def _add_custom_template(db: Database, rng: random.Random, pool: Pool, label: str,
                         description: str, base: str, memory: int, disk: int) -> str:
    """A template made from a prepared VM: its own disk, interface and no install recipe."""
    os_info = next((o for o in OSES if o[1] in base.lower()), OSES[0])
    vm = _add_vm(db, rng, label, "Halted", NULL_REF, memory, 2, pool.nfs, [pool.mgmt], os_info,
                 tools=True, disk=disk)
    db.update(vm, name_description=description, is_a_template=True,
              other_config={"base_template_name": base, "mac_seed": new_uuid()},
              allowed_operations=["clone", "copy", "export", "destroy", "changing_static_range",
                                  "changing_dynamic_range", "metadata_export"])
    return vm


# -- VMs --------------------------------------------------------------------------------------


def add_vms(db: Database, pool: Pool, count: int, rng: random.Random) -> None:
    """`count` VMs cycling through the power states, placed where memory allows."""
    free = {h: db.get(db.get(h, "host")["metrics"], "host_metrics")["memory_total"] - 8 * GiB
            for h in pool.hosts}
    per_name: dict[str, int] = {}
    for n in range(count):
        state = POWER_CYCLE[n % len(POWER_CYCLE)]
        memory = rng.choice([1, 2, 4, 8]) * GiB
        host = NULL_REF
        if state in ("Running", "Paused"):
            candidates = [h for h in pool.hosts if free[h] >= memory]
            if candidates:
                host = candidates[n % len(candidates)]
                free[host] -= memory
            else:
                state = "Halted"
        role, role_folder = ROLES[n % len(ROLES)]
        env, env_folder, env_tag = ENVIRONMENTS[(n // 3) % len(ENVIRONMENTS)]
        prefix = f"{env}-{role}"
        per_name[prefix] = per_name.get(prefix, 0) + 1
        networks = [pool.mgmt, pool.dmz] if role in ("web", "proxy") else [pool.mgmt]
        os_info = OSES[n % len(OSES)]
        iso = pool.isos[(n // 10) % len(pool.isos)] if n % 10 == 1 else NULL_REF  # DVD in use
        vm = _add_vm(db, rng, f"{prefix}-{per_name[prefix]:02d}", state, host, memory,
                     rng.choice([1, 2, 4]), _disk_sr(pool, n, host), networks, os_info,
                     tools=(n % 7 != 6), iso=iso)
        _file(db, vm, n, f"/{env_folder}/{role_folder}", env_tag, os_info)
        if state == "Suspended":
            db.update(vm, suspend_VDI=_suspend_image(db, pool.nfs, vm))
        if n % 7 == 2:
            add_snapshot_tree(db, pool, vm, 1 + (n // 7) % 3, checkpoint=(n // 7) % 2 == 0)


def _disk_sr(pool: Pool, n: int, host: str) -> str:
    """Two VMs in three on shared storage (NFS or iSCSI); the rest on their host's local SR."""
    if n % 3 == 1:
        return pool.nfs
    if n % 3 == 2:
        return pool.iscsi
    if host != NULL_REF:
        return pool.local[pool.hosts.index(host)]
    return pool.local[(n // 3) % len(pool.local)]


def _file(db: Database, vm: str, n: int, folder: str, env_tag: str,
          os_info: tuple[str, str, str, str]) -> None:
    """XenCenter's folder (other_config) for three VMs in four, tags for two in three."""
    rec = db.get(vm, "VM")
    changes: dict[str, object] = {}
    if n % 4 != 3:
        changes["other_config"] = dict(rec["other_config"], folder=folder)
    if n % 3 != 2:
        tags = [env_tag, "windows" if os_info[1] == "windows" else "linux"]
        if n % 5 == 0:
            tags.append("backup-nightly")
        if env_tag == "production" and folder.endswith("Databases"):
            tags.append("critical")
        changes["tags"] = tags
    if changes:
        db.update(vm, **changes)


RUNNING_FOR_S = 3 * 86400  # how long a generated pool's running VMs have been up


def _add_vm(db: Database, rng: random.Random, name: str, state: str, host: str, memory: int,
            vcpus: int, sr: str, networks: list[str], os_info: tuple[str, str, str, str], *,
            tools: bool, disk: int | None = None, iso: str = NULL_REF) -> str:
    running = state in ("Running", "Paused")
    metrics = db.create("VM_metrics", {
        "memory_actual": memory if running else 0, "VCPUs_number": vcpus if running else 0,
        "VCPUs_utilisation": {str(i): 0.0 for i in range(vcpus)} if running else {},
        # a generated pool's VMs have run for a while (booted before the pool was made)
        "start_time": datetime_of(time.time() - RUNNING_FOR_S) if running else DateTime(NEVER),
        "install_time": now(),
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
        # guest.py: a VM without tools (TOOLS_KEY "false") gets no guest metrics when it starts
        "other_config": {"base_template_name": os_info[0], "mac_seed": new_uuid(),
                         **({} if tools else {TOOLS_KEY: "false"})},
        "metrics": metrics, "user_version": 1, "domain_type": "hvm",
        "actions_after_crash": "restart", "actions_after_shutdown": "destroy",
        "actions_after_reboot": "restart",
    })
    size = disk or rng.choice([10, 20, 40, 80]) * GiB
    thick = db.get(sr, "SR")["type"] == "lvmoiscsi"
    vdi = build.add_vdi(db, sr, f"{name} disk 0", size, used=size if thick else None)
    build.add_vbd(db, vm, vdi, "0", attached=running, bootable=True)
    cd = build.add_vbd(db, vm, iso, "3", vbd_type="CD", attached=running)
    if iso != NULL_REF:
        db.update(cd, allowed_operations=["attach", "eject"])
    for i, net in enumerate(networks):
        build.add_vif(db, vm, net, str(i), attached=running, rng=rng)
    if running:
        db.create("console", {"protocol": "rfb", "VM": vm, "location": ""})
    if tools and state != "Halted":
        db.update(vm, guest_metrics=_guest_metrics(db, rng, os_info))
    return vm


def _guest_metrics(db: Database, rng: random.Random, os_info: tuple[str, str, str, str]) -> str:
    ip = f"10.0.{rng.randint(1, 250)}.{rng.randint(2, 250)}"
    return db.create("VM_guest_metrics", {
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


# -- snapshots --------------------------------------------------------------------------------
# Built in bulk, not through VM.snapshot's own code (handlers/vm_copy.Duplicate), which
# refreshes the allowed operations of every disk after each copy: quadratic on a 5 000-VM pool.
# generate_pool recomputes allowed operations once at the end.


def add_snapshot_tree(db: Database, pool: Pool, vm: str, count: int, *, checkpoint: bool) -> None:
    """`count` snapshots of `vm` taken a week apart. With three, the VM was reverted to the
    first before the third (a branch in the tree); the last keeps memory when `checkpoint`."""
    base = time.time() - count * 7 * DAY
    for i in range(count):
        if i == 2:
            db.update(vm, parent=db.get(vm, "VM")["snapshots"][0])  # reverted to the first
        name = db.get(vm, "VM")["name_label"]
        label = SNAPSHOT_LABELS[(i + len(name)) % len(SNAPSHOT_LABELS)]
        snap = take_snapshot(db, pool, vm, f"{name} {label}", datetime_of(base + i * 7 * DAY),
                             memory=checkpoint and i == count - 1)
        db.update(vm, parent=snap)


def take_snapshot(db: Database, pool: Pool, vm: str, name: str, when: DateTime, *,
                  memory: bool) -> str:
    """The objects VM.snapshot (VM.checkpoint with `memory`) would have made at `when`."""
    src = db.get(vm, "VM")
    suspended = memory and src["power_state"] in ("Running", "Suspended")
    snap = copy_object(
        db, "VM", vm, name_label=name, is_a_snapshot=True, is_a_template=True, snapshot_of=vm,
        snapshot_time=when, parent=src["parent"],
        snapshot_info={"power-state-at-snapshot": src["power_state"],
                       "disk-snapshot-type": "crash_consistent"},
        power_state="Suspended" if suspended else "Halted", resident_on=NULL_REF, domid=-1,
        guest_metrics=NULL_REF, current_operations={},
        metrics=db.create("VM_metrics", {"last_updated": when}),
        suspend_VDI=_suspend_image(db, pool.nfs, vm) if suspended else NULL_REF)
    for vbd in src["VBDs"]:
        rec = db.get(vbd, "VBD")
        disk = rec["VDI"]
        if rec["type"] == "Disk" and disk != NULL_REF:
            vdi = db.get(disk, "VDI")
            disk = copy_object(db, "VDI", disk, is_a_snapshot=True, snapshot_of=rec["VDI"],
                               snapshot_time=when, location=new_uuid(),
                               physical_utilisation=vdi["virtual_size"] // 20,
                               sm_config={"vhd-parent": vdi["uuid"]})
        copy_object(db, "VBD", vbd, VM=snap, VDI=disk, currently_attached=False, device="")
    for vif in src["VIFs"]:
        copy_object(db, "VIF", vif, VM=snap, currently_attached=False)
    return snap


def _suspend_image(db: Database, sr: str, vm: str) -> str:
    """The VDI holding a suspended VM's (or a checkpoint's) memory, as guest.py sizes it."""
    rec = db.get(vm, "VM")
    size = guest.suspend_image_size(rec)
    image = build.add_vdi(db, sr, "Suspend image", size, used=size, vdi_type="suspend",
                          description="Suspend image")
    db.update(image, sm_config={"vm_hint": rec["uuid"], "initial_allocation": str(size)})
    return image
