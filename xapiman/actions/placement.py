"""Which hosts a VM could go to, and why not, from what the cache knows."""

from __future__ import annotations

from xapiman.actions.prompts import Choice

NULL = "OpaqueRef:NULL"
GiB = 1024**3


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


def vm_memory(record: dict, cache) -> int:
    """Memory a VM uses or needs (bytes)."""
    metrics = cache.record("VM_metrics", record.get("metrics", NULL)) or {}
    actual = _int(metrics.get("memory_actual"))
    if record.get("power_state") in ("Running", "Paused") and actual:
        return actual
    return _int(record.get("memory_static_max"))


def host_free_memory(host_ref: str, cache) -> int:
    """Estimated free memory of a host: total less its overhead and its resident VMs."""
    host = cache.record("host", host_ref) or {}
    metrics = cache.record("host_metrics", host.get("metrics", NULL)) or {}
    used = _int(host.get("memory_overhead"))
    for vm_ref in host.get("resident_VMs", ()):
        vm = cache.record("VM", vm_ref)
        if vm is not None:
            used += vm_memory(vm, cache)
    return _int(metrics.get("memory_total")) - used


def host_live(host_ref: str, cache) -> bool:
    host = cache.record("host", host_ref) or {}
    metrics = cache.record("host_metrics", host.get("metrics", NULL)) or {}
    return bool(metrics.get("live", True))


def gib(value: int) -> str:
    return f"{value / GiB:.1f} GiB"


def vm_srs(vm_record: dict, cache) -> set[str]:
    """The SRs holding the VM's disks (not CD drives)."""
    out = set()
    for vbd_ref in vm_record.get("VBDs", ()):
        vbd = cache.record("VBD", vbd_ref) or {}
        vdi = cache.record("VDI", vbd.get("VDI", NULL)) if vbd.get("type") == "Disk" else None
        if vdi is not None:
            out.add(vdi.get("SR", NULL))
    return out


def host_sees(host_ref: str, sr_ref: str, cache) -> bool:
    """Whether the host has the SR plugged (a PBD of that SR on that host is attached)."""
    for pbd_ref in (cache.record("SR", sr_ref) or {}).get("PBDs", ()):
        pbd = cache.record("PBD", pbd_ref) or {}
        if pbd.get("host") == host_ref and pbd.get("currently_attached"):
            return True
    return False


def host_choices(vm_record: dict, cache, *, exclude_current: bool) -> list[Choice]:
    """Every host of the pool, greyed out with the reason where the VM cannot go."""
    need = vm_memory(vm_record, cache)
    current = vm_record.get("resident_on", NULL)
    srs = vm_srs(vm_record, cache)
    out = []
    for ref, host in sorted(cache.records("host").items(), key=lambda kv: kv[1]["name_label"]):
        free = host_free_memory(ref, cache)
        reason = ""
        if exclude_current and ref == current:
            reason = "The VM is already on this server."
        elif not host_live(ref, cache):
            reason = "The server is not reachable."
        elif not host.get("enabled", True):
            reason = "The server is in maintenance mode."
        elif free < need:
            reason = f"Not enough free memory: the VM needs {gib(need)}, {gib(max(free, 0))} free."
        elif any(not host_sees(ref, sr, cache) for sr in srs):
            reason = "The server cannot reach the storage of the VM's disks."
        out.append(Choice(host["name_label"], ref, enabled=not reason, reason=reason,
                          detail=f"{gib(max(free, 0))} free"))
    return out
