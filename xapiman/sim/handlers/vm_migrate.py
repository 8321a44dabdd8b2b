"""Migration: VM.pool_migrate between hosts of the pool; host.migrate_receive, VM.assert_can_migrate
and VM.migrate_send for storage motion inside the pool and for moves to another pool, where the
source talks XAPI over HTTP to the destination pool (with the session migrate_receive made)."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

import XenAPI

from xapiman.sim import guest, migration, placement, storage
from xapiman.sim.call import Call
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.registry import handler
from xapiman.sim.handlers.vm_copy import disk_vbds, remove_vm_records
from xapiman.sim.handlers.vm_power import assert_power_state
from xapiman.sim.lifecycle import LIVE_STATES, vm_operation
from xapiman.sim.model.spec import MODEL
from xapiman.sim.model.values import NULL_REF

GiB = 1024**3
MEMORY_BYTES_PER_SECOND = GiB  # a live migration copies the guest's memory at this rate
DISK_BYTES_PER_SECOND = 512 * 1024**2
MIN_SECONDS = 2.0
VIF_MAP_INTRA_POOL = ("VIF mapping is not allowed for intra-pool migration -all VIFs must be on "
                      "the same network")
# VM fields another pool cannot take over: runtime state and references to this pool's objects.
_LOCAL_VM_FIELDS = {"affinity", "suspend_VDI", "protection_policy", "snapshot_schedule",
                    "appliance", "suspend_SR", "power_state", "blocked_operations"}


def option_true(options: dict[str, str], key: str) -> bool:
    return options.get(key, "").lower() == "true"


def migration_seconds(db: Database, vm: str, vdis: list[str] = ()) -> float:
    """Simulated time to move the VM's memory (when it runs) and the given disks."""
    rec = db.get(vm, "VM")
    memory = rec["memory_static_max"] if rec["power_state"] in LIVE_STATES else 0
    disks = sum(db.get(v, "VDI")["virtual_size"] for v in vdis)
    return max(MIN_SECONDS, memory / MEMORY_BYTES_PER_SECOND + disks / DISK_BYTES_PER_SECOND)


def move_domain(call: Call, vm: str, host: str) -> None:
    """The running domain now lives on `host` (new domid there, consoles follow)."""
    db = call.db
    db.update(vm, resident_on=host, scheduled_to_be_resident_on=NULL_REF,
              domid=guest.next_domid(db))
    guest.move_consoles(call.sim, vm, host)


def host_memory_error(db: Database, vm: str, host: str) -> Failure | None:
    if db.get(vm, "VM")["resident_on"] == host:
        return None
    needed = placement.vm_memory_need(db, vm)
    available = placement.host_free_memory(db, host)
    if available < needed:
        return Failure("HOST_NOT_ENOUGH_FREE_MEMORY", needed, available)
    return None


# -- inside the pool --------------------------------------------------------------------------


@handler("VM", "pool_migrate")
def pool_migrate(call: Call, vm: str, host: str, options: dict[str, str]) -> None:
    """Live-migrate a running VM to `host` of the same pool."""
    db = call.db
    db.get(host, "host")
    source = db.get(vm, "VM")["resident_on"]
    with vm_operation(call, vm, "pool_migrate", strict=not option_true(options, "force")):
        with db.lock:
            error = placement.boot_error(db, vm, host)
            if error is not None:
                raise error
            db.update(vm, scheduled_to_be_resident_on=host)
        try:
            call.sleep(migration_seconds(db, vm), steps=8)
            with db.lock:
                assert_power_state(db, vm, "Running")
                move_domain(call, vm, host)
        finally:
            with db.lock:
                if db.find(vm, "VM") and db.get(vm, "VM")["scheduled_to_be_resident_on"] == host:
                    db.update(vm, scheduled_to_be_resident_on=NULL_REF)
    source_rec, dest_rec = db.find(source, "host") or {}, db.get(host, "host")
    guest.vm_alert(db, vm, "VM_MIGRATED", 5,
                   f"migrated from host '{source_rec.get('name_label', '')}' (uuid: "
                   f"{source_rec.get('uuid', '')}) to host '{dest_rec['name_label']}' (uuid: "
                   f"{dest_rec['uuid']})")


@handler("host", "migrate_receive")
def migrate_receive(call: Call, host: str, network: str, options: dict[str, str]) -> dict:  # noqa: ARG001
    """What a source needs to send a VM here: URLs, this host, a fresh session."""
    db = call.db
    db.get(host, "host")
    net = db.get(network, "network")
    pif = next((p for p in net["PIFs"] if db.get(p, "PIF")["host"] == host), None)
    if pif is None:
        raise Failure("HOST_CANNOT_ATTACH_NETWORK", host, network)
    pif_rec = db.get(pif, "PIF")
    if not pif_rec["IP"]:
        if pif_rec["ip_configuration_mode"] == "None":
            raise Failure("PIF_HAS_NO_NETWORK_CONFIGURATION", pif)
        raise Failure("INTERFACE_HAS_NO_IP", pif)
    config = call.sim.config
    session = call.sim.sessions.login(config.user, config.password, "migrate_receive", host)
    scheme = "https" if call.sim.ssl_context is not None else "http"
    address = db.get(host, "host")["address"]
    master = db.get(call.sim.coordinator, "host")["address"]
    return {"SM": f"{scheme}://{address}/services/SM?session_id={session}", "host": host,
            "xenops": f"{scheme}://{address}/services/xenops?session_id={session}",
            "session_id": session, "master": f"{scheme}://{master}"}


# -- the destination --------------------------------------------------------------------------


def wire(value: object) -> object:
    """A value as the XenAPI package may send it: ints as decimal strings (64-bit safe)."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, dict):
            return {k: wire(v) for k, v in value.items() if v is not None}
        if isinstance(value, list):
            return [wire(v) for v in value]
        return value
    return str(value)


@dataclass
class Destination:
    """Where migrate_send sends a VM (from host.migrate_receive's map)."""

    host: str
    master: str
    session: str
    intra_pool: bool

    @classmethod
    def parse(cls, db: Database, dest: dict[str, str]) -> Destination:
        try:
            host, master, session = dest["host"], dest["master"], dest["session_id"]
        except KeyError:
            raise Failure("INTERNAL_ERROR", "Not_found") from None
        return cls(host, master, session, db.find(host, "host") is not None)

    @property
    def address(self) -> str:
        return urlsplit(self.master).hostname or self.master

    def connect(self) -> RemotePool:
        return RemotePool(self)


class RemotePool:
    """XAPI calls to the destination pool; its errors come back as this pool's Failures."""

    def __init__(self, dest: Destination) -> None:
        self.dest = dest
        self.proxy = XenAPI.Session(dest.master, ignore_ssl=True)
        self.proxy._session = dest.session

    def __call__(self, name: str, *args: object) -> object:
        fn = self.proxy.xenapi
        for part in name.split("."):
            fn = getattr(fn, part)
        try:
            return fn(*(wire(a) for a in args))
        except XenAPI.Failure as failure:
            raise Failure(*failure.details) from None
        except (OSError, xmlrpc.client.Error):
            raise Failure("CANNOT_CONTACT_HOST", self.dest.address) from None


# -- checks -----------------------------------------------------------------------------------


def check_vdi_map(db: Database, vm: str, vdi_map: dict[str, str]) -> None:
    for _vbd, vdi in disk_vbds(db, vm):
        if vdi not in vdi_map:
            raise Failure("VDI_NOT_IN_MAP", vdi)


def resolve_vif_map(db: Database, vm: str, vif_map: dict[str, str]) -> dict[str, str]:
    """Every VIF's destination network: mapped, or as a mapped VIF with the same MAC."""
    by_mac = {db.get(v, "VIF")["MAC"]: n for v, n in vif_map.items() if db.find(v, "VIF")}
    resolved = {}
    for vif in db.get(vm, "VM")["VIFs"]:
        network = vif_map.get(vif) or by_mac.get(db.get(vif, "VIF")["MAC"])
        if network is None:
            raise Failure("VIF_NOT_IN_MAP", vif)
        resolved[vif] = network
    return resolved


def source_versions(db: Database, vm: str) -> dict[str, str]:
    """The software versions of the host the VM runs on (of the coordinator when it runs
    nowhere), as xapi's migration version check takes them."""
    host = db.get(vm, "VM")["resident_on"]
    if db.find(host, "host") is None:
        host = next(iter(db.all("pool").values()))["master"]
    return dict(db.get(host, "host")["software_version"])


def check_intra_pool(db: Database, vm: str, dest: Destination, vdi_map: dict[str, str],
                     vif_map: dict[str, str], options: dict[str, str]) -> None:
    rec = db.get(vm, "VM")
    if not migration.versions_not_decreasing(source_versions(db, vm),
                                             db.get(dest.host, "host")["software_version"]):
        raise Failure("NOT_SUPPORTED_DURING_UPGRADE")
    if option_true(options, "copy"):
        raise Failure("OPERATION_NOT_ALLOWED", migration.COPY_INTRA_POOL)
    migration.check_sr_support(db, vdi_map, migration.local_features(db))
    if not placement.host_is_live(db, dest.host):
        raise Failure("HOST_NOT_LIVE")
    local_move = rec["power_state"] == "Running" and rec["resident_on"] == dest.host
    if not local_move and not db.get(dest.host, "host")["enabled"]:
        raise Failure("HOST_DISABLED", dest.host)
    migration.check_destination_reach(db, vm, dest.host, vdi_map)
    error = host_memory_error(db, vm, dest.host)
    if error is not None:
        raise error
    if vif_map:
        raise Failure("OPERATION_NOT_ALLOWED", VIF_MAP_INTRA_POOL)


def remote_features(remote: RemotePool) -> Callable[[str], frozenset[str]]:
    """The SM features of the destination pool's SRs, by SR ref."""
    records = cast(dict[str, dict], remote("SM.get_all_records"))
    by_type = {sm["type"]: frozenset(str(n).split("/")[0]
                                     for n in sm.get("features") or sm.get("capabilities") or ())
               for sm in records.values()}
    return lambda sr: by_type.get(str(remote("SR.get_type", sr)), frozenset())


def check_remote_reach(vm: str, dest: Destination, remote: RemotePool,
                       vdi_map: dict[str, str]) -> None:
    """The destination host must have every SR the disks go to plugged (VM_REQUIRES_SR)."""
    for sr in dict.fromkeys(vdi_map.values()):
        pbds = cast(list[str], remote("SR.get_PBDs", sr))
        if not any(remote("PBD.get_host", pbd) == dest.host
                   and remote("PBD.get_currently_attached", pbd) for pbd in pbds):
            raise Failure("VM_REQUIRES_SR", vm, sr)


def check_cross_pool(db: Database, vm: str, dest: Destination, remote: RemotePool,
                     vdi_map: dict[str, str], options: dict[str, str]) -> None:
    rec = db.get(vm, "VM")
    remote_versions = cast(dict[str, str], remote("host.get_software_version", dest.host))
    if not migration.versions_not_decreasing(source_versions(db, vm), remote_versions):
        raise Failure("VM_HOST_INCOMPATIBLE_VERSION_MIGRATE", vm, dest.host)
    migration.check_sr_support(db, vdi_map, remote_features(remote))
    if option_true(options, "copy") and not option_true(options, "force") \
            and rec["power_state"] != "Halted":
        raise Failure("VM_BAD_POWER_STATE", vm, "halted", rec["power_state"].lower())
    if not remote("host.get_enabled", dest.host):
        raise Failure("HOST_DISABLED", dest.host)
    check_remote_reach(vm, dest, remote, vdi_map)
    if rec["power_state"] in LIVE_STATES:
        needed = placement.vm_memory_need(db, vm)
        available = int(remote("host.compute_free_memory", dest.host))
        if available < needed:
            raise Failure("HOST_NOT_ENOUGH_FREE_MEMORY", needed, available)


def check_migration(db: Database, vm: str, dest: Destination, vdi_map: dict[str, str],
                    vif_map: dict[str, str], options: dict[str, str]) -> dict[str, str]:
    """xapi's assert_can_migrate; returns the resolved VIF map (cross-pool)."""
    check_vdi_map(db, vm, vdi_map)
    if dest.intra_pool:
        check_intra_pool(db, vm, dest, vdi_map, vif_map, options)
        return {}
    resolved = resolve_vif_map(db, vm, vif_map)
    check_cross_pool(db, vm, dest, dest.connect(), vdi_map, options)
    return resolved


@handler("VM", "assert_can_migrate")
def assert_can_migrate(call: Call, vm: str, dest: dict[str, str], live: bool,  # noqa: ARG001
                       vdi_map: dict[str, str], vif_map: dict[str, str],
                       options: dict[str, str], vgpu_map: dict | None = None) -> None:  # noqa: ARG001
    db = call.db
    db.get(vm, "VM")
    check_migration(db, vm, Destination.parse(db, dest), vdi_map, vif_map, options)


# -- sending ----------------------------------------------------------------------------------


def move_storage(call: Call, vm: str, vdi_map: dict[str, str]) -> None:
    """Storage motion inside the pool: each mapped disk is copied to its SR, the VBD follows,
    the old disk goes."""
    db = call.db
    for vbd, vdi in disk_vbds(db, vm):
        sr = vdi_map[vdi]
        if db.get(vdi, "VDI")["SR"] == sr:
            continue
        new = storage.copy_vdi(db, vdi, sr)
        db.update(vbd, VDI=new)
        migration.move_snapshot_disks(db, vdi, new)
        storage.destroy_vdi(db, vdi)
        storage.refresh_operations(db, vbd)


def send_within_pool(call: Call, vm: str, dest: Destination, vdi_map: dict[str, str]) -> str:
    db = call.db
    call.sleep(migration_seconds(db, vm, migration.moving_disks(db, vdi_map)), steps=8)
    with db.lock:
        move_storage(call, vm, vdi_map)
        if db.get(vm, "VM")["power_state"] in LIVE_STATES:
            move_domain(call, vm, dest.host)
    return vm


def vm_record(rec: dict) -> dict:
    """The VM's configuration as VM.create takes it in another pool."""
    fields = MODEL["VM"].fields
    record = {k: v for k, v in rec.items()
              if fields[k].qualifier != "RO/runtime" and k not in _LOCAL_VM_FIELDS}
    record["affinity"] = NULL_REF
    return record


def vdi_record(rec: dict, sr: str) -> dict:
    keep = ("name_label", "name_description", "virtual_size", "type", "sharable", "read_only",
            "other_config", "xenstore_data", "tags")
    return {**{k: rec[k] for k in keep}, "SR": sr, "sm_config": {}}


def vbd_record(rec: dict, vm: str, vdi: str) -> dict:
    keep = ("userdevice", "bootable", "mode", "type", "unpluggable", "other_config",
            "qos_algorithm_type", "qos_algorithm_params")
    return {**{k: rec[k] for k in keep}, "VM": vm, "VDI": vdi, "empty": vdi == NULL_REF}


def vif_record(rec: dict, vm: str, network: str) -> dict:
    keep = ("device", "MAC", "MTU", "other_config", "qos_algorithm_type", "qos_algorithm_params",
            "locking_mode", "ipv4_allowed", "ipv6_allowed")
    return {**{k: rec[k] for k in keep}, "VM": vm, "network": network}


def remote_suspend_sr(remote: RemotePool, dest: Destination, vdi: str) -> str:
    """The destination's pool suspend SR, else its host's, else its default SR."""
    pool = remote("pool.get_all")[0]
    for sr in (remote("pool.get_suspend_image_SR", pool),
               remote("host.get_suspend_image_sr", dest.host), remote("pool.get_default_SR", pool)):
        if sr != NULL_REF:
            return str(sr)
    raise Failure("VDI_NOT_IN_MAP", vdi)


class Transfer:
    """The objects one cross-pool migration makes in the destination pool (removed again if
    it fails part way)."""

    def __init__(self, db: Database, vm: str, dest: Destination, remote: RemotePool) -> None:
        self.db = db
        self.vm = vm
        self.dest = dest
        self.remote = remote
        self.made: list[tuple[str, str]] = []

    def make(self, cls: str, record: dict) -> str:
        ref = str(self.remote(f"{cls}.create", record))
        self.made.append((cls, ref))
        return ref

    def undo(self) -> None:
        for cls, ref in reversed(self.made):
            try:
                if cls == "VM" and self.remote("VM.get_power_state", ref) in LIVE_STATES:
                    self.remote("VM.hard_shutdown", ref)
                self.remote(f"{cls}.destroy", ref)
            except Failure:
                pass  # best effort, as xapi's cleanup

    def send(self, vdi_map: dict[str, str], networks: dict[str, str]) -> str:
        with self.db.lock:
            rec = dict(self.db.get(self.vm, "VM"))
            disks = {vbd: dict(self.db.get(vbd, "VBD")) for vbd in rec["VBDs"]}
            vifs = {vif: dict(self.db.get(vif, "VIF")) for vif in rec["VIFs"]}
            images = {vdi: dict(self.db.get(vdi, "VDI")) for vdi in vdi_map
                      if self.db.find(vdi, "VDI")}
            suspended = self.db.find(rec["suspend_VDI"], "VDI") if rec["power_state"] == \
                "Suspended" else None
        new_disks = {vdi: self.make("VDI", vdi_record(images[vdi], sr))
                     for vdi, sr in vdi_map.items() if vdi in images}
        record = vm_record(rec)
        if suspended is not None:
            sr = remote_suspend_sr(self.remote, self.dest, rec["suspend_VDI"])
            record.update(power_state="Suspended",
                          suspend_VDI=self.make("VDI", vdi_record(suspended, sr)))
        new_vm = self.make("VM", record)
        for vbd in disks.values():
            is_disk = not vbd["empty"] and vbd["type"] != "CD"
            target = new_disks.get(vbd["VDI"], NULL_REF) if is_disk else NULL_REF
            if is_disk or vbd["type"] == "CD":
                self.make("VBD", vbd_record(vbd, new_vm, target))
        for vif, vif_rec in vifs.items():
            self.make("VIF", vif_record(vif_rec, new_vm, networks[vif]))
        if rec["power_state"] in LIVE_STATES:
            self.remote("VM.start_on", new_vm, self.dest.host, rec["power_state"] == "Paused",
                        False)
        self.remote("VM.update_allowed_operations", new_vm)
        return new_vm


def remove_migrated(db: Database, vm: str) -> None:
    """The VM left this pool: its domain, records and disks go."""
    with db.lock:
        if db.get(vm, "VM")["power_state"] != "Halted":
            guest.domain_stopped(db, vm)
        guest.drop_suspend_image(db, vm)
        for _vbd, vdi in disk_vbds(db, vm):
            if db.find(vdi, "VDI") is not None:
                storage.destroy_vdi(db, vdi)
        remove_vm_records(db, vm)


def send_to_pool(call: Call, vm: str, dest: Destination, vdi_map: dict[str, str],
                 networks: dict[str, str], options: dict[str, str]) -> str:
    db = call.db
    call.sleep(migration_seconds(db, vm, [v for _, v in disk_vbds(db, vm)]), steps=8)
    transfer = Transfer(db, vm, dest, dest.connect())
    try:
        new_vm = transfer.send(vdi_map, networks)
    except BaseException:
        transfer.undo()
        raise
    if not option_true(options, "copy"):
        remove_migrated(db, vm)
    return new_vm


@handler("VM", "migrate_send")
def migrate_send(call: Call, vm: str, dest: dict[str, str], live: bool,  # noqa: ARG001
                 vdi_map: dict[str, str], vif_map: dict[str, str], options: dict[str, str],
                 vgpu_map: dict | None = None, vdi_format_map: dict | None = None) -> str:  # noqa: ARG001
    """Move the VM (and its disks, to the SRs of vdi_map) to the host of `dest`: within this
    pool, or to another pool, where it gets a new ref (returned)."""
    db = call.db
    db.get(vm, "VM")
    target = Destination.parse(db, dest)
    with vm_operation(call, vm, "migrate_send"):
        networks = check_migration(db, vm, target, vdi_map, vif_map, options)
        with migration.storage_migration_slot(call.sim):
            if target.intra_pool:
                return send_within_pool(call, vm, target, vdi_map)
            return send_to_pool(call, vm, target, vdi_map, networks, options)
