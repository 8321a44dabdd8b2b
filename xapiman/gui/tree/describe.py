"""What a tree row says about its object: state for the icon, tooltip, search text."""

from __future__ import annotations

from dataclasses import dataclass

from xapiman.xapi.records.base import as_int
from xapiman.xapi.refs import NULL_REF

GiB = 1024**3


@dataclass(frozen=True)
class Description:
    state: str
    tooltip: str


def vm_ips(record: dict, cache) -> list[str]:
    gm = cache.record("vm_guest_metrics", record.get("guest_metrics", NULL_REF)) if cache else None
    if not gm:
        return []
    networks = gm.get("networks", {})
    ips = [v for k, v in sorted(networks.items()) if k.endswith("/ip") or "/ipv4/" in k]
    return list(dict.fromkeys(ips))


def host_state(record: dict, cache) -> str:
    metrics = cache.record("host_metrics", record.get("metrics", NULL_REF)) if cache else None
    if metrics is not None and not metrics.get("live", True):
        return "offline"
    if not record.get("enabled", True):
        return "disabled"
    return ""


def describe(kind: str, record: dict, cache) -> Description:
    name = record.get("name_label", "")
    if kind == "vm":
        state = record.get("power_state", "")
        lines = [name, f"State: {state}"]
        host = cache.record("host", record.get("resident_on", NULL_REF)) if cache else None
        if host:
            lines.append(f"Server: {host.get('name_label', '')}")
        ips = vm_ips(record, cache)
        if ips:
            lines.append("IP: " + ", ".join(ips))
        return Description(state, "\n".join(lines))
    if kind == "snapshot":
        state = record.get("power_state", "")
        kind_text = "with memory" if state == "Suspended" else "disks only"
        return Description(state, f"{name}\nSnapshot ({kind_text}), taken "
                                  f"{record.get('snapshot_time', '')}")
    if kind == "template":
        return Description("", f"{name}\nTemplate")
    if kind == "host":
        state = host_state(record, cache)
        text = {"offline": "Not reachable", "disabled": "Maintenance mode"}.get(state, "Enabled")
        return Description(state, f"{name}\n{record.get('address', '')}\n{text}")
    if kind == "sr":
        size = as_int(record.get("physical_size"))
        used = as_int(record.get("physical_utilisation"))
        state = "shared" if record.get("shared") else ""
        text = f"{name}\n{record.get('type', '')}{', shared' if state else ''}"
        if size:
            text += f"\n{used / GiB:.1f} GiB used of {size / GiB:.1f} GiB"
        return Description(state, text)
    return Description("", name)


def search_text(kind: str, record: dict, cache) -> str:
    """Lower-case text the search box matches: name, uuid, tags, and a VM's IP addresses."""
    parts = [record.get("name_label", ""), record.get("uuid", ""), *record.get("tags", ())]
    if kind == "vm":
        parts.extend(vm_ips(record, cache))
    return "\n".join(parts).casefold()
