"""The simulator finds this machine's own address without sending anything anywhere."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import pytest

from xapiman.sim import addresses

ROUTES = """\
Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
wlan0\t00000000\t0102A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0
eth1\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0
down0\t00000000\t010200C0\t0002\t0\t0\t1\t00000000\t0\t0\t0
broken line
"""

INET6 = """\
00000000000000000000000000000001 01 80 10 80       lo
fe8000000000000000fc00fffe000001 04 40 20 80     eth0
fd000000000000000000000000000002 04 40 00 82     eth0
20010db8000000000000000000000042 05 40 00 80    wlan0
zz
"""


def test_the_default_routes_are_read_by_metric_and_only_when_up(tmp_path: Path) -> None:
    table = tmp_path / "route"
    table.write_text(ROUTES)
    assert addresses.default_route_interfaces(table) == ["eth0", "wlan0"]
    assert addresses.default_route_interfaces(tmp_path / "missing") == []


def test_ipv6_addresses_leave_out_loopback_and_link_local(tmp_path: Path) -> None:
    table = tmp_path / "if_inet6"
    table.write_text(INET6)
    assert addresses.ipv6_addresses(table) == [("eth0", "fd00::2"), ("wlan0", "2001:db8::42")]


def test_the_loopback_interface_has_its_address() -> None:
    assert addresses.ipv4_of("lo") == "127.0.0.1"
    assert addresses.ipv4_of("no-such-interface") is None


@pytest.mark.parametrize("ipv6", [False, True])
def test_finding_the_own_address_connects_nothing_and_resolves_nothing(
        monkeypatch: pytest.MonkeyPatch, ipv6: bool) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network use while finding the own address: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    address = ipaddress.ip_address(addresses.own_address(ipv6))
    assert not address.is_unspecified and not address.is_link_local
