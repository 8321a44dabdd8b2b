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


def host_choices(vm_record: dict, cache, *, exclude_current: bool) -> list[Choice]:
    """Every host of the pool, greyed out with the reason where the VM cannot go."""
    need = vm_memory(vm_record, cache)
    current = vm_record.get("resident_on", NULL)
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
        out.append(Choice(host["name_label"], ref, enabled=not reason, reason=reason,
                          detail=f"{gib(max(free, 0))} free"))
    return out
