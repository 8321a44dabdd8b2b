"""This machine's own addresses, read from the kernel's tables without sending anything.

A server bound to every interface must advertise an address others can reach (in host
records and HOST_IS_SLAVE). The addresses come from /proc/net/route (which interface holds
the default route), the interfaces' IPv4 addresses (SIOCGIFADDR) and /proc/net/if_inet6:
no socket is connected and no name is resolved, so finding them makes no network traffic.
"""

from __future__ import annotations

import contextlib
import fcntl
import ipaddress
import socket
import struct
from pathlib import Path

SIOCGIFADDR = 0x8915  # linux/sockios.h
RTF_UP = 0x1
PROC_ROUTE = Path("/proc/net/route")
PROC_INET6 = Path("/proc/net/if_inet6")


def default_route_interfaces(table: Path = PROC_ROUTE) -> list[str]:
    """Interfaces holding an IPv4 default route (lowest metric first)."""
    found: list[tuple[int, str]] = []
    with contextlib.suppress(OSError):
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) < 7 or fields[1] != "00000000":
                continue
            with contextlib.suppress(ValueError):
                if int(fields[3], 16) & RTF_UP:
                    found.append((int(fields[6]), fields[0]))
    return [name for _, name in sorted(found)]


def ipv4_of(interface: str) -> str | None:
    """The IPv4 address of `interface`, or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            request = struct.pack("256s", interface.encode()[:15])
            answer = fcntl.ioctl(probe.fileno(), SIOCGIFADDR, request)
    except OSError:
        return None
    return socket.inet_ntoa(answer[20:24])


def ipv6_addresses(table: Path = PROC_INET6) -> list[tuple[str, str]]:
    """(interface, address) of every global IPv6 address."""
    out: list[tuple[str, str]] = []
    with contextlib.suppress(OSError):
        for line in table.read_text().splitlines():
            fields = line.split()
            if len(fields) < 6 or len(fields[0]) != 32:
                continue
            with contextlib.suppress(ValueError):
                ip = ipaddress.IPv6Address(bytes.fromhex(fields[0]))
                if not (ip.is_loopback or ip.is_link_local or ip.is_unspecified):
                    out.append((fields[5], str(ip)))
    return out


def _reachable(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not (ip.is_unspecified or ip.is_loopback or ip.is_link_local)


def own_address(ipv6: bool = False) -> str:
    """An address of this machine that others can reach: that of the interface holding the
    default route (for IPv6 servers, which take IPv4 clients too, a global IPv6 address
    first), else any interface's that is not loopback, else loopback itself."""
    routes = default_route_interfaces()
    if ipv6:
        v6 = ipv6_addresses()
        v6.sort(key=lambda item: item[0] not in routes)
        if v6:
            return v6[0][1]
    interfaces = routes + [name for _, name in socket.if_nameindex() if name not in routes]
    for interface in interfaces:
        found = ipv4_of(interface)
        if found is not None and _reachable(found):
            return found
    return "::1" if ipv6 else "127.0.0.1"
