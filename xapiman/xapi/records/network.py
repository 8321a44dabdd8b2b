"""Typed views of networking: network, VIF, PIF."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xapiman.xapi.records.base import Record, register

if TYPE_CHECKING:
    from xapiman.xapi.records.host import Host
    from xapiman.xapi.records.vm import VM


@register
class Network(Record):
    """network: a virtual switch spanning the pool."""

    __slots__ = ()
    xapi_class = "network"

    @property
    def bridge(self) -> str:
        return self._str("bridge")

    @property
    def mtu(self) -> int:
        return self._int("MTU")

    @property
    def vifs(self) -> list[VIF]:
        return self._referrers("VIF", "network")

    @property
    def pifs(self) -> list[PIF]:
        return self._referrers("PIF", "network")


@register
class VIF(Record):
    """VIF: a VM's network interface on a network."""

    __slots__ = ()
    xapi_class = "VIF"

    @property
    def vm(self) -> VM | None:
        return self._one("VM", "VM")

    @property
    def network(self) -> Network | None:
        return self._one("network", "network")

    @property
    def device(self) -> str:
        return self._str("device")

    @property
    def mac(self) -> str:
        return self._str("MAC")

    @property
    def mtu(self) -> int:
        return self._int("MTU")

    @property
    def currently_attached(self) -> bool:
        return self._bool("currently_attached")


@register
class PIF(Record):
    """PIF: a host's physical (or VLAN / bond) network interface."""

    __slots__ = ()
    xapi_class = "PIF"

    @property
    def host(self) -> Host | None:
        return self._one("host", "host")

    @property
    def network(self) -> Network | None:
        return self._one("network", "network")

    @property
    def device(self) -> str:
        return self._str("device")

    @property
    def mac(self) -> str:
        return self._str("MAC")

    @property
    def ip(self) -> str:
        return self._str("IP")

    @property
    def netmask(self) -> str:
        return self._str("netmask")

    @property
    def gateway(self) -> str:
        return self._str("gateway")

    @property
    def vlan(self) -> int:
        """The VLAN tag, -1 for none."""
        return self._int("VLAN") if "VLAN" in self.raw else -1

    @property
    def management(self) -> bool:
        return self._bool("management")

    @property
    def physical(self) -> bool:
        return self._bool("physical")

    @property
    def currently_attached(self) -> bool:
        return self._bool("currently_attached")
