"""A call that fails leaves no trace: every state-changing operation of VM, host, SR, VDI,
VBD, VIF and pool, and of the PBDs, networks, PIFs, bonds, VLANs and tunnels beside them, is
made to fail at each point where it could be interrupted (each step of
simulated time, each change it makes), and the pool must then be exactly as before.

One pool per area; an operation is tried with the fault at point 1, 2, ... until it gets
through (the fault then never struck), so its success leaves the pool ready for the next.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import XenAPI

from xapiman.sim.db import UNJOURNALED
from xapiman.sim.handlers import HANDLERS, load_all
from xapiman.sim.membership import standalone_db
from xapiman.sim.testing import RunningPool, running_pool

NULL = "OpaqueRef:NULL"
INJECTED = ["SR_BACKEND_FAILURE_47", "", "The SR is not available [opterr=injected fault]", ""]
AREAS = ("VM", "host", "SR", "VDI", "VBD", "VIF", "pool",
         "PBD", "network", "PIF", "Bond", "VLAN", "tunnel")
# Messages of those classes that change nothing (queries, checks, computations, and a few
# that the simulator always refuses, as xapi does).
READ_ONLY = {
    "VM": {"assert_can_boot_here", "assert_can_migrate", "assert_operation_valid",
           "compute_memory_overhead", "get_allowed_VBD_devices", "get_allowed_VIF_devices",
           "get_possible_hosts", "update_allowed_operations", "wait_memory_target_live"},
    "host": {"assert_can_evacuate", "call_plugin", "compute_free_memory",
             "compute_memory_overhead", "dmesg", "get_log", "get_management_interface",
             "get_server_certificate", "get_server_localtime", "get_servertime",
             "get_vms_which_prevent_evacuation", "list_methods", "migrate_receive"},
    "SR": {"get_supported_types", "probe", "probe_ext",
           "set_physical_size",  # refused to every session but the storage backend's
           "make",  # MESSAGE_DEPRECATED
           "assert_can_host_ha_statefile"},
    "VDI": {"resize_online"},  # no SR of the pool can: SR_OPERATION_NOT_SUPPORTED
    "VBD": {"assert_attachable"},
    "VIF": set(),
    "pool": {"certificate_list", "get_license_state", "sync_database",
             "ha_compute_max_host_failures_to_tolerate", "ha_failover_plan_exists",
             "ha_compute_hypothetical_max_host_failures_to_tolerate"},
    "PBD": {"set_device_config"},  # refused to every session but the storage backend's
    "network": set(), "PIF": set(), "Bond": set(), "VLAN": set(), "tunnel": set(),
}

Args = Callable[[XenAPI.Session, RunningPool], tuple]


def state(pool: RunningPool) -> dict[str, dict[str, dict]]:
    """Every object but tasks, alerts and sessions; lists compared as sets of their items."""
    db = pool.db
    with db.lock:
        return {cls: {ref: {k: sorted(v, key=repr) if isinstance(v, list) else v
                            for k, v in rec.items()}
                      for ref, rec in table.items()}
                for cls, table in db.tables.items() if cls not in UNJOURNALED}


def differences(before: dict, after: dict) -> list[str]:
    out = []
    for cls, table in before.items():
        for ref in table.keys() | after[cls].keys():
            old, new = table.get(ref), after[cls].get(ref)
            if old != new:
                if old is None or new is None:
                    out.append(f"{cls} {ref} {'added' if old is None else 'removed'}")
                else:
                    out.append(f"{cls} {ref}: " + ", ".join(
                        f"{k} {old[k]!r} -> {new.get(k)!r}" for k in old if old[k] != new.get(k)))
    return out


def servers(pool: RunningPool) -> set[str]:
    return set(pool.sim.servers)


def no_trace(pool: RunningPool, session: XenAPI.Session, method: str, args: Args) -> int:
    """Fail `method` at each of its interruption points; returns how many it had."""
    fn = session.xenapi
    for part in method.split("."):
        fn = getattr(fn, part)
    point = 1
    arguments = args(session, pool)  # still right after each failure: it changed nothing
    while True:
        before, up = state(pool), servers(pool)
        pool.faults.fail_call(method, point, *INJECTED)
        try:
            fn(*arguments)
        except XenAPI.Failure as failure:
            assert not pool.faults.armed(method), f"{method} failed before point {point}: {failure}"
            assert failure.details == INJECTED, (method, point, failure.details)
            assert differences(before, state(pool)) == [], (method, point)
            assert servers(pool) == up, (method, point)
            point += 1
            continue
        pool.faults.disarm(method)
        return point - 1


# -- finding objects --------------------------------------------------------------------------


def vms(s, power_state: str, **match) -> list[str]:
    """Ordinary VMs in that power state, by name. The server picks them (reading every VM
    record, templates included, before each try of each point took most of the test's time)."""
    records = s.xenapi.VM.get_all_records_where(
        f'field "power_state" = "{power_state}" and field "is_a_template" = "false" '
        'and field "is_control_domain" = "false"')
    return sorted((ref for ref, r in records.items()
                   if r["power_state"] == power_state and not r["is_a_template"]
                   and not r["is_control_domain"] and all(r[k] == v for k, v in match.items())),
                  key=lambda ref: records[ref]["name_label"])


def with_tools(s) -> str:
    return next(vm for vm in vms(s, "Running") if s.xenapi.VM.get_guest_metrics(vm) != NULL)


def agile(s) -> str:
    """A running VM whose disks are all on shared storage."""
    x = s.xenapi
    return next(vm for vm in vms(s, "Running")
                if all(x.SR.get_shared(x.VDI.get_SR(x.VBD.get_VDI(vbd)))
                       for vbd in x.VM.get_VBDs(vm) if x.VBD.get_type(vbd) == "Disk"))


def named(s, name: str) -> str:
    return s.xenapi.VM.get_by_name_label(name)[0]


def other_host(s, vm: str) -> str:
    here = s.xenapi.VM.get_resident_on(vm)
    return next(h for h in sorted(s.xenapi.host.get_all()) if h != here)


def sr_named(s, name: str) -> str:
    return s.xenapi.SR.get_by_name_label(name)[0]


def supporter(s) -> str:
    master = s.xenapi.pool.get_master(s.xenapi.pool.get_all()[0])
    return next(h for h in sorted(s.xenapi.host.get_all()) if h != master)


def disk_of(s, vm: str) -> str:
    x = s.xenapi
    return next(x.VBD.get_VDI(v) for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "Disk")


def cd_of(s, vm: str) -> str:
    x = s.xenapi
    return next(v for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "CD")


def scratch_vbd(s) -> str:
    return s.xenapi.VDI.get_VBDs(s.xenapi.VDI.get_by_name_label("scratch")[0])[0]


def iso(s) -> str:
    return s.xenapi.VDI.get_by_name_label("debian-12.5.0-amd64-netinst.iso")[0]


# -- the operations, in an order where each finds what it needs -------------------------------

GiB = str(1024**3)

VM_OPERATIONS: list[tuple[str, Args]] = [
    ("VM.start", lambda s, p: (vms(s, "Halted")[0], False, False)),
    ("VM.start_on", lambda s, p: (vms(s, "Halted")[0], supporter(s), False, False)),
    ("VM.clean_shutdown", lambda s, p: (named(s, "prod-web-01"),)),
    ("VM.hard_shutdown", lambda s, p: (named(s, "prod-db-01"),)),
    ("VM.shutdown", lambda s, p: (named(s, "prod-cache-01"),)),
    ("VM.clean_reboot", lambda s, p: (with_tools(s),)),
    ("VM.hard_reboot", lambda s, p: (vms(s, "Running")[0],)),
    ("VM.pause", lambda s, p: (vms(s, "Running")[0],)),
    ("VM.unpause", lambda s, p: (vms(s, "Paused")[0],)),
    ("VM.suspend", lambda s, p: (vms(s, "Running")[-1],)),
    ("VM.resume", lambda s, p: (vms(s, "Suspended")[0], False, False)),
    ("VM.resume_on", lambda s, p: (vms(s, "Suspended")[0], supporter(s), False, False)),
    ("VM.pool_migrate", lambda s, p: (agile(s), other_host(s, agile(s)), {"live": "true"})),
    ("VM.set_VCPUs_number_live", lambda s, p: (vms(s, "Running")[0], "1")),
    ("VM.clone", lambda s, p: (vms(s, "Halted")[0], "a clone")),
    ("VM.copy", lambda s, p: (vms(s, "Halted")[0], "a copy", sr_named(s, "NFS virtual disk storage"))),
    ("VM.snapshot", lambda s, p: (vms(s, "Running")[0], "a snapshot")),
    ("VM.checkpoint", lambda s, p: (vms(s, "Running")[1], "a checkpoint")),
    ("VM.revert", lambda s, p: (s.xenapi.VM.get_by_name_label("a snapshot")[0],)),
    ("VM.create", lambda s, p: ({
        "name_label": "made", "user_version": "1", "is_a_template": False, "affinity": NULL,
        "memory_static_max": GiB, "memory_dynamic_max": GiB, "memory_dynamic_min": GiB,
        "memory_static_min": GiB, "VCPUs_params": {}, "VCPUs_max": "1", "VCPUs_at_startup": "1",
        "actions_after_shutdown": "destroy", "actions_after_reboot": "restart",
        "actions_after_crash": "restart", "PV_bootloader": "", "PV_kernel": "", "PV_ramdisk": "",
        "PV_args": "", "PV_bootloader_args": "", "PV_legacy_args": "", "HVM_boot_policy": "BIOS order",
        "HVM_boot_params": {}, "platform": {}, "PCI_bus": "", "other_config": {},
        "recommendations": ""},)),
    ("VM.provision", lambda s, p: (to_provision(s),)),
    ("VM.destroy", lambda s, p: (s.xenapi.VM.get_by_name_label("made")[0],)),
    ("VM.set_memory", lambda s, p: (vms(s, "Halted")[0], GiB)),
    ("VM.set_ha_restart_priority", lambda s, p: (vms(s, "Halted")[0], "best-effort")),
    ("VM.set_memory_limits", lambda s, p: (vms(s, "Halted")[0], GiB, GiB, GiB, GiB)),
    ("VM.set_memory_static_range", lambda s, p: (vms(s, "Halted")[0], GiB, GiB)),
    ("VM.set_memory_dynamic_range", lambda s, p: (vms(s, "Halted")[0], GiB, GiB)),
    ("VM.set_memory_static_max", lambda s, p: (vms(s, "Halted")[0], str(2 * 1024**3))),
    ("VM.set_memory_dynamic_max", lambda s, p: (vms(s, "Halted")[0], str(2 * 1024**3))),
    ("VM.set_memory_dynamic_min", lambda s, p: (vms(s, "Halted")[0], str(2 * 1024**3))),
    ("VM.set_memory_static_min", lambda s, p: (vms(s, "Halted")[0], GiB)),
    ("VM.set_memory_target_live", lambda s, p: (vms(s, "Running")[0], GiB)),
    ("VM.set_VCPUs_max", lambda s, p: (vms(s, "Halted")[0], "8")),
    ("VM.set_VCPUs_at_startup", lambda s, p: (vms(s, "Halted")[0], "3")),
    ("VM.set_HVM_shadow_multiplier", lambda s, p: (vms(s, "Halted")[0], 2.0)),
    ("VM.set_blocked_operations", lambda s, p: (vms(s, "Halted")[0], {"destroy": "kept"})),
    ("VM.add_to_blocked_operations", lambda s, p: (vms(s, "Halted")[0], "clone", "kept")),
    ("VM.remove_from_blocked_operations", lambda s, p: (vms(s, "Halted")[0], "clone")),
    ("VM.set_is_a_template", lambda s, p: (vms(s, "Halted", appliance=NULL,
                                               snapshot_schedule=NULL)[-1], True)),
    ("VM.set_appliance", lambda s, p: (vms(s, "Halted")[0],
                                        s.xenapi.VM_appliance.get_all()[0])),
    ("VM.set_snapshot_schedule", lambda s, p: (vms(s, "Halted")[0], s.xenapi.VMSS.get_all()[0])),
    ("VM.create_new_blob", lambda s, p: (vms(s, "Halted")[0], "notes", "text/plain", False)),
    ("VM.migrate_send", lambda s, p: migrate_send_args(s)),
    ("VM.power_state_reset", lambda s, p: (vms(s, "Halted")[0],)),
]


def to_provision(s) -> str:
    """A clone of a default template whose disks go to the default SR (as clients set it)."""
    x = s.xenapi
    found = x.VM.get_by_name_label("to provision")
    if found:
        return found[0]
    vm = x.VM.clone(x.VM.get_by_name_label("Debian Bookworm 12")[0], "to provision")
    pool = x.pool.get_all()[0]
    uuid = x.SR.get_uuid(x.pool.get_default_SR(pool))
    disks = x.VM.get_other_config(vm)["disks"].replace('sr=""', f'sr="{uuid}"')
    x.VM.remove_from_other_config(vm, "disks")
    x.VM.add_to_other_config(vm, "disks", disks)
    return vm


def migrate_send_args(s) -> tuple:
    x = s.xenapi
    vm = vms(s, "Running")[0]
    dest = x.host.migrate_receive(other_host(s, vm), x.network.get_all()[0], {})
    nfs = sr_named(s, "NFS virtual disk storage")
    disks = {x.VBD.get_VDI(v): nfs for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "Disk"}
    return vm, dest, True, disks, {}, {}


STORAGE_OPERATIONS: list[tuple[str, Args]] = [
    ("SR.create", lambda s, p: (supporter(s), {"server": "10.0.0.6", "serverpath": "/x"},
                                "0", "new nfs", "", "nfs", "user", True, {})),
    ("SR.scan", lambda s, p: (sr_named(s, "new nfs"),)),
    ("SR.update", lambda s, p: (sr_named(s, "new nfs"),)),
    ("SR.set_name_label", lambda s, p: (sr_named(s, "new nfs"), "renamed nfs")),
    ("SR.set_name_description", lambda s, p: (sr_named(s, "renamed nfs"), "described")),
    ("SR.set_shared", lambda s, p: (local_sr(s), True)),
    ("SR.create_new_blob", lambda s, p: (sr_named(s, "renamed nfs"), "b", "text/plain", False)),
    ("PBD.unplug", lambda s, p: (pbd_of(s, "renamed nfs", supporter(s)),)),
    ("PBD.destroy", lambda s, p: (pbd_of(s, "renamed nfs", supporter(s)),)),
    ("PBD.create", lambda s, p: ({"host": supporter(s), "SR": sr_named(s, "renamed nfs"),
                                  "device_config": {"server": "10.0.0.6", "serverpath": "/x"},
                                  "other_config": {}},)),
    ("PBD.plug", lambda s, p: (pbd_of(s, "renamed nfs", supporter(s)),)),
    ("VDI.create", lambda s, p: ({"name_label": "scratch", "SR": sr_named(s, "renamed nfs"),
                                  "virtual_size": GiB, "type": "user", "sharable": False,
                                  "read_only": False, "other_config": {}},)),
    ("VDI.resize", lambda s, p: (s.xenapi.VDI.get_by_name_label("scratch")[0], str(2 * 1024**3))),
    ("VDI.snapshot", lambda s, p: (s.xenapi.VDI.get_by_name_label("scratch")[0], {})),
    ("VDI.clone", lambda s, p: (s.xenapi.VDI.get_by_name_label("scratch")[0], {})),
    ("VDI.copy", lambda s, p: (s.xenapi.VDI.get_by_name_label("scratch")[0],
                               sr_named(s, "iSCSI virtual disk storage"), NULL, NULL)),
    ("VDI.update", lambda s, p: (s.xenapi.VDI.get_by_name_label("scratch")[0],)),
    ("VDI.forget", lambda s, p: (forgotten(s),)),
    ("VDI.introduce", lambda s, p: (FORGOTTEN["uuid"], "found", "",
                                    sr_named(s, "iSCSI virtual disk storage"), "user", False,
                                    False, {}, FORGOTTEN["location"], {}, {}, True)),
    ("VDI.destroy", lambda s, p: (s.xenapi.VDI.get_by_name_label("found")[0],)),
    ("VBD.create", lambda s, p: ({"VM": with_tools(s),
                                  "VDI": s.xenapi.VDI.get_by_name_label("scratch")[0],
                                  "userdevice": "5", "bootable": False, "mode": "RW",
                                  "type": "Disk", "empty": False, "other_config": {},
                                  "qos_algorithm_type": "", "qos_algorithm_params": {}},)),
    ("VBD.plug", lambda s, p: (scratch_vbd(s),)),
    ("VBD.unplug", lambda s, p: (scratch_vbd(s),)),
    ("VBD.set_mode", lambda s, p: (next(v for v in s.xenapi.VM.get_VBDs(vms(s, "Halted")[0])
                                        if s.xenapi.VBD.get_type(v) == "Disk"), "RO")),
    ("VBD.plug", lambda s, p: (scratch_vbd(s),)),
    ("VBD.unplug_force", lambda s, p: (scratch_vbd(s),)),
    ("VBD.destroy", lambda s, p: (scratch_vbd(s),)),
    ("VBD.eject", lambda s, p: (next(cd for vm in vms(s, "Running") for cd in [cd_of(s, vm)]
                                     if not s.xenapi.VBD.get_empty(cd)),)),
    ("VBD.insert", lambda s, p: (next(cd for vm in vms(s, "Running") for cd in [cd_of(s, vm)]
                                      if s.xenapi.VBD.get_empty(cd)), iso(s))),
    ("VDI.pool_migrate", lambda s, p: movable_disk(s)),
    ("SR.forget", lambda s, p: unplugged(s, "renamed nfs")),
    ("SR.introduce", lambda s, p: ("2a0c6f4e-8b44-4a8b-95a4-7f3d9d0b6c21", "introduced", "", "nfs",
                                   "user", True, {})),
    ("SR.destroy", lambda s, p: unplugged(s, "iSCSI virtual disk storage", empty=True)),
]


FORGOTTEN: dict[str, str] = {}


def pbd_of(s, sr_name: str, host: str) -> str:
    x = s.xenapi
    return next(pbd for pbd in x.SR.get_PBDs(sr_named(s, sr_name)) if x.PBD.get_host(pbd) == host)


def movable_disk(s) -> tuple:
    """A disk of a running VM on shared storage, and the other shared SR to move it to."""
    x = s.xenapi
    vm = agile(s)
    vdi = next(x.VBD.get_VDI(v) for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "Disk")
    dest = next(sr for sr in (sr_named(s, "NFS virtual disk storage"),
                              sr_named(s, "iSCSI virtual disk storage")) if sr != x.VDI.get_SR(vdi))
    return vdi, dest, {}


def forgotten(s) -> str:
    """The copy of "scratch" on the iSCSI SR, whose uuid and location are kept to find it again."""
    x = s.xenapi
    iscsi = sr_named(s, "iSCSI virtual disk storage")
    vdi = next(v for v in x.VDI.get_by_name_label("scratch") if x.VDI.get_SR(v) == iscsi)
    FORGOTTEN.update(uuid=x.VDI.get_uuid(vdi), location=x.VDI.get_location(vdi))
    return vdi


def local_sr(s) -> str:
    x = s.xenapi
    return next(sr for sr in sorted(x.SR.get_by_name_label("Local storage"))
                if not x.SR.get_shared(sr))


def unplugged(s, name: str, empty: bool = False) -> tuple:
    """The SR, with its PBDs unplugged (and its VDIs gone when `empty`) so it may go."""
    x = s.xenapi
    sr = sr_named(s, name)
    if empty:
        for vdi in x.SR.get_VDIs(sr):
            for vbd in x.VDI.get_VBDs(vdi):
                vm = x.VBD.get_VM(vbd)
                if x.VM.get_power_state(vm) != "Halted":
                    x.VM.hard_shutdown(vm)
                x.VBD.destroy(vbd)
            x.VDI.destroy(vdi)
    for pbd in x.SR.get_PBDs(sr):
        if x.PBD.get_currently_attached(pbd):
            x.PBD.unplug(pbd)
    return (sr,)


NETWORK_OPERATIONS: list[tuple[str, Args]] = [
    ("VIF.create", lambda s, p: ({"device": "3", "network": s.xenapi.network.get_all()[0],
                                  "VM": vms(s, "Running")[0], "MAC": "", "MTU": "1500",
                                  "other_config": {}, "qos_algorithm_type": "",
                                  "qos_algorithm_params": {}},)),
    ("VIF.plug", lambda s, p: (vif_of(s, "3"),)),
    ("VIF.unplug", lambda s, p: (vif_of(s, "3"),)),
    ("VIF.move", lambda s, p: (vif_of(s, "3"), s.xenapi.network.get_all()[1])),
    ("VIF.plug", lambda s, p: (vif_of(s, "3"),)),
    ("VIF.unplug_force", lambda s, p: (vif_of(s, "3"),)),
    ("VIF.destroy", lambda s, p: (vif_of(s, "3"),)),
]


NEW_NETWORK = {"name_description": "", "other_config": {}}

NETWORKING_OPERATIONS: list[tuple[str, Args]] = [
    ("network.create", lambda s, p: ({"name_label": "bonded", **NEW_NETWORK},)),
    ("network.create_new_blob", lambda s, p: (network_named(s, "bonded"), "b", "text/plain",
                                              False)),
    ("Bond.create", lambda s, p: (network_named(s, "bonded"),
                                  [pif_of(s, "eth2"), pif_of(s, "eth3")], "", "active-backup", {})),
    ("Bond.set_mode", lambda s, p: (s.xenapi.Bond.get_all()[0], "balance-slb")),
    ("Bond.destroy", lambda s, p: (s.xenapi.Bond.get_all()[0],)),
    ("network.create", lambda s, p: ({"name_label": "VLAN 200", **NEW_NETWORK},)),
    ("VLAN.create", lambda s, p: (pif_of(s, "eth2"), "200", network_named(s, "VLAN 200"))),
    ("VLAN.destroy", lambda s, p: (s.xenapi.PIF.get_VLAN_master_of(
        pif_of(s, "eth2", network_named(s, "VLAN 200"))),)),
    ("network.create", lambda s, p: ({"name_label": "tunnelled", **NEW_NETWORK},)),
    ("tunnel.create", lambda s, p: (pif_of(s, "eth0"), network_named(s, "tunnelled"), "gre")),
    ("tunnel.destroy", lambda s, p: (s.xenapi.PIF.get_tunnel_access_PIF_of(
        pif_of(s, "tunnel0", network_named(s, "tunnelled")))[0],)),
    ("PIF.reconfigure_ip", lambda s, p: (pif_of(s, "eth1"), "Static", "10.0.1.5",
                                         "255.255.255.0", "", "")),
    ("PIF.unplug", lambda s, p: (pif_of(s, "eth1"),)),
    ("PIF.plug", lambda s, p: (pif_of(s, "eth1"),)),
    ("network.destroy", lambda s, p: (network_named(s, "bonded"),)),
]


def network_named(s, name: str) -> str:
    return s.xenapi.network.get_by_name_label(name)[0]


def pif_of(s, device: str, network: str | None = None) -> str:
    """The supporter's PIF for `device` (on `network`, else its untagged physical one)."""
    host = supporter(s)
    return next(ref for ref, r in sorted(s.xenapi.PIF.get_all_records().items())
                if r["host"] == host and r["device"] == device
                and (r["network"] == network if network else r["VLAN"] == "-1"))


def vif_of(s, device: str) -> str:
    x = s.xenapi
    return next(v for v in x.VM.get_VIFs(vms(s, "Running")[0]) if x.VIF.get_device(v) == device)


HOST_OPERATIONS: list[tuple[str, Args]] = [
    ("host.set_hostname_live", lambda s, p: (supporter(s), "renamed-host")),
    ("host.set_power_on_mode", lambda s, p: (supporter(s), "DRAC",
                                             {"power_on_ip": "10.0.9.12"})),
    ("host.create_new_blob", lambda s, p: (supporter(s), "b", "text/plain", False)),
    ("host.disable_external_auth", lambda s, p: (supporter(s), {}, False)),
    ("host.enable_external_auth", lambda s, p: (supporter(s), {}, "corp.example.com", "AD")),
    ("host.disable", lambda s, p: (supporter(s), True)),
    ("host.enable", lambda s, p: (supporter(s),)),
    ("host.evacuate", lambda s, p: evacuable(s)),
    ("host.reboot", lambda s, p: disabled(s)),
    ("host.shutdown", lambda s, p: disabled(s)),
    ("host.power_on", lambda s, p: (supporter(s),)),
]


def evacuable(s) -> tuple:
    """The supporter, with its VMs on local disks shut down (they could not move)."""
    x = s.xenapi
    host = supporter(s)
    for vm in x.host.get_resident_VMs(host):
        if x.VM.get_is_control_domain(vm):
            continue
        disks = [x.VBD.get_VDI(v) for v in x.VM.get_VBDs(vm) if x.VBD.get_type(v) == "Disk"]
        if not all(x.SR.get_shared(x.VDI.get_SR(d)) for d in disks):
            x.VM.hard_shutdown(vm)
    return host, NULL, "0"


def disabled(s) -> tuple:
    """The supporter, up (back from a reboot: enabled again once live) and disabled."""
    host = supporter(s)
    metrics = s.xenapi.host.get_metrics(host)
    deadline = time.monotonic() + 60
    while not s.xenapi.host_metrics.get_live(metrics) and time.monotonic() < deadline:
        time.sleep(0.02)
    if s.xenapi.host.get_enabled(host):
        s.xenapi.host.disable(host, True)
    return (host,)


POOL_OPERATIONS: list[tuple[str, Args]] = [
    ("pool.create_new_blob", lambda s, p: (s.xenapi.pool.get_all()[0], "b", "text/plain", False)),
    ("pool.install_ca_certificate", lambda s, p: ("corp", pem(p))),
    ("pool.uninstall_ca_certificate", lambda s, p: ("corp", False)),
    ("pool.certificate_install", lambda s, p: ("corp2", pem(p))),
    ("pool.certificate_uninstall", lambda s, p: ("corp2",)),
    ("pool.install_trusted_certificate", lambda s, p: (s.xenapi.pool.get_all()[0], True, pem(p), [])),
    ("pool.uninstall_trusted_certificate", lambda s, p: (
        s.xenapi.pool.get_all()[0], next(c for c, r in s.xenapi.Certificate.get_all_records().items()
                                          if r["type"] == "ca"))),
    ("pool.certificate_sync", lambda s, p: ()),
    ("pool.disable_external_auth", lambda s, p: (s.xenapi.pool.get_all()[0], {})),
    ("pool.enable_external_auth", lambda s, p: (s.xenapi.pool.get_all()[0], {},
                                                "corp.example.com", "AD")),
    ("pool.set_ha_host_failures_to_tolerate", lambda s, p: (s.xenapi.pool.get_all()[0], 1)),
    ("pool.set_ha_allow_overcommit", lambda s, p: (s.xenapi.pool.get_all()[0], True)),
    ("pool.enable_ha", lambda s, p: ([], {})),
    ("pool.disable_ha", lambda s, p: ()),
    ("pool.eject", lambda s, p: ejectable(s)),
    ("pool.create_VLAN_from_PIF", lambda s, p: vlan_args(s)),
    ("pool.designate_new_master", lambda s, p: (supporter(s),)),  # last: sessions end
]

def vlan_args(s) -> tuple:
    """eth1 of a host, and an empty network for VLAN 400 on it (made once)."""
    x = s.xenapi
    eth1 = next(r for r, v in x.PIF.get_all_records().items()
                if v["device"] == "eth1" and v["VLAN"] == "-1")
    found = x.network.get_by_name_label("VLAN 400")
    net = found[0] if found else x.network.create({"name_label": "VLAN 400",
                                                   "name_description": "", "other_config": {}})
    return eth1, net, "400"


_PEM: list[str] = []


def pem(pool: RunningPool) -> str:
    if not _PEM:
        _PEM.append(pool.sim.cert.read_text() if pool.sim.cert else _made_pem())
    return _PEM[0]


def _made_pem() -> str:
    import tempfile
    from pathlib import Path

    from xapiman.sim import tls

    with tempfile.TemporaryDirectory() as folder:
        return tls.make_self_signed("Corp CA", Path(folder)).read_text()


def ejectable(s) -> tuple:
    """A supporter with no running VM left."""
    x = s.xenapi
    host = supporter(s)
    for vm in x.host.get_resident_VMs(host):
        if not x.VM.get_is_control_domain(vm):
            x.VM.hard_shutdown(vm)
    return (host,)


AREA_OPERATIONS = {"VM": VM_OPERATIONS, "storage": STORAGE_OPERATIONS,
                   "network": NETWORK_OPERATIONS, "networking": NETWORKING_OPERATIONS,
                   "host": HOST_OPERATIONS,
                   "pool": POOL_OPERATIONS}


# Operations whose changes go to another simulator's database (see the join test below).
ELSEWHERE = {"pool": {"join", "join_force"}}


def test_every_state_changing_operation_is_covered():
    load_all()
    covered = {name for ops in AREA_OPERATIONS.values() for name, _args in ops}
    for (cls, name) in HANDLERS:
        if cls in AREAS and name not in READ_ONLY[cls] | ELSEWHERE.get(cls, set()):
            assert f"{cls}.{name}" in covered, f"{cls}.{name} has no failure test"


@pytest.mark.parametrize("area", list(AREA_OPERATIONS))
def test_failures_leave_no_trace(area):
    with running_pool(hosts=3 if area == "pool" else 2, vms=20) as pool:
        s = XenAPI.Session(pool.url)
        s.xenapi.login_with_password(pool.user, pool.password, "2.21", "faults")
        for method, args in AREA_OPERATIONS[area]:
            points = no_trace(pool, s, method, args)
            assert points >= 1 or method.split(".")[1] in PURE_CHECKS, method


# Operations that, in the simulator, make no change (an instant answer after checks).
PURE_CHECKS = {"certificate_sync", "power_state_reset", "update", "scan", "set_memory_target_live"}



def test_a_start_refused_for_a_missing_sr_leaves_the_vm_as_it_was():
    """The disk's SR is gone from every host: the start fails and the VM is untouched."""
    with running_pool(hosts=2, vms=20) as pool:
        s = XenAPI.Session(pool.url)
        s.xenapi.login_with_password(pool.user, pool.password, "2.21", "faults")
        x = s.xenapi
        vm = vms(s, "Halted")[0]
        sr = x.VDI.get_SR(disk_of(s, vm))
        for vdi in x.SR.get_VDIs(sr):  # what else runs on that SR stops first
            for vbd in x.VDI.get_VBDs(vdi):
                if x.VBD.get_currently_attached(vbd):
                    x.VM.hard_shutdown(x.VBD.get_VM(vbd))
        for pbd in x.SR.get_PBDs(sr):
            x.PBD.unplug(pbd)
        before = state(pool)
        with pytest.raises(XenAPI.Failure) as info:
            x.VM.start(vm, False, False)
        assert info.value.details[0] in ("VM_REQUIRES_SR", "NO_HOSTS_AVAILABLE")
        assert differences(before, state(pool)) == []
        assert x.VM.get_power_state(vm) == "Halted"


@pytest.mark.parametrize("method", sorted(f"pool.{name}" for name in ELSEWHERE["pool"]))
def test_a_failed_join_leaves_both_servers_as_they_were(method):
    """pool.join changes the joining server and the pool: a failure at any point leaves
    both as they were, and both keep serving; once it gets through, the host is in the pool."""
    with running_pool(hosts=2, vms=4) as pool, \
            running_pool(hosts=1, vms=0, db=standalone_db("lone")) as lone:
        s = XenAPI.Session(lone.url)
        s.xenapi.login_with_password(lone.user, lone.password, "2.21", "faults")
        join = getattr(s.xenapi.pool, method.split(".")[1])
        address = pool.db.get(pool.sim.coordinator, "host")["address"]
        joining = lone.sim.coordinator
        point = 1
        while True:
            before = state(pool), state(lone), servers(pool), servers(lone)
            lone.faults.fail_call(method, point, *INJECTED)
            try:
                join(address, pool.user, pool.password)
            except XenAPI.Failure as failure:
                assert failure.details == INJECTED, (point, failure.details)
                after = state(pool), state(lone), servers(pool), servers(lone)
                assert differences(before[0], after[0]) == [], point
                assert differences(before[1], after[1]) == [], point
                assert before[2:] == after[2:], point
                point += 1
                continue
            lone.faults.disarm(method)
            break
        # faults struck in the wait and in each change to the pool's database
        assert point > 1 + JOIN_WAIT_STEPS, point
        assert pool.db.find(joining, "host") is not None


JOIN_WAIT_STEPS = 4  # the steps of pool.join's simulated wait (Call.sleep's default)
