"""xapi's rules for moving a VM's disks (VM.migrate_send, VM.assert_can_migrate): which SRs may
take part, what the destination host must reach, how many storage migrations may run at once,
and the disks that move along with the VM's own (those of its snapshots)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from xapiman.sim import placement, storage
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure

if TYPE_CHECKING:
    from xapiman.sim.simulator import Simulator

# The SM features a disk's source SR and its destination SR need (xapi_vm_migrate.ml); an SM
# that predates VDI_MIRROR_IN receives mirrors when it has VDI_MIRROR.
SOURCE_FEATURES = ("VDI_SNAPSHOT", "VDI_MIRROR")
DEST_FEATURES = ("VDI_SNAPSHOT", "VDI_MIRROR_IN")
MAX_STORAGE_MIGRATES = 3  # per host, as xapi's with_migrate
COPY_INTRA_POOL = ("Copy mode is disallowed on intra pool storage migration, try efficient "
                   "alternatives, for example, VM.copy/clone.")

# software_version keys that may not go down from the source host to the destination
VERSION_KEYS = ("platform_version", "xapi_build", "xen")

_running: WeakKeyDictionary[Simulator, int] = WeakKeyDictionary()
_lock = threading.Lock()


def _version(text: str) -> tuple[int, ...]:
    parts = []
    for part in text.split("."):
        digits = "".join(c for c in part if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def versions_not_decreasing(source: dict[str, str], dest: dict[str, str]) -> bool:
    """Whether a VM may go from a host with software_version `source` to one with `dest`:
    none of the versions that matter is lower there (xapi's host_versions_not_decreasing)."""
    return all(_version(dest[k]) >= _version(source[k])
               for k in VERSION_KEYS if k in source and k in dest)


def missing(features: frozenset[str], wanted: tuple[str, ...]) -> list[str]:
    have = set(features)
    if "VDI_MIRROR" in have:
        have.add("VDI_MIRROR_IN")
    return [f for f in wanted if f not in have]


def check_sr_support(db: Database, vdi_map: dict[str, str],
                     dest_features: Callable[[str], frozenset[str]]) -> None:
    """SR_DOES_NOT_SUPPORT_MIGRATION [sr, "F1;F2"] for the first disk that changes SR where
    its SR cannot send it or the destination SR cannot receive it."""
    for vdi, dest in vdi_map.items():
        rec = db.find(vdi, "VDI")
        if rec is None or rec["SR"] == dest:
            continue
        source = db.get(rec["SR"], "SR")
        lacking = missing(storage.sm_features(db, source), SOURCE_FEATURES)
        if lacking:
            raise Failure("SR_DOES_NOT_SUPPORT_MIGRATION", rec["SR"], ";".join(lacking))
        lacking = missing(dest_features(dest), DEST_FEATURES)
        if lacking:
            raise Failure("SR_DOES_NOT_SUPPORT_MIGRATION", dest, ";".join(lacking))


def local_features(db: Database) -> Callable[[str], frozenset[str]]:
    return lambda sr: storage.sm_features(db, db.get(sr, "SR"))


def check_destination_reach(db: Database, vm: str, host: str, vdi_map: dict[str, str]) -> None:
    """Inside the pool: the destination host must see every SR the disks end up in
    (VM_REQUIRES_SR [vm, sr]) and be connected to the VM's networks
    (VM_REQUIRES_NETWORK [vm, network])."""
    plugged = placement.srs_plugged_on(db, host)
    for sr in dict.fromkeys(vdi_map.values()):
        if sr not in plugged:
            raise Failure("VM_REQUIRES_SR", vm, sr)
    for network in placement.vm_networks(db, vm):
        if not placement.network_reaches(db, network, host, vm):
            raise Failure("VM_REQUIRES_NETWORK", vm, network)


@contextlib.contextmanager
def storage_migration_slot(sim: Simulator) -> Iterator[None]:
    """One of the few storage migrations a host runs at once (TOO_MANY_STORAGE_MIGRATES
    ["3"] beyond them)."""
    with _lock:
        count = _running.get(sim, 0)
        if count >= MAX_STORAGE_MIGRATES:
            raise Failure("TOO_MANY_STORAGE_MIGRATES", str(MAX_STORAGE_MIGRATES))
        _running[sim] = count + 1
    try:
        yield
    finally:
        with _lock:
            _running[sim] = max(_running.get(sim, 1) - 1, 0)


def moving_disks(db: Database, vdi_map: dict[str, str]) -> list[str]:
    """The mapped disks whose SR changes."""
    return [vdi for vdi, sr in vdi_map.items()
            if (rec := db.find(vdi, "VDI")) is not None and rec["SR"] != sr]


def move_snapshot_disks(db: Database, old: str, new: str) -> None:
    """The snapshots of disk `old` follow it to the SR of `new` (its copy): each is copied
    there, the snapshot VMs' drives point at the copies, and the old images go."""
    sr = db.get(new, "VDI")["SR"]
    for snap in list(db.get(old, "VDI")["snapshots"]):
        rec = db.find(snap, "VDI")
        if rec is None:
            continue
        copy = storage.copy_vdi(db, snap, sr)
        db.update(copy, is_a_snapshot=True, snapshot_of=new, snapshot_time=rec["snapshot_time"],
                  read_only=rec["read_only"])
        for vbd in list(rec["VBDs"]):
            if db.find(vbd, "VBD") is not None:
                db.update(vbd, VDI=copy)
        storage.drop_vdi_record(db, snap)
