"""What the storage actions read from the cache: who uses a disk, the disks of an SR, whether an
SR is connected and where, and the device positions a VM has free."""

from __future__ import annotations

from dataclasses import dataclass

from xapiman.actions.sizes import as_int, format_size
from xapiman.i18n import translate
from xapiman.xapi.refs import NULL_REF

MAX_POSITIONS = 16  # userdevice 0..15 when the server does not say (VM.get_allowed_VBD_devices)
LIVE = ("Running", "Paused")


@dataclass(frozen=True)
class DiskUse:
    """One VM's use of a disk: through which VBD, at which position, how."""

    vm: str
    vm_name: str
    vbd: str
    position: str
    read_only: bool
    attached: bool  # plugged into the running VM now
    live: bool  # the VM is running or paused


def disk_uses(cache, vdi: str) -> list[DiskUse]:
    """The VMs (not snapshots or templates' own images) that have `vdi` as a disk or CD."""
    out = []
    for vbd in (cache.record("VDI", vdi) or {}).get("VBDs", ()):
        rec = cache.record("VBD", vbd)
        if rec is None:
            continue
        vm = cache.record("VM", rec.get("VM", NULL_REF))
        if vm is None:
            continue
        out.append(DiskUse(str(rec["VM"]), str(vm.get("name_label", "")), vbd,
                           str(rec.get("userdevice", "")), rec.get("mode") == "RO",
                           bool(rec.get("currently_attached")),
                           vm.get("power_state") in LIVE))
    return sorted(out, key=lambda u: (u.vm_name.casefold(), u.position))


def live_users(cache, vdi: str) -> list[str]:
    """Names of the running or paused VMs that use `vdi`."""
    return sorted({u.vm_name for u in disk_uses(cache, vdi) if u.live})


def sr_disks(cache, sr: str) -> list[tuple[str, dict]]:
    """(ref, record) of the disks of an SR, by name."""
    out = [(ref, rec) for ref, rec in cache.records("VDI").items() if rec.get("SR") == sr]
    return sorted(out, key=lambda kv: (str(kv[1].get("name_label", "")).casefold(), kv[0]))


def sr_pbds(cache, sr: str) -> list[tuple[str, dict]]:
    out = []
    for pbd in (cache.record("SR", sr) or {}).get("PBDs", ()):
        rec = cache.record("PBD", pbd)
        if rec is not None:
            out.append((pbd, rec))
    return out


def sr_connected(cache, sr: str) -> bool:
    return any(rec.get("currently_attached") for _p, rec in sr_pbds(cache, sr))


def hosts_without_pbd(cache, sr: str) -> list[str]:
    """Hosts of the pool a shared SR has no PBD on (none for a local SR)."""
    if not (cache.record("SR", sr) or {}).get("shared"):
        return []
    have = {rec.get("host") for _p, rec in sr_pbds(cache, sr)}
    return sorted(h for h in cache.records("host") if h not in have)


def disk_label(rec: dict) -> str:
    """"name (10 GiB)" for confirmations and lists."""
    return translate("Disks", "'{name}' ({size})").format(
        name=rec.get("name_label", ""), size=format_size(as_int(rec.get("virtual_size"))))


def used_positions(cache, vm: str) -> set[str]:
    out = set()
    for vbd in (cache.record("VM", vm) or {}).get("VBDs", ()):
        rec = cache.record("VBD", vbd)
        if rec is not None:
            out.add(str(rec.get("userdevice", "")))
    return out


def free_positions(cache, vm: str, allowed: list[str] | None = None) -> list[str]:
    """Device positions ("0".."15") no disk or drive of the VM uses; `allowed` is what the
    server answered to VM.get_allowed_VBD_devices when it was asked."""
    taken = used_positions(cache, vm)
    if allowed is not None:
        return sorted((p for p in allowed if p not in taken), key=lambda p: as_int(p, 99))
    return [str(n) for n in range(MAX_POSITIONS) if str(n) not in taken]
