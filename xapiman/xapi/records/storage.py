"""Typed views of storage: SR, PBD, VDI, VBD."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from xapiman.xapi.records.base import Record, register

if TYPE_CHECKING:
    from xapiman.xapi.records.host import Host
    from xapiman.xapi.records.vm import VM


@register
class SR(Record):
    """SR: a storage repository."""

    __slots__ = ()
    xapi_class = "SR"

    @property
    def type(self) -> str:
        """The driver ("ext", "lvm", "nfs", "iso" ...)."""
        return self._str("type")

    @property
    def content_type(self) -> str:
        return self._str("content_type")

    @property
    def shared(self) -> bool:
        return self._bool("shared")

    @property
    def is_iso(self) -> bool:
        return self.content_type == "iso"

    @property
    def is_tools_sr(self) -> bool:
        return self._bool("is_tools_sr")

    @property
    def physical_size(self) -> int:
        return self._int("physical_size")

    @property
    def physical_utilisation(self) -> int:
        return self._int("physical_utilisation")

    @property
    def virtual_allocation(self) -> int:
        return self._int("virtual_allocation")

    @property
    def free_space(self) -> int:
        return max(0, self.physical_size - self.physical_utilisation)

    @property
    def pbds(self) -> list[PBD]:
        return self._referrers("PBD", "SR")

    @property
    def hosts(self) -> list[Host]:
        """The hosts connected to this SR (through its PBDs)."""
        return self._many("host", {p.raw.get("host") for p in self.pbds if isinstance(p.raw.get("host"), str)})

    @property
    def vdis(self) -> list[VDI]:
        return self._referrers("VDI", "SR")


@register
class PBD(Record):
    """PBD: the connection of one host to one SR."""

    __slots__ = ()
    xapi_class = "PBD"

    @property
    def host(self) -> Host | None:
        return self._one("host", "host")

    @property
    def sr(self) -> SR | None:
        return self._one("SR", "SR")

    @property
    def currently_attached(self) -> bool:
        return self._bool("currently_attached")

    @property
    def device_config(self) -> dict[str, str]:
        return self._map("device_config")


@register
class VDI(Record):
    """VDI: a virtual disk (or ISO image) in an SR."""

    __slots__ = ()
    xapi_class = "VDI"

    @property
    def sr(self) -> SR | None:
        return self._one("SR", "SR")

    @property
    def virtual_size(self) -> int:
        return self._int("virtual_size")

    @property
    def physical_utilisation(self) -> int:
        return self._int("physical_utilisation")

    @property
    def type(self) -> str:
        """"system", "user", "ephemeral", "suspend", "crashdump" ..."""
        return self._str("type")

    @property
    def read_only(self) -> bool:
        return self._bool("read_only")

    @property
    def sharable(self) -> bool:
        return self._bool("sharable")

    @property
    def is_snapshot(self) -> bool:
        return self._bool("is_a_snapshot")

    @property
    def snapshot_of(self) -> VDI | None:
        return self._one("VDI", "snapshot_of")

    @property
    def snapshots(self) -> list[VDI]:
        return self._referrers("VDI", "snapshot_of")

    @property
    def snapshot_time(self) -> datetime.datetime | None:
        return self._time("snapshot_time")

    @property
    def vbds(self) -> list[VBD]:
        return self._referrers("VBD", "VDI")

    @property
    def vms(self) -> list[VM]:
        """The VMs this disk is plugged into (through VBDs)."""
        return self._many("VM", {v.raw.get("VM") for v in self.vbds if isinstance(v.raw.get("VM"), str)})


@register
class VBD(Record):
    """VBD: a VM's disk or CD drive, pointing at a VDI (none for an empty drive)."""

    __slots__ = ()
    xapi_class = "VBD"

    @property
    def vm(self) -> VM | None:
        return self._one("VM", "VM")

    @property
    def vdi(self) -> VDI | None:
        return self._one("VDI", "VDI")

    @property
    def type(self) -> str:
        """"Disk", "CD" or "Floppy"."""
        return self._str("type")

    @property
    def is_cd(self) -> bool:
        return self.type == "CD"

    @property
    def mode(self) -> str:
        """"RO" or "RW"."""
        return self._str("mode")

    @property
    def device(self) -> str:
        return self._str("device")

    @property
    def userdevice(self) -> str:
        return self._str("userdevice")

    @property
    def bootable(self) -> bool:
        return self._bool("bootable")

    @property
    def empty(self) -> bool:
        return self._bool("empty")

    @property
    def currently_attached(self) -> bool:
        return self._bool("currently_attached")
