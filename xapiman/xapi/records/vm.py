"""Typed views of VMs and what hangs off them: metrics, guest metrics, consoles, snapshots."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xapiman.xapi.records.base import Record, as_float, as_int, as_ref, as_strings, register

if TYPE_CHECKING:
    from xapiman.xapi.records.host import Host
    from xapiman.xapi.records.network import VIF
    from xapiman.xapi.records.storage import SR, VBD, VDI


def operation_allowed(record: Mapping[str, Any], operation: str) -> bool:
    """Whether a VM record allows `operation` now, as xapi decides: it is in
    `allowed_operations` and not in `blocked_operations` (a block wins, even over an
    `allowed_operations` that still lists the operation)."""
    blocked = record.get("blocked_operations")
    return (operation in as_strings(record.get("allowed_operations"))
            and not (isinstance(blocked, Mapping) and operation in blocked))

@register
class VMMetrics(Record):
    """VM_metrics: what the running domain uses."""

    __slots__ = ()
    xapi_class = "VM_metrics"

    @property
    def memory_actual(self) -> int:
        return self._int("memory_actual")

    @property
    def vcpus_number(self) -> int:
        return self._int("VCPUs_number")

    @property
    def vcpus_utilisation(self) -> dict[int, float]:
        return {as_int(k): as_float(v) for k, v in self._map("VCPUs_utilisation").items()}

    @property
    def start_time(self) -> datetime.datetime | None:
        return self._time("start_time")

    @property
    def install_time(self) -> datetime.datetime | None:
        return self._time("install_time")


@register
class VMGuestMetrics(Record):
    """VM_guest_metrics: what the guest tools report (OS, addresses, drivers)."""

    __slots__ = ()
    xapi_class = "VM_guest_metrics"

    @property
    def os_version(self) -> dict[str, str]:
        return self._map("os_version")

    @property
    def os_name(self) -> str:
        """The OS name ("Debian Bookworm 12"); Windows adds "|path|partition", dropped here."""
        return self.os_version.get("name", "").split("|", 1)[0].strip()

    @property
    def ip_addresses(self) -> list[str]:
        """Every address the guest reports, by device, IPv4 before IPv6, without repeats."""
        networks = self._map("networks")

        def order(key: str) -> tuple[int, int, str]:
            device, _, rest = key.partition("/")
            return (as_int(device, 999), 1 if rest.startswith("ipv6") else 0, rest)

        seen: dict[str, None] = {}
        for key in sorted(networks, key=order):
            value = networks[key].strip()
            if value:
                seen.setdefault(value, None)
        return list(seen)

    @property
    def pv_drivers_detected(self) -> bool:
        return self._bool("PV_drivers_detected")

    @property
    def live(self) -> bool:
        return self._bool("live")


@register
class Console(Record):
    """console: where a VM's screen can be reached (protocol rfb / vt100)."""

    __slots__ = ()
    xapi_class = "console"

    @property
    def protocol(self) -> str:
        return self._str("protocol")

    @property
    def location(self) -> str:
        return self._str("location")

    @property
    def vm(self) -> VM | None:
        return self._one("VM", "VM")


@dataclass
class SnapshotNode:
    """One snapshot in a VM's snapshot tree.

    Attributes:
        snapshot: the snapshot (a VM view with is_snapshot set).
        children: snapshots taken after it, from its state.
        current: the VM runs from this snapshot's state (the VM's parent).
    """

    snapshot: VM
    children: list[SnapshotNode] = field(default_factory=list)
    current: bool = False


@register
class VM(Record):
    """VM: a virtual machine, template, snapshot or control domain."""

    __slots__ = ()
    xapi_class = "VM"

    # -- what it is -------------------------------------------------------------------------

    @property
    def is_template(self) -> bool:
        return self._bool("is_a_template")

    @property
    def is_snapshot(self) -> bool:
        return self._bool("is_a_snapshot")

    @property
    def is_control_domain(self) -> bool:
        return self._bool("is_control_domain")

    @property
    def is_real(self) -> bool:
        """A guest VM: not a template, not a snapshot, not a control domain."""
        return not (self.is_template or self.is_snapshot or self.is_control_domain)

    # -- power ------------------------------------------------------------------------------

    @property
    def power_state(self) -> str:
        """"Halted", "Running", "Paused" or "Suspended"."""
        return self._str("power_state")

    @property
    def is_running(self) -> bool:
        return self.power_state == "Running"

    @property
    def is_halted(self) -> bool:
        return self.power_state == "Halted"

    @property
    def is_paused(self) -> bool:
        return self.power_state == "Paused"

    @property
    def is_suspended(self) -> bool:
        return self.power_state == "Suspended"

    @property
    def blocked_operations(self) -> dict[str, str]:
        return self._map("blocked_operations")

    def can(self, operation: str) -> bool:
        """Allowed by xapi now and not blocked by an administrator (see `operation_allowed`)."""
        return operation_allowed(self.raw, operation)

    # -- resources --------------------------------------------------------------------------

    @property
    def memory_static_min(self) -> int:
        return self._int("memory_static_min")

    @property
    def memory_static_max(self) -> int:
        return self._int("memory_static_max")

    @property
    def memory_dynamic_min(self) -> int:
        return self._int("memory_dynamic_min")

    @property
    def memory_dynamic_max(self) -> int:
        return self._int("memory_dynamic_max")

    @property
    def memory_target(self) -> int:
        return self._int("memory_target")

    @property
    def memory(self) -> int:
        """Memory in use when running (metrics), else what it would get (dynamic max)."""
        metrics = self.metrics
        if metrics is not None and self.power_state in ("Running", "Paused"):
            actual = metrics.memory_actual
            if actual:
                return actual
        return self.memory_dynamic_max

    @property
    def vcpus_max(self) -> int:
        return self._int("VCPUs_max")

    @property
    def vcpus_at_startup(self) -> int:
        return self._int("VCPUs_at_startup")

    @property
    def vcpus(self) -> int:
        """vCPUs in use when running (metrics), else those it starts with."""
        metrics = self.metrics
        if metrics is not None and self.power_state in ("Running", "Paused"):
            number = metrics.vcpus_number
            if number:
                return number
        return self.vcpus_at_startup

    @property
    def domid(self) -> int:
        return as_int(self.raw.get("domid"), -1)

    # -- relations --------------------------------------------------------------------------

    @property
    def resident_on(self) -> Host | None:
        return self._one("host", "resident_on")

    @property
    def affinity(self) -> Host | None:
        return self._one("host", "affinity")

    @property
    def metrics(self) -> VMMetrics | None:
        return self._one("VM_metrics", "metrics")

    @property
    def guest_metrics(self) -> VMGuestMetrics | None:
        return self._one("VM_guest_metrics", "guest_metrics")

    @property
    def os_name(self) -> str:
        gm = self.guest_metrics
        return gm.os_name if gm is not None else ""

    @property
    def ip_addresses(self) -> list[str]:
        gm = self.guest_metrics
        return gm.ip_addresses if gm is not None else []

    @property
    def vbds(self) -> list[VBD]:
        vbds = self._referrers("VBD", "VM")
        vbds.sort(key=lambda v: (as_int(v.userdevice, 999), v.ref))
        return vbds

    @property
    def disks(self) -> list[VDI]:
        """The VDIs behind the VM's disk VBDs (not CD drives), in device order."""
        out = []
        for vbd in self.vbds:
            if not vbd.is_cd:
                vdi = vbd.vdi
                if vdi is not None:
                    out.append(vdi)
        return out

    @property
    def srs(self) -> list[SR]:
        """The storage repositories holding the VM's disks, without repeats."""
        seen: dict[str, SR] = {}
        for vdi in self.disks:
            sr = vdi.sr
            if sr is not None:
                seen.setdefault(sr.ref, sr)
        return list(seen.values())

    @property
    def vifs(self) -> list[VIF]:
        vifs = self._referrers("VIF", "VM")
        vifs.sort(key=lambda v: (as_int(v.device, 999), v.ref))
        return vifs

    @property
    def consoles(self) -> list[Console]:
        return self._referrers("console", "VM")

    @property
    def snapshot_of(self) -> VM | None:
        return self._one("VM", "snapshot_of")

    @property
    def parent(self) -> VM | None:
        """The snapshot this VM (or snapshot) was last taken from / reverted to."""
        return self._one("VM", "parent")

    @property
    def snapshots(self) -> list[VM]:
        """The VM's snapshots, oldest first."""
        snaps = self._referrers("VM", "snapshot_of")
        snaps.sort(key=lambda s: (s.snapshot_time or datetime.datetime.min.replace(
            tzinfo=datetime.UTC), s.ref))
        return snaps

    @property
    def snapshot_time(self) -> datetime.datetime | None:
        return self._time("snapshot_time")

    def snapshot_tree(self) -> list[SnapshotNode]:
        """The VM's snapshots as a tree (roots first, oldest first at each level)."""
        snaps = self.snapshots
        nodes = {s.ref: SnapshotNode(s) for s in snaps}
        current = as_ref(self.raw.get("parent"))
        roots: list[SnapshotNode] = []
        for snap in snaps:
            node = nodes[snap.ref]
            node.current = snap.ref == current
            parent = as_ref(snap.raw.get("parent"))
            if parent in nodes and parent != snap.ref:
                nodes[parent].children.append(node)
            else:
                roots.append(node)
        return roots
